"""Every ctypes Structure the host tests define mirrors a C structure by hand; here each
is held against the layout the C compiler gives (pytest/host/support/layouts.c: offsetof
and sizeof of every member), so a mirror that drifts from its structure fails here rather
than as wrong values in some other test.
"""
import ctypes
import importlib
import re
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# (test module, ctypes class) -> the C structure it mirrors
MIRRORS = {
    ("test_sbi", "Caller"): "sbi_caller",
    ("test_sbi", "SbiRet"): "sbiret",
    ("test_sbi", "SbiResult"): "sbi_result",
    ("test_sbi", "MockCall"): "sbi_mock_call",
    ("test_console_ring", "ConsoleRing"): "console_ring",
    ("test_pool", "PagePool"): "page_pool",
    ("test_gstage", "GstageAlloc"): "gstage_alloc",
    ("test_insn_decode", "InsnMmio"): "insn_mmio",
    ("test_mmio_registry", "InsnMmio"): "insn_mmio",
    ("test_mmio_registry", "Fake"): "mmio_fake",
    ("test_vplic", "Hooks"): "vplic_hooks",
    ("test_bench", "Insn"): "bench_insn",
}


def structures_defined():
    """(module, class) of every `class X(ctypes.Structure)` under pytest/host."""
    found = set()
    for path in HERE.glob("*.py"):
        for m in re.finditer(r"^class (\w+)\(ctypes\.(?:Structure|Union)\)", path.read_text(),
                             re.M):
            found.add((path.stem, m.group(1)))
    return found


def layout_table(lib):
    """{struct: (size, {member: (offset, size)})} from host_layout_row()."""
    row = lib.host_layout_row
    cp, ul = ctypes.c_char_p, ctypes.c_ulong
    row.restype = ctypes.c_bool
    row.argtypes = [ul, ctypes.POINTER(cp), ctypes.POINTER(cp), ctypes.POINTER(ul),
                    ctypes.POINTER(ul)]
    table, i = {}, 0
    t, m, off, size = cp(), cp(), ul(), ul()
    while row(i, ctypes.byref(t), ctypes.byref(m), ctypes.byref(off), ctypes.byref(size)):
        name = t.value.decode()
        entry = table.setdefault(name, [None, {}])
        if m.value is None:
            entry[0] = size.value
        else:
            entry[1][m.value.decode()] = (off.value, size.value)
        i += 1
    return {name: (size, members) for name, (size, members) in table.items()}


def mismatches(cls, struct, table):
    """What differs between a ctypes mirror and the C layout, as tuples naming the member."""
    if struct not in table:
        return [(struct, None, "not in layouts.c")]
    c_size, c_members = table[struct]
    out = []
    if ctypes.sizeof(cls) != c_size:
        out.append((struct, None, "size", c_size, ctypes.sizeof(cls)))
    mirrored = {f[0]: (getattr(cls, f[0]).offset, getattr(cls, f[0]).size) for f in cls._fields_}
    for name in sorted(set(mirrored) | set(c_members)):
        if name not in mirrored:
            out.append((struct, name, "not mirrored"))
        elif name not in c_members:
            out.append((struct, name, "not in the C structure"))
        else:
            for what, c, py in zip(("offset", "size"), c_members[name], mirrored[name]):
                if c != py:
                    out.append((struct, name, what, c, py))
    return out


def mirror(module, name):
    return getattr(importlib.import_module(module), name)


@pytest.fixture(scope="module")
def table(core):
    return layout_table(core)


def test_every_mirror_is_checked():
    assert structures_defined() == set(MIRRORS)


def test_table_lists_whole_structures(table):
    """Members in order, not overlapping, inside the struct: nothing of it left unlisted
    that a mirror could get wrong without its size also going wrong."""
    assert set(table) >= set(MIRRORS.values())
    for struct, (size, members) in table.items():
        assert size is not None and members, struct
        end = 0
        for offset, msize in sorted(members.values()):
            assert offset >= end, struct
            end = offset + msize
        assert end <= size, struct


@pytest.mark.parametrize("module,name", sorted(MIRRORS))
def test_mirror_matches_c(table, module, name):
    assert mismatches(mirror(module, name), MIRRORS[(module, name)], table) == []


def test_a_member_moved_on_one_side_only_is_reported(tmp_path):
    """The table built with one member of struct sbi_mock_call moved (the C side changed,
    test_sbi.py's MockCall not): exactly that member, and the size, are reported."""
    lib = tmp_path / "liblayouts-skewed.so"
    r = subprocess.run(["cc", "-std=c11", "-fPIC", "-shared", "-Wall", "-Wextra", "-Werror",
                        "-Iinclude", "-Ihypervisor/include", "-DBH_HOST",
                        "-DLAYOUT_SKEW_SBI_MOCK_CALL", "-o", str(lib),
                        "pytest/host/support/layouts.c"],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    skewed = layout_table(ctypes.CDLL(str(lib)))
    assert mismatches(mirror("test_sbi", "MockCall"), "sbi_mock_call", skewed) == [
        ("sbi_mock_call", None, "size", 88, 80),
        ("sbi_mock_call", "arg", "offset", 24, 16),
    ]
    for (module, name), struct in MIRRORS.items():
        if struct != "sbi_mock_call":
            assert mismatches(mirror(module, name), struct, skewed) == [], struct
