"""Reading the hvcount plugin's counters: snapshots over its Unix socket, and their differences.

A snapshot is the plugin's JSON line: {"lo", "hi", "cpus": [{"insns", "spin", "entries",
"tags": {TAG: {"insns", "spin", "episodes", "min", "max"}}}]}. The counters only grow,
except that an episode's instructions move from "other" to its tag when the tag is
reached; at moments when the harts of interest are not inside the hypervisor, the
difference of two snapshots is exactly what the hypervisor did in between.
"""
import json
import socket
import time


class PluginGone(Exception):
    """The plugin's socket does not answer (QEMU exited?)."""


class Counters:
    def __init__(self, sock_path, timeout=10):
        self.sock_path = str(sock_path)
        self.timeout = timeout

    def snapshot(self, reset=False):
        """The counters now; reset: the per-episode min and max start afresh first."""
        data = b""
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(self.timeout)
                s.connect(self.sock_path)
                s.sendall(b"reset\n" if reset else b"snapshot\n")
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
        except OSError as e:
            raise PluginGone(f"hvcount socket {self.sock_path}: {e}") from None
        return json.loads(data)

    def wait_socket(self, timeout, alive=lambda: True):
        """Until the plugin answers (QEMU loads it before the machine starts)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.snapshot()
            except PluginGone:
                if time.monotonic() > deadline or not alive():
                    raise
                time.sleep(0.1)


COUNTS = ("insns", "spin", "episodes")


def delta(before, after, harts=None):
    """after - before, per hart: {"insns", "spin", "entries", "tags": {tag: {insns, spin,
    episodes}}}, only the tags that changed."""
    out = {}
    for hart, (b, a) in enumerate(zip(before["cpus"], after["cpus"])):
        if harts is not None and hart not in harts:
            continue
        tags = {}
        for tag, at in a["tags"].items():
            bt = b["tags"][tag]
            d = {k: at[k] - bt[k] for k in COUNTS}
            if any(d.values()):
                tags[tag] = d
        out[hart] = {"insns": a["insns"] - b["insns"], "spin": a["spin"] - b["spin"],
                     "entries": a["entries"] - b["entries"], "tags": tags}
    return out


def total(per_hart, field="insns"):
    return sum(h[field] for h in per_hart.values())


def tag_total(per_hart, tag, field="insns"):
    return sum(h["tags"].get(tag, {}).get(field, 0) for h in per_hart.values())


def by_tag(per_hart):
    """{tag: {insns, spin, episodes}} summed over harts."""
    out = {}
    for h in per_hart.values():
        for tag, c in h["tags"].items():
            acc = out.setdefault(tag, dict.fromkeys(COUNTS, 0))
            for k in COUNTS:
                acc[k] += c[k]
    return out


def episode_range(snapshot, tag, harts):
    """(min, max) work of one episode of `tag` on `harts` finished since the last reset."""
    mins = [snapshot["cpus"][h]["tags"][tag]["min"] for h in harts]
    maxs = [snapshot["cpus"][h]["tags"][tag]["max"] for h in harts]
    mins = [m for m in mins if m is not None]
    maxs = [m for m in maxs if m is not None]
    return (min(mins), max(maxs)) if mins else None


def blocks(counters_obj):
    """{pc: (insns, [runs per hart])}: the plugin's per-block profile, translations of one
    block merged."""
    data = b""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(counters_obj.timeout)
            s.connect(counters_obj.sock_path)
            s.sendall(b"blocks\n")
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                data += chunk
    except OSError as e:
        raise PluginGone(f"hvcount socket {counters_obj.sock_path}: {e}") from None
    out = {}
    for pc, n, runs in json.loads(data)["blocks"]:
        if pc in out:
            out[pc] = (n, [a + b for a, b in zip(out[pc][1], runs)])
        else:
            out[pc] = (n, runs)
    return out


def profile(before, after, hart, functions):
    """{function: {"insns", "calls"}} on one hart between two block profiles: each block is
    charged to the function whose range holds it (functions: sorted [(start, end, name)]
    on the board); "calls" counts runs of the block at the function's start."""
    import bisect
    starts = [f[0] for f in functions]
    out = {}
    for pc, (n, runs) in after.items():
        ran = runs[hart] - (before[pc][1][hart] if pc in before else 0)
        if not ran:
            continue
        i = bisect.bisect_right(starts, pc) - 1
        name = functions[i][2] if i >= 0 and pc < functions[i][1] else f"{pc:#x}"
        f = out.setdefault(name, {"insns": 0, "calls": 0})
        f["insns"] += ran * n
        if i >= 0 and pc == functions[i][0]:
            f["calls"] += ran
    return out
