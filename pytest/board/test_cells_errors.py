"""Bad input to cell commands: a clear error naming the problem, and nothing changed."""
import sys
from pathlib import Path

from boardlib.hv import SYSFS, online_harts
from paths import BUILD

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "host"))
from cellfile import Cell  # noqa: E402


def demo_cell(name):
    return Cell.unpack((BUILD / "configs" / f"{name}-cell.cell").read_bytes())


def create(board, cells, cell, path="/tmp/bad.cell"):
    board.target.put(cell.pack(), path)
    return cells.create(path, check=False)


def unchanged(board, cells, online="0 1 2 3", names=("root",)):
    assert online_harts(board) == online
    assert sorted(cells.names()) == sorted(names)


def refused(r, *needles):
    assert r.returncode == 1, r
    for n in needles:
        assert n in r.stderr, r.stderr


def test_memory_overlapping_the_hypervisor(board, cells):
    cell = demo_cell("hello")
    cell.regions[0].phys_start = 0xbbe00000
    refused(create(board, cells, cell), "hypervisor memory")
    unchanged(board, cells)


def test_memory_overlapping_the_roots_kernel(board, cells):
    cell = demo_cell("hello")
    cell.regions[0].phys_start = 0x80400000
    refused(create(board, cells, cell), "is in the root kernel's RAM, not in a root region cells are carved from")
    unchanged(board, cells)


def test_memory_overlapping_another_cell(board, cells):
    cells.create(cells.config("hello"))
    cell = demo_cell("timer-demo")
    cell.set_harts([2])
    cell.regions[0].phys_start = demo_cell("hello").regions[0].phys_start
    refused(create(board, cells, cell), "of cell 'hello'")
    unchanged(board, cells, "0 1 2", ("root", "hello"))


def test_cpu_the_root_does_not_own(board, cells):
    cells.create(cells.config("hello"))
    refused(cells.create(cells.config("timer-demo"), check=False),
            "hart 3 belongs to cell 'hello'")
    unchanged(board, cells, "0 1 2", ("root", "hello"))


def test_the_roots_last_cpu(board, cells):
    cell = demo_cell("hello")
    cell.set_harts([0, 1, 2, 3])
    refused(create(board, cells, cell), "would take the root's last CPU")
    unchanged(board, cells)


def test_line_the_root_does_not_own(board, cells):
    cells.create(cells.config("irq-demo"))
    cell = demo_cell("timer-demo")
    cell.set_harts([2])
    cell.set_irqs([11])
    refused(create(board, cells, cell), "PLIC line 11 belongs to cell 'irq-demo'")
    unchanged(board, cells, "0 1 2", ("root", "irq-demo"))


def test_duplicate_name(board, cells):
    cells.create(cells.config("hello"))
    cell = demo_cell("timer-demo")
    cell.set_harts([2])
    cell.name = b"hello"
    refused(create(board, cells, cell), "cell 'hello' already exists")
    unchanged(board, cells, "0 1 2", ("root", "hello"))


def test_load_into_a_running_cell(board, cells):
    cells.run_demo("hello")
    r = cells.hv.hvctl(f"cell load hello {cells.image('hello')}", check=False)
    refused(r, "cell 'hello' is running: shut it down first")
    assert cells.state("hello") == "running"


def test_image_larger_than_its_loadable_region(board, cells):
    cells.create(cells.config("hello"))
    board.sh("dd if=/dev/zero of=/tmp/big.bin bs=1024 count=1025 2>/dev/null")
    r = cells.hv.hvctl("cell load hello /tmp/big.bin", check=False)
    refused(r, "does not fit loadable region")
    r = cells.hv.hvctl("cell start hello", check=False)
    refused(r, "has no image loaded")
    assert cells.state("hello") == "stopped"


def test_start_without_load(board, cells):
    cells.create(cells.config("hello"))
    refused(cells.hv.hvctl("cell start hello", check=False),
            "cell 'hello' has no image loaded: hvctl cell load first")
    assert cells.state("hello") == "stopped"
    assert board.run(f"test -d {SYSFS}/cells/hello", check=False).returncode == 0
