"""The fuzz inmate (inmates/demos/fuzz.c): random SBI calls, memory accesses and CSR accesses
on two harts, seeded. Whatever a seed does, the root must not notice: its network and console
interrupts keep coming, destroy succeeds, the CPUs come back, hypervisor memory use is what it
was, and the hypervisor reports no fault of its own."""
import os
import re
import time

import pytest

from boardlib.hv import interrupts

# A few seeds for make test; `make soak` (or BH_FUZZ_SEEDS=1-200) runs many.
SEEDS = os.environ.get("BH_FUZZ_SEEDS", "1-4")
ACTIONS = int(os.environ.get("BH_FUZZ_ACTIONS", "3000"))


def seeds():
    lo, _, hi = SEEDS.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def finished(cells):
    """True once the run ended: the first hart done (the other may have stopped itself with
    HSM for good), or the cell failed or shut itself down."""
    state = cells.state("fuzz")
    if state in ("failed", "shut down"):
        return True
    return "fuzz: hart 2 done" in cells.console("fuzz")


@pytest.fixture
def baseline(board, cells):
    """Hypervisor memory use once the fuzz cell has run: its first start splits a huge leaf
    of the root's G-stage table around its RAM for good (one table page)."""
    cells.run_demo("fuzz", params="seed 0 actions 0")
    cells.wait_console("fuzz", r"fuzz: hart \d done")
    cells.destroy("fuzz")
    return cells.hv.mem_used()


@pytest.mark.parametrize("seed", seeds())
def test_fuzz_seed_leaves_the_root_untouched(board, cells, baseline, seed):
    hv = cells.hv
    used = baseline
    net, uart = sum(interrupts(board, "virtio0")), sum(interrupts(board, "ttyS0"))
    cells.run_demo("fuzz", params=f"seed {seed} actions {ACTIONS}")
    # Not anchored: the other hart's random console bytes may share the line.
    cells.wait_console("fuzz", rf"fuzz: hart \d: seed {seed}, {ACTIONS} actions")
    deadline = 120
    start = time.monotonic()
    while not finished(cells):
        assert time.monotonic() - start < deadline, cells.console("fuzz")[-2000:]
        time.sleep(0.5)
    out = cells.console("fuzz")
    state = cells.state("fuzz")
    reason = cells.reason("fuzz") if state == "failed" else ""
    print(f"seed {seed}: {state} {reason}")
    cells.destroy("fuzz")
    assert board.sh("cat /sys/devices/system/cpu/online") == "0-3"
    assert hv.mem_used() == used
    # The root's devices: the network (this SSH session) and the console (echo to ttyS0).
    board.sh("echo fuzz-check > /dev/ttyS0")
    assert sum(interrupts(board, "virtio0")) > net
    assert sum(interrupts(board, "ttyS0")) > uart
    console = hv.hvctl("console").stdout
    assert "hypervisor fault" not in console, console[-2000:]
    assert "unexpected interrupt" not in console, console[-2000:]
    if state == "failed":
        # Failing is allowed, for the reasons the hypervisor gives a cell, never another.
        assert re.search(r"outside the cell's memory|which it does not own", reason), reason
    else:
        assert "fuzz: hart 2 done" in out or state == "shut down", out[-2000:]
