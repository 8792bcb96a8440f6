"""hvctl, the Bulkhead command-line tool, built for the host (build/host/hvctl).

Runs against a fake sysfs tree (BH_SYSFS) and fake device paths (BH_DEVICE).
The ioctl paths run against a small LD_PRELOAD library
(pytest/host/support/hvctl/driver_shim.c, built by the Makefile) that plays
the driver from the documented interface (include/bulkhead/uapi.h): it
records what hvctl passes and answers what each test asks for. The real
driver is exercised by the board tests. ELF images for 'cell load' are
written here from the ELF specification, or built with the RISC-V toolchain
and read back with pyelftools, an independent ELF reader.
"""
import os
import random
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import cellfile as cf  # noqa: E402
from boardlib import linuxram  # noqa: E402
from paths import BUILD, ROOT  # noqa: E402
from conftest import built  # noqa: E402

HVCTL = BUILD / "host" / "hvctl"
DRIVER_SHIM = BUILD / "host" / "hvctl-driver-shim.so"
SYSTEM_CELL = BUILD / "configs" / "system.cell"
MODULE_HINT = "hvctl: is the bulkhead module loaded? insmod /lib/modules/bulkhead/bulkhead.ko\n"

EXIT_REASONS = ["irq_timer", "irq_software", "irq_external", "sbi_time", "sbi_ipi",
                "sbi_rfence", "sbi_hsm", "sbi_console", "sbi_other", "hypercall", "mmio",
                "guest_fault", "virtual_insn", "other", "doorbell"]

COMMANDS = ["enable", "disable", "info", "console", "config check", "config create",
            "config show", "cell create", "cell load",
            "cell dtb", "cell start", "cell shutdown", "cell destroy", "cell list", "cell stats",
            "cell console", "cell send", "help"]

LOAD_AT_ENTRY = 2**64 - 1
RWX = cf.MEM_READ | cf.MEM_WRITE | cf.MEM_EXECUTE


# ---------------------------------------------------------------- plumbing

@pytest.fixture(scope="session")
def hvctl():
    """build/host/hvctl, (re)built by its make rule."""
    return built(HVCTL)


@pytest.fixture(scope="session")
def good_config():
    """The board's system config (build/configs/system.cell, by its make rule)."""
    subprocess.run(["make", "-s", f"BUILD={BUILD}", str(SYSTEM_CELL)], cwd=ROOT,
                   capture_output=True, text=True)
    if not SYSTEM_CELL.exists():
        pytest.skip(f"{SYSTEM_CELL} cannot be built yet (configs/build.mk): "
                    "no valid system config to enable")
    return SYSTEM_CELL.read_bytes()


@pytest.fixture(scope="session")
def base_config():
    """A system config to break: the board's, or one from cellfile.py if it is not built.

    The mutations below are caught before the validator looks at the values,
    so the cellfile config needs no more than correct headers.
    """
    subprocess.run(["make", "-s", f"BUILD={BUILD}", str(SYSTEM_CELL)], cwd=ROOT,
                   capture_output=True, text=True)
    if SYSTEM_CELL.exists():
        return SYSTEM_CELL.read_bytes()
    return cf.System(root=cf.Cell(name="root")).pack()


def run(hvctl, *args, env=None, preload=None):
    e = dict(os.environ)
    for k in ("BH_DEVICE", "BH_SYSFS", "BH_IOMEM", "BH_DEVICETREE", "LD_PRELOAD"):
        e.pop(k, None)
    e.update(env or {})
    if preload:
        e["LD_PRELOAD"] = str(preload)
    return subprocess.run([str(hvctl), *map(str, args)], env=e, capture_output=True,
                          text=True, timeout=10)


# ---------------------------------------------------------------- usage

def test_help_lists_every_command_and_documents_info(hvctl):
    outs = [run(hvctl), run(hvctl, "help"), run(hvctl, "--help"), run(hvctl, "-h")]
    for p in outs:
        assert p.returncode == 0
        assert p.stderr == ""
        assert p.stdout == outs[0].stdout
    text = outs[0].stdout
    assert text.startswith("usage: hvctl COMMAND")
    listed = [" ".join(line.split()[:2 if line.split()[0] in ("cell", "config") else 1])
              for line in text.split("Commands:\n")[1].split("\n\n")[0].splitlines()]
    assert listed == COMMANDS
    for word in ("enable FILE", "console [-f]", "BH_DEVICE", "BH_SYSFS",
                 "Output of 'hvctl info'", "hypervisor: enabled", "memory used:",
                 "memory total:", "cell NAME", "harts:", "total", "cell create FILE",
                 "cell load NAME IMAGE [OPTIONS]", "cell dtb NAME [OPTIONS]", "cell start NAME",
                 "cell shutdown NAME",
                 "cell destroy NAME", "cell list", "cell stats NAME", "cell console NAME [-f | -i]",
                 "cell send NAME TEXT",
                 "Output of 'hvctl cell list'", "NAME  STATE  HARTS", '" - REASON"'):
        assert word in text, word
    assert all(r in text for r in EXIT_REASONS)
    assert max(len(line) for line in text.splitlines()) <= 100


LOAD_ARGS = ("hvctl: cell load: wrong number of arguments "
             "(usage: hvctl cell load NAME IMAGE [-a ADDR] [--dtb auto|FILE] "
             "[--bootargs TEXT])\n")
CONSOLE_ARGS = ("hvctl: cell console: wrong number of arguments "
                "(usage: hvctl cell console NAME [-f | -i])\n")


@pytest.mark.parametrize("args, message", [
    (["frobnicate"], "hvctl: unknown command 'frobnicate'\n"),
    (["--frobnicate"], "hvctl: unknown command '--frobnicate'\n"),
    (["enabled"], "hvctl: unknown command 'enabled'\n"),
    (["enable"], "hvctl: enable: wrong number of arguments (usage: hvctl enable FILE)\n"),
    (["enable", "a", "b"],
     "hvctl: enable: wrong number of arguments (usage: hvctl enable FILE)\n"),
    (["disable", "now"], "hvctl: disable: wrong number of arguments (usage: hvctl disable)\n"),
    (["info", "-v"], "hvctl: info: wrong number of arguments (usage: hvctl info)\n"),
    (["console", "-f", "-f", "-f"],
     "hvctl: console: wrong number of arguments (usage: hvctl console [-f])\n"),
    (["console", "-x"], "hvctl: console: unknown option '-x'\n"),
    (["help", "me"], "hvctl: help: wrong number of arguments (usage: hvctl help)\n"),
    (["--help", "me"], ""),
    (["cell"], "hvctl: cell: which one? (see the commands below)\n"),
    (["config"], "hvctl: config: which one? (see the commands below)\n"),
    (["config", "check"],
     "hvctl: config check: wrong number of arguments (usage: hvctl config check FILE)\n"),
    (["config", "check", "a", "b"],
     "hvctl: config check: wrong number of arguments (usage: hvctl config check FILE)\n"),
    (["cell", "frob"], "hvctl: unknown command 'cell frob'\n"),
    (["cell", "creat", "x.cell"], "hvctl: unknown command 'cell creat'\n"),
    (["cells", "list"], "hvctl: unknown command 'cells'\n"),
    (["cell", "create"],
     "hvctl: cell create: wrong number of arguments (usage: hvctl cell create FILE)\n"),
    (["cell", "create", "a", "b"],
     "hvctl: cell create: wrong number of arguments (usage: hvctl cell create FILE)\n"),
    (["cell", "load", "hello"], LOAD_ARGS),
    (["cell", "load", "hello", "img", "more"], LOAD_ARGS),
    (["cell", "load", "-a", "0x80000000", "hello"], LOAD_ARGS),
    (["cell", "load", "hello", "img", "-a"], "hvctl: cell load: -a needs an address\n"),
    (["cell", "load", "-a", "1", "-a", "2"], "hvctl: cell load: -a given twice\n"),
    (["cell", "load", "hello", "img", "-x"], "hvctl: cell load: unknown option '-x'\n"),
    (["cell", "load", "hello", "img", "-a0x1000"],
     "hvctl: cell load: unknown option '-a0x1000'\n"),
    *[(["cell", "load", "hello", "img", "-a", a],
       f"hvctl: cell load: bad address '{a}' (expected 0x... or decimal, below "
       "0xffffffffffffffff)\n")
      for a in ["", "0x", "zz", "0x8000_0000", "-5", "+5", " 5", "0x1g", "12a", "0o17",
                "18446744073709551616", "0x10000000000000000", "0xffffffffffffffff",
                "18446744073709551615"]],
    (["cell", "load", "", "img"], "hvctl: cell load: empty cell name\n"),
    (["cell", "load", "x" * 32, "img"], "hvctl: cell load: cell name '" + "x" * 32 +
     "' is 32 characters long, at most 31 are allowed\n"),
    *[([*cmd, "x" * 32], f"hvctl: {' '.join(cmd)}: cell name '" + "x" * 32 +
       "' is 32 characters long, at most 31 are allowed\n")
      for cmd in (["cell", "start"], ["cell", "shutdown"], ["cell", "destroy"],
                  ["cell", "stats"], ["cell", "console"])],
    *[([*cmd, ""], f"hvctl: {' '.join(cmd)}: empty cell name\n")
      for cmd in (["cell", "start"], ["cell", "shutdown"], ["cell", "destroy"],
                  ["cell", "stats"], ["cell", "console"])],
    (["cell", "console", "-f", "x" * 40], "hvctl: cell console: cell name '" + "x" * 40 +
     "' is 40 characters long, at most 31 are allowed\n"),
    *[([*cmd], f"hvctl: {' '.join(cmd)}: wrong number of arguments "
       f"(usage: hvctl {' '.join(cmd)} NAME)\n")
      for cmd in (["cell", "start"], ["cell", "shutdown"], ["cell", "destroy"])],
    *[([*cmd, "a", "b"], f"hvctl: {' '.join(cmd)}: wrong number of arguments "
       f"(usage: hvctl {' '.join(cmd)} NAME)\n")
      for cmd in (["cell", "start"], ["cell", "shutdown"], ["cell", "destroy"])],
    (["cell", "stats"], "hvctl: cell stats: wrong number of arguments "
     "(usage: hvctl cell stats NAME [OPTIONS])\n"),
    (["cell", "stats", "a", "--latency", "--json", "--reset"], "hvctl: cell stats: wrong "
     "number of arguments (usage: hvctl cell stats NAME [OPTIONS])\n"),
    *[(["cell", "stats", "a", *opts], f"hvctl: cell stats: {what} (usage: hvctl cell stats "
       "NAME [--latency [--json] | --reset])\n")
      for opts, what in ((["b"], "unknown option 'b'"), (["--latency", "-j"], "unknown option '-j'"),
                         (["--latency", "--latency"], "repeated option '--latency'"))],
    *[(["cell", "stats", "a", *opts], "hvctl: cell stats: --json goes with --latency, --reset "
       "alone (usage: hvctl cell stats NAME [--latency [--json] | --reset])\n")
      for opts in (["--json"], ["--reset", "--latency"], ["--json", "--reset"])],
    (["cell", "list", "all"],
     "hvctl: cell list: wrong number of arguments (usage: hvctl cell list)\n"),
    (["cell", "console"], CONSOLE_ARGS),
    (["cell", "console", "-f"], CONSOLE_ARGS),
    (["cell", "console", "a", "b"], CONSOLE_ARGS),
    (["cell", "console", "a", "-f", "-f"], CONSOLE_ARGS),
    (["cell", "console", "a", "-x"], "hvctl: cell console: unknown option '-x'\n"),
    (["console", "a"], "hvctl: console: wrong number of arguments (usage: hvctl console [-f])\n"),
])
def test_bad_command_lines_exit_2_with_usage_on_stderr(hvctl, args, message, tmp_path):
    # The device does not exist: nothing may be tried before the command line is checked.
    p = run(hvctl, *args, env={"BH_DEVICE": tmp_path / "nodev", "BH_SYSFS": tmp_path / "no"})
    assert p.returncode == 2
    assert p.stdout == ""
    assert p.stderr.startswith(message + "usage: hvctl COMMAND")
    usage = run(hvctl).stdout.split("\n\n")[:2]
    assert p.stderr[len(message):] == "\n\n".join(usage) + "\n"


# ---------------------------------------------------------------- enable: file and validator

def test_enable_missing_file(hvctl, tmp_path):
    missing = tmp_path / "nope.cell"
    p = run(hvctl, "enable", missing, env={"BH_DEVICE": tmp_path / "nodev"})
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == f"hvctl: cannot read {missing}: No such file or directory\n"


def test_enable_directory_and_huge_file(hvctl, tmp_path):
    p = run(hvctl, "enable", tmp_path, env={"BH_DEVICE": tmp_path / "nodev"})
    assert (p.returncode, p.stderr) == (1, f"hvctl: cannot read {tmp_path}: Is a directory\n")
    huge = tmp_path / "huge.cell"
    huge.write_bytes(b"BHSYSTEM" + bytes((1 << 20) + 1 - 8))
    p = run(hvctl, "enable", huge, env={"BH_DEVICE": tmp_path / "nodev"})
    assert (p.returncode, p.stderr) == (1, f"hvctl: cannot read {huge}: File too large\n")


def _mutations(base):
    wrong_sig = b"XHSYSTEM" + base[8:]
    wrong_rev = base[:8] + struct.pack("<I", 2) + base[12:]
    cut = len(base) - 8
    return {
        "signature": (wrong_sig,
                      'system config: bad signature "XHSYSTEM" (expected "BHSYSTEM")'),
        "revision": (wrong_rev, "system config: revision 2 not supported (expected 1)"),
        "truncated": (base[:cut],
                      f"system config: truncated: file is {cut} bytes, header says {len(base)}"),
        "header-truncated": (base[:100],
                             "system config: truncated: file is 100 bytes, "
                             "the header alone is 712"),
        "trailing": (base + bytes(8),
                     f"system config: 8 trailing bytes: file is {len(base) + 8} bytes, "
                     f"header says {len(base)}"),
        "empty": (b"", "system config: truncated: file is 0 bytes, the header alone is 712"),
    }


@pytest.mark.parametrize("case", ["signature", "revision", "truncated", "header-truncated",
                                  "trailing", "empty"])
def test_enable_bad_config_gives_validator_message_before_any_device_access(
        hvctl, base_config, tmp_path, case, driver_shim):
    data, message = _mutations(base_config)[case]
    cell = tmp_path / "bad.cell"
    cell.write_bytes(data)
    # No device at all: the message must be the validator's, not the open's.
    p = run(hvctl, "enable", cell, env={"BH_DEVICE": tmp_path / "nodev"})
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == f"hvctl: {cell}: {message}\n"
    # A device that would accept anything: still no ioctl.
    dev, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "enable", cell, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stderr) == (1, f"hvctl: {cell}: {message}\n")
    assert driver_shim.calls(tmp_path) == []


def test_enable_good_config_without_device_suggests_the_module(hvctl, good_config, tmp_path):
    cell = tmp_path / "system.cell"
    cell.write_bytes(good_config)
    dev = tmp_path / "dev" / "bulkhead"
    p = run(hvctl, "enable", cell, env={"BH_DEVICE": dev})
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == (f"hvctl: cannot open {dev}: No such file or directory\n" + MODULE_HINT)


def test_device_path_defaults_to_dev_bulkhead(hvctl, good_config, tmp_path):
    if Path("/dev/bulkhead").exists():
        pytest.skip("this machine has a /dev/bulkhead")
    cell = tmp_path / "system.cell"
    cell.write_bytes(good_config)
    for env in ({}, {"BH_DEVICE": ""}):
        p = run(hvctl, "enable", cell, env=env)
        assert p.returncode == 1
        assert p.stderr == ("hvctl: cannot open /dev/bulkhead: No such file or directory\n" +
                            MODULE_HINT)


# ---------------------------------------------------------------- ioctls against a fake driver



class DriverShim:
    def __init__(self, lib):
        self.lib = lib

    @staticmethod
    def setup(tmp_path, **env):
        """A device node stand-in (a plain file) and the shim's environment."""
        dev = tmp_path / "bulkhead-dev"
        dev.write_bytes(b"")
        e = {"BH_DEVICE": str(dev), "SHIM_LOG": str(tmp_path / "shim.log"),
             "SHIM_CONFIG": str(tmp_path / "passed.cell"), "SHIM_LOADS": str(tmp_path),
             "SHIM_CONSOLE": str(tmp_path / "console"), "SHIM_RING": "4096",
             "SHIM_SENT": str(tmp_path / "sent")}
        e.update({k: str(v) for k, v in env.items()})
        return dev, e

    @staticmethod
    def calls(tmp_path):
        log = tmp_path / "shim.log"
        return log.read_text().splitlines() if log.exists() else []


@pytest.fixture(scope="session")
def driver_shim():
    """pytest/host/support/hvctl/driver_shim.c as LD_PRELOAD library, (re)built by its make rule."""
    return DriverShim(built(DRIVER_SHIM))


def test_enable_passes_the_file_and_is_quiet_on_success(hvctl, good_config, tmp_path,
                                                        driver_shim):
    cell = tmp_path / "system.cell"
    cell.write_bytes(good_config)
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "enable", cell, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    calls = driver_shim.calls(tmp_path)
    assert len(calls) == 1
    op, size, err_size = calls[0].split()
    assert (op, int(size)) == ("enable", len(good_config))
    assert int(err_size) >= 256
    assert (tmp_path / "passed.cell").read_bytes() == good_config


@pytest.mark.parametrize("message, errno_, expected", [
    ("root cell: hart 7 is not online", 22, "hvctl: enable: root cell: hart 7 is not online\n"),
    ("hypervisor memory [0xbbe00000..0xbfe00000) is Linux RAM\n", 22,
     "hvctl: enable: hypervisor memory [0xbbe00000..0xbfe00000) is Linux RAM\n"),
    ("", 16, "hvctl: enable: Device or resource busy\n"),
    (None, 12, "hvctl: enable: Cannot allocate memory\n"),
])
def test_enable_prints_the_drivers_message(hvctl, good_config, tmp_path, driver_shim,
                                           message, errno_, expected):
    cell = tmp_path / "system.cell"
    cell.write_bytes(good_config)
    extra = {"SHIM_ERRNO": errno_}
    if message is not None:
        extra["SHIM_MESSAGE"] = message
    _, env = driver_shim.setup(tmp_path, **extra)
    p = run(hvctl, "enable", cell, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (1, "", expected)


def test_enable_survives_an_unterminated_driver_message(hvctl, good_config, tmp_path,
                                                        driver_shim):
    cell = tmp_path / "system.cell"
    cell.write_bytes(good_config)
    _, env = driver_shim.setup(tmp_path, SHIM_ERRNO=22, SHIM_MESSAGE="x" * 2000)
    p = run(hvctl, "enable", cell, env=env, preload=driver_shim.lib)
    err_size = int(driver_shim.calls(tmp_path)[0].split()[2])
    assert p.returncode == 1
    assert p.stderr == "hvctl: enable: " + "x" * (err_size - 1) + "\n"


@pytest.mark.parametrize("errno_, expected", [
    ("", ""),
    (22, "hvctl: disable: hypervisor not enabled\n"),
    (16, "hvctl: disable: Device or resource busy\n"),
])
def test_disable(hvctl, tmp_path, driver_shim, errno_, expected):
    _, env = driver_shim.setup(tmp_path, SHIM_ERRNO=errno_)
    p = run(hvctl, "disable", env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (1 if expected else 0, "", expected)
    assert driver_shim.calls(tmp_path) == ["disable"]


def test_disable_and_console_without_device(hvctl, tmp_path):
    dev = tmp_path / "nodev"
    for cmd in (["disable"], ["console"], ["console", "-f"]):
        p = run(hvctl, *cmd, env={"BH_DEVICE": dev})
        assert (p.returncode, p.stdout) == (1, "")
        assert p.stderr == f"hvctl: cannot open {dev}: No such file or directory\n" + MODULE_HINT


def _console_bytes(n, seed):
    """n bytes of printable lines, deterministic."""
    import random
    rng = random.Random(seed)
    out = bytearray()
    while len(out) < n:
        out += f"[{len(out):6}] {rng.randrange(1 << 32):08x}\n".encode()
    return bytes(out[:n])


def test_console_prints_the_ring_in_chunks(hvctl, tmp_path, driver_shim):
    content = _console_bytes(10000, 1)
    (tmp_path / "console").write_bytes(content)
    _, env = driver_shim.setup(tmp_path, SHIM_RING=16384)
    p = run(hvctl, "console", env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == content.decode()
    sizes = [int(c.split()[2]) for c in driver_shim.calls(tmp_path)]
    assert sum(sizes) == 10000 and sizes[-1] == 0  # drained, then one empty read


def test_console_reports_lost_bytes(hvctl, tmp_path, driver_shim):
    content = _console_bytes(10000, 2)
    (tmp_path / "console").write_bytes(content)
    _, env = driver_shim.setup(tmp_path, SHIM_RING=4096)
    p = run(hvctl, "console", env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == "[... 5904 bytes lost ...]\n" + content[-4096:].decode()


def test_console_empty_and_error(hvctl, tmp_path, driver_shim):
    (tmp_path / "console").write_bytes(b"")
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "console", env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    _, env = driver_shim.setup(tmp_path, SHIM_ERRNO=22)
    p = run(hvctl, "console", env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (1, "", "hvctl: console: Invalid argument\n")


def test_console_follow_until_interrupted(hvctl, tmp_path, driver_shim):
    console = tmp_path / "console"

    def publish(data):  # atomically, as the shim rereads the file on every call
        tmp = tmp_path / "console.new"
        tmp.write_bytes(data)
        os.replace(tmp, console)

    publish(b"boot")
    _, env = driver_shim.setup(tmp_path, SHIM_RING=4096)
    e = dict(os.environ, LD_PRELOAD=str(driver_shim.lib), **env)
    proc = subprocess.Popen([str(hvctl), "console", "-f"], env=e, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    got = bytearray()

    def reader():
        for chunk in iter(lambda: proc.stdout.read1(65536), b""):
            got.extend(chunk)

    t = threading.Thread(target=reader, daemon=True)
    t.start()

    def wait_for(expected):
        deadline = time.monotonic() + 5
        while bytes(got) != expected and time.monotonic() < deadline:
            time.sleep(0.02)
        assert bytes(got) == expected

    try:
        wait_for(b"boot")
        publish(b"boot ok\n")
        wait_for(b"boot ok\n")
        # More than the ring holds arrives between two polls, mid-line.
        publish(b"boot ok\nabc")
        wait_for(b"boot ok\nabc")
        big = b"boot ok\nabc" + _console_bytes(5000, 3)
        publish(big)
        wait_for(b"boot ok\nabc\n[... 904 bytes lost ...]\n" + big[-4096:])
        assert proc.poll() is None  # still following
        calls_before = len(driver_shim.calls(tmp_path))
        time.sleep(0.5)
        polls = len(driver_shim.calls(tmp_path)) - calls_before
        assert 2 <= polls <= 8  # every 100 ms, not busy
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=5)
        t.join(timeout=5)
    assert proc.returncode == -signal.SIGINT
    assert proc.stderr.read() == b""


# ---------------------------------------------------------------- info against a fake sysfs

def make_sysfs(root, enabled="1", mem_used="1052673", mem_total="8388608", cells=None):
    """A /sys/devices/bulkhead tree: cells maps name -> (cpus text, {hart: {reason: n}})."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "enabled").write_text(enabled + "\n")
    if mem_used is not None:
        (root / "mem_used").write_text(mem_used + "\n")
    if mem_total is not None:
        (root / "mem_total").write_text(mem_total + "\n")
    if cells is None:
        return root
    (root / "cells").mkdir()
    for name, (cpus, counters) in cells.items():
        c = root / "cells" / name
        c.mkdir()
        (c / "cpus").write_text(cpus + "\n")
        for hart, counts in counters.items():
            d = c / "statistics" / f"cpu{hart}"
            d.mkdir(parents=True)
            for reason in EXIT_REASONS + ["exits_total"]:
                (d / reason).write_text(f"{counts.get(reason, 0)}\n")
    return root


ROOT_COUNTERS = {
    0: {"irq_timer": 1200, "sbi_console": 42, "mmio": 123456, "exits_total": 124698},
    1: {"irq_timer": 980, "mmio": 2, "exits_total": 982},
    2: {"irq_timer": 15, "sbi_ipi": 3, "exits_total": 18},
    3: {"irq_timer": 7, "exits_total": 7},
}

ROOT_EXPECTED = (
    "hypervisor: enabled\n"
    "memory used: 1052673 bytes (1029 KiB)\n"
    "memory total: 8388608 bytes (8192 KiB)\n"
    "\n"
    "cell root\n"
    "  harts: 0-3\n"
    "  exits          cpu0  cpu1  cpu2  cpu3\n"
    "  irq_timer      1200   980    15     7\n"
    "  sbi_ipi           0     0     3     0\n"
    "  sbi_console      42     0     0     0\n"
    "  mmio         123456     2     0     0\n"
    "  total        124698   982    18     7\n"
)


def test_info_root_cell(hvctl, tmp_path):
    sysfs = make_sysfs(tmp_path / "sys", cells={"root": ("0-3", ROOT_COUNTERS)})
    p = run(hvctl, "info", env={"BH_SYSFS": sysfs, "BH_DEVICE": tmp_path / "nodev"})
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == ROOT_EXPECTED


def test_info_several_cells_sorted_by_name(hvctl, tmp_path):
    cells = {
        "zeta": ("4,6-7", {4: {"hypercall": 5, "exits_total": 5}, 6: {}, 7: {"other": 1,
                                                                           "exits_total": 1}}),
        "root": ("0-3", ROOT_COUNTERS),
        "idle": ("", {}),
        "alpha": ("5", {5: {}}),
    }
    sysfs = make_sysfs(tmp_path / "sys", mem_used="0", mem_total="1024", cells=cells)
    p = run(hvctl, "info", env={"BH_SYSFS": sysfs})
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == (
        "hypervisor: enabled\n"
        "memory used: 0 bytes (0 KiB)\n"
        "memory total: 1024 bytes (1 KiB)\n"
        "\n"
        "cell alpha\n"
        "  harts: 5\n"
        "  exits  cpu5\n"
        "  total     0\n"
        "\n"
        "cell idle\n"
        "  harts: none\n"
        "\n"
        + ROOT_EXPECTED.split("\n\n", 1)[1] +
        "\n"
        "cell zeta\n"
        "  harts: 4,6-7\n"
        "  exits      cpu4  cpu6  cpu7\n"
        "  hypercall     5     0     0\n"
        "  other         0     0     1\n"
        "  total         5     0     1\n"
    )


def test_info_not_enabled(hvctl, tmp_path):
    # A disabled hypervisor has no memory or cells to show; they are not even read.
    sysfs = make_sysfs(tmp_path / "sys", enabled="0", mem_used=None, mem_total=None)
    p = run(hvctl, "info", env={"BH_SYSFS": sysfs})
    assert (p.returncode, p.stdout, p.stderr) == (0, "hypervisor: disabled\n", "")


def test_info_without_module(hvctl, tmp_path):
    sysfs = tmp_path / "sys"
    p = run(hvctl, "info", env={"BH_SYSFS": sysfs})
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == (f"hvctl: cannot read {sysfs}/enabled: No such file or directory\n" +
                        MODULE_HINT)


def _break(sysfs, rel, text):
    path = sysfs / rel
    if text is None:
        path.unlink()
    else:
        path.write_bytes(text)
    return path


@pytest.mark.parametrize("rel, text, message", [
    ("enabled", b"yes\n", '{p}: expected 0 or 1, found "yes"'),
    ("enabled", b"1\x00\n", "{p}: holds a NUL byte, expected text"),
    ("mem_used", b"-5\n", '{p}: expected an unsigned decimal number, found "-5"'),
    ("mem_total", None, "cannot read {p}: No such file or directory"),
    ("mem_total", b"18446744073709551616\n",
     '{p}: expected an unsigned decimal number, found "18446744073709551616"'),
    ("cells/root/cpus", b"0-3,\n", '{p}: expected a hart list like "0-3" (harts 0..63), '
                                   'found "0-3,"'),
    ("cells/root/cpus", b"3-1\n", '{p}: expected a hart list like "0-3" (harts 0..63), '
                                  'found "3-1"'),
    ("cells/root/cpus", b"64\n", '{p}: expected a hart list like "0-3" (harts 0..63), '
                                 'found "64"'),
    ("cells/root/statistics/cpu2/mmio", b"12x\n",
     '{p}: expected an unsigned decimal number, found "12x"'),
    ("cells/root/statistics/cpu3/exits_total", None,
     "cannot read {p}: No such file or directory"),
])
def test_info_bad_sysfs_gives_an_error_and_no_report(hvctl, tmp_path, rel, text, message):
    sysfs = make_sysfs(tmp_path / "sys", cells={"root": ("0-3", ROOT_COUNTERS)})
    path = _break(sysfs, rel, text)
    p = run(hvctl, "info", env={"BH_SYSFS": sysfs})
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == "hvctl: " + message.format(p=path) + "\n"


def test_info_largest_counter(hvctl, tmp_path):
    top = 2**64 - 1
    sysfs = make_sysfs(tmp_path / "sys", mem_used=str(top), mem_total=str(top),
                       cells={"r": ("63", {63: {"sbi_hsm": top, "exits_total": top}})})
    p = run(hvctl, "info", env={"BH_SYSFS": sysfs})
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == (
        "hypervisor: enabled\n"
        f"memory used: {top} bytes (18014398509481984 KiB)\n"
        f"memory total: {top} bytes (18014398509481984 KiB)\n"
        "\n"
        "cell r\n"
        "  harts: 63\n"
        "  exits                   cpu63\n"
        f"  sbi_hsm  {top}\n"
        f"  total    {top}\n"
    )


# ---------------------------------------------------------------- cell create

def demo_cell():
    """A cell config that fits the board: hart 3, 1 MiB of the cell pool, a virtio slot."""
    rwx = cf.MEM_READ | cf.MEM_WRITE | cf.MEM_EXECUTE
    cell = cf.Cell(name="demo", entry=0x80000000, boot_arg=0x7ffff000,
                   console=cf.Console(type=cf.CONSOLE_SBI),
                   regions=[cf.MemRegion(0xbce00000, 0x80000000, 0x100000,
                                         rwx | cf.MEM_LOADABLE),
                            cf.MemRegion(0x10008000, 0x10008000, 0x1000,
                                         cf.MEM_READ | cf.MEM_WRITE | cf.MEM_IO)])
    cell.set_harts([3])
    cell.set_irqs([8])
    return cell


def _bad_cells(system_config):
    good = demo_cell().pack()
    n = len(good)

    def changed(**kw):
        c = demo_cell()
        for k, val in kw.items():
            setattr(c, k, val)
        return c.pack()

    # Messages as docs/config-format.md's validator gives them (test_config.py checks it).
    return {
        "signature": (changed(signature=b"BHCELL\0X"),
                      'cell config: bad signature "BHCELL\\x00X" (expected "BHCELL\\x00\\x00")'),
        "revision": (changed(revision=2), "cell config: revision 2 not supported (expected 1)"),
        "no harts": (changed(cpu_set=0), "cell 'demo': CPU set is empty"),
        "entry": (changed(entry=0x90000000),
                  "cell 'demo': entry 0x90000000 is not inside an executable RAM region"),
        "truncated": (good[:-1], f"cell config: truncated: file is {n - 1} bytes, header says {n}"),
        "trailing": (good + bytes(8),
                     f"cell config: 8 trailing bytes: file is {n + 8} bytes, header says {n}"),
        "empty": (b"", "cell config: truncated: file is 0 bytes, the header alone is 288"),
        "system config": (system_config,
                          'cell config: bad signature "BHSYSTEM" (expected "BHCELL\\x00\\x00")'),
    }


@pytest.mark.parametrize("case", ["signature", "revision", "no harts", "entry", "truncated",
                                  "trailing", "empty", "system config"])
def test_cell_create_bad_config_gives_validator_message_before_any_device_access(
        hvctl, base_config, tmp_path, case, driver_shim):
    data, message = _bad_cells(base_config)[case]
    cell = tmp_path / "bad.cell"
    cell.write_bytes(data)
    p = run(hvctl, "cell", "create", cell, env={"BH_DEVICE": tmp_path / "nodev"})
    assert (p.returncode, p.stdout, p.stderr) == (1, "", f"hvctl: {cell}: {message}\n")
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "cell", "create", cell, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (1, "", f"hvctl: {cell}: {message}\n")
    assert driver_shim.calls(tmp_path) == []


def test_cell_create_missing_file_and_no_device(hvctl, tmp_path):
    missing = tmp_path / "nope.cell"
    p = run(hvctl, "cell", "create", missing, env={"BH_DEVICE": tmp_path / "nodev"})
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == f"hvctl: cannot read {missing}: No such file or directory\n"
    cell = tmp_path / "demo.cell"
    cell.write_bytes(demo_cell().pack())
    dev = tmp_path / "nodev"
    p = run(hvctl, "cell", "create", cell, env={"BH_DEVICE": dev})
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == f"hvctl: cannot open {dev}: No such file or directory\n" + MODULE_HINT


def test_cell_create_passes_the_file_and_is_quiet(hvctl, tmp_path, driver_shim):
    data = demo_cell().pack()
    cell = tmp_path / "demo.cell"
    cell.write_bytes(data)
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "cell", "create", cell, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    assert driver_shim.calls(tmp_path) == [f"cell_create {len(data)} 512"]
    assert (tmp_path / "passed.cell").read_bytes() == data


@pytest.mark.parametrize("message, errno_, expected", [
    ("cell 'demo' already exists", 17, "cell 'demo' already exists"),
    ("cell 'demo' would take the root's last CPU\n", 16,
     "cell 'demo' would take the root's last CPU"),
    ("", 16, "Device or resource busy"),
    (None, 1, "Operation not permitted"),
    (None, 25, "the driver does not know this request: "
               "is /lib/modules/bulkhead/bulkhead.ko older than hvctl?"),
    ("x" * 2000, 22, "x" * 511),
])
def test_cell_create_prints_the_drivers_message(hvctl, tmp_path, driver_shim, message, errno_,
                                                expected):
    cell = tmp_path / "demo.cell"
    cell.write_bytes(demo_cell().pack())
    extra = {"SHIM_ERRNO": errno_}
    if message is not None:
        extra["SHIM_MESSAGE"] = message
    _, env = driver_shim.setup(tmp_path, **extra)
    p = run(hvctl, "cell", "create", cell, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (1, "", f"hvctl: cell create: {expected}\n")


# ---------------------------------------------------------------- cell load: ELF files

EM_RISCV = 243
PT_LOAD, PT_NOTE = 1, 4


def seg(paddr, data=b"", memsz=None, *, ptype=PT_LOAD, vaddr=None, filesz=None, offset=None):
    """A program header to write; filesz and offset default to data's."""
    return dict(ptype=ptype, paddr=paddr, vaddr=paddr if vaddr is None else vaddr, data=data,
                memsz=len(data) if memsz is None else memsz, filesz=filesz, offset=offset)


def build_elf(segments, *, machine=EM_RISCV, ei_class=2, ei_data=1, ei_version=1, etype=2,
              phentsize=56, phnum=None, phoff=64, entry=0x80000000):
    """An ELF64 file from the ELF specification: header, program headers, then the data."""
    ident = b"\x7fELF" + bytes([ei_class, ei_data, ei_version]) + bytes(9)
    data_start = 64 + 56 * len(segments)
    body, phdrs = bytearray(), []
    for s in segments:
        body += bytes(-len(body) % 16)
        offset = data_start + len(body) if s["offset"] is None else s["offset"]
        filesz = len(s["data"]) if s["filesz"] is None else s["filesz"]
        phdrs.append(struct.pack("<IIQQQQQQ", s["ptype"], 5, offset, s["vaddr"], s["paddr"],
                                 filesz, s["memsz"], 16))
        body += s["data"]
    header = ident + struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, entry, phoff, 0, 0, 64,
                                 phentsize, len(segments) if phnum is None else phnum, 64, 0, 0)
    assert len(header) == 64
    return header + b"".join(phdrs) + bytes(body)


def _random_bytes(n, seed):
    import random
    return random.Random(seed).randbytes(n)


TEXT = _random_bytes(300, 10)
DATA = _random_bytes(0x30, 11)
ELF_SEGMENTS = [
    # Linked at a high virtual address, loaded at its physical one: p_paddr counts.
    seg(0x80000000, TEXT, vaddr=0xffffffff80000000),
    seg(0x80001000, b"note", ptype=PT_NOTE),
    seg(0x80002000, DATA, 0x1000),          # .data then .bss: the rest is zeros
    seg(0x80003000, b"", 0x4000),           # .bss alone: nothing to load
    seg(0x800ff000, b"\x42"),
]


def load_calls(driver_shim, tmp_path):
    """[(log line, bytes passed)] of the shim's cell_load calls, in order."""
    calls = driver_shim.calls(tmp_path)
    return [(c, (tmp_path / f"load{i}.bin").read_bytes()) for i, c in enumerate(calls)]


def test_cell_load_elf_loads_each_segment_with_contents(hvctl, tmp_path, driver_shim):
    elf = tmp_path / "inmate.elf"
    elf.write_bytes(build_elf(ELF_SEGMENTS))
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "cell", "load", "hello", elf, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    assert load_calls(driver_shim, tmp_path) == [
        ("cell_load hello 0x80000000 300 512", TEXT),
        ("cell_load hello 0x80002000 4096 512", DATA + bytes(0x1000 - 0x30)),
        ("cell_load hello 0x800ff000 1 512", b"\x42"),
    ]


def test_cell_load_elf_with_a_31_character_name(hvctl, tmp_path, driver_shim):
    name = "n" * 31
    elf = tmp_path / "inmate.elf"
    elf.write_bytes(build_elf([seg(0x80000000, b"\x13\x00\x00\x00")]))
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "cell", "load", name, elf, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stderr) == (0, "")
    assert load_calls(driver_shim, tmp_path) == [
        (f"cell_load {name} 0x80000000 4 512", b"\x13\x00\x00\x00")]


LINKER_SCRIPT = """
ENTRY(_start)
SECTIONS {
    .text 0x80000000 : { *(.text*) }
    .rodata : { *(.rodata*) }
    .data 0x80004000 : AT(0x80010000) { *(.data*) }
    .bss : { *(.bss*) }
}
"""

INMATE_S = """
    .section .text
    .globl _start
_start:
    la t0, message
    lw t1, value
1:  wfi
    j 1b
    .section .rodata
ro: .asciz "read-only"
    .section .data
message: .asciz "hello from the test"
    .balign 8
value: .quad 0x1122334455667788
    .section .bss
    .space 0x2000
"""


def _toolchain_elf(tmp_path, march, mabi):
    gcc = "riscv64-unknown-elf-gcc"
    (tmp_path / "inmate.S").write_text(INMATE_S)
    (tmp_path / "inmate.ld").write_text(LINKER_SCRIPT)
    out = tmp_path / f"inmate-{mabi}.elf"
    try:
        r = subprocess.run([gcc, f"-march={march}", f"-mabi={mabi}", "-nostdlib", "-static",
                            "-T", str(tmp_path / "inmate.ld"), "-o", str(out),
                            str(tmp_path / "inmate.S")], capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip(f"{gcc} not installed")
    if r.returncode != 0:
        pytest.skip(f"{gcc} cannot build for {march}/{mabi}: {r.stderr}")
    return out


def test_cell_load_toolchain_elf_matches_pyelftools(hvctl, tmp_path, driver_shim):
    from elftools.elf.elffile import ELFFile
    elf = _toolchain_elf(tmp_path, "rv64imac_zicsr", "lp64")
    expected = []
    with open(elf, "rb") as f:
        for segment in ELFFile(f).iter_segments():
            h = segment.header
            if h.p_type == "PT_LOAD" and h.p_filesz:
                data = segment.data() + bytes(h.p_memsz - h.p_filesz)
                expected.append((f"cell_load hello {h.p_paddr:#x} {h.p_memsz} 512", data))
    # The script puts .data at a load address of its own, .bss after it: both must show.
    assert any(c.startswith("cell_load hello 0x80010000 ") for c, _ in expected), expected
    assert any(len(d) > 0x2000 and d.endswith(bytes(0x2000)) for _, d in expected), expected
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "cell", "load", "hello", elf, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    assert load_calls(driver_shim, tmp_path) == expected


def test_cell_load_refuses_a_32_bit_riscv_elf(hvctl, tmp_path, driver_shim):
    elf = _toolchain_elf(tmp_path, "rv32imac_zicsr", "ilp32")
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "cell", "load", "hello", elf, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == f"hvctl: cell load: {elf}: 32-bit ELF file, expected 64-bit RISC-V\n"
    assert driver_shim.calls(tmp_path) == []


GOOD = [seg(0x80000000, b"abcd")]
ELF_REFUSALS = {
    "x86-64": (build_elf(GOOD, machine=62),
               "ELF file for machine 62 (x86-64), expected RISC-V (243)"),
    "AArch64": (build_elf(GOOD, machine=183),
                "ELF file for machine 183 (AArch64), expected RISC-V (243)"),
    "no machine": (build_elf(GOOD, machine=0), "ELF file for machine 0, expected RISC-V (243)"),
    "32-bit": (build_elf(GOOD, ei_class=1), "32-bit ELF file, expected 64-bit RISC-V"),
    "class 0": (build_elf(GOOD, ei_class=0), "unknown-class ELF file, expected 64-bit RISC-V"),
    "big-endian": (build_elf(GOOD, ei_data=2),
                   "big-endian ELF file, expected little-endian RISC-V"),
    "byte order 0": (build_elf(GOOD, ei_data=0),
                     "unknown-byte-order ELF file, expected little-endian RISC-V"),
    "version": (build_elf(GOOD, ei_version=0), "ELF version 0 not supported (expected 1)"),
    "shared object": (build_elf(GOOD, etype=3),
                      "ELF file of type 3, expected an executable (ET_EXEC, 2)"),
    "object file": (build_elf([], etype=1),
                    "ELF file of type 1, expected an executable (ET_EXEC, 2)"),
    "ident only": (build_elf(GOOD)[:10], "truncated ELF header (10 bytes)"),
    "header cut": (build_elf(GOOD)[:63], "truncated ELF header (63 bytes)"),
    "phentsize": (build_elf(GOOD, phentsize=32), "program header size 32, expected 56"),
    "PN_XNUM": (build_elf(GOOD, phnum=0xffff), "more than 65534 program headers not supported"),
    "headers past the end": (build_elf(GOOD, phnum=2),
                             "program headers (2 at offset 64) run past the end of the file "
                             "(124 bytes)"),
    "headers far away": (build_elf(GOOD, phoff=2**64 - 8),
                         "program headers (1 at offset 18446744073709551608) run past the end "
                         "of the file (124 bytes)"),
    "bytes past the end": (build_elf([seg(0x80000000, b"abcd", filesz=5)]),
                           "program header 0: 0x5 file bytes at offset 0x78 run past the end "
                           "of the file (124 bytes)"),
    "offset wraps": (build_elf([seg(0x80000000, b"abcd", offset=2**64 - 2)]),
                     "program header 0: 0x4 file bytes at offset 0xfffffffffffffffe run past "
                     "the end of the file (124 bytes)"),
    "memsz < filesz": (build_elf([seg(0x80000000, b"abcd", 3)]),
                       "program header 0: memory size 0x3 is smaller than file size 0x4"),
    "memsz huge": (build_elf([seg(0x80000000, b"abcd", (256 << 20) + 1)]),
                   "program header 0: memory size 0x10000001 is larger than hvctl loads "
                   "(0x10000000)"),
    "wraps": (build_elf([seg(0x80000000, b"ok"), seg(0xfffffffffffff000, b"abcd", 0x1001)]),
              "program header 1: 0x1001 bytes at 0xfffffffffffff000 wrap around the address "
              "space"),
    "nothing to load": (build_elf([seg(0x80001000, b"note", ptype=PT_NOTE),
                                   seg(0x80000000, b"", 0x1000)]),
                        "ELF file has no PT_LOAD segment with file contents"),
    "no headers": (build_elf([]), "ELF file has no PT_LOAD segment with file contents"),
}


@pytest.mark.parametrize("case", ELF_REFUSALS)
def test_cell_load_refuses_bad_elf_files_before_the_device(hvctl, tmp_path, driver_shim, case):
    data, message = ELF_REFUSALS[case]
    elf = tmp_path / "bad.elf"
    elf.write_bytes(data)
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "cell", "load", "hello", elf, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (1, "", f"hvctl: cell load: {elf}: {message}\n")
    assert driver_shim.calls(tmp_path) == []


def test_cell_load_elf_with_an_address_is_refused(hvctl, tmp_path, driver_shim):
    elf = tmp_path / "inmate.elf"
    elf.write_bytes(build_elf(ELF_SEGMENTS))
    _, env = driver_shim.setup(tmp_path)
    for args in (["hello", elf, "-a", "0x80000000"], ["-a", "0x80000000", "hello", elf]):
        p = run(hvctl, "cell", "load", *args, env=env, preload=driver_shim.lib)
        assert (p.returncode, p.stdout) == (1, "")
        assert p.stderr == f"hvctl: cell load: {elf} is an ELF file: -a is for raw images\n"
    assert driver_shim.calls(tmp_path) == []


def test_cell_load_elf_stops_at_the_first_refused_segment(hvctl, tmp_path, driver_shim):
    elf = tmp_path / "inmate.elf"
    elf.write_bytes(build_elf(ELF_SEGMENTS))
    msg = ("image of 4096 bytes at 0x80002000 does not fit loadable region "
           "[0x80000000..0x80002000) of cell 'hello'")
    _, env = driver_shim.setup(tmp_path, SHIM_FAIL_AT=2, SHIM_ERRNO=27, SHIM_MESSAGE=msg)
    p = run(hvctl, "cell", "load", "hello", elf, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == f"hvctl: cell load: segment 2 of 3 (0x1000 bytes at 0x80002000): {msg}\n"
    assert [c for c, _ in load_calls(driver_shim, tmp_path)] == [
        "cell_load hello 0x80000000 300 512", "cell_load hello 0x80002000 4096 512"]


# ---------------------------------------------------------------- cell load: raw images

RAW = _random_bytes(5000, 12)


@pytest.mark.parametrize("args, address", [
    ([], LOAD_AT_ENTRY),
    (["-a", "0x800ff000"], 0x800ff000),
    (["-a", "0X800FF000"], 0x800ff000),
    (["-a", "2148528128"], 0x800ff000),
    (["-a", "0x00000000800ff000"], 0x800ff000),
    (["-a", "0010"], 10),
    (["-a", "18446744073709551614"], 2**64 - 2),
])
def test_cell_load_raw_image(hvctl, tmp_path, driver_shim, args, address):
    img = tmp_path / "param.bin"
    img.write_bytes(RAW)
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "cell", "load", "hello", img, *args, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    assert load_calls(driver_shim, tmp_path) == [(f"cell_load hello {address:#x} 5000 512", RAW)]


def test_cell_load_raw_option_first(hvctl, tmp_path, driver_shim):
    img = tmp_path / "param.bin"
    img.write_bytes(RAW)
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "cell", "load", "-a", "0x800ff000", "hello", img, env=env,
            preload=driver_shim.lib)
    assert (p.returncode, p.stderr) == (0, "")
    assert load_calls(driver_shim, tmp_path) == [("cell_load hello 0x800ff000 5000 512", RAW)]


@pytest.mark.parametrize("data", [b"\x7fEL", b"\x7f", b"ELF\x7f", b"\x7fELf" + bytes(60)])
def test_cell_load_almost_elf_is_raw(hvctl, tmp_path, driver_shim, data):
    img = tmp_path / "short.bin"
    img.write_bytes(data)
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "cell", "load", "hello", img, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stderr) == (0, "")
    assert load_calls(driver_shim, tmp_path) == [
        (f"cell_load hello 0xffffffffffffffff {len(data)} 512", data)]


def test_cell_load_empty_or_missing_image(hvctl, tmp_path, driver_shim):
    img = tmp_path / "empty.bin"
    img.write_bytes(b"")
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "cell", "load", "hello", img, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (1, "", f"hvctl: cell load: {img} is empty\n")
    missing = tmp_path / "missing.bin"
    p = run(hvctl, "cell", "load", "hello", missing, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == f"hvctl: cannot read {missing}: No such file or directory\n"
    p = run(hvctl, "cell", "load", "hello", tmp_path, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stderr) == (1, f"hvctl: cannot read {tmp_path}: Is a directory\n")
    assert driver_shim.calls(tmp_path) == []


def test_cell_load_without_device(hvctl, tmp_path):
    img = tmp_path / "param.bin"
    img.write_bytes(RAW)
    dev = tmp_path / "nodev"
    p = run(hvctl, "cell", "load", "hello", img, env={"BH_DEVICE": dev})
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == f"hvctl: cannot open {dev}: No such file or directory\n" + MODULE_HINT


@pytest.mark.parametrize("message, errno_, expected", [
    ("cell 'hello' is running: shut it down first", 16,
     "cell 'hello' is running: shut it down first"),
    ("image of 5000 bytes at 0x800ff000 does not fit loadable region "
     "[0x80000000..0x80100000) of cell 'hello'\n", 27,
     "image of 5000 bytes at 0x800ff000 does not fit loadable region "
     "[0x80000000..0x80100000) of cell 'hello'"),
    (None, 2, "No such file or directory"),
])
def test_cell_load_raw_prints_the_drivers_message(hvctl, tmp_path, driver_shim, message, errno_,
                                                  expected):
    img = tmp_path / "param.bin"
    img.write_bytes(RAW)
    extra = {"SHIM_ERRNO": errno_}
    if message is not None:
        extra["SHIM_MESSAGE"] = message
    _, env = driver_shim.setup(tmp_path, **extra)
    p = run(hvctl, "cell", "load", "hello", img, "-a", "0x800ff000", env=env,
            preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (1, "", f"hvctl: cell load: {expected}\n")


# ---------------------------------------------------------------- cell start/shutdown/destroy

LIFE_CYCLE = ["start", "shutdown", "destroy"]


@pytest.mark.parametrize("op", LIFE_CYCLE)
@pytest.mark.parametrize("name", ["hello", "n" * 31, "a b"])
def test_cell_life_cycle_requests(hvctl, tmp_path, driver_shim, op, name):
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "cell", op, name, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    assert driver_shim.calls(tmp_path) == [f"cell_{op} {name} 512"]


@pytest.mark.parametrize("op", LIFE_CYCLE)
@pytest.mark.parametrize("message, errno_, expected", [
    ("cell 'hello' has no image loaded: hvctl cell load first", 22,
     "cell 'hello' has no image loaded: hvctl cell load first"),
    ("no cell 'hello'\n\n", 2, "no cell 'hello'"),
    ("", 2, "No such file or directory"),
    (None, 16, "Device or resource busy"),
    (None, 25, "the driver does not know this request: "
               "is /lib/modules/bulkhead/bulkhead.ko older than hvctl?"),
    ("y" * 600, 22, "y" * 511),
])
def test_cell_life_cycle_prints_the_drivers_message(hvctl, tmp_path, driver_shim, op, message,
                                                    errno_, expected):
    extra = {"SHIM_ERRNO": errno_}
    if message is not None:
        extra["SHIM_MESSAGE"] = message
    _, env = driver_shim.setup(tmp_path, **extra)
    p = run(hvctl, "cell", op, "hello", env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (1, "", f"hvctl: cell {op}: {expected}\n")
    assert driver_shim.calls(tmp_path) == [f"cell_{op} hello 512"]


@pytest.mark.parametrize("op", LIFE_CYCLE + ["console"])
def test_cell_requests_without_device(hvctl, tmp_path, op):
    dev = tmp_path / "nodev"
    p = run(hvctl, "cell", op, "hello", env={"BH_DEVICE": dev})
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == f"hvctl: cannot open {dev}: No such file or directory\n" + MODULE_HINT


# ---------------------------------------------------------------- cell console

def test_cell_console_prints_the_cells_ring(hvctl, tmp_path, driver_shim):
    content = _console_bytes(6000, 4)
    (tmp_path / "console").write_bytes(content)
    _, env = driver_shim.setup(tmp_path, SHIM_RING=16384)
    p = run(hvctl, "cell", "console", "hello", env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (0, content.decode(), "")
    assert driver_shim.calls(tmp_path) == [
        "cell_console hello 4096 4096", "cell_console hello 4096 1904",
        "cell_console hello 4096 0"]


def test_cell_console_reports_lost_bytes(hvctl, tmp_path, driver_shim):
    content = _console_bytes(6000, 5)
    (tmp_path / "console").write_bytes(content)
    _, env = driver_shim.setup(tmp_path, SHIM_RING=4096)
    p = run(hvctl, "cell", "console", "n" * 31, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == "[... 1904 bytes lost ...]\n" + content[-4096:].decode()
    assert all(c.startswith("cell_console " + "n" * 31 + " ") for c in driver_shim.calls(tmp_path))


@pytest.mark.parametrize("errno_, expected", [
    (2, "hvctl: cell console: hello: No such file or directory\n"),
    (25, "hvctl: cell console: hello: the driver does not know this request: "
         "is /lib/modules/bulkhead/bulkhead.ko older than hvctl?\n"),
])
def test_cell_console_error(hvctl, tmp_path, driver_shim, errno_, expected):
    (tmp_path / "console").write_bytes(b"x")
    _, env = driver_shim.setup(tmp_path, SHIM_ERRNO=errno_)
    p = run(hvctl, "cell", "console", "hello", env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stdout, p.stderr) == (1, "", expected)


def test_cell_console_follow_until_interrupted(hvctl, tmp_path, driver_shim):
    console = tmp_path / "console"
    console.write_bytes(b"hello from cell hello on hart 3\n")
    _, env = driver_shim.setup(tmp_path)
    e = dict(os.environ, LD_PRELOAD=str(driver_shim.lib), **env)
    proc = subprocess.Popen([str(hvctl), "cell", "console", "-f", "hello"], env=e,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = proc.stdout.read1(65536)
        tmp = tmp_path / "console.new"
        tmp.write_bytes(b"hello from cell hello on hart 3\ntick\n")
        os.replace(tmp, console)
        second = proc.stdout.read1(65536)
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=5)
    assert (first, second) == (b"hello from cell hello on hart 3\n", b"tick\n")
    assert proc.returncode == -signal.SIGINT
    assert proc.stderr.read() == b""


# ---------------------------------------------------------------- cell list, cell stats

def add_status(sysfs, name, cell_id, state, reason=""):
    """The files sysfs shows for a cell's state (driver/sysfs.c)."""
    d = sysfs / "cells" / name
    (d / "id").write_text(f"{cell_id}\n")
    (d / "state").write_text(f"{state}\n")
    (d / "reason").write_text(f"{reason}\n")


def cells_tree(tmp_path):
    """A board with a root cell named to sort last, and one cell in each state."""
    cells = {
        "zroot": ("0-1", {0: {"irq_timer": 5, "exits_total": 5}, 1: {}}),
        "hello": ("2", {2: {"sbi_console": 3, "exits_total": 3}}),
        "attack": ("3", {3: {"guest_fault": 1, "mmio": 12, "exits_total": 13}}),
        "smp-demo": ("4-5,7", {4: {}, 5: {}, 7: {}}),
        "irq": ("6", {6: {}}),
        "broke": ("8", {8: {}}),
    }
    sysfs = make_sysfs(tmp_path / "sys", cells=cells)
    add_status(sysfs, "zroot", 0, "running")
    add_status(sysfs, "hello", 1, "running")
    add_status(sysfs, "attack", 2, "failed",
               "store to 0x90000000 outside its memory (hart 3, sepc 0x80000124)")
    add_status(sysfs, "smp-demo", 3, "shut down")
    add_status(sysfs, "irq", 4, "stopped", "stale text the list must not show")
    add_status(sysfs, "broke", 5, "failed")
    return sysfs


CELL_LIST = (
    "NAME      STATE      HARTS\n"
    "zroot     running    0-1\n"
    "attack    failed     3 - store to 0x90000000 outside its memory (hart 3, sepc 0x80000124)\n"
    "broke     failed     8\n"
    "hello     running    2\n"
    "irq       stopped    6\n"
    "smp-demo  shut down  4-5,7\n"
)


def test_cell_list(hvctl, tmp_path):
    sysfs = cells_tree(tmp_path)
    p = run(hvctl, "cell", "list", env={"BH_SYSFS": sysfs, "BH_DEVICE": tmp_path / "nodev"})
    assert (p.returncode, p.stdout, p.stderr) == (0, CELL_LIST, "")


def test_cell_list_root_only_and_odd_reason_text(hvctl, tmp_path):
    sysfs = make_sysfs(tmp_path / "sys", cells={"qemu-virt": ("0-3", ROOT_COUNTERS)})
    add_status(sysfs, "qemu-virt", 0, "running")
    p = run(hvctl, "cell", "list", env={"BH_SYSFS": sysfs})
    assert (p.returncode, p.stdout, p.stderr) == (
        0, "NAME       STATE    HARTS\nqemu-virt  running  0-3\n", "")
    make_sysfs(tmp_path / "sys2", cells={"r": ("0", {0: {}}), "c": ("1", {1: {}})})
    add_status(tmp_path / "sys2", "r", 0, "running")
    add_status(tmp_path / "sys2", "c", 7, "failed", "two\nlines\tand a tab")
    p = run(hvctl, "cell", "list", env={"BH_SYSFS": tmp_path / "sys2"})
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == ("NAME  STATE    HARTS\n"
                        "r     running  0\n"
                        "c     failed   1 - two lines and a tab\n")


def test_cell_list_and_stats_need_the_hypervisor(hvctl, tmp_path):
    sysfs = make_sysfs(tmp_path / "sys", enabled="0", mem_used=None, mem_total=None)
    for cmd in (["list"], ["stats", "hello"]):
        p = run(hvctl, "cell", *cmd, env={"BH_SYSFS": sysfs})
        assert (p.returncode, p.stdout) == (1, "")
        assert p.stderr == f"hvctl: cell {cmd[0]}: hypervisor not enabled\n"
    missing = tmp_path / "none"
    for cmd in (["list"], ["stats", "hello"]):
        p = run(hvctl, "cell", *cmd, env={"BH_SYSFS": missing})
        assert (p.returncode, p.stdout) == (1, "")
        assert p.stderr == (f"hvctl: cannot read {missing}/enabled: No such file or directory\n"
                            + MODULE_HINT)


@pytest.mark.parametrize("rel, text, message", [
    ("cells/hello/state", None, "cannot read {p}: No such file or directory"),
    ("cells/hello/state", b"\n", "{p}: empty, expected a state"),
    ("cells/attack/reason", None, "cannot read {p}: No such file or directory"),
    ("cells/irq/id", b"one\n", '{p}: expected an unsigned decimal number, found "one"'),
    ("cells/zroot/id", None, "cannot read {p}: No such file or directory"),
    ("cells/smp-demo/cpus", b"4-\n",
     '{p}: expected a hart list like "0-3" (harts 0..63), found "4-"'),
])
def test_cell_list_bad_sysfs_gives_an_error_and_no_list(hvctl, tmp_path, rel, text, message):
    sysfs = cells_tree(tmp_path)
    path = _break(sysfs, rel, text)
    p = run(hvctl, "cell", "list", env={"BH_SYSFS": sysfs})
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == "hvctl: " + message.format(p=path) + "\n"


def test_cell_stats_prints_the_info_table_of_one_cell(hvctl, tmp_path):
    sysfs = cells_tree(tmp_path)
    env = {"BH_SYSFS": sysfs, "BH_DEVICE": tmp_path / "nodev"}
    p = run(hvctl, "cell", "stats", "attack", env=env)
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == ("cell attack\n"
                        "  harts: 3\n"
                        "  exits        cpu3\n"
                        "  mmio           12\n"
                        "  guest_fault     1\n"
                        "  total          13\n")
    p = run(hvctl, "cell", "stats", "smp-demo", env=env)
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == ("cell smp-demo\n"
                        "  harts: 4-5,7\n"
                        "  exits  cpu4  cpu5  cpu7\n"
                        "  total     0     0     0\n")


def test_cell_stats_is_infos_block(hvctl, tmp_path):
    sysfs = make_sysfs(tmp_path / "sys", cells={"root": ("0-3", ROOT_COUNTERS)})
    p = run(hvctl, "cell", "stats", "root", env={"BH_SYSFS": sysfs})
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == ROOT_EXPECTED.split("\n\n", 1)[1]


@pytest.mark.parametrize("name", ["nope", ".", "..", "a/b", "../cells", "hello/"])
def test_cell_stats_unknown_cell(hvctl, tmp_path, name):
    sysfs = cells_tree(tmp_path)
    p = run(hvctl, "cell", "stats", name, env={"BH_SYSFS": sysfs})
    assert (p.returncode, p.stdout, p.stderr) == (1, "", f"hvctl: cell stats: no cell '{name}'\n")


def test_cell_stats_bad_counter_gives_an_error_and_no_table(hvctl, tmp_path):
    sysfs = cells_tree(tmp_path)
    path = _break(sysfs, "cells/attack/statistics/cpu3/mmio", b"many\n")
    p = run(hvctl, "cell", "stats", "attack", env={"BH_SYSFS": sysfs})
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == f'hvctl: {path}: expected an unsigned decimal number, found "many"\n'


def test_info_still_lists_every_cell(hvctl, tmp_path):
    sysfs = cells_tree(tmp_path)
    p = run(hvctl, "info", env={"BH_SYSFS": sysfs})
    assert (p.returncode, p.stderr) == (0, "")
    cells = [line.split()[1] for line in p.stdout.splitlines() if line.startswith("cell ")]
    assert cells == ["attack", "broke", "hello", "irq", "smp-demo", "zroot"]


# ---------------------------------------------------------------- config check

# /proc/iomem of the QEMU board as root, under 6.1 and 6.12 (read on the board).
IOMEM_6_1 = """\
10000000-100000ff : serial
80200000-bbdfffff : System RAM
  80202000-80a35fff : Kernel image
    80202000-806c1e75 : Kernel code
bbe00000-bfdfffff : Reserved
bfe00000-bfffffff : System RAM
  bfe00000-bfe01fff : Reserved
"""
IOMEM_6_12 = """\
10000000-100000ff : serial
80000000-bbdfffff : System RAM
  80000000-8007ffff : Reserved
  80200000-80201fff : Reserved
  80202000-80685f27 : Kernel image
  bb000000-bbdfffff : Reserved
bbe00000-bfdfffff : Reserved
bfe00000-bfffffff : System RAM
  bfe00000-bfe01fff : Reserved
"""


def devicetree(root, nodes, acells=2, scells=2):
    """A fake /sys/firmware/devicetree/base with /reserved-memory nodes.

    nodes: {name: {property: bytes}}; "reg" may be given as [(base, size)].
    """
    rm = root / "reserved-memory"
    rm.mkdir(parents=True)
    (rm / "#address-cells").write_bytes(struct.pack(">I", acells))
    (rm / "#size-cells").write_bytes(struct.pack(">I", scells))
    for name, props in nodes.items():
        (rm / name).mkdir()
        (rm / name / "name").write_bytes(name.split("@")[0].encode() + b"\0")
        for prop, value in props.items():
            if prop == "reg":
                value = b"".join(
                    b.to_bytes(4 * acells, "big") + sz.to_bytes(4 * scells, "big")
                    for b, sz in value)
            (rm / name / prop).write_bytes(value)
    return root


BOARD_NODES = {"mmode_resv0@80000000": {"reg": [(0x80000000, 0x80000)]},
               "bulkhead@bbe00000": {"reg": [(0xbbe00000, 0x4000000)], "no-map": b""}}


def check(hvctl, tmp_path, config, iomem, nodes=None, env=None):
    cell = tmp_path / "check.cell"
    cell.write_bytes(config)
    e = {}
    if iomem is not None:
        (tmp_path / "iomem").write_text(iomem)
        e["BH_IOMEM"] = str(tmp_path / "iomem")
        e["BH_DEVICETREE"] = str(devicetree(tmp_path / "dt", BOARD_NODES if nodes is None
                                            else nodes))
    e.update(env or {})
    return cell, run(hvctl, "config", "check", cell, env=e)


def with_linux_ram_from(config, start):
    sys_cfg = cf.System.unpack(config)
    ram = next(r for r in sys_cfg.root.regions if r.phys_start <= 0x90000000 < r.phys_end)
    end = ram.phys_end
    ram.phys_start = ram.virt_start = start
    ram.size = end - start
    return sys_cfg


def test_config_check_off_board_is_the_validator(hvctl, good_config, tmp_path):
    cell, p = check(hvctl, tmp_path, good_config, None)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    assert p.stdout == (f"{cell}: valid system config, root cell 'root'\n"
                        f"{cell}: not compared with Linux's RAM: not on a RISC-V board "
                        "(BH_IOMEM=FILE compares with FILE)\n")


@pytest.mark.parametrize("case", ["signature", "revision", "truncated", "header-truncated",
                                  "trailing", "empty"])
def test_config_check_bad_config_gives_validator_message(hvctl, base_config, tmp_path, case):
    data, message = _mutations(base_config)[case]
    cell, p = check(hvctl, tmp_path, data, IOMEM_6_12)
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == f"hvctl: {cell}: {message}\n"


def test_config_check_cell_configs(hvctl, tmp_path):
    cell, p = check(hvctl, tmp_path, demo_cell().pack(), IOMEM_6_12)
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == f"{cell}: valid cell config 'demo'\n"
    bad = demo_cell()
    bad.cpu_set = 0
    (tmp_path / "bad").mkdir()
    cell, p = check(hvctl, tmp_path / "bad", bad.pack(), None)
    assert p.returncode == 1 and p.stdout == ""
    assert p.stderr == f"hvctl: {cell}: cell 'demo': CPU set is empty\n"


@pytest.mark.parametrize("iomem", [IOMEM_6_1, IOMEM_6_12], ids=["6.1", "6.12"])
def test_config_check_board_config_fits_both_kernels(hvctl, good_config, tmp_path, iomem):
    cell, p = check(hvctl, tmp_path, good_config, iomem)
    assert (p.returncode, p.stderr) == (0, ""), p.stderr
    low = "0x80080000" if "80000000-bbdfffff" in iomem else "0x80200000"
    assert p.stdout.splitlines()[1] == (
        f"{cell}: the root cell maps all of Linux's RAM ({low}-0xbbdfffff, "
        f"0xbfe00000-0xbfffffff, from {tmp_path / 'iomem'})")


def test_config_check_old_config_on_6_12_names_the_gap(hvctl, good_config, tmp_path):
    old = with_linux_ram_from(good_config, 0x80200000).pack()
    cell, p = check(hvctl, tmp_path, old, IOMEM_6_12)
    assert p.returncode == 1
    assert p.stderr == (f"hvctl: {cell}: Linux uses RAM 0x80080000-0x801fffff that the root "
                        "cell does not map\n")
    # 6.1 is fine with it.
    (tmp_path / "6.1").mkdir()
    cell, p = check(hvctl, tmp_path / "6.1", old, IOMEM_6_1)
    assert (p.returncode, p.stderr) == (0, "")


def test_config_check_reports_every_problem(hvctl, good_config, tmp_path):
    sys_cfg = with_linux_ram_from(good_config, 0x80400000)
    # A hole at 0x90000000, the DTB region gone, and hypervisor memory in Linux RAM.
    ram = next(r for r in sys_cfg.root.regions if r.phys_start == 0x80400000)
    end = ram.phys_end
    ram.size = 0x90000000 - ram.phys_start
    sys_cfg.root.regions.append(cf.MemRegion(0x90100000, 0x90100000, end - 0x90100000,
                                             ram.flags))
    sys_cfg.root.regions = [r for r in sys_cfg.root.regions if r.phys_start != 0xbfe00000]
    iomem = IOMEM_6_12 + "c0000000-c0ffffff : System RAM\n"
    sys_cfg.hv_phys_start = 0xc0000000
    cell, p = check(hvctl, tmp_path, sys_cfg.pack(), iomem)
    assert (p.returncode, p.stdout.splitlines()[1:]) == (1, []), p.stdout
    assert p.stderr.splitlines() == [
        f"hvctl: {cell}: hypervisor memory [0xc0000000..0xc1000000) overlaps Linux RAM "
        "0xc0000000-0xc0ffffff",
        f"hvctl: {cell}: Linux uses RAM 0x80080000-0x803fffff that the root cell does not map",
        f"hvctl: {cell}: Linux uses RAM 0x90000000-0x900fffff that the root cell does not map",
        f"hvctl: {cell}: Linux uses RAM 0xbfe00000-0xbfffffff that the root cell does not map",
        f"hvctl: {cell}: Linux uses RAM 0xc0000000-0xc0ffffff that the root cell does not map",
    ]


def test_config_check_region_without_execute(hvctl, good_config, tmp_path):
    sys_cfg = cf.System.unpack(good_config)
    index, ram = next((i, r) for i, r in enumerate(sys_cfg.root.regions)
                      if r.phys_start == 0xbfe00000)
    ram.flags = cf.MEM_READ | cf.MEM_WRITE
    cell, p = check(hvctl, tmp_path, sys_cfg.pack(), IOMEM_6_12)
    assert p.returncode == 1
    assert p.stderr == (f"hvctl: {cell}: Linux uses RAM 0xbfe00000-0xbfffffff that root cell "
                        f"region {index} maps as IO or without read, write and execute "
                        "access\n")


@pytest.mark.parametrize("extra, subtracted", [
    ({}, True),
    ({"status": b"okay\0"}, True),
    ({"status": b"disabled\0"}, False),
    ({"compatible": b"shared-dma-pool\0"}, False),
    ({"reusable": b""}, False),
    ({"phandle": b"\0\0\0\x05"}, False),
])
def test_config_check_firmware_carveouts(hvctl, good_config, tmp_path, extra, subtracted):
    """Only a reserved-memory node no driver can claim and nothing refers to is not Linux's."""
    nodes = {"mmode_resv0@80000000": {"reg": [(0x80000000, 0x80000)], **extra}}
    full = with_linux_ram_from(good_config, 0x80080000).pack()
    cell, p = check(hvctl, tmp_path, full, IOMEM_6_12, nodes)
    if subtracted:
        assert (p.returncode, p.stderr) == (0, "")
    else:
        assert p.returncode == 1
        assert p.stderr == (f"hvctl: {cell}: Linux uses RAM 0x80000000-0x8007ffff that the "
                            "root cell does not map\n")


def test_config_check_one_address_cell(hvctl, good_config, tmp_path):
    (tmp_path / "dt").mkdir()
    devicetree(tmp_path / "dt" / "base", {"fw@80000000": {"reg": [(0x80000000, 0x80000)]}},
               acells=1, scells=1)
    (tmp_path / "iomem").write_text(IOMEM_6_12)
    (tmp_path / "c.cell").write_bytes(good_config)
    p = run(hvctl, "config", "check", tmp_path / "c.cell",
            env={"BH_IOMEM": str(tmp_path / "iomem"),
                 "BH_DEVICETREE": str(tmp_path / "dt" / "base")})
    assert (p.returncode, p.stderr) == (0, "")


def test_config_check_without_iomem_addresses(hvctl, good_config, tmp_path):
    # What a user other than root reads.
    hidden = "00000000-00000000 : System RAM\n  00000000-00000000 : Reserved\n" * 2
    cell, p = check(hvctl, tmp_path, good_config, hidden)
    assert p.returncode == 1
    assert p.stderr == (f"hvctl: {tmp_path / 'iomem'} shows no addresses (only root may read "
                        "them): Linux's RAM cannot be checked\n")
    cell, p = check(hvctl, tmp_path, good_config, None,
                    env={"BH_IOMEM": str(tmp_path / "missing")})
    assert p.returncode == 1
    assert p.stderr == f"hvctl: cannot read {tmp_path / 'missing'}: No such file or directory\n"


def test_config_check_matches_the_model(hvctl, good_config, tmp_path):
    """Random Linux RAM against random root regions: hvctl reports the model's gaps."""
    rng = random.Random(614)
    base = cf.System.unpack(good_config)
    io = [r for r in base.root.regions if r.flags & cf.MEM_IO]
    flags = [RWX, RWX, RWX | cf.MEM_LOADABLE, cf.MEM_READ | cf.MEM_WRITE]
    for n in range(60):
        sys_cfg = cf.System.unpack(good_config)
        regions, pos = [], 0x80000000 + rng.randrange(0, 8) * 0x10000
        for _ in range(rng.randrange(1, 6)):
            size = rng.randrange(1, 16) * 0x10000
            regions.append(cf.MemRegion(pos, pos, size, rng.choice(flags)))
            pos += size + rng.choice([0, 0, 0x10000, 0x30000])
        sys_cfg.root.regions = io + regions
        ram, pos = [], 0x80000000
        for _ in range(rng.randrange(1, 4)):
            start = pos + rng.randrange(0, 6) * 0x10000
            end = start + rng.randrange(1, 20) * 0x10000 - 1
            ram.append((start, end))
            pos = end + 1 + rng.randrange(1, 4) * 0x10000
        iomem = "".join(f"{s:08x}-{e:08x} : System RAM\n" for s, e in ram)
        (tmp_path / str(n)).mkdir()
        cell, p = check(hvctl, tmp_path / str(n), sys_cfg.pack(), iomem, nodes={})
        want = [f"hvctl: {cell}: " + linuxram.refusal(gs, ge, v, i)
                for v, gs, ge, i in linuxram.gaps(ram, sys_cfg.root.regions)]
        assert p.stderr.splitlines() == want, (sys_cfg.root.regions, ram)
        assert p.returncode == (1 if want else 0)


# ---------------------------------------------------------------- cell send

@pytest.mark.parametrize("text, sent", [
    ("ls\\n", b"ls\n"),
    ("a\\r\\t\\e\\\\b", b"a\r\t\x1b\\b"),
    ("\\x41\\x7e\\xff\\x00z", b"A~\xff\x00z"),
    ("plain", b"plain"),
    ("", b""),
])
def test_cell_send_unescapes(hvctl, tmp_path, driver_shim, text, sent):
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "cell", "send", "linux", text, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stderr) == (0, "")
    got = (tmp_path / "sent").read_bytes() if (tmp_path / "sent").exists() else b""
    assert got == sent


def test_cell_send_retries_until_all_is_taken(hvctl, tmp_path, driver_shim):
    _, env = driver_shim.setup(tmp_path, SHIM_SEND_TAKE="1000")
    text = "".join(chr(ord("a") + i % 26) for i in range(3500))
    p = run(hvctl, "cell", "send", "linux", text, env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stderr) == (0, "")
    assert (tmp_path / "sent").read_bytes() == text.encode()
    assert driver_shim.calls(tmp_path) == ["cell_send linux 3500 1000", "cell_send linux 2500 1000",
                                           "cell_send linux 1500 1000", "cell_send linux 500 500"]


@pytest.mark.parametrize("text, message", [
    ("a\\", "hvctl: cell send: '\\' at the end of 'a\\'"),
    ("\\q", "hvctl: cell send: unknown escape '\\q' (known: \\n \\r \\t \\e \\\\ \\xHH)"),
    ("\\x4", "hvctl: cell send: '\\x' needs two hex digits in '\\x4'"),
    ("\\xg0", "hvctl: cell send: '\\x' needs two hex digits in '\\xg0'"),
    ("x" * 4097, "hvctl: cell send: text longer than 4096 bytes"),
])
def test_cell_send_bad_text_sends_nothing(hvctl, tmp_path, driver_shim, text, message):
    _, env = driver_shim.setup(tmp_path)
    p = run(hvctl, "cell", "send", "linux", text, env=env, preload=driver_shim.lib)
    assert p.returncode == 2
    assert p.stderr.splitlines()[0] == message
    assert driver_shim.calls(tmp_path) == []


def test_cell_send_driver_error(hvctl, tmp_path, driver_shim):
    _, env = driver_shim.setup(tmp_path, SHIM_ERRNO="2", SHIM_MESSAGE="no cell 'nosuch'")
    p = run(hvctl, "cell", "send", "nosuch", "x", env=env, preload=driver_shim.lib)
    assert (p.returncode, p.stderr) == (1, "hvctl: cell send: no cell 'nosuch'\n")
