#!/usr/bin/env bash
# Boot the QEMU board: the one command line used by `make run` and by pytest.
# usage: qemu-board.sh [--build DIR] [--kernel-home DIR] [--ssh-port PORT]
#                      [--serial-file FILE] [--append ARGS] [--initrd FILE]
#                      [--cell-disk FILE]
#   --kernel-home: where the root kernel's outputs are (linux/, initramfs.cpio.gz):
#   the build directory itself for 6.1 (the default), BUILD/kernel-VERSION for another.
#   Without --serial-file the serial console is this terminal (Ctrl-A X quits).
#   With it, the console goes to FILE and QEMU never touches the terminal.
#   The Linux cell's disk is a virtio-blk device after the root's virtio-net and
#   virtio-rng, so it lands in the slot board.env names (BOARD_CELL_DISK_BASE,
#   disabled in the root's DTB). By default it is BUILD/linux-cell/disk.img with
#   its writes going to a throw-away overlay (QEMU's snapshot=on): every boot
#   starts from the disk `make` built, which no boot changes. --cell-disk FILE
#   attaches FILE instead, writes kept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/board.env"

build=$here/../build khome="" ssh_port=2222 serial_file="" append="" initrd="" cell_disk=""
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--kernel-home) khome=$2; shift 2 ;;
	--ssh-port) ssh_port=$2; shift 2 ;;
	--serial-file) serial_file=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--cell-disk) cell_disk=$2; shift 2 ;;
	*) echo "qemu-board.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done
khome=${khome:-$build}
initrd=${initrd:-$khome/initramfs.cpio.gz}
if [ -n "$cell_disk" ]; then
	disk_mode=""
else
	cell_disk=$build/linux-cell/disk.img disk_mode=",snapshot=on"
fi

command -v qemu-system-riscv64 >/dev/null ||
	{ echo "qemu-board.sh: qemu-system-riscv64 not found: run 'sudo make deps' (package qemu-system-misc)" >&2; exit 1; }
for f in "$khome/linux/arch/riscv/boot/Image" "$initrd" "$build/board.dtb" "$cell_disk"; do
	[ -f "$f" ] || { echo "qemu-board.sh: $f is missing: run 'make' first" >&2; exit 1; }
done
firmware=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
[ -f "$firmware" ] || { echo "qemu-board.sh: $firmware not found: run 'sudo make deps' (package opensbi)" >&2; exit 1; }

args=(
	-M "$BOARD_MACHINE" -cpu "$BOARD_CPU" -smp "$BOARD_HARTS" -m "$BOARD_MEM"
	-bios "$firmware"
	-kernel "$khome/linux/arch/riscv/boot/Image"
	-initrd "$initrd"
	-dtb "$build/board.dtb"
	-append "console=ttyS0 panic=-1 quiet bulkhead.net=qemu $append"
	-netdev "user,id=net0,hostfwd=tcp:127.0.0.1:$ssh_port-:22"
	-device virtio-net-device,netdev=net0
	-object rng-random,id=rng0,filename=/dev/urandom
	-device virtio-rng-device,rng=rng0
	-drive "file=${cell_disk//,/,,},format=raw,if=none,id=celldisk$disk_mode"
	-device virtio-blk-device,drive=celldisk
	-no-reboot
)
# Extra QEMU options for debugging, e.g. QEMU_EXTRA_ARGS="-monitor unix:/tmp/m,server,nowait".
# shellcheck disable=SC2206
args+=(${QEMU_EXTRA_ARGS:-})
if [ -n "$serial_file" ]; then
	exec qemu-system-riscv64 -display none -monitor none -serial "file:$serial_file" \
		"${args[@]}" </dev/null
fi
echo "Bulkhead board: serial console below; ssh -p $ssh_port root@127.0.0.1 (key $build/ssh/id_ed25519); Ctrl-A X quits."
exec qemu-system-riscv64 "${args[@]}" -nographic
