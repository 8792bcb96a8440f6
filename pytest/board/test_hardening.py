"""Hardening: a hostile cell never keeps its harts, never stalls the hypervisor and never sees
what the previous owner of its harts left (the hostile inmate, docs/inmates.md)."""
import re
import subprocess
import time

import pytest

from boardlib import QemuBoard
from boardlib.hv import SYSTEM_CELL, Hypervisor
from boardlib.target import Board
from paths import BUILD, ROOT

ROUNDS = 5
# A 16 KiB DBCN write is cut to this many bytes per call (docs/architecture.md).
DBCN_WRITE_MAX = 256
NO_TIMER = 0xffffffffffffffff


def start_hostile(cells, mode):
    return cells.run_demo("hostile", params=mode)


def root_has_all_harts(board):
    assert board.sh("cat /sys/devices/system/cpu/online") == "0-3"
    # Each hart the cell had runs root code again, user space included.
    for cpu in (2, 3):
        out = board.sh(f"taskset -c {cpu} sh -c 'date +%s >/dev/null && echo ok on {cpu}'")
        assert out == f"ok on {cpu}", out


@pytest.mark.parametrize("stop", ["destroy", "shutdown"])
def test_restart_loop_cannot_keep_the_harts(board, cells, stop):
    for _ in range(ROUNDS):
        start_hostile(cells, "restart")
        cells.wait_console("hostile", r"^hostile: restarting hart 3 in a loop$")
        time.sleep(0.5)
        result = cells.hv.hvctl(f"cell {stop} hostile", check=False)
        assert result.returncode == 0, result.stderr
        if stop == "shutdown":
            assert cells.state("hostile") == "shut down"
            cells.hv.hvctl("cell destroy hostile")
        assert "hostile" not in cells.names()
        root_has_all_harts(board)


def test_console_flood_cannot_stall_shutdown_or_destroy(board, cells):
    start_hostile(cells, "flood")
    cells.wait_console("hostile", r"x{63}\n")
    time.sleep(1)
    result = cells.hv.hvctl("cell shutdown hostile", check=False)
    assert result.returncode == 0, result.stderr
    assert cells.state("hostile") == "shut down"
    # Loaded and started again, flooding again: destroy wins as well.
    cells.hv.hvctl(f"cell load hostile {cells.image('hostile')}")
    cells.hv.hvctl("cell load hostile /tmp/params -a 0x800ff000")
    cells.hv.hvctl("cell start hostile")
    cells.wait_state("hostile", "running")
    time.sleep(1)
    result = cells.hv.hvctl("cell destroy hostile", check=False)
    assert result.returncode == 0, result.stderr
    root_has_all_harts(board)


def test_console_write_is_cut_to_a_bounded_part(board, cells):
    start_hostile(cells, "flood")
    out = cells.wait_console("hostile", r"^hostile: dbcn write of 16384 bytes: ")
    assert re.search(rf"^hostile: dbcn write of 16384 bytes: error 0, {DBCN_WRITE_MAX} written$",
                     out, re.M), out[-500:]
    cells.hv.hvctl("cell destroy hostile")


LEAK_LINE = re.compile(
    r"^hostile: hart (\d) (start|restart): sstatus\.FS (\d+) sepc (0x[0-9a-f]+) "
    r"scause (0x[0-9a-f]+) stval (0x[0-9a-f]+) sscratch (0x[0-9a-f]+) satp (0x[0-9a-f]+) "
    r"senvcfg (0x[0-9a-f]+) scounteren (0x[0-9a-f]+) stimecmp (0x[0-9a-f]+)$", re.M)
FP_LINE = re.compile(r"^hostile: hart (\d) (start|restart): fcsr (0x[0-9a-f]+), (\d+) fp "
                     r"registers not zero$", re.M)
FIELDS = ("sstatus.FS", "sepc", "scause", "stval", "sscratch", "satp", "senvcfg", "scounteren",
          "stimecmp")


def start_states(out):
    """{(hart, start|restart): {field: value}} from the leak mode's report."""
    states = {}
    for m in LEAK_LINE.finditer(out):
        values = [int(v, 0) for v in m.groups()[2:]]
        states[(int(m.group(1)), m.group(2))] = dict(zip(FIELDS, values))
    for m in FP_LINE.finditer(out):
        states[(int(m.group(1)), m.group(2))].update(fcsr=int(m.group(3), 16),
                                                     fp_not_zero=int(m.group(4)))
    return states


# scounteren: cycle, time and instret for the cell's user mode, as OpenSBI and KVM start a hart.
DEFINED = dict({f: 0 for f in FIELDS}, stimecmp=NO_TIMER, scounteren=0x7, fcsr=0, fp_not_zero=0)


def assert_defined_start(out, when):
    states = start_states(out)
    assert set(states) == {(2, "start"), (3, "start"), (3, "restart")}, out
    for key, state in states.items():
        leaked = {f: hex(v) for f, v in state.items() if v != DEFINED[f]}
        assert not leaked, f"{when}: hart {key[0]} ({key[1]}) began with {leaked}:\n{out}"


def test_each_new_owner_of_a_hart_starts_from_a_defined_state(board, cells):
    # root -> cell, and the cell's own HSM restart of hart 3.
    start_hostile(cells, "leak")
    assert_defined_start(cells.wait_console("hostile", r"^hostile: leak done$"),
                         "after the root")
    cells.hv.hvctl("cell destroy hostile")
    # cell -> cell: what the first one filled in must not reach the second.
    start_hostile(cells, "leak")
    assert_defined_start(cells.wait_console("hostile", r"^hostile: leak done$"),
                         "after another cell")
    cells.hv.hvctl("cell destroy hostile")
    # cell -> root: the root's own supervisor settings (scounteren: user space reads the
    # clock) come back, whatever the cell wrote.
    root_has_all_harts(board)


def test_hsm_start_outside_executable_memory_is_an_invalid_address(board, cells):
    start_hostile(cells, "hsm-addr")
    out = cells.wait_console("hostile", r"^hostile: hsm-addr done$")
    lines = re.findall(r"^hostile: hart_start at (0x[0-9a-f]+) \((.*)\) -> error (-?\d+), "
                       r"hart 3 (.*)$", out, re.M)
    assert len(lines) == 5, out
    for addr, what, err, state in lines:
        assert (err, state) == ("-5", "stopped"), f"hart_start at {addr} ({what}): {err}, {state}"
    assert cells.state("hostile") == "running"
    cells.hv.hvctl("cell destroy hostile")
    root_has_all_harts(board)


HC_EXT, HC_GET_INFO = 0x0A42484B, 1
DBCN_EXT = 0x4442434E
HELLO_RAM = 0xbce00000      # the hello cell's RAM, from the root's pool
FREE_POOL = 0xbf000000      # pool memory no demo cell has


def raw_sbi_call(board, ext, fid, a0=0, a1=0, a2=0):
    """(error, value) of one SBI call the root kernel makes (pytest/modules/hvcall)."""
    module = board.project_file("/lib/modules/bulkhead/hvcall.ko")
    board.run("rmmod hvcall 2>/dev/null; dmesg -c >/dev/null", check=False)
    board.sh(f"insmod {module} ext={ext} fid={fid} a0={a0} a1={a1} a2={a2} && rmmod hvcall")
    m = re.search(r"hvcall: .* -> error (-?\d+) value (-?\d+)", board.sh("dmesg"))
    assert m, board.sh("dmesg")
    return int(m.group(1)), int(m.group(2))


def test_root_buffers_must_be_memory_the_root_still_owns(board, cells):
    cells.run_demo("hello")
    cells.wait_console("hello", r"hello from cell hello")
    # A hypercall result written into the running cell's RAM, or the cell's RAM printed
    # through the root's debug console: both refused, as for any address not the root's.
    assert raw_sbi_call(board, HC_EXT, HC_GET_INFO, HELLO_RAM + 0x80000) == (-5, 0)
    assert raw_sbi_call(board, DBCN_EXT, 0, 16, HELLO_RAM, 0) == (-3, 0)
    # Memory the root still has is fine.
    assert raw_sbi_call(board, HC_EXT, HC_GET_INFO, FREE_POOL) == (0, 0)
    cells.hv.hvctl("cell destroy hello")
    # Given back by destroy: the root's again.
    assert raw_sbi_call(board, HC_EXT, HC_GET_INFO, HELLO_RAM + 0x80000) == (0, 0)


@pytest.mark.parametrize("by_fetch", [0, 1])
def test_page_table_walk_into_the_plic_window_is_an_access_fault(board, cells, by_fetch):
    # With htinst ignored (by_fetch 1, as on cores that leave it 0) only the addresses tell
    # the walk's PTE read apart from the load itself; either way it is no PLIC access.
    board.sh(f"echo {by_fetch} > /sys/devices/bulkhead/decode_by_fetch")
    try:
        cells.run_demo("attack", params="walk")
        out = cells.wait_console("attack",
                                 r"^(inmate: hart 3: exception|attack: walk read returned)")
    finally:
        board.sh("echo 0 > /sys/devices/bulkhead/decode_by_fetch")
    assert re.search(r"^inmate: hart 3: exception 5 \(load access fault\).*stval 0x201000",
                     out, re.M), out
    assert "walk read returned" not in out, out
    cells.hv.hvctl("cell destroy attack")
    root_has_all_harts(board)


@pytest.mark.qemu_only
def test_enable_on_harts_without_sstc_is_refused_with_the_reason(tmp_path, monkeypatch):
    # The same board with Sstc off in the CPU and in its device tree (Linux then keeps its
    # timer on SBI): enable must say why it cannot run, not hang the harts in HS-mode.
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(BUILD / "board.dtb")],
                         check=True, capture_output=True, text=True).stdout
    assert "_sstc" in dts
    (tmp_path / "board.dts").write_text(dts.replace("_sstc", ""))
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(tmp_path / "board.dtb"),
                    str(tmp_path / "board.dts")], check=True)
    monkeypatch.setenv("QEMU_EXTRA_ARGS", f"-cpu rv64,h=true,sstc=false "
                                          f"-dtb {tmp_path / 'board.dtb'}")
    qemu = QemuBoard(ROOT, BUILD, BUILD / "test-logs", boot_timeout=120)
    try:
        qemu.boot()
        board = Board(qemu.ssh, "qemu", {}, qemu=qemu)
        hv = Hypervisor(board)
        hv.load_module()
        result = hv.hvctl(f"enable {SYSTEM_CELL}", check=False)
        assert result.returncode != 0
        assert not hv.enabled()
        # The hypervisor's reason is on the serial line (it never ran long enough for a ring).
        assert "hypervisor refused to start: ENODEV" in board.sh("dmesg")
        log = qemu.console_text()
        assert len(re.findall(r"^bulkhead: hart \d has no Sstc \(stimecmp traps in S-mode",
                              log, re.M)) == 4, log[-2000:]
        # Linux runs on, natively, on every hart.
        assert board.sh("cat /sys/devices/system/cpu/online") == "0-3"
        assert board.sh("taskset -c 3 echo alive") == "alive"
    finally:
        qemu.shutdown()
