"""Options shared by the host and board suites."""
import os


def pytest_addoption(parser):
    g = parser.getgroup("bulkhead")
    g.addoption("--board", default=os.environ.get("BOARD") or "qemu",
                help="'qemu' (default: the suite boots the QEMU board) or ssh://USER@HOST[:PORT]")
    g.addoption("--boot-timeout", type=float, default=90.0,
                help="seconds the QEMU board may take to answer SSH")
