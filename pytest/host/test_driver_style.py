"""The Linux driver (driver/) on the host: kernel style, its pure parts, its Kbuild.

The module itself only runs on the board; here are the checks that need no
board. Style: the kernel's own checkpatch.pl must find nothing in the
driver's files. CRC-32: driver/crc32.c, compiled for the host, must agree
with zlib's crc32 (the image checksum is defined as that CRC). Cells:
driver/cell_check.c (where a loaded image goes) and the validator's pure
functions the driver calls (what a new cell may not take from existing
cells, whether the root maps Linux's RAM), compiled for the host, must
agree with a model written here from docs/config-format.md and the ioctl
rules in include/bulkhead/uapi.h. Kbuild: every driver C file is linked into
the module.
"""
import ctypes
import random
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import cellfile as cf  # noqa: E402
from boardlib import linuxram  # noqa: E402
from paths import BUILD, ROOT  # noqa: E402

DRIVER = ROOT / "driver"
CONFIG_LIB = ROOT / "include" / "lib" / "config"  # the config validator
CHECKPATCH = BUILD / "src" / "linux-source-6.1" / "scripts" / "checkpatch.pl"

# The driver engineer's files; trampoline.S and trampoline.h are the lead's.
DRIVER_FILES = ["Kbuild", "build.mk", "main.c", "enable.c", "sysfs.c", "console.c", "crc32.c",
                "msg.c", "cell.c", "cell_check.c", "cell_run.c", "latency.c", "ram_check.c", "bulkhead.h",
                "hypercall.h", "cell_check.h"]


def test_style_covers_every_driver_file():
    lead = {"trampoline.S", "trampoline.h"}
    present = {p.name for p in DRIVER.iterdir() if p.is_file()} - lead
    assert present == set(DRIVER_FILES)


# ---------------------------------------------------------------- checkpatch

@pytest.mark.parametrize("name", DRIVER_FILES)
def test_checkpatch_clean(name):
    if not CHECKPATCH.exists():
        pytest.skip(f"{CHECKPATCH} missing: the kernel source is unpacked by `make kernel`")
    r = subprocess.run(["perl", str(CHECKPATCH), "--no-tree", "--quiet", "--show-types",
                        "-f", str(DRIVER / name)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0 and "ERROR" not in r.stdout and "WARNING" not in r.stdout, \
        f"checkpatch on driver/{name}:\n{r.stdout}{r.stderr}"


# ---------------------------------------------------------------- CRC-32

@pytest.fixture(scope="module")
def bh_crc32():
    """driver/crc32.c built for the host (the Makefile's HOST_CRC32, with the stand-in
    pytest/host/support/crc32/bulkhead.h), as a Python function (crc, bytes) -> int."""
    lib = BUILD / "host" / "crc32" / "libcrc32.so"
    r = subprocess.run(["make", "-s", f"BUILD={BUILD}", str(lib)], cwd=ROOT, capture_output=True,
                       text=True)
    assert r.returncode == 0, f"compiling driver/crc32.c for the host:\n{r.stdout}{r.stderr}"
    fn = ctypes.CDLL(str(lib)).bh_crc32
    fn.restype = ctypes.c_uint32
    fn.argtypes = [ctypes.c_uint32, ctypes.c_char_p, ctypes.c_size_t]
    return lambda crc, data: fn(crc, data, len(data))


def test_crc32_check_value(bh_crc32):
    # The catalogued check value of CRC-32/ISO-HDLC (the IEEE/zlib CRC).
    assert bh_crc32(0, b"123456789") == 0xCBF43926
    assert bh_crc32(0, b"") == 0


def test_crc32_matches_zlib(bh_crc32):
    rng = random.Random(20240611)
    for length in list(range(0, 70)) + [rng.randrange(70, 70000) for _ in range(40)]:
        data = bytes(rng.getrandbits(8) for _ in range(length))
        assert bh_crc32(0, data) == zlib.crc32(data), f"length {length}"


def test_crc32_continues_like_zlib(bh_crc32):
    # crc32(crc32(0, a), b) == crc32(0, a + b), as zlib's crc argument works.
    rng = random.Random(7)
    for _ in range(50):
        a = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 300)))
        b = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 300)))
        assert bh_crc32(bh_crc32(0, a), b) == zlib.crc32(a + b) == zlib.crc32(b, zlib.crc32(a))


# ---------------------------------------------------------------- Kbuild

def test_kbuild_links_every_driver_source():
    text = (DRIVER / "Kbuild").read_text()
    lines = re.findall(r"^bulkhead-y\s*[:+]=\s*(.*)$", text, re.M)
    assert lines, "driver/Kbuild has no bulkhead-y line"
    objects = set(" ".join(lines).split())
    expected = {p.stem + ".o" for p in DRIVER.glob("*.c")}
    expected |= {p.stem + ".o" for p in CONFIG_LIB.glob("*.c")}  # copied in by build.mk
    expected |= {"trampoline.o"}  # the lead's assembly
    assert objects == expected


# ---------------------------------------------------------------- cell_check.c

U64 = 1 << 64
LOAD_OK, LOAD_EMPTY, LOAD_NO_REGION, LOAD_NOT_LOADABLE, LOAD_TOO_BIG = range(5)
RWX = cf.MEM_READ | cf.MEM_WRITE | cf.MEM_EXECUTE


@pytest.fixture(scope="module")
def cellcheck(tmp_path_factory):
    """driver/cell_check.c and the config validator (with the clash finders and the root RAM
    gap finder the driver uses), built for the host."""
    cc = shutil.which("cc")
    if not cc:
        pytest.skip("no host C compiler")
    lib = tmp_path_factory.mktemp("cell_check") / "libcellcheck.so"
    r = subprocess.run([cc, "-std=c11", "-O1", "-fPIC", "-shared", "-Wall", "-Wextra", "-Werror",
                        "-Wshadow", "-DBH_HOST", f"-I{ROOT / 'include'}",
                        f"-I{ROOT / 'hypervisor' / 'include'}", "-o", str(lib),
                        str(DRIVER / "cell_check.c"),
                        *sorted(str(p) for p in CONFIG_LIB.glob("*.c"))],
                       capture_output=True, text=True)
    assert r.returncode == 0, f"compiling driver/cell_check.c for the host:\n{r.stderr}"
    so = ctypes.CDLL(str(lib))
    so.bh_cell_hart_clash.restype = ctypes.c_int
    so.bh_cell_hart_clash.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    so.bh_cell_line_clash.restype = ctypes.c_uint32
    so.bh_cell_line_clash.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    so.bh_cell_region_clash.restype = ctypes.c_bool
    so.bh_cell_region_clash.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                        ctypes.POINTER(ctypes.c_uint32),
                                        ctypes.POINTER(ctypes.c_uint32)]
    so.bh_root_ram_gap.restype = ctypes.c_int
    so.bh_root_ram_gap.argtypes = [ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64,
                                   ctypes.POINTER(ctypes.c_uint64),
                                   ctypes.POINTER(ctypes.c_uint64),
                                   ctypes.POINTER(ctypes.c_uint32)]
    so.bh_load_place.restype = ctypes.c_int
    so.bh_load_place.argtypes = [ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64,
                                 ctypes.POINTER(ctypes.c_uint32), ctypes.POINTER(ctypes.c_uint64)]
    return so


def buf(cell):
    """A cell's bytes in an 8-byte aligned buffer (the C side reads u64 fields)."""
    data = cell.pack()
    return (ctypes.c_uint64 * (len(data) // 8)).from_buffer_copy(data)


def hart_clash(so, a, b):
    return so.bh_cell_hart_clash(buf(a), buf(b))


def line_clash(so, a, b):
    return so.bh_cell_line_clash(buf(a), buf(b))


def region_clash(so, a, b):
    i, j = ctypes.c_uint32(0xdead), ctypes.c_uint32(0xbeef)
    if not so.bh_cell_region_clash(buf(a), buf(b), ctypes.byref(i), ctypes.byref(j)):
        return None
    return i.value, j.value


def load_place(so, cell, address, size):
    """(verdict, region index or None, physical address or None)"""
    index, phys = ctypes.c_uint32(0xdead), ctypes.c_uint64(0xbeef)
    verdict = so.bh_load_place(buf(cell), address, size, ctypes.byref(index), ctypes.byref(phys))
    return (verdict, None if verdict in (LOAD_EMPTY, LOAD_NO_REGION) else index.value,
            phys.value if verdict == LOAD_OK else None)


# The model, from the documented rules: ranges are [start, start + size); an
# empty range overlaps nothing; a range's end is clipped at 2^64.

def model_overlap(a_start, a_size, b_start, b_size):
    if not a_size or not b_size:
        return False
    return a_start < min(b_start + b_size, U64) and b_start < min(a_start + a_size, U64)


def model_hart_clash(a, b):
    shared = [h for h in a.harts() if h in set(b.harts())]
    return min(shared) if shared else -1


def model_line_clash(a, b):
    shared = set(a.irqs()) & set(b.irqs()) - {0}
    return min(shared) if shared else 0


def model_region_clash(a, b):
    for i, r in enumerate(a.regions):
        for j, o in enumerate(b.regions):
            if model_overlap(r.phys_start, r.size, o.phys_start, o.size):
                return i, j
    return None


def model_load_place(cell, address, size):
    """The image must lie in one loadable region, seen guest-physically."""
    if size == 0:
        return LOAD_EMPTY, None, None
    for i, r in enumerate(cell.regions):
        # A region reaching 2^64 contains nothing (the format rejects it).
        if r.virt_start + r.size < U64 and r.virt_start <= address < r.virt_start + r.size:
            if not r.flags & cf.MEM_LOADABLE:
                return LOAD_NOT_LOADABLE, i, None
            if address + size > r.virt_start + r.size:
                return LOAD_TOO_BIG, i, None
            return LOAD_OK, i, r.phys_start + (address - r.virt_start)
    return LOAD_NO_REGION, None, None


def demo_cell(**kw):
    """A cell like the board's demo: 1 MiB loadable at 0x80000000 and the UART."""
    cell = cf.Cell(name="demo", cpu_set=1 << 3, entry=0x80000000, regions=[
        cf.MemRegion(0xbce00000, 0x80000000, 0x100000, RWX | cf.MEM_LOADABLE),
        cf.MemRegion(0xbcf00000, 0x90000000, 0x10000, cf.MEM_READ | cf.MEM_WRITE),
        cf.MemRegion(0x10000000, 0x10000000, 0x1000, cf.MEM_READ | cf.MEM_WRITE | cf.MEM_IO),
    ], **kw)
    return cell


def test_hart_clash_examples(cellcheck):
    a, b = cf.Cell(name="a"), cf.Cell(name="b")
    a.set_harts([1, 3]), b.set_harts([2])
    assert hart_clash(cellcheck, a, b) == -1
    b.set_harts([3, 2])
    assert hart_clash(cellcheck, a, b) == 3
    a.set_harts([63, 2])
    assert hart_clash(cellcheck, a, b) == 2
    a.set_harts([63]), b.set_harts([63, 0])
    assert hart_clash(cellcheck, a, b) == 63


def test_line_clash_examples(cellcheck):
    a, b = cf.Cell(name="a"), cf.Cell(name="b")
    a.set_irqs([10, 11]), b.set_irqs([12])
    assert line_clash(cellcheck, a, b) == 0
    b.set_irqs([12, 11, 1023])
    assert line_clash(cellcheck, a, b) == 11
    a.set_irqs([1023, 64, 63]), b.set_irqs([63, 64, 1023])
    assert line_clash(cellcheck, a, b) == 63
    # Line 0 does not exist: owning it (an invalid config) is no clash.
    a.set_irqs([0]), b.set_irqs([0])
    assert line_clash(cellcheck, a, b) == 0
    a.set_irqs([0, 7]), b.set_irqs([7, 0])
    assert line_clash(cellcheck, a, b) == 7


def test_region_clash_examples(cellcheck):
    a = demo_cell()
    b = cf.Cell(name="b", regions=[cf.MemRegion(0xbd000000, 0x80000000, 0x1000, RWX)])
    assert region_clash(cellcheck, a, b) is None
    # Touching is not overlapping: b ends where a's region 0 starts.
    b.regions = [cf.MemRegion(0xbcd00000, 0x0, 0x100000, RWX)]
    assert region_clash(cellcheck, a, b) is None
    # Guest-physical addresses do not matter, physical ones do.
    b.regions = [cf.MemRegion(0xbd000000, 0x80000000, 0x1000, RWX),
                 cf.MemRegion(0xbcf0f000, 0x1000, 0x2000, RWX)]
    assert region_clash(cellcheck, a, b) == (1, 1)
    # The shared UART.
    b.regions = [cf.MemRegion(0x10000000, 0x20000000, 0x1000, cf.MEM_READ | cf.MEM_IO)]
    assert region_clash(cellcheck, a, b) == (2, 0)
    # The first pair in a's order, then b's.
    b.regions = [cf.MemRegion(0x10000000, 0x0, 0x1000, cf.MEM_READ | cf.MEM_IO),
                 cf.MemRegion(0xbceff000, 0x0, 0x2000, RWX),
                 cf.MemRegion(0xbcf00000, 0x0, 0x1000, RWX)]
    assert region_clash(cellcheck, a, b) == (0, 1)


def test_load_place_examples(cellcheck):
    cell = demo_cell()
    mib = 0x100000
    assert load_place(cellcheck, cell, 0x80000000, mib) == (LOAD_OK, 0, 0xbce00000)
    assert load_place(cellcheck, cell, 0x80000000 + mib - 1, 1) == (LOAD_OK, 0, 0xbcefffff)
    assert load_place(cellcheck, cell, 0x80000000 + mib - 1, 2) == (LOAD_TOO_BIG, 0, None)
    assert load_place(cellcheck, cell, 0x80000000, mib + 1) == (LOAD_TOO_BIG, 0, None)
    assert load_place(cellcheck, cell, 0x80001234, U64 - 1) == (LOAD_TOO_BIG, 0, None)
    assert load_place(cellcheck, cell, 0x80000000 + mib, 1) == (LOAD_NO_REGION, None, None)
    assert load_place(cellcheck, cell, 0x7fffffff, 2) == (LOAD_NO_REGION, None, None)
    assert load_place(cellcheck, cell, 0x90000000, 4) == (LOAD_NOT_LOADABLE, 1, None)
    assert load_place(cellcheck, cell, 0x10000000, 4) == (LOAD_NOT_LOADABLE, 2, None)
    assert load_place(cellcheck, cell, 0x80000000, 0) == (LOAD_EMPTY, None, None)
    # Physical addresses are not where the cell sees its memory.
    assert load_place(cellcheck, cell, 0xbce00000, 4) == (LOAD_NO_REGION, None, None)


def random_cell(rng, name):
    """Random harts, lines and up to 6 page-aligned regions in a small space, overlaps allowed."""
    cell = cf.Cell(name=name)
    cell.set_harts(rng.sample(range(64), rng.randrange(0, 4)))
    cell.set_irqs(rng.sample(range(0, 1024), rng.randrange(0, 5)))
    for _ in range(rng.randrange(0, 7)):
        flags = rng.choice([RWX, RWX | cf.MEM_LOADABLE, cf.MEM_READ, cf.MEM_READ | cf.MEM_IO])
        cell.regions.append(cf.MemRegion(0xbce00000 + rng.randrange(0, 64) * 0x1000,
                                         0x80000000 + rng.randrange(0, 64) * 0x1000,
                                         rng.randrange(1, 8) * 0x1000, flags))
    return cell


def test_clashes_match_model(cellcheck):
    rng = random.Random(20261121)
    for _ in range(400):
        a, b = random_cell(rng, "a"), random_cell(rng, "b")
        assert hart_clash(cellcheck, a, b) == model_hart_clash(a, b), (a.harts(), b.harts())
        assert line_clash(cellcheck, a, b) == model_line_clash(a, b), (a.irqs(), b.irqs())
        assert region_clash(cellcheck, a, b) == model_region_clash(a, b), (a.regions, b.regions)


def test_region_clash_near_the_top(cellcheck):
    top = U64 - 0x1000  # a page ending at 2^64 - 1: the format's highest
    a = cf.Cell(name="a", regions=[cf.MemRegion(top, 0, 0x1000, cf.MEM_READ | cf.MEM_IO)])
    b = cf.Cell(name="b", regions=[cf.MemRegion(top - 0x1000, 0, 0x1000, RWX)])
    assert region_clash(cellcheck, a, b) is None
    b.regions.append(cf.MemRegion(top - 0x1000, 0, 0x2000, RWX))
    assert region_clash(cellcheck, a, b) == (0, 1)


def test_load_place_matches_model(cellcheck):
    rng = random.Random(6)
    for _ in range(300):
        cell = random_cell(rng, "c")
        # Loads are decided guest-physically, where a valid cell has no overlaps.
        regions, taken = [], set()
        for r in cell.regions:
            pages = set(range(r.virt_start >> 12, (r.virt_start + r.size) >> 12))
            if not pages & taken:
                regions.append(r)
                taken |= pages
        cell.regions = regions
        for _ in range(10):
            address = 0x80000000 + rng.randrange(-4, 80) * 0x800 + rng.choice([0, 1, 0x7ff])
            size = rng.choice([0, 1, rng.randrange(1, 0x10000), rng.randrange(1, 1 << 64)])
            got = load_place(cellcheck, cell, address, size)
            assert got == model_load_place(cell, address, size), (cell.regions, address, size)


# ---------------------------------------------------------------- bh_root_ram_gap (ram_check.c)

def root_ram_gap(so, cell, start, end):
    """(verdict, gap_start, gap_end, region index), None where the verdict leaves them unset."""
    gs, ge, idx = ctypes.c_uint64(0xdead), ctypes.c_uint64(0xbeef), ctypes.c_uint32(0xcafe)
    verdict = so.bh_root_ram_gap(buf(cell), start, end, ctypes.byref(gs), ctypes.byref(ge),
                                 ctypes.byref(idx))
    if verdict == linuxram.RAM_MAPPED:
        return verdict, None, None, None
    return (verdict, gs.value, ge.value,
            idx.value if verdict == linuxram.RAM_NOT_RAM else None)


def board_root(linux_ram_start):
    """The QEMU board's root cell regions, with Linux's RAM from linux_ram_start."""
    io = cf.MEM_READ | cf.MEM_WRITE | cf.MEM_IO
    return cf.Cell(name="root", cpu_set=0xf, regions=[
        cf.MemRegion(0x00100000, 0x00100000, 0x1000, io),
        cf.MemRegion(0x10000000, 0x10000000, 0x1000, io),
        cf.MemRegion(linux_ram_start, linux_ram_start, 0xbbe00000 - linux_ram_start, RWX),
        cf.MemRegion(0xbce00000, 0xbce00000, 0x03000000, RWX | cf.MEM_LOADABLE),
        cf.MemRegion(0xbfe00000, 0xbfe00000, 0x00200000, RWX),
    ])


def test_root_ram_gap_examples(cellcheck):
    unmapped, not_ram = linuxram.RAM_UNMAPPED, linuxram.RAM_NOT_RAM
    # Linux 6.12 on the board: RAM from 0x80080000 (OpenSBI keeps 0x80000000-0x8007ffff).
    old, new = board_root(0x80200000), board_root(0x80080000)
    assert root_ram_gap(cellcheck, old, 0x80080000, 0xbbdfffff) == \
        (unmapped, 0x80080000, 0x801fffff, None)
    assert root_ram_gap(cellcheck, new, 0x80080000, 0xbbdfffff) == (0, None, None, None)
    # Linux 6.1: RAM from its image at 0x80200000; both configs hold it.
    for cell in (old, new):
        assert root_ram_gap(cellcheck, cell, 0x80200000, 0xbbdfffff)[0] == 0
        assert root_ram_gap(cellcheck, cell, 0xbfe00000, 0xbfffffff)[0] == 0
    # Past the Linux region, up to the next region (the pool), then the pool is fine.
    assert root_ram_gap(cellcheck, new, 0xbbd00000, 0xbcffffff) == \
        (unmapped, 0xbbe00000, 0xbcdfffff, None)
    # One byte, at either edge.
    assert root_ram_gap(cellcheck, new, 0x8007ffff, 0x8007ffff) == \
        (unmapped, 0x8007ffff, 0x8007ffff, None)
    assert root_ram_gap(cellcheck, new, 0x80080000, 0x80080000)[0] == 0
    # Above every region: the gap runs to the end of the range.
    assert root_ram_gap(cellcheck, new, 0xc0000000, 0xffffffffffffffff) == \
        (unmapped, 0xc0000000, 0xffffffffffffffff, None)
    # An IO region or one without execute is no home for Linux's RAM.
    assert root_ram_gap(cellcheck, new, 0x10000000, 0x10000fff) == \
        (not_ram, 0x10000000, 0x10000fff, 1)
    cell = board_root(0x80080000)
    cell.regions[2].flags = cf.MEM_READ | cf.MEM_WRITE
    assert root_ram_gap(cellcheck, cell, 0x80100000, 0x80200fff) == \
        (not_ram, 0x80100000, 0x80200fff, 2)
    # Adjacent regions together hold a range neither holds alone.
    cell.regions[2:3] = [cf.MemRegion(0x80080000, 0x80080000, 0x180000, RWX),
                         cf.MemRegion(0x80200000, 0x80200000, 0x3bc00000, RWX)]
    assert root_ram_gap(cellcheck, cell, 0x80080000, 0xbbdfffff)[0] == 0


def random_root(rng):
    """Identity-mapped, non-overlapping page-aligned regions in a small space."""
    cell = cf.Cell(name="root")
    pos = 0x80000000 + rng.randrange(0, 4) * 0x1000
    for _ in range(rng.randrange(0, 7)):
        size = rng.randrange(1, 6) * 0x1000
        flags = rng.choice([RWX, RWX, RWX | cf.MEM_LOADABLE, cf.MEM_READ | cf.MEM_WRITE,
                            cf.MEM_READ | cf.MEM_WRITE | cf.MEM_IO])
        cell.regions.append(cf.MemRegion(pos, pos, size, flags))
        pos += size + rng.choice([0, 0, 0x1000, 0x3000])
    rng.shuffle(cell.regions)
    return cell


def test_root_ram_gap_matches_model(cellcheck):
    rng = random.Random(1412)
    for _ in range(500):
        cell = random_root(rng)
        for _ in range(8):
            start = 0x80000000 + rng.randrange(-2, 40) * 0x800 + rng.choice([0, 1, 0xfff])
            end = start + rng.choice([0, 1, rng.randrange(0, 0x20000)])
            assert root_ram_gap(cellcheck, cell, start, end) == \
                linuxram.root_ram_gap(cell.regions, start, end), (cell.regions, start, end)
