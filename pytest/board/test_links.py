"""Shared memory and doorbells between cells (docs/shared-memory.md): the root's end through the
stock uio_pdrv_genirq and bh-ping, cell <-> cell with the ivshmem-demo inmate, the counters, a
flood, refusals, and a peer destroyed and created again during traffic."""
import re
import sys
import time
from pathlib import Path

from boardlib.hv import interrupts
from paths import BUILD

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "host"))
from cellfile import Cell  # noqa: E402

ROUND_TRIPS = 10000
ROOT_BELL = 0xBFDF0000
RING, REFUSED = 0x0C, 0x14


def uio_fresh(board):
    """uio_pdrv_genirq bound to the root's link ends by the hypervisor now enabled: loaded
    again, so the line is requested (and enabled) in this enable's vPLIC."""
    board.sh("rmmod uio_pdrv_genirq 2>/dev/null; lsmod | grep -q '^uio ' || "
             f"insmod {board.project_file('/lib/modules/uio/uio.ko')}")
    board.sh(f"insmod {board.project_file('/lib/modules/uio/uio_pdrv_genirq.ko')} "
             "of_id=bulkhead,link-end")
    # Named after the DT node: without its unit address on 6.1, with it on 6.12.
    name = board.sh("cat /sys/class/uio/uio*/name")
    assert name in ("bulkhead-link1", "bulkhead-link1@bfd00000")
    return name


def bh_ping(board, n, check=True, timeout=600):
    return board.run(f"{board.project_file('/usr/bin/bh-ping')} -n {n} 1", check=check,
                     timeout=timeout)


def ping_line(n, done, errors, refused, exits):
    return (f"bh-ping: link 1: end 0 -> end 1: {done} round trips, {errors} errors, "
            f"{refused} refused, {exits} doorbell exits")


def delta(after, before, hart, reason):
    return after[hart].get(reason, 0) - before[hart].get(reason, 0)


def start_answering(cells):
    cells.run_demo("ivshmem-demo")
    cells.wait_console("ivshmem-demo", r"^ivshmem-demo: link 2 end 1 line 97: answering$")


def test_root_to_cell_round_trips(board, cells):
    uio_fresh(board)
    start_answering(cells)
    before = cells.hv.stats("ivshmem-demo")
    r = bh_ping(board, ROUND_TRIPS)
    # One doorbell exit per ring on the root's side: bh-ping rings and nothing else.
    assert r.stdout.strip() == ping_line(ROUND_TRIPS, ROUND_TRIPS, 0, 0, ROUND_TRIPS)
    after = cells.hv.stats("ivshmem-demo")
    # The cell: per delivery one claim and one complete (mmio), per answer one ring.
    assert delta(after, before, 3, "doorbell") == ROUND_TRIPS
    assert delta(after, before, 3, "mmio") == 2 * ROUND_TRIPS
    assert delta(after, before, 3, "guest_fault") == 0
    assert "unexpected" not in cells.console("ivshmem-demo")


def test_cell_to_cell_round_trips(board, cells):
    start_answering(cells)
    before = cells.hv.stats("ivshmem-demo")
    # The ivshmem-demo inmate again, in the ivshmem-ping cell (hart 2, end 0 of link 2).
    cells.create(cells.config("ivshmem-ping"))
    cells.hv.hvctl(f"cell load ivshmem-ping {cells.image('ivshmem-demo')}")
    board.target.put(f"ping {ROUND_TRIPS}\n\0".encode(), "/tmp/params")
    cells.hv.hvctl("cell load ivshmem-ping /tmp/params -a 0x800ff000")
    cells.hv.hvctl("cell start ivshmem-ping")
    out = cells.wait_console("ivshmem-ping", r"^ivshmem-demo: link 2: \d+ round trips",
                             timeout=600)
    assert f"ivshmem-demo: link 2: {ROUND_TRIPS} round trips, 0 errors, 0 refused" in out
    after = cells.hv.stats("ivshmem-demo")
    assert delta(after, before, 3, "doorbell") == ROUND_TRIPS
    assert delta(after, before, 3, "mmio") == 2 * ROUND_TRIPS
    ping = cells.hv.stats("ivshmem-ping")
    # The pinger: its rings, plus the peers register read once and the refused one twice.
    assert ping[2]["doorbell"] == ROUND_TRIPS + 3
    # Two setup accesses (priority, enable), then one claim and one complete per reply.
    assert ping[2]["mmio"] == 2 + 2 * ROUND_TRIPS


def test_flooding_cell_does_not_starve_the_roots_interrupts(board, cells):
    uio = uio_fresh(board)
    doorbell_irqs = sum(interrupts(board, uio))
    cells.run_demo("ivshmem-demo", params="flood 10")
    cells.wait_console("ivshmem-demo", r"^ivshmem-demo: link 1: ringing end 0 for 10 s$")
    # While it rings, the root's network and timer interrupts keep coming.
    for _ in range(4):
        net, timer = sum(interrupts(board, "virtio0")), sum(interrupts(board, "riscv-timer"))
        board.sh("sleep 1")
        assert sum(interrupts(board, "virtio0")) > net
        assert sum(interrupts(board, "riscv-timer")) > timer
    out = cells.wait_console("ivshmem-demo", r"^ivshmem-demo: link 1: flood done", timeout=120)
    rings = int(re.search(r"flood done, (\d+) rings, 0 refused$", out, re.M).group(1))
    assert rings > 1000
    # Every ring one doorbell exit; the peers and refused reads two more.
    assert cells.hv.stats("ivshmem-demo")[3]["doorbell"] == rings + 2
    # The root's line coalesced them: genirq masked it at the first, nobody unmasked it.
    assert sum(interrupts(board, uio)) == doorbell_irqs + 1


def test_ring_to_a_non_peer_is_refused_and_counted(board, cells):
    start_answering(cells)
    before = cells.hv.stats("ivshmem-demo")
    refused = int(board.sh(f"devmem {ROOT_BELL + REFUSED:#x} 32"), 0)
    for end in (0, 2, 31, 99):  # itself, ends that are not its peers
        board.sh(f"devmem {ROOT_BELL + RING:#x} 32 {end}")
    assert int(board.sh(f"devmem {ROOT_BELL + REFUSED:#x} 32"), 0) == refused + 4
    time.sleep(0.5)
    after = cells.hv.stats("ivshmem-demo")
    # Nothing reached the cell: no claim, no answer.
    assert delta(after, before, 3, "mmio") == 0 and delta(after, before, 3, "doorbell") == 0


def demo_cell(name):
    return Cell.unpack((BUILD / "configs" / f"{name}-cell.cell").read_bytes())


def refused_create(board, cells, cell, needle):
    board.target.put(cell.pack(), "/tmp/bad.cell")
    r = cells.create("/tmp/bad.cell", check=False)
    assert r.returncode == 1, r
    assert needle in r.stderr, r.stderr
    assert cells.names() == ["root"] or "bad" not in cells.names()


def test_bad_link_configs_are_refused(board, cells):
    cell = demo_cell("ivshmem-demo")
    cell.links[0].irq_line = 10  # the RTC's line, a physical device's
    refused_create(board, cells, cell,
                   "link end 0: line 10 is not a virtual line (the system reserves 96..111)")
    cell = demo_cell("ivshmem-demo")
    cell.links[1].shmem_phys = 0x80400000  # the root kernel's RAM
    refused_create(board, cells, cell, "link end 1: shared memory [0x80400000..0x80410000) "
                   "overlaps root memory region 4")
    cell = demo_cell("ivshmem-demo")
    cell.links[0].end_id, cell.links[0].peers = 0, 2  # the root's end of link 1
    refused_create(board, cells, cell, "link end 0: end 0 of link 1 belongs to cell 'root'")
    cell = demo_cell("ivshmem-demo")
    cell.links[0].shmem_phys = 0xbfd10000  # not where the root has link 1
    refused_create(board, cells, cell, "link end 0: link 1's shared memory is "
                   "[0xbfd00000..0xbfd10000) in cell 'root', not [0xbfd10000..0xbfd20000)")
    assert cells.names() == ["root"]


def test_destroy_and_create_a_peer_during_traffic(board, cells):
    uio_fresh(board)
    start_answering(cells)
    log = "/tmp/bh-ping.log"
    board.sh(f"{board.project_file('/usr/bin/bh-ping')} -n 100000000 1 >{log} 2>&1 & "
             "echo $! >/tmp/bh-ping.pid")
    deadline = time.monotonic() + 60
    while cells.hv.stats("ivshmem-demo")[3].get("doorbell", 0) < 200:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    cells.destroy("ivshmem-demo")
    # bh-ping sees its peer gone and stops: no hang.
    deadline = time.monotonic() + 60
    while board.run("kill -0 $(cat /tmp/bh-ping.pid)", check=False).returncode == 0:
        assert time.monotonic() < deadline, board.read(log)
        time.sleep(0.5)
    out = board.read(log)
    assert "bh-ping: link 1: end 1 is gone" in out
    m = re.search(r"end 0 -> end 1: (\d+) round trips, (\d+) errors, (\d+) refused", out)
    assert m and int(m.group(1)) >= 200 and int(m.group(2)) <= 1 and int(m.group(3)) <= 1, out
    # A ring now is refused, never delivered to anyone.
    refused = int(board.sh(f"devmem {ROOT_BELL + REFUSED:#x} 32"), 0)
    board.sh(f"devmem {ROOT_BELL + RING:#x} 32 1")
    assert int(board.sh(f"devmem {ROOT_BELL + REFUSED:#x} 32"), 0) == refused + 1
    # Its successor sees nothing stale: it answers exactly what it is asked.
    start_answering(cells)
    r = bh_ping(board, 1000)
    assert r.stdout.strip() == ping_line(1000, 1000, 0, 0, 1000)
    stats = cells.hv.stats("ivshmem-demo")
    assert stats[3]["doorbell"] == 1000
    assert "unexpected" not in cells.console("ivshmem-demo")
