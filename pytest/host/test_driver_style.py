"""The Linux driver (driver/) on the host: kernel style, its CRC-32, its Kbuild.

The module itself only runs on the board; here are the checks that need no
board. Style: the kernel's own checkpatch.pl must find nothing in the
driver's files. CRC-32: driver/crc32.c, compiled for the host, must agree
with zlib's crc32 (the image checksum is defined as that CRC). Kbuild: every
driver C file is linked into the module.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from paths import BUILD, ROOT  # noqa: E402

DRIVER = ROOT / "driver"
CHECKPATCH = BUILD / "src" / "linux-source-6.1" / "scripts" / "checkpatch.pl"

# The driver engineer's files; trampoline.S and trampoline.h are the lead's.
DRIVER_FILES = ["Kbuild", "build.mk", "main.c", "enable.c", "sysfs.c", "console.c", "crc32.c",
                "bulkhead.h", "hypercall.h"]


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

# Just what crc32.c needs from the kernel, in place of driver/bulkhead.h.
CRC_SHIM = """
#include <stddef.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint32_t u32;
u32 bh_crc32(u32 crc, const void *buf, size_t len);
"""


@pytest.fixture(scope="module")
def bh_crc32(tmp_path_factory):
    """driver/crc32.c built for the host, as a Python function (crc, bytes) -> int."""
    cc = shutil.which("cc")
    if not cc:
        pytest.skip("no host C compiler")
    work = tmp_path_factory.mktemp("crc32")
    shutil.copy(DRIVER / "crc32.c", work / "crc32.c")
    (work / "bulkhead.h").write_text(CRC_SHIM)
    lib = work / "libcrc32.so"
    r = subprocess.run([cc, "-std=c11", "-O1", "-fPIC", "-shared", "-Wall", "-Wextra", "-Werror",
                        "-o", str(lib), str(work / "crc32.c")], capture_output=True, text=True)
    assert r.returncode == 0, f"compiling driver/crc32.c for the host:\n{r.stderr}"
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
    m = re.search(r"^bulkhead-y\s*:=\s*(.*)$", text, re.M)
    assert m, "driver/Kbuild has no bulkhead-y line"
    objects = set(m.group(1).split())
    expected = {p.stem + ".o" for p in DRIVER.glob("*.c")}
    expected |= {"config_check.o", "trampoline.o"}  # copied in / the lead's assembly
    assert objects == expected
