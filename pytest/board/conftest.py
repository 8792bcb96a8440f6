"""The `board` fixture: one boot shared by the tests, a fresh one when a test broke it."""
import tempfile

import pytest

from boardlib import BoardError, QemuBoard, SshBoard
from boardlib.hv import Cells, Hypervisor
from boardlib.kernels import kernel_home
from boardlib.target import Board
from boardlib.qemu import tail
from paths import BUILD, ROOT


def read_manifest():
    manifest = {}
    path = kernel_home(BUILD) / "initramfs-manifest.txt"
    if path.exists():
        for line in path.read_text().splitlines():
            dest, _, src = line.partition("=")
            manifest[dest] = src
    return manifest


class BoardManager:
    def __init__(self, config):
        self.url = config.getoption("--board")
        self.boot_timeout = config.getoption("--boot-timeout")
        self.board = None
        self.qemu = None

    @property
    def is_qemu(self):
        return self.url == "qemu"

    def get(self):
        if self.board is not None and not self.board.broken and self.board.alive():
            return self.board
        self.drop()
        if self.is_qemu:
            self.qemu = QemuBoard(ROOT, BUILD, BUILD / "test-logs", self.boot_timeout)
            self.qemu.boot()
            self.board = Board(self.qemu.ssh, "qemu", read_manifest(), qemu=self.qemu)
        else:
            board = SshBoard(self.url, read_manifest(),
                             control_dir=tempfile.mkdtemp(prefix="bh-ssh-"))
            board.target.wait_ready(30)
            self.board = board
        return self.board

    def drop(self):
        if self.qemu is not None:
            self.qemu.shutdown()
        elif self.board is not None:
            self.board.target.close()
        self.board = self.qemu = None


@pytest.fixture(scope="session")
def board_manager(request):
    mgr = BoardManager(request.config)
    yield mgr
    mgr.drop()


@pytest.fixture
def board(board_manager, request):
    """A live board. Shared across tests; rebooted when the previous test broke it."""
    try:
        b = board_manager.get()
    except BoardError as e:
        pytest.fail(str(e), pytrace=False)
    request.node._bulkhead_board = b
    yield b


@pytest.fixture
def fresh_board(board_manager, request):
    """A board booted for this test alone (QEMU); the next test boots again."""
    if board_manager.board is not None:
        board_manager.board.mark_broken()
    b = board_manager.get() if board_manager.is_qemu else None
    if b is None:
        pytest.skip("needs a fresh QEMU boot")
    request.node._bulkhead_board = b
    yield b
    b.mark_broken()


@pytest.fixture
def cells(board):
    """The hypervisor enabled, no cells but the root before and after the test."""
    hv = Hypervisor(board)
    hv.ensure_enabled()
    c = Cells(hv)
    c.destroy_all()
    yield c
    c.destroy_all()


def pytest_collection_modifyitems(config, items):
    if config.getoption("--board") == "qemu":
        return
    skip = pytest.mark.skip(reason="QEMU board only (running against a real board)")
    for item in items:
        if "qemu_only" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    b = getattr(item, "_bulkhead_board", None)
    if b is None or report.when != "call" or not report.failed:
        return
    if b.qemu is not None and b.qemu.console_path:
        report.sections.append((f"QEMU console ({b.qemu.console_path}, last lines)",
                                tail(b.qemu.console_path, 60)))
    if not b.alive():
        b.mark_broken()
