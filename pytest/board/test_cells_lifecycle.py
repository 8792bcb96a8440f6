"""Many cell lifecycles in one boot: nothing leaks, the CPUs come back each time."""
import pytest

from boardlib.hv import ONLINE_HARTS_SH, meminfo, slab_slack_kb


@pytest.mark.slow
def test_fifty_create_start_destroy_cycles(board, cells):
    hv = cells.hv
    config, image = cells.config("hello"), cells.image("hello")
    hvctl = board.project_file("/usr/sbin/hvctl")
    # One cycle first, so caches that grow once have grown.
    board.sh(f"{hvctl} cell create {config} && {hvctl} cell load hello {image} && "
             f"{hvctl} cell start hello && {hvctl} cell destroy hello")
    used = hv.mem_used()
    before = meminfo(board)
    # One SSH round trip per cycle; each cycle checks its own outcome on the board.
    script = (f"for i in $(seq 1 50); do "
              f"{hvctl} cell create {config} && {hvctl} cell load hello {image} && "
              f"{hvctl} cell start hello && "
              f"test \"$(cat /sys/devices/bulkhead/cells/hello/state)\" = running && "
              f"test \"$({ONLINE_HARTS_SH})\" = '0 1 2' && "
              f"{hvctl} cell destroy hello && "
              f"test \"$(cat /sys/devices/system/cpu/online)\" = 0-3 && "
              f"echo cycle $i ok || {{ echo cycle $i failed; break; }}; done")
    out = board.sh(script, timeout=900)
    assert out.splitlines() == [f"cycle {i} ok" for i in range(1, 51)], out
    after = meminfo(board)
    assert hv.mem_used() == used
    assert after["VmallocUsed"] == before["VmallocUsed"]
    assert after["SUnreclaim"] - before["SUnreclaim"] < slab_slack_kb(board), (before, after)
    assert before["MemFree"] - after["MemFree"] < 2048, (before, after)
