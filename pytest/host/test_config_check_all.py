"""hvctl config check lists every problem of a config (bh_config_list_*_problems in
include/lib/config): a problem in the layout ends the check; past it each part is checked even
when another failed, except what needs a failed part (overlaps, console and entry need valid
regions; the root against the platform needs valid fields). The driver and the hypervisor still
stop at the first problem, with the same first message."""
import cellfile as cf
from conftest import built
from paths import BUILD
from test_config import demo_cell
from test_config_create import run

CONFIGS = BUILD / "configs"


def check(tmp_path, cfg):
    (tmp_path / "c.cell").write_bytes(cfg.pack())
    p = run("config", "check", tmp_path / "c.cell")
    prefix = f"hvctl: {tmp_path / 'c.cell'}: "
    assert p.stdout == ("" if p.returncode else f"{tmp_path / 'c.cell'}: valid cell config 'demo'\n")
    assert all(ln.startswith(prefix) for ln in p.stderr.splitlines())
    return p.returncode, [ln[len(prefix):] for ln in p.stderr.splitlines()]


def test_every_independent_problem_of_a_cell_is_listed(tmp_path):
    cell = demo_cell()
    cell.cpu_set = 0
    cell.irq_bitmap[0] |= 1
    cell.regions[0].flags |= 0x100
    cell.regions[1].size = 0
    # Each would hide the next if the check stopped: the regions' overlaps, the console and the
    # entry are not looked at, since they need valid regions.
    cell.entry = 0x90000001
    assert check(tmp_path, cell) == (1, [
        "cell 'demo': CPU set is empty",
        "cell 'demo': PLIC line 0 does not exist and cannot be assigned",
        "cell 'demo': memory region 0: unknown flags 0x100",
        "cell 'demo': memory region 1: size is 0",
    ])


def test_with_valid_regions_the_entry_is_checked_too(tmp_path):
    cell = demo_cell()
    cell.cpu_set = 0
    cell.entry = 0x90000001
    assert check(tmp_path, cell) == (1, [
        "cell 'demo': CPU set is empty",
        "cell 'demo': entry 0x90000001 is not 2-byte aligned",
    ])


def test_a_layout_problem_ends_the_list(tmp_path):
    cell = demo_cell()
    cell.revision = 7
    cell.cpu_set = 0
    code, lines = check(tmp_path, cell)
    assert (code, len(lines)) == (1, 1)
    assert lines[0].startswith("cell config: revision 7")


def test_system_fields_and_the_root_cell_are_listed_together(tmp_path):
    sys_cfg = cf.System.unpack(built(CONFIGS / "system.cell").read_bytes())
    sys_cfg.flags = 0x4
    sys_cfg.timebase_frequency = 0
    sys_cfg.root.regions[0].flags |= 0x100
    code, lines = check(tmp_path, sys_cfg)
    assert code == 1
    assert lines == [
        "system config: unknown flags 0x4",
        "system config: timebase frequency is 0",
        "root cell 'root': memory region 0: unknown flags 0x100",
    ]


def test_a_valid_config_has_no_problem(tmp_path):
    code, lines = check(tmp_path, demo_cell())
    assert (code, lines) == (0, [])
