"""Soak: enable/disable cycles, and create/load/start/destroy cycles of two cells at once,
while the root runs a CPU and network workload. At the end hypervisor memory use, the root's
MemFree/SUnreclaim and its online CPUs are what they were, and no cell ever refused to die.

`make test` runs a short version; `make soak` the long one (BH_SOAK_ENABLE_CYCLES=100,
BH_SOAK_CELL_CYCLES=200)."""
import hashlib
import os
import sys
import threading
import time
from pathlib import Path

import pytest

from boardlib.hv import ONLINE_HARTS_SH, meminfo
from boardlib.ssh import SshTarget
from paths import BUILD

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "host"))
from cellfile import Cell  # noqa: E402

ENABLE_CYCLES = int(os.environ.get("BH_SOAK_ENABLE_CYCLES", "5"))
CELL_CYCLES = int(os.environ.get("BH_SOAK_CELL_CYCLES", "10"))
SECOND_CELL_RAM = 0xbd500000  # a pool slice no demo cell uses
ZEROS_MD5 = hashlib.md5(bytes(4096 * 64)).hexdigest()


@pytest.fixture
def root_workload(board):
    """Two busy loops on CPUs 0 and 1 on the board, and SSH traffic from the host."""
    board.sh("for c in 0 1; do taskset -c $c sh -c 'while :; do :; done' >/dev/null 2>&1 & "
             "done; echo started")
    stop = threading.Event()
    errors = []
    t = board.target
    # Its own connections, not the test's multiplexed one: a mux session the load drops
    # would be retried while the first try still runs.
    own = SshTarget(t.host, t.port, t.user, key=t.key)

    def traffic():
        while not stop.is_set():
            try:
                out = own.run("dd if=/dev/zero bs=4096 count=64 2>/dev/null | md5sum").stdout
            except Exception:  # a dropped session: the cycles' own checks tell what broke
                time.sleep(1)
                continue
            if not out.strip().startswith(ZEROS_MD5):
                errors.append(out)

    t = threading.Thread(target=traffic, daemon=True)
    t.start()
    yield
    stop.set()
    t.join(60)
    board.run("pkill -f 'while :; do :; done'", check=False)
    assert not errors, errors[:3]


def run_on_board(board, script, timeout):
    """Run a shell script on the board detached from the SSH session that starts it, so a
    session dropped under load neither kills it nor, retried, runs it twice (the mkdir lets
    only the first start through); returns its output."""
    run = f"/tmp/soak-{time.monotonic_ns()}"
    board.target.put(f"mkdir {run}.started || exit 0\n{script}\necho soak end\n".encode(),
                     f"{run}.sh")
    board.sh(f"nohup sh {run}.sh >{run}.log 2>&1 </dev/null &")
    deadline = time.monotonic() + timeout
    while True:
        try:
            out = board.sh(f"cat {run}.log")
        except Exception:
            out = ""
        if out.endswith("soak end"):
            return out[:-len("soak end")].strip()
        assert time.monotonic() < deadline, f"soak script still running after {timeout} s:\n{out}"
        time.sleep(2)


def hello_on_hart_2(board):
    cell = Cell.unpack((BUILD / "configs" / "hello-cell.cell").read_bytes())
    cell.name = b"hello2".ljust(32, b"\0")
    cell.set_harts([2])
    cell.regions[0].phys_start = SECOND_CELL_RAM
    path = "/tmp/hello2.cell"
    board.target.put(cell.pack(), path)
    return path


def test_cell_cycles_two_at_once_under_root_load(board, cells, root_workload):
    hv = cells.hv
    hvctl = board.project_file("/usr/sbin/hvctl")
    configs = {"hello": cells.config("hello"), "hello2": hello_on_hart_2(board)}
    image = cells.image("hello")
    both = " && ".join(f"{hvctl} cell create {c} && {hvctl} cell load {n} {image} && "
                       f"{hvctl} cell start {n}" for n, c in configs.items())
    gone = " && ".join(f"{hvctl} cell destroy {n}" for n in configs)
    # One round first, so what grows once (the root's G-stage splits) has grown.
    assert run_on_board(board, f"{both} && {gone} && echo warm", 120).endswith("warm")
    cycles_leave_no_trace(board, hv, CELL_CYCLES,
                          f"{both} && test \"$({ONLINE_HARTS_SH})\" = '0 1' && "
                          f"{gone} && test \"$(cat /sys/devices/system/cpu/online)\" = 0-3",
                          f"cat /sys/devices/system/cpu/online; {hvctl} cell list; dmesg | tail -20")


def test_enable_disable_cycles_under_root_load(board, cells, root_workload):
    hv = cells.hv
    hvctl = board.project_file("/usr/sbin/hvctl")
    system = board.project_file("/etc/bulkhead/system.cell")
    hv.disable()
    hv.enable()
    cycles_leave_no_trace(board, hv, ENABLE_CYCLES,
                          f"{hvctl} disable && {hvctl} enable {system} >/dev/null && "
                          f"test \"$(cat /sys/devices/system/cpu/online)\" = 0-3",
                          "dmesg | tail -20")


def cycles_leave_no_trace(board, hv, n, body, on_failure):
    """n rounds of the shell command body on the board, each checked; afterwards hypervisor
    memory use and the root's kernel memory are what they were before."""
    used, before = hv.mem_used(), meminfo(board)
    script = (f"for i in $(seq 1 {n}); do {body} && echo cycle $i ok || "
              f"{{ echo cycle $i failed; {on_failure}; break; }}; done 2>&1")
    out = run_on_board(board, script, 60 + 10 * n)
    assert out.splitlines() == [f"cycle {i} ok" for i in range(1, n + 1)], out
    after = meminfo(board)
    assert hv.mem_used() == used
    assert after["SUnreclaim"] - before["SUnreclaim"] < 256, (before, after)
    assert before["MemFree"] - after["MemFree"] < 4096, (before, after)
