"""Host unit tests: the arch-neutral hypervisor core compiled for this machine."""
import ctypes
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from paths import BUILD, ROOT  # noqa: E402

HOST_LIB = BUILD / "host" / "libbhcore.so"


@pytest.fixture(scope="session")
def core():
    """The core library (build/host/libbhcore.so), rebuilt first if stale."""
    r = subprocess.run(["make", "-s", f"BUILD={BUILD}", "host"], cwd=ROOT,
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail(f"building {HOST_LIB} failed:\n{r.stdout}{r.stderr}")
    return ctypes.CDLL(str(HOST_LIB))


def built(target):
    """A build output (a Path under BUILD), (re)built by its make rule first."""
    r = subprocess.run(["make", "-s", f"BUILD={BUILD}", str(target)], cwd=ROOT,
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail(f"building {target} failed:\n{r.stdout}{r.stderr}")
    return target
