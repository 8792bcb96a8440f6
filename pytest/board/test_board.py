"""The board itself: what every later test stands on."""
import random
import re
import struct

import pytest


def system_ram_ranges(iomem):
    """Top-level 'System RAM' ranges of /proc/iomem as [start, end] (inclusive)."""
    ranges = []
    for line in iomem.splitlines():
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) : System RAM$", line)
        if m:
            ranges.append((int(m.group(1), 16), int(m.group(2), 16)))
    return ranges


def bulkhead_reserved_region(board):
    """The Bulkhead region from the board's own device tree: (base, size)."""
    nodes = board.sh("ls -d /sys/firmware/devicetree/base/reserved-memory/bulkhead@* "
                     "2>/dev/null || true").split()
    assert len(nodes) == 1, f"expected one reserved-memory/bulkhead@ node, found {nodes}"
    reg = board.run(f"cat {nodes[0]}/reg | od -An -v -tx1").stdout
    raw = bytes(int(b, 16) for b in reg.split())
    assert len(raw) == 16, f"reg of {nodes[0]} is {len(raw)} bytes, expected 2+2 cells"
    base, size = struct.unpack(">QQ", raw)
    no_map = board.run(f"test -e {nodes[0]}/no-map", check=False).returncode == 0
    assert no_map, f"{nodes[0]} lacks no-map: Linux could still map the region"
    return base, size


@pytest.mark.qemu_only
def test_four_harts(board):
    assert board.sh("nproc") == "4"
    assert board.sh("cat /sys/devices/system/cpu/online") == "0-3"


def test_riscv64(board):
    assert board.sh("uname -m") == "riscv64"


def test_reserved_region_is_not_linux_ram(board):
    base, size = bulkhead_reserved_region(board)
    end = base + size - 1
    ram = system_ram_ranges(board.read("/proc/iomem"))
    assert ram, "no System RAM in /proc/iomem"
    for start, stop in ram:
        assert stop < base or start > end, (
            f"System RAM {start:#x}-{stop:#x} overlaps the Bulkhead region {base:#x}-{end:#x}")


@pytest.mark.qemu_only
def test_reserved_region_matches_board_definition(board):
    from paths import ROOT
    env = dict(line.split("=", 1) for line in (ROOT / "scripts" / "board.env").read_text()
               .splitlines() if line and not line.startswith("#"))
    assert bulkhead_reserved_region(board) == (int(env["BOARD_RESERVED_BASE"], 16),
                                               int(env["BOARD_RESERVED_SIZE"], 16))


def test_module_loading(board):
    module = board.project_file("/lib/modules/bulkhead/modtest.ko")
    token = random.Random().randrange(1, 1 << 30)
    board.run("rmmod modtest 2>/dev/null; true")
    board.sh(f"insmod {module} token={token}")
    try:
        assert board.read("/sys/module/modtest/parameters/token") == str(token)
        assert f"modtest: loaded token={token}" in board.sh("dmesg")
    finally:
        board.sh("rmmod modtest")
    assert f"modtest: unloaded token={token}" in board.sh("dmesg")
    assert board.run("test -e /sys/module/modtest", check=False).returncode != 0


def test_network_reaches_the_board(board):
    # The SSH session itself crossed the network; the interface counts it.
    iface = board.sh("ls /sys/class/net | grep -v '^lo$' | head -n 1")
    rx = int(board.read(f"/sys/class/net/{iface}/statistics/rx_packets"))
    assert rx > 0
