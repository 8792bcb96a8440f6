"""hvctl, the Bulkhead command-line tool, built for the host (build/host/hvctl).

Runs against a fake sysfs tree (BH_SYSFS) and fake device paths (BH_DEVICE).
The ioctl paths run against a small LD_PRELOAD library, compiled here, that
plays the driver from the documented interface (include/bulkhead/uapi.h):
it records what hvctl passes and answers what each test asks for. The real
driver is exercised by the board tests.
"""
import os
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
from paths import BUILD, ROOT  # noqa: E402

HVCTL = BUILD / "host" / "hvctl"
SYSTEM_CELL = BUILD / "configs" / "system.cell"
MODULE_HINT = "hvctl: is the bulkhead module loaded? insmod /lib/modules/bulkhead/bulkhead.ko\n"

EXIT_REASONS = ["irq_timer", "irq_software", "irq_external", "sbi_time", "sbi_ipi",
                "sbi_rfence", "sbi_hsm", "sbi_console", "sbi_other", "hypercall", "mmio",
                "guest_fault", "virtual_insn", "other"]

COMMANDS = ["enable", "disable", "info", "console", "help"]


# ---------------------------------------------------------------- plumbing

@pytest.fixture(scope="session")
def hvctl():
    """build/host/hvctl, (re)built by its make rule."""
    r = subprocess.run(["make", "-s", f"BUILD={BUILD}", str(HVCTL)], cwd=ROOT,
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail(f"building {HVCTL} failed:\n{r.stdout}{r.stderr}")
    return HVCTL


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
    for k in ("BH_DEVICE", "BH_SYSFS", "LD_PRELOAD"):
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
    listed = [line.split()[0] for line in text.split("Commands:\n")[1].split("\n\n")[0]
              .splitlines()]
    assert listed == COMMANDS
    for word in ("enable FILE", "console [-f]", "BH_DEVICE", "BH_SYSFS",
                 "Output of 'hvctl info'", "hypervisor: enabled", "memory used:",
                 "memory total:", "cell NAME", "harts:", "total"):
        assert word in text, word
    assert all(r in text for r in EXIT_REASONS)
    assert max(len(line) for line in text.splitlines()) <= 100


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

SHIM_C = r"""
/* Plays /dev/bulkhead for hvctl's host tests; see test_hvctl.py. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/uapi.h>

static void log_call(const char *fmt, ...)
{
	FILE *f = fopen(getenv("SHIM_LOG"), "a");
	va_list ap;

	if (!f)
		abort();
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

static int fail_if_asked(void)
{
	const char *e = getenv("SHIM_ERRNO");

	if (e && *e) {
		errno = atoi(e);
		return -1;
	}
	return 0;
}

/* The console: SHIM_CONSOLE holds every byte ever written, the ring keeps the last SHIM_RING. */
static int console(struct bh_ioctl_console *c)
{
	static char all[1 << 20];
	FILE *f = fopen(getenv("SHIM_CONSOLE"), "rb");
	uint64_t head, ring = strtoull(getenv("SHIM_RING"), NULL, 0), start, pos = c->pos, n;

	if (!f)
		abort();
	head = fread(all, 1, sizeof(all), f);
	fclose(f);
	start = head > ring ? head - ring : 0;
	if (pos > head) {
		errno = EINVAL;
		return -1;
	}
	c->skipped = pos < start ? start - pos : 0;
	if (pos < start)
		pos = start;
	n = head - pos < c->buf_size ? head - pos : c->buf_size;
	memcpy((void *)(uintptr_t)c->buf_ptr, all + pos, n);
	c->length = n;
	c->pos = pos + n;
	log_call("console %llu %llu", (unsigned long long)c->buf_size, (unsigned long long)n);
	return 0;
}

int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	(void)fd;
	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (request == BH_IOCTL_ENABLE) {
		struct bh_ioctl_enable *e = arg;
		const char *msg = getenv("SHIM_MESSAGE");
		FILE *f = fopen(getenv("SHIM_CONFIG"), "wb");

		fwrite((void *)(uintptr_t)e->config_ptr, 1, e->config_size, f);
		fclose(f);
		log_call("enable %llu %llu", (unsigned long long)e->config_size,
			 (unsigned long long)e->err_size);
		if (msg && e->err_ptr)
			memcpy((void *)(uintptr_t)e->err_ptr, msg,
			       strlen(msg) + 1 < e->err_size ? strlen(msg) + 1 : e->err_size);
		return fail_if_asked();
	}
	if (request == BH_IOCTL_DISABLE) {
		log_call("disable");
		return fail_if_asked();
	}
	if (request == BH_IOCTL_CONSOLE) {
		if (fail_if_asked())
			return -1;
		return console(arg);
	}
	log_call("unknown %#lx", request);
	errno = ENOTTY;
	return -1;
}
"""


class DriverShim:
    def __init__(self, lib):
        self.lib = lib

    @staticmethod
    def setup(tmp_path, **env):
        """A device node stand-in (a plain file) and the shim's environment."""
        dev = tmp_path / "bulkhead-dev"
        dev.write_bytes(b"")
        e = {"BH_DEVICE": str(dev), "SHIM_LOG": str(tmp_path / "shim.log"),
             "SHIM_CONFIG": str(tmp_path / "passed.cell"),
             "SHIM_CONSOLE": str(tmp_path / "console"), "SHIM_RING": "4096"}
        e.update({k: str(v) for k, v in env.items()})
        return dev, e

    @staticmethod
    def calls(tmp_path):
        log = tmp_path / "shim.log"
        return log.read_text().splitlines() if log.exists() else []


@pytest.fixture(scope="session")
def driver_shim(tmp_path_factory):
    d = tmp_path_factory.mktemp("shim")
    (d / "shim.c").write_text(SHIM_C)
    r = subprocess.run(["cc", "-std=c11", "-Wall", "-Werror", "-shared", "-fPIC",
                        f"-I{ROOT / 'include'}", "-o", str(d / "shim.so"), str(d / "shim.c")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return DriverShim(d / "shim.so")


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
