"""`make run` gives the user the board's shell on the terminal; Ctrl-A X quits."""
import os
import pty
import select
import signal
import subprocess
import time

import pytest

from boardlib.kernels import kernel
from boardlib.qemu import free_tcp_port
from paths import BUILD, ROOT

pytestmark = pytest.mark.qemu_only


class Terminal:
    """A program on a pseudo-terminal, read as a person would see it."""

    def __init__(self, argv, cwd):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(argv, cwd=cwd, stdin=slave, stdout=slave, stderr=slave,
                                     start_new_session=True, env=dict(os.environ, TERM="dumb"))
        os.close(slave)
        self.seen = b""

    def expect(self, text, timeout):
        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"'{text}' not seen within {timeout} s; terminal showed:\n"
                                     + self.seen[-3000:].decode(errors="replace"))
            r, _, _ = select.select([self.master], [], [], left)
            if r:
                try:
                    self.seen += os.read(self.master, 4096)
                except OSError:
                    break
        assert text.encode() in self.seen, self.seen[-3000:].decode(errors="replace")

    def send(self, data):
        os.write(self.master, data)

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)


def test_make_run_gives_a_shell_and_ctrl_a_x_quits():
    term = Terminal(["make", "--no-print-directory", "run", f"BUILD={BUILD}",
                     f"KERNEL={kernel()}", f"SSH_PORT={free_tcp_port()}"], cwd=ROOT)
    try:
        term.expect("bulkhead: hypervisor enabled; Linux now runs as the root cell", timeout=120)
        term.expect("bulkhead: demo cell 'hello' runs on hart 3", timeout=60)
        term.expect("bulkhead:/# ", timeout=60)
        term.send(b"hvctl cell console hello\r")
        term.expect("hello from cell hello on hart 3", timeout=20)
        term.send(b"echo shell-$((6*7)) enabled=$(cat /sys/devices/bulkhead/enabled)\r")
        term.expect("shell-42 enabled=1", timeout=20)
        term.send(b"\x01x")
        term.expect("QEMU: Terminated", timeout=20)
        assert term.proc.wait(timeout=20) == 0
    finally:
        term.close()
