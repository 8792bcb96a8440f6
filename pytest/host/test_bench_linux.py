"""The bench's Linux-cell figures (tools/bench/run.py, docs/bench.md), on the host: what the
runner reads from the cell and the hypervisor, and what it makes of it, on made-up input
in the formats the board gives (Linux 6.1's /proc/interrupts, the hypervisor's exit
counters, the plugin's snapshots)."""
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from paths import ROOT  # noqa: E402

sys.path.insert(0, str(ROOT / "tools" / "bench"))
import run  # noqa: E402  (tools/bench/run.py)

# What the Linux cell printed on the board (6.1, two CPUs, its disk on line 6).
PROC_INTERRUPTS = """\
           CPU0       CPU1
  1:          8          3  SiFive PLIC   6 Edge      virtio0
  5:        826        821  RISC-V INTC   5 Edge      riscv-timer
IPI0:         1         20  Rescheduling interrupts
IPI1:       521        761  Function call interrupts
"""


def test_disk_line_count_is_summed_over_the_cells_cpus():
    assert run.plic_line_count(PROC_INTERRUPTS, 6) == 11
    # Line 5 is the INTC's timer, not a PLIC line; line 16 is not line 6 or 1.
    for line in (5, 16, 1):
        with pytest.raises(AssertionError, match=f"no PLIC line {line} in /proc/interrupts"):
            run.plic_line_count(PROC_INTERRUPTS, line)
    one_cpu = "           CPU0\n  1:   42  SiFive PLIC  16 Edge  virtio0\n"
    assert run.plic_line_count(one_cpu, 16) == 42


def test_exit_counters_difference_is_summed_over_harts():
    before = {2: {"irq_external": 5, "mmio": 7, "sbi_console": 100, "exits_total": 112},
              3: {"irq_external": 0, "mmio": 1, "sbi_console": 0, "exits_total": 1}}
    after = {2: {"irq_external": 15, "mmio": 37, "sbi_console": 160, "exits_total": 212},
             3: {"irq_external": 0, "mmio": 1, "sbi_console": 2, "exits_total": 3}}
    assert run.stats_delta(before, after) == {"irq_external": 10, "mmio": 30,
                                              "sbi_console": 62, "exits_total": 102}


def snapshot(per_hart):
    """A plugin snapshot of 4 harts, every tag on every hart as the plugin has them;
    per_hart: {hart: {tag: (insns, episodes, min, max)}}, the others 0."""
    cpus = []
    for hart in range(4):
        tags = {t: {"insns": 0, "spin": 0, "episodes": 0, "min": None, "max": None}
                for t in ["other"] + [name for name, _ in run.hvsyms.TAGS]}
        for t, (n, e, lo, hi) in per_hart.get(hart, {}).items():
            tags[t] = {"insns": n, "spin": 0, "episodes": e, "min": lo, "max": hi}
        cpus.append({"insns": sum(t["insns"] for t in tags.values()), "spin": 0,
                     "entries": sum(t["episodes"] for t in tags.values()), "tags": tags})
    return {"lo": 0, "hi": 1, "cpus": cpus}


def test_one_disk_interrupt_from_a_window_of_ten():
    before = snapshot({})
    # Hart 2 takes the disk's 10 interrupts: 10 exits at HS, 20 claims (the line, then 0),
    # 10 reads of the enable word and 10 completes (the ack); the console on hart 3; hart 0
    # (the root) is not the cell's.
    after = snapshot({0: {"irq_external": (999, 3, 333, 333)},
                      2: {"irq_external": (3280, 10, 328, 328),
                          "mmio_claim": (9000, 20, 400, 500),
                          "mmio": (6870, 10, 687, 687),
                          "mmio_complete": (4210, 10, 421, 421)},
                      3: {"sbi_console": (50000, 20, 2000, 3000)}})
    d = run.counters.delta(before, after, harts=run.LINUX_HARTS)
    kinds = run.kinds_of(d, after, run.LINUX_HARTS)
    assert kinds["mmio_claim"] == {"exits": 20, "work": 9000, "wait": 0, "per_exit": 450,
                                   "min": 400, "max": 500}
    assert kinds["irq_external"]["exits"] == 10
    fig = run.disk_interrupt_figure(kinds, 10)
    assert fig == {"interrupts": 10, "exact": True, "exits": 5, "work": 2336,
                   "exits_by_kind": {"irq_external": 1, "mmio_claim": 2, "mmio": 1,
                                     "mmio_complete": 1},
                   "work_by_kind": {"irq_external": 328, "mmio_claim": 900, "mmio": 687,
                                    "mmio_complete": 421}}
    # An external interrupt the disk did not raise (or a window that missed one): not exact.
    assert run.disk_interrupt_figure(kinds, 9)["exact"] is False
    none = run.disk_interrupt_figure(kinds, 0)
    assert none["exact"] is False and none["work"] is None and none["exits"] is None


def test_linux_rows_of_the_table():
    kind = {"exits": 2, "work": 900, "wait": 0, "per_exit": 450, "min": 400, "max": 500}
    r = {"idle": {"harts": [2, 3], "seconds": 10.0, "settle_seconds": 130.0, "exits": 7,
                  "exits_per_second": 0.7,
                  "exits_per_second_by_reason": {"sbi_console": 0.5, "sbi_ipi": 0.2},
                  "exits_by_reason": {"sbi_console": 5, "sbi_ipi": 2}, "work": 3500,
                  "wait": 0, "plugin_entries": 7, "plugin_seconds": 10.0, "work_per_second": 350,
                  "work_per_exit": 500,
                  "by_kind": {"sbi_legacy": kind}},
         "disk": {"interrupts": 10, "exact": True, "exits": 5, "work": 2336, "reads": 10,
                  "exits_by_kind": {"irq_external": 1, "mmio_claim": 2, "mmio": 1,
                                    "mmio_complete": 1},
                  "work_by_kind": {"irq_external": 328, "mmio_claim": 900, "mmio": 687,
                                   "mmio_complete": 421},
                  "window": {"work": 99999, "by_kind": {"mmio_claim": kind},
                             "hypervisor_exit_counters": {"irq_external": 10, "mmio": 30,
                                                          "exits_total": 40}}}}
    out = []
    run.linux_rows(out.append, r)
    text = "\n".join(out)
    assert "linux cell idle: exits per second" in out[0] and " 0.7  7 exits in 10.0 s" in out[0]
    assert "after 130 s without input" in out[0]
    assert any(line.split() == ["sbi_console", "0.5", "per", "second"] for line in out)
    assert "linux cell: one disk interrupt" in text
    disk = next(line for line in out if "one disk interrupt" in line)
    assert ("2,336  5 exits (irq_external 1, mmio_claim 2, mmio 1, mmio_complete 1); "
            "10 interrupts for 10 reads") in disk and "NOT EXACT" not in disk
    assert "40 exits (irq_external 10, mmio 30)" in text
    r["disk"]["exact"] = False
    out.clear()
    run.linux_rows(out.append, r)
    assert "NOT EXACT" in next(line for line in out if "one disk interrupt" in line)
