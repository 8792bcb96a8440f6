"""The root kernel, whichever the board runs (`make test KERNEL=6.1`, `KERNEL=6.12`): the
system config must cover the RAM it uses, and enable must leave it running."""
import hashlib
import sys
from pathlib import Path

import pytest

from boardlib import BoardUnreachable
from boardlib.hv import SYSFS, SYSTEM_CELL, Hypervisor
from boardlib.kernels import kernel, version_of
from boardlib.linuxram import RAM_NOT_RAM, first_uncovered, linux_ram, refusal
from paths import BUILD

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "host"))
from cellfile import MEM_READ, MEM_WRITE, MemRegion, System  # noqa: E402

MIB = 0x100000

# How long the root may take to answer again after enable before it counts as frozen.
ENABLE_TIMEOUT = 60



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


def test_system_config_covers_linux_ram(board):
    ram = linux_ram(board)
    gap = first_uncovered(ram, system_cell().root.regions)
    assert gap is None, (f"Linux {board.sh('uname -r')} uses RAM {gap[0]:#x}-{gap[1]:#x} that "
                         f"build/configs/system.cell does not give the root cell "
                         f"(Linux's RAM: {ranges_text(ram)})")


def test_hvctl_config_check_against_the_running_linux(board, hv):
    path = board.project_file(SYSTEM_CELL)
    r = hv.hvctl(f"config check {path}", check=False)
    assert (r.returncode, r.stderr) == (0, ""), r
    assert r.stdout.splitlines() == [
        f"{path}: valid system config, root cell 'root'",
        f"{path}: the root cell maps all of Linux's RAM ({ranges_text(linux_ram(board))}, "
        "from /proc/iomem)"]


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


# ---------------------------------------------------------------- configs that miss Linux's RAM

def root_ram_region(sys_cfg, address):
    """The root region holding address."""
    return next(r for r in sys_cfg.root.regions if r.phys_start <= address < r.phys_end)


def enable_refused(board, hv, sys_cfg, message):
    """Enable with sys_cfg is refused with message, and nothing is enabled."""
    path = "/tmp/missing-ram.cell"
    board.target.put(sys_cfg.pack(), path)
    dmesg0 = len(board.sh("dmesg").splitlines())
    r = hv.hvctl(f"enable {path}", check=False, timeout=ENABLE_TIMEOUT)
    assert r.returncode == 1, r
    assert r.stderr == f"hvctl: enable: {message}\n", r.stderr
    assert not hv.enabled()
    assert board.run(f"test -d {SYSFS}/cells/root", check=False).returncode != 0
    assert f"bulkhead: {message}" in board.sh("dmesg").splitlines()[dmesg0 - 1:]
    # hvctl says so without the driver.
    r = hv.hvctl(f"config check {path}", check=False)
    assert r.returncode == 1, r
    assert f"hvctl: {path}: {message}" in r.stderr.splitlines(), r.stderr
    # Nothing was left half done: the good config enables.
    hv.enable()
    hv.disable()
    return path


def test_config_missing_linux_ram_below_is_refused(board, hv):
    """The root's Linux region starts 2 MiB above the lowest RAM Linux uses."""
    sys_cfg = system_cell()
    low = linux_ram(board)[0][0]
    region = root_ram_region(sys_cfg, low)
    end = region.phys_end
    region.phys_start = region.virt_start = low + 2 * MIB
    region.size = end - region.phys_start
    enable_refused(board, hv, sys_cfg, refusal(low, low + 2 * MIB - 1))


def test_config_with_a_hole_in_linux_ram_is_refused(board, hv):
    """1 MiB in the middle of Linux's RAM is missing from the root cell."""
    sys_cfg = system_cell()
    low, high = linux_ram(board)[0]
    hole = (low + (high - low) // 2) & ~(MIB - 1)
    region = root_ram_region(sys_cfg, hole)
    end = region.phys_end
    region.size = hole - region.phys_start
    upper = MemRegion(hole + MIB, hole + MIB, end - hole - MIB, region.flags)
    sys_cfg.root.regions.insert(sys_cfg.root.regions.index(region) + 1, upper)
    enable_refused(board, hv, sys_cfg, refusal(hole, hole + MIB - 1))


def test_config_mapping_linux_ram_without_execute_is_refused(board, hv):
    sys_cfg = system_cell()
    low = linux_ram(board)[0][0]
    region = root_ram_region(sys_cfg, low)
    region.flags = MEM_READ | MEM_WRITE
    index = sys_cfg.root.regions.index(region)
    high = min(region.phys_end - 1, linux_ram(board)[0][1])
    enable_refused(board, hv, sys_cfg, refusal(low, high, RAM_NOT_RAM, index))
