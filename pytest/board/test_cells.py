"""Cells: CPUs, memory and IRQ lines carved out of the root, running bare-metal inmates."""
import re

from boardlib.hv import interrupts, online_harts


def root_is_alive(board, net_before):
    """SSH answers, the root's timer ticks and its network interrupts keep arriving.
    /proc/interrupts counts online CPUs only, and which CPUs a cell takes depends on Linux's
    boot hart: the baseline is taken again once the cell has its harts."""
    net0 = min(net_before, sum(interrupts(board, "virtio0")))
    timer0 = sum(interrupts(board, "riscv-timer"))
    board.sh("sleep 0.2")
    assert sum(interrupts(board, "riscv-timer")) > timer0
    net = sum(interrupts(board, "virtio0"))
    assert net > net0
    return net


def test_hello(board, cells):
    net = sum(interrupts(board, "virtio0"))
    cells.run_demo("hello")
    assert online_harts(board) == "0 1 2"
    out = cells.wait_console("hello", r"^hello from cell hello on hart 3$")
    assert cells.state("hello") == "running"
    assert re.search(r"^hello\s+running\s+3$", cells.hv.hvctl("cell list").stdout, re.M)
    # The hypervisor console carries it too, marked with the cell's name.
    assert "[hello] hello from cell hello on hart 3" in cells.hv.hvctl("console").stdout
    net = root_is_alive(board, net)
    cells.hv.hvctl("cell shutdown hello")
    assert cells.state("hello") == "shut down"
    cells.hv.hvctl("cell destroy hello")
    assert board.sh("cat /sys/devices/system/cpu/online") == "0-3"
    assert cells.names() == ["root"]
    assert out.count("hello from cell") == 1
    root_is_alive(board, net)


def test_timer_demo(board, cells):
    net = sum(interrupts(board, "virtio0"))
    cells.run_demo("timer-demo")
    out = cells.wait_console("timer-demo", r"^timer-demo: done$", timeout=120)
    rows = re.findall(r"^timer-demo: (\d+) ticks, jitter min (\d+) avg (\d+) max (\d+) ns$", out,
                      re.M)
    assert [int(r[0]) for r in rows] == list(range(100, 1001, 100))
    for _, lo, avg, hi in rows:
        assert int(lo) <= int(avg) <= int(hi)
    root_is_alive(board, net)
    cells.hv.hvctl("cell shutdown timer-demo")
    cells.hv.hvctl("cell destroy timer-demo")
    assert board.sh("cat /sys/devices/system/cpu/online") == "0-3"


def test_irq_demo_interrupts_go_to_the_cell_only(board, cells):
    net = sum(interrupts(board, "virtio0"))
    proc_before = board.read("/proc/interrupts")
    cells.run_demo("irq-demo")
    out = cells.wait_console("irq-demo", r"^irq-demo: plic accesses \d+$", timeout=120)
    assert [int(n) for n in re.findall(r"^irq-demo: interrupt (\d+)$", out, re.M)] == \
        list(range(1, 21))
    assert "irq-demo: done, 20 interrupts" in out
    assert "irq-demo: plic accesses 43" in out
    # Line 11 is the cell's: the root's count for it does not move (it has no such line).
    line11 = [line for line in board.read("/proc/interrupts").splitlines()
              if re.search(r"PLIC\s+11\s", line)]
    line11_before = [line for line in proc_before.splitlines() if re.search(r"PLIC\s+11\s", line)]
    assert line11 == line11_before
    stats = cells.hv.stats("irq-demo")
    assert list(stats) == [3]
    # Exactly 3 exits per delivered interrupt: the interrupt, the claim, the complete
    # (and 3 PLIC accesses of the setup).
    assert stats[3]["irq_external"] == 20
    assert stats[3]["mmio"] == 3 + 2 * 20
    root_is_alive(board, net)
    cells.hv.hvctl("cell shutdown irq-demo")
    assert cells.state("irq-demo") == "shut down"
    cells.hv.hvctl("cell destroy irq-demo")
    assert board.sh("cat /sys/devices/system/cpu/online") == "0-3"


def test_smp_demo(board, cells):
    net = sum(interrupts(board, "virtio0"))
    cells.run_demo("smp-demo")
    assert online_harts(board) == "0 1"
    out = cells.wait_console("smp-demo", r"^smp-demo: hart 3 status of hart 2: started$")
    root_is_alive(board, net)
    for line in ("smp-demo: hart 2 starting hart 3", "smp-demo: hello from hart 2",
                 "smp-demo: hello from hart 3"):
        assert re.search(f"^{line}$", out, re.M), out
    assert out.index("starting hart 3") < out.index("hello from hart 3")
    cells.hv.hvctl("cell shutdown smp-demo")
    assert cells.state("smp-demo") == "shut down"
    cells.hv.hvctl("cell destroy smp-demo")
    assert board.sh("cat /sys/devices/system/cpu/online") == "0-3"
