"""The binary config format: the board's system.cell and the validator.

The oracle is docs/config-format.md: cellfile.py (written from it) reads and
writes configs, the expected board facts come from the board description and
QEMU's own device tree, and a small reference validator below restates the
documented rules for the randomised comparison.
"""
import ctypes
import random
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import cellfile as cf  # noqa: E402
from paths import BUILD, ROOT  # noqa: E402

SYSTEM_CELL = BUILD / "configs" / "system.cell"
CELLCHECK = BUILD / "configs" / "cellcheck"

ESIZE, EFORMAT, EINVAL, ECONFLICT, EBUFFER, EEXIST = -1, -2, -3, -4, -5, -6
ERR_LEN = 256
RWX = cf.MEM_READ | cf.MEM_WRITE | cf.MEM_EXECUTE
RW = cf.MEM_READ | cf.MEM_WRITE
RW_IO = RW | cf.MEM_IO
TOP = 1 << 64


# ---------------------------------------------------------------- plumbing

@pytest.fixture(scope="session")
def system_bytes():
    """build/configs/system.cell, (re)built by its make rule."""
    r = subprocess.run(["make", "-s", f"BUILD={BUILD}", str(SYSTEM_CELL)], cwd=ROOT,
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail(f"building {SYSTEM_CELL} failed:\n{r.stdout}{r.stderr}")
    return SYSTEM_CELL.read_bytes()


@pytest.fixture(scope="session")
def v(core):
    """The validator's entry points with their C signatures."""
    for name in ("bh_config_check_system", "bh_config_check_cell"):
        fn = getattr(core, name)
        fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]
        fn.restype = ctypes.c_int
    core.bh_config_check_cell_fits.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                               ctypes.c_char_p, ctypes.c_size_t]
    core.bh_config_check_cell_fits.restype = ctypes.c_int
    for name in ("bh_config_ranges_overlap", "bh_config_range_contains"):
        fn = getattr(core, name)
        fn.argtypes = [ctypes.c_uint64] * 4
        fn.restype = ctypes.c_bool
    for name in ("bh_config_region_by_phys", "bh_config_region_by_guest"):
        fn = getattr(core, name)
        fn.argtypes = [ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64]
        fn.restype = ctypes.c_void_p
    core.bh_config_check_placement.argtypes = [ctypes.c_uint64] * 5 + [ctypes.c_char_p,
                                                                      ctypes.c_size_t]
    core.bh_config_check_placement.restype = ctypes.c_int
    core.bh_config_check_against_cells.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                                   ctypes.POINTER(ctypes.c_void_p),
                                                   ctypes.c_uint, ctypes.c_char_p,
                                                   ctypes.c_size_t]
    core.bh_config_check_against_cells.restype = ctypes.c_int
    return core


def _buffer(data):
    return ctypes.create_string_buffer(bytes(data), max(len(data), 1))


def call_check(fn, data, err_len=ERR_LEN):
    """(code, message) of a check; also asserts the config was left untouched."""
    buf = _buffer(data)
    err = ctypes.create_string_buffer(err_len)
    assert ctypes.addressof(buf) % 8 == 0
    rc = fn(buf, len(data), err, err_len)
    assert buf.raw[:len(data)] == bytes(data), "the validator modified the config"
    return rc, err.value.decode()


def check_system(v, data):
    return call_check(v.bh_config_check_system, data)


def check_cell(v, data):
    return call_check(v.bh_config_check_cell, data)


def check_fits(v, sys_data, cell_data):
    sbuf, cbuf = _buffer(sys_data), _buffer(cell_data)
    err = ctypes.create_string_buffer(ERR_LEN)
    rc = v.bh_config_check_cell_fits(sbuf, cbuf, err, ERR_LEN)
    return rc, err.value.decode()


@pytest.fixture
def sysconf(system_bytes):
    """A fresh, mutable parse of the board's system config."""
    return cf.System.unpack(system_bytes)


def demo_cell():
    """A cell that fits the board: hart 3, 1 MiB of the pool, virtio-mmio slot 7."""
    cell = cf.Cell(name="demo", entry=0x80000000, boot_arg=0x800f0000,
                   console=cf.Console(type=cf.CONSOLE_SBI),
                   regions=[cf.MemRegion(0xbce00000, 0x80000000, 0x100000,
                                         RWX | cf.MEM_LOADABLE),
                            cf.MemRegion(0x10008000, 0x10008000, 0x1000, RW_IO)])
    cell.set_harts([3])
    cell.set_irqs([8])
    return cell


# ---------------------------------------------------------------- the board's config

def test_system_cell_layout(system_bytes):
    assert system_bytes[:8] == b"BHSYSTEM"
    assert len(system_bytes) == 712 + 32 * 8 + 64 * 1  # 8 regions, 1 link end
    assert system_bytes[424:432] == b"BHCELL\0\0"
    assert cf.System.unpack(system_bytes).pack() == system_bytes


def test_system_cell_describes_the_board(sysconf):
    s = sysconf
    assert (s.revision, s.architecture, s.flags) == (1, cf.ARCH_RISCV64, 0)
    assert (s.hv_phys_start, s.hv_size) == (0xbbe00000, 16 << 20)
    assert s.debug_console == cf.Console(cf.CONSOLE_NS16550, 0, 0x10000000, 0x1000, 0)
    assert (s.plic_base, s.plic_size) == (0x0c000000, 0x600000)
    assert s.plic_num_sources == 96
    assert s.timebase_frequency == 10_000_000
    assert s.hart_plic_context == [1, 3, 5, 7] + [cf.NO_CONTEXT] * 60
    root = s.root
    assert root.name_str == "root"
    assert root.harts() == [0, 1, 2, 3]
    assert root.irqs() == list(range(1, 96))
    assert (root.entry, root.boot_arg, root.flags) == (0, 0, 0)
    assert root.console == cf.Console(cf.CONSOLE_NS16550, 0, 0x10000000, 0x1000, 0)
    regions = sorted((r.phys_start, r.phys_end, r.flags) for r in root.regions)
    assert regions == [
        (0x100000, 0x101000, RW_IO),  # syscon test device
        (0x101000, 0x102000, RW_IO),  # goldfish RTC
        (0x10000000, 0x10001000, RW_IO),  # UART0
        (0x10001000, 0x10009000, RW_IO),  # virtio-mmio
        (0x80080000, 0xb7e00000, RWX),  # Linux RAM (6.12 uses it from 0x80080000)
        (0xb7e00000, 0xbbe00000, RWX | cf.MEM_LOADABLE),  # the Linux cell's pool
        (0xbce00000, 0xbfd00000, RWX | cf.MEM_LOADABLE),  # cell pool
        (0xbfe00000, 0xc0000000, RWX),  # Linux RAM holding the DTB
    ]
    assert all(r.virt_start == r.phys_start for r in root.regions)
    # OpenSBI's 512 KiB and the hypervisor's memory belong to no root region.
    for r in root.regions:
        assert r.phys_end <= 0x80000000 or r.phys_start >= 0x80080000
        assert r.phys_end <= 0xbbe00000 or r.phys_start >= 0xbce00000


def _cells(prop, fmt=">I"):
    n = struct.calcsize(fmt)
    return [struct.unpack(fmt, bytes(prop[i:i + n]))[0] for i in range(0, len(prop), n)]


@pytest.fixture(scope="session")
def board_dtb(tmp_path_factory):
    """The board's device tree as scripts/make-dtb.sh builds it (QEMU's plus reserved-memory)."""
    if not shutil.which("qemu-system-riscv64") or not shutil.which("dtc"):
        pytest.skip("qemu-system-riscv64 or dtc missing (make deps)")
    libfdt = pytest.importorskip("libfdt")
    out = tmp_path_factory.mktemp("dtb") / "board.dtb"
    r = subprocess.run([str(ROOT / "scripts" / "make-dtb.sh"), str(out)], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    return libfdt.Fdt(out.read_bytes())


def test_system_cell_matches_qemus_device_tree(sysconf, board_dtb):
    fdt = board_dtb

    def reg(path):
        start_hi, start_lo, size_hi, size_lo = _cells(fdt.getprop(fdt.path_offset(path), "reg"))
        return start_hi << 32 | start_lo, size_hi << 32 | size_lo

    def page_up(n):
        return (n + 0xfff) & ~0xfff

    plic = "/soc/plic@c000000"
    assert (sysconf.plic_base, sysconf.plic_size) == reg(plic)
    timebase = _cells(fdt.getprop(fdt.path_offset("/cpus"), "timebase-frequency"))[0]
    assert sysconf.timebase_frequency == timebase

    # interrupts-extended: (phandle, cause) per context; cause 9 is S-external.
    ext = _cells(fdt.getprop(fdt.path_offset(plic), "interrupts-extended"))
    hart_of_intc = {}
    for hart in range(4):
        intc = fdt.path_offset(f"/cpus/cpu@{hart}/interrupt-controller")
        hart_of_intc[fdt.get_phandle(intc)] = hart
    s_context = {hart_of_intc[ext[2 * c]]: c for c in range(len(ext) // 2) if ext[2 * c + 1] == 9}
    assert sysconf.hart_plic_context[:4] == [s_context[h] for h in range(4)]

    # Every device the root maps is a DT node, rounded up to whole pages.
    root = {r.phys_start: r for r in sysconf.root.regions}
    for path in ("/soc/serial@10000000", "/soc/rtc@101000", "/soc/test@100000"):
        start, size = reg(path)
        assert root[start].size == page_up(size) and root[start].flags & cf.MEM_IO, path
    virtio = [reg(f"/soc/virtio_mmio@{0x10001000 + i * 0x1000:x}") for i in range(8)]
    assert root[0x10001000].size == sum(size for _, size in virtio)
    # Lines the DT's devices use exist in the config (line < plic_num_sources).
    used = []
    for path in ("/soc/serial@10000000", "/soc/rtc@101000") + tuple(
            f"/soc/virtio_mmio@{0x10001000 + i * 0x1000:x}" for i in range(8)):
        used += _cells(fdt.getprop(fdt.path_offset(path), "interrupts"))
    assert max(used) < sysconf.plic_num_sources and set(used) <= set(sysconf.root.irqs())
    # The reserved-memory node is exactly the Linux cell's pool + hypervisor memory + cell pool
    # + the links' 1 MiB (their shared memory and the root's doorbell pages).
    rsv_start, rsv_size = reg("/reserved-memory/bulkhead@b7e00000")
    linux_pool, pool = root[0xb7e00000], root[0xbce00000]
    assert linux_pool.phys_start == rsv_start
    assert linux_pool.phys_end == sysconf.hv_phys_start
    assert sysconf.hv_phys_start + sysconf.hv_size == pool.phys_start
    assert pool.phys_end + 0x100000 == rsv_start + rsv_size
    for end in sysconf.root.links:
        assert pool.phys_end <= end.shmem_phys < end.shmem_phys + end.shmem_size <= rsv_start + rsv_size
        assert pool.phys_end <= end.doorbell < rsv_start + rsv_size
    # The DTB area is the last 2 MiB of RAM.
    mem_start, mem_size = reg("/memory@80000000")
    assert root[0xbfe00000].phys_end == mem_start + mem_size


# ---------------------------------------------------------------- system config: accepted

def test_board_system_config_is_accepted(v, system_bytes):
    assert check_system(v, system_bytes) == (0, "")


def test_accepted_boundaries(v, sysconf):
    s = sysconf
    s.hart_plic_context[3] = 127  # the last context the hypervisor's vPLIC models
    s.plic_num_sources = 1024
    s.virtual_irqs = 0  # no room above 1023 for doorbell lines, so no links
    s.root.links = []
    s.root.set_irqs(range(1, 1024))
    s.debug_console = cf.Console(type=cf.CONSOLE_SBI)
    assert check_system(v, s.pack()) == (0, "")


def test_64_regions_accepted_65_rejected(v, sysconf):
    s = sysconf
    pool = [r for r in s.root.regions if r.flags & cf.MEM_LOADABLE][0]
    s.root.regions.remove(pool)
    pieces = 64 - len(s.root.regions)
    step = pool.size // pieces & ~0xfff
    s.root.regions += [cf.MemRegion(pool.phys_start + i * step, pool.phys_start + i * step, step,
                                    pool.flags) for i in range(pieces)]
    assert check_system(v, s.pack()) == (0, "")
    s.root.regions.append(cf.MemRegion(0x20000000, 0x20000000, 0x1000, RW_IO))
    assert check_system(v, s.pack()) == (
        EINVAL, "system config: root cell: 65 memory regions (at most 64)")


# ---------------------------------------------------------------- system config: rejected

def _set(obj, attr, value):
    setattr(obj, attr, value)


def _region(s, i, **kw):
    for k, val in kw.items():
        setattr(s.root.regions[i], k, val)


def _region_at(s, i, start, size):
    _region(s, i, phys_start=start, virt_start=start, size=size)


SYSTEM_REJECTS = {
    "signature": (lambda s: _set(s, "signature", b"BHSYSTEX"), EFORMAT,
                  'system config: bad signature "BHSYSTEX" (expected "BHSYSTEM")'),
    "revision": (lambda s: _set(s, "revision", 2), EFORMAT,
                 "system config: revision 2 not supported (expected 1)"),
    "architecture": (lambda s: _set(s, "architecture", 2), EFORMAT,
                     "system config: architecture 2 not supported (expected 1 = riscv64)"),
    "root signature": (lambda s: _set(s.root, "signature", b"BHCELL\0X"), EFORMAT,
                       'system config: root cell: bad signature "BHCELL\\x00X" '
                       '(expected "BHCELL\\x00\\x00")'),
    "root revision": (lambda s: _set(s.root, "revision", 0), EFORMAT,
                      "system config: root cell: revision 0 not supported (expected 1)"),
    "system flags": (lambda s: _set(s, "flags", 0x4), EINVAL,
                     "system config: unknown flags 0x4"),
    "root flags": (lambda s: _set(s.root, "flags", 0x80000000), EINVAL,
                   "root cell 'root': unknown flags 0x80000000"),
    "region flags": (lambda s: _region(s, 2, flags=RW_IO | 0x20), EINVAL,
                     "root cell 'root': memory region 2: unknown flags 0x20"),
    "reserved": (lambda s: s.reserved1.__setitem__(0, 1), EINVAL,
                 "system config: reserved byte at offset 0x188 is 0x1, must be 0"),
    "too many virtual lines": (lambda s: _set(s, "virtual_irqs", 1024 - 96 + 1), EINVAL,
                               "system config: 929 virtual lines above 96 PLIC sources exceed "
                               "the 1024 lines a vPLIC has"),
    "root reserved": (lambda s: s.root.reserved1.__setitem__(5, 0xff << 56), EINVAL,
                      "root cell 'root': reserved byte at offset 0x7f is 0xff, must be 0"),
    "overlapping regions": (lambda s: _region_at(s, 6, 0xbfc00000, 0x400000), ECONFLICT,
                            "root cell 'root': memory region 6 physical [0xbfc00000..0xc0000000) "
                            "overlaps region 5 [0xbce00000..0xbfd00000)"),
    "region not aligned": (lambda s: _region_at(s, 2, 0x10000800, 0x1000), EINVAL,
                           "root cell 'root': memory region 2: phys_start 0x10000800 "
                           "is not 4 KiB aligned"),
    "size not aligned": (lambda s: _region(s, 3, size=0x8800), EINVAL,
                         "root cell 'root': memory region 3: size 0x8800 is not 4 KiB aligned"),
    "size 0": (lambda s: _region(s, 1, size=0), EINVAL,
               "root cell 'root': memory region 1: size is 0"),
    "wraps past 2^64": (lambda s: _region_at(s, 6, 0xfffffffffff00000, 0x200000), EINVAL,
                        "root cell 'root': memory region 6: physical range 0xfffffffffff00000 "
                        "+ 0x200000 wraps past 2^64"),
    "ends at 2^64": (lambda s: _region_at(s, 6, 0xffffffffffe00000, 0x200000), EINVAL,
                     "root cell 'root': memory region 6: physical range 0xffffffffffe00000 "
                     "+ 0x200000 wraps past 2^64"),
    "write without read": (lambda s: _region(s, 6, flags=cf.MEM_WRITE), EINVAL,
                           "root cell 'root': memory region 6: writable but not readable"),
    "no access": (lambda s: _region(s, 2, flags=cf.MEM_IO), EINVAL,
                  "root cell 'root': memory region 2: grants no access "
                  "(none of READ, WRITE, EXECUTE)"),
    "executable IO": (lambda s: _region(s, 2, flags=RW_IO | cf.MEM_EXECUTE), EINVAL,
                      "root cell 'root': memory region 2: IO region must not be executable"),
    "loadable IO": (lambda s: _region(s, 2, flags=RW_IO | cf.MEM_LOADABLE), EINVAL,
                    "root cell 'root': memory region 2: IO region cannot be LOADABLE"),
    "root not identity-mapped": (lambda s: _region(s, 4, virt_start=0), EINVAL,
                                 "root cell 'root': memory region 4: virt_start 0x0 differs from "
                                 "phys_start 0x80080000 (the root cell is identity-mapped)"),
    "root entry": (lambda s: _set(s.root, "entry", 0x80200000), EINVAL,
                   "root cell 'root': entry 0x80200000 and boot_arg 0x0 must be 0 "
                   "(the root cell is already running)"),
    "hart without context": (lambda s: s.hart_plic_context.__setitem__(3, cf.NO_CONTEXT), EINVAL,
                             "root cell 'root': hart 3 has no PLIC context in the system config"),
    "hart 63 without context": (lambda s: _set(s.root, "cpu_set", s.root.cpu_set | 1 << 63),
                                EINVAL, "root cell 'root': hart 63 has no PLIC context in the "
                                "system config"),
    "empty CPU set": (lambda s: _set(s.root, "cpu_set", 0), EINVAL,
                      "root cell 'root': CPU set is empty"),
    "IRQ line 0": (lambda s: s.root.set_irqs(range(0, 96)), EINVAL,
                   "root cell 'root': PLIC line 0 does not exist and cannot be assigned"),
    "IRQ line = num_sources": (lambda s: s.root.set_irqs(range(1, 97)), EINVAL,
                               "root cell 'root': PLIC line 96 out of range "
                               "(the PLIC has lines 1..95)"),
    "IRQ line 1023": (lambda s: s.root.set_irqs([10, 1023]), EINVAL,
                      "root cell 'root': PLIC line 1023 out of range (the PLIC has lines 1..95)"),
    "PLIC mapped into the root": (
        lambda s: s.root.regions.append(cf.MemRegion(0x0c000000, 0x0c000000, 0x600000, RW_IO)),
        ECONFLICT, "root cell 'root': memory region 8 [0xc000000..0xc600000) maps the PLIC "
                   "window [0xc000000..0xc600000) (the hypervisor emulates the PLIC)"),
    "PLIC's last page mapped": (
        lambda s: s.root.regions.append(cf.MemRegion(0x0c5ff000, 0x0c5ff000, 0x2000, RW_IO)),
        ECONFLICT, "root cell 'root': memory region 8 [0xc5ff000..0xc601000) maps the PLIC "
                   "window [0xc000000..0xc600000) (the hypervisor emulates the PLIC)"),
    "hypervisor memory in a root region": (
        lambda s: _region(s, 7, size=0x04001000), ECONFLICT,
        "root cell 'root': memory region 7 [0xb7e00000..0xbbe01000) overlaps hypervisor "
        "memory [0xbbe00000..0xbce00000)"),
    "hypervisor memory moved into Linux RAM": (
        lambda s: _set(s, "hv_phys_start", 0x90000000), ECONFLICT,
        "root cell 'root': memory region 4 [0x80080000..0xb7e00000) overlaps hypervisor "
        "memory [0x90000000..0x91000000)"),
    "hypervisor memory empty": (lambda s: _set(s, "hv_size", 0), EINVAL,
                                "system config: hypervisor memory size is 0"),
    "hypervisor memory not aligned": (
        lambda s: _set(s, "hv_phys_start", 0xbbe00800), EINVAL,
        "system config: hypervisor memory [0xbbe00800..0xbce00800) is not 4 KiB aligned"),
    "hypervisor memory wraps": (
        lambda s: _set(s, "hv_phys_start", 0xffffffffff000000), EINVAL,
        "system config: hypervisor memory 0xffffffffff000000 + 0x1000000 wraps past 2^64"),
    "PLIC window empty": (lambda s: _set(s, "plic_size", 0), EINVAL,
                          "system config: PLIC window size is 0"),
    "PLIC over hypervisor memory": (lambda s: _set(s, "plic_base", 0xbbc00000), ECONFLICT,
                                    "system config: PLIC window [0xbbc00000..0xbc200000) overlaps "
                                    "hypervisor memory [0xbbe00000..0xbce00000)"),
    "PLIC source count 1": (lambda s: _set(s, "plic_num_sources", 1), EINVAL,
                            "system config: PLIC source count 1 out of range "
                            "(2..1024, counting source 0)"),
    "PLIC source count 1025": (lambda s: _set(s, "plic_num_sources", 1025), EINVAL,
                               "system config: PLIC source count 1025 out of range "
                               "(2..1024, counting source 0)"),
    "timebase 0": (lambda s: _set(s, "timebase_frequency", 0), EINVAL,
                   "system config: timebase frequency is 0"),
    "context beyond the window": (lambda s: s.hart_plic_context.__setitem__(3, 1024), EINVAL,
                                  "system config: hart 3: PLIC context 1024 lies beyond the PLIC "
                                  "window (needs 0x601000 bytes, window is 0x600000)"),
    # A context the vPLIC cannot model would leave the hart's lines silently unrouted.
    "context beyond bulkhead": (lambda s: s.hart_plic_context.__setitem__(3, 128), EINVAL,
                                "system config: hart 3: PLIC context 128 is beyond the 128 "
                                "contexts Bulkhead supports"),
    "context beyond the spec": (lambda s: s.hart_plic_context.__setitem__(3, 15872), EINVAL,
                                "system config: hart 3: PLIC context 15872 out of range "
                                "(a PLIC has at most 15872 contexts)"),
    "shared context": (lambda s: s.hart_plic_context.__setitem__(2, 3), ECONFLICT,
                       "system config: harts 1 and 2 share PLIC context 3"),
    "console type": (lambda s: _set(s.debug_console, "type", 9), EINVAL,
                     "system config: debug console: unknown type 9"),
    "console sbi with address": (lambda s: _set(s.debug_console, "type", cf.CONSOLE_SBI), EINVAL,
                                 "system config: debug console: type sbi takes no address, "
                                 "size or reg_shift"),
    "console too small": (lambda s: _set(s.debug_console, "size", 4), EINVAL,
                          "system config: debug console: size 0x4 too small for 8 registers "
                          "with reg_shift 0 (need 0x8)"),
    "console reg_shift": (lambda s: _set(s.debug_console, "reg_shift", 4), EINVAL,
                          "system config: debug console: reg_shift 4 too large (at most 3)"),
    "console misaligned": (lambda s: (_set(s.debug_console, "reg_shift", 2),
                                      _set(s.debug_console, "address", 0x10000002)), EINVAL,
                           "system config: debug console: address 0x10000002 not aligned to its "
                           "register spacing 4"),
    "console in the PLIC": (lambda s: _set(s.debug_console, "address", 0x0c000000), ECONFLICT,
                            "system config: debug console [0xc000000..0xc001000) overlaps PLIC "
                            "window [0xc000000..0xc600000)"),
    "console reserved": (lambda s: _set(s.debug_console, "reserved", 7), EINVAL,
                         "system config: debug console: reserved field is 0x7, must be 0"),
    "root console outside its IO": (lambda s: _set(s.root.console, "address", 0x10010000),
                                    EINVAL, "root cell 'root': console [0x10010000..0x10011000) "
                                    "is not inside one of the cell's writable IO regions"),
    "unterminated name": (lambda s: _set(s.root, "name", b"x" * 32), EINVAL,
                          'root cell: name "' + "x" * 32 + '" is not NUL-terminated within '
                          '32 bytes'),
    "empty name": (lambda s: _set(s.root, "name", b"\0" * 32), EINVAL,
                   "root cell: name is empty"),
    "non-printable name": (lambda s: _set(s.root, "name", b"ro\x07t".ljust(32, b"\0")), EINVAL,
                           'root cell: name "ro\\x07t" has byte 0x7 at offset 2 '
                           "(printable ASCII other than ' only)"),
    "junk after the name": (lambda s: _set(s.root, "name", b"root\0x".ljust(32, b"\0")), EINVAL,
                            'root cell: name "root" has padding byte 0x78 at offset 5 after its '
                            "NUL, must be 0"),
}


@pytest.mark.parametrize("case", SYSTEM_REJECTS)
def test_system_config_rejected(v, sysconf, case):
    mutate, code, message = SYSTEM_REJECTS[case]
    mutate(sysconf)
    assert check_system(v, sysconf.pack()) == (code, message)


def test_system_config_length_errors(v, system_bytes):
    n = len(system_bytes)
    assert check_system(v, system_bytes[:-1]) == (
        ESIZE, f"system config: truncated: file is {n - 1} bytes, header says {n}")
    assert check_system(v, system_bytes[:n // 2]) == (
        ESIZE, f"system config: truncated: file is {n // 2} bytes, the header alone is 712")
    assert check_system(v, b"") == (
        ESIZE, "system config: truncated: file is 0 bytes, the header alone is 712")
    assert check_system(v, system_bytes + bytes(8)) == (
        ESIZE, f"system config: 8 trailing bytes: file is {n + 8} bytes, header says {n}")
    # A header announcing one region more than the file holds.
    s = cf.System.unpack(system_bytes)
    s.root.num_mem_regions = 9
    assert check_system(v, s.pack()) == (
        ESIZE, f"system config: truncated: file is {n} bytes, header says {n + 32}")


def test_a_cell_config_is_not_a_system_config(v, system_bytes):
    cell = demo_cell().pack()
    assert check_system(v, cell + bytes(712)) == (
        EFORMAT, 'system config: bad signature "BHCELL\\x00\\x00" (expected "BHSYSTEM")')
    assert check_cell(v, system_bytes) == (
        EFORMAT, 'cell config: bad signature "BHSYSTEM" (expected "BHCELL\\x00\\x00")')


def test_hart_64_cannot_be_written(sysconf):
    # Hart ids are 0..63 by construction: the CPU set is one u64, the map 64 entries.
    with pytest.raises(ValueError, match="hart 64 cannot be written"):
        sysconf.root.set_harts([0, 64])
    assert len(sysconf.hart_plic_context) == cf.MAX_HARTS


def test_misaligned_or_null_buffer(v, system_bytes):
    raw = ctypes.create_string_buffer(len(system_bytes) + 8)
    addr = ctypes.addressof(raw) + 1
    ctypes.memmove(addr, system_bytes, len(system_bytes))
    err = ctypes.create_string_buffer(ERR_LEN)
    rc = v.bh_config_check_system(addr, len(system_bytes), err, ERR_LEN)
    assert rc == EBUFFER
    assert err.value.decode() == f"system config: buffer at {addr:#x} is not 8-byte aligned"
    rc = v.bh_config_check_cell(None, 0, err, ERR_LEN)
    assert (rc, err.value) == (EBUFFER, b"cell config: buffer at 0x0 is not 8-byte aligned")


def test_message_buffer_is_respected(v, sysconf):
    sysconf.revision = 2
    data = _buffer(sysconf.pack())
    full = "system config: revision 2 not supported (expected 1)"
    size = sysconf.size
    err = ctypes.create_string_buffer(b"\xaa" * 32, 32)
    assert v.bh_config_check_system(data, size, err, 16) == EFORMAT
    assert err.raw[:16] == full[:15].encode() + b"\0"
    assert err.raw[16:] == b"\xaa" * 16, "wrote past err_len"
    assert v.bh_config_check_system(data, size, None, 0) == EFORMAT
    err = ctypes.create_string_buffer(b"\xaa", 1)
    assert v.bh_config_check_system(data, size, err, 1) == EFORMAT
    assert err.raw == b"\0"


def test_success_clears_the_message(v, system_bytes):
    err = ctypes.create_string_buffer(b"stale", ERR_LEN)
    assert v.bh_config_check_system(_buffer(system_bytes), len(system_bytes), err, ERR_LEN) == 0
    assert err.value == b""


# ---------------------------------------------------------------- cell configs

def test_demo_cell_is_accepted_and_fits(v, system_bytes):
    cell = demo_cell().pack()
    assert len(cell) == 288 + 2 * 32
    assert check_cell(v, cell) == (0, "")
    assert check_fits(v, system_bytes, cell) == (0, "")


def test_cell_entry_boundaries(v):
    cell = demo_cell()
    cell.entry = 0x800ffffe  # the last instruction parcel of the RAM region
    assert check_cell(v, cell.pack()) == (0, "")
    cell.entry = 0x80100000
    assert check_cell(v, cell.pack()) == (
        EINVAL, "cell 'demo': entry 0x80100000 is not inside an executable RAM region")


def _cregion(c, i, **kw):
    for k, val in kw.items():
        setattr(c.regions[i], k, val)


CELL_REJECTS = {
    "signature": (lambda c: _set(c, "signature", b"BHCELL\0X"), EFORMAT,
                  'cell config: bad signature "BHCELL\\x00X" (expected "BHCELL\\x00\\x00")'),
    "revision": (lambda c: _set(c, "revision", 2), EFORMAT,
                 "cell config: revision 2 not supported (expected 1)"),
    "too many regions": (lambda c: _set(c, "num_mem_regions", 65), EINVAL,
                         "cell config: 65 memory regions (at most 64)"),
    "unknown flags": (lambda c: _set(c, "flags", 4 | 1 << 31), EINVAL,
                      "cell 'demo': unknown flags 0x80000004"),
    "reserved": (lambda c: c.reserved1.__setitem__(0, 1 << 8), EINVAL,
                 "cell 'demo': reserved byte at offset 0x51 is 0x1, must be 0"),
    "unterminated name": (lambda c: _set(c, "name", b"A" * 32), EINVAL,
                          'cell: name "' + "A" * 32 + '" is not NUL-terminated within 32 bytes'),
    "quote in the name": (lambda c: _set(c, "name", b"it's".ljust(32, b"\0")), EINVAL,
                          'cell: name "it\'s" has byte 0x27 at offset 2 '
                          "(printable ASCII other than ' only)"),
    "empty CPU set": (lambda c: _set(c, "cpu_set", 0), EINVAL, "cell 'demo': CPU set is empty"),
    "IRQ line 0": (lambda c: c.set_irqs([0, 8]), EINVAL,
                   "cell 'demo': PLIC line 0 does not exist and cannot be assigned"),
    "size 0": (lambda c: _cregion(c, 1, size=0), EINVAL,
               "cell 'demo': memory region 1: size is 0"),
    "virt not aligned": (lambda c: _cregion(c, 0, virt_start=0x80000200), EINVAL,
                         "cell 'demo': memory region 0: virt_start 0x80000200 is not 4 KiB "
                         "aligned"),
    "guest range wraps": (lambda c: _cregion(c, 0, virt_start=0xfffffffffff80000), EINVAL,
                          "cell 'demo': memory region 0: guest-physical range 0xfffffffffff80000 "
                          "+ 0x100000 wraps past 2^64"),
    "physical overlap": (lambda c: _cregion(c, 1, phys_start=0xbce80000), ECONFLICT,
                         "cell 'demo': memory region 1 physical [0xbce80000..0xbce81000) overlaps "
                         "region 0 [0xbce00000..0xbcf00000)"),
    "guest-physical overlap": (lambda c: _cregion(c, 1, virt_start=0x80080000), ECONFLICT,
                               "cell 'demo': memory region 1 guest-physical "
                               "[0x80080000..0x80081000) overlaps region 0 "
                               "[0x80000000..0x80100000)"),
    "write without read": (lambda c: _cregion(c, 0, flags=cf.MEM_WRITE | cf.MEM_EXECUTE),
                           EINVAL, "cell 'demo': memory region 0: writable but not readable"),
    "entry outside": (lambda c: _set(c, "entry", 0x90000000), EINVAL,
                      "cell 'demo': entry 0x90000000 is not inside an executable RAM region"),
    "entry in IO": (lambda c: _set(c, "entry", 0x10008000), EINVAL,
                    "cell 'demo': entry 0x10008000 is not inside an executable RAM region"),
    "entry odd": (lambda c: _set(c, "entry", 0x80000001), EINVAL,
                  "cell 'demo': entry 0x80000001 is not 2-byte aligned"),
    "console not mapped": (lambda c: _set(c, "console",
                                          cf.Console(cf.CONSOLE_NS16550, 0, 0x10000000, 0x1000)),
                           EINVAL, "cell 'demo': console [0x10000000..0x10001000) is not inside "
                           "one of the cell's writable IO regions"),
    "console in RAM": (lambda c: _set(c, "console",
                                      cf.Console(cf.CONSOLE_NS16550, 0, 0x80000000, 0x1000)),
                       EINVAL, "cell 'demo': console [0x80000000..0x80001000) is not inside "
                       "one of the cell's writable IO regions"),
    "console in a read-only device": (
        lambda c: (_cregion(c, 1, flags=cf.MEM_READ | cf.MEM_IO),
                   _set(c, "console", cf.Console(cf.CONSOLE_NS16550, 0, 0x10008000, 0x1000))),
        EINVAL, "cell 'demo': console [0x10008000..0x10009000) is not inside one of the cell's "
                "writable IO regions"),
    "console type": (lambda c: _set(c.console, "type", 3), EINVAL,
                     "cell 'demo': console: unknown type 3"),
}


@pytest.mark.parametrize("case", CELL_REJECTS)
def test_cell_config_rejected(v, case):
    cell = demo_cell()
    mutate, code, message = CELL_REJECTS[case]
    mutate(cell)
    assert check_cell(v, cell.pack()) == (code, message)


def test_cell_console_on_its_own_uart_is_accepted(v):
    cell = demo_cell()
    cell.console = cf.Console(cf.CONSOLE_NS16550, 2, 0x10008000, 0x1000)
    assert check_cell(v, cell.pack()) == (0, "")


def test_cell_config_length_errors(v):
    data = demo_cell().pack()
    n = len(data)
    assert check_cell(v, data[:-1]) == (
        ESIZE, f"cell config: truncated: file is {n - 1} bytes, header says {n}")
    assert check_cell(v, data[:n // 2]) == (
        ESIZE, f"cell config: truncated: file is {n // 2} bytes, the header alone is 288")
    assert check_cell(v, data + bytes(32)) == (
        ESIZE, f"cell config: 32 trailing bytes: file is {n + 32} bytes, header says {n}")


FITS_REJECTS = {
    "hart not the root's": (lambda c, s: c.set_harts([3, 4]), EINVAL,
                            "cell 'demo': hart 4 is not in the root cell's CPU set"),
    "line beyond the PLIC": (lambda c, s: c.set_irqs([8, 96]), EINVAL,
                             "cell 'demo': PLIC line 96 out of range (the PLIC has lines 1..95)"),
    "line not the root's": (lambda c, s: s.root.set_irqs(range(9, 96)), EINVAL,
                            "cell 'demo': PLIC line 8 is not owned by the root cell"),
    "maps the PLIC": (lambda c, s: _cregion(c, 1, phys_start=0x0c001000), ECONFLICT,
                      "cell 'demo': memory region 1 [0xc001000..0xc002000) maps the PLIC window "
                      "[0xc000000..0xc600000) (the hypervisor emulates the PLIC)"),
    "hypervisor memory": (lambda c, s: _cregion(c, 0, phys_start=0xbbf00000), ECONFLICT,
                          "cell 'demo': memory region 0 [0xbbf00000..0xbc000000) overlaps "
                          "hypervisor memory [0xbbe00000..0xbce00000)"),
    "OpenSBI's memory": (lambda c, s: _cregion(c, 0, phys_start=0x80000000), EINVAL,
                         "cell 'demo': memory region 0 [0x80000000..0x80100000) is not inside a "
                         "root RAM region"),
    # The hypervisor refuses it itself, not only the driver: a cell never gets the root
    # kernel's pages, only the pool the root set aside for cells.
    "the root kernel's RAM": (lambda c, s: _cregion(c, 0, phys_start=0x80400000), EINVAL,
                              "cell 'demo': memory region 0 [0x80400000..0x80500000) is in the "
                              "root kernel's RAM, not in a root region cells are carved from "
                              "(RAM with BH_MEM_LOADABLE)"),
    "straddles two root regions": (lambda c, s: _cregion(c, 0, phys_start=0xb7d00000,
                                                         size=0x200000), EINVAL,
                                   "cell 'demo': memory region 0 [0xb7d00000..0xb7f00000) is not "
                                   "inside a root RAM region"),
    "RAM in a device": (lambda c, s: _cregion(c, 0, phys_start=0x10001000, size=0x1000), EINVAL,
                        "cell 'demo': memory region 0 [0x10001000..0x10002000) is not inside a "
                        "root RAM region"),
    "device in RAM": (lambda c, s: _cregion(c, 1, phys_start=0xbd000000), EINVAL,
                      "cell 'demo': memory region 1 [0xbd000000..0xbd001000) is not inside a "
                      "root IO region"),
}


@pytest.mark.parametrize("case", FITS_REJECTS)
def test_cell_does_not_fit(v, sysconf, case):
    cell = demo_cell()
    mutate, code, message = FITS_REJECTS[case]
    mutate(cell, sysconf)
    # Both are fine on their own; only together are they wrong.
    sys_data = sysconf.pack()
    assert check_cell(v, cell.pack()) == (0, "")
    assert check_system(v, sys_data) == (0, "")
    assert check_fits(v, sys_data, cell.pack()) == (code, message)


# ---------------------------------------------------------------- beside the cells there are

# Where the hypervisor maps a cell's boot info page: below its RAM, as the inmates have it.
BOOT_INFO = 0x7ffff000


def placed_cell(name="demo", harts=(3,), irqs=(8,), regions=None, boot_arg=BOOT_INFO):
    """A valid cell config; by default the demo cell with its boot info page beside its RAM."""
    cell = cf.Cell(name=name, entry=0x80000000, boot_arg=boot_arg,
                   console=cf.Console(type=cf.CONSOLE_SBI),
                   regions=regions if regions is not None else [
                       cf.MemRegion(0xbce00000, 0x80000000, 0x100000, RWX | cf.MEM_LOADABLE),
                       cf.MemRegion(0x10008000, 0x10008000, 0x1000, RW_IO)])
    cell.set_harts(list(harts))
    cell.set_irqs(list(irqs))
    return cell


def other_cell(name="other", harts=(2,), irqs=(9,), regions=None):
    """A cell beside the demo cell that shares nothing with it (unless told to)."""
    return placed_cell(name, harts, irqs, regions if regions is not None else [
        cf.MemRegion(0xbcf00000, 0x80000000, 0x100000, RWX | cf.MEM_LOADABLE),
        cf.MemRegion(0x10007000, 0x10007000, 0x1000, RW_IO)])


def own_ram(phys):
    """Just a page of RAM at phys for the entry, to keep a cell valid."""
    return [cf.MemRegion(phys, 0x80000000, 0x1000, RWX)]


def check_against(v, cell, others, root=None, err_len=ERR_LEN):
    """(code, message) of bh_config_check_against_cells(); every cell config must be valid."""
    for c in [cell, *others]:
        assert check_cell(v, c.pack()) == (0, ""), c.name_str
    bufs = [_buffer(c.pack()) for c in others]
    array = (ctypes.c_void_p * max(len(bufs), 1))(*[ctypes.addressof(b) for b in bufs])
    cbuf = _buffer(cell.pack())
    rbuf = _buffer(root.pack()) if root else None
    err = ctypes.create_string_buffer(max(err_len, 1))
    rc = v.bh_config_check_against_cells(cbuf, rbuf, array, len(bufs), err if err_len else None,
                                         err_len)
    assert cbuf.raw[:len(cell.pack())] == cell.pack(), "the validator modified the config"
    return rc, err.value.decode()


def test_against_cells_accepts_a_cell_sharing_nothing(v, sysconf):
    assert check_fits(v, sysconf.pack(), placed_cell().pack()) == (0, "")
    assert check_against(v, placed_cell(), [], sysconf.root) == (0, "")
    assert check_against(v, placed_cell(), [other_cell()], sysconf.root) == (0, "")
    assert check_against(v, placed_cell(), [other_cell("a", harts=[0]), other_cell("b")]) == \
        (0, "")
    # Regions that only touch do not overlap; guest-physical ranges of two cells never do.
    assert check_against(v, placed_cell(), [other_cell(regions=own_ram(0xbcf00000))]) == (0, "")


def test_against_cells_name_of_another_cell(v, sysconf):
    assert check_against(v, placed_cell("b"), [other_cell("a", harts=[0]), other_cell("b")],
                         sysconf.root) == (EEXIST, "cell 'b' already exists")


def test_against_cells_name_of_the_root(v, sysconf):
    name = sysconf.root.name_str
    assert check_against(v, placed_cell(name), [], sysconf.root) == \
        (EEXIST, f"cell '{name}' already exists")
    # Names are compared whole: a prefix is another name.
    assert check_against(v, placed_cell(name[:-1]), [], sysconf.root) == (0, "")
    assert check_against(v, placed_cell(name + "x"), [], sysconf.root) == (0, "")


def test_against_cells_hart_of_another_cell(v, sysconf):
    assert check_against(v, placed_cell(harts=[1, 3]), [other_cell(harts=[0, 3, 1])],
                         sysconf.root) == (ECONFLICT, "cell 'demo': hart 1 belongs to cell 'other'")


@pytest.mark.parametrize("regions, message", [
    ([cf.MemRegion(0xbce80000, 0x80000000, 0x1000, RWX)],
     "cell 'demo': memory region 0 [0xbce00000..0xbcf00000) overlaps memory region 0 "
     "[0xbce80000..0xbce81000) of cell 'other'"),
    (own_ram(0xbd000000) + [cf.MemRegion(0x10008000, 0x10008000, 0x1000, RW_IO)],
     "cell 'demo': IO region 1 [0x10008000..0x10009000) overlaps IO region 1 "
     "[0x10008000..0x10009000) of cell 'other'"),
    (own_ram(0xbcf00000), None),  # right above the demo cell's RAM
])
def test_against_cells_memory_of_another_cell(v, sysconf, regions, message):
    other = other_cell(regions=regions)
    expected = (ECONFLICT, message) if message else (0, "")
    assert check_against(v, placed_cell(), [other], sysconf.root) == expected


def test_against_cells_line_of_another_cell(v, sysconf):
    assert check_against(v, placed_cell(irqs=[8, 11]), [other_cell(irqs=[11, 8])],
                         sysconf.root) == \
        (ECONFLICT, "cell 'demo': PLIC line 8 belongs to cell 'other'")


def test_against_cells_order_name_harts_memory_lines_boot_info(v, sysconf):
    """Each kind is looked for in every cell before the next kind, as the driver always did."""
    lines = other_cell("lines", harts=[0], irqs=[8], regions=own_ram(0xbd100000))
    memory = other_cell("memory", harts=[1], irqs=[], regions=own_ram(0xbce00000))
    harts = other_cell("harts", harts=[3], irqs=[], regions=own_ram(0xbd200000))
    cell = placed_cell(boot_arg=0x80000000)
    assert check_against(v, cell, [lines, memory, harts, placed_cell()]) == \
        (EEXIST, "cell 'demo' already exists")
    assert check_against(v, cell, [lines, memory, harts]) == \
        (ECONFLICT, "cell 'demo': hart 3 belongs to cell 'harts'")
    assert check_against(v, cell, [lines, memory]) == \
        (ECONFLICT, "cell 'demo': memory region 0 [0xbce00000..0xbcf00000) overlaps memory "
                    "region 0 [0xbce00000..0xbce01000) of cell 'memory'")
    assert check_against(v, cell, [lines]) == \
        (ECONFLICT, "cell 'demo': PLIC line 8 belongs to cell 'lines'")
    assert check_against(v, cell, []) == \
        (EINVAL, "cell 'demo': boot info page 0x80000000 overlaps region 0")


@pytest.mark.parametrize("boot_arg, message", [
    (0x80000000, "boot info page 0x80000000 overlaps region 0"),
    (0x800ff000, "boot info page 0x800ff000 overlaps region 0"),
    (0x7ffff001, "boot info page 0x7ffff001 overlaps region 0"),  # its page reaches region 0
    (0x10008000, "boot info page 0x10008000 overlaps region 1"),
    (0x7fffe800, "boot info address 0x7fffe800 not page aligned"),
    (0x80100000, None),  # right above the RAM
    (0, None),
])
def test_against_cells_boot_info_page(v, sysconf, boot_arg, message):
    """The page is compared with the regions guest-physically: that is where the cell sees it."""
    expected = (EINVAL, f"cell 'demo': {message}") if message else (0, "")
    assert check_against(v, placed_cell(boot_arg=boot_arg), [other_cell()], sysconf.root) == \
        expected


BOOT_DTB = 0x1  # BH_CELL_BOOT_DTB
IGNORE_UNOWNED = 0x2  # BH_CELL_VPLIC_IGNORE_UNOWNED


@pytest.mark.parametrize("boot_arg, message", [
    (0x800f0000, None),  # in the loadable RAM: where the loader writes the device tree
    (0x800ffff8, None),  # its last 8 bytes
    (0x800f0004, "device tree address (boot_arg) 0x800f0004 is not 8-byte aligned"),
    (0x7ffff000, "device tree address (boot_arg) 0x7ffff000 is not inside a loadable RAM region"),
    (0x10008000, "device tree address (boot_arg) 0x10008000 is not inside a loadable RAM region"),
])
def test_against_cells_boot_dtb(v, sysconf, boot_arg, message):
    """A cell booted like Linux gets a1 = its device tree, in its own loadable RAM."""
    cell = placed_cell(boot_arg=boot_arg)
    cell.flags = BOOT_DTB
    expected = (EINVAL, f"cell 'demo': {message}") if message else (0, "")
    assert check_against(v, cell, [other_cell()], sysconf.root) == expected


def test_boot_dtb_needs_loadable_ram(v, sysconf):
    cell = placed_cell(boot_arg=0x800f0000)
    cell.flags = BOOT_DTB
    cell.regions[0].flags = RWX
    assert check_against(v, cell, [], sysconf.root) == (
        EINVAL, "cell 'demo': device tree address (boot_arg) 0x800f0000 is not inside a "
                "loadable RAM region")


def test_root_cell_cannot_boot_dtb(v, sysconf):
    for flags in (BOOT_DTB, IGNORE_UNOWNED, BOOT_DTB | IGNORE_UNOWNED):
        sysconf.root.flags = flags
        assert check_system(v, sysconf.pack()) == (
            EINVAL, f"root cell 'root': flags {flags:#x} are for cells the hypervisor starts, "
                    "not the root cell")


def test_against_cells_message_buffer(v):
    cell, others = placed_cell(harts=[2]), [other_cell()]
    full = "cell 'demo': hart 2 belongs to cell 'other'"
    assert check_against(v, cell, others) == (ECONFLICT, full)
    for n in (0, 1, 5, 16, len(full), len(full) + 1):
        assert check_against(v, cell, others, err_len=n) == (ECONFLICT, full[:max(n - 1, 0)])


# ---------------------------------------------------------------- range helpers

def ref_overlap(a, asz, b, bsz):
    if not asz or not bsz:
        return False
    return max(a, b) < min(a + asz, b + bsz, TOP)


def ref_contains(o, osz, s, sz):
    if not sz or not osz or s + sz >= TOP or o + osz >= TOP:
        return False
    return o <= s and s + sz <= o + osz


def test_range_helpers_against_a_model(v):
    rng = random.Random(20240601)
    edges = [0, 1, 0xfff, 0x1000, 0x80000000, TOP - 0x2000, TOP - 0x1000, TOP - 1]
    sizes = [0, 1, 0x1000, 0x2000, 0x80000000, TOP - 1]

    def pick(pool):
        return rng.choice(pool) if rng.random() < 0.5 else rng.randrange(TOP)

    cases = [(a, asz, b, bsz) for a in edges for asz in sizes for b in edges[:4] for bsz in sizes]
    cases += [(pick(edges), pick(sizes), pick(edges), pick(sizes)) for _ in range(3000)]
    for a, asz, b, bsz in cases:
        assert v.bh_config_ranges_overlap(a, asz, b, bsz) == ref_overlap(a, asz, b, bsz), \
            (hex(a), hex(asz), hex(b), hex(bsz))
        assert v.bh_config_range_contains(a, asz, b, bsz) == ref_contains(a, asz, b, bsz), \
            (hex(a), hex(asz), hex(b), hex(bsz))


def test_region_lookup(v, system_bytes):
    sys_buf = _buffer(system_bytes)
    root = ctypes.addressof(sys_buf) + cf.ROOT_CELL_OFFSET
    regions = root + cf.CELL_SIZE

    def index(ptr):
        return None if ptr is None else (ptr - regions) // cf.REGION_SIZE

    by_phys = v.bh_config_region_by_phys
    assert index(by_phys(root, 0xbce00000, 0x2f00000)) == 5
    assert index(by_phys(root, 0xbfcff000, 0x1000)) == 5
    assert index(by_phys(root, 0xbfcff000, 0x2000)) is None  # straddles pool and links' memory
    assert index(by_phys(root, 0xbfd00000, 0x1000)) is None  # the links' memory is nobody's
    assert index(by_phys(root, 0x80000000, 0x1000)) is None  # OpenSBI
    assert index(by_phys(root, 0x10008000, 0x1000)) == 3
    cell = _buffer(demo_cell().pack())
    cregions = ctypes.addressof(cell) + cf.CELL_SIZE
    by_guest = v.bh_config_region_by_guest
    assert by_guest(cell, 0x800ff000, 0x1000) == cregions
    assert by_guest(cell, 0x10008000, 8) == cregions + cf.REGION_SIZE
    assert by_guest(cell, 0xbce00000, 0x1000) is None  # a physical address, not a guest one


# ---------------------------------------------------------------- a reference validator

def _aligned(x):
    return x % 0x1000 == 0


def _ends_below_top(start, size):
    return start + size < TOP


def ref_console_ok(con):
    if con.type not in (cf.CONSOLE_NONE, cf.CONSOLE_NS16550, cf.CONSOLE_SBI) or con.reserved:
        return False
    if con.type != cf.CONSOLE_NS16550:
        return con.address == con.size == con.reg_shift == 0
    return (con.reg_shift <= 3 and con.size >= 8 << con.reg_shift
            and con.address % (1 << con.reg_shift) == 0 and _ends_below_top(con.address, con.size))


def ref_cell_ok(cell, root):
    name = cell.name
    if b"\0" not in name:
        return False
    text, pad = name.split(b"\0", 1)
    if not text or any(ch < 0x20 or ch > 0x7e or ch == 0x27 for ch in text) or any(pad):
        return False
    if cell.flags or any(cell.reserved1) or not cell.cpu_set:
        return False
    if cell.irq_bitmap[0] & 1:
        return False
    for r in cell.regions:
        f = r.flags
        if f & ~0x1f or not f & RWX or (f & cf.MEM_WRITE and not f & cf.MEM_READ):
            return False
        if f & cf.MEM_IO and f & (cf.MEM_EXECUTE | cf.MEM_LOADABLE):
            return False
        if not r.size or not all(map(_aligned, (r.phys_start, r.virt_start, r.size))):
            return False
        if not _ends_below_top(r.phys_start, r.size) or not _ends_below_top(r.virt_start, r.size):
            return False
        if root and r.virt_start != r.phys_start:
            return False
    for i, a in enumerate(cell.regions):
        for b in cell.regions[:i]:
            if ref_overlap(a.phys_start, a.size, b.phys_start, b.size) or \
                    ref_overlap(a.virt_start, a.size, b.virt_start, b.size):
                return False
    if not ref_console_ok(cell.console):
        return False
    if cell.console.type == cf.CONSOLE_NS16550:
        con = cell.console
        if not any(ref_contains(r.virt_start, r.size, con.address, con.size)
                   and r.flags & cf.MEM_IO and r.flags & cf.MEM_WRITE for r in cell.regions):
            return False
    if root:
        return cell.entry == 0 and cell.boot_arg == 0
    return cell.entry % 2 == 0 and any(
        ref_contains(r.virt_start, r.size, cell.entry, 2)
        and r.flags & cf.MEM_EXECUTE and not r.flags & cf.MEM_IO for r in cell.regions)


def ref_system_ok(s):
    fixed = (s.signature == cf.SYSTEM_SIGNATURE and s.revision == 1 and s.architecture == 1
             and s.root.signature == cf.CELL_SIGNATURE and s.root.revision == 1
             and len(s.root.regions) <= 64 and s.flags == 0 and s.reserved0 == 0
             and not any(s.reserved1)
             and not any(s.platform_reserved1))
    if not fixed:
        return False
    for start, size in ((s.hv_phys_start, s.hv_size), (s.plic_base, s.plic_size)):
        if not size or not _aligned(start) or not _aligned(size) or \
                not _ends_below_top(start, size):
            return False
    if ref_overlap(s.hv_phys_start, s.hv_size, s.plic_base, s.plic_size):
        return False
    if not 2 <= s.plic_num_sources <= 1024 or not s.timebase_frequency:
        return False
    used = [c for c in s.hart_plic_context if c != cf.NO_CONTEXT]
    if len(set(used)) != len(used) or any(c >= 15872 or 0x200000 + (c + 1) * 0x1000 > s.plic_size
                                          or c >= 128 for c in used):
        return False
    con = s.debug_console
    if not ref_console_ok(con):
        return False
    if con.type == cf.CONSOLE_NS16550 and (
            ref_overlap(con.address, con.size, s.hv_phys_start, s.hv_size)
            or ref_overlap(con.address, con.size, s.plic_base, s.plic_size)):
        return False
    if not ref_cell_ok(s.root, root=True):
        return False
    for r in s.root.regions:
        if ref_overlap(r.phys_start, r.size, s.hv_phys_start, s.hv_size) or \
                ref_overlap(r.phys_start, r.size, s.plic_base, s.plic_size):
            return False
    if any(s.hart_plic_context[h] == cf.NO_CONTEXT for h in s.root.harts()):
        return False
    if s.plic_num_sources + s.virtual_irqs > 1024:
        return False
    return all(line < s.plic_num_sources for line in s.root.irqs()) and ref_root_links_ok(s)


def ref_root_links_ok(s):
    """The board's root link ends (the mutations leave them alone) against the rest."""
    for e in s.root.links:
        if not s.plic_num_sources <= e.irq_line < s.plic_num_sources + s.virtual_irqs:
            return False
        for start, size in ((e.shmem_phys, e.shmem_size), (e.doorbell, 0x1000)):
            if ref_overlap(start, size, s.plic_base, s.plic_size) or any(
                    ref_overlap(start, size, r.phys_start, r.size) for r in s.root.regions):
                return False
        if ref_overlap(e.shmem_phys, e.shmem_size, s.hv_phys_start, s.hv_size):
            return False
    return True


def _random_mutation(rng, s):
    """One field-aware change to a system config, drawn from interesting values."""
    root = s.root
    addr = [0, 0x1000, 0x0c000000, 0x0c5ff000, 0x10000000, 0x10000002, 0x80200000, 0xbbe00000,
            0xbbfff000, 0xbce00000, 0xbfe00000, 0xfffffffffffff000, TOP - 1]
    size = [0, 1, 0x8, 0x800, 0x1000, 0x2000, 0x200000, 0x600000, 0x1000000, TOP - 0x1000]
    region = rng.choice(root.regions) if root.regions else None
    choice = rng.randrange(22)
    if choice == 0 and region:
        region.phys_start = region.virt_start = rng.choice(addr)
    elif choice == 1 and region:
        region.size = rng.choice(size)
    elif choice == 2 and region:
        region.flags = rng.randrange(0x40)
    elif choice == 3 and region:
        region.virt_start = rng.choice(addr)
    elif choice == 4:
        root.regions.append(cf.MemRegion(*([rng.choice(addr)] * 2), rng.choice(size),
                                         rng.randrange(0x20)))
    elif choice == 5 and region:
        root.regions.remove(region)
    elif choice == 6:
        s.hart_plic_context[rng.randrange(6)] = rng.choice([0, 1, 3, 9, 1023, 1024, 15872,
                                                            cf.NO_CONTEXT])
    elif choice == 7:
        root.cpu_set ^= 1 << rng.choice([0, 3, 4, 5, 63])
    elif choice == 8:
        line = rng.choice([0, 1, 95, 96, 97, 1023])
        root.irq_bitmap[line // 64] ^= 1 << (line % 64)
    elif choice == 9:
        s.plic_num_sources = rng.choice([0, 1, 2, 95, 96, 97, 1024, 1025])
    elif choice == 10:
        s.hv_phys_start = rng.choice(addr)
    elif choice == 11:
        s.hv_size = rng.choice(size)
    elif choice == 12:
        s.plic_base = rng.choice(addr)
    elif choice == 13:
        s.plic_size = rng.choice(size)
    elif choice == 14:
        con = rng.choice([s.debug_console, root.console])
        con.type = rng.choice([0, 1, 2, 3])
    elif choice == 15:
        con = rng.choice([s.debug_console, root.console])
        con.address = rng.choice(addr)
        con.size = rng.choice(size)
    elif choice == 16:
        con = rng.choice([s.debug_console, root.console])
        con.reg_shift = rng.choice([0, 2, 3, 4])
    elif choice == 17:
        name = bytearray(root.name)
        name[rng.randrange(32)] = rng.choice([0, 0x27, 0x41, 0x7f, 0x0a])
        root.name = bytes(name)
    elif choice == 18:
        root.entry = rng.choice([0, 0x80200000])
    elif choice == 19:
        which = rng.randrange(4)
        if which == 0:
            s.flags = 1 << rng.randrange(32)
        elif which == 1:
            root.flags = 1 << rng.randrange(32)
        elif which == 2:
            root.reserved1[rng.randrange(6)] = 1 << rng.randrange(64)
        else:
            s.platform_reserved1[rng.randrange(4)] = 1
    elif choice == 20:
        s.timebase_frequency = rng.choice([0, 1, 10_000_000])
    elif choice == 21 and region:
        region.phys_start = region.virt_start = (region.phys_start + rng.choice(
            [-0x1000, 0x1000, 0x100000])) % TOP


def test_random_system_configs_agree_with_the_reference(v, system_bytes):
    rng = random.Random(7)
    accepted = rejected = 0
    for _ in range(3000):
        s = cf.System.unpack(system_bytes)
        for _ in range(rng.choice([1, 1, 2, 3])):
            _random_mutation(rng, s)
        data = s.pack()
        rc, msg = check_system(v, data)
        expect_ok = ref_system_ok(s)
        assert (rc == 0) == expect_ok, (rc, msg, s)
        if rc:
            assert rc in (ESIZE, EFORMAT, EINVAL, ECONFLICT)
            assert msg.startswith(("system config", "root cell")), msg
            rejected += 1
        else:
            accepted += 1
    # The mix must exercise both outcomes to mean anything.
    assert accepted > 300 and rejected > 1000, (accepted, rejected)


def test_random_cell_configs_agree_with_the_reference(v):
    rng = random.Random(11)
    accepted = 0
    for _ in range(2000):
        cell = demo_cell()
        r = rng.choice(cell.regions)
        what = rng.randrange(8)
        if what == 0:
            r.virt_start = rng.choice([0x80000000, 0x80080000, 0x10008000, 0x10008800, 0])
        elif what == 1:
            r.size = rng.choice([0, 0x1000, 0x80000, 0x100000, 0x7ffff000])
        elif what == 2:
            r.flags = rng.randrange(0x40)
        elif what == 3:
            cell.entry = rng.choice([0, 0x80000000, 0x800ffffe, 0x80100000, 0x80000001,
                                     0x10008000])
        elif what == 4:
            cell.console = cf.Console(rng.choice([0, 1, 2]), rng.choice([0, 2]),
                                      rng.choice([0, 0x10008000, 0x10000000]),
                                      rng.choice([0, 0x8, 0x20, 0x1000]))
        elif what == 5:
            cell.cpu_set = rng.choice([0, 1, 1 << 63])
        elif what == 6:
            cell.set_irqs(rng.choice([[], [0], [1023], [0, 5]]))
        else:
            r.phys_start = rng.choice([0xbce00000, 0xbce80000, 0x10008000, TOP - 0x1000])
        rc, msg = check_cell(v, cell.pack())
        assert (rc == 0) == ref_cell_ok(cell, root=False), (rc, msg, cell)
        if rc:
            assert msg.startswith(("cell config", "cell")), msg
        accepted += rc == 0
    assert 200 < accepted < 1800


# ---------------------------------------------------------------- the build's checker

def test_cellcheck_reports_the_validators_message(system_bytes, tmp_path):
    assert CELLCHECK.exists(), "built together with system.cell"
    good = tmp_path / "good.cell"
    good.write_bytes(system_bytes)
    r = subprocess.run([str(CELLCHECK), str(good)], capture_output=True, text=True)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    bad = tmp_path / "bad.cell"
    bad.write_bytes(system_bytes[:-1])
    r = subprocess.run([str(CELLCHECK), str(bad)], capture_output=True, text=True)
    n = len(system_bytes)
    assert r.returncode == 1
    assert r.stderr == (f"cellcheck: {bad}: system config: truncated: file is {n - 1} bytes, "
                        f"header says {n}\n")
    cell = tmp_path / "demo.cell"
    c = demo_cell()
    c.set_harts([5])
    cell.write_bytes(c.pack())
    r = subprocess.run([str(CELLCHECK), str(cell)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(CELLCHECK), "-s", str(good), str(cell)], capture_output=True,
                       text=True)
    assert r.returncode == 1
    assert r.stderr == f"cellcheck: {cell}: cell 'demo': hart 5 is not in the root cell's CPU set\n"


# ---------------------------------------------------------------- where the config lies

REGION, REGION_SIZE, IMAGE_END = 0xbbe00000, 0x1000000, 0xbbe40000


def check_placement(v, phys, size, region=REGION, region_size=REGION_SIZE, image_end=IMAGE_END):
    err = ctypes.create_string_buffer(ERR_LEN)
    rc = v.bh_config_check_placement(region, region_size, image_end, phys, size, err, ERR_LEN)
    return rc, err.value.decode()


@pytest.mark.parametrize("phys,size", [
    (IMAGE_END, 936),  # right after the image, where the driver puts it
    (REGION + REGION_SIZE - 936, 936),  # the region's last bytes
])
def test_config_placement_accepted(v, phys, size):
    assert check_placement(v, phys, size) == (0, "")


@pytest.mark.parametrize("phys,size", [
    (0x80400000, 936),  # in the root's RAM: the root could rewrite it after the check
    (IMAGE_END - 8, 936),  # over the end of the image
    (REGION, 936),  # on the image itself
    (REGION + REGION_SIZE - 8, 936),  # runs past the region: the pool would underflow
    (REGION + REGION_SIZE, 936),
    ((1 << 64) - 8, 936),  # wraps
    (IMAGE_END, 0),
])
def test_config_placement_refused(v, phys, size):
    assert check_placement(v, phys, size) == (
        EINVAL, f"system config: at [{phys:#x}..{(phys + size) % (1 << 64):#x}), not between "
        f"the hypervisor image's end {IMAGE_END:#x} and the end of its region "
        f"[{REGION:#x}..{REGION + REGION_SIZE:#x})")
