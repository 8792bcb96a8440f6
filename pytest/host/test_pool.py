"""Page pool (hypervisor/core/mm/pool.c): the hypervisor's page allocator.

The "physical" region is a page-aligned buffer owned by the test; addresses
are real host addresses. The oracle is PoolModel below, written from the
contract in pool.h and pool.c's stated policy (first fit, bitmap of allocated
pages in the region's first pages): it knows which pages are in use and picks
the lowest free run whose address is aligned to align_pages pages.
"""
import ctypes
import random

import pytest

PAGE = 4096
BITS_PER_BITMAP_PAGE = PAGE * 8
ULONG_MAX = (1 << 64) - 1


class PagePool(ctypes.Structure):
    _fields_ = [("base", ctypes.c_uint64), ("pages", ctypes.c_ulong),
                ("used", ctypes.c_ulong), ("bitmap", ctypes.c_void_p)]


@pytest.fixture(scope="module")
def lib(core):
    p, u64, ul = ctypes.c_void_p, ctypes.c_uint64, ctypes.c_ulong
    for name, restype, argtypes in [("pool_init", ctypes.c_int, [p, u64, u64]),
                                    ("pool_alloc", u64, [p, ul, ul]),
                                    ("pool_free", ctypes.c_bool, [p, u64, ul])]:
        fn = getattr(core, name)
        fn.restype, fn.argtypes = restype, argtypes
    return core


class Region:
    """total_pages of memory starting offset_pages after a 64 KiB boundary."""

    def __init__(self, total_pages, offset_pages=0, fill=0xA5):
        align = 64 * 1024
        self.raw = ctypes.create_string_buffer(total_pages * PAGE + align + offset_pages * PAGE)
        first = (ctypes.addressof(self.raw) + align - 1) // align * align
        self.start = first + offset_pages * PAGE
        self.size = total_pages * PAGE
        if fill:
            ctypes.memset(self.start, fill, self.size)

    def read(self, addr, n):
        assert self.start <= addr and addr + n <= self.start + self.size
        return ctypes.string_at(addr, n)


class PoolModel:
    def __init__(self, base, pages):
        self.base, self.pages = base, pages
        self.used = [False] * pages

    def fits(self, i, n, align):
        return (self.base // PAGE + i) % align == 0 and not any(self.used[i:i + n])

    def alloc(self, n, align):
        if n == 0 or align == 0 or n > self.pages:
            return 0
        for i in range(self.pages - n + 1):
            if self.fits(i, n, align):
                self.used[i:i + n] = [True] * n
                return self.base + i * PAGE
        return 0

    def free(self, addr, n):
        if addr < self.base or (addr - self.base) % PAGE or n == 0:
            return False
        i = (addr - self.base) // PAGE
        if i + n > self.pages or not all(self.used[i:i + n]):
            return False
        self.used[i:i + n] = [False] * n
        return True

    def count(self):
        return sum(self.used)


class Pool:
    def __init__(self, lib, total_pages, offset_pages=0):
        self.lib = lib
        self.region = Region(total_pages, offset_pages)
        self.pool = PagePool()
        assert lib.pool_init(ctypes.byref(self.pool), self.region.start, self.region.size) == 0
        self.model = PoolModel(self.pool.base, self.pool.pages)

    def alloc(self, n, align=1):
        got = self.lib.pool_alloc(ctypes.byref(self.pool), n, align)
        assert got == self.model.alloc(n, align), (n, align)
        return got

    def free(self, addr, n):
        ok = self.lib.pool_free(ctypes.byref(self.pool), addr, n)
        assert ok == self.model.free(addr, n), (hex(addr), n)
        return ok

    def bitmap(self):
        words = (self.pool.pages + 63) // 64
        raw = ctypes.string_at(self.pool.bitmap, words * 8)
        return [bool(raw[i // 8] >> (i % 8) & 1) for i in range(self.pool.pages)]

    def state(self):
        return (self.pool.base, self.pool.pages, self.pool.used, self.pool.bitmap,
                tuple(self.bitmap()))

    def check(self):
        assert self.pool.used == self.model.count()
        assert self.bitmap() == self.model.used


# ---------------------------------------------------------------- init

@pytest.mark.parametrize("start_off,size", [
    (8, 16 * PAGE),  # start not page aligned
    (PAGE // 2, 16 * PAGE),
    (0, 16 * PAGE + 1),  # size not page aligned
    (0, 16 * PAGE - 8),
    (0, 0),  # nothing
    (0, PAGE),  # room for the bitmap and no page to hand out
])
def test_init_refuses_bad_regions(lib, start_off, size):
    region = Region(17)
    pool = PagePool(0x1111, 0x2222, 0x3333, 0x4444)
    assert lib.pool_init(ctypes.byref(pool), region.start + start_off, size) == -1
    assert (pool.base, pool.pages, pool.used, pool.bitmap) == (0x1111, 0x2222, 0x3333, 0x4444)
    assert region.read(region.start, region.size) == b"\xa5" * region.size


@pytest.mark.parametrize("total", [2, 3, 64, 65, 1000, BITS_PER_BITMAP_PAGE,
                                   BITS_PER_BITMAP_PAGE + 1, BITS_PER_BITMAP_PAGE + 2,
                                   2 * BITS_PER_BITMAP_PAGE + 3])
def test_init_geometry(lib, total):
    region = Region(total, fill=0)
    # a bitmap left as found would say "all used"
    ctypes.memset(region.start, 0xFF, min(total, 4) * PAGE)
    pool = PagePool()
    assert lib.pool_init(ctypes.byref(pool), region.start, total * PAGE) == 0
    bitmap_pages = total - pool.pages
    assert bitmap_pages >= 1 and pool.pages >= 1
    assert bitmap_pages * BITS_PER_BITMAP_PAGE >= pool.pages  # the bitmap covers the pool
    assert pool.bitmap == region.start  # bitmap first, pages after it
    assert pool.base == region.start + bitmap_pages * PAGE
    assert pool.used == 0
    # every page can be handed out, and not one more: all of them as one block
    whole = lib.pool_alloc(ctypes.byref(pool), pool.pages, 1)
    assert whole == pool.base and pool.used == pool.pages
    assert lib.pool_alloc(ctypes.byref(pool), 1, 1) == 0
    assert region.read(whole, PAGE) == bytes(PAGE)  # was 0xFF when it was a bitmap page
    assert lib.pool_free(ctypes.byref(pool), whole, pool.pages)
    assert pool.used == 0


# ---------------------------------------------------------------- alloc

@pytest.mark.parametrize("n,align", [(0, 1), (1, 0), (0, 0), (201, 1), (ULONG_MAX, 1)])
def test_alloc_bad_arguments(lib, n, align):
    p = Pool(lib, 201)  # 200 pages to hand out
    p.alloc(3)
    before = p.state()
    assert p.alloc(n, align) == 0
    assert p.state() == before


@pytest.mark.parametrize("offset_pages", [0, 1, 5])
@pytest.mark.parametrize("align", [1, 2, 3, 4, 8, 16, 64])
def test_alloc_alignment(lib, offset_pages, align):
    p = Pool(lib, 18 * max(align, 8) + 2, offset_pages)  # room for all of them
    for n in [1, 3, 1, 8, 2, 5, 1, 1]:
        addr = p.alloc(n, align)
        assert addr and addr % (align * PAGE) == 0
        assert p.pool.base <= addr and addr + n * PAGE <= p.pool.base + p.pool.pages * PAGE
    p.check()


def test_alloc_alignment_larger_than_the_pool(lib):
    p = Pool(lib, 65, offset_pages=1)  # pool pages start 2 pages after a 64 KiB boundary
    p.alloc(1, 1 << 20)  # a 4 GiB aligned page, as the model finds one or not
    assert p.alloc(1, ULONG_MAX) == 0
    assert p.alloc(1, 16) == p.pool.base + 14 * PAGE
    p.check()


def test_alloc_zeroes_only_its_pages(lib):
    p = Pool(lib, 40)
    region = p.region
    addr = p.alloc(5)
    assert region.read(addr, 5 * PAGE) == bytes(5 * PAGE)
    rest = p.pool.base + 5 * PAGE
    assert region.read(rest, (p.pool.pages - 5) * PAGE) == b"\xa5" * ((p.pool.pages - 5) * PAGE)
    # pages given back and handed out again are zeroed again
    ctypes.memset(addr, 0x3C, 5 * PAGE)
    assert p.free(addr + PAGE, 2)
    again = p.alloc(2)
    assert again == addr + PAGE
    assert region.read(again, 2 * PAGE) == bytes(2 * PAGE)
    assert region.read(addr, PAGE) == b"\x3c" * PAGE
    assert region.read(addr + 3 * PAGE, 2 * PAGE) == b"\x3c" * 2 * PAGE


def test_exhaustion_and_reuse(lib):
    p = Pool(lib, 101)
    got = [p.alloc(1) for _ in range(100)]
    assert sorted(got) == [p.pool.base + i * PAGE for i in range(100)]
    assert p.pool.used == 100
    assert p.alloc(1) == 0 and p.alloc(2) == 0
    assert p.free(got[37], 1)
    assert p.alloc(2) == 0  # one free page is not two
    assert p.alloc(1) == got[37]
    assert p.pool.used == 100
    p.check()


def test_fragmentation(lib):
    p = Pool(lib, 21)  # 20 pages
    blocks = [p.alloc(2) for _ in range(10)]
    for b in blocks[::2]:
        assert p.free(b, 2)
    assert p.pool.used == 10
    assert p.alloc(3) == 0  # ten free pages, but no three in a row
    assert p.free(blocks[1], 2)
    assert p.alloc(6) == blocks[0]
    p.check()


# ---------------------------------------------------------------- free

def test_double_free_changes_nothing(lib):
    p = Pool(lib, 51)
    a = p.alloc(4)
    b = p.alloc(2)
    assert p.free(a, 4) and p.pool.used == 2
    before = p.state()
    assert not p.free(a, 4)
    assert not p.free(a + PAGE, 1)
    assert p.state() == before
    # a range that is partly still allocated is refused whole
    c = p.alloc(2)  # takes the first two pages of a again
    assert c == a
    before = p.state()
    assert not p.free(a, 4)
    assert not p.free(b - PAGE, 3)  # a's last page is free, b's two are not
    assert p.state() == before
    p.check()


@pytest.mark.parametrize("what", ["misaligned", "bitmap", "below", "end", "beyond", "zero",
                                  "overflow", "overflow-big", "top"])
def test_free_bad_arguments_change_nothing(lib, what):
    p = Pool(lib, 33)
    a = p.alloc(p.pool.pages)  # everything allocated: any refusal is about the arguments
    base, pages = p.pool.base, p.pool.pages
    addr, n = {
        "misaligned": (a + 8, 1),
        "bitmap": (p.region.start, 1),
        "below": (base - PAGE * 100, 1),
        "end": (base + pages * PAGE, 1),
        "beyond": (base + (pages - 1) * PAGE, 2),
        "zero": (a, 0),
        "overflow": (base + PAGE, ULONG_MAX),  # index + n wraps to 0
        "overflow-big": (base + 3 * PAGE, ULONG_MAX - 1),
        "top": (ULONG_MAX - PAGE + 1, 2),
    }[what]
    before = p.state()
    assert not p.free(addr, n)
    assert p.state() == before
    assert p.pool.used == pages


# ---------------------------------------------------------------- random

@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_against_model(lib, seed):
    rng = random.Random(seed)
    p = Pool(lib, 257, offset_pages=seed)
    live = {}  # addr -> (pages, tag)
    for step in range(1500):
        op = rng.random()
        if op < 0.5:
            n = rng.choice([1, 1, 1, 2, 3, 4, 8, 13, 32])
            align = rng.choice([1, 1, 1, 2, 4, 8, 3])
            addr = p.alloc(n, align)
            if addr:
                assert addr % (align * PAGE) == 0
                assert p.region.read(addr, n * PAGE) == bytes(n * PAGE)
                tag = rng.randrange(1, 256)
                ctypes.memset(addr, tag, n * PAGE)
                live[addr] = (n, tag)
        elif op < 0.8 and live:
            addr = rng.choice(sorted(live))
            n, tag = live.pop(addr)
            if n > 1 and rng.random() < 0.3:
                # give back the tail only; the head stays allocated
                keep = rng.randrange(1, n)
                assert p.free(addr + keep * PAGE, n - keep)
                live[addr] = (keep, tag)
            else:
                assert p.free(addr, n)
        else:
            # frees that may or may not be valid: the model says which
            addr = p.pool.base + rng.randrange(-2, p.pool.pages + 2) * PAGE
            addr += rng.choice([0, 0, 0, 1, PAGE // 2])
            n = rng.choice([0, 1, 2, 5, ULONG_MAX])
            owned = [a for a, (m, _) in live.items() if a <= addr < a + m * PAGE]
            if p.free(addr, n):
                # it was inside allocations: drop the freed pages from live
                for a in owned:
                    m, tag = live.pop(a)
                    head = (addr - a) // PAGE
                    if head:
                        live[a] = (head, tag)
                    end = head + n
                    if end < m:
                        live[a + end * PAGE] = (m - end, tag)
                    rest = n - (m - head)
                    b = a + m * PAGE
                    while rest > 0:  # the range went on into following allocations
                        m2, tag2 = live.pop(b)
                        if rest < m2:
                            live[b + rest * PAGE] = (m2 - rest, tag2)
                        rest -= m2
                        b += m2 * PAGE
        p.check()
        if step % 100 == 0 or op < 0.5:
            for a, (m, tag) in live.items():
                assert p.region.read(a, m * PAGE) == bytes([tag]) * (m * PAGE), hex(a)
        # no two live blocks overlap
        spans = sorted((a, a + m * PAGE) for a, (m, _) in live.items())
        assert all(x[1] <= y[0] for x, y in zip(spans, spans[1:]))
    assert p.pool.used == sum(m for m, _ in live.values())
