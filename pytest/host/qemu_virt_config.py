"""The QEMU board's generated system config against configs/qemu-virt.c: what must be equal
and the differences docs/porting.md explains. Used by the host test (build/board.dtb) and the
board test (/sys/firmware/fdt)."""
import cellfile as cf

HV_ADDR = 0xBBE00000  # where configs/qemu-virt.c puts the hypervisor: hvctl config create --hv-addr
RW_IO = cf.MEM_READ | cf.MEM_WRITE | cf.MEM_IO

# What only the generated config has: fw-cfg, the flash banks and PCI's ECAM, which the QEMU
# board's tree describes and configs/qemu-virt.c leaves out (the root kernel drives none).
# Where configs/board-links.h puts the links (end of the reserved region).
LINK_AREA, LINK_AREA_SIZE = 0xBFD00000, 0x100000

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
    # The board tree's riscv,ndev counts the doorbells' virtual lines too (scripts/make-dtb.sh):
    # the lines from the lowest one its bulkhead,link-end nodes use on are virtual.
    assert (gen.plic_num_sources, gen.virtual_irqs) == (ref.plic_num_sources, ref.virtual_irqs)
    assert gen.root.irqs() == ref.root.irqs() == list(range(1, 96))
    # The links themselves are the project's plan, not the board's: written by hand.
    assert gen.root.links == [] and ref.root.links
    # Regions: every one of qemu-virt.c's, in address order, and the extra devices.
    key = [(r.phys_start, r.virt_start, r.size, r.flags) for r in gen.root.regions]
    assert key == sorted(key)
    extra = [(s, s, n, RW_IO) for s, n in EXTRA_DEVICES]
    # The last cell pool runs to the end of the reserved region; qemu-virt.c keeps that region's
    # last MiB for the links' shared memory and the root's doorbell page (configs/board-links.h).
    expected = []
    for r in ref.root.regions:
        size = r.size
        if r.phys_start + r.size == LINK_AREA and r.flags & cf.MEM_LOADABLE:
            size += LINK_AREA_SIZE
        expected.append((r.phys_start, r.virt_start, size, r.flags))
    assert sorted(key) == sorted(expected + extra)
