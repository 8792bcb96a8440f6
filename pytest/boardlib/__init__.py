"""Talking to a Bulkhead board from the test host: the QEMU board or a real one over SSH."""
from .errors import BoardError, BootFailed, BoardUnreachable, CommandFailed
from .ssh import SshTarget
from .qemu import QemuBoard
from .target import Board, SshBoard, parse_board_url

__all__ = ["Board", "BoardError", "BootFailed", "BoardUnreachable", "CommandFailed",
           "QemuBoard", "SshBoard", "SshTarget", "parse_board_url"]
