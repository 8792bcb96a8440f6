"""What the root kernel asks of SBI, on either kernel: every extension Linux found at boot
(natively, from the firmware) is one Bulkhead offers too, since Linux goes on using it as the
root cell; whatever Bulkhead does not offer probes as absent and answers NOT_SUPPORTED; and
none of it leaves an error in the root's log."""
import re

import pytest

from boardlib.hv import Hypervisor

SUCCESS, NOT_SUPPORTED = 0, -2
EXT_BASE, PROBE_EXTENSION = 0x10, 3

# Bulkhead's extensions (hypervisor/core/sbi/sbi.c) and what Linux 6.1 and 6.12 know of besides.
OFFERED = {"TIME": 0x54494D45, "IPI": 0x735049, "RFENCE": 0x52464E43, "HSM": 0x48534D,
           "SRST": 0x53525354, "DBCN": 0x4442434E}
NOT_OFFERED = {"PMU": 0x504D55, "SUSP": 0x53555350, "CPPC": 0x43505043, "NACL": 0x4E41434C,
               "STA": 0x535441, "FWFT": 0x46574654, "DBTR": 0x44425452, "SSE": 0x535345,
               "MPXY": 0x4D505859}

# Lines of the root's log that say something went wrong.
TROUBLE = re.compile(r"error|fail|warn|unsupported|not supported|bug|oops|stopped|unable",
                     re.I)


@pytest.fixture
def hv(board):
    h = Hypervisor(board)
    h.ensure_enabled()
    return h


def dmesg(board):
    return board.sh("dmesg").splitlines()


def sbi_call(board, ext, fid, a0=0):
    """(error, value) of one SBI call the root kernel makes (pytest/modules/hvcall)."""
    module = board.project_file("/lib/modules/bulkhead/hvcall.ko")
    board.run("rmmod hvcall 2>/dev/null", check=False)
    before = len(dmesg(board))
    board.sh(f"insmod {module} ext={ext} fid={fid} a0={a0} && rmmod hvcall")
    lines = dmesg(board)[before:]
    m = next((re.search(r"hvcall: .* -> error (-?\d+) value (-?\d+)", line) for line in lines
              if "hvcall:" in line), None)
    assert m, f"no hvcall line in the kernel log: {lines}"
    return int(m.group(1)), int(m.group(2))


def detected_at_boot(board):
    """The extensions Linux's boot log says it found ("SBI TIME extension detected")."""
    return sorted(set(re.findall(r"SBI (\w+) extension detected", board.sh("dmesg"))))


def test_what_linux_found_at_boot_is_offered(board, board_manager, request):
    found = detected_at_boot(board)
    if not found and board_manager.is_qemu:
        # An earlier test cleared the log (dmesg -c): boot again, for a log from the start.
        board.mark_broken()
        board = request.node._bulkhead_board = board_manager.get()
        found = detected_at_boot(board)
    if not found and not board_manager.is_qemu:
        pytest.skip("the board's boot log no longer holds the SBI lines (dmesg -c)")
    assert found, "no 'SBI ... extension detected' line in the boot log"
    assert set(found) <= set(OFFERED), \
        f"Linux uses {sorted(set(found) - set(OFFERED))}, which Bulkhead does not offer"


@pytest.mark.parametrize("name", sorted(OFFERED))
def test_offered_extensions_probe_present(board, hv, name):
    assert sbi_call(board, EXT_BASE, PROBE_EXTENSION, OFFERED[name]) == (SUCCESS, 1)


def test_other_extensions_probe_absent_and_are_not_supported(board, hv):
    before = len(dmesg(board))
    for name, ext in sorted(NOT_OFFERED.items()):
        assert sbi_call(board, EXT_BASE, PROBE_EXTENSION, ext) == (SUCCESS, 0), name
        for fid in (0, 1):
            assert sbi_call(board, ext, fid) == (NOT_SUPPORTED, 0), (name, fid)
    assert hv.enabled()
    trouble = [line for line in dmesg(board)[before:]
               if TROUBLE.search(line) and "hvcall:" not in line]
    assert trouble == [], trouble


def test_root_log_has_no_sbi_trouble(board, hv):
    """Boot, enable and everything the suite did so far: no SBI complaint in the root's log."""
    sbi = [line for line in dmesg(board) if re.search(r"\bsbi\b", line, re.I)
           and TROUBLE.search(line) and "hvcall:" not in line]
    assert sbi == [], sbi
