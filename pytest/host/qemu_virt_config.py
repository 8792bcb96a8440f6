"""The QEMU board's generated system config against configs/qemu-virt.c: what must be equal
and the differences docs/porting.md explains. Used by the host test (build/board.dtb) and the
board test (/sys/firmware/fdt)."""
import cellfile as cf

HV_ADDR = 0xBBE00000  # where configs/qemu-virt.c puts the hypervisor: hvctl config create --hv-addr
RW_IO = cf.MEM_READ | cf.MEM_WRITE | cf.MEM_IO

# What only the generated config has: fw-cfg, the flash banks and PCI's ECAM, which the QEMU
# board's tree describes and configs/qemu-virt.c leaves out (the root kernel drives none).
EXTRA_DEVICES = [(0x10100000, 0x1000), (0x20000000, 0x4000000), (0x30000000, 0x10000000)]


def check_against_qemu_virt(data, ref_data):
    """The generated system config equals configs/qemu-virt.c's but for the documented
    differences."""
    gen, ref = cf.System.unpack(data), cf.System.unpack(ref_data)
    for field in ("signature", "revision", "architecture", "flags", "hv_phys_start", "hv_size",
                  "debug_console", "plic_base", "plic_size", "timebase_frequency",
                  "hart_plic_context", "reserved1"):
        assert getattr(gen, field) == getattr(ref, field), field
    for field in ("signature", "revision", "flags", "name", "cpu_set", "entry", "boot_arg",
                  "console"):
        assert getattr(gen.root, field) == getattr(ref.root, field), field
    # The difference: QEMU 7.2's riscv,ndev says 96 lines (97 sources), its PLIC has 95.
    assert (gen.plic_num_sources, ref.plic_num_sources) == (97, 96)
    assert gen.root.irqs() == list(range(1, 97)) and ref.root.irqs() == list(range(1, 96))
    # Regions: every one of qemu-virt.c's, in address order, and the extra devices.
    key = [(r.phys_start, r.virt_start, r.size, r.flags) for r in gen.root.regions]
    assert key == sorted(key)
    extra = [(s, s, n, RW_IO) for s, n in EXTRA_DEVICES]
    assert sorted(key) == sorted([(r.phys_start, r.virt_start, r.size, r.flags)
                                  for r in ref.root.regions] + extra)
