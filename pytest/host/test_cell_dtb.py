"""hvctl cell dtb and cell load's Linux support (issue 9), on the host.

build/host/hvctl writes a cell's device tree from a cell config, a system
config and a root device tree, all written here: the configs with cellfile.py
(from docs/config-format.md), the root tree as DTS compiled by dtc. The trees
hvctl writes are read back with python3-libfdt and dtc, which share no code
path with hvctl's writer but libfdt's reading side. 'cell load' runs against
the LD_PRELOAD driver stand-in of test_hvctl.py (pytest/host/support/hvctl/
driver_shim.c) and a fake sysfs tree that shows the cells' configs as the
driver does (cells/NAME/config; the root cell's is the system config).

The Linux cell config is the provisional one of issue 9: harts 2 and 3, 64 MiB
of RAM at guest-physical 0x80000000 (physical 0xb7e00000), entry 0x80000000,
its device tree at boot_arg 0x83e00000 (BH_CELL_BOOT_DTB), virtio-mmio slot 5
(0x10006000, PLIC line 6) passed through, SBI console.
"""
import os
import re
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
from conftest import built  # noqa: E402

libfdt = pytest.importorskip("libfdt")

HVCTL = BUILD / "host" / "hvctl"
DRIVER_SHIM = BUILD / "host" / "hvctl-driver-shim.so"
KERNEL_IMAGE = BUILD / "linux" / "arch" / "riscv" / "boot" / "Image"

RWX = cf.MEM_READ | cf.MEM_WRITE | cf.MEM_EXECUTE
RAM = RWX | cf.MEM_LOADABLE
RW_IO = cf.MEM_READ | cf.MEM_WRITE | cf.MEM_IO
BOOT_DTB = 0x1
LOAD_AT_ENTRY = 2**64 - 1

CELL_RAM_PHYS, CELL_RAM, CELL_RAM_SIZE = 0xB7E00000, 0x80000000, 0x4000000
DTB_ADDR = 0x83E00000
DEFAULT_BOOTARGS = "console=hvc0 earlycon=sbi"
LOAD_USAGE = "hvctl cell load NAME IMAGE [-a ADDR] [--dtb auto|FILE] [--bootargs TEXT]"
DTB_USAGE = ("hvctl cell dtb NAME|--config FILE [--system FILE] [--root-dtb FILE] "
             "[--bootargs TEXT] [-o FILE]")


# ---------------------------------------------------------------- configs and trees

def system_config():
    """The QEMU board's system, as docs/config-format.md describes it (S-mode context 2h+1)."""
    root = cf.Cell(name="root", cpu_set=0xF, regions=[
        cf.MemRegion(0x80200000, 0x80200000, CELL_RAM_PHYS - 0x80200000, RWX),
        cf.MemRegion(CELL_RAM_PHYS, CELL_RAM_PHYS, 0xBBE00000 - CELL_RAM_PHYS, RAM),
        cf.MemRegion(0x10000000, 0x10000000, 0x1000, RW_IO),
        cf.MemRegion(0x10001000, 0x10001000, 0x8000, RW_IO),
    ], console=cf.Console(type=cf.CONSOLE_SBI))
    root.set_irqs(range(1, 96))
    contexts = [cf.NO_CONTEXT] * cf.MAX_HARTS
    for h in range(4):
        contexts[h] = 2 * h + 1
    return cf.System(root=root, hv_phys_start=0xBBE00000, hv_size=0x1000000,
                     debug_console=cf.Console(type=cf.CONSOLE_SBI), plic_base=0x0C000000,
                     plic_size=0x600000, plic_num_sources=96, timebase_frequency=10_000_000,
                     hart_plic_context=contexts)


def linux_cell(harts=(2, 3), lines=(6,), io=((0x10006000, 0x10006000),), ram_virt=CELL_RAM,
               entry=CELL_RAM, boot_arg=DTB_ADDR, flags=BOOT_DTB, name="linux"):
    regions = [cf.MemRegion(CELL_RAM_PHYS, ram_virt, CELL_RAM_SIZE, RAM)]
    regions += [cf.MemRegion(phys, virt, 0x1000, RW_IO) for phys, virt in io]
    cell = cf.Cell(name=name, regions=regions, entry=entry, boot_arg=boot_arg, flags=flags,
                   console=cf.Console(type=cf.CONSOLE_SBI))
    cell.set_harts(harts)
    cell.set_irqs(lines)
    return cell


def cpu_dts(hart, isa, mmu):
    return f"""
        cpu{hart}: cpu@{hart} {{
            device_type = "cpu";
            reg = <{hart}>;
            status = "okay";
            compatible = "riscv";
            riscv,isa = "{isa}";
            mmu-type = "{mmu}";
            intc{hart}: interrupt-controller {{
                #interrupt-cells = <1>;
                interrupt-controller;
                compatible = "riscv,cpu-intc";
            }};
        }};"""


# Each hart has its own ISA string, so a copy from the wrong cpu node shows.
ISA = {0: "rv64imafdch_zicsr_hart0", 1: "rv64imafdch_zicsr_hart1",
       2: "rv64imafdch_zicsr_zifencei_sstc_hart2", 3: "rv64imafdc_zicsr_hart3"}
MMU = {0: "riscv,sv48", 1: "riscv,sv48", 2: "riscv,sv39", 3: "riscv,sv57"}


def root_dts(harts=(0, 1, 2, 3), virtio_status="disabled"):
    """The root's tree, shaped like QEMU's virt one, with the traps this file tests for."""
    cpus = "".join(cpu_dts(h, ISA[h], MMU[h]) for h in harts)
    plic_parents = " ".join(f"&intc{h} 11 &intc{h} 9" for h in harts)
    return f"""/dts-v1/;
/ {{
    #address-cells = <2>;
    #size-cells = <2>;
    compatible = "riscv-virtio";
    model = "riscv-virtio,qemu";
    chosen {{ stdout-path = "/soc/serial@10000000"; bootargs = "the root's"; }};
    memory@80000000 {{ device_type = "memory"; reg = <0x0 0x80000000 0x0 0x40000000>; }};
    cpus {{
        #address-cells = <1>;
        #size-cells = <0>;
        timebase-frequency = <10000000>;
        {cpus}
    }};
    soc {{
        #address-cells = <2>;
        #size-cells = <2>;
        compatible = "simple-bus";
        ranges;
        interrupt-parent = <&plic>;
        plic: plic@c000000 {{
            compatible = "sifive,plic-1.0.0", "riscv,plic0";
            reg = <0x0 0xc000000 0x0 0x600000>;
            riscv,ndev = <0x60>;
            #interrupt-cells = <1>;
            #address-cells = <0>;
            interrupt-controller;
            interrupts-extended = <{plic_parents}>;
        }};
        serial@10000000 {{
            compatible = "ns16550a";
            reg = <0x0 0x10000000 0x0 0x100>;
            interrupts = <10>;
            clock-frequency = <0x384000>;
        }};
        virtio_mmio@10006000 {{
            compatible = "virtio,mmio";
            reg = <0x0 0x10006000 0x0 0x1000>;
            interrupts = <6>;
            status = "{virtio_status}";
        }};
        virtio_mmio@10005000 {{
            compatible = "virtio,mmio";
            reg = <0x0 0x10005000 0x0 0x1000>;
            interrupts = <5>;
        }};
    }};
    /* Its children's addresses are not the CPU's: 0x10006000 here is not the slot. */
    platform-bus@4000000 {{
        compatible = "qemu,platform", "simple-bus";
        #address-cells = <1>;
        #size-cells = <1>;
        ranges = <0x0 0x0 0x4000000 0x2000000>;
        decoy@10006000 {{ compatible = "decoy"; reg = <0x10006000 0x1000>; }};
    }};
}};
"""


def compile_dts(text, path):
    src = path.with_suffix(".dts")
    src.write_text(text)
    r = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(path), str(src)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return path


# ---------------------------------------------------------------- plumbing

@pytest.fixture(scope="session")
def hvctl():
    """build/host/hvctl, (re)built by its make rule."""
    return built(HVCTL)


@pytest.fixture(scope="session")
def shim():
    """The driver stand-in of test_hvctl.py, (re)built by its make rule."""
    return built(DRIVER_SHIM)


def run(hvctl, *args, env=None, preload=None, stdout=subprocess.PIPE):
    e = {k: v for k, v in os.environ.items()
         if k not in ("BH_DEVICE", "BH_SYSFS", "BH_FDT", "LD_PRELOAD")}
    e.update({k: str(v) for k, v in (env or {}).items()})
    if preload:
        e["LD_PRELOAD"] = str(preload)
    p = subprocess.run([str(hvctl), *map(str, args)], env=e, stdout=stdout,
                       stderr=subprocess.PIPE, timeout=20)
    p.stderr = p.stderr.decode()
    return p


class Files:
    """A test's inputs: system config, cell config, root tree; written on demand."""

    def __init__(self, tmp_path, cell=None, system=None, dts=None):
        self.dir = tmp_path
        self.system = tmp_path / "system.cell"
        self.cell = tmp_path / "linux.cell"
        self.root = tmp_path / "root.dtb"
        self.system.write_bytes((system or system_config()).pack())
        self.cell.write_bytes((cell or linux_cell()).pack())
        compile_dts(dts or root_dts(), self.root)

    def dtb_args(self):
        return ["--config", self.cell, "--system", self.system, "--root-dtb", self.root]


def make_dtb(hvctl, files, *extra):
    out = files.dir / "cell.dtb"
    p = run(hvctl, "cell", "dtb", *files.dtb_args(), "-o", out, *extra)
    assert p.returncode == 0, p.stderr
    return libfdt.Fdt(out.read_bytes()), p.stderr


def node(fdt, path):
    return fdt.path_offset(path)


def children(fdt, path):
    off, names = fdt.first_subnode(node(fdt, path), libfdt.QUIET_NOTFOUND), []
    while off >= 0:
        names.append(fdt.get_name(off))
        off = fdt.next_subnode(off, libfdt.QUIET_NOTFOUND)
    return names


def props(fdt, path):
    """{name: bytes} of a node."""
    out, off = {}, fdt.first_property_offset(node(fdt, path), libfdt.QUIET_NOTFOUND)
    while off >= 0:
        p = fdt.get_property_by_offset(off)
        out[p.name] = bytes(p)
        off = fdt.next_property_offset(off, libfdt.QUIET_NOTFOUND)
    return out


def u32s(*values):
    return struct.pack(f">{len(values)}I", *values)


def u64s(*values):
    return struct.pack(f">{len(values)}Q", *values)


def string(text):
    return text.encode() + b"\0"


# ---------------------------------------------------------------- cell dtb: what the tree holds

@pytest.fixture
def linux_tree(hvctl, tmp_path):
    fdt, stderr = make_dtb(hvctl, Files(tmp_path))
    assert stderr == ""
    return fdt


def test_root_node_and_chosen(linux_tree):
    fdt = linux_tree
    assert children(fdt, "/") == ["chosen", "cpus", "memory@80000000", "soc"]
    assert props(fdt, "/") == {
        "#address-cells": u32s(2), "#size-cells": u32s(2),
        "compatible": string("bulkhead,cell"), "model": string("Bulkhead cell linux")}
    # No stdout-path: the console is hvc0 (SBI), which bootargs names.
    assert props(fdt, "/chosen") == {"bootargs": string(DEFAULT_BOOTARGS)}


def test_cpus_are_the_cells_harts_described_as_the_root_describes_them(linux_tree):
    fdt = linux_tree
    assert children(fdt, "/cpus") == ["cpu@2", "cpu@3", "idle-states"]
    assert props(fdt, "/cpus") == {"#address-cells": u32s(1), "#size-cells": u32s(0),
                                   "timebase-frequency": u32s(10_000_000)}
    for index, hart in enumerate((2, 3)):
        assert props(fdt, f"/cpus/cpu@{hart}") == {
            "device_type": string("cpu"), "reg": u32s(hart), "status": string("okay"),
            "compatible": string("riscv"), "riscv,isa": string(ISA[hart]),
            "mmu-type": string(MMU[hart]), "cpu-idle-states": u32s(4)}
        assert props(fdt, f"/cpus/cpu@{hart}/interrupt-controller") == {
            "#interrupt-cells": u32s(1), "interrupt-controller": b"",
            "compatible": string("riscv,cpu-intc"), "phandle": u32s(index + 1)}


def test_the_idle_state_is_hsm_default_retentive_suspend(linux_tree):
    # Phandles 1, 2: the harts' interrupt controllers; 3: the PLIC; 4: the idle state.
    assert children(linux_tree, "/cpus/idle-states") == ["cpu-retentive"]
    assert props(linux_tree, "/cpus/idle-states/cpu-retentive") == {
        "compatible": string("riscv,idle-state"), "riscv,sbi-suspend-param": u32s(0),
        "entry-latency-us": u32s(10), "exit-latency-us": u32s(10),
        "min-residency-us": u32s(100), "phandle": u32s(4)}


def test_memory_is_the_cells_ram_where_the_cell_sees_it(linux_tree):
    assert props(linux_tree, "/memory@80000000") == {
        "device_type": string("memory"), "reg": u64s(CELL_RAM, CELL_RAM_SIZE)}


def test_plic_lists_the_cells_s_mode_contexts_and_fillers_linux_skips(linux_tree):
    fdt = linux_tree
    assert children(fdt, "/soc") == ["interrupt-controller@c000000", "virtio_mmio@10006000"]
    intc2, intc3 = 1, 2
    # Contexts 0..7: hart 2's S-mode context is 5, hart 3's is 7 (2h + 1); the others are
    # M-external (11) entries, which Linux's PLIC driver skips.
    contexts = [intc2, 11] * 5 + [intc2, 9, intc2, 11, intc3, 9]
    assert props(fdt, "/soc/interrupt-controller@c000000") == {
        "compatible": b"sifive,plic-1.0.0\0riscv,plic0\0",
        "reg": u64s(0x0C000000, 0x600000),
        "riscv,ndev": u32s(95),
        "#interrupt-cells": u32s(1),
        "#address-cells": u32s(0),
        "interrupt-controller": b"",
        "interrupts-extended": u32s(*contexts),
        "phandle": u32s(3)}


def test_plic_driver_of_linux_skips_contexts_whose_parent_irq_is_not_9():
    """The fillers rely on this: read it in the kernel source the board builds."""
    src = BUILD / "src" / "linux-source-6.1"
    driver = src / "drivers" / "irqchip" / "irq-sifive-plic.c"
    if not driver.exists():
        pytest.skip(f"{driver} missing: the kernel source is unpacked by `make kernel`")
    assert "if (parent.args[0] != RV_IRQ_EXT) {" in driver.read_text()
    csr = (src / "arch" / "riscv" / "include" / "asm" / "csr.h").read_text()
    assert re.search(r"#define\s+IRQ_S_EXT\s+9\n", csr)
    assert re.search(r"#\s*define\s+RV_IRQ_EXT\s+IRQ_S_EXT\n", csr)


def test_passed_through_device_is_the_roots_node_enabled(linux_tree):
    fdt = linux_tree
    assert props(fdt, "/soc") == {
        "#address-cells": u32s(2), "#size-cells": u32s(2), "compatible": string("simple-bus"),
        "ranges": b"",
        # Device address (physical), cell address, size: the RAM is not identity-mapped.
        "dma-ranges": u64s(CELL_RAM_PHYS, CELL_RAM, CELL_RAM_SIZE)}
    # Disabled in the root's tree, okay in the cell's; the interrupt parent is the cell's PLIC.
    assert props(fdt, "/soc/virtio_mmio@10006000") == {
        "compatible": string("virtio,mmio"), "reg": u64s(0x10006000, 0x1000),
        "interrupt-parent": u32s(3), "interrupts": u32s(6), "status": string("okay")}


def test_dtc_reads_the_tree(hvctl, tmp_path):
    files = Files(tmp_path)
    make_dtb(hvctl, files)
    r = subprocess.run(["dtc", "-I", "dtb", "-O", "dts", str(tmp_path / "cell.dtb")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert 'bootargs = "console=hvc0 earlycon=sbi";' in r.stdout
    assert "virtio_mmio@10006000 {" in r.stdout


def test_bootargs_option(hvctl, tmp_path):
    fdt, _ = make_dtb(hvctl, Files(tmp_path), "--bootargs", "console=hvc0 root=/dev/vda rw")
    assert props(fdt, "/chosen") == {"bootargs": string("console=hvc0 root=/dev/vda rw")}


def test_hart_without_a_root_cpu_node_is_described_by_the_first(hvctl, tmp_path):
    fdt, _ = make_dtb(hvctl, Files(tmp_path, dts=root_dts(harts=(1, 2))))
    # Hart 3 has no node in this root tree: the first cpu node (hart 1's) describes it.
    assert props(fdt, "/cpus/cpu@3")["riscv,isa"] == string(ISA[1])
    assert props(fdt, "/cpus/cpu@3")["mmu-type"] == string(MMU[1])
    assert props(fdt, "/cpus/cpu@2")["riscv,isa"] == string(ISA[2])


def test_device_with_a_line_the_cell_does_not_own_loses_its_interrupts(hvctl, tmp_path):
    fdt, stderr = make_dtb(hvctl, Files(tmp_path, cell=linux_cell(lines=(7,))))
    assert stderr == ("hvctl: cell dtb: warning: device /soc/virtio_mmio@10006000 uses PLIC "
                      "line 6, which cell 'linux' does not own: copied without interrupts\n")
    assert props(fdt, "/soc/virtio_mmio@10006000") == {
        "compatible": string("virtio,mmio"), "reg": u64s(0x10006000, 0x1000),
        "status": string("okay")}


def test_device_moved_to_another_guest_address(hvctl, tmp_path):
    cell = linux_cell(io=((0x10006000, 0x20000000),))
    fdt, stderr = make_dtb(hvctl, Files(tmp_path, cell=cell))
    assert stderr == ""
    assert children(fdt, "/soc") == ["interrupt-controller@c000000", "virtio_mmio@20000000"]
    assert props(fdt, "/soc/virtio_mmio@20000000")["reg"] == u64s(0x20000000, 0x1000)


def test_io_region_without_a_device_node_is_reported(hvctl, tmp_path):
    cell = linux_cell(io=((0x10006000, 0x10006000), (0x10008000, 0x10008000)))
    fdt, stderr = make_dtb(hvctl, Files(tmp_path, cell=cell))
    assert stderr == ("hvctl: cell dtb: warning: IO region 2 [0x10008000..0x10009000) of cell "
                      "'linux' holds no device of the root's device tree: the cell's tree does "
                      "not describe it\n")
    assert children(fdt, "/soc") == ["interrupt-controller@c000000", "virtio_mmio@10006000"]


def test_uart_console_is_stdout_path_and_earlycon_the_default_bootargs(hvctl, tmp_path):
    # A cell whose console is a passed-through 16550 finds it through /chosen/stdout-path,
    # which Linux's console and earlycon both follow; hvc0 would be the SBI console.
    cell = linux_cell(io=((0x10000000, 0x10000000), (0x10006000, 0x10006000)), lines=(6, 10))
    cell.console = cf.Console(type=cf.CONSOLE_NS16550, address=0x10000000, size=0x100)
    fdt, stderr = make_dtb(hvctl, Files(tmp_path, cell=cell))
    assert stderr == ""
    assert props(fdt, "/chosen") == {"bootargs": string("earlycon"),
                                     "stdout-path": string("/soc/serial@10000000")}
    assert node(fdt, "/soc/serial@10000000") >= 0
    fdt, _ = make_dtb(hvctl, Files(tmp_path, cell=cell), "--bootargs", "console=ttyS0")
    assert props(fdt, "/chosen") == {"bootargs": string("console=ttyS0"),
                                     "stdout-path": string("/soc/serial@10000000")}


def test_uart_console_moved_to_another_guest_address(hvctl, tmp_path):
    cell = linux_cell(io=((0x10000000, 0x20000000),), lines=(10,))
    cell.console = cf.Console(type=cf.CONSOLE_NS16550, address=0x20000000, size=0x100)
    fdt, stderr = make_dtb(hvctl, Files(tmp_path, cell=cell))
    assert stderr == ""
    assert props(fdt, "/chosen")["stdout-path"] == string("/soc/serial@20000000")


def test_console_without_a_device_node_has_no_stdout_path(hvctl, tmp_path):
    cell = linux_cell(io=((0x10006000, 0x10006000), (0x10008000, 0x10008000)))
    cell.console = cf.Console(type=cf.CONSOLE_NS16550, address=0x10008000, size=0x100)
    fdt, stderr = make_dtb(hvctl, Files(tmp_path, cell=cell))
    assert stderr.endswith("hvctl: cell dtb: warning: the console of cell 'linux' at 0x10008000 "
                           "is no device of the root's device tree: no stdout-path\n")
    assert props(fdt, "/chosen") == {"bootargs": string("earlycon")}


def test_identity_mapped_cell_has_no_dma_ranges(hvctl, tmp_path):
    cell = linux_cell(ram_virt=CELL_RAM_PHYS, entry=CELL_RAM_PHYS,
                      boot_arg=CELL_RAM_PHYS + 0x3E00000)
    fdt, _ = make_dtb(hvctl, Files(tmp_path, cell=cell))
    assert "dma-ranges" not in props(fdt, "/soc")
    assert children(fdt, "/") == ["chosen", "cpus", f"memory@{CELL_RAM_PHYS:x}", "soc"]


def test_stdout_is_the_same_tree(hvctl, tmp_path):
    files = Files(tmp_path)
    make_dtb(hvctl, files)
    p = run(hvctl, "cell", "dtb", *files.dtb_args())
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == (tmp_path / "cell.dtb").read_bytes()


def test_refuses_to_write_to_a_terminal(hvctl, tmp_path):
    files = Files(tmp_path)
    master, slave = os.openpty()
    try:
        p = run(hvctl, "cell", "dtb", *files.dtb_args(), stdout=slave)
    finally:
        os.close(slave)
        os.close(master)
    assert p.returncode == 1
    assert p.stderr == ("hvctl: cell dtb: not writing a binary device tree to a terminal: use "
                        "-o FILE or redirect stdout\n")


def _truncate(data):
    return data[:-20]


def _bad_magic(data):
    return b"\xd0\x0d\xfe\xef" + data[4:]


def _bad_struct(data):
    # The first token of the structure block (the root's BEGIN_NODE) becomes an unknown one.
    off = struct.unpack_from(">I", data, 8)[0]
    return data[:off] + u32s(7) + data[off + 4:]


@pytest.mark.parametrize("mangle, message", [
    (_truncate, "truncated: file is {n} bytes, its header says {total}"),
    (_bad_magic, "not a flattened device tree (magic 0xd00dfeef, expected 0xd00dfeed)"),
    (_bad_struct, "broken device tree (FDT_ERR_BADSTRUCTURE)"),
    (lambda d: d[:30], "truncated: file is 30 bytes, a device tree header is 40"),
])
def test_broken_root_tree_is_refused_and_nothing_written(hvctl, tmp_path, mangle, message):
    files = Files(tmp_path)
    good = files.root.read_bytes()
    bad = mangle(good)
    files.root.write_bytes(bad)
    out = tmp_path / "cell.dtb"
    p = run(hvctl, "cell", "dtb", *files.dtb_args(), "-o", out)
    text = message.format(n=len(bad), total=len(good))
    assert (p.returncode, p.stderr) == (1, f"hvctl: cell dtb: root device tree {files.root}: "
                                           f"{text}\n")
    assert not out.exists()


def test_missing_root_tree(hvctl, tmp_path):
    files = Files(tmp_path)
    missing = tmp_path / "none.dtb"
    p = run(hvctl, "cell", "dtb", "--config", files.cell, "--system", files.system,
            "--root-dtb", missing)
    assert (p.returncode, p.stderr) == (
        1, f"hvctl: cell dtb: cannot read the root device tree {missing}: "
           "No such file or directory\n")


def test_root_tree_from_bh_fdt(hvctl, tmp_path):
    files = Files(tmp_path)
    p = run(hvctl, "cell", "dtb", "--config", files.cell, "--system", files.system,
            env={"BH_FDT": files.root})
    assert (p.returncode, p.stderr) == (0, "")
    assert libfdt.Fdt(p.stdout).path_offset("/soc/virtio_mmio@10006000") >= 0


def test_root_tree_without_cpus(hvctl, tmp_path):
    dts = root_dts().replace("cpus {", "no-cpus {")
    files = Files(tmp_path, dts=dts)
    p = run(hvctl, "cell", "dtb", *files.dtb_args())
    assert (p.returncode, p.stdout) == (1, b"")
    assert p.stderr == "hvctl: cell dtb: the root device tree has no cpu node under /cpus\n"


def test_cell_that_does_not_fit_the_system(hvctl, tmp_path):
    files = Files(tmp_path, cell=linux_cell(harts=(2, 5)))
    p = run(hvctl, "cell", "dtb", *files.dtb_args())
    assert (p.returncode, p.stdout) == (1, b"")
    assert p.stderr == "hvctl: cell dtb: cell 'linux': hart 5 is not in the root cell's CPU set\n"


@pytest.mark.parametrize("args, message", [
    ([], f"hvctl: cell dtb: wrong number of arguments (usage: {DTB_USAGE})\n"),
    (["a", "b"], f"hvctl: cell dtb: wrong number of arguments (usage: {DTB_USAGE})\n"),
    (["linux", "--config", "x.cell"], "hvctl: cell dtb: a cell NAME or --config FILE, not both\n"),
    (["linux", "-o"], "hvctl: cell dtb: -o needs an argument\n"),
    (["linux", "-o", "a", "-o", "b"], "hvctl: cell dtb: -o given twice\n"),
    (["linux", "--bootarg", "x"], "hvctl: cell dtb: unknown option '--bootarg'\n"),
    (["x" * 32], "hvctl: cell dtb: cell name '" + "x" * 32 +
     "' is 32 characters long, at most 31 are allowed\n"),
])
def test_cell_dtb_command_line(hvctl, tmp_path, args, message):
    p = run(hvctl, "cell", "dtb", *args, env={"BH_SYSFS": tmp_path / "no"})
    assert (p.returncode, p.stdout) == (2, b"")
    assert p.stderr.startswith(message + "usage: hvctl COMMAND")


# ---------------------------------------------------------------- configs from the driver

def fake_sysfs(root, cells, enabled="1"):
    """/sys/devices/bulkhead with cells/NAME/config holding the given bytes (None: no file)."""
    root.mkdir(parents=True)
    (root / "enabled").write_text(enabled + "\n")
    for name, config in cells.items():
        d = root / "cells" / name
        d.mkdir(parents=True)
        if config is not None:
            (d / "config").write_bytes(config)
    return root


def driver_cells(cell=None):
    return {"root": system_config().pack(), "linux": (cell or linux_cell()).pack()}


def test_dtb_of_a_created_cell_reads_its_configs_from_the_driver(hvctl, tmp_path):
    files = Files(tmp_path)
    make_dtb(hvctl, files)
    sysfs = fake_sysfs(tmp_path / "sys", driver_cells())
    p = run(hvctl, "cell", "dtb", "linux", "--root-dtb", files.root, env={"BH_SYSFS": sysfs})
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == (tmp_path / "cell.dtb").read_bytes()


@pytest.mark.parametrize("name, cells, enabled, message", [
    ("root", None, "1", "hvctl: cell dtb: 'root' is the root cell\n"),
    ("other", None, "1", "hvctl: cell dtb: no cell 'other'\n"),
    ("linux", None, "0", "hvctl: cell dtb: hypervisor not enabled\n"),
    ("linux", {"root": system_config().pack(), "linux": b"BHCELL"}, "1",
     "hvctl: cell dtb: {sysfs}/cells/linux/config: cell config: truncated: file is 6 bytes, "
     "the header alone is 288\n"),
    ("linux", {"root": None, "linux": linux_cell().pack()}, "1",
     "hvctl: cell dtb: {sysfs}/cells/root/config is missing: is "
     "/lib/modules/bulkhead/bulkhead.ko older than hvctl?\n"),
    ("linux", {"linux": linux_cell().pack()}, "1",
     "hvctl: cell dtb: no cell in {sysfs}/cells shows the system config\n"),
])
def test_dtb_driver_errors(hvctl, tmp_path, name, cells, enabled, message):
    files = Files(tmp_path)
    sysfs = fake_sysfs(tmp_path / "sys", cells or driver_cells(), enabled)
    p = run(hvctl, "cell", "dtb", name, "--root-dtb", files.root, env={"BH_SYSFS": sysfs})
    assert (p.returncode, p.stdout) == (1, b"")
    assert p.stderr == message.format(sysfs=sysfs)


# ---------------------------------------------------------------- cell load: Linux Image

def linux_image(text_offset=0, image_size=0x10000, payload=b"\x13\x00\x00\x00" * 64, *,
                magic=b"RISCV\0\0\0", magic2=b"RSC\x05", flags=0):
    """A RISC-V Linux Image header (Documentation/riscv/boot-image-header.rst) and a body."""
    header = bytearray(64)
    header[0:4] = b"MZo\x10"  # what the kernel's first instruction looks like
    struct.pack_into("<QQQI", header, 8, text_offset, image_size, flags, 0x2)
    header[48:56] = magic
    header[56:60] = magic2
    return bytes(header) + payload


class Board:
    """The shim driver, a fake sysfs showing the cells' configs, and the root's tree."""

    def __init__(self, tmp_path, cell=None):
        self.dir = tmp_path
        self.files = Files(tmp_path, cell=cell)
        dev = tmp_path / "bulkhead-dev"
        dev.write_bytes(b"")
        sysfs = fake_sysfs(tmp_path / "sys", driver_cells(cell))
        self.env = {"BH_DEVICE": dev, "BH_SYSFS": sysfs, "BH_FDT": self.files.root,
                    "SHIM_LOG": tmp_path / "shim.log", "SHIM_CONFIG": tmp_path / "passed.cell",
                    "SHIM_LOADS": tmp_path, "SHIM_CONSOLE": tmp_path / "console",
                    "SHIM_RING": "4096"}

    def load(self, hvctl, shim, *args, name="linux"):
        return run(hvctl, "cell", "load", name, *args, env=self.env, preload=shim)

    def loads(self):
        """[(log line, bytes passed)] of the cell_load calls, in order."""
        log = self.dir / "shim.log"
        calls = log.read_text().splitlines() if log.exists() else []
        return [(c, (self.dir / f"load{i}.bin").read_bytes()) for i, c in enumerate(calls)]


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_image_goes_to_ram_start_plus_text_offset(hvctl, shim, tmp_path):
    board = Board(tmp_path)
    image = linux_image(text_offset=0)
    p = board.load(hvctl, shim, write(tmp_path, "Image", image))
    assert (p.returncode, p.stdout, p.stderr) == (0, b"", "")
    assert board.loads() == [(f"cell_load linux 0x80000000 {len(image)} 512", image)]


def test_image_with_a_2_mib_text_offset(hvctl, shim, tmp_path):
    board = Board(tmp_path, cell=linux_cell(entry=CELL_RAM + 0x200000))
    image = linux_image(text_offset=0x200000, image_size=0x439000)
    p = board.load(hvctl, shim, write(tmp_path, "Image", image))
    assert (p.returncode, p.stderr) == (0, "")
    assert board.loads() == [(f"cell_load linux 0x80200000 {len(image)} 512", image)]


@pytest.mark.parametrize("broken", [{"magic": b"RISCV\0\0\1"}, {"magic2": b"RSC\x06"},
                                    {"magic": b"riscv\0\0\0"}])
def test_image_without_both_magics_is_a_raw_image(hvctl, shim, tmp_path, broken):
    board = Board(tmp_path)
    # A text_offset that would be refused: the header must not be read at all.
    image = linux_image(text_offset=0x200000, **broken)
    p = board.load(hvctl, shim, write(tmp_path, "Image", image))
    assert (p.returncode, p.stderr) == (0, "")
    assert board.loads() == [(f"cell_load linux {LOAD_AT_ENTRY:#x} {len(image)} 512", image)]


def test_image_text_offset_must_land_on_the_entry(hvctl, shim, tmp_path):
    board = Board(tmp_path)
    img = write(tmp_path, "Image", linux_image(text_offset=0x200000))
    p = board.load(hvctl, shim, img)
    assert (p.returncode, p.stdout) == (1, b"")
    assert p.stderr == (f"hvctl: cell load: {img}: a Linux Image runs at the start of its RAM "
                        "+ text_offset, 0x80000000 + 0x200000 = 0x80200000, but cell 'linux' "
                        "enters at 0x80000000\n")
    assert board.loads() == []


@pytest.mark.parametrize("header, message", [
    ({"image_size": CELL_RAM_SIZE + 0x1000},
     "Linux Image of image_size 0x4001000 at 0x80000000 runs past the end of RAM region "
     "[0x80000000..0x84000000) of cell 'linux'"),
    ({"image_size": 0x100}, "Linux Image file of 0x140 bytes is larger than its image_size 0x100"),
    ({"image_size": 0}, "Linux Image header says image_size 0"),
    ({"flags": 1}, "Linux Image for a big-endian kernel (flags 0x1), expected little-endian"),
    ({"text_offset": CELL_RAM_SIZE},
     "Linux Image text_offset 0x4000000 is beyond RAM region [0x80000000..0x84000000) of cell "
     "'linux'"),
])
def test_bad_image_header_is_refused_before_the_device(hvctl, shim, tmp_path, header, message):
    board = Board(tmp_path)
    img = write(tmp_path, "Image", linux_image(**header))
    p = board.load(hvctl, shim, img)
    assert (p.returncode, p.stdout, p.stderr) == (1, b"", f"hvctl: cell load: {img}: {message}\n")
    assert board.loads() == []


def test_image_with_an_address_is_refused(hvctl, shim, tmp_path):
    board = Board(tmp_path)
    img = write(tmp_path, "Image", linux_image())
    p = board.load(hvctl, shim, img, "-a", "0x80000000")
    assert (p.returncode, p.stderr) == (
        1, f"hvctl: cell load: {img} is a Linux Image: -a is for raw images\n")
    assert board.loads() == []


def test_the_boards_kernel_image_needs_the_entry_at_ram_plus_2_mib(hvctl, shim, tmp_path):
    if not KERNEL_IMAGE.exists():
        pytest.skip(f"{KERNEL_IMAGE} not built")
    data = KERNEL_IMAGE.read_bytes()
    assert struct.unpack_from("<Q", data, 8)[0] == 0x200000  # Linux 6.1, 64-bit, S-mode
    board = Board(tmp_path)
    p = board.load(hvctl, shim, KERNEL_IMAGE, "--dtb", "auto")
    assert p.returncode == 1
    assert "0x80000000 + 0x200000 = 0x80200000, but cell 'linux' enters at 0x80000000" in p.stderr
    (tmp_path / "ok").mkdir()
    board = Board(tmp_path / "ok", cell=linux_cell(entry=CELL_RAM + 0x200000))
    p = board.load(hvctl, shim, KERNEL_IMAGE, "--dtb", "auto")
    assert (p.returncode, p.stderr) == (0, "")
    assert [c for c, _ in board.loads()][0] == f"cell_load linux 0x80200000 {len(data)} 512"


# ---------------------------------------------------------------- cell load --dtb

def test_dtb_auto_loads_the_kernel_then_the_cells_tree_at_boot_arg(hvctl, shim, tmp_path):
    board = Board(tmp_path)
    make_dtb(hvctl, board.files, "--bootargs", "console=hvc0 quiet")
    tree = (tmp_path / "cell.dtb").read_bytes()
    image = linux_image()
    p = board.load(hvctl, shim, write(tmp_path, "Image", image), "--dtb", "auto", "--bootargs",
                   "console=hvc0 quiet")
    assert (p.returncode, p.stdout, p.stderr) == (0, b"", "")
    assert board.loads() == [(f"cell_load linux 0x80000000 {len(image)} 512", image),
                             (f"cell_load linux {DTB_ADDR:#x} {len(tree)} 512", tree)]


def test_dtb_file_is_loaded_as_given(hvctl, shim, tmp_path):
    board = Board(tmp_path)
    tree = compile_dts('/dts-v1/;\n/ { model = "mine"; };\n', tmp_path / "mine.dtb")
    raw = b"\x6f\x00\x00\x00" * 100
    p = board.load(hvctl, shim, write(tmp_path, "raw.bin", raw), "--dtb", tree)
    assert (p.returncode, p.stderr) == (0, "")
    data = tree.read_bytes()
    # A raw image with the config at hand goes to the entry, named explicitly.
    assert board.loads() == [(f"cell_load linux 0x80000000 {len(raw)} 512", raw),
                             (f"cell_load linux {DTB_ADDR:#x} {len(data)} 512", data)]


def test_dtb_file_that_is_no_device_tree(hvctl, shim, tmp_path):
    board = Board(tmp_path)
    bad = write(tmp_path, "bad.dtb", b"\0" * 64)
    p = board.load(hvctl, shim, write(tmp_path, "Image", linux_image()), "--dtb", bad)
    assert (p.returncode, p.stderr) == (
        1, f"hvctl: cell load: {bad}: not a flattened device tree (magic 0x00000000, "
           "expected 0xd00dfeed)\n")
    assert board.loads() == []


def test_dtb_for_a_cell_without_boot_dtb(hvctl, shim, tmp_path):
    board = Board(tmp_path, cell=linux_cell(flags=0, boot_arg=0x90000000))
    for dtb in ("auto", board.files.root):
        p = board.load(hvctl, shim, write(tmp_path, "Image", linux_image()), "--dtb", dtb)
        assert (p.returncode, p.stderr) == (
            1, "hvctl: cell load: cell 'linux' does not boot with a device tree (its config "
               "lacks BH_CELL_BOOT_DTB): --dtb is for cells that do\n")
    assert board.loads() == []


def test_dtb_must_stay_clear_of_the_kernels_image_size(hvctl, shim, tmp_path):
    # The file ends below boot_arg, its bss (image_size) does not.
    board = Board(tmp_path, cell=linux_cell(boot_arg=CELL_RAM + 0x100000))
    p = board.load(hvctl, shim, write(tmp_path, "Image", linux_image(image_size=0x200000)),
                   "--dtb", board.files.root)
    size = board.files.root.stat().st_size
    assert (p.returncode, p.stderr) == (
        1, f"hvctl: cell load: device tree [0x80100000..{0x80100000 + size:#x}) at boot_arg "
           "overlaps the image's [0x80000000..0x80200000) in cell 'linux'\n")
    assert board.loads() == []


def test_dtb_must_stay_clear_of_a_raw_image(hvctl, shim, tmp_path):
    board = Board(tmp_path, cell=linux_cell(boot_arg=CELL_RAM + 0x1000))
    p = board.load(hvctl, shim, write(tmp_path, "raw.bin", bytes(0x1008)), "--dtb",
                   board.files.root)
    size = board.files.root.stat().st_size
    assert (p.returncode, p.stderr) == (
        1, f"hvctl: cell load: device tree [0x80001000..{0x80001000 + size:#x}) at boot_arg "
           "overlaps the image's [0x80000000..0x80001008) in cell 'linux'\n")


def test_dtb_must_fit_the_loadable_region(hvctl, shim, tmp_path):
    end = CELL_RAM + CELL_RAM_SIZE
    board = Board(tmp_path, cell=linux_cell(boot_arg=end - 0x100))
    p = board.load(hvctl, shim, write(tmp_path, "Image", linux_image()), "--dtb", "auto")
    assert p.returncode == 1
    assert p.stderr.startswith("hvctl: cell load: device tree of 0x")
    assert p.stderr.endswith(f" bytes at boot_arg {end - 0x100:#x} is not inside a loadable RAM "
                             "region of cell 'linux'\n")
    assert board.loads() == []


@pytest.mark.parametrize("args, message", [
    (["--bootargs", "x"], "hvctl: cell load: --bootargs is for --dtb auto\n"),
    (["--dtb", "f.dtb", "--bootargs", "x"], "hvctl: cell load: --bootargs is for --dtb auto\n"),
    (["--dtb"], "hvctl: cell load: --dtb needs auto or a file\n"),
    (["--dtb", "auto", "--dtb", "auto"], "hvctl: cell load: --dtb given twice\n"),
    (["extra"], f"hvctl: cell load: wrong number of arguments (usage: {LOAD_USAGE})\n"),
])
def test_cell_load_command_line(hvctl, tmp_path, args, message):
    p = run(hvctl, "cell", "load", "linux", "img", *args,
            env={"BH_DEVICE": tmp_path / "nodev", "BH_SYSFS": tmp_path / "no"})
    assert (p.returncode, p.stdout) == (2, b"")
    assert p.stderr.startswith(message + "usage: hvctl COMMAND")


def test_cell_load_too_few_arguments_prints_the_full_usage(hvctl, tmp_path):
    p = run(hvctl, "cell", "load", "linux", env={"BH_DEVICE": tmp_path / "nodev"})
    assert p.returncode == 2
    assert p.stderr.startswith(
        f"hvctl: cell load: wrong number of arguments (usage: {LOAD_USAGE})\n")
