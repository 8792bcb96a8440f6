"""Errors that name the board and say what went wrong."""


class BoardError(Exception):
    """Any failure to reach or drive the board."""


class BoardUnreachable(BoardError):
    """The board does not answer SSH."""


class BootFailed(BoardError):
    """The QEMU board did not reach its shell; the message carries the console's last lines."""


class CommandFailed(BoardError):
    """A command on the board exited non-zero."""

    def __init__(self, cmd, result):
        self.cmd = cmd
        self.result = result
        super().__init__(
            f"command on the board failed (exit {result.returncode}): {cmd}\n"
            f"--- stdout ---\n{result.stdout}--- stderr ---\n{result.stderr}")
