"""The `board` object the tests use, whatever the board is."""
from pathlib import Path
from urllib.parse import urlparse

from .errors import BoardError
from .ssh import SshTarget


def parse_board_url(url):
    """'ssh://root@HOST[:PORT]' -> (user, host, port)."""
    u = urlparse(url)
    if u.scheme != "ssh" or not u.hostname:
        raise BoardError(f"board '{url}': expected 'qemu' or ssh://USER@HOST[:PORT]")
    return (u.username or "root", u.hostname, u.port or 22)


class Board:
    """What tests see: run commands, read files, know what kind of board it is."""

    def __init__(self, target, kind, manifest, qemu=None):
        self.target = target        # SshTarget
        self.kind = kind            # "qemu" or "ssh"
        self.qemu = qemu            # QemuBoard or None
        self.manifest = manifest    # {path on board: build file} of the project's files
        self.broken = False
        self._pushed = set()

    @property
    def name(self):
        return self.target.name

    def run(self, cmd, timeout=60, check=True, input=None):
        return self.target.run(cmd, timeout=timeout, check=check, input=input)

    def sh(self, cmd, timeout=60):
        """Run and return stdout stripped; fails the test on non-zero exit."""
        return self.run(cmd, timeout=timeout).stdout.strip()

    def read(self, path):
        return self.sh(f"cat '{path}'")

    def alive(self):
        if self.qemu is not None and not self.qemu.running():
            return False
        return self.target.alive()

    def mark_broken(self):
        """A test that leaves the board unusable says so: the next test gets a fresh boot."""
        self.broken = True

    def project_file(self, path):
        """Path on the board of a project file (module, tool, config).

        The QEMU board has them in its initramfs; a real board gets a copy under
        /tmp/bulkhead the first time a test asks for one.
        """
        if self.kind == "qemu":
            return path
        local = self.manifest.get(path)
        if local is None:
            raise BoardError(f"{path} is not a file the build installs on the board")
        remote = "/tmp/bulkhead" + path
        if remote not in self._pushed:
            mode = "0755" if Path(local).stat().st_mode & 0o111 else "0644"
            self.target.put(Path(local).read_bytes(), remote, mode)
            self._pushed.add(remote)
        return remote

    def console_text(self):
        return self.qemu.console_text() if self.qemu else ""


class SshBoard(Board):
    def __init__(self, url, manifest, control_dir=None):
        user, host, port = parse_board_url(url)
        super().__init__(SshTarget(host, port, user, control_dir=control_dir), "ssh", manifest)
