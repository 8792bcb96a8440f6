"""The root kernels the board builds, and where each one's outputs are.

The Makefile's rule (KHOME): 6.1's kernel tree, modules and initramfs are in
build/ itself, where they always were; another kernel's are in
build/kernel-VERSION/. `make test KERNEL=...` sets BH_KERNEL (and
BH_KERNEL_HOME) for the tests.
"""
import os
import re
from pathlib import Path

DEFAULT = "6.1"
KERNELS = ("6.1", "6.12")


def kernel():
    """The version of the root kernel under test: BH_KERNEL, or the default."""
    version = os.environ.get("BH_KERNEL") or DEFAULT
    if version not in KERNELS:
        raise ValueError(f"BH_KERNEL={version}: the board's kernels are {', '.join(KERNELS)}")
    return version


def kernel_home(build, version=None):
    """Where the build keeps the outputs of that kernel (the one under test by default)."""
    version = version or kernel()
    env = os.environ.get("BH_KERNEL_HOME")
    if env and version == kernel():
        return Path(env)
    return Path(build) if version == DEFAULT else Path(build) / f"kernel-{version}"


def version_of(uname_r):
    """'6.12.118' or '6.1.0-12-riscv64' -> (6, 12)."""
    m = re.match(r"(\d+)\.(\d+)", uname_r)
    if not m:
        raise ValueError(f"not a kernel release: {uname_r!r}")
    return int(m.group(1)), int(m.group(2))
