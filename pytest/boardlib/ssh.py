"""SSH to a board with the system's OpenSSH client, one multiplexed connection per target."""
import subprocess
import time
from dataclasses import dataclass

from .errors import BoardUnreachable, CommandFailed


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str
    # The first session died without output and this is the second try: the first
    # may still have run the command.
    retried: bool = False


class SshTarget:
    def __init__(self, host, port=22, user="root", key=None, control_dir=None):
        self.host, self.port, self.user, self.key = host, int(port), user, key
        self.control_dir = control_dir

    @property
    def name(self):
        return f"{self.user}@{self.host}:{self.port}"

    def _base_args(self, connect_timeout):
        args = ["ssh", "-p", str(self.port),
                "-o", "BatchMode=yes",
                "-o", f"ConnectTimeout={connect_timeout}",
                # A board busy on all harts under TCG answers keep-alives late.
                "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=24",
                "-o", "LogLevel=ERROR"]
        if self.key:
            # A throw-away board key: the QEMU board makes a new host key every boot.
            args += ["-i", str(self.key), "-o", "IdentitiesOnly=yes",
                     "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"]
        if self.control_dir:
            args += ["-o", "ControlMaster=auto",
                     "-o", f"ControlPath={self.control_dir}/ssh-{self.host}-{self.port}",
                     "-o", "ControlPersist=120"]
        return args + [f"{self.user}@{self.host}"]

    def run(self, cmd, timeout=60, check=True, input=None, connect_timeout=10, _retried=False):
        """Run a shell command on the board; raise CommandFailed on non-zero exit if check."""
        try:
            p = subprocess.run(self._base_args(connect_timeout) + ["--", cmd],
                               input=input, capture_output=True, text=True, errors="replace",
                               timeout=timeout,
                               stdin=None if input is not None else subprocess.DEVNULL)
        except subprocess.TimeoutExpired as e:
            raise BoardUnreachable(
                f"board {self.name}: command did not finish within {timeout} s: {cmd}\n"
                f"partial output: {e.stdout!r}") from None
        r = Result(p.returncode, p.stdout, p.stderr, retried=_retried)
        # "Aiee, segfault!" is dropbear's crash handler: the server side of the
        # session died. Seen rarely on a loaded host around stop_machine() (CPU
        # hotplug, enable, disable), with and without the hypervisor.
        server_died = "Aiee, segfault!" in r.stderr and not r.stdout
        if (server_died or (r.returncode == 255 and not r.stdout and self.control_dir)) \
                and not _retried:
            # The shared connection may have just gone away (persist timeout, a
            # reset); a session that failed without any output most likely never
            # started, so it is tried once more on a new connection.
            self.close()
            return self.run(cmd, timeout, check, input, connect_timeout, _retried=True)
        if r.returncode == 255:
            raise BoardUnreachable(f"board {self.name} does not answer SSH: {r.stderr.strip()}")
        if check and r.returncode != 0:
            raise CommandFailed(cmd, r)
        return r

    def put(self, data: bytes, remote_path, mode="0644"):
        """Write bytes to a file on the board (no scp/sftp server needed there)."""
        cmd = (f"mkdir -p \"$(dirname '{remote_path}')\" && cat > '{remote_path}.tmp' && "
               f"chmod {mode} '{remote_path}.tmp' && mv '{remote_path}.tmp' '{remote_path}'")
        p = subprocess.run(self._base_args(10) + ["--", cmd], input=data,
                           capture_output=True, timeout=120)
        if p.returncode != 0:
            raise BoardUnreachable(f"board {self.name}: writing {remote_path} failed: "
                                   f"{p.stderr.decode(errors='replace').strip()}")

    def alive(self, timeout=10):
        try:
            return self.run("true", timeout=timeout, check=False,
                            connect_timeout=min(5, timeout)).returncode == 0
        except BoardUnreachable:
            return False

    def wait_ready(self, timeout, should_stop=None, poll=0.3):
        """Poll until SSH answers; should_stop() may abort early (e.g. QEMU died)."""
        deadline = time.monotonic() + timeout
        last = "no attempt made"
        while True:
            if should_stop is not None:
                reason = should_stop()
                if reason:
                    raise BoardUnreachable(reason)
            left = deadline - time.monotonic()
            if left <= 0:
                raise BoardUnreachable(
                    f"board {self.name} does not answer SSH after {timeout:g} s: {last}")
            try:
                r = self.run("true", timeout=max(1.0, min(10.0, left)), check=False,
                             connect_timeout=max(1, min(5, int(left))))
                if r.returncode == 0:
                    return
                last = f"exit {r.returncode}: {r.stderr.strip()}"
            except BoardUnreachable as e:
                last = str(e)
            time.sleep(poll)

    def close(self):
        if self.control_dir:
            subprocess.run(self._base_args(5)[:-1] + ["-O", "exit", f"{self.user}@{self.host}"],
                           capture_output=True, stdin=subprocess.DEVNULL, timeout=10)
