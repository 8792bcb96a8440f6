"""A second `make` after a change rebuilds only what the change touches."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from boardlib.kernels import KERNELS, kernel, kernel_home  # noqa: E402
from paths import BUILD, ROOT  # noqa: E402

# The kernel `make test KERNEL=...` builds (6.1 by default), and its outputs.
KHOME = kernel_home(BUILD)
KIMAGE = KHOME / "linux" / "arch" / "riscv" / "boot" / "Image"
BUSYBOX = BUILD / "busybox" / "busybox"

pytestmark = pytest.mark.skipif(not (KIMAGE.exists() and BUSYBOX.exists()),
                                reason="needs a built tree (run make first)")


def built_kernels():
    return [k for k in KERNELS
            if (kernel_home(BUILD, k) / "linux" / "arch" / "riscv" / "boot" / "Image").exists()]


def dry_run_after_touching(path, version=None):
    """What `make -n` (for that kernel) would run once `path` is newer than everything built."""
    st = os.stat(path)
    outputs = [BUSYBOX] + [kernel_home(BUILD, k) / name for k in built_kernels()
                           for name in ("linux/arch/riscv/boot/Image", "initramfs.cpio.gz")]
    newest = max(p.stat().st_mtime for p in outputs if p.exists())
    os.utime(path, (st.st_atime, max(st.st_mtime, newest) + 1))
    try:
        # MAKE=true: recursive makes (kernel, busybox, Kbuild) are printed, not run.
        r = subprocess.run(["make", "-n", "MAKE=true", f"BUILD={BUILD}",
                            f"KERNEL={version or kernel()}", "all"], cwd=ROOT,
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


def test_a_kernel_fragment_rebuilds_only_its_kernel():
    """The per-version fragments feed their own kernel; the common one feeds both."""
    for version in built_kernels():
        own = dry_run_after_touching(ROOT / "configs" / f"root-kernel-{version}.config", version)
        assert rebuilds_kernel(own), own
        for other in KERNELS:
            if other != version:
                out = dry_run_after_touching(ROOT / "configs" / f"root-kernel-{other}.config",
                                             version)
                assert not rebuilds_kernel(out), out


def kernel_outputs(version):
    """What a build for that kernel writes that depends on the kernel, relative to the tree."""
    home = kernel_home(BUILD, version)
    return [os.path.relpath(home / name, ROOT) for name in
            ("linux", "driver", "modules", "initramfs.cpio.gz",
             "host/gen_init_cpio")]


def test_kernels_keep_their_outputs_apart():
    """A build for one kernel never writes what the other kernel's build made."""
    built = built_kernels()
    if len(built) < 2:
        pytest.skip(f"needs both kernels built (built: {built}; make KERNEL=6.12)")
    for version in KERNELS:
        out = dry_run_after_touching(ROOT / "configs" / "root-kernel.config", version)
        assert rebuilds_kernel(out), out
        for path in kernel_outputs(version):
            assert re.search(re.escape(path) + r"([/\s]|$)", out, re.M), (version, path, out)
        for other in KERNELS:
            if other == version:
                continue
            for path in kernel_outputs(other):
                assert not re.search(re.escape(path) + r"([/\s]|$)", out, re.M), \
                    (version, path, out)
