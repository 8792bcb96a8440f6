"""Cell management (hypervisor/core/control.c) on the host, against a model.

The core is driven through its real entry points (cell_create, cell_start,
cell_shutdown, cell_destroy_by_id, cell_fail) on the board's own system config,
with the arch below it faked (pytest/host/support/arch_fake.c: harts park when
told, memory is a host window, the interrupt controller records its calls).
A Python model says what each request must return and what the machine must
look like after it; after every step the test checks:

- each hart is in exactly one cell, the one the model says, in the state it says;
- each line has exactly one owner, and only the owner's vPLIC has it;
- each cell's memory is in its own G-stage table and absent from the root's
  (loadable regions: absent once the cell runs), and the root keeps the rest;
- a refused request changes nothing: the hypervisor's state, every allocated
  pool page and the line owners hash the same before and after;
- with no cells left, the pool holds exactly the root's pages and tables.
"""
import ctypes
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import cellfile as cf  # noqa: E402
from paths import BUILD, ROOT  # noqa: E402

SYSTEM_CELL = BUILD / "configs" / "system.cell"

# SBI error codes
OK, FAILED, INVALID_PARAM, DENIED, INVALID_ADDRESS = 0, -1, -3, -4, -5
ALREADY_AVAILABLE, ALREADY_STARTED, ALREADY_STOPPED = -6, -7, -8
# enum bh_cell_state
STOPPED, RUNNING, SHUT_DOWN, CELL_FAILED = 0, 1, 2, 3
# enum hart_state
HART_STARTED, HART_STOPPED = 0, 1

# A host window standing in for machine memory: the top MiB of the root's Linux
# RAM (where the tests put cell configs), the hypervisor region and the cell pool.
WINDOW = 0xBBD00000
WINDOW_SIZE = 0xBFE00000 - WINDOW
CONFIG_AT = 0xBBD00000
STATUS_AT = 0xBBD80000
RWX = cf.MEM_READ | cf.MEM_WRITE | cf.MEM_EXECUTE
LOADABLE = RWX | cf.MEM_LOADABLE
MiB = 1 << 20
HARTS = 4


def cell_config(name, harts, ram, lines=(), extra=()):
    """A demo-style cell: RAM regions (phys, flags) seen from 0x80000000 up, boot info below."""
    c = cf.Cell(name=name, entry=0x80000000, boot_arg=0x7FFFF000)
    c.set_harts(harts)
    c.set_irqs(lines)
    c.console = cf.Console(type=cf.CONSOLE_SBI)
    gpa = 0x80000000
    for phys, flags in ram:
        c.regions.append(cf.MemRegion(phys, gpa, MiB, flags))
        gpa += MiB
    c.regions.extend(extra)
    return c


RTC = cf.MemRegion(0x101000, 0x101000, 0x1000, cf.MEM_READ | cf.MEM_WRITE | cf.MEM_IO)

# The configs the random sequences pick from: they clash with each other on
# purpose (names, memory, harts, lines).
CONFIGS = {
    "a": cell_config("alpha", [3], [(0xBD000000, LOADABLE)], [11], [RTC]),
    "b": cell_config("beta", [2], [(0xBD100000, LOADABLE)], [5]),
    "c": cell_config("gamma", [2, 3], [(0xBD200000, LOADABLE)], [11, 12]),
    "d": cell_config("delta", [1], [(0xBD000000, LOADABLE)]),        # alpha's memory
    "e": cell_config("eps", [3], [(0xBD300000, RWX), (0xBD400000, LOADABLE)], [7]),
    "f": cell_config("alpha", [1], [(0xBD500000, LOADABLE)]),        # alpha's name
    "g": cell_config("greedy", [0, 1, 2, 3], [(0xBD600000, LOADABLE)]),  # the last hart
    "h": cell_config("mid", [1, 2], [(0xBD700000, RWX)], [5, 6]),
    # refused by the validator: RAM the root does not have
    "x": cell_config("broken", [1], [(0x70000000, LOADABLE)]),
}


@pytest.fixture(scope="module")
def hv(core):
    """The core library with the fake arch's entry points typed."""
    r = subprocess.run(["make", "-s", f"BUILD={BUILD}", str(SYSTEM_CELL)], cwd=ROOT,
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail(f"building {SYSTEM_CELL} failed:\n{r.stdout}{r.stderr}")
    u64, uint, i64 = ctypes.c_uint64, ctypes.c_uint, ctypes.c_int64
    sig = {
        "host_control_init": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_size_t, u64, u64]),
        "host_ram_window": (ctypes.c_void_p, []),
        "host_root_hart_set": (None, [uint, ctypes.c_int]),
        "host_hart_stuck": (None, [uint, ctypes.c_int]),
        "host_hart_cell": (ctypes.c_int, [uint]),
        "host_hart_state": (ctypes.c_int, [uint]),
        "host_line_owner": (ctypes.c_int, [uint]),
        "host_vplic_owns": (ctypes.c_int, [uint, uint]),
        "host_cell_cpu_set": (u64, [uint]),
        "host_cell_state": (ctypes.c_int, [uint]),
        "host_translate": (i64, [uint, u64]),
        "host_pool_used": (ctypes.c_ulong, []),
        "host_flushes": (ctypes.c_ulong, []),
        "host_console": (ctypes.c_char_p, []),
        "host_console_clear": (None, []),
        "host_state_digest": (u64, []),
        "host_cell_fail": (None, [uint, ctypes.c_char_p]),
        "host_start_on_flush": (None, [ctypes.c_int]),
        "host_hypercall": (i64, [uint, u64, u64, u64, u64, ctypes.POINTER(u64)]),
        "host_root_tables": (ctypes.c_ulong, []),
        "host_root_fence_pending": (ctypes.c_int, []),
        "host_pool_hold": (ctypes.c_ulong, [ctypes.c_ulong]),
        "host_pool_release": (None, []),
        "cell_create": (ctypes.c_long, [u64, u64, ctypes.POINTER(u64)]),
        "cell_start": (ctypes.c_long, [u64]),
        "cell_shutdown": (ctypes.c_long, [u64]),
        "cell_destroy_by_id": (ctypes.c_long, [u64]),
        "cell_status": (ctypes.c_long, [u64, u64]),
        "irqchip_fake_count": (uint, []),
        "irqchip_fake_call": (ctypes.c_int, [uint, ctypes.c_char_p, ctypes.POINTER(uint),
                                             ctypes.POINTER(uint)]),
        "irqchip_fake_clear": (None, []),
    }
    for name, (res, args) in sig.items():
        fn = getattr(core, name)
        fn.restype = res
        fn.argtypes = args
    return core


_LINES = {}


def lines_of(cfg):
    """cfg.irqs(), remembered (the configs never change)."""
    key = id(cfg)
    if key not in _LINES:
        _LINES[key] = (cfg, frozenset(cfg.irqs()))
    return _LINES[key][1]


@dataclass
class ModelCell:
    key: str
    cfg: cf.Cell
    state: int = STOPPED


@dataclass
class Model:
    """What the hypervisor must hold: cells by id, the root's harts and their states."""
    system: cf.System
    cells: Dict[int, ModelCell] = field(default_factory=dict)
    hart_state: Dict[int, int] = field(default_factory=lambda: {h: HART_STARTED
                                                                for h in range(HARTS)})
    last_id: int = 0

    def owner_of_hart(self, hart) -> int:
        for cid, c in self.cells.items():
            if hart in c.cfg.harts():
                return cid
        return 0

    def line_owners(self) -> Dict[int, int]:
        owners = {line: 0 for line in lines_of(self.system.root)}
        for cid, c in self.cells.items():
            owners.update({line: cid for line in lines_of(c.cfg)})
        return owners

    def owner_of_line(self, line) -> int:
        return self.line_owners().get(line, -1)

    def root_harts(self):
        return [h for h in range(HARTS) if self.owner_of_hart(h) == 0]

    # ---- what each request must answer
    def create(self, key) -> int:
        cfg = CONFIGS[key]
        if key == "x":
            return INVALID_PARAM
        # the validator's order: a name clash with any cell first, then the rest
        if any(c.cfg.name == cfg.name for c in self.cells.values()):
            return ALREADY_AVAILABLE
        for cid in sorted(self.cells):
            other = self.cells[cid].cfg
            if any(r.phys_start < o.phys_start + o.size and o.phys_start < r.phys_start + r.size
                   for r in cfg.regions for o in other.regions):
                return DENIED
        for h in cfg.harts():
            if self.owner_of_hart(h) != 0 or self.hart_state[h] != HART_STOPPED:
                return DENIED
        if not set(self.root_harts()) - set(cfg.harts()):
            return DENIED
        owners = self.line_owners()
        if any(owners.get(line, -1) != 0 for line in lines_of(cfg)):
            return DENIED
        cid = min(i for i in range(1, 16) if i not in self.cells)
        self.cells[cid] = ModelCell(key, cfg)
        self.last_id = cid
        return OK

    def start(self, cid) -> int:
        c = self.cells.get(cid)
        if c is None:
            return INVALID_PARAM
        if c.state == RUNNING:
            return ALREADY_STARTED
        if c.state == CELL_FAILED:
            return DENIED
        c.state = RUNNING
        first = c.cfg.harts()[0]
        for h in c.cfg.harts():
            self.hart_state[h] = HART_STARTED if h == first else HART_STOPPED
        return OK

    def shutdown(self, cid) -> int:
        c = self.cells.get(cid)
        if c is None:
            return INVALID_PARAM
        if c.state == STOPPED:
            return ALREADY_STOPPED
        c.state = SHUT_DOWN
        for h in c.cfg.harts():
            self.hart_state[h] = HART_STOPPED
        return OK

    def destroy(self, cid) -> int:
        c = self.cells.pop(cid, None)
        if c is None:
            return INVALID_PARAM
        for h in c.cfg.harts():
            self.hart_state[h] = HART_STOPPED
        return OK

    def fail(self, cid):
        c = self.cells[cid]
        c.state = CELL_FAILED
        for h in c.cfg.harts():
            self.hart_state[h] = HART_STOPPED


class Board:
    """The host library set up on the board's system config, and the checks."""

    def __init__(self, hv):
        self.hv = hv
        data = SYSTEM_CELL.read_bytes()
        assert hv.host_control_init(data, len(data), WINDOW, WINDOW_SIZE) == 0, \
            hv.host_console().decode()
        self.model = Model(cf.System.unpack(data))
        self.window = hv.host_ram_window()
        # Pages the root holds besides its G-stage tables (vPLIC, table root).
        self.root_pages = hv.host_pool_used() - hv.host_root_tables()

    def put(self, phys, data):
        ctypes.memmove(self.window + (phys - WINDOW), data, len(data))

    def get(self, phys, n):
        return ctypes.string_at(self.window + (phys - WINDOW), n)

    def create(self, cfg):
        data = cfg.pack()
        self.put(CONFIG_AT, data)
        out = ctypes.c_uint64(0)
        ret = self.hv.cell_create(CONFIG_AT, len(data), ctypes.byref(out))
        return ret, out.value

    def root_hart(self, hart, started):
        self.hv.host_root_hart_set(hart, int(started))
        self.model.hart_state[hart] = HART_STARTED if started else HART_STOPPED

    def check(self):
        hv, m = self.hv, self.model
        # harts: exactly one cell each
        for h in range(HARTS):
            assert hv.host_hart_cell(h) == m.owner_of_hart(h), f"hart {h}"
            assert hv.host_hart_state(h) == m.hart_state[h], f"hart {h} state"
        sets = [hv.host_cell_cpu_set(0)] + [hv.host_cell_cpu_set(cid) for cid in m.cells]
        assert sum(bin(s).count("1") for s in sets) == HARTS
        union = 0
        for s in sets:
            assert union & s == 0
            union |= s
        assert union == (1 << HARTS) - 1
        # cells and states
        for cid in range(1, 16):
            exp = m.cells[cid].state if cid in m.cells else -1
            assert hv.host_cell_state(cid) == exp, f"cell {cid}"
        # lines: one owner, only its vPLIC has them
        owners = m.line_owners()
        for line in range(1, m.system.plic_num_sources):
            owner = owners.get(line, -1)
            assert hv.host_line_owner(line) == owner, f"line {line}"
            for cid in [0] + list(m.cells):
                assert hv.host_vplic_owns(cid, line) == int(cid == owner), \
                    f"line {line} in cell {cid}'s vPLIC"
        # memory: in the cell's table; out of the root's unless loadable and the cell
        # not started since it was created or shut down (a failed cell keeps its RAM
        # until the root shuts it down)
        for cid, c in m.cells.items():
            for r in c.cfg.regions:
                in_root = bool(r.flags & cf.MEM_LOADABLE) and c.state in (STOPPED, SHUT_DOWN)
                for off in (0, r.size - 8):
                    assert hv.host_translate(cid, r.virt_start + off) == r.phys_start + off
                    root = hv.host_translate(0, r.phys_start + off)
                    assert root == (r.phys_start + off if in_root else -1), \
                        f"cell {cid} region 0x{r.phys_start:x} in the root: {root}"
        # RAM no cell has is the root's
        taken = [(r.phys_start, r.size) for c in m.cells.values() for r in c.cfg.regions]
        for phys in range(0xBD000000, 0xBD800000, MiB):
            if not any(s <= phys < s + n for s, n in taken):
                assert hv.host_translate(0, phys) == phys, f"root lost 0x{phys:x}"
        # every change of the root's G-stage table was fenced before the request returned
        assert hv.host_root_fence_pending() == 0
        if not m.cells:
            assert hv.host_pool_used() == self.root_pages + hv.host_root_tables(), \
                "pool pages leaked"

    def step(self, op, arg):
        """One request on both sides; the return codes must agree."""
        hv, m = self.hv, self.model
        before = hv.host_state_digest()
        if op == "create":
            ret, cid = self.create(CONFIGS[arg])
            exp = m.create(arg)
            if exp == OK:
                assert cid == m.last_id, "the lowest free id"
        elif op == "start":
            ret, exp = hv.cell_start(arg), m.start(arg)
        elif op == "shutdown":
            ret, exp = hv.cell_shutdown(arg), m.shutdown(arg)
        elif op == "destroy":
            ret, exp = hv.cell_destroy_by_id(arg), m.destroy(arg)
        elif op == "fail":
            hart = m.cells[arg].cfg.harts()[0]
            hv.host_cell_fail(hart, b"made to fail")
            m.fail(arg)
            ret = exp = OK
        else:  # root CPU online/offline
            hart, started = arg
            self.root_hart(hart, started)
            ret = exp = OK
        assert ret == exp, f"{op} {arg}: {ret}, model {exp}\n{hv.host_console().decode()[-600:]}"
        if ret != OK and op in ("create", "start", "shutdown", "destroy"):
            assert hv.host_state_digest() == before, f"refused {op} {arg} changed state"
        self.check()


@pytest.fixture
def board(hv):
    return Board(hv)


# ---------------------------------------------------------------- deterministic cases

def test_create_start_shutdown_destroy(board):
    board.check()
    board.step("root", (3, False))
    board.step("create", "a")
    board.step("start", 1)
    board.step("start", 1)              # already started
    board.step("shutdown", 1)
    board.step("start", 1)              # starts again after a shutdown
    board.step("destroy", 1)
    board.step("destroy", 1)            # gone
    board.step("shutdown", 1)
    board.step("root", (3, True))       # the root takes its hart back


def test_refusals_change_nothing(board):
    board.step("create", "a")           # hart 3 still runs in the root
    board.step("root", (3, False))
    board.step("root", (1, False))
    board.step("create", "x")           # validator
    board.step("create", "a")
    board.step("create", "f")           # alpha's name
    board.step("create", "d")           # alpha's memory
    board.step("create", "c")           # hart 3 is alpha's
    board.step("shutdown", 1)           # never started
    board.step("start", 9)
    board.step("destroy", 0)            # the root is no cell to destroy
    assert b"cell 'alpha' already exists" in board.hv.host_console()
    assert b"of cell 'alpha'" in board.hv.host_console()


def test_root_keeps_a_hart(board):
    for h in (1, 2, 3):
        board.step("root", (h, False))
    board.step("root", (0, False))
    board.step("create", "g")           # would take the root's last hart
    assert b"would take the root's last hart" in board.hv.host_console()


def test_failed_cell_is_denied_a_start_until_shut_down(board):
    board.step("root", (2, False))
    board.step("root", (1, False))
    board.step("create", "h")
    board.step("start", 1)
    board.step("fail", 1)
    board.step("start", 1)              # failed: denied
    board.step("shutdown", 1)
    board.step("start", 1)
    board.step("destroy", 1)


def test_lines_are_routed_to_each_new_owner(board, hv):
    """Issue 7 item 5: a transferred line is re-routed as its new owner has it."""
    board.step("root", (2, False))
    board.step("root", (1, False))
    hv.irqchip_fake_clear()
    board.step("create", "h")           # lines 5 and 6 go to cell 1
    routes = calls(hv)
    assert [c for c in routes if c[0] == b"r"] == [(b"r", 5, 1), (b"r", 6, 1)]
    hv.irqchip_fake_clear()
    board.step("destroy", 1)            # and come back to the root
    assert [c for c in calls(hv) if c[0] == b"r"] == [(b"r", 5, 0), (b"r", 6, 0)]


def calls(hv):
    out = []
    op, line, cid = ctypes.create_string_buffer(1), ctypes.c_uint(), ctypes.c_uint()
    for i in range(hv.irqchip_fake_count()):
        assert hv.irqchip_fake_call(i, op, ctypes.byref(line), ctypes.byref(cid)) == 0
        out.append((op.raw, line.value, cid.value))
    return out


def test_a_hart_that_never_parks_fails_the_stop_after_the_deadline(board, hv):
    board.step("root", (3, False))
    board.step("root", (2, False))
    board.step("create", "c")
    board.step("start", 1)
    hv.host_hart_stuck(2, 1)
    assert hv.cell_shutdown(1) == FAILED
    assert b"hart 2 does not stop" in hv.host_console()
    # Nothing of the cell went back while a hart may still run its code.
    assert hv.host_hart_cell(2) == 1 and hv.host_hart_cell(3) == 1
    assert hv.host_translate(0, 0xBD200000) == -1
    hv.host_hart_stuck(2, 0)
    assert hv.cell_destroy_by_id(1) == OK
    assert hv.host_hart_cell(2) == 0 and hv.host_translate(0, 0xBD200000) == 0xBD200000


def test_cell_ram_is_cleared_at_create(board):
    board.step("root", (3, False))
    board.put(0xBD000000, b"\xa5" * 64)
    board.step("create", "a")
    assert board.get(0xBD000000, 64) == bytes(64)


def test_status_reports_state_into_root_memory(board, hv):
    board.step("root", (3, False))
    board.step("create", "a")
    board.step("start", 1)
    assert hv.cell_status(1, STATUS_AT) == OK
    state, _, cpu_set = __import__("struct").unpack_from("<IIQ", board.get(STATUS_AT, 16))
    assert (state, cpu_set) == (RUNNING, 1 << 3)
    # Not into memory the cell took from the root.
    assert hv.cell_status(1, 0xBD000000) == INVALID_ADDRESS


# ---------------------------------------------------------------- random sequences

def random_step(rng, board):
    m = board.model
    r = rng.random()
    ids = list(m.cells) + [rng.randint(1, 15)]
    if r < 0.35:
        return "create", rng.choice(sorted(CONFIGS))
    if r < 0.5:
        return "start", rng.choice(ids)
    if r < 0.62:
        return "shutdown", rng.choice(ids)
    if r < 0.74:
        return "destroy", rng.choice(ids)
    if r < 0.78 and any(c.state == RUNNING for c in m.cells.values()):
        return "fail", rng.choice([cid for cid, c in m.cells.items() if c.state == RUNNING])
    roots = [h for h in m.root_harts() if h != 0]
    if not roots:
        return "destroy", rng.choice(ids)
    return "root", (rng.choice(roots), rng.random() < 0.4)


@pytest.mark.parametrize("seed", range(12))
def test_random_management_sequences(board, seed):
    rng = random.Random(seed)
    for _ in range(120):
        op, arg = random_step(rng, board)
        board.step(op, arg)
    for cid in list(board.model.cells):
        board.step("destroy", cid)


def test_destroy_fences_the_memory_it_gives_back(board, hv):
    """Issue 7 item 11: the root's harts drop stale translations after a map back too."""
    board.step("root", (3, False))
    board.step("create", "a")
    board.step("start", 1)
    before = hv.host_flushes()
    board.step("shutdown", 1)           # loadable RAM back to the root
    assert hv.host_flushes() == before + 1
    board.step("destroy", 1)            # the device back
    assert hv.host_flushes() == before + 2


def test_running_out_of_pool_pages_refuses_cleanly_wherever_it_happens(board, hv):
    """Issue 7 items 11 and 12: a create that runs out of hypervisor memory at any step
    (the cell's state, its tables, a split of the root's huge leaf) is refused, says why,
    and leaves everything as it was; with enough pages it succeeds."""
    board.step("root", (3, False))
    board.step("root", (2, False))
    cfg = CONFIGS["e"]                  # a region taken from the root at create: a split
    outcomes = {}
    for left in range(0, 64):
        assert hv.host_pool_hold(left) == left
        hv.host_console_clear()
        before = hv.host_state_digest()
        ret, cid = board.create(cfg)
        console = hv.host_console().decode()
        if ret == OK:
            outcomes[left] = "ok"
            assert hv.cell_destroy_by_id(cid) == OK
            hv.host_pool_release()
            break
        assert ret == FAILED, console
        assert hv.host_state_digest() == before, f"{left} pages: state changed"
        assert hv.host_root_fence_pending() == 0
        if "from the root: out of memory for page tables" in console:
            assert "cannot take [0xbd300000, +0x100000) from the root" in console
            outcomes[left] = "split"
        elif "out of memory for page tables" in console:
            outcomes[left] = "cell's table"
        else:
            assert "out of hypervisor memory" in console, console
            outcomes[left] = "out of memory"
        hv.host_pool_release()
    assert set(outcomes.values()) == {"ok", "out of memory", "cell's table", "split"}, outcomes
    board.check()


def test_boot_info_page_beyond_the_gstage_is_refused_with_its_reason(board, hv):
    """Issue 7 item 12: a boot_arg the cell's G-stage cannot map is said, not silent."""
    board.step("root", (3, False))
    cfg = cell_config("far", [3], [(0xBD000000, LOADABLE)])
    cfg.boot_arg = 1 << 52              # beyond Sv48x4's 50-bit guest-physical space
    hv.host_console_clear()
    before = hv.host_state_digest()
    ret, _ = board.create(cfg)
    assert ret == INVALID_PARAM
    assert "boot info page at guest-physical 0x10000000000000" in hv.host_console().decode()
    assert hv.host_state_digest() == before
    board.check()


HC_GET_INFO, HC_CELL_CREATE, HC_CELL_START, HC_CELL_STATUS = 1, 4, 5, 8
HC_CELL_CONSOLE_WRITE = 11
CONSOLE_INPUT_SIZE = 1024


def test_hypercalls_reach_control_from_the_root_only(board, hv):
    """The root's hypercall ABI (a7 = extension, a6 = function, a0.. = arguments) on the host."""
    board.step("root", (3, False))
    data = CONFIGS["a"].pack()
    board.put(CONFIG_AT, data)
    a1 = ctypes.c_uint64(0)
    assert hv.host_hypercall(0, HC_CELL_CREATE, CONFIG_AT, len(data), 0, ctypes.byref(a1)) == OK
    assert a1.value == 1                # the new cell's id comes back in a1
    board.model.create("a")
    assert hv.host_hypercall(0, HC_GET_INFO, STATUS_AT, 0, 0, ctypes.byref(a1)) == OK
    abi, num_cells = __import__("struct").unpack_from("<II", board.get(STATUS_AT, 8))
    assert num_cells == 2
    assert hv.host_hypercall(1, HC_CELL_START, 1, 0, 0, ctypes.byref(a1)) == OK
    board.model.start(1)
    # A cell's hart may not manage cells.
    assert hv.host_hypercall(3, HC_CELL_STATUS, 1, STATUS_AT, 0, ctypes.byref(a1)) == DENIED
    assert hv.host_hypercall(0, 99, 0, 0, 0, ctypes.byref(a1)) == -2  # NOT_SUPPORTED
    board.check()


def test_a_hart_the_root_starts_during_a_create_stays_the_roots(board, hv):
    """The root's HSM start of a hart racing a create that takes it (issue 7 item 8's kind):
    the create checked the hart parked, the root started it before the hart changed owner.
    The create must be refused, the hart run on in the root, everything given back."""
    board.step("root", (3, False))
    hv.host_start_on_flush(3)           # in the middle of the create (its first fence)
    hv.host_console_clear()
    ret, _ = board.create(CONFIGS["a"])
    assert ret == DENIED, hv.host_console().decode()
    assert "hart 3 was started in the root meanwhile" in hv.host_console().decode()
    board.model.hart_state[3] = HART_STARTED
    board.check()                       # hart 3 the root's and running, memory and lines back


def test_console_input_from_the_root_takes_what_fits(board, hv):
    """BH_HC_CELL_CONSOLE_WRITE: a root buffer into the cell's 1 KiB input, partial when full."""
    board.step("root", (3, False))
    board.step("create", "a")
    board.put(CONFIG_AT, bytes(range(256)) * 8)
    taken = ctypes.c_uint64(0)
    assert hv.host_hypercall(0, HC_CELL_CONSOLE_WRITE, 1, CONFIG_AT, 700,
                             ctypes.byref(taken)) == OK
    assert taken.value == 700
    assert hv.host_hypercall(0, HC_CELL_CONSOLE_WRITE, 1, CONFIG_AT, 700,
                             ctypes.byref(taken)) == OK
    assert taken.value == CONSOLE_INPUT_SIZE - 700
    assert hv.host_hypercall(0, HC_CELL_CONSOLE_WRITE, 1, CONFIG_AT, 5, ctypes.byref(taken)) == OK
    assert taken.value == 0
    board.step("start", 1)
    # Refused, and nothing changes: memory the cell took from the root, no such cell, the root
    # itself, a cell's hart asking. (The call writes the hart's a0/a1 itself: each refusal is
    # made twice and the state compared between the two.)
    for hart, cell, at, code in ((0, 1, 0xBD000000, INVALID_ADDRESS),
                                 (0, 7, CONFIG_AT, INVALID_PARAM),
                                 (0, 0, CONFIG_AT, INVALID_PARAM), (3, 1, CONFIG_AT, DENIED)):
        digests = []
        for _ in range(2):
            taken.value = 12345
            assert hv.host_hypercall(hart, HC_CELL_CONSOLE_WRITE, cell, at, 4,
                                     ctypes.byref(taken)) == code, (hart, cell, at)
            digests.append(hv.host_state_digest())
        assert digests[0] == digests[1], (hart, cell, at)
    board.check()
