"""Virtual PLIC (hypervisor/core/irq/vplic*.c) against the reference model in plic_model.py, plus
focused tests of each rule of the contract in hypervisor/include/vplic.h."""
import ctypes
import random

import pytest

import plic_model as pm
from plic_model import PlicModel

SIGNAL_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint, ctypes.c_bool)
SOURCE_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint)
CONTEXT_WORDS = 2


class Hooks(ctypes.Structure):
    _fields_ = [("signal", SIGNAL_FN), ("hw_complete", SOURCE_FN), ("line_changed", SOURCE_FN)]


@pytest.fixture(scope="module")
def lib(core):
    u64, uint, vp = ctypes.c_uint64, ctypes.c_uint, ctypes.c_void_p
    sigs = {
        "vplic_init": (ctypes.c_int, [vp, uint, uint, ctypes.POINTER(u64), ctypes.POINTER(Hooks),
                                      vp]),
        "vplic_acquire_line": (ctypes.c_int, [vp, uint, ctypes.c_bool]),
        "vplic_release_line": (ctypes.c_int, [vp, uint]),
        "vplic_set_pending": (ctypes.c_int, [vp, uint]),
        "vplic_mmio_read": (ctypes.c_int, [vp, u64, uint, ctypes.POINTER(ctypes.c_uint32)]),
        "vplic_mmio_write": (ctypes.c_int, [vp, u64, uint, ctypes.c_uint32,
                                            ctypes.POINTER(uint)]),
        "vplic_context_pending": (ctypes.c_bool, [vp, uint]),
        "vplic_line_enabled_contexts": (ctypes.c_int, [vp, uint, ctypes.POINTER(u64)]),
        "vplic_line_priority": (uint, [vp, uint]),
        "vplic_line_owned": (ctypes.c_bool, [vp, uint]),
        "vplic_write_priority": (ctypes.c_int, [vp, uint, ctypes.c_uint32, ctypes.POINTER(uint)]),
        "vplic_write_enable": (ctypes.c_int, [vp, uint, uint, ctypes.c_uint32,
                                              ctypes.POINTER(uint)]),
        "vplic_write_threshold": (ctypes.c_int, [vp, uint, ctypes.c_uint32]),
        "vplic_claim": (uint, [vp, uint]),
        "vplic_complete": (ctypes.c_bool, [vp, uint, ctypes.c_uint32]),
        "vplic_host_sizeof": (ctypes.c_size_t, []),
        "vplic_host_words_examined": (u64, [vp]),
        "vplic_host_reset_words_examined": (None, [vp]),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(core, name)
        fn.restype, fn.argtypes = restype, argtypes
    return core


def mask_words(mask):
    return (ctypes.c_uint64 * CONTEXT_WORDS)(*[(mask >> (64 * w)) & (2**64 - 1)
                                              for w in range(CONTEXT_WORDS)])


class VPlic:
    """The C vPLIC behind the same interface as PlicModel, recording its hook calls."""

    def __init__(self, lib, num_sources, num_contexts, context_mask, hooks=True):
        self.lib = lib
        self.buf = ctypes.create_string_buffer(lib.vplic_host_sizeof())
        self.vp = ctypes.cast(self.buf, ctypes.c_void_p)
        self.events = []
        # The C side keeps the function pointers: the callbacks must outlive it.
        self._callbacks = (
            SIGNAL_FN(lambda _o, ctx, level: self.events.append(("signal", ctx, bool(level)))),
            SOURCE_FN(lambda _o, s: self.events.append(("hw_complete", s))),
            SOURCE_FN(lambda _o, s: self.events.append(("line_changed", s))),
        )
        hook_struct = Hooks(*self._callbacks) if hooks else None
        rc = lib.vplic_init(self.vp, num_sources, num_contexts, mask_words(context_mask),
                            ctypes.byref(hook_struct) if hooks else None, None)
        assert rc == 0

    def take_events(self):
        events, self.events = self.events, []
        return events

    def acquire(self, source, hw_backed):
        return self.lib.vplic_acquire_line(self.vp, source, hw_backed)

    def release(self, source):
        return self.lib.vplic_release_line(self.vp, source)

    def set_pending(self, source):
        return self.lib.vplic_set_pending(self.vp, source)

    def read(self, offset, width=4):
        value = ctypes.c_uint32(0xDEADBEEF)
        rc = self.lib.vplic_mmio_read(self.vp, offset, width, ctypes.byref(value))
        return rc, (value.value if rc == 0 else None)

    def write(self, offset, width, value):
        violation = ctypes.c_uint(0xFFFF)
        rc = self.lib.vplic_mmio_write(self.vp, offset, width, value, ctypes.byref(violation))
        return rc, violation.value

    def context_pending(self, ctx):
        return self.lib.vplic_context_pending(self.vp, ctx)

    def enabled_contexts(self, source):
        words = (ctypes.c_uint64 * CONTEXT_WORDS)(1, 1)
        rc = self.lib.vplic_line_enabled_contexts(self.vp, source, words)
        if rc != 0:
            assert rc == pm.EINVAL and list(words) == [0, 0]
            return None
        return sum(w << (64 * i) for i, w in enumerate(words))

    def words_examined(self):
        return self.lib.vplic_host_words_examined(self.vp)

    def reset_words(self):
        self.lib.vplic_host_reset_words_examined(self.vp)

    # Register shorthands for the focused tests.
    def prio(self, s, v):
        return self.write(pm.PRIORITY_BASE + 4 * s, 4, v)

    def enable(self, ctx, word, v):
        return self.write(pm.ENABLE_BASE + pm.ENABLE_STRIDE * ctx + 4 * word, 4, v)

    def thresh(self, ctx, v):
        return self.write(pm.CONTEXT_BASE + pm.CONTEXT_STRIDE * ctx, 4, v)

    def claim(self, ctx):
        rc, value = self.read(pm.CONTEXT_BASE + pm.CONTEXT_STRIDE * ctx + 4)
        assert rc == 0
        return value

    def complete(self, ctx, s):
        return self.write(pm.CONTEXT_BASE + pm.CONTEXT_STRIDE * ctx + 4, 4, s)


def prio_off(s):
    return pm.PRIORITY_BASE + 4 * s


def enable_off(ctx, word):
    return pm.ENABLE_BASE + pm.ENABLE_STRIDE * ctx + 4 * word


def thresh_off(ctx):
    return pm.CONTEXT_BASE + pm.CONTEXT_STRIDE * ctx


def claim_off(ctx):
    return thresh_off(ctx) + 4


# ---------------------------------------------------------------------- random vs model

class Driver:
    """Random guest and hypervisor operations applied to the C vPLIC and the model alike."""

    def __init__(self, lib, rng, num_sources, num_contexts, context_mask):
        self.rng = rng
        self.ns, self.nc = num_sources, num_contexts
        self.c = VPlic(lib, num_sources, num_contexts, context_mask)
        self.m = PlicModel(num_sources, num_contexts, context_mask)
        self.contexts = self.m.contexts
        self.missing = [c for c in range(num_contexts) if c not in self.contexts]
        self.words = (num_sources + 31) // 32
        self.ops = 0

    def both(self, what, *args):
        got, want = getattr(self.c, what)(*args), getattr(self.m, what)(*args)
        assert got == want, (what, args, got, want)
        got_ev, want_ev = self.c.take_events(), self.m.take_events()
        assert got_ev == want_ev, (what, args, got_ev, want_ev)
        self.ops += 1
        return got

    def source(self):
        r = self.rng.random()
        if r < 0.85 and self.m.owned:
            return self.rng.choice(list(pm.bits(self.m.owned)))
        return self.rng.randrange(0, self.ns + 2)

    def value_bits(self):
        r = self.rng.random()
        if r < 0.3:
            return self.rng.getrandbits(32)
        if r < 0.5:
            return 0
        if r < 0.6:
            return 0xFFFFFFFF
        return 1 << self.rng.randrange(32)

    def bad_access(self):
        rng = self.rng
        ctx = rng.choice(self.contexts)
        choice = rng.randrange(8)
        if choice == 0:
            off, width = rng.choice([prio_off(1), enable_off(ctx, 0), claim_off(ctx)]), \
                rng.choice([1, 2, 8])
        elif choice == 1:
            off, width = rng.choice([prio_off(1), thresh_off(ctx)]) + rng.choice([1, 2, 3]), 4
        elif choice == 2 and self.missing:
            bad = rng.choice(self.missing)
            off, width = rng.choice([enable_off(bad, 0), thresh_off(bad), claim_off(bad)]), 4
        elif choice == 3:
            off, width = rng.choice([enable_off(self.nc, 0), thresh_off(self.nc),
                                     claim_off(rng.randrange(self.nc, 4096))]), 4
        elif choice == 4:
            off, width = thresh_off(ctx) + 4 * rng.randrange(2, 1024), 4
        elif choice == 5:
            off, width = rng.choice([prio_off(self.ns), pm.PENDING_BASE + 4 * self.words,
                                     enable_off(ctx, self.words)]), 4
        elif choice == 6:
            off, width = rng.choice([0x1080, 0x1FFC, 0x1FFFFC, 0x3FFFFFC, 2**63 - 4]), 4
        else:
            off, width = rng.randrange(0, 1 << 26) & ~3, 4
        if rng.random() < 0.5:
            self.both("read", off, width)
        else:
            self.both("write", off, width, rng.getrandbits(32))

    def step(self):
        rng = self.rng
        ctx = rng.choice(self.contexts)
        op = rng.choices(
            ["prio", "enable", "thresh", "pend", "claim", "complete", "rd_prio", "rd_pend",
             "rd_enable", "rd_thresh", "wr_pend", "acquire", "release", "bad"],
            [10, 12, 4, 14, 12, 12, 3, 3, 3, 2, 1, 2, 2, 4])[0]
        if op == "prio":
            value = rng.choice([rng.randrange(8), rng.randrange(8), rng.getrandbits(32)])
            self.both("write", prio_off(min(self.source(), self.ns - 1)), 4, value)
        elif op == "enable":
            self.both("write", enable_off(ctx, rng.randrange(self.words)), 4, self.value_bits())
        elif op == "thresh":
            value = rng.choice([rng.randrange(8), rng.randrange(4), rng.getrandbits(32)])
            self.both("write", thresh_off(ctx), 4, value)
        elif op == "pend":
            self.both("set_pending", self.source())
        elif op == "claim":
            busy = [c for c in self.contexts if self.m.level[c]]
            if busy and rng.random() < 0.8:
                ctx = rng.choice(busy)
            self.both("read", claim_off(ctx), 4)
        elif op == "complete":
            claimed = list(pm.bits(self.m.claimed))
            if claimed and rng.random() < 0.8:
                source = rng.choice(claimed)
                holders = [c for c in self.contexts if (self.m.enable[c] >> source) & 1]
                if holders and rng.random() < 0.85:
                    ctx = rng.choice(holders)
            else:
                source = rng.choice([0, rng.randrange(self.ns + 5), rng.getrandbits(32)])
            self.both("write", claim_off(ctx), 4, source)
        elif op == "rd_prio":
            self.both("read", prio_off(min(self.source(), self.ns - 1)), 4)
        elif op == "rd_pend":
            self.both("read", pm.PENDING_BASE + 4 * rng.randrange(self.words), 4)
        elif op == "rd_enable":
            self.both("read", enable_off(ctx, rng.randrange(self.words)), 4)
        elif op == "rd_thresh":
            self.both("read", thresh_off(ctx), 4)
        elif op == "wr_pend":
            self.both("write", pm.PENDING_BASE + 4 * rng.randrange(self.words), 4,
                      rng.getrandbits(32))
        elif op == "acquire":
            self.both("acquire", rng.randrange(0, self.ns + 1), rng.random() < 0.5)
        elif op == "release":
            self.both("release", self.source())
        else:
            self.bad_access()
        self.both("enabled_contexts", rng.randrange(0, self.ns + 1))

    def check_levels(self):
        for c in range(self.nc + 1):
            assert self.c.context_pending(c) == self.m.context_pending(c), c


CONFIGS = [
    # (num_sources, num_contexts, context mask)
    (8, 2, 0b11),
    (33, 4, 0b1010),
    (96, 16, 0xAAAA),
    (200, 65, (1 << 64) | 0x0F0F_0000_FFFF_0001),
    (1023, 128, int("10" * 64, 2)),
    (1024, 128, (1 << 128) - 1),
]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"{c[0]}src-{c[1]}ctx")
def test_random_against_model(lib, config, seed):
    num_sources, num_contexts, mask = config
    rng = random.Random(seed * 1000 + num_sources)
    d = Driver(lib, rng, num_sources, num_contexts, mask)
    for s in range(1, num_sources):
        if rng.random() < 0.6:
            d.both("acquire", s, rng.random() < 0.5)
    # Start from a configured guest so the interesting paths are reached quickly.
    for s in pm.bits(d.m.owned):
        d.both("write", prio_off(s), 4, rng.randrange(8))
    for c in d.contexts:
        for w in range(d.words):
            d.both("write", enable_off(c, w), 4, rng.getrandbits(32))
    for i in range(1500):
        d.step()
        if i % 64 == 0:
            d.check_levels()
    d.check_levels()
    # The run must have exercised the rules, not only errors.
    assert d.ops > 3000


# ---------------------------------------------------------------------- focused rules

def make(lib, num_sources=64, num_contexts=2, mask=0b11, owned=range(1, 64), hw=True):
    v = VPlic(lib, num_sources, num_contexts, mask)
    for s in owned:
        assert v.acquire(s, hw) == 0
    return v


def test_threshold_is_strictly_greater(lib):
    v = make(lib)
    v.prio(5, 3)
    v.enable(0, 0, 1 << 5)
    v.thresh(0, 3)
    v.take_events()
    assert v.set_pending(5) == 0
    assert v.take_events() == []
    assert not v.context_pending(0)
    assert v.claim(0) == 0
    v.thresh(0, 2)
    assert v.take_events() == [("signal", 0, True)]
    v.thresh(0, 3)
    assert v.take_events() == [("signal", 0, False)]
    v.thresh(0, 2)
    assert v.claim(0) == 5


def test_priority_zero_never_interrupts(lib):
    v = make(lib)
    v.enable(0, 0, 1 << 9)
    v.set_pending(9)
    assert v.claim(0) == 0 and not v.context_pending(0)
    assert v.take_events() == [("line_changed", 9)]


def test_highest_priority_then_lowest_id(lib):
    v = make(lib, num_sources=1024, owned=[3, 70, 500, 1023])
    for s, p in [(3, 2), (70, 6), (500, 6), (1023, 7)]:
        v.prio(s, p)
        v.enable(0, s // 32, 1 << (s % 32))
        v.set_pending(s)
    assert [v.claim(0) for _ in range(5)] == [1023, 70, 500, 3, 0]


def test_claim_clears_pending_and_claimed_not_reclaimable(lib):
    v = make(lib)
    v.prio(4, 1)
    v.enable(0, 0, 1 << 4)
    v.enable(1, 0, 1 << 4)
    v.take_events()
    v.set_pending(4)
    assert v.take_events() == [("signal", 0, True), ("signal", 1, True)]
    assert v.read(pm.PENDING_BASE) == (0, 1 << 4)
    assert v.claim(1) == 4
    # Leaving pending lowers both contexts: the other one cannot claim it any more.
    assert v.take_events() == [("signal", 0, False), ("signal", 1, False)]
    assert v.read(pm.PENDING_BASE) == (0, 0)
    assert v.claim(0) == 0
    # Re-pended while in service: latched and visible, but not claimable before complete.
    v.set_pending(4)
    assert v.read(pm.PENDING_BASE) == (0, 1 << 4)
    assert v.take_events() == []
    assert v.claim(0) == 0 and v.claim(1) == 0
    assert v.complete(0, 4) == (0, 0)
    assert v.take_events() == [("signal", 0, True), ("signal", 1, True), ("hw_complete", 4)]
    assert v.claim(0) == 4


def test_complete_ignored_unless_in_service_and_enabled(lib):
    v = make(lib)
    v.prio(6, 1)
    v.enable(0, 0, 1 << 6)
    v.set_pending(6)
    assert v.claim(0) == 6
    v.take_events()
    # Context 1 does not enable source 6: ignored, still in service.
    assert v.complete(1, 6) == (0, 0)
    # Not in service at all: ignored.
    assert v.complete(0, 7) == (0, 0)
    assert v.complete(0, 0) == (0, 0)
    assert v.complete(0, 0xFFFFFFFF) == (0, 0)
    assert v.take_events() == []
    v.set_pending(6)
    assert v.claim(0) == 0
    # Disabled while in service, then completed: ignored too (the spec's enable check).
    v.enable(0, 0, 0)
    assert v.complete(0, 6) == (0, 0)
    assert v.take_events() == [("line_changed", 6)]
    v.enable(0, 0, 1 << 6)
    v.take_events()
    assert v.complete(0, 6) == (0, 0)
    assert v.take_events() == [("signal", 0, True), ("hw_complete", 6)]
    # A second complete of the same claim is ignored.
    assert v.claim(0) == 6
    v.complete(0, 6)
    v.take_events()
    v.complete(0, 6)
    assert v.take_events() == []


def test_software_line_has_no_hw_complete(lib):
    v = make(lib, owned=[2], hw=False)
    v.prio(2, 1)
    v.enable(0, 0, 1 << 2)
    v.set_pending(2)
    assert v.claim(0) == 2
    v.take_events()
    v.complete(0, 2)
    assert v.take_events() == []


def test_violation_semantics(lib):
    v = make(lib, owned=[1, 3, 40])
    # Zeros to unowned lines are fine (Linux clears every enable at boot).
    assert v.enable(0, 0, 0) == (0, 0)
    assert v.enable(0, 1, 0) == (0, 0)
    assert v.prio(2, 0) == (0, 0)
    assert v.prio(2, 8) == (0, 0)  # masks to 0
    # Non-zero priority on an unowned line: dropped, reported.
    assert v.prio(2, 5) == (pm.EVIOLATION, 2)
    assert v.read(prio_off(2)) == (0, 0)
    # Owned bits of the word applied, unowned dropped, lowest offender reported.
    assert v.enable(0, 0, 0b11111110) == (pm.EVIOLATION, 2)
    assert v.read(enable_off(0, 0)) == (0, 0b1010)
    assert v.take_events() == [("line_changed", 1), ("line_changed", 3)]
    assert v.enable(0, 1, 1 << 9 | 1 << 8) == (pm.EVIOLATION, 41)
    assert v.read(enable_off(0, 1)) == (0, 1 << 8)
    # Source 0 is not a line: no violation, nothing stored.
    assert v.enable(0, 0, 1) == (0, 0)
    assert v.read(enable_off(0, 0)) == (0, 0)
    # Unowned lines read as zero and cannot be made pending.
    assert v.set_pending(2) == pm.EINVAL
    assert v.read(pm.PENDING_BASE) == (0, 0)


def test_warl_priority_and_threshold_masked(lib):
    v = make(lib)
    v.prio(3, 0xFF)
    assert v.read(prio_off(3)) == (0, 7)
    v.prio(3, 0x0A)
    assert v.read(prio_off(3)) == (0, 2)
    v.thresh(1, 0x1F)
    assert v.read(thresh_off(1)) == (0, 7)
    # Source 0: reads 0, ignores writes.
    assert v.prio(0, 5) == (0, 0)
    assert v.read(prio_off(0)) == (0, 0)


def test_pending_register_read_only(lib):
    v = make(lib)
    v.prio(33, 1)
    v.set_pending(33)
    assert v.write(pm.PENDING_BASE + 4, 4, 0) == (0, 0)
    assert v.write(pm.PENDING_BASE, 4, 0xFFFFFFFF) == (0, 0)
    assert v.read(pm.PENDING_BASE) == (0, 0)
    assert v.read(pm.PENDING_BASE + 4) == (0, 1 << 1)


def snapshot(v, num_sources, contexts):
    words = (num_sources + 31) // 32
    regs = [prio_off(s) for s in range(num_sources)]
    regs += [pm.PENDING_BASE + 4 * w for w in range(words)]
    regs += [enable_off(c, w) for c in contexts for w in range(words)]
    regs += [thresh_off(c) for c in contexts]
    return [v.read(r) for r in regs] + [v.context_pending(c) for c in contexts]


def test_bad_accesses_fault_and_change_nothing(lib):
    v = make(lib, num_sources=40, num_contexts=4, mask=0b0110, owned=range(1, 40))
    for s in range(1, 40):
        v.prio(s, s % 8)
    v.enable(1, 0, 0xFFFF_0000)
    v.enable(2, 1, 0xFF)
    for s in (17, 33):
        v.set_pending(s)
    v.take_events()
    before = snapshot(v, 40, [1, 2])
    bad = [
        (prio_off(1), 1), (prio_off(1), 2), (prio_off(1), 8), (prio_off(1) + 2, 4),
        (claim_off(1), 8), (claim_off(1) + 1, 4),
        (prio_off(40), 4), (prio_off(1023), 4),            # past num_sources
        (pm.PENDING_BASE + 8, 4), (0x1080, 4),             # 2 pending words only
        (enable_off(1, 2), 4), (enable_off(1, 31), 4),
        (enable_off(0, 0), 4), (enable_off(3, 0), 4),      # contexts not in the mask
        (enable_off(4, 0), 4), (enable_off(200, 0), 4),    # beyond num_contexts
        (thresh_off(0), 4), (claim_off(3), 4), (thresh_off(4), 4), (claim_off(1000), 4),
        (thresh_off(1) + 8, 4), (thresh_off(1) + 0xFFC, 4),  # reserved
        (0x1FFC, 4), (0x1FFFFC, 4), (0x3FFFFFC, 4), (2**64 - 4, 4),
    ]
    for off, width in bad:
        assert v.read(off, width) == (pm.EBADACCESS, None), hex(off)
        assert v.write(off, width, 0xFFFFFFFF) == (pm.EBADACCESS, 0), hex(off)
    assert v.take_events() == []
    assert snapshot(v, 40, [1, 2]) == before
    # The claim register of an existing context still works afterwards.
    assert v.claim(1) == 17


def test_hooks_may_be_null(lib):
    v = VPlic(lib, 16, 1, 1, hooks=False)
    v.acquire(3, True)
    v.prio(3, 1)
    v.enable(0, 0, 1 << 3)
    v.set_pending(3)
    assert v.context_pending(0)
    assert v.claim(0) == 3
    v.complete(0, 3)
    assert v.release(3) == 0
    assert v.events == []


def test_release_clears_state_and_gives_back_physical_claim(lib):
    v = make(lib, owned=[5, 6])
    for s in (5, 6):
        v.prio(s, 2)
    v.enable(0, 0, 1 << 5)
    v.enable(1, 0, 1 << 5 | 1 << 6)
    v.set_pending(5)
    v.set_pending(6)
    v.take_events()
    assert v.release(5) == 0
    # Context 0 had only line 5; context 1 still has line 6. Pending -> physical claim held.
    assert v.take_events() == [("signal", 0, False), ("hw_complete", 5)]
    assert v.context_pending(1) and not v.context_pending(0)
    assert v.read(prio_off(5)) == (0, 0)
    assert v.enabled_contexts(5) == 0
    assert v.release(5) == pm.EINVAL
    assert v.set_pending(5) == pm.EINVAL
    # Back again: clean slate, nothing pending, nothing enabled.
    assert v.acquire(5, True) == 0
    assert v.acquire(5, True) == pm.EINVAL
    assert v.read(prio_off(5)) == (0, 0)
    assert v.read(enable_off(1, 0)) == (0, 1 << 6)
    assert v.read(pm.PENDING_BASE) == (0, 1 << 6)
    # In service at release: also given back; a line with nothing outstanding: no call.
    assert v.claim(1) == 6
    v.take_events()
    assert v.release(6) == 0
    assert v.take_events() == [("hw_complete", 6)]
    assert v.release(5) == 0
    assert v.take_events() == []
    assert v.acquire(0, True) == pm.EINVAL
    assert v.acquire(64, True) == pm.EINVAL


def test_line_changed_only_on_real_changes(lib):
    v = make(lib)
    v.prio(7, 3)
    v.prio(7, 3)
    v.prio(7, 11)  # masks to 3
    assert v.take_events() == [("line_changed", 7)]
    v.enable(1, 0, 1 << 7 | 1 << 2)
    v.enable(1, 0, 1 << 7 | 1 << 2)
    assert v.take_events() == [("line_changed", 2), ("line_changed", 7)]
    assert v.enabled_contexts(7) == 0b10


def test_priority_change_moves_claim_order_and_signal(lib):
    v = make(lib)
    v.enable(0, 0, 1 << 10 | 1 << 11)
    v.prio(10, 1)
    v.prio(11, 2)
    v.thresh(0, 1)
    v.set_pending(10)
    v.set_pending(11)
    v.take_events()
    v.prio(11, 1)
    assert v.take_events() == [("signal", 0, False), ("line_changed", 11)]
    v.prio(10, 5)
    assert v.take_events() == [("signal", 0, True), ("line_changed", 10)]
    v.prio(11, 6)
    assert v.claim(0) == 11
    assert v.claim(0) == 10


def test_init_rejects_bad_arguments(lib):
    buf = ctypes.create_string_buffer(lib.vplic_host_sizeof())
    for ns, nc, mask in [(0, 1, 1), (1025, 1, 1), (8, 0, 0), (8, 129, 1), (8, 2, 0b100),
                         (8, 64, 1 << 64), (8, 65, 1 << 65)]:
        assert lib.vplic_init(buf, ns, nc, mask_words(mask), None, None) == pm.EINVAL
    assert buf.raw == bytes(len(buf.raw))
    assert lib.vplic_init(buf, 1024, 128, mask_words((1 << 128) - 1), None, None) == 0


def test_struct_size_is_bounded(lib):
    # Fixed-size state for 1024 sources x 128 contexts; keep it well under 64 KiB.
    assert lib.vplic_host_sizeof() < 40 * 1024


def work(v, ctx, source):
    """Words examined by inject, claim and complete of one source."""
    counts = []
    v.reset_words()
    assert v.set_pending(source) == 0
    counts.append(v.words_examined())
    v.reset_words()
    assert v.claim(ctx) == source
    counts.append(v.words_examined())
    v.reset_words()
    assert v.complete(ctx, source) == (0, 0)
    counts.append(v.words_examined())
    return counts


def test_work_independent_of_num_sources(lib):
    small = make(lib, num_sources=32, num_contexts=2, owned=[31])
    big = make(lib, num_sources=1024, num_contexts=2, owned=range(1, 1024))
    for v, s in ((small, 31), (big, 1023)):
        v.prio(s, 4)
        v.enable(1, s // 32, 1 << (s % 32))
    reference = work(small, 1, 31)
    assert work(big, 1, 1023) == reference
    assert all(0 < c < 64 for c in reference), reference
    # A crowd of other pending lines (lower priority, or enabled elsewhere) changes nothing.
    for s in range(1, 1023):
        big.prio(s, 1 + s % 3)
        big.enable(s % 2, s // 32, big.read(enable_off(s % 2, s // 32))[1] | 1 << (s % 32))
        big.set_pending(s)
    assert work(big, 1, 1023) == reference


def test_register_level_api_rejects_missing_registers(lib):
    v = make(lib, num_sources=40, num_contexts=3, mask=0b101, owned=[1, 39])
    before = snapshot(v, 40, [0, 2])
    assert lib.vplic_write_priority(v.vp, 40, 1, None) == pm.EBADACCESS
    assert lib.vplic_write_enable(v.vp, 1, 0, 0b10, None) == pm.EBADACCESS
    assert lib.vplic_write_enable(v.vp, 0, 2, 1, None) == pm.EBADACCESS
    assert lib.vplic_write_threshold(v.vp, 1, 1) == pm.EBADACCESS
    assert lib.vplic_write_threshold(v.vp, 3, 1) == pm.EBADACCESS
    assert lib.vplic_claim(v.vp, 1) == 0
    assert snapshot(v, 40, [0, 2]) == before and v.take_events() == []
    # And the working path, with the queries the arch uses for routing.
    assert lib.vplic_write_priority(v.vp, 39, 6, None) == 0
    assert lib.vplic_write_enable(v.vp, 2, 1, 1 << 7, None) == 0
    assert lib.vplic_line_priority(v.vp, 39) == 6 and lib.vplic_line_owned(v.vp, 39)
    assert not lib.vplic_line_owned(v.vp, 2) and not lib.vplic_line_owned(v.vp, 40)
    assert v.enabled_contexts(39) == 0b100 and v.enabled_contexts(40) is None
    v.set_pending(39)
    assert lib.vplic_claim(v.vp, 2) == 39
    assert not lib.vplic_complete(v.vp, 0, 39)
    assert lib.vplic_complete(v.vp, 2, 39)
