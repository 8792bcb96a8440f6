"""The root kernel, whichever the board runs (`make test KERNEL=6.1`, `KERNEL=6.12`): the
system config must cover the RAM it uses, and enable must leave it running."""
import hashlib
import sys
from pathlib import Path

import pytest

from boardlib import BoardUnreachable
from boardlib.hv import SYSTEM_CELL, Hypervisor
from boardlib.kernels import kernel, version_of
from boardlib.linuxram import first_uncovered, linux_ram
from paths import BUILD

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "host"))
from cellfile import System  # noqa: E402

# How long the root may take to answer again after enable before it counts as frozen.
ENABLE_TIMEOUT = 60

# Until configs/qemu-virt.c maps what 6.12 uses (issue 14).
RAM_BELOW_IMAGE = pytest.mark.xfail(
    kernel() == "6.12", strict=True,
    reason="the root cell's Linux RAM starts at 0x80200000, 6.12 uses RAM from 0x80080000")


@pytest.fixture
def hv(board):
    h = Hypervisor(board)
    h.ensure_disabled()
    yield h
    if board.alive():
        h.ensure_disabled()


def system_cell():
    return System.unpack((BUILD / "configs" / "system.cell").read_bytes())


def ranges_text(ranges):
    return ", ".join(f"{s:#x}-{e:#x}" for s, e in ranges)


@pytest.mark.qemu_only
def test_board_runs_the_kernel_under_test(board):
    want = version_of(kernel())
    assert version_of(board.sh("uname -r")) == want, \
        f"the board runs {board.sh('uname -r')}, the tests were asked for {kernel()}"


@RAM_BELOW_IMAGE
def test_system_config_covers_linux_ram(board):
    ram = linux_ram(board)
    gap = first_uncovered(ram, system_cell().root.regions)
    assert gap is None, (f"Linux {board.sh('uname -r')} uses RAM {gap[0]:#x}-{gap[1]:#x} that "
                         f"build/configs/system.cell does not give the root cell "
                         f"(Linux's RAM: {ranges_text(ram)})")


@RAM_BELOW_IMAGE
@pytest.mark.slow
def test_root_keeps_running_after_enable(board, hv):
    """The freeze: a root config missing RAM the kernel uses lost the root at enable."""
    release = board.sh("uname -r")
    ram = linux_ram(board)
    faults0 = None
    try:
        hv.load_module()
        r = hv.hvctl(f"enable {board.project_file(SYSTEM_CELL)}", check=False,
                     timeout=ENABLE_TIMEOUT)
        assert r.returncode == 0, f"enable failed on Linux {release}: {r.stderr.strip()}"
        faults0 = sum(s["guest_fault"] for s in hv.stats("root").values())
        # Use most of the free RAM (a tmpfs file the page allocator fills from
        # wherever it has pages), then read it back.
        free_mib = int(board.sh("awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo"))
        tmp_mib = int(board.sh("df -m /tmp | awk 'NR == 2 { print $4 }'"))
        mib = max(64, min(free_mib * 2 // 3, tmp_mib - 16))
        out = board.sh(f"dd if=/dev/zero of=/tmp/fill bs=1M count={mib} 2>/dev/null && "
                       f"sha256sum /tmp/fill; rm -f /tmp/fill", timeout=ENABLE_TIMEOUT * 5)
        assert out.split()[0] == hashlib.sha256(bytes(mib << 20)).hexdigest(), out
    except BoardUnreachable as e:
        board.mark_broken()
        pytest.fail(f"the root (Linux {release}) stopped answering after hvctl enable: {e}\n"
                    f"Linux's RAM: {ranges_text(ram)}; the root cell maps: "
                    + ranges_text((r.phys_start, r.phys_start + r.size - 1)
                                  for r in system_cell().root.regions), pytrace=False)
    assert hv.enabled()
    # Nothing the root touched was missing from its G-stage table.
    assert sum(s["guest_fault"] for s in hv.stats("root").values()) == faults0
    assert board.sh("echo still-here") == "still-here"
