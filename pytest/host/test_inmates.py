"""The demo inmates (inmates/) and their cell configs (configs/*-cell.c), as built.

Nothing runs here: the images are checked as files against the memory map every
demo cell shares (docs/inmates.md), read with pyelftools, an ELF reader independent
of the toolchain that wrote them; the cell configs are read with cellfile.py (written
from docs/config-format.md) and compared with the cells the demos are meant to run
in. The expected values are restated below from the documentation, not taken from
inmates/lib/layout.h or the configs.
"""
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from elftools.elf.constants import P_FLAGS
from elftools.elf.elffile import ELFFile

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import cellfile as cf  # noqa: E402
from paths import BUILD, ROOT  # noqa: E402

INMATES = BUILD / "inmates"
CONFIGS = BUILD / "configs"

# The memory map of every demo cell.
RAM_BASE = 0x80000000
RAM_SIZE = 0x100000
PARAM_PAGE = 0x800FF000     # the last 4 KiB of RAM, loaded by the test
IMAGE_LIMIT = 0x800F0000    # code, data and bss end below; stacks fill the rest
STACK_SIZE = 0x4000
MAX_HARTS = 3
BOOT_INFO = 0x7FFFF000
ENTRY = RAM_BASE
RAM_FLAGS = cf.MEM_READ | cf.MEM_WRITE | cf.MEM_EXECUTE | cf.MEM_LOADABLE
IO_FLAGS = cf.MEM_READ | cf.MEM_WRITE | cf.MEM_IO

RTC = cf.MemRegion(0x101000, 0x101000, 0x1000, IO_FLAGS)
RTC_LINE = 11

# name -> (harts, physical RAM slice, extra regions, PLIC lines)
CELLS = {
    "hello": ([3], 0xBCE00000, [], []),
    "timer-demo": ([3], 0xBCF00000, [], []),
    "irq-demo": ([3], 0xBD000000, [RTC], [RTC_LINE]),
    "smp-demo": ([2, 3], 0xBD100000, [], []),
    "attack": ([3], 0xBD200000, [], []),
    "hostile": ([2, 3], 0xBD300000, [], []),
    "fuzz": ([2, 3], 0xBD400000, [], []),
    "echo": ([3], 0xBD500000, [], []),
}
DEMOS = list(CELLS)

# The lines the board tests match, as printf formats (docs/inmates.md).
OUTPUT_FORMATS = {
    "hello": ["hello from cell %s on hart %lu\n"],
    "timer-demo": ["timer-demo: %u ticks, jitter min %lu avg %lu max %lu ns\n",
                   "timer-demo: done\n"],
    "irq-demo": ["irq-demo: interrupt %u\n", "irq-demo: done, %u interrupts\n",
                 "irq-demo: plic accesses %lu\n"],
    "smp-demo": ["smp-demo: hart %lu starting hart %lu\n", "smp-demo: hello from hart %lu\n",
                 "smp-demo: hart %lu status of hart %lu: %s\n"],
    "attack": ["attack: %s -> error %ld\n", "attack: sbi done\n", "attack: reading 0x%lx\n",
               "attack: read returned 0x%lx\n", "attack: plic write done\n"],
    "hostile": ["hostile: restarting hart %lu in a loop\n",
                "\nhostile: dbcn write of %u bytes: error %ld, %ld written\n",
                "hostile: hart %lu %s: fcsr 0x%lx, %u fp registers not zero\n",
                "hostile: hart %lu filled\n", "hostile: leak done\n",
                "hostile: hart_start at 0x%lx (%s) -> error %ld, hart %lu %s\n",
                "hostile: hsm-addr done\n"],
    "fuzz": ["fuzz: hart %lu: seed %lu, %lu actions\n",
             "fuzz: hart %lu done: %lu actions, %lu SBI calls, %lu exceptions skipped\n"],
    "echo": ["echo: cell %s on hart %lu reads its console\n", "echo: %s (%lu bytes, %s)\n",
             "echo: bye\n"],
}

# csrrci x0, sstatus (0x100), 2 (SIE): the entry code's first instruction, encoded from
# the I-type fields (csr, uimm in rs1, funct3 = 111, rd, opcode SYSTEM).
CSRCI_SSTATUS_SIE = (0x100 << 20) | (2 << 15) | (0b111 << 12) | (0 << 7) | 0b1110011


@pytest.fixture(scope="session")
def built():
    """Every demo image and cell config, (re)built by their make rules."""
    targets = [str(INMATES / f"{d}.{ext}") for d in DEMOS for ext in ("elf", "bin")]
    targets += [str(CONFIGS / f"{d}-cell.cell") for d in DEMOS]
    r = subprocess.run(["make", "-s", f"BUILD={BUILD}"] + targets, cwd=ROOT,
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail(f"building the inmates failed:\n{r.stdout}{r.stderr}")
    return True


def load_segments(elf):
    return [s for s in elf.iter_segments() if s["p_type"] == "PT_LOAD"]


def symbols(elf):
    table = elf.get_section_by_name(".symtab")
    assert table is not None, "the inmate ELF has no symbol table"
    return {s.name: s["st_value"] for s in table.iter_symbols() if s.name}


# ---------------------------------------------------------------- images

@pytest.mark.parametrize("demo", DEMOS)
def test_elf_header(built, demo):
    with open(INMATES / f"{demo}.elf", "rb") as f:
        elf = ELFFile(f)
        assert elf.elfclass == 64 and elf.little_endian
        assert elf["e_machine"] == "EM_RISCV"
        assert elf["e_type"] == "ET_EXEC"
        assert elf["e_entry"] == ENTRY
        assert symbols(elf)["_start"] == ENTRY


@pytest.mark.parametrize("demo", DEMOS)
def test_segments_stay_in_the_image_area(built, demo):
    with open(INMATES / f"{demo}.elf", "rb") as f:
        elf = ELFFile(f)
        segs = load_segments(elf)
        assert segs
        spans = []
        for s in segs:
            start, end = s["p_paddr"], s["p_paddr"] + s["p_memsz"]
            assert s["p_vaddr"] == s["p_paddr"], "translation is off: virtual = physical"
            assert RAM_BASE <= start and end <= PARAM_PAGE, hex(start)
            # Below the stacks, not just below the parameter page.
            assert end <= IMAGE_LIMIT, f"segment ends at {end:#x}"
            assert s["p_filesz"] <= s["p_memsz"]
            spans.append((start, end))
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:]):
            assert end <= start, "load segments overlap"


@pytest.mark.parametrize("demo", DEMOS)
def test_no_writable_code(built, demo):
    """Code is R+X, constants R, data and bss R+W: nothing both W and X."""
    with open(INMATES / f"{demo}.elf", "rb") as f:
        elf = ELFFile(f)
        kinds = []
        for s in load_segments(elf):
            flags = s["p_flags"]
            assert flags & P_FLAGS.PF_R
            assert not (flags & P_FLAGS.PF_W and flags & P_FLAGS.PF_X), \
                f"segment at {s['p_paddr']:#x} is writable and executable"
            kinds.append("x" if flags & P_FLAGS.PF_X else "w" if flags & P_FLAGS.PF_W else "r")
        assert kinds.count("x") == 1
        # The entry is in the code.
        code = next(s for s in load_segments(elf) if s["p_flags"] & P_FLAGS.PF_X)
        assert code["p_paddr"] == ENTRY


@pytest.mark.parametrize("demo", DEMOS)
def test_bin_is_the_loaded_bytes_from_the_entry_on(built, demo):
    """NAME.bin is what an ELF loader puts in memory, from 0x80000000 to the last file byte."""
    binary = (INMATES / f"{demo}.bin").read_bytes()
    with open(INMATES / f"{demo}.elf", "rb") as f:
        elf = ELFFile(f)
        segs = [s for s in load_segments(elf) if s["p_filesz"]]
        low = min(s["p_paddr"] for s in segs)
        high = max(s["p_paddr"] + s["p_filesz"] for s in segs)
        assert low == ENTRY
        assert len(binary) == high - low
        expected = bytearray(high - low)
        for s in segs:
            off = s["p_paddr"] - low
            expected[off:off + s["p_filesz"]] = s.data()
        assert binary == bytes(expected)
    first, = struct.unpack_from("<I", binary, 0)
    assert first == CSRCI_SSTATUS_SIE, f"first instruction {first:#010x} is not the entry code"


@pytest.mark.parametrize("demo", DEMOS)
def test_bss_and_stacks_fit(built, demo):
    with open(INMATES / f"{demo}.elf", "rb") as f:
        sym = symbols(ELFFile(f))
    assert sym["__bss_start"] % 8 == 0 and sym["__bss_end"] % 8 == 0
    assert RAM_BASE < sym["__bss_start"] <= sym["__bss_end"] <= IMAGE_LIMIT
    assert sym["__stacks_top"] == PARAM_PAGE
    assert IMAGE_LIMIT + MAX_HARTS * STACK_SIZE <= PARAM_PAGE
    # Both ways in: the first hart's and a started hart's.
    assert sym["_secondary_entry"] % 4 == 0 and RAM_BASE < sym["_secondary_entry"] < IMAGE_LIMIT
    assert "main" in sym and "trap_vector" in sym


@pytest.mark.parametrize("demo", DEMOS)
def test_documented_output_lines_are_in_the_image(built, demo):
    with open(INMATES / f"{demo}.elf", "rb") as f:
        rodata = ELFFile(f).get_section_by_name(".rodata").data()
    for fmt in OUTPUT_FORMATS[demo]:
        assert fmt.encode() + b"\0" in rodata, f"{demo} no longer prints {fmt!r}"


# ---------------------------------------------------------------- cell configs

def read_cell(demo):
    data = (CONFIGS / f"{demo}-cell.cell").read_bytes()
    cell = cf.Cell.unpack(data)
    assert len(data) == cell.size, "trailing bytes after the regions"
    return cell


@pytest.mark.parametrize("demo", DEMOS)
def test_cell_config(built, demo):
    harts, ram_phys, extra, lines = CELLS[demo]
    cell = read_cell(demo)
    assert cell.signature == cf.CELL_SIGNATURE and cell.revision == cf.REVISION
    assert cell.flags == 0 and cell.reserved1 == [0] * 6
    assert cell.name == demo.encode().ljust(cf.NAME_LEN, b"\0")
    assert cell.harts() == harts
    assert cell.entry == ENTRY
    assert cell.boot_arg == BOOT_INFO
    assert cell.console == cf.Console(type=cf.CONSOLE_SBI)
    assert cell.irqs() == lines
    ram = cf.MemRegion(ram_phys, RAM_BASE, RAM_SIZE, RAM_FLAGS)
    assert cell.regions == [ram] + extra


@pytest.mark.parametrize("demo", DEMOS)
def test_boot_info_page_is_outside_the_cell_memory(built, demo):
    cell = read_cell(demo)
    assert cell.boot_arg % 0x1000 == 0
    for r in cell.regions:
        assert not r.virt_start <= cell.boot_arg < r.virt_start + r.size


def test_cell_ram_slices_are_distinct_and_in_the_pool(built):
    system = cf.System.unpack((CONFIGS / "system.cell").read_bytes())
    # The demo cells' pool; the other one is the Linux cell's (configs/linux-cell.c).
    pools = [r for r in system.root.regions if r.flags & cf.MEM_LOADABLE]
    assert [(p.phys_start, p.size) for p in pools] == [(0xbce00000, 0x2f00000),
                                                       (0xb7e00000, 0x4000000)]
    pool = pools[0]
    rams = sorted((read_cell(d).regions[0] for d in DEMOS), key=lambda r: r.phys_start)
    for r in rams:
        assert pool.phys_start <= r.phys_start and r.phys_end <= pool.phys_end
    for a, b in zip(rams, rams[1:]):
        assert a.phys_end <= b.phys_start, "two demo cells share RAM"


def test_cells_are_installed_in_the_rootfs():
    """inmates/build.mk puts images and configs where the board tests look for them."""
    r = subprocess.run(["make", "-s", "-pn", f"BUILD={BUILD}", "kernel"], cwd=ROOT,
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    extra = next(line for line in r.stdout.splitlines() if line.startswith("ROOTFS_EXTRA :="))
    entries = dict(e.split("=", 1) for e in extra.split(":=", 1)[1].split())
    for d in DEMOS:
        for ext in ("bin", "elf"):
            assert Path(entries[f"/usr/share/bulkhead/inmates/{d}.{ext}"]) == INMATES / f"{d}.{ext}"
        assert Path(entries[f"/etc/bulkhead/{d}-cell.cell"]) == CONFIGS / f"{d}-cell.cell"
