"""The bench's counting (tools/bench, docs/bench.md), on the host.

- The wait-loop classifier (tools/bench/spin.c), built here and called through ctypes, on
  instruction blocks assembled by the GNU assembler (an encoder independent of the
  decoder under test), each with the verdict restated from the rules in spin.h.
- The hvcount plugin itself, built by tools/bench/bench.mk (skipped when Debian's qemu
  source, which has the plugin API header, has not been fetched by `make bench` yet),
  run by qemu-system-riscv64 on tools/bench/selftest.S: a bare-metal program on two
  harts whose every block is listed with its length in the source, so the counts per
  hart, per episode tag and of waiting are known exactly for any loop lengths.
- The runner's view of the hypervisor build (tools/bench/hvsyms.py): every tag names a
  function of the built image, at its address on the board.
"""
import ctypes
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from paths import BUILD, ROOT  # noqa: E402

BENCH = ROOT / "tools" / "bench"
sys.path.insert(0, str(BENCH))
import cellfile as cf  # noqa: E402
import hvsyms  # noqa: E402

CROSS = "riscv64-unknown-elf-"
QEMU = "qemu-system-riscv64"
# Where `make bench` unpacks Debian's qemu source (bench.mk's BENCH_SRC_DIR, same override).
QEMU_SRC_DIR = Path(os.environ.get("BENCH_SRC_DIR") or BUILD / "src").resolve()
PLUGIN_H = QEMU_SRC_DIR / "qemu" / "include" / "qemu" / "qemu-plugin.h"

# selftest.S: the counted page, and the string its strlen loop walks.
COUNTED = (0x80000000, 0x80001000)
MESSAGE = "bulkhead bench"


def need(tool):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} not installed (make deps)")


# ---------------------------------------------------------------- the classifier

class Insn(ctypes.Structure):
    _fields_ = [("vaddr", ctypes.c_uint64), ("raw", ctypes.c_uint32), ("size", ctypes.c_uint)]


@pytest.fixture(scope="module")
def spin_lib(tmp_path_factory):
    need("cc")
    out = tmp_path_factory.mktemp("spin") / "libspin.so"
    r = subprocess.run(["cc", "-std=gnu11", "-O2", "-fPIC", "-shared", "-Wall", "-Wextra",
                        "-Werror", "-Wshadow", "-Wstrict-prototypes", "-o", str(out),
                        str(BENCH / "spin.c")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    lib = ctypes.CDLL(str(out))
    lib.bench_tb_is_spin.argtypes = [ctypes.POINTER(Insn), ctypes.c_size_t]
    lib.bench_tb_is_spin.restype = ctypes.c_bool
    lib.bench_tb_retry_target.argtypes = [ctypes.POINTER(Insn), ctypes.c_size_t,
                                          ctypes.POINTER(ctypes.c_uint64)]
    lib.bench_tb_retry_target.restype = ctypes.c_bool
    return lib


# (name, block, is a wait loop, retry target: None, or "back" = the label before the
# block). A block starts at its first line; "1:" there is its own start.
BLOCKS = [
    ("poll, compressed", ["1: lw a5, 0(a0)", "bnez a5, 1b"], True, None),
    ("poll, 32-bit", [".option norvc", "1: lw a5, 0(a0)", "bnez a5, 1b"], True, None),
    ("poll with a fence", ["1: lw a4, 0(s1)", "fence rw, rw", "bne a4, a5, 1b"], True, None),
    ("constant set in the loop", ["1: lw t2, 0(t0)", "li t1, 2", "fence r, rw",
                                  "bne t2, t1, 1b"], True, None),
    ("poll a CSR", ["1: csrr a5, sip", "andi a5, a5, 2", "beqz a5, 1b"], True, None),
    ("lr poll", ["1: lr.w a5, (a0)", "bnez a5, 1b"], True, None),
    ("jump to itself", ["1: j 1b"], True, None),
    ("strlen: moving pointer", ["1: lbu a5, 0(a0)", "addi a0, a0, 1", "bnez a5, 1b"],
     False, None),
    ("countdown beside a load", ["1: lw t2, 0(t3)", "addi t4, t4, -1", "bnez t4, 1b"],
     False, None),
    ("pointer chase", ["1: ld a0, 0(a0)", "bnez a0, 1b"], False, None),
    ("compressed pointer chase", ["1: c.ld a0, 0(a0)", "c.bnez a0, 1b"], False, None),
    ("a store in the loop", ["1: sw zero, 0(a1)", "lw a5, 0(a0)", "bnez a5, 1b"],
     False, None),
    ("wfi in the loop", ["1: wfi", "lw a5, 0(a0)", "beqz a5, 1b"], False, None),
    ("CSR write in the loop", ["1: csrw sscratch, a5", "lw a5, 0(a0)", "beqz a5, 1b"],
     False, None),
    ("csrrs that sets bits", ["1: csrrs a5, sip, a1", "beqz a5, 1b"], False, None),
    ("hypervisor load", ["1: .insn r 0x73, 0x4, 0x32, a5, a0, x0", "beqz a5, 1b"],
     False, None),
    ("branch elsewhere", ["lw a5, 0(a0)", "bnez a5, back"], False, None),
    ("loop head after the start", ["li a4, 2", "1: lw a5, 0(a0)", "bne a5, a4, 1b"],
     False, None),
    ("indirect jump", ["lw a5, 0(a0)", "jr a5"], False, None),
    ("no branch at the end", ["lw a5, 0(a0)", "addi a5, a5, 1"], False, None),
    # Atomics: never a wait loop; a retry when the branch back depends on their result.
    ("spin_lock retry", ["mv a5, a4", "amoswap.w.aq a5, a5, (s4)", "sext.w a5, a5",
                         "bnez a5, back"], False, "back"),
    ("sc retry", ["sc.w t3, t1, (t0)", "bnez t3, back"], False, "back"),
    ("amoswap to itself", ["1: amoswap.w a5, a4, (a0)", "bnez a5, 1b"], False, "1b"),
    ("atomic result overwritten", ["amoswap.w a5, a4, (a0)", "li a5, 0", "bnez a5, back"],
     False, None),
    ("loop around an amoor", ["amoor.w zero, a1, (a0)", "addi a2, a2, 1",
                              "bne a2, a3, back"], False, None),
    ("atomic, forward branch", ["amoswap.w.aq a5, a4, (a0)", "beqz a5, 2f", "2: nop"],
     False, None),
    ("store beside the atomic", ["sw a1, 0(a2)", "sc.w t3, t1, (t0)", "bnez t3, back"],
     False, None),
    ("load, no atomic", ["lw a5, 0(a0)", "bnez a5, back"], False, None),
    ("atomic, then a jump back", ["amoswap.w a5, a4, (a0)", "j back"], False, None),
]


@pytest.fixture(scope="module")
def assembled(tmp_path_factory):
    """{case index: [Insn]} and {case index: address of its 'back' label}."""
    need(CROSS + "gcc")
    d = tmp_path_factory.mktemp("blocks")
    lines = [".option norelax", ".text", ".globl _start", "_start:"]
    for i, (_, block, _, _) in enumerate(BLOCKS):
        lines += [f"case{i}_back:", "nop", f"case{i}:"]
        lines += [line.replace("back", f"case{i}_back") for line in block]
        lines += [".option rvc", f"case{i}_end:", "nop"]
    (d / "blocks.S").write_text("\n".join(lines) + "\n")
    elf = d / "blocks.elf"
    r = subprocess.run([CROSS + "gcc", "-nostdlib", "-nostartfiles", "-march=rv64imac_zicsr",
                        "-mabi=lp64", "-Wl,-Ttext=0x10000", "-o", str(elf), str(d / "blocks.S")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    syms = {}
    for line in subprocess.run([CROSS + "nm", str(elf)], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        value, _, name = line.split()
        syms[name] = int(value, 16)
    insns = []
    for line in subprocess.run([CROSS + "objdump", "-d", str(elf)], capture_output=True,
                               text=True, check=True).stdout.splitlines():
        m = re.match(r"\s+([0-9a-f]+):\s+([0-9a-f]{4}|[0-9a-f]{8})\s", line)
        if m:
            encoding = m.group(2)
            insns.append(Insn(int(m.group(1), 16), int(encoding, 16), len(encoding) // 2))
    blocks, backs = {}, {}
    for i in range(len(BLOCKS)):
        lo, hi = syms[f"case{i}"], syms[f"case{i}_end"]
        blocks[i] = [x for x in insns if lo <= x.vaddr < hi]
        backs[i] = syms[f"case{i}_back"]
    return blocks, backs


@pytest.mark.parametrize("index", range(len(BLOCKS)), ids=[b[0] for b in BLOCKS])
def test_wait_loop_and_retry_classification(spin_lib, assembled, index):
    name, _, is_spin, retry = BLOCKS[index]
    blocks, backs = assembled
    insns = blocks[index]
    arr = (Insn * len(insns))(*insns)
    assert spin_lib.bench_tb_is_spin(arr, len(insns)) is is_spin
    target = ctypes.c_uint64(0)
    found = spin_lib.bench_tb_retry_target(arr, len(insns), ctypes.byref(target))
    assert found is (retry is not None)
    if retry == "back":
        assert target.value == backs[index]
    elif retry == "1b":
        assert target.value == insns[0].vaddr


def test_classifier_refuses_nothing_to_look_at(spin_lib):
    target = ctypes.c_uint64(7)
    empty = (Insn * 1)()
    assert spin_lib.bench_tb_is_spin(empty, 0) is False
    assert spin_lib.bench_tb_retry_target(empty, 0, ctypes.byref(target)) is False
    assert target.value == 7
    # A 32-bit encoding claimed to be 2 bytes long, and a 6-byte one: not understood.
    odd = (Insn * 1)(Insn(0x1000, 0x0000006F, 2))
    assert spin_lib.bench_tb_is_spin(odd, 1) is False
    odd = (Insn * 1)(Insn(0x1000, 0x0000006F, 6))
    assert spin_lib.bench_tb_is_spin(odd, 1) is False


# ---------------------------------------------------------------- the plugin

@pytest.fixture(scope="module")
def plugin(tmp_path_factory):
    if not PLUGIN_H.exists():
        pytest.skip(f"{PLUGIN_H} is missing: `make bench` fetches Debian's qemu source "
                    "(apt-get source qemu) the first time it runs")
    need(QEMU)
    need(CROSS + "gcc")
    out = tmp_path_factory.mktemp("plugin")
    r = subprocess.run(["make", "-s", "-f", "tools/bench/bench.mk", f"BUILD={out}",
                        f"BENCH_SRC_DIR={QEMU_SRC_DIR}", "bench-plugin"],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, f"building the plugin failed:\n{r.stdout}{r.stderr}"
    return out / "bench" / "hvcount.so"


class Selftest:
    """selftest.S built with given loop lengths, and what the plugin must count for it."""

    def __init__(self, d, loop0, loop1, episodes, outside, exit_qemu):
        self.loop0, self.loop1, self.episodes = loop0, loop1, episodes
        self.elf = d / f"selftest-{loop0}-{loop1}-{episodes}-{outside}-{int(exit_qemu)}.elf"
        r = subprocess.run([CROSS + "gcc", "-nostdlib", "-nostartfiles", "-march=rv64imac",
                            "-mabi=lp64", "-mcmodel=medany", "-Wl,-Ttext=0x80000000",
                            "-Wl,--no-warn-rwx-segments", f"-DLOOP0={loop0}",
                            f"-DLOOP1={loop1}", f"-DEPISODES={episodes}",
                            f"-DOUTSIDE={outside}", f"-DEXIT={int(exit_qemu)}",
                            "-o", str(self.elf), str(BENCH / "selftest.S")],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        syms = {}
        for line in subprocess.run([CROSS + "nm", str(self.elf)], capture_output=True,
                                   text=True, check=True).stdout.splitlines():
            value, _, name = line.split()
            syms[name] = int(value, 16)
        self.entry, self.tagged = syms["ep_entry"], syms["tagged"]

    def args(self, **extra):
        args = [f"lo={COUNTED[0]:#x}", f"hi={COUNTED[1]:#x}", f"entry={self.entry:#x}",
                f"tag=odd:{self.tagged:#x}"]
        return args + [f"{k}={v}" for k, v in extra.items()]

    def expected(self):
        """Per hart: exact work, per-tag work/episodes/min/max, and the exact part of spin.

        Restated from the block lengths written beside selftest.S's code.
        """
        n = self.episodes
        odd = (n + 1) // 2            # episodes started with an odd countdown value
        even = n // 2
        before_episodes = (1 + 1 + 3 + 2 * (self.loop0 - 1) + 7 + 4 * len(MESSAGE)
                           + 3 + 4 + 2)
        # An odd episode: entry 2, jal 1, tagged 2, ret 1, back in the loop 2 + 1 = 9; the
        # last one (countdown 1) goes on: release the lock 5, wait for hart 1 5, jump 1.
        last_episode = 9 + 5 + 5 + 1
        hart0 = {
            "insns": before_episodes + 6 * even + 9 * (odd - 1) + last_episode,
            "entries": n,
            "other": {"insns": before_episodes + 6 * even, "episodes": even,
                      "min": 6 if even else None, "max": 6 if even else None,
                      "spin": 2 + 5},   # the wait loop run once, the failed sc and its repeat
            "odd": {"insns": 9 * (odd - 1) + last_episode, "episodes": odd,
                    "min": 9 if odd > 1 else None, "max": 9 if odd > 1 else None},
        }
        hart1 = {"insns": 1 + 5 + 3 + 2 * (self.loop1 - 1) + 5, "entries": 0,
                 "other": {"insns": 1 + 5 + 3 + 2 * (self.loop1 - 1) + 5, "episodes": 0,
                           "min": None, "max": None},
                 "odd": {"insns": 0, "episodes": 0, "min": None, "max": None}}
        return hart0, hart1


def qemu_cmd(elf, plugin, args):
    return [QEMU, "-M", "virt", "-smp", "2", "-m", "64M", "-bios", "none", "-display", "none",
            "-monitor", "none", "-serial", "none", "-kernel", str(elf),
            "-plugin", ",".join([str(plugin)] + args)]


def check_counts(snapshot, prog, spin_counted=True):
    hart0, hart1 = prog.expected()
    cpus = snapshot["cpus"]
    assert len(cpus) == 2
    assert (snapshot["lo"], snapshot["hi"]) == COUNTED
    for cpu, want in zip(cpus, (hart0, hart1)):
        assert cpu["insns"] == want["insns"]
        assert cpu["entries"] == want["entries"]
        assert set(cpu["tags"]) == {"other", "odd"}
        for tag in ("other", "odd"):
            got = cpu["tags"][tag]
            for key in ("insns", "episodes", "min", "max"):
                assert got[key] == want[tag][key], (tag, key)
        assert cpu["insns"] == sum(t["insns"] for t in cpu["tags"].values())
        assert cpu["spin"] == sum(t["spin"] for t in cpu["tags"].values())
    # Waiting: exact where the program decides it, a multiple of the loop otherwise.
    assert cpus[0]["tags"]["other"]["spin"] == hart0["other"]["spin"]
    assert cpus[0]["tags"]["odd"]["spin"] % 2 == 0
    # Hart 1's first try at the lock always fails: one round of waiting and one retry.
    assert cpus[1]["spin"] >= 4 and cpus[1]["spin"] % 2 == 0


PARAMS = [(1, 1, 1, 1)] + [
    (r.randint(1, 2047), r.randint(1, 2047), r.randint(1, 40), r.randint(1, 2047))
    for r in [random.Random(20261121)] for _ in range(3)
] + [(7, 2047, 2, 5)]


@pytest.mark.parametrize("loop0,loop1,episodes,outside", PARAMS)
def test_plugin_counts_exactly_at_exit(plugin, tmp_path, loop0, loop1, episodes, outside):
    prog = Selftest(tmp_path, loop0, loop1, episodes, outside, exit_qemu=True)
    out = tmp_path / "counts.json"
    r = subprocess.run(qemu_cmd(prog.elf, plugin, prog.args(out=out)), capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    check_counts(json.loads(out.read_text()), prog)


def snapshot(path, request=b"snapshot\n"):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(str(path))
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return json.loads(data)


def test_plugin_snapshots_over_its_socket(plugin, tmp_path):
    prog = Selftest(tmp_path, 300, 200, 9, 100, exit_qemu=False)
    sock, out = tmp_path / "hvcount.sock", tmp_path / "counts.json"
    p = subprocess.Popen(qemu_cmd(prog.elf, plugin, prog.args(sock=sock, out=out)),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Both harts end parked in wfi, outside the range: the counters then stay put.
        deadline = time.monotonic() + 30
        while not sock.exists():
            assert p.poll() is None, p.communicate()[1]
            assert time.monotonic() < deadline
            time.sleep(0.05)
        last = None
        while True:
            now = snapshot(sock)
            if now == last and all(c["insns"] for c in now["cpus"]):
                break
            assert time.monotonic() < deadline, f"counters never settled: {now}"
            last = now
            time.sleep(0.3)
        check_counts(now, prog)
        # A reset starts the per-episode min and max afresh: no episode finishes any more.
        assert snapshot(sock, b"reset\n") == without_min_max(now)
        assert snapshot(sock) == without_min_max(now)
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    # QEMU's orderly exit writes the same counters and removes the socket.
    assert json.loads(out.read_text()) == without_min_max(now)
    assert not sock.exists()


def without_min_max(snap):
    snap = json.loads(json.dumps(snap))
    for cpu in snap["cpus"]:
        for tag in cpu["tags"].values():
            tag["min"] = tag["max"] = None
    return snap


def test_plugin_without_wait_detection_counts_waits_as_work(plugin, tmp_path):
    prog = Selftest(tmp_path, 50, 60, 3, 10, exit_qemu=True)
    out = tmp_path / "counts.json"
    r = subprocess.run(qemu_cmd(prog.elf, plugin, prog.args(out=out, spin="off")),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    cpus = json.loads(out.read_text())["cpus"]
    hart0, hart1 = prog.expected()
    assert [c["spin"] for c in cpus] == [0, 0]
    assert cpus[0]["tags"]["other"]["insns"] == hart0["other"]["insns"] + hart0["other"]["spin"]
    # Hart 1 waited at least one round and retried at least once: now all of it is work.
    assert cpus[1]["insns"] >= hart1["insns"] + 4


@pytest.mark.parametrize("args,message", [
    (["hi=0x1000"], "hvcount: needs lo=ADDR,hi=ADDR with lo < hi"),
    (["lo=0x2000", "hi=0x1000"], "hvcount: needs lo=ADDR,hi=ADDR with lo < hi"),
    (["lo=zz", "hi=0x1000"], "hvcount: lo=zz: not an address (0x... or decimal)"),
    (["lo=-1", "hi=0x1000"], "hvcount: lo=-1: not an address (0x... or decimal)"),
    (["lo=0", "hi=0x1000", "frob=1"],
     "hvcount: unknown argument 'frob=1' (lo, hi, entry, tag, sock, out, spin)"),
    (["lo=0", "hi=0x1000", "tag=noaddress"], "hvcount: tag=noaddress: expected tag=NAME:ADDR"),
    (["lo=0", "hi=0x1000", 'tag=a"b:0x10'], "the name must not contain quotes"),
    (["lo=0", "hi=0x1000", "spin=maybe"], "hvcount: spin=maybe: expected on or off"),
    (["lo=0", "hi=0x1000", "sock=/" + "x" * 120], "is longer than 107 bytes"),
    (["lo=0", "hi=0x1000", "sock=/nonexistent-dir/s"], "hvcount: cannot listen on"),
])
def test_plugin_refuses_bad_arguments(plugin, tmp_path, args, message):
    prog = Selftest(tmp_path, 1, 1, 1, 1, exit_qemu=True)
    r = subprocess.run(qemu_cmd(prog.elf, plugin, args), capture_output=True, text=True,
                       timeout=60)
    assert r.returncode != 0
    assert message in r.stderr


# ---------------------------------------------------------------- the runner's view

@pytest.fixture(scope="module")
def hypervisor_build():
    elf = BUILD / "hypervisor" / "bulkhead.elf"
    image = BUILD / "hypervisor" / "bulkhead.bin"
    system = BUILD / "configs" / "system.cell"
    for f in (elf, image, system):
        if not f.exists():
            pytest.skip(f"{f} is not built (make)")
    return elf, image, system


def test_plugin_arguments_place_every_tag_in_the_hypervisor(hypervisor_build):
    elf, _, system = hypervisor_build
    config = cf.System.unpack(system.read_bytes())
    args = hvsyms.plugin_args(elf, system, sock="/tmp/s")
    assert args[:2] == [f"lo={config.hv_phys_start:#x}",
                        f"hi={config.hv_phys_start + config.hv_size:#x}"]
    assert args[-1] == "sock=/tmp/s"
    entries = [int(a[len("entry="):], 16) for a in args if a.startswith("entry=")]
    tags = [a[len("tag="):].rsplit(":", 1) for a in args if a.startswith("tag=")]
    # In the table's order: the plugin's priority is the order on its command line.
    assert [name for name, _ in tags] == [name for name, _ in hvsyms.TAGS]
    syms = hvsyms.symbols(elf)
    for (name, addr), (_, function) in zip(tags, hvsyms.TAGS):
        assert int(addr, 16) == config.hv_phys_start + syms[function]
    assert entries == [config.hv_phys_start + syms[s] for s in hvsyms.ENTRIES]
    for addr in entries + [int(a, 16) for _, a in tags]:
        assert config.hv_phys_start <= addr < config.hv_phys_start + config.hv_size


def test_image_must_hold_the_elf_code(hypervisor_build, tmp_path):
    elf, image, _ = hypervisor_build
    hvsyms.check_image_matches_elf(elf, image)
    data = bytearray(image.read_bytes())
    text_start = hvsyms.symbols(elf)["hv_entry"]
    data[text_start] ^= 0xFF
    changed = tmp_path / "bulkhead.bin"
    changed.write_bytes(bytes(data))
    with pytest.raises(hvsyms.ImageMismatch, match="does not hold the code of"):
        hvsyms.check_image_matches_elf(elf, changed)


def test_missing_tag_function_is_named(hypervisor_build, monkeypatch):
    elf, _, system = hypervisor_build
    monkeypatch.setattr(hvsyms, "TAGS", hvsyms.TAGS + [("gone", "no_such_function")])
    with pytest.raises(hvsyms.ImageMismatch, match="no symbol no_such_function"):
        hvsyms.plugin_args(elf, system)


def test_runner_reads_cell_stats_as_hvctl_prints_them():
    import run  # tools/bench/run.py
    # The formats of docs/hvctl.md, `hvctl cell stats` and `hvctl info`.
    one = "cell hello\n  harts: 3\n  exits        cpu3\n  sbi_console    42\n  total          42\n"
    assert run.parse_cell_stats(one) == {3: {"sbi_console": 42, "total": 42}}
    three = ("cell qemu-virt\n  harts: 0-2\n  exits        cpu0  cpu1  cpu2\n"
             "  irq_timer    1200   980    15\n  mmio       123456     2     0\n"
             "  total      124656   982    15\n")
    assert run.parse_cell_stats(three) == {
        0: {"irq_timer": 1200, "mmio": 123456, "total": 124656},
        1: {"irq_timer": 980, "mmio": 2, "total": 982},
        2: {"irq_timer": 15, "mmio": 0, "total": 15}}
