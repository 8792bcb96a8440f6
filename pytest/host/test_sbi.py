"""The SBI the hypervisor gives its guests (hypervisor/core/sbi/sbi*.c).

Expectations come from the RISC-V SBI specification (v2.0: binary encoding and
hart masks, BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN, legacy extensions) and
from the isolation rule of a partitioning hypervisor: a call may only reach
harts of the caller's own cell, and a refused call does nothing at all.

The arch hooks are recording mocks (pytest/host/support/sbi_mock.c): every
test states exactly which hook calls a request must produce, in order.
"""
import ctypes
import random

import pytest

ALL = (1 << 64) - 1  # hart_mask_base == -1: "all available harts"
U64 = (1 << 64) - 1

SUCCESS, FAILED, NOT_SUPPORTED, INVALID_PARAM = 0, -1, -2, -3
DENIED, INVALID_ADDRESS, ALREADY_AVAILABLE = -4, -5, -6

EXT_BASE, EXT_TIME, EXT_IPI, EXT_RFENCE = 0x10, 0x54494D45, 0x735049, 0x52464E43
EXT_HSM, EXT_SRST, EXT_DBCN = 0x48534D, 0x53525354, 0x4442434E
LEGACY_SET_TIMER, LEGACY_PUTCHAR, LEGACY_GETCHAR, LEGACY_CLEAR_IPI = 0, 1, 2, 3
LEGACY_SEND_IPI, LEGACY_FENCE_I, LEGACY_SFENCE_VMA, LEGACY_SFENCE_VMA_ASID = 4, 5, 6, 7
LEGACY_SHUTDOWN = 8

IMPLEMENTED = [EXT_BASE, EXT_TIME, EXT_IPI, EXT_RFENCE, EXT_HSM, EXT_SRST, EXT_DBCN,
               LEGACY_SET_TIMER, LEGACY_PUTCHAR, LEGACY_GETCHAR, LEGACY_CLEAR_IPI,
               LEGACY_SHUTDOWN]
NOT_IMPLEMENTED = [
    LEGACY_SEND_IPI, LEGACY_FENCE_I, LEGACY_SFENCE_VMA, LEGACY_SFENCE_VMA_ASID,
    *range(0x09, 0x10),  # reserved legacy EIDs
    0x504D55,  # PMU
    0x53555350,  # SUSP
    0x43505043,  # CPPC
    0x4E41434C,  # NACL
    0x535441,  # STA
    0x46574654,  # FWFT
    0x44425452,  # DBTR
    0x535345,  # SSE
    0x08000000, 0x08FFFFFF,  # experimental range
    0x09000000, 0x09FFFFFF,  # vendor range
    0x0A000000, 0x0AFFFFFF,  # firmware range
    0x11, 0x7FFFFFFF, 0xFFFFFFFF,
    (1 << 32) | EXT_BASE, (1 << 63) | EXT_TIME,  # bits above the 32-bit EID
    U64,
]

# HSM (spec: "HSM Hart States")
STARTED, STOPPED, START_PENDING, STOP_PENDING = 0, 1, 2, 3
SUSPENDED, SUSPEND_PENDING, RESUME_PENDING = 4, 5, 6

# enum sbi_action
RESUME, STOP_HART, RESET, SUSPEND = 0, 1, 2, 3

HOOKS = {1: "firmware_call", 2: "set_guest_timer", 3: "send_vssip", 4: "clear_vssip",
         5: "remote_fence", 6: "hart_status", 7: "hart_start", 8: "is_root",
         9: "read_guest", 10: "console_write", 11: "console_getchar", 12: "can_execute",
         13: "write_guest"}
# Hooks that only look at state; everything else acts on the machine.
QUERIES = {"hart_status", "is_root", "read_guest", "can_execute"}
WITH_CALLER = {"send_vssip", "remote_fence", "hart_status", "hart_start", "is_root",
               "read_guest", "console_write", "console_getchar", "can_execute", "write_guest"}
# arguments each hook records, in order
HOOK_ARGS = {"firmware_call": 8, "set_guest_timer": 1, "send_vssip": 1, "clear_vssip": 0,
             "remote_fence": 5, "hart_status": 1, "hart_start": 3, "is_root": 0,
             "read_guest": 2, "console_write": 2, "console_getchar": 0, "can_execute": 1,
             "write_guest": 3}


class Caller(ctypes.Structure):
    _fields_ = [("hart", ctypes.c_ulong), ("cell_harts", ctypes.c_uint64),
                ("cell", ctypes.c_void_p)]


class SbiRet(ctypes.Structure):
    _fields_ = [("error", ctypes.c_long), ("value", ctypes.c_long)]


class SbiResult(ctypes.Structure):
    _fields_ = [("ret", SbiRet), ("action", ctypes.c_int)]


class MockCall(ctypes.Structure):
    _fields_ = [("hook", ctypes.c_uint64), ("caller", ctypes.c_uint64),
                ("arg", ctypes.c_uint64 * 8)]


def harts_of(mask):
    return {h for h in range(64) if mask >> h & 1}


def mask_of(harts):
    return sum(1 << h for h in harts)


class Sbi:
    """sbi_dispatch() and the mock behind it."""

    def __init__(self, core):
        self.core = core
        self.buffers = []
        self.cell_token = ctypes.c_int(0)  # stands in for the opaque struct cell

    def reset(self):
        self.core.sbi_mock_reset()
        self.buffers = []

    def caller(self, hart, cell_harts):
        return Caller(hart, cell_harts, ctypes.addressof(self.cell_token))

    def call(self, caller, ext, fid, *args):
        """Returns (error, value, action); the caller's struct stays alive in self.last."""
        assert len(args) <= 6
        regs = (ctypes.c_ulong * 6)(*[a & U64 for a in args])
        res = SbiResult(SbiRet(0x5a5a, 0x5a5a), 77)
        self.last = caller
        self.core.sbi_dispatch(ctypes.byref(caller), ext & U64, fid & U64, regs,
                               ctypes.byref(res))
        return res.ret.error, res.ret.value, res.action

    def log(self):
        """[(hook name, args...)], and checks every hook got the caller it should."""
        assert self.core.sbi_mock_log_dropped() == 0
        out = []
        for i in range(self.core.sbi_mock_log_count()):
            e = MockCall()
            assert self.core.sbi_mock_log_get(i, ctypes.byref(e))
            name = HOOKS[e.hook]
            if name in WITH_CALLER:
                assert e.caller == ctypes.addressof(self.last), f"{name} got another caller"
            out.append((name, *e.arg[:HOOK_ARGS[name]]))
        return out

    def actions(self):
        """The hook calls that act on the machine (queries left out)."""
        return [e for e in self.log() if e[0] not in QUERIES]

    def console(self):
        n = self.core.sbi_mock_console_len()
        buf = ctypes.create_string_buffer(n)
        assert self.core.sbi_mock_console_copy(buf, n) == n
        return buf.raw[:n]

    def add_region(self, gpa, data, writable=False):
        buf = ctypes.create_string_buffer(bytes(data), len(data))
        self.buffers.append(buf)
        add = self.core.sbi_mock_add_writable_region if writable else self.core.sbi_mock_add_region
        assert add(gpa, buf, len(data))
        return buf

    def extensions(self):
        """sbi_extensions[] as [(first id, last id, exit reason)]."""
        out, i = [], 0
        first, last, reason = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_int()
        while self.core.sbi_mock_extension(i, ctypes.byref(first), ctypes.byref(last),
                                           ctypes.byref(reason)):
            out.append((first.value, last.value, reason.value))
            i += 1
        return out

    def probe(self, ext):
        caller = self.caller(0, 1)
        err, value, action = self.call(caller, EXT_BASE, 3, ext)
        assert (err, action) == (SUCCESS, RESUME)
        return value


@pytest.fixture(scope="module")
def sbi(core):
    c = core
    ul, u64, p, cb = ctypes.c_ulong, ctypes.c_uint64, ctypes.c_void_p, ctypes.c_bool
    protos = {
        "sbi_dispatch": (None, [p, ul, ul, p, p]),
        "sbi_mock_reset": (None, []),
        "sbi_mock_log_count": (ul, []),
        "sbi_mock_log_dropped": (ul, []),
        "sbi_mock_log_get": (cb, [ul, p]),
        "sbi_mock_console_len": (ul, []),
        "sbi_mock_console_copy": (ul, [p, ul]),
        "sbi_mock_set_firmware_ret": (None, [ctypes.c_long, ctypes.c_long]),
        "sbi_mock_set_fence_ret": (None, [ctypes.c_long]),
        "sbi_mock_set_start_ret": (None, [ctypes.c_long]),
        "sbi_mock_set_getchar": (None, [ctypes.c_long]),
        "sbi_mock_set_root": (None, [cb]),
        "sbi_mock_set_hart_state": (cb, [ul, ctypes.c_int]),
        "sbi_mock_set_executable": (None, [u64, u64]),
        "sbi_mock_add_region": (cb, [u64, p, ul]),
        "sbi_mock_add_writable_region": (cb, [u64, p, ul]),
        "sbi_mock_set_input": (None, [ctypes.c_char_p, ul]),
        "sbi_mock_input_left": (ul, []),
        "sbi_mock_extension": (cb, [ctypes.c_uint, p, p, p]),
        "sbi_exit_reason": (ctypes.c_int, [ul]),
    }
    for name, (restype, argtypes) in protos.items():
        fn = getattr(c, name)
        fn.restype, fn.argtypes = restype, argtypes
    return Sbi(c)


@pytest.fixture(autouse=True)
def fresh(sbi):
    sbi.reset()
    yield
    sbi.reset()


# A cell with harts 1, 2, 3 and 5 on a machine that has others (0, 4, 6...).
CELL = mask_of({1, 2, 3, 5})
# A cell at the top of the hart id space, where shifts overflow.
HIGH_CELL = mask_of({60, 62, 63})


# ---------------------------------------------------------------- BASE

def test_base_spec_version(sbi):
    err, value, action = sbi.call(sbi.caller(2, CELL), EXT_BASE, 0)
    assert (err, action) == (SUCCESS, RESUME)
    # minor in bits 0..23, major in 24..30, bit 31 and bits 32+ are zero
    assert value >= 0 and value >> 31 == 0
    major, minor = value >> 24, value & 0xFFFFFF
    # DBCN is an SBI v2.0 extension: a v2.0 implementation offers it
    assert (major, minor) >= (2, 0)
    assert sbi.log() == []


def test_base_impl_id_and_version(sbi):
    err, value, _ = sbi.call(sbi.caller(2, CELL), EXT_BASE, 1)
    assert err == SUCCESS
    # not one of the registered implementations (BBL .. bhyve): this is none of them
    assert value not in range(12)
    err, _, _ = sbi.call(sbi.caller(2, CELL), EXT_BASE, 2)
    assert err == SUCCESS
    assert sbi.log() == []


@pytest.mark.parametrize("fid", [4, 5, 6])
def test_base_machine_ids_come_from_the_firmware(sbi, fid):
    sbi.core.sbi_mock_set_firmware_ret(SUCCESS, 0x489 + fid)
    assert sbi.call(sbi.caller(2, CELL), EXT_BASE, fid) == (SUCCESS, 0x489 + fid, RESUME)
    assert sbi.log() == [("firmware_call", EXT_BASE, fid, 0, 0, 0, 0, 0, 0)]


@pytest.mark.parametrize("fid", [4, 5, 6])
def test_base_machine_ids_never_fail(sbi, fid):
    # BASE "must be supported by all SBI implementations, so there are no error
    # returns defined"; 0 is always a legal mvendorid/marchid/mimpid.
    sbi.core.sbi_mock_set_firmware_ret(NOT_SUPPORTED, 1234)
    assert sbi.call(sbi.caller(2, CELL), EXT_BASE, fid) == (SUCCESS, 0, RESUME)


@pytest.mark.parametrize("ext", IMPLEMENTED)
def test_probe_implemented(sbi, ext):
    assert sbi.probe(ext) != 0
    assert sbi.log() == []


@pytest.mark.parametrize("ext", NOT_IMPLEMENTED)
def test_probe_not_implemented(sbi, ext):
    assert sbi.probe(ext) == 0


@pytest.mark.parametrize("ext", NOT_IMPLEMENTED)
def test_unimplemented_extension_is_not_supported(sbi, ext):
    sbi.core.sbi_mock_set_root(True)
    for fid in [0, 1, 2, 3, 4, 5, 6, 7, 0xFFFFFFFF, U64]:
        assert sbi.call(sbi.caller(2, CELL), ext, fid, 1, 0, 0, 0, 0, 0) == \
            (NOT_SUPPORTED, 0, RESUME)
    assert sbi.log() == []


def test_probe_agrees_with_dispatch(sbi):
    """An extension answers some function iff probe says it is there."""
    exts = IMPLEMENTED + NOT_IMPLEMENTED + random.Random(7).sample(range(1 << 32), 200)
    for ext in exts:
        available = sbi.probe(ext) != 0
        answered = False
        for fid in range(8):
            sbi.reset()
            sbi.add_region(0x1000, b"x" * 16)
            err, _, _ = sbi.call(sbi.caller(2, CELL), ext, fid, 1, 0x1000, 0, 0, 0, 0)
            answered |= err != NOT_SUPPORTED
        assert answered == available, hex(ext)


# enum bh_exit_reason (include/bulkhead/hypercall.h): the exit counter of each call
EXIT_SBI_TIME, EXIT_SBI_IPI, EXIT_SBI_RFENCE, EXIT_SBI_HSM = 3, 4, 5, 6
EXIT_SBI_CONSOLE, EXIT_SBI_OTHER = 7, 8
EXPECTED_EXIT = {EXT_TIME: EXIT_SBI_TIME, EXT_IPI: EXIT_SBI_IPI, EXT_RFENCE: EXIT_SBI_RFENCE,
                 EXT_HSM: EXIT_SBI_HSM, EXT_DBCN: EXIT_SBI_CONSOLE, EXT_BASE: EXIT_SBI_OTHER,
                 EXT_SRST: EXIT_SBI_OTHER, LEGACY_SET_TIMER: EXIT_SBI_OTHER,
                 LEGACY_PUTCHAR: EXIT_SBI_OTHER, LEGACY_GETCHAR: EXIT_SBI_OTHER,
                 LEGACY_CLEAR_IPI: EXIT_SBI_OTHER, LEGACY_SHUTDOWN: EXIT_SBI_OTHER}


def answers(sbi, ext):
    """Whether ext answers any of the first few function ids with something but NOT_SUPPORTED."""
    answered = False
    for fid in range(8):
        sbi.reset()
        sbi.add_region(0x1000, b"x" * 16)
        err, _, _ = sbi.call(sbi.caller(2, CELL), ext, fid, 1, 0x1000, 0, 0, 0, 0)
        answered |= err != NOT_SUPPORTED
    return answered


def test_extension_table_is_what_probe_dispatch_and_exit_counting_read(sbi):
    """One table (sbi_extensions[]) for BASE probe, the dispatcher and the exit counters."""
    table = sbi.extensions()
    assert (0x00, 0x0F, EXIT_SBI_OTHER) in table  # the legacy calls: one range
    for i, (first, last, _) in enumerate(table):
        assert first <= last
        for other_first, other_last, _ in table[i + 1:]:
            assert last < other_first or other_last < first, "ranges overlap"
    inside = set()
    for first, last, reason in table:
        for ext in range(first, last + 1):
            sbi.reset()
            offered = sbi.probe(ext) != 0
            assert answers(sbi, ext) == offered, hex(ext)
            if offered:
                inside.add(ext)
                assert sbi.core.sbi_exit_reason(ext) == reason == EXPECTED_EXIT[ext], hex(ext)
            else:
                assert sbi.core.sbi_exit_reason(ext) == EXIT_SBI_OTHER, hex(ext)
    assert inside == set(IMPLEMENTED)
    neighbours = {e for first, last, _ in table for e in (first - 1, last + 1) if e >= 0}
    outside = (neighbours | set(NOT_IMPLEMENTED) |
               set(random.Random(11).sample(range(1 << 32), 100))) - inside
    for ext in outside:
        sbi.reset()
        assert sbi.probe(ext) == 0, hex(ext)
        assert not answers(sbi, ext), hex(ext)
        assert sbi.core.sbi_exit_reason(ext) == EXIT_SBI_OTHER, hex(ext)


@pytest.mark.parametrize("fid", [7, 8, 0x100, 1 << 32, U64])
def test_base_unknown_fid(sbi, fid):
    assert sbi.call(sbi.caller(2, CELL), EXT_BASE, fid) == (NOT_SUPPORTED, 0, RESUME)
    assert sbi.log() == []


# ---------------------------------------------------------------- TIME

@pytest.mark.parametrize("stime", [0, 1, 0x123456789ABCDEF0, U64])
def test_time_set_timer(sbi, stime):
    assert sbi.call(sbi.caller(2, CELL), EXT_TIME, 0, stime) == (SUCCESS, 0, RESUME)
    assert sbi.log() == [("set_guest_timer", stime)]


@pytest.mark.parametrize("fid", [1, 2, 1 << 32, U64])
def test_time_unknown_fid(sbi, fid):
    assert sbi.call(sbi.caller(2, CELL), EXT_TIME, fid, 5) == (NOT_SUPPORTED, 0, RESUME)
    assert sbi.log() == []


# ---------------------------------------------------------------- hart masks

def expected_targets(cell, mask, base):
    """Spec model: the harts a (hart_mask, hart_mask_base) pair names, or None if
    one of them is not available to this supervisor (any hart outside its cell)."""
    if base == ALL:
        return cell
    named = {base + i for i in range(64) if mask >> i & 1}
    if not named <= harts_of(cell):
        return None
    return mask_of(named)


MASK_CASES = [
    # (name, cell, hart_mask, hart_mask_base)
    ("all-ignores-mask", CELL, 0, ALL),
    ("all-garbage-mask", CELL, U64, ALL),
    ("all-high", HIGH_CELL, 0x1234, ALL),
    ("base0-own", CELL, mask_of({1, 5}), 0),
    ("base0-whole-cell", CELL, CELL, 0),
    ("base0-foreign-among-own", CELL, mask_of({1, 2, 4}), 0),
    ("base0-only-foreign", CELL, mask_of({0}), 0),
    ("base0-bit63", CELL, 1 << 63, 0),
    ("base1-own", CELL, 0b10001, 1),  # harts 1 and 5
    ("base2-own", CELL, 0b1011, 2),  # harts 2, 3, 5
    ("base2-foreign", CELL, 0b111, 2),  # hart 4
    ("base5", CELL, 1, 5),
    ("base60-high", HIGH_CELL, 0b1101, 60),  # 60, 62, 63
    ("base60-bit-beyond-63", HIGH_CELL, 0b11101, 60),  # hart 64
    ("base62-mask-bit63", HIGH_CELL, 1 << 63, 62),  # hart 125
    ("base63-two", HIGH_CELL, 0b11, 63),  # 63 and 64
    ("base63-one", HIGH_CELL, 1, 63),
    ("base64", HIGH_CELL, 1, 64),
    ("base-huge", CELL, 1, 1 << 40),
    ("base-minus2", CELL, 1, ALL - 1),
    ("base-minus2-wraps", CELL, 0b1000, ALL - 1),  # base + 3 wraps to hart 1 mod 2^64
    ("empty-base0", CELL, 0, 0),
    ("empty-base3", CELL, 0, 3),
    ("empty-base-foreign", CELL, 0, 4),
    ("empty-base-huge", CELL, 0, 1 << 40),
]


@pytest.mark.parametrize("name,cell,mask,base", MASK_CASES, ids=[c[0] for c in MASK_CASES])
def test_ipi_hart_mask(sbi, name, cell, mask, base):
    caller = sbi.caller(min(harts_of(cell)), cell)
    want = expected_targets(cell, mask, base)
    err, value, action = sbi.call(caller, EXT_IPI, 0, mask, base)
    assert (value, action) == (0, RESUME)
    if want is None:
        assert err == INVALID_PARAM
        assert sbi.log() == []
    else:
        assert err == SUCCESS
        assert sbi.actions() == ([("send_vssip", want)] if want else [])


@pytest.mark.parametrize("name,cell,mask,base", MASK_CASES, ids=[c[0] for c in MASK_CASES])
@pytest.mark.parametrize("fid", [0, 1, 2])
def test_rfence_hart_mask(sbi, name, cell, mask, base, fid):
    caller = sbi.caller(min(harts_of(cell)), cell)
    want = expected_targets(cell, mask, base)
    err, value, action = sbi.call(caller, EXT_RFENCE, fid, mask, base, 0x4000, 0x2000, 7)
    assert (value, action) == (0, RESUME)
    if want is None:
        assert err == INVALID_PARAM
        assert sbi.log() == []
    else:
        assert err == SUCCESS
        fences = sbi.actions()
        assert len(fences) == (1 if want else 0)
        if want:
            assert fences[0][:3] == ("remote_fence", want, fid)


def test_hart_masks_random(sbi):
    """Random cells, masks and bases against the model, for IPI and RFENCE."""
    rng = random.Random(20240611)
    for _ in range(3000):
        cell = mask_of(rng.sample(range(64), rng.randint(1, 8)))
        own = sorted(harts_of(cell))
        base = rng.choice([ALL, 0, rng.choice(own), rng.randrange(64), rng.randrange(1 << 64),
                           max(0, own[0] - rng.randrange(4))])
        if base != ALL and base < 64 and rng.random() < 0.7:
            # mostly the cell's own harts, sometimes one more
            mask = (cell >> base) & rng.getrandbits(64)
            if rng.random() < 0.3:
                mask |= 1 << rng.randrange(64)
        else:
            mask = rng.getrandbits(64) if rng.random() < 0.5 else rng.getrandbits(3)
        caller = sbi.caller(own[0], cell)
        want = expected_targets(cell, mask, base)
        sbi.reset()
        ext, fid = rng.choice([(EXT_IPI, 0), (EXT_RFENCE, 0), (EXT_RFENCE, 1), (EXT_RFENCE, 2)])
        err, _, _ = sbi.call(caller, ext, fid, mask, base, 0, 0, 0)
        sent = [e[1] for e in sbi.actions()]
        if want is None:
            assert (err, sbi.log()) == (INVALID_PARAM, []), (hex(cell), hex(mask), hex(base))
        else:
            assert (err, sent) == (SUCCESS, [want] if want else []), \
                (hex(cell), hex(mask), hex(base))


# ---------------------------------------------------------------- IPI

@pytest.mark.parametrize("fid", [1, 2, U64])
def test_ipi_unknown_fid(sbi, fid):
    assert sbi.call(sbi.caller(2, CELL), EXT_IPI, fid, CELL, 0) == (NOT_SUPPORTED, 0, RESUME)
    assert sbi.log() == []


def test_ipi_to_self_only(sbi):
    assert sbi.call(sbi.caller(2, CELL), EXT_IPI, 0, 1, 2)[0] == SUCCESS
    assert sbi.actions() == [("send_vssip", 1 << 2)]


# ---------------------------------------------------------------- RFENCE

def test_rfence_sfence_vma_passes_range(sbi):
    # The guest's sfence.vma is about its VS-stage translations: the hook gets
    # the request as the guest made it (fid SFENCE_VMA, its range) and turns it
    # into hfence.vvma on the targets (see sbi_arch_remote_fence).
    c = sbi.caller(3, CELL)
    assert sbi.call(c, EXT_RFENCE, 1, 0b11, 2, 0xFFFF0000, 0x3000) == (SUCCESS, 0, RESUME)
    (fence,) = sbi.actions()
    assert fence[:5] == ("remote_fence", mask_of({2, 3}), 1, 0xFFFF0000, 0x3000)


@pytest.mark.parametrize("start,size", [(0, 0), (0x1000, U64), (U64 - 0xFFF, 0x1000)])
def test_rfence_sfence_vma_asid_passes_range_and_asid(sbi, start, size):
    c = sbi.caller(5, CELL)
    assert sbi.call(c, EXT_RFENCE, 2, 0, ALL, start, size, 0x1FF) == (SUCCESS, 0, RESUME)
    assert sbi.actions() == [("remote_fence", CELL, 2, start, size, 0x1FF)]


def test_rfence_fence_i(sbi):
    assert sbi.call(sbi.caller(1, CELL), EXT_RFENCE, 0, 1, 1)[0] == SUCCESS
    (fence,) = sbi.actions()
    assert fence[:3] == ("remote_fence", 1 << 1, 0)


@pytest.mark.parametrize("err", [INVALID_ADDRESS, FAILED])
def test_rfence_hook_error_reaches_the_guest(sbi, err):
    sbi.core.sbi_mock_set_fence_ret(err)
    assert sbi.call(sbi.caller(1, CELL), EXT_RFENCE, 1, 0, ALL, 1, 1) == (err, 0, RESUME)


@pytest.mark.parametrize("fid", [3, 4, 5, 6])
def test_rfence_hypervisor_fences_not_offered(sbi, fid):
    # HFENCE.* are "only valid for harts implementing hypervisor extension";
    # the harts a guest sees do not.
    assert sbi.call(sbi.caller(1, CELL), EXT_RFENCE, fid, 0, ALL, 0, 0, 1) == \
        (NOT_SUPPORTED, 0, RESUME)
    assert sbi.log() == []


@pytest.mark.parametrize("fid", [7, 8, 1 << 32, U64])
def test_rfence_unknown_fid(sbi, fid):
    assert sbi.call(sbi.caller(1, CELL), EXT_RFENCE, fid, 0, ALL) == (NOT_SUPPORTED, 0, RESUME)
    assert sbi.log() == []


# ---------------------------------------------------------------- HSM

@pytest.mark.parametrize("hart", [1, 3, 5])
def test_hsm_start_own_hart(sbi, hart):
    c = sbi.caller(2, CELL)
    assert sbi.call(c, EXT_HSM, 0, hart, 0x80200000, 0xABCDEF) == (SUCCESS, 0, RESUME)
    assert sbi.actions() == [("hart_start", hart, 0x80200000, 0xABCDEF)]


@pytest.mark.parametrize("addr", [0x7FFFFFFE, 0x80100000, 0x80100001, 0xBBE00000, 0, U64 & ~3])
def test_hsm_start_outside_executable_memory_is_an_invalid_address(sbi, addr):
    # SBI spec, hart_start: SBI_ERR_INVALID_ADDRESS "start_addr is not valid, possibly
    # due to ... it is not a valid physical address, or the address is prohibited by
    # PMP or H-extension G-stage to run in supervisor mode"; nothing is started.
    sbi.core.sbi_mock_set_executable(0x80000000, 0x100000)
    assert sbi.call(sbi.caller(2, CELL), EXT_HSM, 0, 3, addr, 0) == \
        (INVALID_ADDRESS, 0, RESUME)
    assert sbi.actions() == []
    assert ("can_execute", addr) in sbi.log()


@pytest.mark.parametrize("addr", [0x80000000, 0x800FFFFE])
def test_hsm_start_inside_executable_memory(sbi, addr):
    sbi.core.sbi_mock_set_executable(0x80000000, 0x100000)
    assert sbi.call(sbi.caller(2, CELL), EXT_HSM, 0, 3, addr, 7) == (SUCCESS, 0, RESUME)
    assert sbi.actions() == [("hart_start", 3, addr, 7)]


@pytest.mark.parametrize("err", [ALREADY_AVAILABLE, INVALID_ADDRESS, FAILED])
def test_hsm_start_hook_error_reaches_the_guest(sbi, err):
    sbi.core.sbi_mock_set_start_ret(err)
    assert sbi.call(sbi.caller(2, CELL), EXT_HSM, 0, 3, 0x1000, 0) == (err, 0, RESUME)


@pytest.mark.parametrize("hart", [0, 4, 6, 63, 64, 65, 1 << 40, U64])
def test_hsm_start_foreign_hart_refused(sbi, hart):
    assert sbi.call(sbi.caller(2, CELL), EXT_HSM, 0, hart, 0x1000, 0) == \
        (INVALID_PARAM, 0, RESUME)
    assert sbi.log() == []


def test_hsm_stop(sbi):
    assert sbi.call(sbi.caller(2, CELL), EXT_HSM, 1) == (SUCCESS, 0, STOP_HART)
    assert sbi.actions() == []


@pytest.mark.parametrize("state", [STARTED, STOPPED, START_PENDING, STOP_PENDING,
                                   SUSPENDED, SUSPEND_PENDING, RESUME_PENDING])
def test_hsm_get_status(sbi, state):
    assert sbi.core.sbi_mock_set_hart_state(5, state)
    assert sbi.call(sbi.caller(2, CELL), EXT_HSM, 2, 5) == (SUCCESS, state, RESUME)
    assert sbi.actions() == []


@pytest.mark.parametrize("hart", [0, 4, 63, 64, U64])
def test_hsm_get_status_foreign_hart_refused(sbi, hart):
    assert sbi.call(sbi.caller(2, CELL), EXT_HSM, 2, hart) == (INVALID_PARAM, 0, RESUME)
    assert sbi.log() == []


def test_hsm_default_retentive_suspend_waits(sbi):
    # the arch code waits for an interrupt, then resumes the caller with a0 = 0
    for stype in (0x00000000, 0xFFFF << 32):
        assert sbi.call(sbi.caller(2, CELL), EXT_HSM, 3, stype, 0x1000, 7) == \
            (SUCCESS, 0, SUSPEND)
    assert sbi.actions() == []


@pytest.mark.parametrize("stype,err", [
    # default non-retentive: defined, not offered by this implementation
    (0x80000000, NOT_SUPPORTED),
    # reserved
    (0x00000001, INVALID_PARAM), (0x0FFFFFFF, INVALID_PARAM),
    (0x80000001, INVALID_PARAM), (0x8FFFFFFF, INVALID_PARAM),
    # platform specific, none implemented
    (0x10000000, INVALID_PARAM), (0x7FFFFFFF, INVALID_PARAM),
    (0x90000000, INVALID_PARAM), (0xFFFFFFFF, INVALID_PARAM),
    # suspend_type is 32 bits wide: only those count
    ((1 << 32) | 0x00000001, INVALID_PARAM), ((0xFFFF << 32) | 0x80000000, NOT_SUPPORTED),
])
def test_hsm_suspend(sbi, stype, err):
    assert sbi.call(sbi.caller(2, CELL), EXT_HSM, 3, stype, 0x1000, 0) == (err, 0, RESUME)
    assert sbi.actions() == []


@pytest.mark.parametrize("fid", [4, 5, 1 << 32, U64])
def test_hsm_unknown_fid(sbi, fid):
    assert sbi.call(sbi.caller(2, CELL), EXT_HSM, fid, 3) == (NOT_SUPPORTED, 0, RESUME)
    assert sbi.log() == []


# ---------------------------------------------------------------- SRST

@pytest.mark.parametrize("rtype", [0, 1, 2])
@pytest.mark.parametrize("reason", [0, 1])
def test_srst_cell_resets_itself(sbi, rtype, reason):
    sbi.core.sbi_mock_set_root(False)
    err, _, action = sbi.call(sbi.caller(2, CELL), EXT_SRST, 0, rtype, reason)
    assert (err, action) == (SUCCESS, RESET)
    assert sbi.actions() == []


@pytest.mark.parametrize("rtype", [0, 1, 2])
@pytest.mark.parametrize("reason", [0, 1])
def test_srst_root_goes_to_firmware(sbi, rtype, reason):
    sbi.core.sbi_mock_set_root(True)
    # the firmware returns only when it refuses
    sbi.core.sbi_mock_set_firmware_ret(FAILED, 0)
    assert sbi.call(sbi.caller(0, 1), EXT_SRST, 0, rtype, reason) == (FAILED, 0, RESUME)
    assert sbi.actions() == [("firmware_call", EXT_SRST, 0, rtype, reason, 0, 0, 0, 0)]


def test_srst_uses_32_bit_arguments(sbi):
    # reset_type and reset_reason are uint32_t: bits above 31 carry nothing
    sbi.core.sbi_mock_set_root(True)
    sbi.core.sbi_mock_set_firmware_ret(FAILED, 0)
    sbi.call(sbi.caller(0, 1), EXT_SRST, 0, (7 << 32) | 1, (1 << 40) | 1)
    assert sbi.actions() == [("firmware_call", EXT_SRST, 0, 1, 1, 0, 0, 0, 0)]
    sbi.reset()
    sbi.core.sbi_mock_set_root(False)
    assert sbi.call(sbi.caller(2, CELL), EXT_SRST, 0, 1 << 32, 0)[::2] == (SUCCESS, RESET)


@pytest.mark.parametrize("root", [False, True])
@pytest.mark.parametrize("rtype,reason", [
    (3, 0), (0xEFFFFFFF, 0), (0xF0000000, 0), (0xFFFFFFFF, 0),  # reserved / vendor types
    (0, 2), (1, 0xDFFFFFFF), (0, 0xE0000000), (2, 0xF0000000), (0, 0xFFFFFFFF),  # reasons
])
def test_srst_invalid_type_or_reason(sbi, root, rtype, reason):
    sbi.core.sbi_mock_set_root(root)
    assert sbi.call(sbi.caller(2, CELL), EXT_SRST, 0, rtype, reason) == \
        (INVALID_PARAM, 0, RESUME)
    assert sbi.actions() == []


@pytest.mark.parametrize("fid", [1, 2, U64])
def test_srst_unknown_fid(sbi, fid):
    sbi.core.sbi_mock_set_root(False)
    assert sbi.call(sbi.caller(2, CELL), EXT_SRST, fid, 0, 0) == (NOT_SUPPORTED, 0, RESUME)
    assert sbi.log() == []


# ---------------------------------------------------------------- DBCN

GUEST = 0x80000000
CHUNKY = [0, 1, 2, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000, 4095, 4096]
# What one DBCN write prints at most (SBI_DBCN_WRITE_MAX): the rest is a partial write.
DBCN_WRITE_MAX = 256


def text(n, seed=1):
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n))


def written(sbi):
    """The console hook calls must add up to what the console received."""
    writes = [e for e in sbi.log() if e[0] == "console_write"]
    at = 0
    for _, offset, length in writes:
        assert offset == at and length > 0
        at += length
    assert at == len(sbi.console())
    return sbi.console()


@pytest.mark.parametrize("n", CHUNKY)
@pytest.mark.parametrize("offset", [0, 1, 63])
def test_dbcn_write(sbi, n, offset):
    mem = text(8192)
    sbi.add_region(GUEST, mem)
    c = sbi.caller(2, CELL)
    done = min(n, DBCN_WRITE_MAX)
    assert sbi.call(c, EXT_DBCN, 0, n, GUEST + offset, 0) == (SUCCESS, done, RESUME)
    assert written(sbi) == mem[offset:offset + done]
    assert {e[0] for e in sbi.actions()} <= {"console_write"}


def test_dbcn_write_whole_region_in_bounded_parts(sbi):
    # A guest writing a long buffer gets partial writes, as the spec allows, and
    # moves on by what each call reports: together they print the whole buffer.
    mem = text(4096, seed=2)
    sbi.add_region(GUEST, mem)
    at, calls, c = 0, 0, sbi.caller(2, CELL)
    while at < len(mem):
        err, value, action = sbi.call(c, EXT_DBCN, 0, len(mem) - at, GUEST + at, 0)
        assert (err, action) == (SUCCESS, RESUME)
        assert value == min(DBCN_WRITE_MAX, len(mem) - at)
        at, calls = at + value, calls + 1
    assert calls == 4096 // DBCN_WRITE_MAX
    assert written(sbi) == mem


@pytest.mark.parametrize("length", [DBCN_WRITE_MAX + 1, 16384, 1 << 40, U64])
def test_dbcn_write_of_any_length_reads_only_the_bounded_part(sbi, length):
    # A flooding or hostile guest cannot make one call cost more than the bound:
    # the hypervisor reads and prints DBCN_WRITE_MAX bytes, whatever num_bytes says.
    mem = text(DBCN_WRITE_MAX, seed=11)
    sbi.add_region(GUEST, mem)
    assert sbi.call(sbi.caller(2, CELL), EXT_DBCN, 0, length, GUEST, 0) == \
        (SUCCESS, DBCN_WRITE_MAX, RESUME)
    assert written(sbi) == mem
    read = sum(e[2] for e in sbi.log() if e[0] == "read_guest")
    assert read == 2 * DBCN_WRITE_MAX  # the check, then the copy


def test_dbcn_write_across_adjacent_regions(sbi):
    # every byte is guest memory, just not in one region
    a, b = text(100, seed=3), text(300, seed=4)
    sbi.add_region(GUEST, a)
    sbi.add_region(GUEST + 100, b)
    assert sbi.call(sbi.caller(2, CELL), EXT_DBCN, 0, 250, GUEST + 30, 0) == \
        (SUCCESS, 250, RESUME)
    assert written(sbi) == (a + b)[30:280]


@pytest.mark.parametrize("length,offset", [
    (65, 4096 - 64),  # last byte out, second chunk
    (200, 4096 - 199),  # last byte out, fourth chunk
    (64, 4096 - 63),  # one chunk, last byte out
    (1, 4096),  # just past the end
    (4097, 4096 - 255),  # the bounded part's last byte out
    (100, -10),  # starts below the region
    (1 << 40, 4000),  # far too long, and the bounded part runs out
    (U64, 4096 - 1),
])
def test_dbcn_write_partly_outside_guest_memory(sbi, length, offset):
    # Shared memory rule: the SBI implementation MUST check the range it uses;
    # a range that is not all guest memory is refused with nothing written.
    sbi.add_region(GUEST, text(4096))
    assert sbi.call(sbi.caller(2, CELL), EXT_DBCN, 0, length, GUEST + offset, 0) == \
        (INVALID_PARAM, 0, RESUME)
    assert written(sbi) == b""
    assert [e for e in sbi.actions()] == []


def test_dbcn_write_over_a_hole(sbi):
    sbi.add_region(GUEST, text(128))
    sbi.add_region(GUEST + 129, text(128))  # one byte missing between them
    assert sbi.call(sbi.caller(2, CELL), EXT_DBCN, 0, 200, GUEST + 10, 0) == \
        (INVALID_PARAM, 0, RESUME)
    assert written(sbi) == b""


def test_dbcn_write_does_not_wrap_the_address_space(sbi):
    top = (1 << 64) - 4096
    sbi.add_region(top, text(4096, seed=5))
    sbi.add_region(0, text(4096, seed=6))
    assert sbi.call(sbi.caller(2, CELL), EXT_DBCN, 0, 200, top + 4000, 0) == \
        (INVALID_PARAM, 0, RESUME)
    assert written(sbi) == b""
    # while the last byte of the address space is fine
    assert sbi.call(sbi.caller(2, CELL), EXT_DBCN, 0, 96, top + 4000, 0) == (SUCCESS, 96, RESUME)


@pytest.mark.parametrize("hi", [1, 1 << 63, U64])
def test_dbcn_write_high_address(sbi, hi):
    # base_addr_hi holds address bits 64 and up: no guest memory there on RV64
    sbi.add_region(GUEST, text(4096))
    assert sbi.call(sbi.caller(2, CELL), EXT_DBCN, 0, 10, GUEST, hi) == \
        (INVALID_PARAM, 0, RESUME)
    assert sbi.actions() == []


def test_dbcn_write_nothing_mapped(sbi):
    assert sbi.call(sbi.caller(2, CELL), EXT_DBCN, 0, 10, GUEST, 0) == (INVALID_PARAM, 0, RESUME)
    assert sbi.actions() == []


def test_dbcn_write_random(sbi):
    rng = random.Random(99)
    regions = [(GUEST, text(3000, seed=7)), (GUEST + 3000, text(1000, seed=8)),
               (GUEST + 8192, text(500, seed=9))]

    def readable(lo, n):
        return all(any(g <= a < g + len(d) for g, d in regions) for a in range(lo, lo + n))

    def content(lo, n):
        out = b""
        for a in range(lo, lo + n):
            g, d = next((g, d) for g, d in regions if g <= a < g + len(d))
            out += d[a - g:a - g + 1]
        return out

    for _ in range(300):
        sbi.reset()
        for g, d in regions:
            sbi.add_region(g, d)
        lo = GUEST + rng.randrange(-100, 8800)
        n = rng.choice([rng.randrange(0, 300), rng.randrange(0, 5000)])
        err, value, _ = sbi.call(sbi.caller(2, CELL), EXT_DBCN, 0, n, lo, 0)
        n = min(n, DBCN_WRITE_MAX)
        if readable(lo, n):
            assert (err, value, written(sbi)) == (SUCCESS, n, content(lo, n))
        else:
            assert (err, value, written(sbi)) == (INVALID_PARAM, 0, b"")


def send_input(sbi, data):
    sbi.core.sbi_mock_set_input(bytes(data), len(data))


@pytest.mark.parametrize("waiting,asked,got", [(0, 64, 0), (5, 64, 5), (100, 64, 64),
                                               (100, 1000, 64), (10, 3, 3), (10, 0, 0)])
def test_dbcn_read_takes_waiting_input(sbi, waiting, asked, got):
    # "returns the number of bytes read": at most what waits, what was asked, one chunk (64)
    buf = sbi.add_region(GUEST, b"\xee" * 2048, writable=True)
    data = text(waiting, seed=7)
    send_input(sbi, data)
    assert sbi.call(sbi.caller(2, CELL), EXT_DBCN, 1, asked, GUEST, 0) == (SUCCESS, got, RESUME)
    assert buf.raw[:got] == data[:got]
    assert buf.raw[got:] == b"\xee" * (2048 - got)
    assert sbi.core.sbi_mock_input_left() == waiting - got


@pytest.mark.parametrize("where", ["read-only", "outside", "runs off", "hi half"])
def test_dbcn_read_bad_buffer_takes_no_input(sbi, where):
    ro = sbi.add_region(GUEST, b"\0" * 64)
    sbi.add_region(GUEST + 0x1000, b"\0" * 64, writable=True)
    base, hi = {"read-only": (GUEST, 0), "outside": (GUEST + 0x8000, 0),
                "runs off": (GUEST + 0x1000 + 60, 0), "hi half": (GUEST + 0x1000, 1)}[where]
    send_input(sbi, b"keep me")
    assert sbi.call(sbi.caller(2, CELL), EXT_DBCN, 1, 8, base, hi) == (INVALID_PARAM, 0, RESUME)
    assert sbi.core.sbi_mock_input_left() == 7
    assert ro.raw == b"\0" * 64
    assert [e for e in sbi.actions() if e[0] == "console_getchar"] == []


@pytest.mark.parametrize("byte", [0x00, 0x41, 0x7F, 0xFF, 0x141, U64])
def test_dbcn_write_byte(sbi, byte):
    assert sbi.call(sbi.caller(2, CELL), EXT_DBCN, 2, byte) == (SUCCESS, 0, RESUME)
    assert written(sbi) == bytes([byte & 0xFF])


@pytest.mark.parametrize("fid", [3, 4, 1 << 32, U64])
def test_dbcn_unknown_fid(sbi, fid):
    sbi.add_region(GUEST, text(64))
    assert sbi.call(sbi.caller(2, CELL), EXT_DBCN, fid, 4, GUEST, 0) == \
        (NOT_SUPPORTED, 0, RESUME)
    assert sbi.log() == []


# ---------------------------------------------------------------- legacy
# Legacy calls ignore a6 (the FID) and return their value in a0 only (the arch
# code leaves a1 alone for EIDs below 0x10), so only ret.error is checked.

LEGACY_FIDS = [0, 1, 0x55, U64]


@pytest.mark.parametrize("fid", LEGACY_FIDS)
def test_legacy_set_timer(sbi, fid):
    err, _, action = sbi.call(sbi.caller(2, CELL), LEGACY_SET_TIMER, fid, 0xFEDCBA9876543210)
    assert (err, action) == (0, RESUME)
    assert sbi.actions() == [("set_guest_timer", 0xFEDCBA9876543210)]


@pytest.mark.parametrize("fid", LEGACY_FIDS)
def test_legacy_putchar(sbi, fid):
    err, _, action = sbi.call(sbi.caller(2, CELL), LEGACY_PUTCHAR, fid, 0x100 | ord("Z"))
    assert (err, action) == (0, RESUME)
    assert written(sbi) == b"Z"


@pytest.mark.parametrize("fid", LEGACY_FIDS)
@pytest.mark.parametrize("ch", [ord("q"), 0, 0xFF, -1])
def test_legacy_getchar(sbi, fid, ch):
    # "returns the byte on success, or -1 for failure", in a0
    sbi.core.sbi_mock_set_getchar(ch)
    err, _, action = sbi.call(sbi.caller(2, CELL), LEGACY_GETCHAR, fid)
    assert (err, action) == (ch, RESUME)
    assert sbi.actions() == [("console_getchar",)]


@pytest.mark.parametrize("fid", LEGACY_FIDS)
def test_legacy_clear_ipi(sbi, fid):
    err, _, action = sbi.call(sbi.caller(2, CELL), LEGACY_CLEAR_IPI, fid)
    assert err >= 0 and action == RESUME
    assert sbi.actions() == [("clear_vssip",)]


@pytest.mark.parametrize("fid", LEGACY_FIDS)
def test_legacy_shutdown_of_a_cell(sbi, fid):
    sbi.core.sbi_mock_set_root(False)
    assert sbi.call(sbi.caller(2, CELL), LEGACY_SHUTDOWN, fid, 7, 7)[2] == RESET
    assert sbi.actions() == []


def test_legacy_shutdown_of_the_root(sbi):
    sbi.core.sbi_mock_set_root(True)
    sbi.core.sbi_mock_set_firmware_ret(FAILED, 0)
    # arguments are not part of the call: a shutdown whatever a0/a1 hold
    err, _, action = sbi.call(sbi.caller(0, 1), LEGACY_SHUTDOWN, 0, 5, 9)
    assert action == RESUME and err < 0
    assert sbi.actions() == [("firmware_call", EXT_SRST, 0, 0, 0, 0, 0, 0, 0)]


@pytest.mark.parametrize("ext", [LEGACY_SEND_IPI, LEGACY_FENCE_I, LEGACY_SFENCE_VMA,
                                 LEGACY_SFENCE_VMA_ASID, *range(9, 16)])
def test_legacy_not_offered(sbi, ext):
    assert sbi.call(sbi.caller(2, CELL), ext, 0, 0x1000, 0, 0, 0)[::2] == (NOT_SUPPORTED, RESUME)
    assert sbi.log() == []
