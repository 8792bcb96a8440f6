"""The physical PLIC driver (hypervisor/core/irq/plic.c) against a spec-compliant model PLIC
(pytest/host/support/plic_hw.c): claim and complete, the complete of a line the completing
context no longer enables (issue 7, item 4), the physical routing of a line that changes owner
(issue 7, item 5), and the take-over from Linux and the give-back round trip.

The machine (support/plic_testenv.c): harts 0..n-1, S-mode context 2h+1; cells with a vPLIC whose
hooks complete and route through the irqchip, as the image's do."""
import ctypes

import pytest

LINE = 5
PRIO = 1


@pytest.fixture()
def env(core):
    u64, uint, vp, b = ctypes.c_uint64, ctypes.c_uint, ctypes.c_void_p, ctypes.c_bool
    sigs = {
        "plic_env_setup": (None, [uint, uint]),
        "plic_env_teardown": (None, []),
        "plic_env_cell": (vp, [uint, u64, u64]),
        "plic_env_vplic": (vp, [vp]),
        "plic_env_asserted": (b, [uint]),
        "plic_env_take_over": (None, [vp]),
        "plic_env_give_back": (None, [vp]),
        "plic_env_handle_irq": (None, [uint]),
        "plic_hw_base": (u64, []),
        "plic_hw_set_level": (None, [uint, b]),
        "plic_hw_enabled": (b, [uint, uint]),
        "plic_hw_claimed": (b, [uint]),
        "plic_hw_pending": (b, [uint]),
        "plic_hw_priority": (ctypes.c_uint32, [uint]),
        "plic_hw_threshold": (ctypes.c_uint32, [uint]),
        "plic_hw_ignored_completes": (ctypes.c_ulong, []),
        "host_mmio_read32": (ctypes.c_uint32, [u64]),
        "host_mmio_write32": (None, [u64, ctypes.c_uint32]),
        "host_last_message": (ctypes.c_char_p, []),
        "irq_line_transfer": (None, [uint, vp]),
        "irq_line_owner": (vp, [uint]),
        "vplic_claim": (uint, [vp, uint]),
        "vplic_complete": (b, [vp, uint, ctypes.c_uint32]),
        "vplic_write_enable": (ctypes.c_int, [vp, uint, uint, ctypes.c_uint32, vp]),
        "vplic_read_enable": (ctypes.c_uint32, [vp, uint, uint]),
        "vplic_write_priority": (ctypes.c_int, [vp, uint, ctypes.c_uint32, vp]),
        "vplic_line_priority": (uint, [vp, uint]),
        "vplic_write_threshold": (ctypes.c_int, [vp, uint, ctypes.c_uint32]),
        "vplic_mmio_read": (ctypes.c_int, [vp, u64, uint, ctypes.POINTER(ctypes.c_uint32)]),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(core, name)
        fn.restype, fn.argtypes = restype, argtypes
    core.plic_env_setup(4, 64)
    yield core
    core.plic_env_teardown()


def ctx(hart):
    return 2 * hart + 1


def linux_programs(lib, line, priority, harts, threshold=None):
    """What Linux's PLIC driver leaves in the PLIC before enable: priority, enables, thresholds."""
    base = lib.plic_hw_base()
    lib.host_mmio_write32(base + 4 * line, priority)
    for h in harts:
        addr = base + 0x2000 + 0x80 * ctx(h) + 4 * (line // 32)
        lib.host_mmio_write32(addr, lib.host_mmio_read32(addr) | (1 << (line % 32)))
    for h, t in (threshold or {}).items():
        lib.host_mmio_write32(base + 0x200000 + 0x1000 * ctx(h), t)


def enable(lib, cell, context, line, on=True):
    vp = lib.plic_env_vplic(cell)
    word = lib.vplic_read_enable(vp, context, line // 32)
    bit = 1 << (line % 32)
    assert lib.vplic_write_enable(vp, context, line // 32, word | bit if on else word & ~bit,
                                  None) == 0


def physical_enables(lib, line, harts=4):
    return [h for h in range(harts) if lib.plic_hw_enabled(ctx(h), line)]


def root_with_line(lib, harts=(0, 1, 2, 3), enabled_on=(0,)):
    linux_programs(lib, LINE, PRIO, enabled_on)
    root = lib.plic_env_cell(0, sum(1 << h for h in harts), 1 << LINE)
    lib.plic_env_take_over(root)
    return root


def test_take_over_moves_linux_programming_into_the_root(env):
    linux_programs(env, LINE, 3, [0, 2], threshold={0: 2, 1: 1})
    linux_programs(env, 9, 0, [1])
    root = env.plic_env_cell(0, 0b1111, (1 << LINE) | (1 << 9))
    env.plic_env_take_over(root)
    vp = env.plic_env_vplic(root)
    assert env.irq_line_owner(LINE) == root and env.irq_line_owner(9) == root
    assert env.vplic_line_priority(vp, LINE) == 3
    assert [h for h in range(4) if env.vplic_read_enable(vp, ctx(h), 0) & (1 << LINE)] == [0, 2]
    assert [h for h in range(4) if env.vplic_read_enable(vp, ctx(h), 0) & (1 << 9)] == [1]
    value = ctypes.c_uint32()
    assert env.vplic_mmio_read(vp, 0x200000 + 0x1000 * ctx(0), 4, ctypes.byref(value)) == 0
    assert value.value == 2
    # The physical PLIC routes as before; the thresholds became the vPLIC's.
    assert physical_enables(env, LINE) == [0, 2] and physical_enables(env, 9) == [1]
    assert env.plic_hw_priority(LINE) == 3
    assert [env.plic_hw_threshold(ctx(h)) for h in range(4)] == [0, 0, 0, 0]


def test_take_over_give_back_round_trip(env):
    linux_programs(env, LINE, 3, [0, 2], threshold={0: 2, 3: 5})
    root = env.plic_env_cell(0, 0b1111, 1 << LINE)
    env.plic_env_take_over(root)
    vp = env.plic_env_vplic(root)
    # Linux, now a guest, moves the line to hart 1 and raises hart 3's threshold.
    enable(env, root, ctx(0), LINE, False)
    enable(env, root, ctx(2), LINE, False)
    enable(env, root, ctx(1), LINE)
    assert env.vplic_write_threshold(vp, ctx(3), 6) == 0
    # A line the hypervisor claimed for the root that the guest never claimed back.
    env.plic_hw_set_level(LINE, True)
    env.plic_env_handle_irq(1)
    assert env.plic_hw_claimed(LINE)
    env.plic_env_give_back(root)
    assert env.irq_line_owner(LINE) is None
    assert physical_enables(env, LINE) == [1]
    assert env.plic_hw_priority(LINE) == 3
    assert [env.plic_hw_threshold(ctx(h)) for h in range(4)] == [2, 0, 0, 6]
    # Given back completed: Linux finds the line pending again, not stuck in service.
    assert not env.plic_hw_claimed(LINE) and env.plic_hw_pending(LINE)


def test_interrupt_claimed_at_hs_is_pending_in_the_owner_and_completed_physically(env):
    root = root_with_line(env, enabled_on=(2,))
    vp = env.plic_env_vplic(root)
    env.plic_hw_set_level(LINE, True)
    env.plic_env_handle_irq(2)
    assert env.plic_hw_claimed(LINE) and not env.plic_hw_pending(LINE)
    assert env.plic_env_asserted(ctx(2))
    assert env.vplic_claim(vp, ctx(2)) == LINE
    env.plic_hw_set_level(LINE, False)
    assert env.vplic_complete(vp, ctx(2), LINE)
    assert not env.plic_hw_claimed(LINE) and not env.plic_hw_pending(LINE)
    assert env.plic_hw_ignored_completes() == 0
    assert physical_enables(env, LINE) == [2]


def test_unowned_line_is_completed_and_masked(env):
    linux_programs(env, 7, 2, [0])
    env.plic_env_take_over(env.plic_env_cell(0, 0b1111, 1 << LINE))
    env.plic_hw_set_level(7, True)
    env.plic_env_handle_irq(0)
    assert env.plic_hw_priority(7) == 0 and not env.plic_hw_claimed(7)
    assert env.host_last_message() == b"bulkhead: interrupt of unowned line 7 masked\n"


def test_complete_after_the_guest_disabled_the_claiming_context(env):
    """Issue 7, item 4: the hypervisor claimed the line on hart 0's context; the guest claims it
    on hart 1's, disables it on hart 0's and completes. The physical complete goes to hart 0's
    context, which no longer enables the line: a PLIC ignores that, so the driver enables it
    around the complete, and the line is not left claimed for good."""
    root = root_with_line(env, enabled_on=(0, 1))
    vp = env.plic_env_vplic(root)
    env.plic_hw_set_level(LINE, True)
    env.plic_env_handle_irq(0)
    assert env.vplic_claim(vp, ctx(1)) == LINE
    enable(env, root, ctx(0), LINE, False)
    assert physical_enables(env, LINE) == [1]
    env.plic_hw_set_level(LINE, False)
    assert env.vplic_complete(vp, ctx(1), LINE)
    assert env.plic_hw_ignored_completes() == 0
    assert not env.plic_hw_claimed(LINE)
    # The enable is as the guest left it, and the line fires again on hart 1.
    assert physical_enables(env, LINE) == [1]
    env.plic_hw_set_level(LINE, True)
    env.plic_env_handle_irq(1)
    assert env.vplic_claim(vp, ctx(1)) == LINE


def test_line_taken_away_in_service_is_completed_where_it_was_claimed(env):
    """Item 4 by another road: a cell's line, claimed on its hart and in service, goes back to
    the root; routing it for the root cleared the cell hart's enable before the old owner's
    in-service claim is completed there."""
    root = root_with_line(env, harts=(0,), enabled_on=(0,))
    cell = env.plic_env_cell(1, 0b10, 1 << LINE)
    env.irq_line_transfer(LINE, cell)
    enable(env, cell, ctx(1), LINE)
    assert env.vplic_write_priority(env.plic_env_vplic(cell), LINE, 1, None) == 0
    env.plic_hw_set_level(LINE, True)
    env.plic_env_handle_irq(1)
    assert env.vplic_claim(env.plic_env_vplic(cell), ctx(1)) == LINE
    env.plic_hw_set_level(LINE, False)
    env.irq_line_transfer(LINE, root)
    assert env.plic_hw_ignored_completes() == 0
    assert not env.plic_hw_claimed(LINE)
    assert physical_enables(env, LINE) == []


def test_transfer_reroutes_the_physical_enables(env):
    """Issue 7, item 5: root -> cell -> root. The root had the line enabled on hart 0; once the
    line is the cell's, only the cell's enables count (none yet), so hart 0 stops taking it;
    the cell enables it on its hart 1; given back, the cell's enable goes and the root starts
    from a clear line."""
    root = root_with_line(env, harts=(0,), enabled_on=(0,))
    cell = env.plic_env_cell(1, 0b10, 1 << LINE)
    assert physical_enables(env, LINE) == [0]
    env.irq_line_transfer(LINE, cell)
    assert env.irq_line_owner(LINE) == cell
    assert physical_enables(env, LINE) == []
    env.plic_hw_set_level(LINE, True)
    env.plic_env_handle_irq(0)
    assert env.plic_hw_pending(LINE) and not env.plic_hw_claimed(LINE)
    enable(env, cell, ctx(1), LINE)
    assert physical_enables(env, LINE) == [1]
    env.irq_line_transfer(LINE, root)
    assert env.irq_line_owner(LINE) == root
    assert physical_enables(env, LINE) == []
    enable(env, root, ctx(0), LINE)
    assert physical_enables(env, LINE) == [0]


def test_a_cell_never_routes_to_harts_it_does_not_have(env):
    root = root_with_line(env, harts=(0, 1), enabled_on=())
    vp = env.plic_env_vplic(root)
    # Context 5 (hart 2) is not the root's here: the vPLIC refuses it, the PLIC never sees it.
    assert env.vplic_write_enable(vp, ctx(2), 0, 1 << LINE, None) == -1
    enable(env, root, ctx(1), LINE)
    assert physical_enables(env, LINE) == [1]


def test_virtual_lines_never_reach_the_physical_plic(env):
    """Doorbell lines (docs/shared-memory.md) live above the PLIC's sources, in the vPLICs only:
    enabling, raising, claiming and completing one writes nothing to the PLIC."""
    u, vp, b = ctypes.c_uint, ctypes.c_void_p, ctypes.c_bool
    for name, restype, argtypes in (("vplic_acquire_line", ctypes.c_int, [vp, u, b]),
                                    ("vplic_set_pending", ctypes.c_int, [vp, u]),
                                    ("plic_hw_writes", ctypes.c_ulong, [])):
        fn = getattr(env, name)
        fn.restype, fn.argtypes = restype, argtypes
    env.plic_env_setup(4, 40)  # the PLIC has lines 1..39; the cells' vPLICs 64: 40..63 virtual
    cell = env.plic_env_cell(1, 0b1, 0)
    v = env.plic_env_vplic(cell)
    assert env.vplic_acquire_line(v, 50, False) == 0
    writes = env.plic_hw_writes()
    assert env.vplic_write_priority(v, 50, PRIO, None) == 0
    assert env.vplic_write_enable(v, ctx(0), 50 // 32, 1 << (50 % 32), None) == 0
    assert env.vplic_set_pending(v, 50) == 0
    assert env.vplic_claim(v, ctx(0)) == 50
    assert env.vplic_complete(v, ctx(0), 50)
    assert env.plic_hw_writes() == writes
