"""The plugin's per-block profile (the socket request "blocks") and the runner's per-function
view of it (tools/bench/counters.py profile(), hvsyms.functions()), on the self-test program of
test_bench.py: every instruction the counters saw is in the profile, block by block."""
import signal
import subprocess
import time

from test_bench import COUNTED, Selftest, plugin, qemu_cmd, snapshot  # noqa: F401 (fixture)

import counters  # noqa: E402  (tools/bench, on the path once test_bench is imported)
import hvsyms  # noqa: E402


def settle(sock, p):
    deadline = time.monotonic() + 30
    while not sock.exists():
        assert p.poll() is None, p.communicate()[1]
        assert time.monotonic() < deadline
        time.sleep(0.05)
    last = None
    while True:
        now = snapshot(sock)
        if now == last and all(c["insns"] for c in now["cpus"]):
            return now
        assert time.monotonic() < deadline, f"counters never settled: {now}"
        last = now
        time.sleep(0.3)


def test_block_profile_adds_up_to_the_counters(plugin, tmp_path):  # noqa: F811
    prog = Selftest(tmp_path, 300, 200, 9, 100, exit_qemu=False)
    sock = tmp_path / "hvcount.sock"
    p = subprocess.Popen(qemu_cmd(prog.elf, plugin, prog.args(sock=sock)),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        now = settle(sock, p)
        blocks = counters.blocks(counters.Counters(sock))
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    assert blocks and all(COUNTED[0] <= pc < COUNTED[1] for pc in blocks)
    for hart, cpu in enumerate(now["cpus"]):
        # Work and wait together: the profile counts every run of a block.
        assert sum(n * runs[hart] for n, runs in blocks.values()) == cpu["insns"] + cpu["spin"]
    # Charged per function: the tagged function is called once per odd episode on hart 0.
    funcs = hvsyms.functions(prog.elf, 0)
    prof = counters.profile({}, blocks, 0, funcs)
    assert prof["tagged"]["calls"] == (prog.episodes + 1) // 2
    assert sum(f["insns"] for f in prof.values()) == now["cpus"][0]["insns"] + \
        now["cpus"][0]["spin"]
    # A profile minus itself is empty.
    assert counters.profile(blocks, blocks, 0, funcs) == {}
