"""A cell's console input (hypervisor/core/console_input.c).

A FIFO of CONSOLE_INPUT_SIZE bytes: a push takes what fits and says how much,
a pop gives the oldest bytes first; the counters may wrap at 2^32. The model is
a Python bytearray of what waits.
"""
import ctypes
import random
import struct

import pytest

SIZE = 1024  # CONSOLE_INPUT_SIZE
HEADER = 8  # head and tail, u32 each


@pytest.fixture(scope="module")
def lib(core):
    core.console_input_push.restype = ctypes.c_size_t
    core.console_input_push.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    core.console_input_pop.restype = ctypes.c_size_t
    core.console_input_pop.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
    return core


def fifo(start=0):
    # Twice the struct's size: a write past its end would show in the guard bytes.
    buf = ctypes.create_string_buffer(2 * (HEADER + SIZE))
    struct.pack_into("<II", buf, 0, start, start)
    return buf


def pop(lib, buf, n):
    out = ctypes.create_string_buffer(n + 1)
    got = lib.console_input_pop(buf, out, n)
    return out.raw[:got]


@pytest.mark.parametrize("start", [0, 0xFFFFFF00])
def test_fifo_against_model(lib, start):
    rng = random.Random(start)
    buf, waiting = fifo(start), bytearray()
    for _ in range(3000):
        if rng.random() < 0.5:
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 700)))
            took = lib.console_input_push(buf, data, len(data))
            assert took == min(len(data), SIZE - len(waiting))
            waiting += data[:took]
        else:
            n = rng.randrange(0, 700)
            assert pop(lib, buf, n) == bytes(waiting[:n])
            del waiting[:n]
    assert buf.raw[HEADER + SIZE:] == bytes(len(buf.raw) - HEADER - SIZE)


def test_full_takes_nothing_and_empty_gives_nothing(lib):
    buf = fifo()
    assert lib.console_input_push(buf, b"x" * (SIZE + 5), SIZE + 5) == SIZE
    assert lib.console_input_push(buf, b"y", 1) == 0
    assert pop(lib, buf, 3) == b"xxx"
    assert lib.console_input_push(buf, b"abcd", 4) == 3
    assert pop(lib, buf, 2 * SIZE) == b"x" * (SIZE - 3) + b"abc"
    assert pop(lib, buf, 10) == b""
