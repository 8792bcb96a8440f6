"""Console input for a cell: hvctl cell send / console -i, read by the cell with
SBI legacy getchar and DBCN read (inmates/demos/echo.c echoes each line)."""
import re

import pytest


def echoed(cells, line, method, timeout=60):
    pattern = rf"^echo: {re.escape(line)} \({len(line)} bytes, {method}\)$"
    return cells.wait_console("echo", pattern, timeout=timeout)


def test_send_reaches_the_cell_in_order(board, cells):
    cells.run_demo("echo")
    cells.wait_console("echo", r"^echo: cell echo on hart 3 reads its console$")
    cells.send("echo", "hello\\n")
    echoed(cells, "hello", "dbcn")
    # Escapes become bytes; two lines in one send arrive as two lines.
    cells.send("echo", "a\\tb\\x41\\nsecond\\n")
    echoed(cells, "a\tbA", "dbcn")
    out = echoed(cells, "second", "dbcn")
    lines = re.findall(r"^echo: (.*) \(\d+ bytes", out, re.M)
    assert lines == ["hello", "a\tbA", "second"]
    # Longer than the cell's input buffer (1 KiB): hvctl sends the rest as the cell reads.
    long = "".join(chr(ord("a") + i % 26) for i in range(3000))
    cells.send("echo", long + "\\n")
    echoed(cells, long, "dbcn")
    # Legacy getchar reads the same input.
    cells.send("echo", "getchar\\n")
    echoed(cells, "getchar", "dbcn")
    cells.send("echo", "via legacy\\n")
    echoed(cells, "via legacy", "getchar")
    cells.send("echo", "quit\\n")
    cells.wait_console("echo", r"^echo: bye$")
    cells.wait_state("echo", "shut down")


def test_console_interactive_types_into_the_cell(board, cells):
    cells.run_demo("echo")
    cells.wait_console("echo", r"^echo: cell echo on hart 3 reads its console$")
    # Not a terminal here: -i forwards its standard input until the end of it.
    hvctl = board.project_file("/usr/sbin/hvctl")
    r = board.run(f"printf 'typed line\\n' | {hvctl} cell console echo -i")
    assert "hvctl: console of cell 'echo': your input goes to it; Ctrl-] leaves" in r.stderr
    echoed(cells, "typed line", "dbcn")
    # Ctrl-] (0x1d) leaves; what comes after it is not sent.
    r = board.run(f"printf 'before\\035after\\n' | {hvctl} cell console echo -i")
    assert r.returncode == 0
    cells.send("echo", "\\n")
    out = echoed(cells, "before", "dbcn")
    assert "after" not in out


def test_send_to_a_cell_that_does_not_read_fails_clearly(board, cells):
    cells.run_demo("hello")
    cells.wait_console("hello", r"^hello from cell hello on hart 3$")
    r = cells.send("hello", "x" * 1500, check=False)
    assert r.returncode == 1
    assert r.stderr.strip() == ("hvctl: cell send: cell 'hello' took 1024 of 1500 bytes and no "
                                "more for 10 s: it is not reading its console input")


@pytest.mark.parametrize("name, message", [
    ("nosuch", "no cell 'nosuch'"),
    ("root", "cell 'root' is the root cell"),
])
def test_send_to_no_cell(board, cells, name, message):
    r = cells.send(name, "x", check=False)
    assert r.returncode == 1
    assert message in r.stderr
