"""Interrupt latency per cell and line, as the hypervisor records it (issue 13): the histograms
of `hvctl cell stats NAME --latency` count every interrupt the guest took, once."""
import json
import re

from boardlib.hv import interrupts


def latency(cells, name):
    return json.loads(cells.hv.hvctl(f"cell stats {name} --latency --json").stdout)


def test_irq_demo_histograms_add_up_to_the_interrupts_it_counted(board, cells):
    cells.run_demo("irq-demo")
    out = cells.wait_console("irq-demo", r"^irq-demo: plic accesses \d+$", timeout=120)
    taken = int(re.search(r"^irq-demo: done, (\d+) interrupts$", out, re.M).group(1))
    doc = latency(cells, "irq-demo")
    assert doc["timebase_frequency"] == 10_000_000
    assert [ln["line"] for ln in doc["lines"]] == [11]
    line = doc["lines"][0]
    assert line["claims"] == line["completes"] == taken == 20
    assert sum(line["to_claim"]) == sum(line["to_complete"]) == taken
    # The worst case lies in the highest bucket that counted anything.
    for hist, worst in ((line["to_claim"], line["max_to_claim"]),
                        (line["to_complete"], line["max_to_complete"])):
        top = max(b for b, n in enumerate(hist) if n)
        assert (0 if top == 0 else 1 << (top - 1)) <= worst < (1 << top if top < 31 else 2**64)
    text = cells.hv.hvctl("cell stats irq-demo --latency").stdout
    assert "  line 11: 20 claimed, 20 completed\n" in text
    assert re.search(rf"^    max\s+{line['max_to_claim']}\s+{line['max_to_complete']}$", text, re.M)
    cells.hv.hvctl("cell stats irq-demo --reset")
    line = latency(cells, "irq-demo")["lines"][0]
    assert (line["claims"], line["completes"], sum(line["to_claim"])) == (0, 0, 0)
    cells.hv.hvctl("cell shutdown irq-demo")
    cells.hv.hvctl("cell destroy irq-demo")


def test_the_roots_lines_are_measured_too(board, cells):
    virtio0 = [ln for ln in board.read("/proc/interrupts").splitlines() if "virtio0" in ln]
    number = int(re.search(r"PLIC\s+(\d+)\s", virtio0[0]).group(1))
    # Linux counts an interrupt in its handler, after the claim the hypervisor timed: the
    # reads of its count before and after bracket the claims (SSH itself is network traffic).
    n0 = sum(interrupts(board, "virtio0"))
    cells.hv.hvctl("cell stats root --reset")
    na = sum(interrupts(board, "virtio0"))
    board.sh("sleep 0.5")
    nb = sum(interrupts(board, "virtio0"))
    line = {ln["line"]: ln for ln in latency(cells, "root")["lines"]}[number]
    nc = sum(interrupts(board, "virtio0"))
    assert nb > na
    assert nb - na - 1 <= line["claims"] <= nc - n0 + 1
    assert line["claims"] - line["completes"] in (0, 1)
    assert sum(line["to_claim"]) == line["claims"]


def test_latency_of_a_cell_without_lines_is_refused(board, cells):
    cells.run_demo("hello")
    cells.wait_console("hello", r"^hello from cell hello on hart 3$")
    r = cells.hv.hvctl("cell stats hello --latency", check=False)
    assert (r.returncode, r.stdout, r.stderr) == (
        1, "", "hvctl: cell stats: cell 'hello' has no interrupt lines: no latency to show\n")
    cells.hv.hvctl("cell destroy hello")
