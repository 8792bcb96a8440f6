"""Link ends in configs (docs/shared-memory.md, docs/config-format.md): the
validator's rules for shared memory and doorbells, each refused with its
message, and the board's links accepted."""
import pytest

from test_config import (ECONFLICT, EINVAL, ESIZE, RW, _cells, board_dtb,  # noqa: F401
                         check_against, check_cell, check_fits, check_system, cf, placed_cell,
                         other_cell, v, sysconf, system_bytes)

SHMEM = 0xbfd80000  # in the board's links area, not used by its own links
LINE = 96  # the first virtual line of the board


def end(link=7, end_id=1, peers=1, line=LINE, phys=SHMEM, virt=0x90000000, size=0x10000,
        flags=RW, doorbell=0x90100000, reserved=0):
    return cf.LinkEnd(link, end_id, peers, line, phys, virt, size, flags, doorbell, reserved)


def linked(name="demo", harts=(3,), irqs=(8,), **kw):
    cell = placed_cell(name, harts, irqs) if name == "demo" else other_cell(name, harts, irqs)
    cell.links = [end(**kw)]
    return cell


def test_board_links_are_accepted(v, sysconf, system_bytes):
    assert sysconf.virtual_irqs == 16
    assert [(e.link_id, e.end_id, e.peers, e.irq_line) for e in sysconf.root.links] == \
        [(1, 0, 0b10, 96)]
    assert check_system(v, system_bytes) == (0, "")
    cell = linked()
    assert check_cell(v, cell.pack()) == (0, "")
    assert check_fits(v, system_bytes, cell.pack()) == (0, "")
    # Two ends of one link agree on the shared memory; each its own end id.
    peer = linked("peer", (2,), (9,), end_id=0, peers=0b10)
    assert check_against(v, cell, [peer], sysconf.root) == (0, "")


def test_link_count_and_length(v):
    cell = linked()
    data = cell.pack()
    assert len(data) == 288 + 2 * 32 + 64
    assert check_cell(v, data[:-1]) == (
        ESIZE, f"cell config: truncated: file is {len(data) - 1} bytes, header says {len(data)}")
    cell.links = [end(link=i, line=LINE + i, virt=0x90000000 + 0x10000 * i,
                      doorbell=0x91000000 + 0x1000 * i) for i in range(17)]
    assert check_cell(v, cell.pack()) == (EINVAL, "cell config: 17 link ends (at most 16)")
    cell.links.pop()
    assert check_cell(v, cell.pack()) == (0, "")


CELL_REJECTS = {
    "reserved": ({"reserved": 1}, EINVAL, "link end 0: reserved is 0x1, must be 0"),
    "end id": ({"end_id": 32}, EINVAL, "link end 0: end id 32 out of range (0..31)"),
    "no peer": ({"peers": 0}, EINVAL, "link end 0: no peer to ring"),
    "itself": ({"peers": 0b11}, EINVAL, "link end 0: end 1 names itself as a peer"),
    "write only": ({"flags": cf.MEM_WRITE}, EINVAL,
                   "link end 0: shared memory flags 0x2 (READ, optionally WRITE)"),
    "executable": ({"flags": RW | cf.MEM_EXECUTE}, EINVAL,
                   "link end 0: shared memory flags 0x7 (READ, optionally WRITE)"),
    "empty": ({"size": 0}, EINVAL, "link end 0: shared memory 0xbfd80000 -> 0x90000000 + 0x0 "
              "is empty or not 4 KiB aligned"),
    "misaligned": ({"phys": SHMEM + 0x800}, EINVAL, "link end 0: shared memory 0xbfd80800 -> "
                   "0x90000000 + 0x10000 is empty or not 4 KiB aligned"),
    "wraps": ({"virt": 0xfffffffffffff000}, EINVAL, "link end 0: shared memory wraps past 2^64"),
    "doorbell misaligned": ({"doorbell": 0x90100004}, EINVAL,
                            "link end 0: doorbell page 0x90100004 is not a 4 KiB page"),
    "shmem in own RAM": ({"phys": 0xbce00000}, ECONFLICT,
                         "link end 0: shared memory [0xbce00000..0xbce10000) overlaps the cell's "
                         "memory region 0 [0xbce00000..0xbcf00000)"),
    "shmem over RAM": ({"virt": 0x800f0000}, ECONFLICT,
                       "link end 0: shared memory guest-physical [0x800f0000..0x80100000) "
                       "overlaps memory region 0"),
    "doorbell in RAM": ({"doorbell": 0x80000000}, ECONFLICT,
                        "link end 0: doorbell page 0x80000000 overlaps memory region 0"),
    "doorbell on boot info": ({"doorbell": 0x7ffff000}, ECONFLICT,
                              "link end 0: doorbell page 0x7ffff000 is the boot info page"),
    "doorbell in shmem": ({"doorbell": 0x90001000}, ECONFLICT,
                          "link end 0: doorbell page 0x90001000 lies in its shared memory"),
}


@pytest.mark.parametrize("case", CELL_REJECTS)
def test_link_end_rejected(v, case):
    kw, code, message = CELL_REJECTS[case]
    cell = linked(**kw)
    assert check_cell(v, cell.pack()) == (code, "cell 'demo': " + message)


def test_two_ends_of_one_cell(v):
    cell = linked()
    cell.links.append(end(link=7, line=LINE + 1, virt=0x90010000, doorbell=0x90101000))
    assert check_cell(v, cell.pack()) == (
        ECONFLICT, "cell 'demo': link ends 0 and 1 are both on link 7 (one end per cell)")
    cell.links[1] = end(link=8, virt=0x90010000, doorbell=0x90101000)
    assert check_cell(v, cell.pack()) == (ECONFLICT, "cell 'demo': link ends 0 and 1 share line 96")
    cell.links[1] = end(link=8, line=LINE + 1, virt=0x90008000, doorbell=0x90101000)
    assert check_cell(v, cell.pack()) == (
        ECONFLICT, "cell 'demo': link end 1: shared memory or doorbell overlaps link end 0's "
        "shared memory")
    cell.links[1] = end(link=8, line=LINE + 1, virt=0x90010000, doorbell=0x90100000)
    assert check_cell(v, cell.pack()) == (
        ECONFLICT, "cell 'demo': link end 1: doorbell page 0x90100000 collides with link end 0")
    cell.links[1] = end(link=8, line=LINE + 1, phys=SHMEM + 0x10000, virt=0x90010000,
                        doorbell=0x90101000)
    assert check_cell(v, cell.pack()) == (0, "")


FITS_REJECTS = {
    # A physical device's line, or beyond the reserved ones: never a doorbell line.
    "physical line": ({"line": 10}, EINVAL,
                      "link end 0: line 10 is not a virtual line (the system reserves 96..111)"),
    "past the reserved": ({"line": 112}, EINVAL,
                          "link end 0: line 112 is not a virtual line (the system reserves "
                          "96..111)"),
    "root RAM": ({"phys": 0x80400000}, ECONFLICT,
                 "link end 0: shared memory [0x80400000..0x80410000) overlaps root memory region "
                 "4 [0x80080000..0xb7e00000) (shared memory is nobody's private memory)"),
    "the cell pool": ({"phys": 0xbd000000}, ECONFLICT,
                      "link end 0: shared memory [0xbd000000..0xbd010000) overlaps root memory "
                      "region 5 [0xbce00000..0xbfd00000) (shared memory is nobody's private "
                      "memory)"),
    "hypervisor memory": ({"phys": 0xbc000000}, ECONFLICT,
                          "link end 0: shared memory [0xbc000000..0xbc010000) overlaps "
                          "hypervisor memory [0xbbe00000..0xbce00000)"),
    "PLIC": ({"doorbell": 0x0c000000}, ECONFLICT,
             "link end 0: shared memory or doorbell page in the PLIC window "
             "[0xc000000..0xc600000)"),
}


@pytest.mark.parametrize("case", FITS_REJECTS)
def test_link_end_does_not_fit(v, system_bytes, case):
    kw, code, message = FITS_REJECTS[case]
    cell = linked(**kw)
    assert check_cell(v, cell.pack()) == (0, "")
    assert check_fits(v, system_bytes, cell.pack()) == (code, "cell 'demo': " + message)


def test_no_virtual_lines_no_links(v, sysconf):
    sysconf.virtual_irqs = 0
    sysconf.root.links = []
    data = sysconf.pack()
    assert check_system(v, data) == (0, "")
    assert check_fits(v, data, linked().pack()) == (
        EINVAL, "cell 'demo': link end 0: line 96 is not a virtual line (the system reserves "
        "96..95)")


def test_root_link_rules(v, sysconf):
    e = sysconf.root.links[0]
    e.shmem_virt = e.shmem_phys + 0x10000
    assert check_system(v, sysconf.pack()) == (
        EINVAL, "root cell 'root': link end 0: shared memory virt 0xbfd10000 differs from phys "
        "0xbfd00000 (the root cell is identity-mapped)")
    e.shmem_virt = e.shmem_phys
    e.doorbell = 0x80200000
    assert check_system(v, sysconf.pack()) == (
        ECONFLICT, "root cell 'root': link end 0: doorbell page 0x80200000 overlaps memory "
        "region 4")
    e.doorbell = 0xbfdf0000
    e.irq_line = 95
    assert check_system(v, sysconf.pack()) == (
        EINVAL, "root cell 'root': link end 0: line 95 is not a virtual line (the system "
        "reserves 96..111)")


def test_ends_of_a_link_beside_each_other(v, sysconf):
    cell = linked()
    # The root's end of link 1 is end 0: a second end 0 is refused, end 1 is fine.
    cell.links = [end(link=1, end_id=0, peers=2, phys=0xbfd00000)]
    assert check_against(v, cell, [], sysconf.root) == (
        ECONFLICT, "cell 'demo': link end 0: end 0 of link 1 belongs to cell 'root'")
    cell.links = [end(link=1, end_id=1, phys=0xbfd00000)]
    assert check_against(v, cell, [], sysconf.root) == (0, "")
    # Ends of one link agree on the region.
    cell.links = [end(link=1, end_id=1, phys=0xbfd00000, size=0x20000)]
    assert check_against(v, cell, [], sysconf.root) == (
        ECONFLICT, "cell 'demo': link end 0: link 1's shared memory is [0xbfd00000..0xbfd10000) "
        "in cell 'root', not [0xbfd00000..0xbfd20000)")
    cell.links = [end(link=1, end_id=1, phys=0xbfd10000)]
    assert check_against(v, cell, [], sysconf.root) == (
        ECONFLICT, "cell 'demo': link end 0: link 1's shared memory is [0xbfd00000..0xbfd10000) "
        "in cell 'root', not [0xbfd10000..0xbfd20000)")
    # Another link may not use the same memory.
    cell.links = [end(link=5, phys=0xbfd08000)]
    assert check_against(v, cell, [], sysconf.root) == (
        ECONFLICT, "cell 'demo': link end 0: shared memory [0xbfd08000..0xbfd18000) of link 5 "
        "overlaps link 1's [0xbfd00000..0xbfd10000) of cell 'root'")
    # Between two cells the same.
    other = linked("other", (2,), (9,), end_id=1, link=9, phys=SHMEM)
    cell.links = [end(link=9, end_id=1, peers=1, phys=SHMEM)]
    assert check_against(v, cell, [other], sysconf.root) == (
        ECONFLICT, "cell 'demo': link end 0: end 1 of link 9 belongs to cell 'other'")
    cell.links = [end(link=9, end_id=0, peers=2, phys=SHMEM)]
    assert check_against(v, cell, [other], sysconf.root) == (0, "")


def test_board_dtb_carries_the_root_links(sysconf, board_dtb):
    """The root's PLIC driver handles the virtual lines; one UIO node per root link end."""
    fdt = board_dtb
    plic = fdt.path_offset("/soc/plic@c000000")
    assert _cells(fdt.getprop(plic, "riscv,ndev")) == [
        sysconf.plic_num_sources - 1 + sysconf.virtual_irqs]
    for e in sysconf.root.links:
        node = fdt.path_offset(f"/soc/bulkhead-link{e.link_id}@{e.shmem_phys:x}")
        assert fdt.getprop(node, "compatible").as_str() == "bulkhead,link-end"
        hi_lo = _cells(fdt.getprop(node, "reg"))
        regs = [(hi_lo[i] << 32 | hi_lo[i + 1], hi_lo[i + 2] << 32 | hi_lo[i + 3])
                for i in range(0, len(hi_lo), 4)]
        assert regs == [(e.shmem_phys, e.shmem_size), (e.doorbell, 0x1000)]
        assert _cells(fdt.getprop(node, "interrupts")) == [e.irq_line]
        assert _cells(fdt.getprop(node, "interrupt-parent")) == [fdt.get_phandle(plic)]
