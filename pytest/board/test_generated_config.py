"""hvctl config create on the board (issue 12): the system config made from the running
kernel's device tree (/sys/firmware/fdt) is configs/qemu-virt.c's but for the differences
docs/porting.md lists, the hypervisor enables with it, and cell configs made on the board run
the hello and irq-demo inmates. The rest of the board suite runs with the generated config
under BH_SYSTEM_CELL=generated (pytest/boardlib/hv.py)."""
import re
import sys

from boardlib.hv import Cells, Hypervisor, online_harts
from paths import BUILD, ROOT

sys.path.insert(0, str(ROOT / "pytest" / "host"))
from qemu_virt_config import HV_ADDR, check_against_qemu_virt  # noqa: E402

GENERATED = "/tmp/bh-generated.cell"


def board_bytes(board, path):
    """A binary file of the board, through od (busybox has it)."""
    return bytes.fromhex(board.sh(f"od -An -v -tx1 {path}").replace("\n", " ").replace(" ", ""))


def test_generated_system_config_is_qemu_virts(board):
    hv = Hypervisor(board)
    hv.hvctl(f"config create --hv-addr {HV_ADDR:#x} -o {GENERATED}")
    check_against_qemu_virt(board_bytes(board, GENERATED),
                            (BUILD / "configs" / "system.cell").read_bytes())
    # The board's tree is the build's board.dtb with OpenSBI's node added: the same facts.
    assert board.sh(f"{board.project_file('/usr/sbin/hvctl')} config check {GENERATED} "
                    "| head -n 1") == f"{GENERATED}: valid system config, root cell 'root'"


def test_enable_with_it_and_run_demo_cells_made_on_the_board(board):
    hv = Hypervisor(board)
    hv.ensure_disabled()
    hv.hvctl(f"config create --hv-addr {HV_ADDR:#x} -o {GENERATED}")
    hv.enable(GENERATED)
    try:
        cells = Cells(hv)
        # The system config comes from the driver: the one just enabled.
        hv.hvctl("config create --cell hello --harts 3 --mem 1M -o /tmp/hello.cell")
        cells.create("/tmp/hello.cell")
        hv.hvctl(f"cell load hello {cells.image('hello')}")
        hv.hvctl("cell start hello")
        assert online_harts(board) == "0 1 2"
        cells.wait_console("hello", r"^hello from cell hello on hart 3$")
        cells.destroy("hello")

        hv.hvctl("config create --cell irq-demo --harts 3 --mem 1M --device /soc/rtc@101000 "
                 "-o /tmp/irq-demo.cell")
        cells.create("/tmp/irq-demo.cell")
        hv.hvctl(f"cell load irq-demo {cells.image('irq-demo')}")
        hv.hvctl("cell start irq-demo")
        out = cells.wait_console("irq-demo", r"^irq-demo: done, 20 interrupts$", timeout=120)
        assert [int(n) for n in re.findall(r"^irq-demo: interrupt (\d+)$", out, re.M)] == \
            list(range(1, 21))
        cells.destroy("irq-demo")
        assert cells.names() == ["root"]
    finally:
        hv.ensure_disabled()
