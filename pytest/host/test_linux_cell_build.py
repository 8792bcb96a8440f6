"""The Linux cell's build outputs (inmates/linux/build.mk) and the board's side of its disk.

- build/linux-cell/Image: a RISC-V Linux Image whose header a loader can trust, built from
  inmates/linux/kernel.config with every option kept, with its initramfs (busybox and
  inmates/linux/init) built in, and installed in the root's initramfs;
- build/linux-cell/disk.img: an ext4 file system holding inmates/linux/disk/;
- scripts/qemu-board.sh attaches the disk as the third virtio device, which QEMU puts in the
  slot scripts/board.env names, and scripts/make-dtb.sh disables that slot for the root.
"""
import gzip
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from paths import BUILD, ROOT  # noqa: E402

SRC = ROOT / "inmates" / "linux"
OUT = BUILD / "linux-cell"
IMAGE = OUT / "Image"
KCONFIG = OUT / "linux" / ".config"
CPIO = OUT / "linux" / "usr" / "initramfs_data.cpio"
DISK = OUT / "disk.img"
ROOT_INITRAMFS = BUILD / "initramfs.cpio.gz"
DTB = BUILD / "board.dtb"

# The RAM the Linux cell gets (configs/linux-cell.c): the Image must leave most of it free.
CELL_RAM = 64 << 20

built = pytest.mark.skipif(not (IMAGE.exists() and DISK.exists() and KCONFIG.exists()),
                           reason="needs a built tree (run make first)")


def board_env():
    return dict(line.split("=", 1) for line in (ROOT / "scripts" / "board.env").read_text()
                .splitlines() if line and not line.startswith("#"))


def image_header(data):
    """The 64-byte RISC-V Image header (Documentation/riscv/boot-image-header.rst)."""
    (code0, code1, text_offset, image_size, flags, version, _res1, _res2, magic, magic2,
     _res3) = struct.unpack("<IIQQQIIQ8s4sI", data[:64])
    return dict(text_offset=text_offset, image_size=image_size, flags=flags, version=version,
                magic=magic, magic2=magic2)


def cpio_members(data):
    """{path: (mode, content)} of a newc cpio archive (what gen_init_cpio writes)."""
    members, off = {}, 0
    while off + 110 <= len(data):
        assert data[off:off + 6] in (b"070701", b"070702"), f"not a newc header at {off}"
        fields = [int(data[off + 6 + 8 * i:off + 14 + 8 * i], 16) for i in range(13)]
        mode, filesize, namesize = fields[1], fields[6], fields[11]
        name_start = off + 110
        name = data[name_start:name_start + namesize - 1].decode()
        body = (name_start + namesize + 3) & ~3
        if name == "TRAILER!!!":
            break
        members["/" + name.lstrip("./").lstrip("/")] = (mode, data[body:body + filesize])
        off = (body + filesize + 3) & ~3
    return members


# ---------------------------------------------------------------- the kernel Image

@built
def test_image_header_is_a_riscv_linux_image():
    data = IMAGE.read_bytes()
    h = image_header(data)
    assert h["magic"] == b"RISCV\0\0\0", h
    assert h["magic2"] == b"RSC\x05", h
    # 64-bit: loaded 2 MiB past a 2 MiB-aligned base; image_size covers the file and the BSS.
    assert h["text_offset"] == 0x200000, h
    assert h["image_size"] >= len(data), h
    assert h["image_size"] % 4096 == 0, h
    # Little-endian kernel (flags bit 0 clear), header version 0.2.
    assert h["flags"] & 1 == 0 and h["version"] == 2, h


@built
def test_image_leaves_the_cell_most_of_its_ram():
    h = image_header(IMAGE.read_bytes())
    assert h["text_offset"] + h["image_size"] <= CELL_RAM // 4, (
        f"the cell kernel takes {h['image_size'] >> 20} MiB of the cell's {CELL_RAM >> 20}")


@built
def test_image_is_the_one_kbuild_made():
    assert IMAGE.read_bytes() == (OUT / "linux" / "arch" / "riscv" / "boot" / "Image").read_bytes()


def fragment_lines():
    return [line for line in (SRC / "kernel.config").read_text().splitlines()
            if line.startswith("CONFIG_") or re.match(r"# CONFIG_\w+ is not set$", line)]


@built
def test_every_fragment_option_is_in_the_config():
    r = subprocess.run([str(ROOT / "scripts" / "check-kconfig.sh"), str(KCONFIG),
                        str(SRC / "kernel.config")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    config = KCONFIG.read_text().splitlines()
    for line in fragment_lines():
        if line.startswith("CONFIG_"):
            assert line in config, line
    # What the brief asks of the cell, whatever the fragment says.
    for opt in ("CONFIG_64BIT=y", "CONFIG_SMP=y", "CONFIG_SIFIVE_PLIC=y", "CONFIG_HVC_RISCV_SBI=y",
                "CONFIG_SERIAL_EARLYCON_RISCV_SBI=y", "CONFIG_VIRTIO_MMIO=y", "CONFIG_VIRTIO_BLK=y",
                "CONFIG_EXT4_FS=y", "CONFIG_DEVTMPFS=y", "CONFIG_FPU=y", "CONFIG_MAGIC_SYSRQ=y",
                "CONFIG_HOTPLUG_CPU=y", "CONFIG_BLK_DEV_INITRD=y", "CONFIG_CMDLINE_FALLBACK=y"):
        assert opt in config, opt
    for opt in ("CONFIG_PCI", "CONFIG_NET", "CONFIG_MODULES"):
        assert not any(line.startswith(opt + "=") for line in config), opt


@built
def test_check_kconfig_fails_on_a_dropped_option(tmp_path):
    """A fragment option olddefconfig dropped fails the build: check-kconfig.sh says which."""
    config = tmp_path / ".config"
    config.write_text("".join(line + "\n" for line in KCONFIG.read_text().splitlines()
                              if not line.startswith("CONFIG_VIRTIO_BLK=")))
    r = subprocess.run([str(ROOT / "scripts" / "check-kconfig.sh"), str(config),
                        str(SRC / "kernel.config")], capture_output=True, text=True)
    assert r.returncode != 0
    assert "CONFIG_VIRTIO_BLK=y" in r.stderr


@built
def test_builtin_initramfs_holds_busybox_and_the_init():
    members = cpio_members(CPIO.read_bytes())
    mode, init = members["/init"]
    assert init == (SRC / "init").read_bytes()
    assert mode & 0o111, oct(mode)
    assert members["/etc/inittab"][1] == (SRC / "inittab").read_bytes()
    assert members["/bin/busybox"][1] == (BUILD / "busybox" / "busybox").read_bytes()
    for node in ("/dev/console", "/bin/sh", "/sbin/init", "/bin/mount", "/usr/bin/nproc"):
        assert node in members, node
    assert stat.S_ISCHR(members["/dev/console"][0])
    # What the init promises the tests.
    text = init.decode()
    assert "bulkhead-linux: ready" in text and "/dev/vda" in text and "/mnt" in text


@built
def test_image_holds_the_current_initramfs():
    """The Image embeds the gzip of the cpio Kbuild made from today's list."""
    packed = (OUT / "linux" / "usr" / "initramfs_inc_data").read_bytes()
    assert gzip.decompress(packed) == CPIO.read_bytes()
    assert packed in IMAGE.read_bytes()


@built
def test_image_is_installed_in_the_root_initramfs():
    if not ROOT_INITRAMFS.exists():
        pytest.skip(f"{ROOT_INITRAMFS} is not built (make)")
    members = cpio_members(gzip.decompress(ROOT_INITRAMFS.read_bytes()))
    assert members["/usr/share/bulkhead/linux/Image"][1] == IMAGE.read_bytes()
    assert not any(name.endswith("disk.img") for name in members), "the disk is a QEMU drive"


# ---------------------------------------------------------------- the disk

@built
def test_disk_is_ext4_with_the_readme():
    with DISK.open("rb") as f:
        sb = f.read(2048)[1024:]
    assert DISK.stat().st_size == 64 << 20
    assert struct.unpack_from("<H", sb, 56)[0] == 0xEF53, "no ext2/3/4 superblock magic"
    incompat = struct.unpack_from("<I", sb, 96)[0]
    assert incompat & 0x40, "not extent-based (ext4)"
    assert sb[120:136].rstrip(b"\0") == b"bulkhead-cell"
    debugfs = shutil.which("debugfs") or "/usr/sbin/debugfs"
    if not os.path.exists(debugfs):
        pytest.skip("debugfs missing (e2fsprogs: make deps)")
    r = subprocess.run([debugfs, "-R", "cat /README", str(DISK)], capture_output=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == (SRC / "disk" / "README").read_bytes()


# ---------------------------------------------------------------- the board's side

def board_command(tmp_path, *opts):
    """The QEMU command line scripts/qemu-board.sh runs, from a stand-in QEMU and build."""
    firmware = Path("/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin")
    if not firmware.exists():
        pytest.skip(f"{firmware} missing (make deps)")
    build = tmp_path / "build"
    for f in ("linux/arch/riscv/boot/Image", "initramfs.cpio.gz", "board.dtb",
              "linux-cell/disk.img"):
        (build / f).parent.mkdir(parents=True, exist_ok=True)
        (build / f).write_bytes(b"")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    argv = tmp_path / "argv"
    fake = bindir / "qemu-system-riscv64"
    fake.write_text(f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done >{argv}\n')
    fake.chmod(0o755)
    r = subprocess.run([str(ROOT / "scripts" / "qemu-board.sh"), "--build", str(build),
                        "--serial-file", str(tmp_path / "console"), *opts],
                       env=dict(os.environ, PATH=f"{bindir}:{os.environ['PATH']}"),
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    return build, argv.read_text().splitlines()


def devices(args):
    return [args[i + 1] for i, a in enumerate(args) if a == "-device"]


def drive(args):
    drives = [args[i + 1] for i, a in enumerate(args) if a == "-drive"]
    assert len(drives) == 1, drives
    return drives[0]


def test_board_attaches_the_disk_after_the_roots_devices(tmp_path):
    build, args = board_command(tmp_path)
    kinds = [d.split(",")[0] for d in devices(args)]
    assert kinds == ["virtio-net-device", "virtio-rng-device", "virtio-blk-device"], kinds
    assert "drive=celldisk" in devices(args)[2]
    # By default the build's disk, its writes to a throw-away overlay.
    opts = drive(args).split(",")
    assert opts[0] == f"file={build}/linux-cell/disk.img"
    assert {"format=raw", "if=none", "id=celldisk", "snapshot=on"} <= set(opts[1:])


def test_board_cell_disk_option_keeps_writes(tmp_path):
    disk = tmp_path / "mine.img"
    disk.write_bytes(b"")
    _, args = board_command(tmp_path, "--cell-disk", str(disk))
    opts = drive(args).split(",")
    assert opts[0] == f"file={disk}"
    assert "snapshot=on" not in opts


def test_board_without_the_disk_says_make(tmp_path):
    disk = tmp_path / "absent.img"
    with pytest.raises(AssertionError, match="absent.img is missing: run 'make' first"):
        board_command(tmp_path, "--cell-disk", str(disk))


def test_qemu_plugs_the_disk_into_the_slot_board_env_names(tmp_path):
    """The devices of qemu-board.sh, in its order, on a real QEMU (stopped before it runs)."""
    if not shutil.which("qemu-system-riscv64"):
        pytest.skip("qemu-system-riscv64 missing (make deps)")
    _, args = board_command(tmp_path)
    env = board_env()
    disk = tmp_path / "disk.img"
    disk.write_bytes(b"\0" * 4096)
    dev_args = ["-netdev", "user,id=net0",
                "-object", "rng-random,id=rng0,filename=/dev/urandom",
                "-drive", f"file={disk},format=raw,if=none,id=celldisk"]
    for d in devices(args):
        dev_args += ["-device", d]
    r = subprocess.run(["qemu-system-riscv64", "-M", env["BOARD_MACHINE"], "-cpu", env["BOARD_CPU"],
                        "-smp", env["BOARD_HARTS"], "-m", env["BOARD_MEM"], "-S", "-display", "none",
                        "-nodefaults", "-monitor", "stdio", *dev_args],
                       input="info qtree\nquit\n", capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    # Each transport: "dev: virtio-mmio, ...", "mmio 0000000010006000/...", then what it holds.
    blk = [int(re.search(r"mmio ([0-9a-f]+)/", chunk).group(1), 16)
           for chunk in r.stdout.split("dev: virtio-mmio,")[1:] if "virtio-blk-device" in chunk]
    assert blk == [int(env["BOARD_CELL_DISK_BASE"], 16)], r.stdout


def test_root_dtb_disables_the_cells_disk():
    libfdt = pytest.importorskip("libfdt")
    if not DTB.exists():
        pytest.skip(f"{DTB} is not built (make)")
    env = board_env()
    fdt = libfdt.Fdt(DTB.read_bytes())
    base = int(env["BOARD_CELL_DISK_BASE"], 16)
    for slot in range(8):
        addr = 0x10001000 + slot * 0x1000
        node = fdt.path_offset(f"/soc/virtio_mmio@{addr:x}")
        status = fdt.getprop(node, "status", quiet=(libfdt.NOTFOUND,))
        status = "okay" if isinstance(status, int) else status.as_str()
        if addr == base:
            assert status == "disabled"
            line = struct.unpack(">I", bytes(fdt.getprop(node, "interrupts")))[0]
            assert line == int(env["BOARD_CELL_DISK_IRQ"])
        else:
            assert status == "okay", f"virtio_mmio@{addr:x} is {status}"
