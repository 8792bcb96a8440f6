"""Bad input to enable/disable: a clear error, and nothing changed."""
import sys
from pathlib import Path

import pytest

from boardlib.hv import SYSFS, Hypervisor
from paths import BUILD

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "host"))
from cellfile import System  # noqa: E402

FIRMWARE = "/lib/firmware/bulkhead.bin"


@pytest.fixture
def hv(board):
    h = Hypervisor(board)
    h.ensure_disabled()
    yield h
    h.ensure_disabled()


def system_cell():
    return System.unpack((BUILD / "configs" / "system.cell").read_bytes())


def try_enable(board, hv, data, name="bad.cell"):
    path = f"/tmp/{name}"
    board.target.put(data, path)
    r = hv.hvctl(f"enable {path}", check=False)
    return r


def assert_refused(board, hv, r, *needles):
    assert r.returncode == 1, r
    for n in needles:
        assert n in r.stderr, r.stderr
    assert not hv.enabled()
    assert not board.run(f"test -d {SYSFS}/cells/root", check=False).returncode == 0


def test_wrong_signature(board, hv):
    data = bytearray(system_cell().pack())
    data[0:8] = b"NOTACELL"
    assert_refused(board, hv, try_enable(board, hv, bytes(data)), "signature")


def test_wrong_revision(board, hv):
    sys_cfg = system_cell()
    sys_cfg.revision = 7
    assert_refused(board, hv, try_enable(board, hv, sys_cfg.pack()), "revision 7")


def test_truncated_file(board, hv):
    data = system_cell().pack()
    assert_refused(board, hv, try_enable(board, hv, data[:-10]), "truncated")


def test_hypervisor_region_overlapping_linux_ram(board, hv):
    sys_cfg = system_cell()
    # Move the hypervisor into Linux's RAM and drop that part from the root's
    # regions, so the config itself is consistent: only the driver can tell.
    ram = next(r for r in sys_cfg.root.regions if r.phys_start <= 0xb0000000 < r.phys_end)
    ram.size = 0xb0000000 - ram.phys_start
    sys_cfg.hv_phys_start, sys_cfg.hv_size = 0xb0000000, 0x01000000
    r = try_enable(board, hv, sys_cfg.pack())
    assert_refused(board, hv, r, "overlaps Linux RAM")


def test_hart_that_does_not_exist(board, hv):
    sys_cfg = system_cell()
    sys_cfg.root.set_harts([0, 1, 2, 3, 5])
    sys_cfg.hart_plic_context[5] = 11
    r = try_enable(board, hv, sys_cfg.pack())
    assert_refused(board, hv, r, "hart 5")


def test_enable_twice(board, hv):
    hv.enable()
    r = hv.hvctl(f"enable {board.project_file('/etc/bulkhead/system.cell')}", check=False)
    assert r.returncode == 1
    assert "already enabled" in r.stderr
    assert hv.enabled()


def test_disable_when_not_enabled(board, hv):
    r = hv.hvctl("disable", check=False)
    assert r.returncode == 1
    assert "not enabled" in r.stderr


def test_missing_hypervisor_image(board, hv):
    board.sh(f"mv {FIRMWARE} {FIRMWARE}.away")
    try:
        r = hv.hvctl(f"enable {board.project_file('/etc/bulkhead/system.cell')}", check=False)
    finally:
        board.sh(f"mv {FIRMWARE}.away {FIRMWARE}")
    assert_refused(board, hv, r, "bulkhead.bin", "not found")


def test_corrupt_hypervisor_image(board, hv):
    board.sh(f"cp {FIRMWARE} /tmp/good.bin")
    # Flip one byte of code, past the header: only the checksum can tell.
    board.sh(f"printf '\\377' | dd of={FIRMWARE} bs=1 seek=200 conv=notrunc 2>/dev/null")
    try:
        r = hv.hvctl(f"enable {board.project_file('/etc/bulkhead/system.cell')}", check=False)
    finally:
        board.sh(f"cp /tmp/good.bin {FIRMWARE}")
    assert_refused(board, hv, r, "corrupt hypervisor image")
    hv.enable()
