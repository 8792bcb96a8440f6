"""Clear errors for a bad environment: missing packages, no root, an unreachable board."""
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from boardlib import BoardUnreachable, SshTarget, parse_board_url, BoardError  # noqa: E402
from paths import ROOT  # noqa: E402


def fake_bin(tmp_path, name, script):
    p = tmp_path / name
    p.write_text("#!/bin/sh\n" + script)
    p.chmod(p.stat().st_mode | stat.S_IEXEC)


def run_deps(tmp_path, missing, uid, have_deb_src=True):
    """Run scripts/deps.sh against fake dpkg-query/id/apt-get; return (proc, apt calls)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    apt_log = tmp_path / "apt.log"
    cases = "\n".join(f"  {m}) exit 1 ;;" for m in missing)
    fake_bin(bindir, "dpkg-query",
             f'pkg=$3\ncase "$pkg" in\n{cases}\nesac\nprintf "install ok installed"\n')
    fake_bin(bindir, "id", f'echo {uid}\n')
    fake_bin(bindir, "apt-get", f'echo "$@" >> {apt_log}\n')
    fake_bin(bindir, "install", f'echo install "$@" >> {apt_log}\n')
    env = dict(os.environ, PATH=f"{bindir}:/usr/bin:/bin",
               BH_APT_DIR=str(tmp_path / "apt"))
    src = tmp_path / "apt" / "sources.list.d"
    src.mkdir(parents=True)
    (src / "debian.sources").write_text(
        "Types: deb" + (" deb-src" if have_deb_src else "") +
        "\nURIs: http://mirror.invalid/debian\nSuites: bookworm\nComponents: main\n")
    p = subprocess.run(["bash", str(ROOT / "scripts" / "deps.sh")], env=env,
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    calls = apt_log.read_text().splitlines() if apt_log.exists() else []
    return p, calls


def test_deps_missing_packages_without_root_says_what_to_run(tmp_path):
    p, calls = run_deps(tmp_path, ["gcc-riscv64-linux-gnu", "qemu-system-misc"], uid=1000)
    assert p.returncode != 0
    assert "gcc-riscv64-linux-gnu" in p.stderr
    assert "qemu-system-misc" in p.stderr
    assert "sudo make deps" in p.stderr
    assert calls == []


def test_deps_all_present_changes_nothing(tmp_path):
    p, calls = run_deps(tmp_path, [], uid=1000)
    assert p.returncode == 0, p.stderr
    assert "all packages present" in p.stdout
    assert calls == []


def test_deps_installs_exactly_the_missing_packages_as_root(tmp_path):
    p, calls = run_deps(tmp_path, ["opensbi", "python3-libfdt"], uid=0)
    assert p.returncode == 0, p.stderr
    installs = [c for c in calls if c.startswith("install -y")]
    assert len(installs) == 1
    assert installs[0].split()[-2:] == ["opensbi", "python3-libfdt"]


def test_deps_derives_deb_src_from_the_machines_sources(tmp_path):
    p, calls = run_deps(tmp_path, [], uid=0, have_deb_src=False)
    assert p.returncode == 0, p.stderr
    added = [c for c in calls if c.startswith("install -m 0644")]
    assert len(added) == 1
    assert any(c.startswith("update") for c in calls)


def test_qemu_missing_names_the_package(tmp_path):
    env = dict(os.environ, PATH="/usr/bin/does-not-exist:/bin")
    env["PATH"] = str(tmp_path)  # no qemu-system-riscv64 here
    for tool in ("dirname", "bash"):
        os.symlink(f"/usr/bin/{tool}" if Path(f"/usr/bin/{tool}").exists() else f"/bin/{tool}",
                   tmp_path / tool)
    p = subprocess.run(["/bin/bash", str(ROOT / "scripts" / "qemu-board.sh"), "--serial-file",
                        str(tmp_path / "c.log")], env=env, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    assert p.returncode != 0
    assert "qemu-system-riscv64 not found" in p.stderr
    assert "qemu-system-misc" in p.stderr


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_board_names_host_and_port():
    port = closed_port()
    t = SshTarget("127.0.0.1", port, "root")
    with pytest.raises(BoardUnreachable) as e:
        t.wait_ready(2)
    msg = str(e.value)
    assert f"root@127.0.0.1:{port}" in msg
    assert "does not answer SSH" in msg


def test_board_url_parsing():
    assert parse_board_url("ssh://root@10.1.2.3:2200") == ("root", "10.1.2.3", 2200)
    assert parse_board_url("ssh://board.local") == ("root", "board.local", 22)
    with pytest.raises(BoardError, match="expected 'qemu' or ssh://"):
        parse_board_url("telnet://x")
