"""The QEMU board, booted by the test suite itself through scripts/qemu-board.sh."""
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .errors import BootFailed, BoardUnreachable
from .kernels import kernel_home as default_kernel_home
from .ssh import SshTarget

CONSOLE_TAIL_LINES = 40


def free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path, lines=CONSOLE_TAIL_LINES):
    try:
        text = Path(path).read_text(errors="replace")
    except FileNotFoundError:
        return "(no console output)"
    return "\n".join(text.splitlines()[-lines:])


class QemuBoard:
    """One QEMU process; each boot() gets its own console log file."""

    kind = "qemu"

    def __init__(self, root, build, log_dir, boot_timeout=60, append="", initrd=None,
                 kernel_home=None):
        self.root, self.build = Path(root), Path(build)
        # The root kernel's outputs (linux/, initramfs): the kernel under test by default.
        self.kernel_home = Path(kernel_home or default_kernel_home(build))
        self.log_dir = Path(log_dir)
        self.boot_timeout = boot_timeout
        self.append = append
        self.initrd = initrd
        self.proc = None
        self.console_path = None
        self.ssh = None
        self.boots = 0
        self._control_dir = tempfile.mkdtemp(prefix="bh-ssh-")

    def boot(self):
        self.shutdown()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.boots += 1
        stamp = time.strftime("%H%M%S")
        self.console_path = self.log_dir / f"console-{stamp}-{os.getpid()}-{self.boots}.log"
        port = free_tcp_port()
        cmd = [str(self.root / "scripts" / "qemu-board.sh"), "--build", str(self.build),
               "--kernel-home", str(self.kernel_home),
               "--ssh-port", str(port), "--serial-file", str(self.console_path)]
        if self.append:
            cmd += ["--append", self.append]
        if self.initrd:
            cmd += ["--initrd", str(self.initrd)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.ssh = SshTarget("127.0.0.1", port, "root", key=self.build / "ssh" / "id_ed25519",
                             control_dir=self._control_dir)
        start = time.monotonic()
        try:
            self.ssh.wait_ready(self.boot_timeout, should_stop=self._exited_reason)
        except BoardUnreachable as e:
            waited = time.monotonic() - start
            exited = self.proc.poll() is not None
            self.shutdown()
            if exited:
                what = f"QEMU exited before the board's shell answered SSH ({e})"
            else:
                what = (f"the board did not reach its shell (SSH on 127.0.0.1:{port}) "
                        f"within {self.boot_timeout:g} s (gave up after {waited:.0f} s)")
            raise BootFailed(f"{what}\nconsole log: {self.console_path}\n"
                             f"--- last console lines ---\n{tail(self.console_path)}") from None
        return self

    def _exited_reason(self):
        if self.proc.poll() is None:
            return None
        out = self.proc.stdout.read().decode(errors="replace").strip() if self.proc.stdout else ""
        return f"QEMU exited with status {self.proc.returncode}" + (f": {out}" if out else "")

    def console_text(self):
        return Path(self.console_path).read_text(errors="replace") if self.console_path else ""

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def shutdown(self):
        if self.ssh:
            self.ssh.close()
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None
