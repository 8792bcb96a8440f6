"""hvctl cell stats NAME --latency [--json] | --reset over a fake sysfs: cells/NAME/latency holds
the driver's bytes (a struct bh_latency_header, then one struct bh_latency_line per line of the
cell, include/bulkhead/hypercall.h); a write to it clears the figures (driver/latency.c)."""
import json
import struct

from test_hvctl import hvctl, make_sysfs, run  # noqa: F401
from test_irq_latency import BUCKETS, HEADER, LINE_FMT


def line_bytes(line, claims=0, completes=0, max_claim=0, max_complete=0, to_claim=None,
               to_complete=None):
    return LINE_FMT.pack(line, 0, claims, completes, max_claim, max_complete,
                         *(to_claim or [0] * BUCKETS), *(to_complete or [0] * BUCKETS))


def counts(**buckets):
    h = [0] * BUCKETS
    for b, n in buckets.items():
        h[int(b[1:])] = n
    return h


def board(tmp_path, lines, name="irq-demo", extra=b""):
    sysfs = make_sysfs(tmp_path / "sys", cells={name: ("3", {3: {}})})
    data = HEADER.pack(10_000_000, len(lines), 0, len(lines)) + b"".join(lines) + extra
    (sysfs / "cells" / name / "latency").write_bytes(data)
    return sysfs


IRQ_DEMO = [
    line_bytes(10),
    line_bytes(11, 20, 20, 2**30 + 5, 300, counts(b4=3, b5=16, b31=1), counts(b9=20)),
]


def test_text_table_shows_the_lines_with_interrupts(hvctl, tmp_path):
    p = run(hvctl, "cell", "stats", "irq-demo", "--latency",
            env={"BH_SYSFS": board(tmp_path, IRQ_DEMO)})
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == (
        "cell irq-demo: interrupt latency in ticks of the time CSR (10000000 Hz)\n"
        "  line 11: 20 claimed, 20 completed\n"
        "    ticks                     to_claim  to_complete\n"
        "    8..15                            3            0\n"
        "    16..31                          16            0\n"
        "    256..511                         0           20\n"
        "    1073741824..                     1            0\n"
        "    max                     1073741829          300\n")


def test_json_has_every_line_and_bucket(hvctl, tmp_path):
    p = run(hvctl, "cell", "stats", "irq-demo", "--latency", "--json",
            env={"BH_SYSFS": board(tmp_path, IRQ_DEMO)})
    assert (p.returncode, p.stderr) == (0, "")
    doc = json.loads(p.stdout)
    assert doc == {
        "cell": "irq-demo", "timebase_frequency": 10_000_000, "buckets": 32, "lines": [
            {"line": 10, "claims": 0, "completes": 0, "max_to_claim": 0, "max_to_complete": 0,
             "to_claim": [0] * 32, "to_complete": [0] * 32},
            {"line": 11, "claims": 20, "completes": 20, "max_to_claim": 2**30 + 5,
             "max_to_complete": 300, "to_claim": counts(b4=3, b5=16, b31=1),
             "to_complete": counts(b9=20)}]}


def test_no_interrupt_yet_is_said(hvctl, tmp_path):
    p = run(hvctl, "cell", "stats", "irq-demo", "--latency",
            env={"BH_SYSFS": board(tmp_path, IRQ_DEMO[:1])})
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout.splitlines()[1:] == ["  no interrupt on its 1 lines since the last reset"]


def test_a_cell_without_lines_is_an_error(hvctl, tmp_path):
    p = run(hvctl, "cell", "stats", "hello", "--latency",
            env={"BH_SYSFS": board(tmp_path, [], name="hello")})
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == "hvctl: cell stats: cell 'hello' has no interrupt lines: no latency to show\n"


def test_a_torn_report_is_an_error(hvctl, tmp_path):
    sysfs = board(tmp_path, IRQ_DEMO, extra=b"\0" * 8)
    p = run(hvctl, "cell", "stats", "irq-demo", "--latency", env={"BH_SYSFS": sysfs})
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == (f"hvctl: cell stats: {sysfs}/cells/irq-demo/latency: 624 bytes, not a "
                        "latency report of whole lines\n")


def test_reset_writes_the_file(hvctl, tmp_path):
    sysfs = board(tmp_path, IRQ_DEMO)
    p = run(hvctl, "cell", "stats", "irq-demo", "--reset", env={"BH_SYSFS": sysfs})
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    assert (sysfs / "cells" / "irq-demo" / "latency").read_bytes()[:1] == b"1"


def test_latency_of_a_cell_that_does_not_exist(hvctl, tmp_path):
    p = run(hvctl, "cell", "stats", "nope", "--latency",
            env={"BH_SYSFS": board(tmp_path, IRQ_DEMO)})
    assert (p.returncode, p.stdout, p.stderr) == (1, "", "hvctl: cell stats: no cell 'nope'\n")
