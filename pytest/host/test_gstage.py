"""G-stage page-table builder (hypervisor/core/mm/gstage.c).

The oracles here are written from the RISC-V privileged spec (Hypervisor
extension, "Guest Physical Address Translation") and the builder's contract,
not from its code:

* ExtentModel: what each guest-physical address maps to (the semantics).
* LeafModel: which leaf PTEs must exist - the largest leaf the alignment of
  gpa and hpa allows, huge leaves split one level at a time when an unmap
  covers them partly - and from that, which lower tables must exist.

After every step the table is walked from Python straight out of the memory
the host allocator (pytest/host/support/gstage_testenv.c) handed out, every
PTE is checked against the spec, and the result is compared with both models.
"""
import ctypes
import random
import struct

import pytest

KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30
PAGE = 4 * KiB

SV39X4, SV48X4, SV57X4 = 8, 9, 10  # hgatp.MODE encodings
LEVELS = {SV39X4: 3, SV48X4: 4, SV57X4: 5}
GPA_BITS = {SV39X4: 41, SV48X4: 50, SV57X4: 59}
PHYS_LIMIT = 1 << 56

READ, WRITE, EXEC = 1, 2, 4
FLAG_SETS = [READ, READ | WRITE, READ | EXEC, READ | WRITE | EXEC, EXEC]

ERR = {"INVAL": -1, "MODE": -2, "ALIGN": -3, "RANGE": -4, "FLAGS": -5, "EXIST": -6,
       "NOMEM": -7, "NOENT": -8, "VMID": -9, "ALLOC": -10}

# PTE bits (privileged spec, Sv39 page table entry)
V, R, W, X, U, G, A, D = (1 << i for i in range(8))
RSW = 3 << 8
PPN_SHIFT, PPN_BITS = 10, 44

ALLOCATOR_PAGES = 4096


def level_size(level):
    return 1 << (12 + 9 * level)


# ---------------------------------------------------------------- library


class GstageAlloc(ctypes.Structure):
    _fields_ = [("alloc_page", ctypes.c_void_p), ("free_page", ctypes.c_void_p),
                ("phys_to_virt", ctypes.c_void_p), ("opaque", ctypes.c_void_p)]


@pytest.fixture(scope="module")
def lib(core):
    p, u64, uint, ulong, cint = (ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint,
                                 ctypes.c_ulong, ctypes.c_int)
    protos = {
        "gstage_init": (cint, [p, uint, p, u64, p]),
        "gstage_map": (cint, [p, u64, u64, u64, uint]),
        "gstage_unmap": (cint, [p, u64, u64]),
        "gstage_translate": (cint, [p, u64, ctypes.POINTER(u64), ctypes.POINTER(uint)]),
        "gstage_fence_pending": (ctypes.c_bool, [p]),
        "gstage_fence_done": (None, [p]),
        "gstage_destroy": (None, [p]),
        "gstage_hgatp": (cint, [p, uint, ctypes.POINTER(u64)]),
        "gstage_gpa_bits": (uint, [p]),
        "gstage_tables_in_use": (ulong, [p]),
        "gstage_strerror": (ctypes.c_char_p, [cint]),
        "gstage_test_env_new": (p, [ulong]),
        "gstage_test_env_free": (None, [p]),
        "gstage_test_env_table": (p, [p]),
        "gstage_test_env_alloc": (p, [p]),
        "gstage_test_env_arena": (p, [p]),
        "gstage_test_env_phys_base": (u64, []),
        "gstage_test_env_arena_bytes": (ulong, [p]),
        "gstage_test_env_in_use": (ulong, [p]),
        "gstage_test_env_allocations": (ulong, [p]),
        "gstage_test_env_used": (p, [p]),
        "gstage_test_env_pages": (ulong, [p]),
        "gstage_test_env_fail_after": (None, [p, ctypes.c_long]),
        "gstage_test_env_misalign_next": (None, [p]),
        "gstage_test_env_errors": (ulong, [p]),
    }
    for name, (restype, argtypes) in protos.items():
        fn = getattr(core, name)
        fn.restype, fn.argtypes = restype, argtypes
    return core


class Env:
    """One table under test, its root and allocator pages in the harness arena."""

    def __init__(self, lib, mode, pages=ALLOCATOR_PAGES):
        self.lib, self.mode = lib, mode
        self.handle = lib.gstage_test_env_new(pages)
        assert self.handle
        self.pt = lib.gstage_test_env_table(self.handle)
        self.arena = lib.gstage_test_env_arena(self.handle)
        self.arena_bytes = lib.gstage_test_env_arena_bytes(self.handle)
        self.phys_base = lib.gstage_test_env_phys_base()
        self.root_phys = self.phys_base  # the harness puts the 16 KiB root first
        self.levels = LEVELS[mode]
        self.gpa_limit = 1 << GPA_BITS[mode]
        rc = lib.gstage_init(self.pt, mode, self.arena, self.root_phys, self.alloc_ptr())
        assert rc == 0, self.strerror(rc)

    def close(self):
        self.lib.gstage_test_env_free(self.handle)

    def alloc_ptr(self):
        return self.lib.gstage_test_env_alloc(self.handle)

    def strerror(self, rc):
        return self.lib.gstage_strerror(rc).decode()

    # calls into the builder
    def map(self, gpa, hpa, size, flags):
        return self.lib.gstage_map(self.pt, gpa, hpa, size, flags)

    def unmap(self, gpa, size):
        return self.lib.gstage_unmap(self.pt, gpa, size)

    def translate(self, gpa):
        hpa, flags = ctypes.c_uint64(0xdead), ctypes.c_uint(0xdead)
        rc = self.lib.gstage_translate(self.pt, gpa, ctypes.byref(hpa), ctypes.byref(flags))
        return (rc, None) if rc else (0, (hpa.value, flags.value))

    def tables_in_use(self):
        return self.lib.gstage_tables_in_use(self.pt)

    def fence_pending(self):
        return self.lib.gstage_fence_pending(self.pt)

    def fence_done(self):
        self.lib.gstage_fence_done(self.pt)

    # the harness allocator
    def pages_in_use(self):
        return self.lib.gstage_test_env_in_use(self.handle)

    def allocator_errors(self):
        return self.lib.gstage_test_env_errors(self.handle)

    def fail_after(self, n):
        self.lib.gstage_test_env_fail_after(self.handle, n)

    def used_map(self):
        pages = self.lib.gstage_test_env_pages(self.handle)
        return ctypes.string_at(self.lib.gstage_test_env_used(self.handle), pages)

    def page_used(self, phys):
        index = (phys - self.phys_base) // PAGE - 4
        if phys % PAGE or not 0 <= index < len(self.used_map()):
            return False
        return self.used_map()[index] == 1

    def read(self, phys, size):
        offset = phys - self.phys_base
        assert 0 <= offset and offset + size <= self.arena_bytes, hex(phys)
        return ctypes.string_at(self.arena + offset, size)

    def read_table(self, phys, entries):
        return struct.unpack(f"<{entries}Q", self.read(phys, entries * 8))

    def snapshot(self):
        """Everything the table consists of, bit for bit, plus the bookkeeping."""
        used = self.used_map()
        pages = {i: self.read(self.phys_base + (4 + i) * PAGE, PAGE)
                 for i, u in enumerate(used) if u}
        return (self.read(self.root_phys, 16 * KiB), used, pages, self.tables_in_use(),
                self.fence_pending(), self.allocator_errors())


@pytest.fixture
def make_env(lib):
    envs = []

    def make(mode, pages=ALLOCATOR_PAGES):
        envs.append(Env(lib, mode, pages))
        return envs[-1]

    yield make
    for env in envs:
        env.close()


# ---------------------------------------------------------------- walk


def walk(env):
    """Walk the whole table checking every PTE; return (leaves, tables).

    leaves: {gpa: (level, hpa, flags)}; tables: {(level, gpa >> shift of the
    level above): phys} for every table below the root.
    """
    leaves, tables, seen = {}, {}, {env.root_phys}
    rwx_flags = {R: READ, R | W: READ | WRITE, R | X: READ | EXEC, R | W | X: READ | WRITE | EXEC,
                 X: EXEC}

    def visit(phys, level, base, entries):
        valid, step = 0, level_size(level)
        for i, pte in [(i, pte) for i, pte in enumerate(env.read_table(phys, entries)) if pte]:
            gpa = base + i * step
            where = f"PTE {pte:#x} for gpa {gpa:#x} at level {level}"
            assert pte & V, f"invalid entries must be zero: {where}"
            assert pte >> 54 == 0, f"reserved/PBMT/N bits set: {where}"
            assert pte & RSW == 0, where
            valid += 1
            target = ((pte >> PPN_SHIFT) & ((1 << PPN_BITS) - 1)) << 12
            rwx = pte & (R | W | X)
            if rwx:
                assert rwx in rwx_flags, f"W without R is reserved: {where}"
                assert pte & (U | A | D) == U | A | D, f"leaf needs U, A, D: {where}"
                assert not pte & G, where
                assert target % step == 0, f"misaligned superpage: {where}"
                leaves[gpa] = (level, target, rwx_flags[rwx])
            else:
                assert level > 0, f"pointer at the last level: {where}"
                assert pte & 0x3ff == V, f"non-leaf must have only V: {where}"
                assert target not in seen, f"table referenced twice: {where}"
                assert env.page_used(target), f"table not from the allocator: {where}"
                seen.add(target)
                tables[(level - 1, gpa >> (12 + 9 * level))] = target
                visit(target, level - 1, gpa, 512)
        if phys != env.root_phys:
            assert valid, f"empty lower table left at {phys:#x}"

    visit(env.root_phys, env.levels - 1, 0, 2048)
    return leaves, tables


# ---------------------------------------------------------------- models


class ExtentModel:
    """Guest-physical extents: [(gpa, end, hpa, flags)]."""

    def __init__(self):
        self.extents = []

    def overlaps(self, start, end):
        return any(s < end and start < e for s, e, _, _ in self.extents)

    def lookup(self, gpa):
        for s, e, h, f in self.extents:
            if s <= gpa < e:
                return (h + gpa - s, f)
        return None

    def map(self, gpa, hpa, size, flags):
        self.extents.append((gpa, gpa + size, hpa, flags))

    def unmap(self, start, end):
        kept, removed = [], False
        for s, e, h, f in self.extents:
            if e <= start or end <= s:
                kept.append((s, e, h, f))
                continue
            removed = True
            if s < start:
                kept.append((s, start, h, f))
            if end < e:
                kept.append((end, e, h + end - s, f))
        self.extents = kept
        return removed


class LeafModel:
    """The leaf PTEs the table must hold: {gpa: (level, hpa, flags)}."""

    def __init__(self, levels):
        self.levels = levels
        self.leaves = {}

    def map(self, gpa, hpa, size, flags):
        end = gpa + size
        while gpa < end:
            level = next(lv for lv in reversed(range(self.levels))
                         if gpa % level_size(lv) == 0 and hpa % level_size(lv) == 0
                         and gpa + level_size(lv) <= end)
            self.leaves[gpa] = (level, hpa, flags)
            gpa += level_size(level)
            hpa += level_size(level)

    def unmap(self, start, end):
        size = [level_size(lv) for lv in range(self.levels)]
        work = [g for g, (lv, _, _) in self.leaves.items() if g < end and start < g + size[lv]]
        while work:
            gpa = work.pop()
            level, hpa, flags = self.leaves.pop(gpa)
            if start <= gpa and gpa + level_size(level) <= end:
                continue
            child = level_size(level - 1)
            for i in range(512):
                g = gpa + i * child
                self.leaves[g] = (level - 1, hpa + i * child, flags)
                if g < end and start < g + child:
                    work.append(g)

    def tables(self):
        """The lower tables those leaves need, as (level, gpa >> shift of the level above)."""
        need = set()
        for lv in range(self.levels - 1):  # a leaf at level L sits in tables at levels L..top-1
            shift = 12 + 9 * (lv + 1)
            need |= {(lv, gpa >> shift)
                     for gpa, (level, _, _) in self.leaves.items() if level <= lv}
        return need


class Checked:
    """An Env driven in lockstep with both models, checked after every step."""

    def __init__(self, env, rng):
        self.env, self.rng = env, rng
        self.extents = ExtentModel()
        self.leaf_model = LeafModel(env.levels)

    def new_tables(self, change):
        """How many tables the builder must allocate for @change of the leaf model."""
        model = LeafModel(self.leaf_model.levels)
        model.leaves = dict(self.leaf_model.leaves)
        change(model)
        return len(model.tables() - self.leaf_model.tables())

    def attempt(self, call, what, need, budget):
        """Run @call with the allocator allowed @budget pages: NOMEM, unchanged, if too few."""
        if budget is None or budget >= need:
            self.env.fail_after(-1 if budget is None else budget)
            rc = call()
            self.env.fail_after(-1)
            return rc
        before = self.env.snapshot()
        self.env.fail_after(budget)
        rc = call()
        self.env.fail_after(-1)
        assert rc == ERR["NOMEM"], f"{what} with {budget} of {need} pages: {self.env.strerror(rc)}"
        assert self.env.snapshot() == before, f"failed {what} changed the table"
        return call()

    def map(self, gpa, hpa, size, flags, budget=None):
        what = f"map({gpa:#x}, {hpa:#x}, {size:#x}, {flags})"
        if self.extents.overlaps(gpa, gpa + size):
            before = self.env.snapshot()
            self.env.fail_after(0 if budget is None else budget)
            rc = self.env.map(gpa, hpa, size, flags)
            self.env.fail_after(-1)
            assert rc == ERR["EXIST"], f"{what}: {self.env.strerror(rc)}"
            assert self.env.snapshot() == before, f"{what} changed the table"
            return
        need = self.new_tables(lambda model: model.map(gpa, hpa, size, flags))
        rc = self.attempt(lambda: self.env.map(gpa, hpa, size, flags), what, need, budget)
        assert rc == 0, f"{what}: {self.env.strerror(rc)}"
        assert not self.env.fence_pending(), f"{what} asks for a fence"
        self.extents.map(gpa, hpa, size, flags)
        self.leaf_model.map(gpa, hpa, size, flags)
        self.check()

    def unmap(self, gpa, size, budget=None):
        what = f"unmap({gpa:#x}, {size:#x})"
        held = self.env.pages_in_use()
        need = self.new_tables(lambda model: model.unmap(gpa, gpa + size))
        rc = self.attempt(lambda: self.env.unmap(gpa, size), what, need, budget)
        assert rc == 0, f"{what}: {self.env.strerror(rc)}"
        removed = self.extents.unmap(gpa, gpa + size)
        self.leaf_model.unmap(gpa, gpa + size)
        assert self.env.fence_pending() == removed
        # tables unlinked by the unmap stay allocated until the fence
        assert self.env.pages_in_use() == held + need == self.env.tables_in_use()
        tables = self.check()
        self.env.fence_done()
        assert not self.env.fence_pending()
        assert self.env.tables_in_use() == self.env.pages_in_use() == tables
        assert self.env.allocator_errors() == 0

    def check(self):
        env = self.env
        leaves, tables = walk(env)
        assert leaves == self.leaf_model.leaves
        assert set(tables) == self.leaf_model.tables()
        if not env.fence_pending():
            assert env.tables_in_use() == len(tables)
        assert env.pages_in_use() == env.tables_in_use()
        assert env.allocator_errors() == 0
        for gpa in self.samples():
            assert env.translate(gpa) == (
                (0, self.extents.lookup(gpa)) if self.extents.lookup(gpa)
                else (ERR["NOENT"], None)), f"translate({gpa:#x})"
        return len(tables)

    def samples(self):
        rng, limit = self.rng, self.env.gpa_limit
        points = {0, limit - 1, limit - PAGE}
        for s, e, _, _ in rng.sample(self.extents.extents, min(12, len(self.extents.extents))):
            points |= {s, s + 0x123, e - 1, e - PAGE, s - 1, e,
                       rng.randrange(s, e) // PAGE * PAGE + rng.randrange(PAGE)}
        leaves = list(self.leaf_model.leaves.items())
        for gpa, (level, _, _) in rng.sample(leaves, min(12, len(leaves))):
            points |= {gpa, gpa + level_size(level) - 1, gpa + level_size(level)}
        return sorted(p for p in points if 0 <= p < limit)


# ---------------------------------------------------------------- random sequences

WINDOW = 16 * GiB


def windows(mode):
    limit = 1 << GPA_BITS[mode]
    return [0, 64 * GiB, limit - WINDOW]  # the last one reaches the top root entries


def random_size(rng):
    kind = rng.random()
    if kind < 0.4:
        return rng.randint(1, 700) * PAGE
    if kind < 0.7:
        return rng.randint(1, 24) * 2 * MiB + rng.choice([0, rng.randint(1, 511) * PAGE])
    return rng.randint(1, 4) * GiB + rng.choice(
        [0, rng.randint(1, 511) * 2 * MiB, rng.randint(1, 511) * PAGE])


def random_range(rng, mode, size):
    base = rng.choice(windows(mode))
    align = rng.choice([GiB, 2 * MiB, PAGE])
    return base + rng.randrange((WINDOW - size) // align + 1) * align


def random_hpa(rng, gpa, size):
    # Any 4 KiB alignment for small ranges; big ones share gpa's offset in a
    # 2 MiB or 1 GiB frame, as RAM maps do (else a GiB would take 256k leaves).
    if size <= 8 * MiB and rng.random() < 0.5:
        return rng.randrange(1 << 36) * PAGE
    frame = rng.choice([2 * MiB, GiB])
    return rng.randrange((1 << 48) // frame) * frame + gpa % frame


def random_step(rng, mode, state):
    choice = rng.random()
    extents = state.extents.extents
    # now and then the allocator gives out only a few pages
    budget = rng.randint(0, 4) if rng.random() < 0.25 else None
    if choice < 0.5 or not extents:
        size = random_size(rng)
        gpa = random_range(rng, mode, size)
        state.map(gpa, random_hpa(rng, gpa, size), size, rng.choice(FLAG_SETS), budget)
    elif choice < 0.6:
        # map touching an existing extent at one edge: must fail unchanged
        s, e, _, _ = rng.choice(extents)
        size = rng.randint(1, 600) * PAGE
        gpa = rng.choice([max(0, s - size + PAGE), e - PAGE])
        size = min(size, state.env.gpa_limit - gpa)
        state.map(gpa, rng.randrange(1 << 36) * PAGE, size, READ)
    elif choice < 0.75:
        s, e, _, _ = rng.choice(extents)
        lo = max(0, s - rng.choice([0, PAGE, 2 * MiB]))
        hi = min(state.env.gpa_limit, e + rng.choice([0, PAGE, 2 * MiB]))
        if rng.random() < 0.5:  # cut away one part only
            cut = rng.randrange(lo, hi) // PAGE * PAGE
            lo, hi = (lo, max(cut, lo + PAGE)) if rng.random() < 0.5 else (cut, hi)
        state.unmap(lo, hi - lo, budget)
    elif choice < 0.9:
        # one page out of a (probably huge) leaf: splits it level by level
        gpa, (level, _, _) = rng.choice(list(state.leaf_model.leaves.items()))
        state.unmap(gpa + rng.randrange(level_size(level) // PAGE) * PAGE, PAGE, budget)
    else:
        size = random_size(rng)
        state.unmap(random_range(rng, mode, size), size, budget)


@pytest.mark.parametrize("mode,seed", [(SV39X4, s) for s in range(3)] +
                         [(SV48X4, s) for s in range(3)] + [(SV57X4, s) for s in range(2)])
def test_random_sequences_match_the_models(make_env, mode, seed):
    rng = random.Random(seed * 1000 + mode)
    env = make_env(mode)
    state = Checked(env, rng)
    for _ in range(70):
        random_step(rng, mode, state)
    # unmapping everything leaves no table behind
    for base in windows(mode):
        state.unmap(base, WINDOW)
    assert state.extents.extents == []
    assert walk(env) == ({}, {})
    assert env.tables_in_use() == 0
    assert env.pages_in_use() == 0
    assert env.allocator_errors() == 0


def test_giant_leaves_sv48x4(make_env):
    """512 GiB leaves exist in Sv48x4; unmapping one page splits down three levels."""
    env = make_env(SV48X4)
    state = Checked(env, random.Random(7))
    state.map(512 * GiB, 1024 * GiB, 512 * GiB, READ | WRITE)
    assert walk(env)[0] == {512 * GiB: (3, 1024 * GiB, READ | WRITE)}
    assert env.tables_in_use() == 0
    state.unmap(512 * GiB + 5 * GiB + 7 * MiB, PAGE)
    assert env.tables_in_use() == 3
    # one 1G leaf fewer, one 2M leaf fewer, one 4K leaf fewer than the 3 x 512 leaves
    assert len(walk(env)[0]) == 511 + 511 + 511
    state.map(512 * GiB + 5 * GiB + 7 * MiB, 77 * GiB, PAGE, EXEC)
    state.unmap(512 * GiB, 512 * GiB)
    assert env.tables_in_use() == 0 and env.pages_in_use() == 0


# ---------------------------------------------------------------- exact encodings


def test_one_gib_aligned_map_is_one_root_pte(make_env):
    env = make_env(SV39X4)
    assert env.map(3 * GiB, 5 * GiB, GiB, READ | WRITE) == 0
    root = env.read_table(env.root_phys, 2048)
    expected = ((5 * GiB) >> 12) << 10 | V | R | W | U | A | D  # spec encoding
    assert [(i, pte) for i, pte in enumerate(root) if pte] == [(3, expected)]
    assert env.tables_in_use() == 0 and env.pages_in_use() == 0
    assert env.translate(3 * GiB + 0x12345) == (0, (5 * GiB + 0x12345, READ | WRITE))


def test_two_mib_map_is_one_pte_below_a_pointer(make_env):
    env = make_env(SV39X4)
    gpa, hpa = 2 * GiB + 6 * MiB, 0x80200000
    assert env.map(gpa, hpa, 2 * MiB, EXEC) == 0
    root = env.read_table(env.root_phys, 2048)
    assert [i for i, pte in enumerate(root) if pte] == [2]
    assert root[2] & 0x3ff == V
    table = ((root[2] >> 10) & ((1 << 44) - 1)) << 12
    entries = env.read_table(table, 512)
    assert [(i, pte) for i, pte in enumerate(entries) if pte] == [
        (3, (hpa >> 12) << 10 | V | X | U | A | D)]
    assert env.tables_in_use() == 1


def test_leaf_size_follows_the_worse_aligned_address(make_env):
    """gpa 1 GiB aligned but hpa only 2 MiB aligned: 2 MiB leaves, not a 1 GiB one."""
    env = make_env(SV39X4)
    assert env.map(GiB, GiB + 2 * MiB, GiB, READ) == 0
    leaves, tables = walk(env)
    assert len(leaves) == 512 and {lv for lv, _, _ in leaves.values()} == {1}
    assert len(tables) == 1


def test_hgatp_encoding(make_env):
    for mode in (SV39X4, SV48X4):
        env = make_env(mode)
        value = ctypes.c_uint64(0)
        for vmid in (0, 1, 0x2a5, 0x3fff):
            assert env.lib.gstage_hgatp(env.pt, vmid, ctypes.byref(value)) == 0
            assert value.value == mode << 60 | vmid << 44 | env.root_phys >> 12
        value.value = 0x1234
        assert env.lib.gstage_hgatp(env.pt, 0x4000, ctypes.byref(value)) == ERR["VMID"]
        assert value.value == 0x1234
        assert env.lib.gstage_gpa_bits(env.pt) == GPA_BITS[mode]


# ---------------------------------------------------------------- errors


def test_init_rejects_bad_arguments_without_touching_the_table(make_env, lib):
    env = make_env(SV39X4)
    assert env.map(0, GiB, 4 * MiB, READ) == 0
    before = env.snapshot()
    alloc = env.alloc_ptr()
    for mode in (0, 7, 11, 0xff):
        assert lib.gstage_init(env.pt, mode, env.arena, env.root_phys, alloc) == ERR["MODE"]
    for root_phys in (env.root_phys + PAGE, env.root_phys + 8 * KiB, env.root_phys + 8):
        assert lib.gstage_init(env.pt, SV39X4, env.arena, root_phys, alloc) == ERR["ALIGN"]
    assert lib.gstage_init(env.pt, SV39X4, env.arena, PHYS_LIMIT, alloc) == ERR["RANGE"]
    assert lib.gstage_init(env.pt, SV39X4, None, env.root_phys, alloc) == ERR["INVAL"]
    assert lib.gstage_init(env.pt, SV39X4, env.arena, env.root_phys, None) == ERR["INVAL"]
    assert lib.gstage_init(None, SV39X4, env.arena, env.root_phys, alloc) == ERR["INVAL"]
    for hook in ("alloc_page", "free_page", "phys_to_virt"):
        partial = GstageAlloc.from_buffer_copy(GstageAlloc.from_address(alloc))
        setattr(partial, hook, None)
        assert lib.gstage_init(env.pt, SV39X4, env.arena, env.root_phys,
                               ctypes.byref(partial)) == ERR["INVAL"]
    assert env.snapshot() == before
    assert env.translate(4 * MiB - 1) == (0, (GiB + 4 * MiB - 1, READ))


@pytest.mark.parametrize("mode", [SV39X4, SV48X4])
def test_map_errors_leave_the_table_unchanged(make_env, mode):
    env = make_env(mode)
    limit = 1 << GPA_BITS[mode]
    assert env.map(4 * GiB, 4 * GiB, GiB, READ) == 0            # one 1 GiB leaf
    assert env.map(8 * GiB + 4 * MiB, 0, 12 * KiB, READ) == 0   # 4 KiB leaves
    assert env.map(9 * GiB, 9 * GiB, 4 * MiB, READ) == 0        # 2 MiB leaves
    before = env.snapshot()
    bad = [
        ((0, 0, 0, READ), "INVAL"),
        ((0x800, 0, PAGE, READ), "ALIGN"),
        ((0, 0x800, PAGE, READ), "ALIGN"),
        ((0, 0, PAGE + 1, READ), "ALIGN"),
        ((limit - PAGE, 0, 2 * PAGE, READ), "RANGE"),
        ((limit, 0, PAGE, READ), "RANGE"),
        ((2**64 - PAGE, 0, 2 * PAGE, READ), "RANGE"),  # wraps
        ((0, PHYS_LIMIT - PAGE, 2 * PAGE, READ), "RANGE"),
        ((0, PHYS_LIMIT, PAGE, READ), "RANGE"),
        ((0, 0, PAGE, 0), "FLAGS"),
        ((0, 0, PAGE, WRITE), "FLAGS"),
        ((0, 0, PAGE, WRITE | EXEC), "FLAGS"),
        ((0, 0, PAGE, READ | 8), "FLAGS"),
        # overlaps, each found only at the far end of an otherwise free range
        ((3 * GiB, 0, GiB + PAGE, READ), "EXIST"),                 # into a 1 GiB leaf
        ((6 * GiB, 6 * GiB, 2 * GiB + 6 * MiB, READ), "EXIST"),    # into a 4 KiB leaf
        ((8 * GiB, 8 * GiB, 2 * GiB + 6 * MiB, READ), "EXIST"),    # a 2 MiB slot over a table
        ((9 * GiB + 2 * MiB, 0, 2 * MiB, READ), "EXIST"),          # exactly a 2 MiB leaf
        ((4 * GiB + GiB - PAGE, 0, PAGE, READ), "EXIST"),          # last page of the 1G leaf
    ]
    for args, name in bad:
        rc = env.map(*args)
        assert rc == ERR[name], f"map{tuple(hex(a) for a in args)}: {env.strerror(rc)}"
        assert env.snapshot() == before, f"map{args} changed the table"


def test_unmap_and_translate_errors(make_env):
    env = make_env(SV39X4)
    assert env.map(0, 0, GiB, READ) == 0
    before = env.snapshot()
    for args, name in [((0, 0), "INVAL"), ((0x800, PAGE), "ALIGN"), ((0, PAGE + 8), "ALIGN"),
                       ((2**41 - PAGE, 2 * PAGE), "RANGE"), ((2**41, PAGE), "RANGE"),
                       ((2**64 - PAGE, 2 * PAGE), "RANGE")]:
        assert env.unmap(*args) == ERR[name]
        assert env.snapshot() == before
    assert env.translate(2**41) == (ERR["RANGE"], None)
    assert env.translate(GiB) == (ERR["NOENT"], None)
    assert env.unmap(GiB, GiB) == 0  # nothing there: no fence, nothing changed
    assert not env.fence_pending()
    assert env.snapshot() == before


@pytest.mark.parametrize("mode", [SV39X4, SV48X4])
def test_map_allocation_failure_rolls_back(make_env, mode):
    """A map needing several new tables; the allocator fails after each count."""
    env = make_env(mode)
    state = Checked(env, random.Random(3))
    state.map(64 * GiB + 6 * MiB, 0, 2 * MiB, READ)
    # [2G - 2M - 4K, 3G + 2M + 4K): a 1 GiB leaf with a 2 MiB and a 4 KiB leaf
    # on either side, each side in a fresh 1 GiB slot
    gpa = 512 * GiB + 2 * GiB - 2 * MiB - PAGE if mode == SV48X4 else 2 * GiB - 2 * MiB - PAGE
    size = 2 * MiB + PAGE + GiB + 2 * MiB + PAGE
    hpa = 7 * GiB + gpa % GiB
    # per side a table of 2 MiB entries and one of 4 KiB entries; Sv48x4 adds
    # the table of 1 GiB entries under the fresh root slot
    need = 4 + (mode == SV48X4)
    assert state.new_tables(lambda model: model.map(gpa, hpa, size, READ)) == need
    before = env.snapshot()
    for n in range(need):
        env.fail_after(n)
        assert env.map(gpa, hpa, size, READ | WRITE) == ERR["NOMEM"]
        assert env.snapshot() == before, f"failing after {n} pages changed the table"
    state.map(gpa, hpa, size, READ | WRITE, budget=need)
    assert env.tables_in_use() == 1 + (mode == SV48X4) + need  # + the first map's


@pytest.mark.parametrize("mode,need", [(SV39X4, 2), (SV48X4, 3)])
def test_split_allocation_failure_rolls_back(make_env, mode, need):
    env = make_env(mode)
    state = Checked(env, random.Random(5))
    big = 512 * GiB if mode == SV48X4 else GiB
    state.map(big, 2 * big, big, READ | EXEC)
    before = env.snapshot()
    page = big + big // 3 // PAGE * PAGE
    for n in range(need):
        env.fail_after(n)
        assert env.unmap(page, PAGE) == ERR["NOMEM"]
        assert env.snapshot() == before
        assert not env.fence_pending()
    env.fail_after(need)
    state.unmap(page, PAGE)
    assert env.tables_in_use() == need
    env.fail_after(-1)


def test_unusable_allocator_page_is_refused(make_env, lib):
    env = make_env(SV39X4)
    before = env.snapshot()
    lib.gstage_test_env_misalign_next(env.handle)
    assert env.map(0, 0, PAGE, READ) == ERR["ALLOC"]
    assert env.snapshot() == before
    assert env.map(0, 0, PAGE, READ) == 0


def test_unlinked_tables_are_freed_only_after_the_fence(make_env):
    env = make_env(SV39X4)
    assert env.map(GiB, 0, PAGE, READ) == 0
    assert env.tables_in_use() == 2
    assert env.unmap(GiB, PAGE) == 0
    assert env.fence_pending()
    assert walk(env) == ({}, {})
    assert env.pages_in_use() == 2 and env.tables_in_use() == 2
    env.fence_done()
    assert not env.fence_pending()
    assert env.pages_in_use() == 0 and env.tables_in_use() == 0


def test_destroy_frees_everything(make_env, lib):
    env = make_env(SV48X4)
    state = Checked(env, random.Random(11))
    for _ in range(25):
        random_step(state.rng, SV48X4, state)
    assert env.unmap(0, 16 * GiB) == 0  # leave some tables waiting for a fence
    assert env.tables_in_use() > 0
    lib.gstage_destroy(env.pt)
    assert env.pages_in_use() == 0 and env.tables_in_use() == 0
    assert env.allocator_errors() == 0
    assert not any(env.read_table(env.root_phys, 2048))
    assert not env.fence_pending()


def test_strerror_names_every_code(lib):
    texts = {name: lib.gstage_strerror(code).decode() for name, code in ERR.items()}
    assert len(set(texts.values())) == len(ERR)
    fallback = lib.gstage_strerror(-1000).decode()
    assert all(texts.values()) and fallback not in texts.values()
    assert "unknown" in fallback.lower()
    assert "overlap" in texts["EXIST"] and "memory" in texts["NOMEM"]
