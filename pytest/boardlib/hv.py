"""Driving Bulkhead on a board: the module, hvctl, sysfs and /proc/interrupts."""
import os
import re
import shlex
import time

from .errors import CommandFailed
from .kernels import version_of

SYSFS = "/sys/devices/bulkhead"
MODULE = "/lib/modules/bulkhead/bulkhead.ko"
SYSTEM_CELL = "/etc/bulkhead/system.cell"
PAGE_KB = 4  # the board kernels' page size
# BH_SYSTEM_CELL=generated: enable with the config hvctl config create makes on the board from
# its own device tree (docs/porting.md), the hypervisor where qemu-virt.c has it.
GENERATED_CELL = "/tmp/bh-generated-system.cell"
GENERATE = "config create --hv-addr 0xbbe00000 -o " + GENERATED_CELL


class Hypervisor:
    def __init__(self, board):
        self.board = board

    def load_module(self):
        if self.board.run(f"test -d {SYSFS}", check=False).returncode != 0:
            self.board.sh(f"insmod {self.board.project_file(MODULE)}")

    def hvctl(self, args, check=True, timeout=120):
        return self.board.run(f"{self.board.project_file('/usr/sbin/hvctl')} {args}",
                              check=check, timeout=timeout)

    def enabled(self):
        return self.board.read(f"{SYSFS}/enabled") == "1"

    def _change(self, args, done_already):
        """hvctl enable or disable, once, even when the SSH session had to be retried."""
        try:
            self.hvctl(args)
        except CommandFailed as e:
            # SshTarget runs a command again when its session died without output
            # (dropbear, around stop_machine()); the first run may have done it.
            if not (e.result.retried and done_already in e.result.stderr):
                raise

    def system_cell(self):
        if os.environ.get("BH_SYSTEM_CELL") != "generated":
            return self.board.project_file(SYSTEM_CELL)
        self.hvctl(GENERATE)
        return GENERATED_CELL

    def enable(self, cell=None):
        self.load_module()
        self._change(f"enable {cell or self.system_cell()}", "hypervisor already enabled")
        assert self.enabled()

    def disable(self):
        self._change("disable", "not enabled")
        assert not self.enabled()

    def ensure_disabled(self):
        self.load_module()
        if self.enabled():
            self.disable()

    def ensure_enabled(self):
        self.load_module()
        if not self.enabled():
            self.enable()

    def mem_used(self):
        return int(self.board.read(f"{SYSFS}/mem_used"))

    def cells(self):
        return self.board.sh(f"ls {SYSFS}/cells").split()

    def stats(self, cell):
        """{hart: {reason: count}} for one cell, read in one SSH round trip."""
        out = self.board.sh(f"cd {SYSFS}/cells/{cell}/statistics && grep -r . .")
        stats = {}
        for line in out.splitlines():
            m = re.match(r"\./cpu(\d+)/(\w+):(\d+)$", line)
            if m:
                stats.setdefault(int(m.group(1)), {})[m.group(2)] = int(m.group(3))
        return stats


# The hart ids of the root's online CPUs, e.g. "0 1 2". Linux numbers CPUs from its boot hart,
# which OpenSBI picks by lottery, so CPU n need not be hart n: compare harts, not CPUs.
# Only the "hart : N" lines: 6.12 also has "hart isa : ...".
ONLINE_HARTS_SH = ("sed -n 's/^hart[[:space:]]*:[[:space:]]*\\([0-9][0-9]*\\)$/\\1/p' /proc/cpuinfo"
                   " | sort -n | xargs")


def online_harts(board):
    return board.sh(ONLINE_HARTS_SH)


def interrupts(board, action):
    """[count per CPU] of the /proc/interrupts line whose last column is `action`."""
    lines = board.read("/proc/interrupts").splitlines()
    ncpu = len(lines[0].split())
    for line in lines[1:]:
        parts = line.split()
        if parts and parts[-1] == action:
            return [int(x) for x in parts[1:1 + ncpu]]
    raise AssertionError(f"no '{action}' line in /proc/interrupts:\n" + "\n".join(lines))


class Cells:
    """Cells on a board, through hvctl."""

    def __init__(self, hv):
        self.hv = hv
        self.board = hv.board

    def config(self, name):
        return self.board.project_file(f"/etc/bulkhead/{name}-cell.cell")

    def image(self, name, kind="bin"):
        return self.board.project_file(f"/usr/share/bulkhead/inmates/{name}.{kind}")

    def _once(self, args, done_already):
        """A cell command that must run once, even when the SSH session had to be retried."""
        try:
            return self.hv.hvctl(args)
        except CommandFailed as e:
            # As for enable/disable: the session that died without output may have done it.
            if not (e.result.retried and done_already in e.result.stderr):
                raise
            return e.result

    def create(self, config_path, check=True):
        if not check:
            return self.hv.hvctl(f"cell create {config_path}", check=False)
        return self._once(f"cell create {config_path}", "already exists")

    def destroy(self, name):
        return self._once(f"cell destroy {name}", f"no cell '{name}'")

    def run_demo(self, name, cell=None, params=None):
        """create + load + (parameter page) + start of a demo cell; returns the cell name."""
        cell = cell or name
        self.create(self.config(name))
        self.hv.hvctl(f"cell load {cell} {self.image(name)}")
        if params is not None:
            self.board.target.put(params.encode() + b"\n\0", "/tmp/params")
            self.hv.hvctl(f"cell load {cell} /tmp/params -a 0x800ff000")
        self._once(f"cell start {cell}", "is already running")
        return cell

    def console(self, cell):
        return self.hv.hvctl(f"cell console {cell}").stdout

    def send(self, cell, text, check=True, timeout=120):
        """hvctl cell send: text with hvctl's escapes (\\n ...), quoted for the board's shell."""
        return self.hv.hvctl(f"cell send {cell} {shlex.quote(text)}", check=check,
                             timeout=timeout)

    def wait_console(self, cell, pattern, timeout=60):
        """Poll the cell's console until `pattern` (a regex) shows; return the console."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.console(cell)
            if re.search(pattern, text, re.M):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"'{pattern}' not in cell {cell}'s console after "
                                     f"{timeout} s:\n{text}")
            time.sleep(0.5)

    def state(self, cell):
        return self.board.read(f"{SYSFS}/cells/{cell}/state")

    def reason(self, cell):
        return self.board.read(f"{SYSFS}/cells/{cell}/reason")

    def wait_state(self, cell, state, timeout=30):
        deadline = time.monotonic() + timeout
        while self.state(cell) != state:
            if time.monotonic() > deadline:
                raise AssertionError(f"cell {cell} is {self.state(cell)}, not {state}")
            time.sleep(0.3)

    def names(self):
        return self.hv.cells()

    def destroy_all(self):
        for name in self.names():
            if name != "root":
                self.destroy(name)


# How much unreclaimable slab (kB) a run that leaks nothing may still add, by the kernel
# the board runs. 6.1's tiny config allocates with SLOB, which keeps no free objects:
# SUnreclaim is steady to a few kB. 6.12 has no SLOB; SLUB keeps partial and empty slabs
# per CPU and per node, and their number moves with CPU hotplug: measured on the QEMU board,
# SUnreclaim wanders by up to ~190 kB over 50-150 CPU offline/online cycles, with or
# without Bulkhead, and goes back down (no growth per cycle).
SLAB_SLACK_KB = {(6, 1): 128, (6, 12): 512}


def slab_slack_kb(board):
    release = board.sh("uname -r")
    version = version_of(release)
    if version not in SLAB_SLACK_KB:
        raise AssertionError(f"no SUnreclaim slack known for Linux {release} (boardlib/hv.py)")
    return SLAB_SLACK_KB[version]


def meminfo(board):
    """/proc/meminfo in kB, after dropping the page cache so only real use counts.

    Also "FreeAndPcp": MemFree plus the free pages parked on the per-CPU page lists
    (/proc/zoneinfo's pagesets). Those lists drain when a CPU goes offline and refill as it
    allocates again, so MemFree alone moves by megabytes across CPU hotplug with nothing leaked
    (6.12 root, 12 Linux cell cycles: MemFree 868,676..873,984 kB, the sum within 700 kB).
    """
    board.sh("sync; echo 3 > /proc/sys/vm/drop_caches")
    info = {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", board.read("/proc/meminfo"),
                                             re.M)}
    pcp_pages = sum(int(n) for n in re.findall(r"^\s+count:\s+(\d+)$",
                                               board.read("/proc/zoneinfo"), re.M))
    info["FreeAndPcp"] = info["MemFree"] + pcp_pages * PAGE_KB
    return info
