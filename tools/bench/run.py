#!/usr/bin/python3
"""make bench: what the hypervisor costs, in instructions, on the QEMU board.

Boots the board (scripts/qemu-board.sh through pytest/boardlib) with the hvcount TCG plugin
counting, per hart, the instructions executed inside the hypervisor image, and measures:
enable, disable, the irq-demo cell's interrupts, the root's idle time, root SBI IPIs, a
hostile cell's console flood, and the Linux cell (configs/linux-cell.c): idle, and one
interrupt of its passed-through disk.
Prints a table and writes results.json. Instruction counts, never wall-clock time:
docs/bench.md says what each figure means and which ones are exact.
"""
import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "pytest"))
sys.path.insert(0, str(ROOT / "pytest" / "host"))
import boardlib.qemu  # noqa: E402
import cellfile  # noqa: E402  (the config reader of the host tests)
import counters  # noqa: E402
import hvsyms  # noqa: E402
from boardlib import Board, BoardError, QemuBoard  # noqa: E402
from boardlib.hv import Cells, Hypervisor  # noqa: E402

IRQ_DEMO_INTERRUPTS = 20     # inmates/demos/irq-demo.c
# enable/disable are measured on the fresh board, then this many times more in a row
# (after the cells have run, the PLIC holds more state, so the first round differs).
FLOOD_SECONDS = 3
# Cell <-> cell pings (docs/shared-memory.md): ivshmem-ping (hart 2) pings ivshmem-demo (hart 3).
LINK_ROUND_TRIPS = 200
# One ring and its delivery: the ringer's doorbell exit, the receiver's mailbox (VSEIP from
# another hart), claim and complete.
RING_PATH = ("doorbell", "irq_software", "mmio_claim", "mmio_complete")
REPEATS = 2
QUIET_SECONDS = 1.0          # lets the board settle before a window opens
# Ping-pong between two shells pinned to CPUs 1 and 2 over two FIFOs, 200 rounds: each
# line wakes the other side, which sleeps on its idle CPU, with an IPI (about 2 a round).
IPI_ROUNDS = 200
IPI_WORKLOAD = (
    "rm -f /tmp/bench-p1 /tmp/bench-p2 && mkfifo /tmp/bench-p1 /tmp/bench-p2 && "
    "{ taskset -c 2 sh -c 'exec 3</tmp/bench-p1 4>/tmp/bench-p2; "
    "while read -r x <&3; do echo \"$x\" >&4; done' & } && "
    "taskset -c 1 sh -c 'exec 3>/tmp/bench-p1 4</tmp/bench-p2; i=0; "
    f"while [ $i -lt {IPI_ROUNDS} ]; do echo $i >&3; read -r x <&4; i=$((i+1)); done' && "
    "wait && rm -f /tmp/bench-p1 /tmp/bench-p2")

# The Linux cell (configs/linux-cell.c, docs/linux-cell.md): harts 2 and 3, its disk on
# PLIC line 6, its shell on hvc0 (SBI legacy getchar/putchar), driven with hvctl cell send.
LINUX = "linux"
LINUX_CONFIG = "/etc/bulkhead/linux-cell.cell"
LINUX_IMAGE = "/usr/share/bulkhead/linux/Image"
LINUX_READY = r"^bulkhead-linux: ready \(2 CPUs, "
LINUX_HARTS = [2, 3]
LINUX_DISK_LINE = 6
LINUX_BOOT_TIMEOUT = 300
# hvc0 polls the SBI getchar every 10 ms while the console is busy, then ever more slowly
# (each idle round +1/64, drivers/tty/hvc/hvc_console.c) up to every 2 s: about 2 minutes
# after the last input. The idle window waits for that, so it sees the steady idle cell.
LINUX_SETTLE_SECONDS = 130.0
# One direct 4 KiB read of the raw disk is one virtio-blk request: one interrupt. The
# command sleeps first, so that the window opens after the console input has been read
# and echoed, and closes before the next command is typed.
DISK_READS = 10
DISK_DELAY_SECONDS = 4
# A shell function, defined before the window: the line typed in the window stays short.
DISK_FUNCTION = ("bench_reads() { i=0; while [ $i -lt $1 ]; do dd if=/dev/vda of=/dev/null "
                 "bs=4k count=1 skip=$i iflag=direct 2>/dev/null || return 1; i=$((i+1)); "
                 "done; }")
DISK_WORKLOAD = f"sleep {DISK_DELAY_SECONDS}; bench_reads {DISK_READS}"
# One forwarded interrupt of a Linux 6.1 guest: the exit at HS; the PLIC driver's claims (it
# claims until the claim register reads 0: the line, then 0); its ack (plic_irq_eoi: a read
# of the context's enable word, an "mmio" exit, then the complete).
DISK_PATH = ("irq_external", "mmio_claim", "mmio", "mmio_complete")


class Bench:
    def __init__(self, board, hv, cells, plugin, root_cell):
        self.board, self.hv, self.cells, self.plugin = board, hv, cells, plugin
        self.root_cell = root_cell

    def window(self, action):
        """(per-hart difference, snapshot after) around action()."""
        before = self.plugin.snapshot(reset=True)
        action()
        after = self.plugin.snapshot()
        return counters.delta(before, after), after

    def enable(self):
        d, _ = self.window(self.hv.enable)
        return self._episodes_of(d, "enable")

    def disable(self):
        d, _ = self.window(self.hv.disable)
        return self._episodes_of(d, "disable")

    @staticmethod
    def _episodes_of(d, tag):
        harts = {h: c["tags"].get(tag, {"insns": 0, "spin": 0, "episodes": 0})
                 for h, c in d.items()}
        return {"work": sum(c["insns"] for c in harts.values()),
                "wait": sum(c["spin"] for c in harts.values()),
                "episodes": sum(c["episodes"] for c in harts.values()),
                "per_hart": {h: c["insns"] for h, c in harts.items()},
                "other_exits_in_window": {t: c["episodes"]
                                          for t, c in counters.by_tag(d).items() if t != tag}}

    def timer_exits(self):
        """The hypervisor's own irq_timer counters of the root's harts, summed."""
        return sum(c.get("irq_timer", 0) for c in self.hv.stats(self.root_cell).values())

    def idle(self, seconds):
        """The root left alone: no SSH traffic (the connection is closed), no commands."""
        timer_before = self.timer_exits()
        self.board.target.close()
        time.sleep(QUIET_SECONDS)
        before = self.plugin.snapshot()
        start = time.monotonic()
        time.sleep(seconds)
        after = self.plugin.snapshot()
        elapsed = time.monotonic() - start
        timer_exits = self.timer_exits() - timer_before
        d = counters.delta(before, after)
        tags = counters.by_tag(d)
        work = counters.total(d)
        exits = counters.total(d, "entries")
        return {"seconds": round(elapsed, 3), "work": work, "wait": counters.total(d, "spin"),
                "exits": exits, "exits_by_kind": {t: c["episodes"] for t, c in tags.items()},
                "work_per_second": round(work / elapsed), "exits_per_second":
                round(exits / elapsed, 2), "work_per_exit": round(work / exits) if exits else None,
                "timer_exits": timer_exits}

    def irq_demo(self):
        cell = "irq-demo"
        self.cells.create(self.cells.config(cell))
        self.hv.hvctl(f"cell load {cell} {self.cells.image(cell, 'elf')}")
        # Hart 3 is parked in the hypervisor now: nothing runs there until the start.
        time.sleep(QUIET_SECONDS)
        before = self.plugin.snapshot(reset=True)
        blocks_before = counters.blocks(self.plugin)
        self.hv.hvctl(f"cell start {cell}")
        self.cells.wait_console(cell, r"^irq-demo: plic accesses")
        time.sleep(QUIET_SECONDS)
        after = self.plugin.snapshot()
        blocks_after = counters.blocks(self.plugin)
        report = self.hv.hvctl(f"cell stats {cell}").stdout
        self.hv.hvctl(f"cell destroy {cell}")
        hart = 3
        d = counters.delta(before, after, harts=[hart])[hart]
        stats = parse_cell_stats(report)[hart]
        exits = stats["total"]
        kinds = {}
        for tag, c in d["tags"].items():
            rng = counters.episode_range(after, tag, [hart])
            kinds[tag] = {"exits": c["episodes"], "work": c["insns"],
                          "per_exit": round(c["insns"] / c["episodes"]) if c["episodes"] else None,
                          "min": rng[0] if rng else None, "max": rng[1] if rng else None}
        # One interrupt's own path: the exit at HS, then the inmate's claim and complete.
        path = [kinds.get(t) for t in ("irq_external", "mmio_claim", "mmio_complete")]
        exact = all(k and k["exits"] == IRQ_DEMO_INTERRUPTS and k["min"] == k["max"]
                    for k in path)
        prof = counters.profile(blocks_before, blocks_after, hart, self.functions)
        # Block by block, for a look at the disassembly (docs/bench.md).
        self.irq_demo_blocks = {f"{pc:#x}": [n, runs[hart] - blocks_before.get(pc, (0, [0] * (
            hart + 1)))[1][hart]] for pc, (n, runs) in blocks_after.items()}
        return {"hart": hart, "interrupts": IRQ_DEMO_INTERRUPTS, "work": d["insns"],
                "functions": prof,
                "interrupt_path": sum(k["min"] for k in path) if exact else None,
                "wait": d["spin"], "work_per_interrupt": round(d["insns"] / IRQ_DEMO_INTERRUPTS),
                "exits": exits, "work_per_exit": round(d["insns"] / exits) if exits else None,
                "hypervisor_exit_counters": stats,
                "plugin_episodes": d["entries"], "by_kind": kinds}

    def ipi(self):
        d, after = self.window(lambda: self.board.sh(IPI_WORKLOAD, timeout=300))
        harts = sorted(d)
        tags = counters.by_tag(d)

        def kind(tag):
            c = tags.get(tag, {"insns": 0, "spin": 0, "episodes": 0})
            rng = counters.episode_range(after, tag, harts)
            return {"exits": c["episodes"], "work": c["insns"], "wait": c["spin"],
                    "per_exit": round(c["insns"] / c["episodes"]) if c["episodes"] else None,
                    "min": rng[0] if rng else None, "max": rng[1] if rng else None}

        send, receive = kind("sbi_ipi"), kind("irq_software")
        round_cost = None
        if send["exits"] and receive["exits"]:
            round_cost = round(send["work"] / send["exits"] + receive["work"] / receive["exits"])
        return {"workload": IPI_WORKLOAD, "sbi_ipi": send, "irq_software": receive,
                "round": round_cost, "other_exits_in_window":
                {t: c["episodes"] for t, c in tags.items() if t not in ("sbi_ipi", "irq_software")}}


    def console_flood(self):
        """The worst exit a hostile cell can cause: both harts of the hostile cell writing
        16 KiB to the debug console again and again (docs/architecture.md, bounded exits)."""
        cell, harts = "hostile", [2, 3]
        self.cells.run_demo(cell, params="flood")
        self.cells.wait_console(cell, r"^hostile: dbcn write of ")
        before = self.plugin.snapshot(reset=True)
        time.sleep(FLOOD_SECONDS)
        after = self.plugin.snapshot()
        self.hv.hvctl(f"cell destroy {cell}")
        d = counters.delta(before, after, harts=harts)
        kinds = {}
        for tag, c in counters.by_tag(d).items():
            rng = counters.episode_range(after, tag, harts)
            if rng:
                kinds[tag] = {"exits": c["episodes"], "max": rng[1]}
        worst = max(kinds.items(), key=lambda kv: kv[1]["max"]) if kinds else (None, {})
        console = kinds.get("sbi_console", {})
        return {"harts": harts, "seconds": FLOOD_SECONDS, "by_kind": kinds,
                "console_exits": console.get("exits"), "console_exit_max": console.get("max"),
                "worst_kind": worst[0], "worst_exit": worst[1].get("max")}

    def links(self):
        """One ring + its delivery, cell <-> cell, over LINK_ROUND_TRIPS round trips."""
        harts = [2, 3]
        self.cells.run_demo("ivshmem-demo")
        self.cells.wait_console("ivshmem-demo", r"^ivshmem-demo: link 2 end 1 line 97: answering$")
        self.cells.create(self.cells.config("ivshmem-ping"))
        self.hv.hvctl(f"cell load ivshmem-ping {self.cells.image('ivshmem-demo')}")
        self.board.target.put(f"ping {LINK_ROUND_TRIPS}\n\0".encode(), "/tmp/params")
        self.hv.hvctl("cell load ivshmem-ping /tmp/params -a 0x800ff000")
        time.sleep(QUIET_SECONDS)
        before = self.plugin.snapshot(reset=True)
        self.hv.hvctl("cell start ivshmem-ping")
        out = self.cells.wait_console("ivshmem-ping", r"^ivshmem-demo: link 2: \d+ round trips")
        time.sleep(QUIET_SECONDS)
        after = self.plugin.snapshot()
        self.hv.hvctl("cell destroy ivshmem-ping")
        self.hv.hvctl("cell destroy ivshmem-demo")
        d = counters.delta(before, after, harts=harts)
        kinds = {}
        for tag, c in counters.by_tag(d).items():
            rng = counters.episode_range(after, tag, harts)
            kinds[tag] = {"exits": c["episodes"], "work": c["insns"],
                          "min": rng[0] if rng else None, "max": rng[1] if rng else None}
        path = [kinds.get(t) for t in RING_PATH]
        done = re.search(r"link 2: (\d+) round trips, (\d+) errors", out)
        return {"harts": harts, "round_trips": int(done.group(1)) if done else None,
                "errors": int(done.group(2)) if done else None, "by_kind": kinds,
                "ring_delivery": sum(k["min"] for k in path) if all(
                    k and k["min"] is not None for k in path) else None,
                "ring_delivery_max": sum(k["max"] for k in path) if all(
                    k and k["max"] is not None for k in path) else None,
                "work_per_round_trip": round(counters.total(d) / LINK_ROUND_TRIPS)}

    def linux_boot(self):
        """Create, load (--dtb auto) and start the Linux cell; until its shell answers."""
        self.cells.create(self.board.project_file(LINUX_CONFIG))
        self.hv.hvctl(f"cell load {LINUX} {self.board.project_file(LINUX_IMAGE)} --dtb auto")
        self.hv.hvctl(f"cell start {LINUX}")
        self.cells.wait_console(LINUX, LINUX_READY, timeout=LINUX_BOOT_TIMEOUT)
        shell = CellShell(self.cells, LINUX)
        shell.sh("true", timeout=LINUX_BOOT_TIMEOUT)
        return shell

    def linux_disk(self, shell):
        """DISK_READS direct 4 KiB reads of the cell's disk, one interrupt each. The mount
        left the superblock dirty (mount time and count), which ext4 writes back within its
        5 s commit interval: sync first, so that the disk is quiet when the window opens."""
        shell.sh(DISK_FUNCTION)
        shell.sh("sync")
        def count():
            return plic_line_count(shell.sh("cat /proc/interrupts"), LINUX_DISK_LINE)
        first = count()
        mark = shell.start(DISK_WORKLOAD)
        shell.wait_echo(mark)
        stats_before = self.hv.stats(LINUX)
        before = self.plugin.snapshot(reset=True)
        shell.wait(mark)
        time.sleep(QUIET_SECONDS)
        after = self.plugin.snapshot()
        stats_after = self.hv.stats(LINUX)
        interrupts = count() - first
        d = counters.delta(before, after, harts=LINUX_HARTS)
        kinds = kinds_of(d, after, LINUX_HARTS)
        fig = disk_interrupt_figure(kinds, interrupts)
        fig.update({"reads": DISK_READS, "workload": DISK_WORKLOAD, "function": DISK_FUNCTION,
                    "line": LINUX_DISK_LINE, "harts": LINUX_HARTS,
                    "window": {"work": counters.total(d), "wait": counters.total(d, "spin"),
                               "exits": counters.total(d, "entries"), "by_kind": kinds,
                               "hypervisor_exit_counters": stats_delta(stats_before,
                                                                       stats_after)}})
        return fig

    def timed_stats(self, cell):
        """The cell's exit counters and when they were read (the middle of the SSH call)."""
        start = time.monotonic()
        stats = self.hv.stats(cell)
        return stats, (start + time.monotonic()) / 2

    def linux_idle(self, seconds, settle):
        """The Linux cell at its shell, no input for `settle` s, then a window of `seconds`:
        exits per second from the hypervisor's counters (over the time between their two
        reads), work from the plugin (over its own window, inside the other)."""
        time.sleep(settle)
        stats_before, t0 = self.timed_stats(LINUX)
        before = self.plugin.snapshot(reset=True)
        start = time.monotonic()
        time.sleep(seconds)
        after = self.plugin.snapshot()
        window = time.monotonic() - start
        stats_after, t1 = self.timed_stats(LINUX)
        elapsed = t1 - t0
        d = counters.delta(before, after, harts=LINUX_HARTS)
        by_reason = stats_delta(stats_before, stats_after)
        exits = by_reason.pop("exits_total", 0)
        work, entries = counters.total(d), counters.total(d, "entries")
        return {"harts": LINUX_HARTS, "seconds": round(elapsed, 3), "settle_seconds": settle,
                "plugin_seconds": round(window, 3),
                "exits": exits, "exits_per_second": round(exits / elapsed, 2),
                "exits_per_second_by_reason": {r: round(n / elapsed, 2)
                                               for r, n in sorted(by_reason.items())},
                "exits_by_reason": by_reason,
                "work": work, "wait": counters.total(d, "spin"), "plugin_entries": entries,
                "work_per_second": round(work / window),
                "work_per_exit": round(work / entries) if entries else None,
                "by_kind": kinds_of(d, after, LINUX_HARTS)}

    def linux(self, idle_seconds, settle):
        shell = self.linux_boot()
        disk = self.linux_disk(shell)
        idle = self.linux_idle(idle_seconds, settle)
        self.cells.destroy(LINUX)
        return {"disk": disk, "idle": idle}


class CellShell:
    """The Linux cell's shell on its console: commands typed with hvctl cell send, their
    end found by a mark the shell prints (the echoed command line shows it quoted)."""

    def __init__(self, cells, cell):
        self.cells, self.cell, self.marks = cells, cell, 0

    def console(self):
        return self.cells.console(self.cell).replace("\r", "")

    def start(self, cmd):
        """Type cmd (and the mark after it); returns the mark to wait for."""
        self.marks += 1
        self.cells.send(self.cell, f'{cmd}; echo "@@"{self.marks}"@@ rc=$?"\\n')
        return self.marks

    def wait_echo(self, mark, timeout=60):
        """Until the shell has echoed the command line of mark (its input is read)."""
        self._wait(lambda text: f'"@@"{mark}"@@' in text, mark, timeout)

    def wait(self, mark, timeout=120):
        """The output of the command of mark; fails unless it exited with 0."""
        found = {}

        def done(text):
            m = re.search(rf"^@@{mark}@@ rc=(\d+)$", text, re.M)
            if m:
                found["m"], found["text"] = m, text
            return m is not None
        self._wait(done, mark, timeout)
        m, text = found["m"], found["text"]
        echoed = text.rfind(f'"@@"{mark}"@@', 0, m.start())
        out = text[text.find("\n", echoed) + 1:m.start()].rstrip("\n")
        if m.group(1) != "0":
            raise AssertionError(f"command {mark} failed in cell {self.cell}:\n{out}")
        return out

    def sh(self, cmd, timeout=120):
        return self.wait(self.start(cmd), timeout)

    def _wait(self, done, mark, timeout):
        deadline = time.monotonic() + timeout
        while True:
            text = self.console()
            if done(text):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"cell {self.cell}: command {mark} not done in {timeout} s:"
                                     f"\n{text[-3000:]}")
            time.sleep(0.3)


def plic_line_count(proc_interrupts, line):
    """The count of PLIC line `line` in a Linux guest's /proc/interrupts, summed over CPUs."""
    lines = proc_interrupts.splitlines()
    ncpu = len(lines[0].split())
    for row in lines[1:]:
        parts = row.split()
        # "  1:     8     0  SiFive PLIC   6 Edge      virtio0": the chip's name, then the line
        if re.search(rf"\bPLIC\s+{line}\s", " ".join(parts[1 + ncpu:]) + " "):
            return sum(int(n) for n in parts[1:1 + ncpu])
    raise AssertionError(f"no PLIC line {line} in /proc/interrupts:\n{proc_interrupts}")


def stats_delta(before, after):
    """{reason: count} summed over the harts, after - before, reasons that changed; the
    arguments are Hypervisor.stats() ({hart: {reason: count}})."""
    out = {}
    for hart, reasons in after.items():
        for reason, n in reasons.items():
            d = n - before.get(hart, {}).get(reason, 0)
            if d:
                out[reason] = out.get(reason, 0) + d
    return out


def kinds_of(d, after, harts):
    """{tag: {exits, work, wait, per_exit, min, max}} of a window (delta d, snapshot after)."""
    kinds = {}
    for tag, c in counters.by_tag(d).items():
        rng = counters.episode_range(after, tag, harts)
        kinds[tag] = {"exits": c["episodes"], "work": c["insns"], "wait": c["spin"],
                      "per_exit": round(c["insns"] / c["episodes"]) if c["episodes"] else None,
                      "min": rng[0] if rng else None, "max": rng[1] if rng else None}
    return kinds


def disk_interrupt_figure(kinds, interrupts):
    """One disk interrupt of the Linux cell from the window's kinds of exit: the exits and
    work of the DISK_PATH kinds per interrupt. exact: every external interrupt of the window
    was one of the disk's (nothing else interrupts the cell's harts from outside) and each
    kind divides evenly."""
    path = {t: kinds.get(t, {"exits": 0, "work": 0, "min": None, "max": None})
            for t in DISK_PATH}
    exact = bool(interrupts) and path["irq_external"]["exits"] == interrupts and all(
        k["exits"] % interrupts == 0 for k in path.values())
    if not interrupts:
        return {"interrupts": 0, "exact": False, "exits": None, "work": None,
                "exits_by_kind": None, "work_by_kind": None}
    return {"interrupts": interrupts, "exact": exact,
            "exits": round(sum(k["exits"] for k in path.values()) / interrupts, 2),
            "work": round(sum(k["work"] for k in path.values()) / interrupts),
            "exits_by_kind": {t: round(k["exits"] / interrupts, 2) for t, k in path.items()},
            "work_by_kind": {t: round(k["work"] / interrupts) for t, k in path.items()}}


def parse_cell_stats(report):
    """{hart: {reason: count, "total": count}} from `hvctl cell stats` (docs/hvctl.md)."""
    rows = [line.split() for line in report.splitlines() if line.startswith("  ")]
    header = next(r for r in rows if r[0] == "exits")
    harts = [int(col[len("cpu"):]) for col in header[1:]]
    stats = {h: {} for h in harts}
    for row in rows[rows.index(header) + 1:]:
        for h, value in zip(harts, row[1:]):
            stats[h][row[0]] = int(value)
    return stats


def fmt(n):
    return "-" if n is None else f"{n:,}"


def print_table(r):
    out = []
    w = out.append
    w("Bulkhead bench: instructions executed in the hypervisor (hvcount TCG plugin, QEMU board)")
    w("work = hypervisor instructions; wait = rounds of wait loops and lock retries (timing,")
    w("not part of work). docs/bench.md explains every line.")
    w("")
    w(f"{'figure':44} {'value':>12}  detail")
    for name in ("enable", "disable"):
        rounds = r[name]
        works = [x["work"] for x in rounds]
        repeats = works[1:]
        spread = max(repeats) - min(repeats)
        same = "equal" if not spread else f"{spread} apart: state the guest left, see docs"
        w(f"{'hvctl ' + name + ' (all harts)':44} {fmt(works[0]):>12}  "
          f"first; then {', '.join(fmt(x) for x in repeats)} ({same}); per hart "
          + ", ".join(f"{h}: {fmt(v)}" for h, v in sorted(rounds[0]["per_hart"].items())))
    q = r["irq_demo"]
    w(f"{'irq-demo: hart 3 during the run':44} {fmt(q['work']):>12}  "
      f"{q['interrupts']} interrupts, wait {fmt(q['wait'])}")
    w(f"{'  per delivered interrupt':44} {fmt(q['work_per_interrupt']):>12}  "
      "everything the run cost, consoles included")
    w(f"{'  one interrupt: exit + claim + complete':44} {fmt(q['interrupt_path']):>12}  "
      "the same for each of the 20")
    w(f"{'  exits (hvctl cell stats irq-demo)':44} {fmt(q['exits']):>12}  "
      f"plugin saw {fmt(q['plugin_episodes'])} entries")
    w(f"{'  per exit':44} {fmt(q['work_per_exit']):>12}")
    for tag, k in sorted(q["by_kind"].items(), key=lambda kv: -kv[1]["work"]):
        if k["exits"]:
            w(f"{'    ' + tag:44} {fmt(k['per_exit']):>12}  per exit x {k['exits']} exits "
              f"(one exit: {fmt(k['min'])}..{fmt(k['max'])})")
        else:
            w(f"{'    ' + tag:44} {fmt(k['work']):>12}  (the end of an episode begun "
              "before the run: the park the start woke)")
    w("  irq-demo per function (hart 3, the whole run): instructions, calls, per call")
    for name, f in sorted(q.get("functions", {}).items(), key=lambda kv: -kv[1]["insns"]):
        per = f"{f['insns'] / f['calls']:.1f}" if f["calls"] else "-"
        w(f"{'    ' + name:44} {fmt(f['insns']):>12}  {fmt(f['calls'])} calls, {per} per call")
    i = r["idle"]
    w(f"{'root idle: work per second':44} {fmt(i['work_per_second']):>12}  "
      f"{fmt(i['work'])} in {i['seconds']} s, {i['exits']} exits "
      f"({', '.join(f'{t} {n}' for t, n in sorted(i['exits_by_kind'].items())) or 'none'})")
    w(f"{'  timer exits (hypervisor counters)':44} {fmt(i['timer_exits']):>12}  "
      "Sstc: the root's timer never exits")
    w(f"{'  per exit':44} {fmt(i['work_per_exit']):>12}")
    p = r["ipi"]
    w(f"{'root SBI IPI round (send + receive)':44} {fmt(p['round']):>12}  "
      f"{p['sbi_ipi']['exits']} sbi_ipi, {p['irq_software']['exits']} irq_software exits")
    for tag in ("sbi_ipi", "irq_software"):
        k = p[tag]
        w(f"{'  ' + tag + ' per exit':44} {fmt(k['per_exit']):>12}  "
          f"one exit: {fmt(k['min'])}..{fmt(k['max'])}")
    f = r["console_flood"]
    w(f"{'hostile cell flooding its console':44} {fmt(f['console_exit_max']):>12}  "
      f"worst DBCN exit, {fmt(f['console_exits'])} of them in {f['seconds']} s on harts 2, 3")
    w(f"{'  worst exit of any kind on its harts':44} {fmt(f['worst_exit']):>12}  "
      f"{f['worst_kind']}")
    k = r["links"]
    w(f"{'link: one ring + delivery, cell to cell':44} {fmt(k['ring_delivery']):>12}  "
      f"doorbell + irq_software + claim + complete (most {fmt(k['ring_delivery_max'])}); "
      f"{k['round_trips']} round trips, {k['errors']} errors, harts 2, 3")
    for tag in RING_PATH:
        c = k["by_kind"].get(tag)
        if c:
            w(f"{'  ' + tag:44} {fmt(c['min']):>12}  one exit: {fmt(c['min'])}..{fmt(c['max'])}"
              f", {c['exits']} exits")
    w(f"{'  per round trip, everything':44} {fmt(k['work_per_round_trip']):>12}")
    linux_rows(w, r["linux"])
    return "\n".join(out)


def linux_rows(w, r):
    """The Linux cell's lines of the table."""
    harts = ", ".join(str(h) for h in r["idle"]["harts"])
    i = r["idle"]
    reasons = ", ".join(f"{t} {n}" for t, n in sorted(i["exits_by_reason"].items())) or "none"
    w(f"{'linux cell idle: exits per second':44} {i['exits_per_second']:>12}  "
      f"{fmt(i['exits'])} exits in {i['seconds']} s on harts {harts} ({reasons}), "
      f"after {i['settle_seconds']:g} s without input")
    for reason, rate in i["exits_per_second_by_reason"].items():
        w(f"{'    ' + reason:44} {rate:>12}  per second")
    w(f"{'  work per second':44} {fmt(i['work_per_second']):>12}  "
      f"{fmt(i['work'])} instructions in {i['plugin_seconds']} s, wait {fmt(i['wait'])}")
    w(f"{'  per exit':44} {fmt(i['work_per_exit']):>12}  "
      f"plugin saw {fmt(i['plugin_entries'])} entries")
    for tag, k in sorted(i["by_kind"].items(), key=lambda kv: -kv[1]["work"]):
        if k["exits"]:
            w(f"{'    ' + tag:44} {fmt(k['per_exit']):>12}  per exit x {k['exits']} exits "
              f"(one exit: {fmt(k['min'])}..{fmt(k['max'])})")
    q = r["disk"]
    exits = "-" if q["exits"] is None else f"{q['exits']:g}"
    kinds = ", ".join(f"{t} {n:g}" for t, n in (q["exits_by_kind"] or {}).items())
    w(f"{'linux cell: one disk interrupt':44} {fmt(q['work']):>12}  "
      f"{exits} exits ({kinds}); {q['interrupts']} interrupts for {q['reads']} reads"
      + ("" if q["exact"] else ", NOT EXACT: other external interrupts in the window"))
    for tag in DISK_PATH:
        k = q["window"]["by_kind"].get(tag)
        if k and k["exits"]:
            w(f"{'    ' + tag:44} {fmt(k['per_exit']):>12}  per exit x {k['exits']} exits "
              f"(one exit: {fmt(k['min'])}..{fmt(k['max'])})")
    win = q["window"]
    reasons = ", ".join(f"{t} {n}" for t, n in sorted(win["hypervisor_exit_counters"].items())
                        if t != "exits_total")
    w(f"{'  the whole window (dd, shell, console)':44} {fmt(win['work']):>12}  "
      f"{fmt(win['hypervisor_exit_counters'].get('exits_total'))} exits ({reasons})")


def boot_board(args, plugin_args, log_dir):
    os.environ["QEMU_EXTRA_ARGS"] = (os.environ.get("QEMU_EXTRA_ARGS", "") + " -plugin "
                                     + ",".join([str(args.plugin)] + plugin_args)).strip()
    if args.ssh_port:
        # QemuBoard picks a free port itself; a fixed one was asked for.
        boardlib.qemu.free_tcp_port = lambda: args.ssh_port
    qemu = QemuBoard(ROOT, args.build, log_dir, boot_timeout=args.boot_timeout)
    qemu.boot()
    return qemu


def check_board_runs_this_build(board, build):
    """The board must run the image whose symbols place the plugin's tags."""
    local = hvsyms.md5(build / "hypervisor" / "bulkhead.bin")
    remote = board.sh("md5sum /lib/firmware/bulkhead.bin").split()[0]
    if local != remote:
        raise hvsyms.ImageMismatch(
            f"the board's /lib/firmware/bulkhead.bin (md5 {remote}) is not "
            f"{build}/hypervisor/bulkhead.bin (md5 {local}): rebuild the initramfs (make)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", type=Path, default=ROOT / "build")
    ap.add_argument("--plugin", type=Path, required=True, help="hvcount.so")
    ap.add_argument("--out", type=Path, required=True, help="results.json")
    ap.add_argument("--ssh-port", type=int, default=0, help="default: a free port")
    ap.add_argument("--idle-seconds", type=float, default=10.0)
    ap.add_argument("--boot-timeout", type=float, default=120.0)
    ap.add_argument("--linux-settle-seconds", type=float, default=LINUX_SETTLE_SECONDS,
                    help="no console input to the Linux cell for this long before its idle "
                    "window (hvc0 polls ever more slowly, down to every 2 s)")
    args = ap.parse_args()
    args.build, args.out = args.build.resolve(), args.out.resolve()

    elf = args.build / "hypervisor" / "bulkhead.elf"
    system_cell = args.build / "configs" / "system.cell"
    sock_dir = tempfile.mkdtemp(prefix="bh-bench-")
    sock = Path(sock_dir) / "hvcount.sock"
    try:
        hvsyms.check_image_matches_elf(elf, args.build / "hypervisor" / "bulkhead.bin")
        plugin_args = hvsyms.plugin_args(elf, system_cell, sock=sock)
    except (hvsyms.ImageMismatch, OSError, ValueError) as e:
        os.rmdir(sock_dir)
        sys.exit(f"bench: {e}")
    log_dir = args.out.parent / "logs"
    qemu = None
    try:
        qemu = boot_board(args, plugin_args, log_dir)
        board = Board(qemu.ssh, "qemu", {}, qemu=qemu)
        plugin = counters.Counters(sock)
        plugin.wait_socket(10, alive=qemu.running)
        check_board_runs_this_build(board, args.build)
        hv = Hypervisor(board)
        hv.load_module()
        root_cell = cellfile.System.unpack(system_cell.read_bytes()).root.name_str
        bench = Bench(board, hv, Cells(hv), plugin, root_cell)
        base, size = hvsyms.hypervisor_region(system_cell)
        bench.functions = hvsyms.functions(elf, base)
        # Nothing may have run in the hypervisor's range before the hypervisor exists.
        counted = sum(c["insns"] + c["spin"] for c in plugin.snapshot()["cpus"])
        if counted:
            print(f"bench: warning: {counted} instructions counted in the hypervisor's range "
                  "before the hypervisor was loaded: something else runs there", file=sys.stderr)
        results = {"board": {"console": str(qemu.console_path),
                             "hypervisor_memory": [hex(base), hex(size)],
                             "counted_before_enable": counted}}
        results["enable"] = [bench.enable()]
        results["idle"] = bench.idle(args.idle_seconds)
        results["irq_demo"] = bench.irq_demo()
        results["ipi"] = bench.ipi()
        results["console_flood"] = bench.console_flood()
        results["links"] = bench.links()
        results["disable"] = [bench.disable()]
        for _ in range(REPEATS):
            results["enable"].append(bench.enable())
            results["disable"].append(bench.disable())
        # Last, so that enable and disable above see the PLIC as before: line 6 unused.
        hv.enable()
        results["linux"] = bench.linux(args.idle_seconds, args.linux_settle_seconds)
    except (BoardError, counters.PluginGone, hvsyms.ImageMismatch, AssertionError) as e:
        where = f"\nconsole log: {qemu.console_path}" if qemu and qemu.console_path else ""
        sys.exit(f"bench: {e}{where}")
    finally:
        if qemu:
            qemu.shutdown()
        sock.unlink(missing_ok=True)
        os.rmdir(sock_dir)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    blocks = {pc: nr for pc, nr in getattr(bench, "irq_demo_blocks", {}).items() if nr[1]}
    (args.out.parent / "irq-demo-blocks.json").write_text(json.dumps(blocks, indent=1) + "\n")
    print(print_table(results))
    print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
