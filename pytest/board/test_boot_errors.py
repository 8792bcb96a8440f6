"""A boot that goes wrong must say so, with the console's last lines."""
import pytest

from boardlib import BootFailed, QemuBoard
from paths import BUILD, ROOT

pytestmark = pytest.mark.qemu_only


def boot_expecting_failure(**kw):
    q = QemuBoard(ROOT, BUILD, BUILD / "test-logs", **kw)
    try:
        with pytest.raises(BootFailed) as e:
            q.boot()
    finally:
        q.shutdown()
    assert not q.running()
    last_line = [line for line in q.console_text().splitlines() if line.strip()][-1]
    return str(e.value), last_line


def test_boot_timeout_shows_console_tail():
    # init only sleeps: the kernel boots, nothing ever answers SSH.
    msg, last_line = boot_expecting_failure(boot_timeout=8, append="rdinit=/bin/sleep -- 600")
    assert "did not reach its shell (SSH on 127.0.0.1:" in msg
    assert "within 8 s" in msg
    assert "--- last console lines ---" in msg
    assert msg.rstrip().endswith(last_line.rstrip())


def test_kernel_panic_is_reported_with_console():
    # init exits at once: the kernel panics, panic=-1 reboots, -no-reboot ends QEMU.
    msg, last_line = boot_expecting_failure(boot_timeout=60, append="rdinit=/bin/false")
    assert "QEMU exited before the board's shell answered SSH" in msg
    assert "Kernel panic - not syncing: Attempted to kill init" in msg
    assert msg.rstrip().endswith(last_line.rstrip())
