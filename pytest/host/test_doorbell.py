"""Doorbells between cells (hypervisor/core/ivc/doorbell.c, docs/shared-memory.md) on the host:
the board's system config and its ivshmem cells created through the real control.c, each
guest access made as the MMIO exit path hands it to the device (support/doorbell_host.c).
A ring to a present, configured peer makes the peer's virtual line pending in its vPLIC,
claimable once enabled, coalesced while pending; any other ring is refused and counted; a
destroyed end is absent at once, and its re-created successor sees nothing stale."""
import ctypes

import pytest

from test_control import Board, CONFIGS, BUILD, OK, hv  # noqa: F401

ID, LINK, PEERS, RING, PENDING, REFUSED = 0x0, 0x4, 0x8, 0xC, 0x10, 0x14
ROOT_BELL = 0xBFDF0000
CELL_BELL = (0x90100000, 0x90101000)  # ivshmem-demo: link 1, link 2 (ivshmem-ping: link 2 only)
PLIC = 0x0C000000
LINE = 96
EXIT_MMIO, EXIT_DOORBELL = 10, 14
MMIO_EFAULT = -1


def cell_file(name):
    return (BUILD / "configs" / f"{name}-cell.cell").read_bytes()


class Bells:
    def __init__(self, hv):
        hv.host_mmio.restype = ctypes.c_int
        hv.host_mmio.argtypes = [ctypes.c_uint, ctypes.c_uint64, ctypes.c_int, ctypes.c_uint32,
                                 ctypes.POINTER(ctypes.c_uint32)]
        hv.host_mmio_exit_reason.restype = ctypes.c_int
        hv.host_mmio_exit_reason.argtypes = [ctypes.c_uint, ctypes.c_uint64]
        self.hv = hv
        self.board = Board(hv)
        for hart in (1, 2, 3):  # parked by the root, ready for cells
            self.board.root_hart(hart, False)

    def read(self, cid, gpa):
        out = ctypes.c_uint32(0xDEAD)
        assert self.hv.host_mmio(cid, gpa, 0, 0, ctypes.byref(out)) == 0
        return out.value

    def write(self, cid, gpa, value):
        return self.hv.host_mmio(cid, gpa, 1, value, None)

    def create(self, name):
        data = cell_file(name)
        self.board.put(0xBBD00000, data)
        out = ctypes.c_uint64(0)
        ret = self.hv.cell_create(0xBBD00000, len(data), ctypes.byref(out))
        return ret, out.value

    def line_pending(self, cid, line):
        return self.read(cid, PLIC + 0x1000 + 4 * (line // 32)) >> (line % 32) & 1

    def enable(self, cid, ctx, line):
        assert self.write(cid, PLIC + 4 * line, 1) == 0
        assert self.write(cid, PLIC + 0x2000 + 0x80 * ctx + 4 * (line // 32), 1 << line % 32) == 0

    def claim(self, cid, ctx):
        return self.read(cid, PLIC + 0x200000 + 0x1000 * ctx + 4)

    def complete(self, cid, ctx, line):
        assert self.write(cid, PLIC + 0x200000 + 0x1000 * ctx + 4, line) == 0


@pytest.fixture
def b(hv):
    return Bells(hv)


def test_root_end_alone(b):
    assert (b.read(0, ROOT_BELL + ID), b.read(0, ROOT_BELL + LINK)) == (0, 1)
    assert b.read(0, ROOT_BELL + PEERS) == 0  # ivshmem-demo not created
    assert b.write(0, ROOT_BELL + RING, 1) == 0
    assert (b.read(0, ROOT_BELL + REFUSED), b.read(0, ROOT_BELL + PENDING)) == (1, 0)
    # The root's shared memory is mapped where its config says, the doorbell page is not.
    assert b.hv.host_translate(0, 0xBFD00000) == 0xBFD00000
    assert b.hv.host_translate(0, ROOT_BELL) == -1
    assert b.hv.host_mmio_exit_reason(0, ROOT_BELL) == EXIT_DOORBELL
    assert b.hv.host_mmio_exit_reason(0, PLIC) == EXIT_MMIO


def test_ring_delivers_to_a_present_peer_and_coalesces(b):
    ret, cid = b.create("ivshmem-demo")
    assert ret == OK, b.hv.host_console().decode()
    assert b.hv.host_translate(cid, 0x90000000) == 0xBFD00000
    assert b.hv.host_translate(cid, 0x90010000) == 0xBFD10000
    assert b.read(0, ROOT_BELL + PEERS) == 0b10
    assert (b.read(cid, CELL_BELL[0] + ID), b.read(cid, CELL_BELL[0] + PEERS)) == (1, 0b01)
    assert b.read(cid, CELL_BELL[1] + PEERS) == 0  # ivshmem-ping absent
    assert b.line_pending(cid, LINE) == 0
    for _ in range(3):  # pending rings coalesce like a PLIC line
        assert b.write(0, ROOT_BELL + RING, 1) == 0
    assert b.line_pending(cid, LINE) == 1
    assert b.line_pending(cid, LINE + 1) == 0
    assert b.read(cid, CELL_BELL[0] + PENDING) == 0b01
    ctx = 7  # hart 3's S-mode context
    b.enable(cid, ctx, LINE)
    assert b.claim(cid, ctx) == LINE
    assert b.claim(cid, ctx) == 0  # three rings, one delivery
    b.complete(cid, ctx, LINE)
    assert b.write(0, ROOT_BELL + RING, 1) == 0
    assert b.claim(cid, ctx) == LINE
    b.complete(cid, ctx, LINE)
    # The receiver's own pending register: write 1 to ack.
    assert b.write(cid, CELL_BELL[0] + PENDING, 0b01) == 0
    assert b.read(cid, CELL_BELL[0] + PENDING) == 0
    assert b.read(0, ROOT_BELL + REFUSED) == 0
    # The cell rings the root back: the root's line 96.
    assert b.write(cid, CELL_BELL[0] + RING, 0) == 0
    assert b.line_pending(0, LINE) == 1 and b.read(0, ROOT_BELL + PENDING) == 0b10  # end 1 rang


def test_rings_to_anyone_else_are_refused_and_counted(b):
    ret, cid = b.create("ivshmem-demo")
    assert ret == OK
    for end in (0, 2, 31, 32, 0xFFFFFFFF):  # itself, not a peer, out of range
        assert b.write(0, ROOT_BELL + RING, end) == 0
    assert b.read(0, ROOT_BELL + REFUSED) == 5
    assert b.line_pending(cid, LINE) == 0 and b.line_pending(0, LINE) == 0
    # Link 2's peer (ivshmem-ping) does not exist: refused too.
    assert b.write(cid, CELL_BELL[1] + RING, 0) == 0
    assert b.read(cid, CELL_BELL[1] + REFUSED) == 1
    # Only aligned 32-bit registers exist.
    assert b.write(cid, CELL_BELL[0] + 0x18, 1) == MMIO_EFAULT
    out = ctypes.c_uint32(0)
    assert b.hv.host_mmio(cid, CELL_BELL[0] + 0x18, 0, 0, ctypes.byref(out)) == MMIO_EFAULT


def test_destroyed_peer_is_absent_and_its_successor_sees_nothing_stale(b):
    ret, cid = b.create("ivshmem-demo")
    assert ret == OK
    assert b.write(0, ROOT_BELL + RING, 1) == 0
    assert b.hv.cell_destroy_by_id(cid) == OK
    assert b.read(0, ROOT_BELL + PEERS) == 0
    assert b.write(0, ROOT_BELL + RING, 1) == 0
    assert b.read(0, ROOT_BELL + REFUSED) == 1
    ret, cid2 = b.create("ivshmem-demo")
    assert ret == OK
    assert b.line_pending(cid2, LINE) == 0 and b.read(cid2, CELL_BELL[0] + PENDING) == 0
    assert b.read(0, ROOT_BELL + PEERS) == 0b10
    assert b.write(0, ROOT_BELL + RING, 1) == 0
    assert b.line_pending(cid2, LINE) == 1


def test_shutdown_drops_the_rings_of_the_last_run(b):
    ret, cid = b.create("ivshmem-demo")
    assert ret == OK and b.hv.cell_start(cid) == OK
    assert b.write(0, ROOT_BELL + RING, 1) == 0
    assert b.hv.cell_shutdown(cid) == OK
    assert b.line_pending(cid, LINE) == 0 and b.read(cid, CELL_BELL[0] + PENDING) == 0
    # Still present while shut down: a ring waits for its next start.
    assert b.read(0, ROOT_BELL + PEERS) == 0b10
    assert b.write(0, ROOT_BELL + RING, 1) == 0
    assert b.line_pending(cid, LINE) == 1


def test_cell_to_cell(b):
    ret, demo = b.create("ivshmem-demo")
    assert ret == OK
    ret, ping = b.create("ivshmem-ping")
    assert ret == OK, b.hv.host_console().decode()
    assert b.read(demo, CELL_BELL[1] + PEERS) == 0b01
    assert b.read(ping, CELL_BELL[0] + (ID)) == 0 and b.read(ping, CELL_BELL[0] + PEERS) == 0b10
    assert b.write(ping, CELL_BELL[0] + RING, 1) == 0
    # Link 2's end in ivshmem-demo is its second end, on line 97; nobody else got anything.
    assert b.line_pending(demo, LINE + 1) == 1
    assert b.line_pending(demo, LINE) == 0 and b.line_pending(0, LINE) == 0
    assert b.write(demo, CELL_BELL[1] + RING, 0) == 0
    assert b.line_pending(ping, LINE) == 1
    assert b.hv.cell_destroy_by_id(demo) == OK
    assert b.read(ping, CELL_BELL[0] + PEERS) == 0
    assert b.write(ping, CELL_BELL[0] + RING, 1) == 0
    assert b.read(ping, CELL_BELL[0] + REFUSED) == 1


def test_a_second_end_with_the_same_id_is_refused_and_changes_nothing(b):
    ret, cid = b.create("ivshmem-demo")
    assert ret == OK
    before = b.hv.host_state_digest()
    data = bytearray(cell_file("ivshmem-ping"))
    # Same name would clash first: rename it, and make its end 1 of link 2 like ivshmem-demo's.
    data[16:16 + 32] = b"intruder".ljust(32, b"\0")
    link = 288 + 32
    data[link + 4:link + 8] = (1).to_bytes(4, "little")
    data[link + 8:link + 12] = (1).to_bytes(4, "little")
    b.hv.host_console_clear()
    b.board.put(0xBBD00000, bytes(data))
    out = ctypes.c_uint64(0)
    assert b.hv.cell_create(0xBBD00000, len(data), ctypes.byref(out)) == -4  # DENIED
    assert "cell 'intruder': link end 0: end 1 of link 2 belongs to cell 'ivshmem-demo'" in \
        b.hv.host_console().decode()
    assert b.hv.host_state_digest() == before
