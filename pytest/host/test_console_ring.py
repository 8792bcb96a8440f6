"""Hypervisor console ring (hypervisor/core/console_ring.c).

Positions count every byte ever written. The model is the whole history as a
Python bytes object: the ring holds its last CONSOLE_RING_SIZE bytes; a read
from a position older than that starts at the oldest byte held, and a read at
or past the head gets nothing.
"""
import ctypes
import random

import pytest

SIZE = 16384  # CONSOLE_RING_SIZE


class ConsoleRing(ctypes.Structure):
    _fields_ = [("head", ctypes.c_uint64), ("buf", ctypes.c_char * SIZE)]


@pytest.fixture(scope="module")
def lib(core):
    core.console_ring_put.restype = None
    core.console_ring_put.argtypes = [ctypes.c_void_p, ctypes.c_char]
    core.console_ring_read.restype = ctypes.c_size_t
    core.console_ring_read.argtypes = [ctypes.c_void_p, ctypes.c_uint64, ctypes.c_void_p,
                                       ctypes.c_size_t, ctypes.POINTER(ctypes.c_uint64)]
    return core


class Ring:
    def __init__(self, lib):
        self.lib = lib
        self.ring = ConsoleRing()
        self.history = bytearray()

    def put(self, data):
        for b in data:
            self.lib.console_ring_put(ctypes.byref(self.ring), bytes([b]))
        self.history += data

    def read(self, pos, length):
        """Returns (start, bytes); checks nothing is written past what was returned."""
        dst = ctypes.create_string_buffer(b"\xee" * (length + 16), length + 16)
        start = ctypes.c_uint64(0xDEAD)
        n = self.lib.console_ring_read(ctypes.byref(self.ring), pos, dst, length,
                                       ctypes.byref(start))
        assert n <= length
        assert dst.raw[n:] == b"\xee" * (length + 16 - n)
        return start.value, dst.raw[:n]

    def expect(self, pos, length):
        head = len(self.history)
        oldest = max(0, head - SIZE)
        start = min(max(pos, oldest), head)
        return start, bytes(self.history[start:start + length])


def text(n, seed):
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n))


def test_empty(lib):
    r = Ring(lib)
    assert r.read(0, 10) == (0, b"")
    assert r.read(5, 10) == (0, b"")


def test_put_and_read(lib):
    r = Ring(lib)
    r.put(b"hello, world\n")
    assert r.ring.head == 13
    assert r.read(0, 100) == (0, b"hello, world\n")
    assert r.read(7, 5) == (7, b"world")
    assert r.read(12, 1) == (12, b"\n")
    assert r.read(0, 0) == (0, b"")


def test_read_at_or_past_head_gets_nothing(lib):
    r = Ring(lib)
    r.put(b"abc")
    assert r.read(3, 10) == (3, b"")
    start, got = r.read(4, 10)
    assert got == b"" and start == 3
    start, got = r.read(1 << 63, 10)
    assert got == b"" and start == 3
    start, got = r.read((1 << 64) - 1, 10)
    assert got == b"" and start == 3


def test_full_ring_holds_everything(lib):
    r = Ring(lib)
    data = text(SIZE, 1)
    r.put(data)
    assert r.read(0, SIZE + 100) == (0, data)


def test_wrap_around(lib):
    r = Ring(lib)
    data = text(SIZE + 1000, 2)
    r.put(data)
    assert r.ring.head == SIZE + 1000
    # older than what is held: start at the oldest byte held
    assert r.read(0, SIZE * 2) == (1000, data[1000:])
    assert r.read(999, 10) == (1000, data[1000:1010])
    assert r.read(1000, 10) == (1000, data[1000:1010])
    # across the physical end of the buffer
    assert r.read(SIZE - 5, 10) == (SIZE - 5, data[SIZE - 5:SIZE + 5])
    assert r.read(SIZE + 990, 100) == (SIZE + 990, data[-10:])


def test_many_laps(lib):
    r = Ring(lib)
    data = text(5 * SIZE + 123, 3)
    r.put(data)
    head = len(data)
    assert r.read(0, SIZE) == (head - SIZE, data[-SIZE:])
    assert r.read(head - 1, 5) == (head - 1, data[-1:])


@pytest.mark.parametrize("seed", [1, 2])
def test_random_against_model(lib, seed):
    rng = random.Random(seed)
    r = Ring(lib)
    for step in range(300):
        if rng.random() < 0.4:
            r.put(text(rng.choice([1, 7, 100, 1000, 5000]), seed * 1000 + step))
        head = len(r.history)
        pos = rng.choice([0, rng.randrange(head + 1), head, head + rng.randrange(1, 100),
                          max(0, head - SIZE) + rng.randrange(-50, 50), head - 1])
        pos = max(pos, 0)
        length = rng.choice([0, 1, 10, 1000, SIZE, SIZE + 10])
        assert r.read(pos, length) == r.expect(pos, length), (head, pos, length)
