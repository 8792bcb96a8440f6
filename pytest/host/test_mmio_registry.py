"""The MMIO registry (hypervisor/core/mmio/mmio_registry.c): windows registered per cell, the look-up
of a faulting guest-physical address, and the decoded access carried out on the device (a fake
device from pytest/host/support/mmio_fake.c that records what it is asked)."""
import ctypes

import pytest

OK, EFAULT, EINVAL = 0, -1, -2
PLIC = (0x0C000000, 0x600000)


class InsnMmio(ctypes.Structure):
    """struct insn_mmio (hypervisor/include/insn_decode.h)."""
    _fields_ = [("is_store", ctypes.c_bool), ("width", ctypes.c_uint8),
                ("sign_extend", ctypes.c_bool), ("reg", ctypes.c_uint8),
                ("length", ctypes.c_uint8)]


class Fake(ctypes.Structure):
    """struct mmio_fake (support/mmio_fake.c)."""
    _fields_ = [("answer", ctypes.c_uint64), ("error", ctypes.c_int),
                ("accesses", ctypes.c_uint), ("op", ctypes.c_char),
                ("offset", ctypes.c_uint64), ("value", ctypes.c_uint64),
                ("width", ctypes.c_uint)]


@pytest.fixture()
def lib(core):
    u64, vp, uint = ctypes.c_uint64, ctypes.c_void_p, ctypes.c_uint
    sigs = {
        "mmio_register": (ctypes.c_int, [vp, u64, u64, vp, vp]),
        "mmio_fake_find": (vp, [vp, u64]),
        "mmio_host_access": (ctypes.c_int, [vp, u64, ctypes.POINTER(InsnMmio),
                                       ctypes.POINTER(u64)]),
        "mmio_fake_cell": (vp, []),
        "mmio_fake_device": (ctypes.POINTER(Fake), []),
        "mmio_fake_free": (None, [vp]),
        "mmio_fake_cell_windows": (uint, [vp]),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(core, name)
        fn.restype, fn.argtypes = restype, argtypes
    return core


@pytest.fixture()
def cell(lib):
    c = lib.mmio_fake_cell()
    yield c
    lib.mmio_fake_free(c)


def ops(lib):
    return ctypes.cast(lib.mmio_fake_ops, ctypes.c_void_p)


def device(lib):
    return lib.mmio_fake_device()


def register(lib, cell, base, size, dev):
    return lib.mmio_register(cell, base, size, ops(lib), ctypes.cast(dev, ctypes.c_void_p))


def test_look_up_finds_the_window_and_nothing_outside(lib, cell):
    dev = device(lib)
    assert register(lib, cell, *PLIC, dev) == OK
    base, size = PLIC
    for gpa in (base, base + 4, base + size - 1):
        assert lib.mmio_fake_find(cell, gpa) is not None
    for gpa in (base - 1, base + size, 0, 2**64 - 1):
        assert lib.mmio_fake_find(cell, gpa) is None


WINDOWS = 17  # CELL_MMIO_REGIONS: the PLIC and a doorbell page per link end (16)


def test_overlapping_empty_wrapping_and_one_window_too_many_are_refused(lib, cell):
    dev = device(lib)
    assert register(lib, cell, 0x1000, 0x1000, dev) == OK
    assert register(lib, cell, 0x1800, 0x1000, dev) == EINVAL
    assert register(lib, cell, 0x0800, 0x1000, dev) == EINVAL
    assert register(lib, cell, 0x5000, 0, dev) == EINVAL
    assert register(lib, cell, 2**64 - 0x1000, 0x2000, dev) == EINVAL
    for i in range(WINDOWS - 1):
        assert register(lib, cell, 0x10000 * (i + 1), 0x1000, dev) == OK
    assert register(lib, cell, 0x900000, 0x1000, dev) == EINVAL
    assert lib.mmio_fake_cell_windows(cell) == WINDOWS


def test_registering_again_replaces_the_window(lib, cell):
    first, second = device(lib), device(lib)
    assert register(lib, cell, *PLIC, first) == OK
    assert register(lib, cell, *PLIC, second) == OK
    assert lib.mmio_fake_cell_windows(cell) == 1
    regs = (ctypes.c_uint64 * 32)()
    acc = InsnMmio(is_store=False, width=4, sign_extend=False, reg=5, length=4)
    assert lib.mmio_host_access(lib.mmio_fake_find(cell, PLIC[0]), PLIC[0], acc, regs) == OK
    assert (first.contents.accesses, second.contents.accesses) == (0, 1)


def test_load_sets_the_register_sign_or_zero_extended(lib, cell):
    dev = device(lib)
    register(lib, cell, *PLIC, dev)
    win = lib.mmio_fake_find(cell, PLIC[0] + 0x200004)
    regs = (ctypes.c_uint64 * 32)(*range(100, 132))
    dev.contents.answer = 0x80000005
    acc = InsnMmio(is_store=False, width=4, sign_extend=True, reg=10, length=4)
    assert lib.mmio_host_access(win, PLIC[0] + 0x200004, acc, regs) == OK
    assert regs[10] == 0xFFFFFFFF80000005
    assert (dev.contents.op, dev.contents.offset, dev.contents.width) == (b"r", 0x200004, 4)
    acc = InsnMmio(is_store=False, width=4, sign_extend=False, reg=11, length=2)
    assert lib.mmio_host_access(win, PLIC[0] + 0x200004, acc, regs) == OK
    assert regs[11] == 0x80000005
    # x0 discards what was read.
    acc = InsnMmio(is_store=False, width=4, sign_extend=True, reg=0, length=4)
    assert lib.mmio_host_access(win, PLIC[0], acc, regs) == OK
    assert regs[0] == 100 and dev.contents.accesses == 3


def test_store_writes_the_low_bytes_of_the_source_register(lib, cell):
    dev = device(lib)
    register(lib, cell, *PLIC, dev)
    win = lib.mmio_fake_find(cell, PLIC[0])
    regs = (ctypes.c_uint64 * 32)()
    regs[7] = 0x1122334455667788
    acc = InsnMmio(is_store=True, width=4, sign_extend=False, reg=7, length=4)
    assert lib.mmio_host_access(win, PLIC[0] + 0x2080, acc, regs) == OK
    assert (dev.contents.op, dev.contents.offset, dev.contents.value,
            dev.contents.width) == (b"w", 0x2080, 0x55667788, 4)
    assert regs[7] == 0x1122334455667788


def test_a_refused_access_leaves_the_registers_alone(lib, cell):
    dev = device(lib)
    register(lib, cell, *PLIC, dev)
    dev.contents.error = EFAULT
    win = lib.mmio_fake_find(cell, PLIC[0])
    regs = (ctypes.c_uint64 * 32)(*range(32))
    acc = InsnMmio(is_store=False, width=8, sign_extend=False, reg=9, length=4)
    assert lib.mmio_host_access(win, PLIC[0] + 8, acc, regs) == EFAULT
    assert list(regs) == list(range(32))
    acc = InsnMmio(is_store=True, width=1, sign_extend=False, reg=9, length=4)
    assert lib.mmio_host_access(win, PLIC[0] + 8, acc, regs) == EFAULT
    assert (dev.contents.op, dev.contents.width, dev.contents.value) == (b"w", 1, 9)


def test_word_access_fast_decode_agrees_with_the_decoder(lib):
    """mmio_decode_word_access() (inline; mmio_host_decode_word_access() calls it) takes LW, SW,
    C.LW and C.SW only, and decodes them exactly as
    insn_decode_raw() does: every 16-bit value, and 32-bit ones around LW/SW."""
    import random
    fast, raw = lib.mmio_host_decode_word_access, lib.insn_decode_raw
    fast.restype, fast.argtypes = ctypes.c_bool, [ctypes.c_uint32, ctypes.POINTER(InsnMmio)]
    raw.restype, raw.argtypes = ctypes.c_int, [ctypes.c_uint32, ctypes.POINTER(InsnMmio)]
    rng = random.Random(7)
    values = list(range(1 << 16))
    values += [rng.getrandbits(32) for _ in range(50000)]
    values += [(rng.getrandbits(25) << 7) | op for op in (0x03, 0x23) for _ in range(20000)]
    taken = 0
    for v in values:
        a, b = InsnMmio(), InsnMmio()
        if fast(v, ctypes.byref(a)):
            taken += 1
            assert raw(v, ctypes.byref(b)) == 0, hex(v)
            assert (a.is_store, a.width, a.sign_extend, a.reg, a.length) == \
                (b.is_store, b.width, b.sign_extend, b.reg, b.length), hex(v)
            assert a.width == 4
        else:
            f3, op = (v >> 12) & 7, v & 0x7F
            assert not ((v & 3) == 3 and f3 == 2 and op in (0x03, 0x23)), hex(v)
            assert not ((v & 3) == 0 and (v & 0xE000) in (0x4000, 0xC000)), hex(v)
    assert taken > 10000
