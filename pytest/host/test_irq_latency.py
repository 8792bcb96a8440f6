"""Interrupt latency per cell and line (hypervisor/core/irq/irq_latency.c, issue 13): the time
CSR when the interrupt reaches the hypervisor (plic.c), when the guest's claim returns it and when
it completes it (vplic_window.c), kept as log2 histograms and maxima; copied out by the
BH_HC_CELL_LATENCY hypercall (control.c). The clock is the host library's host_time_now."""
import ctypes
import struct

import pytest

import cellfile as cf
from test_control import INVALID_ADDRESS, INVALID_PARAM, OK, STATUS_AT, board, hv  # noqa: F401
from test_plic import env as plic_env  # noqa: F401

LINE = 5
CLAIM = 0x200004  # claim/complete of context 0, plus 0x1000 per context
BUCKETS = 32
HEADER = struct.Struct("<QIII4x")
LINE_FMT = struct.Struct(f"<II4Q{BUCKETS}I{BUCKETS}I")
RESET = 1


@pytest.fixture()
def env(plic_env):
    """test_plic.py's machine, with the latency table's calls."""
    vp, u64 = ctypes.c_void_p, ctypes.c_uint64
    for name, restype, argtypes in (
            ("plic_env_latency", vp, [vp]), ("plic_env_desc", vp, [vp]),
            ("irq_latency_report", ctypes.c_int, [vp, vp, u64, ctypes.c_uint32, vp, u64]),
            ("irq_latency_reset", None, [vp])):
        fn = getattr(plic_env, name)
        fn.restype, fn.argtypes = restype, argtypes
    return plic_env


class Cell:
    """The root of the PLIC test machine on harts 0..3 owning lines 3..7, LINE enabled on hart
    2's context; the guest's PLIC window is the cell's registered MMIO window (vplic_mmio_ops)."""

    READ = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint,
                            ctypes.POINTER(ctypes.c_uint64))
    WRITE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint,
                             ctypes.c_uint64)

    def __init__(self, core):
        self.core = core
        self.cell = core.plic_env_cell(0, 0b1111, 0b11111000)
        core.plic_env_take_over(self.cell)
        vp = core.plic_env_vplic(self.cell)
        for line in range(3, 8):
            assert core.vplic_write_priority(vp, line, 1, None) == 0
        assert core.vplic_write_enable(vp, 5, 0, 0b11111000, None) == 0
        ops = (ctypes.c_void_p * 2).in_dll(core, "vplic_mmio_ops")
        self._read, self._write = self.READ(ops[0]), self.WRITE(ops[1])
        self.time = ctypes.c_uint64.in_dll(core, "host_time_now")

    def at(self, t):
        self.time.value = t
        return self

    def interrupt(self, line=LINE):
        self.core.plic_hw_set_level(line, True)
        self.core.plic_env_handle_irq(2)

    def claim(self):
        v = ctypes.c_uint64()
        assert self._read(self.cell, CLAIM + 0x1000 * 5, 4, ctypes.byref(v)) == 0
        return v.value

    def complete(self, line=LINE):
        self.core.plic_hw_set_level(line, False)
        assert self._write(self.cell, CLAIM + 0x1000 * 5, 4, line) == 0

    def report(self, first=0, size=4096):
        buf = ctypes.create_string_buffer(size)
        lat = self.core.plic_env_latency(self.cell)
        desc = self.core.plic_env_desc(self.cell)
        assert self.core.irq_latency_report(lat, desc, 10_000_000, first, buf, size) == 0
        return parse(buf.raw)


def parse(raw):
    tb, num, first, count = HEADER.unpack_from(raw)
    lines = {}
    for i in range(count):
        f = LINE_FMT.unpack_from(raw, HEADER.size + i * LINE_FMT.size)
        line, _, claims, completes, max_claim, max_complete = f[:6]
        lines[line] = dict(claims=claims, completes=completes, max_to_claim=max_claim,
                           max_to_complete=max_complete,
                           to_claim=list(f[6:6 + BUCKETS]), to_complete=list(f[6 + BUCKETS:]))
    return dict(timebase=tb, num_lines=num, first=first, lines=lines)


def hist(**buckets):
    h = [0] * BUCKETS
    for b, n in buckets.items():
        h[int(b[1:])] = n
    return h


def test_one_interrupt_raised_claimed_completed(env):
    c = Cell(env)
    c.at(1000).interrupt()
    assert c.at(1013).claim() == LINE
    c.at(1013 + 300).complete()
    r = c.report()
    assert (r["timebase"], r["num_lines"], r["first"]) == (10_000_000, 5, 0)
    assert sorted(r["lines"]) == [3, 4, 5, 6, 7]
    # 13 ticks: bucket 4 (8..15); 300 ticks: bucket 9 (256..511).
    assert r["lines"][LINE] == dict(claims=1, completes=1, max_to_claim=13, max_to_complete=300,
                                    to_claim=hist(b4=1), to_complete=hist(b9=1))
    assert r["lines"][4] == dict(claims=0, completes=0, max_to_claim=0, max_to_complete=0,
                                 to_claim=hist(), to_complete=hist())


@pytest.mark.parametrize("ticks, bucket", [
    (0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (255, 8), (256, 9), (1023, 10), (1024, 11),
    (2047, 11), (2048, 12), (65535, 16), (65536, 17),
    (2**29, 30), (2**30 - 1, 30), (2**30, 31), (2**40, 31)])
def test_log2_buckets_and_the_last_holds_everything_above(env, ticks, bucket):
    c = Cell(env)
    c.at(5).interrupt()
    c.at(5 + ticks).claim()
    c.complete()
    assert c.report()["lines"][LINE]["to_claim"] == hist(**{f"b{bucket}": 1})


def test_many_interrupts_sum_to_their_count_with_the_worst_kept(env):
    c, t = Cell(env), 100  # 0 is "no time" (the time CSR starts at power-on)
    waits = [3, 40, 7, 1000, 12, 40]
    for w in waits:
        c.at(t).interrupt()
        t += w
        assert c.at(t).claim() == LINE
        t += 2 * w
        c.at(t).complete()
        t += 50
    line = c.report()["lines"][LINE]
    assert (line["claims"], line["completes"]) == (6, 6)
    assert sum(line["to_claim"]) == sum(line["to_complete"]) == 6
    assert (line["max_to_claim"], line["max_to_complete"]) == (1000, 2000)
    assert line["to_claim"] == hist(b2=1, b3=1, b4=1, b6=2, b10=1)


def test_claim_of_nothing_and_a_refused_complete_record_nothing(env):
    c = Cell(env)
    assert c.at(10).claim() == 0
    c.at(20).complete(LINE)  # never claimed: the vPLIC ignores it
    line = c.report()["lines"][LINE]
    assert (line["claims"], line["completes"]) == (0, 0)


def test_reset_clears_the_figures_and_an_interrupt_in_flight_lands_after_it(env):
    c = Cell(env)
    c.at(1).interrupt()
    c.at(9).claim()
    env.irq_latency_reset(env.plic_env_latency(c.cell))
    assert c.report()["lines"][LINE]["claims"] == 0
    c.at(9 + 70).complete()
    line = c.report()["lines"][LINE]
    assert (line["claims"], line["completes"], line["max_to_complete"]) == (0, 1, 70)


def test_report_pages_through_the_lines_as_the_buffer_allows(env):
    c = Cell(env)
    r = c.report(first=1, size=HEADER.size + 2 * LINE_FMT.size - 1)
    assert (r["num_lines"], r["first"], sorted(r["lines"])) == (5, 1, [4])
    r = c.report(first=3, size=4096)
    assert sorted(r["lines"]) == [6, 7]
    r = c.report(first=9, size=4096)
    assert (r["num_lines"], r["lines"]) == (5, {})
    lat = env.plic_env_latency(c.cell)
    desc = env.plic_env_desc(c.cell)
    assert env.irq_latency_report(lat, desc, 1, 0, ctypes.create_string_buffer(8), 8) == -1


# ---------------------------------------------------------------- the hypercall

LAT_AT = STATUS_AT + 0x1000


def latency_call(hv, cid, gpa=LAT_AT, size=0x4000, first=0, flags=0):
    n = ctypes.c_uint64(0)
    hv.cell_latency.restype = ctypes.c_long
    hv.cell_latency.argtypes = [ctypes.c_uint64] * 5 + [ctypes.POINTER(ctypes.c_uint64)]
    return hv.cell_latency(cid, gpa, size, first, flags, ctypes.byref(n)), n.value


def test_hypercall_reports_the_roots_and_a_cells_lines(board, hv):  # noqa: F811
    # Its PLIC lines and the virtual lines of its link ends (the doorbells').
    root_lines = sorted(board.model.system.root.irqs() +
                        [e.irq_line for e in board.model.system.root.links])
    assert latency_call(hv, 0) == (OK, len(root_lines))
    r = parse(board.get(LAT_AT, 0x4000))
    assert r["timebase"] == board.model.system.timebase_frequency
    assert r["num_lines"] == len(root_lines)
    assert sorted(r["lines"]) == root_lines[:(0x4000 - HEADER.size) // LINE_FMT.size]
    board.step("root", (3, False))
    board.step("create", "a")
    cell_lines = sorted(board.model.cells[1].cfg.irqs() +
                        [e.irq_line for e in board.model.cells[1].cfg.links])
    assert latency_call(hv, 1) == (OK, len(cell_lines))
    assert sorted(parse(board.get(LAT_AT, 0x4000))["lines"]) == cell_lines


@pytest.mark.parametrize("args, err", [
    (dict(cid=7), INVALID_PARAM),              # no such cell
    (dict(cid=0, flags=2), INVALID_PARAM),     # unknown flag
    (dict(cid=0, size=8), INVALID_PARAM),      # no room for the header
    (dict(cid=0, first=2**32), INVALID_PARAM),
    (dict(cid=0, gpa="hypervisor"), INVALID_ADDRESS),  # not the root's memory
])
def test_hypercall_errors_change_nothing(board, hv, args, err):  # noqa: F811
    digest = hv.host_state_digest()
    cid = args.pop("cid")
    if args.get("gpa") == "hypervisor":
        args["gpa"] = board.model.system.hv_phys_start
    assert latency_call(hv, cid, **args)[0] == err
    assert hv.host_state_digest() == digest
