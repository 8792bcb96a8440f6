"""Isolation: a cell that reaches for what is not its own is refused or fails; the root never
notices."""
import re

import pytest

from boardlib.hv import interrupts

ROOT_KERNEL_PAGE = 0x80400000   # Linux RAM (kernel text)
ROOT_POOL_CANARY = 0xbf000000   # root-owned pool memory no cell has
ATTACK_RAM = 0xbd200000         # where the attack cell's RAM lives physically


def page_digest(board, phys):
    return board.sh(f"dd if=/dev/mem bs=4096 skip={phys // 4096} count=1 2>/dev/null | md5sum")


@pytest.fixture
def canaries(board):
    """A pattern in root pool memory, and the digest of a root kernel page."""
    for i, word in enumerate((0x11223344, 0x55667788, 0x99aabbcc, 0xddeeff00)):
        board.sh(f"devmem {ROOT_POOL_CANARY + 4 * i:#x} 32 {word:#x}")
    before = (page_digest(board, ROOT_POOL_CANARY), page_digest(board, ROOT_KERNEL_PAGE))
    net = sum(interrupts(board, "virtio0"))
    yield
    after = (page_digest(board, ROOT_POOL_CANARY), page_digest(board, ROOT_KERNEL_PAGE))
    assert after == before, "root memory changed"
    board.sh("true")
    assert sum(interrupts(board, "virtio0")) > net, "the root's network line stopped"


def attack(cells, mode):
    cells.run_demo("attack", params=mode)
    return "attack"


def destroy_gives_everything_back(board, cells):
    cells.hv.hvctl("cell destroy attack")
    assert board.sh("cat /sys/devices/system/cpu/online") == "0-3"
    # The cell's memory is the root's again.
    out = board.sh(f"(devmem {ATTACK_RAM:#x} 32); echo status=$?")
    assert out.endswith("status=0"), out


def test_sbi_calls_naming_foreign_harts_are_refused(board, cells, canaries):
    attack(cells, "sbi")
    out = cells.wait_console("attack", r"^attack: sbi done$")
    for what in ("hsm hart_start hart 0", "ipi hart 0", "rfence remote_fence_i hart 0",
                 "rfence remote_sfence_vma hart 0"):
        assert re.search(f"^attack: {what} -> error -3$", out, re.M), out
    assert cells.state("attack") == "running"
    destroy_gives_everything_back(board, cells)


@pytest.mark.parametrize("mode,addr,access", [
    ("read", 0x80100000, "load from"),
    ("read 0xbbe01000", 0xbbe01000, "load from"),
    ("write 0xbbe01000", 0xbbe01000, "store to"),
    (f"canary {ROOT_POOL_CANARY:#x}", ROOT_POOL_CANARY, "store to"),
    (f"canary {ROOT_KERNEL_PAGE:#x}", ROOT_KERNEL_PAGE, "store to"),
])
def test_memory_outside_the_cell_fails_it(board, cells, canaries, mode, addr, access):
    attack(cells, mode)
    cells.wait_state("attack", "failed")
    reason = cells.reason("attack")
    assert f"{access} guest-physical {addr:#x}, outside the cell's memory" in reason, reason
    out = cells.console("attack")
    assert "returned" not in out and "done" not in out, out
    assert re.search(r"^attack\s+failed\s+3 - ", cells.hv.hvctl("cell list").stdout, re.M)
    destroy_gives_everything_back(board, cells)


def test_plic_line_of_the_root_fails_the_cell(board, cells, canaries):
    attack(cells, "plic")
    cells.wait_state("attack", "failed")
    assert "wrote to PLIC line 8, which it does not own" in cells.reason("attack")
    assert "plic write done" not in cells.console("attack")
    destroy_gives_everything_back(board, cells)


def test_failed_cell_can_be_shut_down_and_started_again(board, cells, canaries):
    attack(cells, "read")
    cells.wait_state("attack", "failed")
    cells.hv.hvctl("cell shutdown attack")
    assert cells.state("attack") == "shut down"
    assert cells.reason("attack") == ""
    cells.hv.hvctl(f"cell load attack {cells.image('attack')}")
    board.target.put(b"sbi\n\0", "/tmp/params")
    cells.hv.hvctl("cell load attack /tmp/params -a 0x800ff000")
    cells.hv.hvctl("cell start attack")
    cells.wait_console("attack", r"^attack: sbi done$")
    assert cells.state("attack") == "running"
    destroy_gives_everything_back(board, cells)
