"""Late launch: `hvctl enable` turns the running Linux into the root cell, `hvctl disable`
gives the machine back."""
import hashlib
import re
import time

import pytest

from boardlib.hv import SYSFS, Hypervisor, interrupts, meminfo, slab_slack_kb

HV_REGION = 0xbbe00000
IMAGE_MAGIC = 0x4d494842  # "BHIM", the image header's first word, little-endian


@pytest.fixture
def hv(board):
    h = Hypervisor(board)
    h.load_module()
    return h


def exits(hv, reason):
    return {hart: s[reason] for hart, s in hv.stats("root").items()}


def test_enable_keeps_linux_running(board, hv):
    hv.ensure_disabled()
    hv.enable()
    assert board.sh("cat /sys/devices/system/cpu/online") == "0-3"
    assert board.sh("nproc") == "4"
    assert hv.cells() == ["root"]
    # SSH (this very session) works; console and network interrupts keep arriving.
    net0 = sum(interrupts(board, "virtio0"))
    uart0 = sum(interrupts(board, "ttyS0"))
    board.sh("for i in 1 2 3 4 5 6 7 8; do echo bulkhead-console-check > /dev/ttyS0; done")
    for _ in range(5):
        board.sh("true")
    assert sum(interrupts(board, "virtio0")) > net0
    assert sum(interrupts(board, "ttyS0")) > uart0


def test_info_shows_enabled_and_growing_exit_counters(board, hv):
    hv.ensure_enabled()
    before = hv.stats("root")
    info = hv.hvctl("info").stdout
    assert info.startswith("hypervisor: enabled\n")
    assert re.search(r"^cell root\n  harts: 0-3$", info, re.M)
    board.sh("for i in 1 2 3 4 5; do true; done")
    after = hv.stats("root")
    assert sum(s["exits_total"] for s in after.values()) > \
        sum(s["exits_total"] for s in before.values())
    # Network interrupts are claimed at HS: each one is an external-interrupt exit.
    assert sum(s["irq_external"] for s in after.values()) > \
        sum(s["irq_external"] for s in before.values())


@pytest.mark.slow
def test_cpu_and_memory_workload_on_all_harts(board, hv):
    hv.ensure_enabled()
    # One job per hart, 30 s each: copy a 4 MiB tmpfs file and hash the copy, over and over.
    script = ("dd if=/dev/zero of=/tmp/w.bin bs=1M count=4 2>/dev/null; "
              "end=$(($(date +%s) + 30)); "
              "for j in 0 1 2 3; do taskset -c $j sh -c \"while [ \\$(date +%s) -lt $end ]; do "
              "cp /tmp/w.bin /tmp/w$j.bin; sha256sum /tmp/w$j.bin; done\" > /tmp/out$j & done; "
              "wait; for j in 0 1 2 3; do sort /tmp/out$j | uniq -c; done; "
              "rm -f /tmp/w*.bin /tmp/out*")
    out = board.sh(script, timeout=600)
    digest = hashlib.sha256(bytes(4 << 20)).hexdigest()
    rows = [line.split() for line in out.splitlines()]
    # Every hart finished its job and every hash of every round was right.
    assert [(d, f) for _, d, f in rows] == [(digest, f"/tmp/w{j}.bin") for j in range(4)], out
    assert all(int(n) > 0 for n, _, _ in rows)
    assert hv.enabled()


@pytest.mark.slow
def test_zero_exits_per_root_timer_interrupt(board, hv):
    hv.ensure_enabled()
    timer0 = interrupts(board, "riscv-timer")
    before = hv.stats("root")
    time.sleep(10)
    after = hv.stats("root")
    timer1 = interrupts(board, "riscv-timer")
    ticks = sum(timer1) - sum(timer0)
    assert ticks > 100, f"only {ticks} timer interrupts in 10 s"
    for hart in after:
        for reason in ("irq_timer", "sbi_time"):
            assert after[hart][reason] == before[hart][reason], (hart, reason, before, after)


def test_disable_gives_the_machine_back_and_enable_again(board, hv):
    hv.ensure_enabled()
    hv.disable()
    assert board.sh("nproc") == "4"
    assert not board.run(f"test -d {SYSFS}/cells/root", check=False).returncode == 0
    net0 = sum(interrupts(board, "virtio0"))
    board.sh("true")
    assert sum(interrupts(board, "virtio0")) > net0
    # The region is plain memory again: the image's header is readable.
    assert int(board.sh(f"devmem {HV_REGION:#x} 32"), 16) == IMAGE_MAGIC
    hv.enable()
    assert board.sh("echo still-here") == "still-here"


def test_root_cannot_reach_hypervisor_memory(board, hv):
    hv.ensure_enabled()
    faults0 = sum(s["guest_fault"] for s in hv.stats("root").values())
    # In a subshell: a command killed by a signal would end the SSH session with 255.
    out = board.sh(f"(devmem {HV_REGION:#x} 32); echo status=$?")
    assert out.endswith("status=139"), f"hypervisor memory was readable: {out}"  # SIGSEGV
    assert hv.enabled()
    assert sum(s["guest_fault"] for s in hv.stats("root").values()) > faults0
    assert hv.hvctl("info").stdout.startswith("hypervisor: enabled")


@pytest.mark.slow
def test_twenty_enable_disable_cycles_leak_nothing(board, hv):
    hv.ensure_disabled()
    # One cycle first: the first enable grows caches (slabs, firmware loader) once.
    hv.enable()
    used = hv.mem_used()
    hv.disable()
    before = meminfo(board)
    for cycle in range(20):
        hv.enable()
        assert hv.mem_used() == used, f"cycle {cycle}: hypervisor memory use grew"
        hv.disable()
    after = meminfo(board)
    # vmalloc leaks show exactly, kmalloc leaks in SUnreclaim beyond what the
    # kernel's slab allocator moves by itself (slab_slack_kb); MemFree also moves
    # with the page allocator's own caches, so it only has to stay within 2 MiB.
    assert after["VmallocUsed"] == before["VmallocUsed"]
    assert after["SUnreclaim"] - before["SUnreclaim"] < slab_slack_kb(board), (before, after)
    assert before["MemFree"] - after["MemFree"] < 2048, (before, after)


def test_hypervisor_console_in_ring_and_on_serial(board, hv):
    hv.ensure_disabled()
    hv.enable()
    ring = hv.hvctl("console").stdout
    assert re.search(r"^bulkhead: hypervisor on harts 0xf, root cell 'root'", ring, re.M), ring
    if board.qemu is not None:
        assert "bulkhead: hypervisor on harts 0xf" in board.console_text()
