"""hvctl config create, show and check on the host (issue 12).

The QEMU board's device tree (build/board.dtb, what the root boots with) must give a system
config equal to configs/qemu-virt.c field by field where both describe the same thing; the
differences are pinned here and explained in docs/porting.md. Every RISC-V board of
linux-source-6.12 (compiled by scripts/make-board-dtbs.sh) gets a config the validator accepts
or its reasons; their table in docs/porting.md is this file's output
(`/usr/bin/python3 pytest/host/test_config_create.py --table`) and is checked here.
Device trees are changed for a test with python3-libfdt, which shares only libfdt's reading
side with hvctl.
"""
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
import cellfile as cf  # noqa: E402
from qemu_virt_config import HV_ADDR, check_against_qemu_virt  # noqa: E402
from paths import BUILD, ROOT  # noqa: E402
from conftest import built  # noqa: E402

libfdt = pytest.importorskip("libfdt")

HVCTL = BUILD / "host" / "hvctl"
BOARD_DTB = BUILD / "board.dtb"
BOARD_DTBS = BUILD / "board-dtbs-6.12"
CONFIGS = BUILD / "configs"
PORTING = ROOT / "docs" / "porting.md"
RWX = cf.MEM_READ | cf.MEM_WRITE | cf.MEM_EXECUTE
RW_IO = cf.MEM_READ | cf.MEM_WRITE | cf.MEM_IO
MIB = 1 << 20
OPENSBI = (0x80000000, 0x80000)  # the node OpenSBI adds for itself (/sys/firmware/fdt)


@pytest.fixture(scope="session")
def hvctl():
    return built(HVCTL)


@pytest.fixture(scope="session")
def board_dtb():
    return built(BOARD_DTB).read_bytes()


def run(*args, env=None):
    return subprocess.run([str(HVCTL), *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=60)


def create(tmp_path, dtb_bytes, *args, name="board.dtb"):
    """hvctl config create --dtb on these bytes; (process, config bytes or None)."""
    dtb = tmp_path / name
    dtb.write_bytes(dtb_bytes)
    out = tmp_path / "out.cell"
    if out.exists():
        out.unlink()
    p = run("config", "create", "--dtb", dtb, "-o", out, *args)
    return p, (out.read_bytes() if out.exists() else None)


# ---------------------------------------------------------------- changing device trees

class Tree:
    """A device tree to change: libfdt.Fdt with room to grow."""

    def __init__(self, data):
        self.fdt = libfdt.Fdt(data)
        self.fdt.resize(len(data) + 64 * 1024)

    def off(self, path):
        return self.fdt.path_offset(path)

    def subnodes(self, path):
        off = self.off(path)
        child = self.fdt.first_subnode(off, quiet=[libfdt.FDT_ERR_NOTFOUND])
        while child >= 0:
            yield child
            child = self.fdt.next_subnode(child, quiet=[libfdt.FDT_ERR_NOTFOUND])

    def prop(self, node, name):
        value = self.fdt.getprop(node, name, quiet=[libfdt.FDT_ERR_NOTFOUND])
        return None if isinstance(value, int) else value

    def is_a(self, node, device_type):
        value = self.prop(node, "device_type")
        return value is not None and value.as_str() == device_type

    def cpus(self):
        """Paths, not offsets: a change to a property moves the nodes after it."""
        return [f"/cpus/{self.fdt.get_name(n)}" for n in self.subnodes("/cpus")
                if self.is_a(n, "cpu")]

    def cells(self, path="/"):
        off = self.off(path)
        return (self.fdt.getprop(off, "#address-cells").as_uint32(),
                self.fdt.getprop(off, "#size-cells").as_uint32())

    def reg_bytes(self, path, ranges):
        ac, sc = self.cells(path)
        return b"".join(a.to_bytes(4 * ac, "big") + s.to_bytes(4 * sc, "big")
                        for a, s in ranges)

    def add_reserved(self, name, start, size, no_map=True):
        off = self.off("/reserved-memory") if self._has("/reserved-memory") else None
        if off is None:
            off = self.fdt.add_subnode(0, "reserved-memory")
            self.fdt.setprop_u32(off, "#address-cells", 2)
            self.fdt.setprop_u32(off, "#size-cells", 2)
            self.fdt.setprop(off, "ranges", b"")
        node = self.fdt.add_subnode(off, name)
        self.fdt.setprop(node, "reg", self.reg_bytes("/reserved-memory", [(start, size)]))
        if no_map:
            self.fdt.setprop(node, "no-map", b"")
        return node

    def _has(self, path):
        return self.fdt.path_offset(path, quiet=[libfdt.FDT_ERR_NOTFOUND]) >= 0

    def bytes(self):
        self.fdt.pack()
        return bytes(self.fdt.as_bytearray())


def with_opensbi(dtb):
    t = Tree(dtb)
    t.add_reserved("mmode_resv0@80000000", *OPENSBI, no_map=False)
    return t.bytes()


# ---------------------------------------------------------------- the QEMU board

def test_qemu_board_config_equals_qemu_virt_where_both_describe_it(hvctl, board_dtb, tmp_path):
    p, data = create(tmp_path, with_opensbi(board_dtb), "--hv-addr", hex(HV_ADDR))
    assert (p.returncode, p.stderr, p.stdout) == (0, "", "")
    check_against_qemu_virt(data, (CONFIGS / "system.cell").read_bytes())


def test_qemu_board_without_the_opensbi_node_maps_its_ram_too(hvctl, board_dtb, tmp_path):
    """build/board.dtb itself lacks the node OpenSBI adds at boot: all of RAM is Linux's."""
    p, data = create(tmp_path, board_dtb, "--hv-addr", hex(HV_ADDR))
    assert p.returncode == 0, p.stderr
    ram = [r for r in cf.System.unpack(data).root.regions if r.flags == RWX]
    assert [(r.phys_start, r.phys_end) for r in ram] == [(0x80000000, 0xB7E00000),
                                                         (0xBFE00000, 0xC0000000)]


def test_default_hypervisor_memory_is_the_start_of_the_reserved_region(hvctl, board_dtb,
                                                                      tmp_path):
    p, data = create(tmp_path, board_dtb, "--hv-size", "8M", "--name", "linux-root")
    assert p.returncode == 0, p.stderr
    s = cf.System.unpack(data)
    assert (s.hv_phys_start, s.hv_size, s.root.name_str) == (0xB7E00000, 8 * MIB, "linux-root")
    pools = [(r.phys_start, r.phys_end) for r in s.root.regions if r.flags & cf.MEM_LOADABLE]
    assert pools == [(0xB7E00000 + 8 * MIB, 0xBFE00000)]


def test_hypervisor_outside_the_reserved_region_is_refused(hvctl, board_dtb, tmp_path):
    p, data = create(tmp_path, board_dtb, "--hv-addr", "0xbf000000", "--hv-size", "16M")
    assert (p.returncode, data) == (1, None)
    assert p.stderr == (f"hvctl: config create: {tmp_path / 'board.dtb'}: hypervisor memory "
                        "[0xbf000000..0xc0000000) is not inside the reserved region "
                        "[0xb7e00000..0xbfe00000)\n")


# ---------------------------------------------------------------- boards that cannot run it

def _set_isa(t, isa):
    for cpu in t.cpus():
        t.fdt.setprop_str(t.off(cpu), "riscv,isa", isa)


def _drop(t, path, prop=None):
    off = t.off(path)
    if prop:
        t.fdt.delprop(off, prop)
    else:
        t.fdt.del_node(off)


def _hart_64(t):
    cpu = t.off("/cpus/cpu@3")
    t.fdt.setprop_u32(cpu, "reg", 64)


BROKEN = {
    "no H": (lambda t: _set_isa(t, "rv64imafdc_zicsr_sstc"),
             [f"hart {h} (/cpus/cpu@{h}): no H extension in its ISA" for h in range(4)]),
    "no Sstc": (lambda t: _set_isa(t, "rv64imafdch_zicsr"),
                [f"hart {h} (/cpus/cpu@{h}): no Sstc in its ISA (guests' timers need it)"
                 for h in range(4)]),
    "rv32": (lambda t: _set_isa(t, "rv32imafdch_sstc"),
             [f"hart {h} (/cpus/cpu@{h}): not an rv64 hart" for h in range(4)]),
    "hart 64": (_hart_64, ["hart 64 (/cpus/cpu@3): hart ids above 63 cannot be written in a "
                           "config"]),
    "no reserved region": (lambda t: _drop(t, "/reserved-memory/bulkhead@b7e00000"),
                           ["no /reserved-memory/bulkhead@ADDR node with no-map: the hypervisor "
                            "and the cells need RAM Linux does not use (docs/porting.md)"]),
    "reserved region mapped": (lambda t: _drop(t, "/reserved-memory/bulkhead@b7e00000",
                                               "no-map"),
                               ["/reserved-memory/bulkhead@b7e00000: no no-map property (Linux "
                                "would map the region and may use it)"]),
    "second reserved region": (lambda t: t.add_reserved("bulkhead@bfe00000", 0xBFE00000, 0x1000),
                               # libfdt adds the new node first: the board's is the second.
                               ["/reserved-memory/bulkhead@b7e00000: a second bulkhead node"]),
    "misaligned reserved region": (
        lambda t: t.fdt.setprop(t.off("/reserved-memory/bulkhead@b7e00000"), "reg",
                                t.reg_bytes("/reserved-memory", [(0xB7E00800, 0x8000000)])),
        ["/reserved-memory/bulkhead@b7e00000: [0xb7e00800..0xbfe00800) is empty or not 4 KiB "
         "aligned"]),
    "no PLIC": (lambda t: _drop(t, "/soc/plic@c000000"),
                ["no PLIC (riscv,plic0 or sifive,plic-1.0.0): Bulkhead drives external "
                 "interrupts through a PLIC"]),
    "no timebase": (lambda t: _drop(t, "/cpus", "timebase-frequency"),
                    ["no timebase-frequency in /cpus"]),
    "no memory": (lambda t: _drop(t, "/memory@80000000"),
                  ["no memory node", "reserved region [0xb7e00000..0xbfe00000) is not in RAM"]),
    "no riscv,ndev": (lambda t: _drop(t, "/soc/plic@c000000", "riscv,ndev"),
                      ["the PLIC has no riscv,ndev"]),
}


@pytest.mark.parametrize("case", BROKEN)
def test_board_that_cannot_run_bulkhead_gets_every_reason_and_no_config(hvctl, board_dtb,
                                                                       tmp_path, case):
    change, reasons = BROKEN[case]
    t = Tree(board_dtb)
    change(t)
    p, data = create(tmp_path, t.bytes())
    assert (p.returncode, p.stdout, data) == (1, "", None)
    prefix = f"hvctl: config create: {tmp_path / 'board.dtb'}: "
    assert p.stderr == "".join(f"{prefix}{r}\n" for r in reasons)


def _truncated(data):
    return data[:len(data) // 2]


def _bad_magic(data):
    return b"\0\0\0\0" + data[4:]


def _bad_struct(data):
    off = int.from_bytes(data[8:12], "big")  # off_dt_struct: the first token
    return data[:off] + b"\0\0\0\x09" + data[off + 4:]


@pytest.mark.parametrize("mangle, message", [
    (_truncated, "truncated: file is {half} bytes, its header says {n}"),
    (_bad_magic, "not a flattened device tree (magic 0x00000000, expected 0xd00dfeed)"),
    (_bad_struct, "broken device tree (FDT_ERR_BADSTRUCTURE)"),
    (lambda d: d[:20], "truncated: file is 20 bytes, a device tree header is 40"),
])
def test_broken_device_tree_is_refused(hvctl, board_dtb, tmp_path, mangle, message):
    p, data = create(tmp_path, mangle(board_dtb))
    assert (p.returncode, p.stdout, data) == (1, "", None)
    msg = message.format(half=len(board_dtb) // 2, n=len(board_dtb))
    assert p.stderr == (f"hvctl: config create: root device tree {tmp_path / 'board.dtb'}: "
                        f"{msg}\n")


def test_missing_device_tree(hvctl, tmp_path):
    p = run("config", "create", "--dtb", tmp_path / "nope.dtb", "-o", tmp_path / "out")
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == (f"hvctl: config create: cannot read the root device tree "
                        f"{tmp_path / 'nope.dtb'}: No such file or directory\n")
    assert not (tmp_path / "out").exists()


def test_device_tree_from_bh_fdt(hvctl, board_dtb, tmp_path):
    (tmp_path / "fdt").write_bytes(board_dtb)
    p = run("config", "create", "-o", tmp_path / "a.cell",
            env={"BH_FDT": str(tmp_path / "fdt"), "PATH": "/usr/bin:/bin"})
    assert p.returncode == 0, p.stderr
    p, data = create(tmp_path, board_dtb)
    assert (tmp_path / "a.cell").read_bytes() == data


@pytest.mark.parametrize("args, message", [
    (["--frob"], "unknown option '--frob'"),
    (["--hv-size"], "--hv-size needs an argument"),
    (["--hv-size", "12Q"], "--hv-size: bad value '12Q' (expected a size such as 16M)"),
    (["--hv-addr", "zz"], "--hv-addr: bad value 'zz' (expected 0x... or decimal)"),
    (["--harts", "1"], "--harts, --mem, --device and --system need --cell NAME"),
    (["--cell", "a", "--hv-size", "1M"],
     "--name, --hv-addr and --hv-size are for a system config, not with --cell"),
    (["--cell", "a", "--harts", "1"], "--cell needs --harts LIST and --mem SIZE"),
    (["--cell", "a", "--harts", "64", "--mem", "1M"],
     "--harts: bad value '64' (expected a hart list such as 2-3)"),
    (["--cell", "a", "--harts", "1", "--mem", "1M@x"],
     "--mem: bad value '1M@x' (expected SIZE or SIZE@ADDR, such as 1M@0xbce00000)"),
    (["--cell", "x" * 32, "--harts", "1", "--mem", "1M"],
     f"config create: cell name '{'x' * 32}' is 32 characters long, at most 31 are allowed"),
    (["--dtb", "a", "--dtb", "b"], "--dtb given twice"),
])
def test_bad_command_lines_exit_2(hvctl, tmp_path, args, message):
    p = run("config", "create", "-o", tmp_path / "out", *args)
    assert p.returncode == 2 and p.stdout == ""
    first = p.stderr.splitlines()[0]
    assert first == (f"hvctl: {message}" if message.startswith("config create: ")
                     else f"hvctl: config create: {message}")
    assert "usage: hvctl COMMAND" in p.stderr


# ---------------------------------------------------------------- cell configs

def create_cell(tmp_path, board_dtb, *args):
    return create(tmp_path, board_dtb, "--system", CONFIGS / "system.cell", *args)


@pytest.mark.parametrize("name, args", [
    ("hello", ["--harts", "3", "--mem", "1M@0xbce00000"]),
    ("irq-demo", ["--harts", "3", "--mem", "1M@0xbd000000", "--device", "/soc/rtc@101000"]),
])
def test_demo_cell_configs_are_the_hand_written_ones(hvctl, board_dtb, tmp_path, name, args):
    built(CONFIGS / f"{name}-cell.cell")
    p, data = create_cell(tmp_path, board_dtb, "--cell", name, *args)
    assert (p.returncode, p.stderr) == (0, "")
    assert data == (CONFIGS / f"{name}-cell.cell").read_bytes()


def test_cell_ram_comes_from_the_first_pool_that_holds_it(hvctl, board_dtb, tmp_path):
    sys_cfg = cf.System.unpack((CONFIGS / "system.cell").read_bytes())
    pools = [r for r in sys_cfg.root.regions if r.flags & cf.MEM_LOADABLE]
    for size, pool in ((MIB, pools[0]), (pools[0].size + MIB, pools[1])):
        p, data = create_cell(tmp_path, board_dtb, "--cell", "c", "--harts", "2-3",
                              "--mem", hex(size))
        assert p.returncode == 0, p.stderr
        cell = cf.Cell.unpack(data)
        assert cell.harts() == [2, 3]
        assert [(r.phys_start, r.virt_start, r.size) for r in cell.regions] == \
            [(pool.phys_start, 0x80000000, size)]
        assert (cell.entry, cell.boot_arg, cell.console.type) == (0x80000000, 0x7FFFF000,
                                                                 cf.CONSOLE_SBI)


def test_cell_with_several_devices(hvctl, board_dtb, tmp_path):
    p, data = create_cell(tmp_path, board_dtb, "--cell", "io", "--harts", "3", "--mem", "1M",
                          "--device", "/soc/virtio_mmio@10008000",
                          "--device", "/soc/virtio_mmio@10007000")
    assert p.returncode == 0, p.stderr
    cell = cf.Cell.unpack(data)
    assert [(r.phys_start, r.size, r.flags) for r in cell.regions[1:]] == \
        [(0x10007000, 0x2000, RW_IO)]
    assert cell.irqs() == [7, 8]


@pytest.mark.parametrize("args, reason", [
    (["--harts", "3", "--mem", "1M", "--device", "/soc/nope"], "--device /soc/nope: no such node"),
    (["--harts", "3", "--mem", "1M", "--device", "/cpus"],
     "--device /cpus: no registers at CPU addresses"),
    (["--harts", "4", "--mem", "1M"], "cell 'c': hart 4 is not in the root cell's CPU set"),
    (["--harts", "3", "--mem", "1G"],
     "no root cell pool (RAM with BH_MEM_LOADABLE) holds 0x40000000 bytes"),
    (["--harts", "3", "--mem", "0x1800"], "--mem: 0x1800 bytes is not a multiple of 4 KiB"),
    (["--harts", "3", "--mem", "1M@0x80200000"],
     "cell 'c': memory region 0 [0x80200000..0x80300000) is in the root kernel's RAM, not in a "
     "root region cells are carved from (RAM with BH_MEM_LOADABLE)"),
    (["--harts", "3", "--mem", "1M", "--device", "/soc/plic@c000000"],
     "--device /soc/plic@c000000: its interrupts are not lines of the PLIC"),
    (["--harts", "3", "--mem", "1M", "--device", "/soc/pci@30000000"],
     "cell 'c': memory region 1 [0x30000000..0x40000000) is not inside a root IO region"),
])
def test_cell_that_cannot_be_made(hvctl, board_dtb, tmp_path, args, reason):
    p, data = create_cell(tmp_path, board_dtb, "--cell", "c", *args)
    assert (p.returncode, data) == (1, None)
    assert p.stderr == f"hvctl: config create: {tmp_path / 'board.dtb'}: {reason}\n"


def test_cell_needs_a_system_config(hvctl, board_dtb, tmp_path):
    p, data = create(tmp_path, board_dtb, "--cell", "c", "--harts", "3", "--mem", "1M",
                     "--system", tmp_path / "none.cell")
    assert (p.returncode, data) == (1, None)
    assert p.stderr == (f"hvctl: cannot read {tmp_path / 'none.cell'}: "
                        "No such file or directory\n")
    p = run("config", "create", "--cell", "c", "--harts", "3", "--mem", "1M", "-o",
            tmp_path / "x", env={"BH_SYSFS": str(tmp_path / "sysfs"), "PATH": "/usr/bin"})
    assert p.returncode == 1 and not (tmp_path / "x").exists()


# ---------------------------------------------------------------- config show

def compile_c(tmp_path, text, name):
    """configs/build.mk's recipe: compile, cut the .bh_config section out."""
    src, obj, out = (tmp_path / f"{name}.c", tmp_path / f"{name}.o", tmp_path / f"{name}.cell")
    src.write_text(text)
    subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", f"-I{ROOT / 'include'}",
                    "-c", "-o", obj, src], check=True, capture_output=True)
    subprocess.run(["objcopy", "-O", "binary", "--only-section=.bh_config", obj, out],
                   check=True)
    return out.read_bytes()


def all_configs():
    built(CONFIGS / "system.cell")
    return sorted(p.name for p in Path(ROOT / "configs").glob("*.c"))


@pytest.mark.parametrize("source", all_configs())
def test_show_c_compiles_to_the_same_bytes(hvctl, tmp_path, source):
    cell = CONFIGS / ("system.cell" if source == "qemu-virt.c" else source[:-2] + ".cell")
    built(cell)
    p = run("config", "show", cell, "--c")
    assert (p.returncode, p.stderr) == (0, "")
    assert compile_c(tmp_path, p.stdout, "shown") == cell.read_bytes()


def test_show_c_of_a_generated_config(hvctl, board_dtb, tmp_path):
    p, data = create(tmp_path, with_opensbi(board_dtb))
    p = run("config", "show", tmp_path / "out.cell", "--c")
    assert compile_c(tmp_path, p.stdout, "gen") == data


def test_show_system_config(hvctl):
    p = run("config", "show", CONFIGS / "system.cell")
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == """\
system config, root cell 'root'
hypervisor memory: [0xbbe00000..0xbce00000)
debug console: ns16550 at 0x10000000, 0x1000 bytes, reg-shift 0
PLIC: [0xc000000..0xc600000), 96 sources (lines 1..95)
virtual lines (doorbells): 16 (lines 96..111)
timebase: 10000000 Hz
S-mode PLIC contexts: hart 0: 1, hart 1: 3, hart 2: 5, hart 3: 7
root cell 'root'
  harts: 0-3
  console: ns16550 at 0x10000000, 0x1000 bytes, reg-shift 0
  PLIC lines: 1-95
  memory regions: 8
     0  [0x100000..0x101000)  R|W|IO
     1  [0x101000..0x102000)  R|W|IO
     2  [0x10000000..0x10001000)  R|W|IO
     3  [0x10001000..0x10009000)  R|W|IO
     4  [0x80080000..0xb7e00000)  R|W|X
     5  [0xbce00000..0xbfd00000)  R|W|X|LOADABLE
     6  [0xbfe00000..0xc0000000)  R|W|X
     7  [0xb7e00000..0xbbe00000)  R|W|X|LOADABLE
  link ends: 1
    link 1 end 0: peers 0x2, line 96, doorbell 0xbfdf0000, shared [0xbfd00000..0xbfd10000)  R|W
"""


def test_show_cell_config(hvctl):
    p = run("config", "show", built(CONFIGS / "linux-cell.cell"))
    assert (p.returncode, p.stderr) == (0, "")
    cell = cf.Cell.unpack((CONFIGS / "linux-cell.cell").read_bytes())
    lines = p.stdout.splitlines()
    assert lines[:3] == ["cell config 'linux'", f"harts: {cell.harts()[0]}-{cell.harts()[-1]}",
                         "flags: boot-dtb vplic-ignore-unowned"]
    assert lines[3] == f"entry: 0x{cell.entry:x}, boot_arg: 0x{cell.boot_arg:x}"
    assert len(lines) == 7 + len(cell.regions)


def test_show_refuses_what_the_validator_refuses(hvctl, tmp_path):
    bad = cf.System.unpack((CONFIGS / "system.cell").read_bytes())
    bad.revision = 2
    (tmp_path / "bad.cell").write_bytes(bad.pack())
    p = run("config", "show", tmp_path / "bad.cell")
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == (f"hvctl: {tmp_path / 'bad.cell'}: system config: revision 2 not "
                        "supported (expected 1)\n")


# ---------------------------------------------------------------- config check: every way wrong

def _validator_cases():
    import test_config as tc
    cases = []
    for name, (mutate, _, message) in tc.SYSTEM_REJECTS.items():
        cases.append(("system", name, mutate, message))
    for name, (mutate, _, message) in tc.CELL_REJECTS.items():
        # A file whose signature is not BHCELL is checked as a system config.
        if name != "signature":
            cases.append(("cell", name, mutate, message))
    return tc, cases


TC, VALIDATOR_CASES = _validator_cases()


@pytest.mark.parametrize("kind, name, mutate, message", VALIDATOR_CASES,
                         ids=[f"{k}: {n}" for k, n, _, _ in VALIDATOR_CASES])
def test_config_check_gives_the_validators_message(hvctl, tmp_path, kind, name, mutate,
                                                   message):
    if kind == "system":
        cfg = cf.System.unpack(built(CONFIGS / "system.cell").read_bytes())
    else:
        cfg = TC.demo_cell()
    mutate(cfg)
    (tmp_path / "c.cell").write_bytes(cfg.pack())
    p = run("config", "check", tmp_path / "c.cell")
    assert (p.returncode, p.stdout) == (1, "")
    # The validator's first problem first; config check lists the others after it.
    lines = p.stderr.splitlines()
    assert lines[0] == f"hvctl: {tmp_path / 'c.cell'}: {message}"
    assert all(ln.startswith(f"hvctl: {tmp_path / 'c.cell'}: ") for ln in lines)


# ---------------------------------------------------------------- Linux 6.12's boards

def board_dtbs():
    if not (BOARD_DTBS / "failed.txt").exists():
        subprocess.run(["make", "-s", f"BUILD={BUILD}", str(BOARD_DTBS / "failed.txt")],
                       cwd=ROOT, check=True, capture_output=True)
    return sorted(str(p.relative_to(BOARD_DTBS))[:-4] for p in BOARD_DTBS.glob("*/*.dtb"))


def adapted(dtb):
    """The board as a core with H and Sstc would be, with a bulkhead@ region at the top of its
    first RAM range (a quarter of it, at most 128 MiB): what is left to say about it."""
    t = Tree(dtb)
    for cpu in t.cpus():
        prop = t.prop(t.off(cpu), "riscv,isa")
        if prop is not None:
            isa = prop.as_str()
            base, _, rest = isa.partition("_")
            t.fdt.setprop_str(t.off(cpu), "riscv,isa",
                              base + "h_sstc" + ("_" + rest if rest else ""))
        exts = t.prop(t.off(cpu), "riscv,isa-extensions")
        if exts is not None:
            t.fdt.setprop(t.off(cpu), "riscv,isa-extensions", bytes(exts) + b"h\0sstc\0")
    region = None
    for node in t.subnodes("/"):
        if t.is_a(node, "memory"):
            ac, sc = t.cells("/")
            reg = bytes(t.fdt.getprop(node, "reg"))
            start = int.from_bytes(reg[:4 * ac], "big")
            size = int.from_bytes(reg[4 * ac:4 * (ac + sc)], "big")
            rsize = min(128 * MIB, (size // 4) & ~(MIB - 1))
            region = (start + size - rsize, rsize)
            break
    hv = []
    if region:
        t.add_reserved(f"bulkhead@{region[0]:x}", *region)
        hv = ["--hv-size", hex(min(16 * MIB, region[1] // 2))]
    return t.bytes(), hv


def board_result(tmp_path, board):
    """(as-is reasons, adapted reasons, adapted config or None)."""
    dtb = (BOARD_DTBS / f"{board}.dtb").read_bytes()
    p, data = create(tmp_path, dtb)
    assert p.stdout == ""
    prefix = f"hvctl: config create: {tmp_path / 'board.dtb'}: "
    lines = p.stderr.splitlines()
    assert all(line.startswith(prefix) for line in lines), p.stderr
    reasons = [line[len(prefix):] for line in lines if not line.startswith(prefix + "note: ")]
    assert (p.returncode == 0) == (not reasons) == (data is not None)
    adapted_dtb, hv = adapted(dtb)
    p2, data2 = create(tmp_path, adapted_dtb, *hv)
    lines2 = p2.stderr.splitlines()
    assert all(line.startswith(prefix) for line in lines2), p2.stderr
    reasons2 = [line[len(prefix):] for line in lines2 if not line.startswith(prefix + "note: ")]
    assert (p2.returncode == 0) == (not reasons2) == (data2 is not None)
    return reasons, reasons2, data2


def summary(reasons):
    if not reasons:
        return "accepted"
    more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
    return f"`{reasons[0]}`{more}"


def describe(data):
    s = cf.System.unpack(data)
    harts = s.root.harts()
    io = sum(1 for r in s.root.regions if r.flags & cf.MEM_IO)
    console = {cf.CONSOLE_NS16550: f"ns16550 0x{s.debug_console.address:x}",
               cf.CONSOLE_SBI: "SBI"}[s.debug_console.type]
    return (f"valid: harts {','.join(map(str, harts))}, PLIC lines 1..{s.plic_num_sources - 1}, "
            f"{len(s.root.regions) - io} RAM + {io} IO regions, console {console}")


def porting_table(tmp_path):
    rows = ["| board | as it is | with H, Sstc and a `bulkhead@` region added |",
            "|---|---|---|"]
    for board in board_dtbs():
        reasons, reasons2, data2 = board_result(tmp_path, board)
        rows.append(f"| {board} | {summary(reasons)} | "
                    f"{describe(data2) if data2 else summary(reasons2)} |")
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("board", board_dtbs())
def test_every_linux_board_gets_a_valid_config_or_its_reasons(hvctl, tmp_path, board):
    reasons, reasons2, data2 = board_result(tmp_path, board)
    # None of 6.12's boards has a core with the H extension.
    assert any("no H extension" in r for r in reasons)
    if data2 is not None:
        (tmp_path / "gen.cell").write_bytes(data2)
        p = run("config", "check", tmp_path / "gen.cell")
        assert p.returncode == 0, p.stderr


def test_porting_guide_has_the_table_of_this_test(hvctl, tmp_path):
    table = porting_table(tmp_path)
    assert table in PORTING.read_text(), \
        "regenerate with: /usr/bin/python3 pytest/host/test_config_create.py --table"


if __name__ == "__main__" and sys.argv[1:] == ["--table"]:
    import tempfile
    built(HVCTL)
    with tempfile.TemporaryDirectory() as d:
        sys.stdout.write(porting_table(Path(d)))
