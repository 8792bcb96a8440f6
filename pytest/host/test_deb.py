"""make deb (issue 12): the packages' file lists and control fields, and the DKMS source tree
built the way dkms.conf says against the 6.1 kernel tree `make` builds (build/linux). The
QEMU board has no dpkg, so nothing here installs a package."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from paths import BUILD, ROOT  # noqa: E402

DEB = BUILD / "deb"
VERSION = "0.1"
KERNEL_TREE = BUILD / "linux"


@pytest.fixture(scope="module")
def debs():
    r = subprocess.run(["make", "-s", f"BUILD={BUILD}", "deb"], cwd=ROOT, capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return {"bulkhead": DEB / f"bulkhead_{VERSION}_riscv64.deb",
            "bulkhead-dkms": DEB / f"bulkhead-dkms_{VERSION}_all.deb"}


def files(deb):
    out = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True,
                         check=True).stdout
    names = subprocess.run(["tar", "-t"], input=out, capture_output=True,
                           check=True).stdout.decode().split()
    return sorted(n[1:] for n in names if not n.endswith("/"))


def field(deb, name):
    return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_only_the_two_packages(debs):
    assert sorted(p.name for p in DEB.iterdir()) == sorted(p.name for p in debs.values())


def test_bulkhead_package_holds_image_hvctl_configs_inmates(debs):
    deb = debs["bulkhead"]
    cells = sorted(p.name for p in (BUILD / "configs").glob("*.cell"))
    inmates = sorted(p.name for p in (BUILD / "inmates").glob("*.bin")) + \
        sorted(p.name for p in (BUILD / "inmates").glob("*.elf"))
    docs = ["README.md", "config-format.md", "hvctl.md", "inmates.md", "porting.md"]
    assert files(deb) == sorted(
        ["/lib/firmware/bulkhead.bin", "/usr/sbin/hvctl"]
        + [f"/usr/share/bulkhead/configs/{c}" for c in cells]
        + [f"/usr/share/bulkhead/inmates/{i}" for i in inmates]
        + [f"/usr/share/doc/bulkhead/{d}" for d in docs])
    assert (field(deb, "Package"), field(deb, "Version"), field(deb, "Architecture")) == \
        ("bulkhead", VERSION, "riscv64")
    # The packaged files are the build's.
    d = Path(subprocess.run(["mktemp", "-d"], capture_output=True, text=True).stdout.strip())
    try:
        subprocess.run(["dpkg-deb", "-x", str(deb), str(d)], check=True)
        assert (d / "usr/sbin/hvctl").read_bytes() == (BUILD / "tools/hvctl").read_bytes()
        assert (d / "lib/firmware/bulkhead.bin").read_bytes() == \
            (BUILD / "hypervisor/bulkhead.bin").read_bytes()
        assert (d / "usr/sbin/hvctl").stat().st_mode & 0o777 == 0o755
    finally:
        shutil.rmtree(d)


def test_dkms_package_holds_the_driver_source(debs):
    deb = debs["bulkhead-dkms"]
    src = f"/usr/src/bulkhead-{VERSION}"
    expected = [p.name for p in (ROOT / "driver").iterdir() if p.suffix in (".c", ".h", ".S")]
    expected += ["Kbuild", "dkms.conf"]
    expected += [p.name for p in (ROOT / "include/lib/config").iterdir()]
    expected += [f"include/bulkhead/{p.name}" for p in (ROOT / "include/bulkhead").glob("*.h")]
    assert files(deb) == sorted(f"{src}/{n}" for n in expected)
    assert (field(deb, "Package"), field(deb, "Architecture"), field(deb, "Depends")) == \
        ("bulkhead-dkms", "all", "dkms")


def test_dkms_source_builds_against_the_6_1_tree(debs, tmp_path):
    if not (KERNEL_TREE / "Module.symvers").exists():
        pytest.skip("build/linux is not built (make)")
    subprocess.run(["dpkg-deb", "-x", str(debs["bulkhead-dkms"]), str(tmp_path)], check=True)
    src = tmp_path / f"usr/src/bulkhead-{VERSION}"
    conf = (src / "dkms.conf").read_text()
    make = re.search(r'^MAKE\[0\]="(.*)"$', conf, re.M).group(1)
    # dkms copies the source to its tree's build directory and runs MAKE[0] there.
    tree = tmp_path / "dkms"
    build_dir = tree / "bulkhead" / VERSION / "build"
    shutil.copytree(src, build_dir)
    command = (make.replace("${kernel_source_dir}", str(KERNEL_TREE.resolve()))
               .replace("${dkms_tree}", str(tree))
               .replace("${PACKAGE_NAME}", "bulkhead").replace("${PACKAGE_VERSION}", VERSION))
    r = subprocess.run(command.split() + ["ARCH=riscv", "CROSS_COMPILE=riscv64-linux-gnu-"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    ko = build_dir / "bulkhead.ko"

    def vermagic(path):
        return subprocess.run(["modinfo", "-F", "vermagic", str(path)], capture_output=True,
                              text=True, check=True).stdout.strip()

    assert vermagic(ko) == vermagic(BUILD / "driver" / "bulkhead.ko")
