"""A second `make` after a change rebuilds only what the change touches."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from paths import BUILD, ROOT  # noqa: E402

KIMAGE = BUILD / "linux" / "arch" / "riscv" / "boot" / "Image"
BUSYBOX = BUILD / "busybox" / "busybox"

pytestmark = pytest.mark.skipif(not (KIMAGE.exists() and BUSYBOX.exists()),
                                reason="needs a built tree (run make first)")


def dry_run_after_touching(path):
    """What `make -n` would run once `path` is newer than everything built."""
    st = os.stat(path)
    newest = max(p.stat().st_mtime for p in (KIMAGE, BUSYBOX, BUILD / "initramfs.cpio.gz"))
    os.utime(path, (st.st_atime, max(st.st_mtime, newest) + 1))
    try:
        # MAKE=true: recursive makes (kernel, busybox, Kbuild) are printed, not run.
        r = subprocess.run(["make", "-n", "MAKE=true", f"BUILD={BUILD}", "all"], cwd=ROOT,
                           capture_output=True, text=True, stdin=subprocess.DEVNULL)
    finally:
        # Leave the tree as it was: the next real make must not rebuild anything for us.
        os.utime(path, (st.st_atime, st.st_mtime))
    assert r.returncode == 0, r.stderr
    return r.stdout


def rebuilds_kernel(out):
    return " Image modules" in out


def rebuilds_busybox(out):
    return "busybox busybox.links" in out


@pytest.mark.parametrize("changed", ["configs/qemu-virt.c", "tools/hvctl/main.c",
                                     "configs/rootfs/init"])
def test_change_does_not_rebuild_kernel_or_busybox(changed):
    out = dry_run_after_touching(ROOT / changed)
    assert not rebuilds_kernel(out), out
    assert not rebuilds_busybox(out), out
    # ...but what it feeds is rebuilt, down to the root file system.
    assert "mk-initramfs.sh" in out, out


def test_kernel_fragment_change_rebuilds_the_kernel():
    out = dry_run_after_touching(ROOT / "configs" / "root-kernel.config")
    assert rebuilds_kernel(out), out
    assert not rebuilds_busybox(out), out
