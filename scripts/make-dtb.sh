#!/usr/bin/env bash
# Build the QEMU board's device tree: QEMU's own `virt` tree for our machine
# options, plus a no-map reserved-memory node that keeps the Bulkhead region
# out of Linux, and the Linux cell's disk (a virtio-mmio slot, board.env's
# BOARD_CELL_DISK_*) disabled: the root never probes or binds it. For the
# links (docs/shared-memory.md): the PLIC's riscv,ndev raised by the doorbell
# lines the system config reserves, so the stock PLIC driver handles them, and
# a node per root link end for the stock uio_pdrv_genirq (of_id=bulkhead,link-end):
# reg 0 the shared memory, reg 1 the doorbell page, its line.
# usage: make-dtb.sh OUT.dtb
set -euo pipefail
here=$(dirname "$0")
. "$here/board.env"
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

qemu-system-riscv64 -M "$BOARD_MACHINE,dumpdtb=$tmp/virt.dtb" -cpu "$BOARD_CPU" \
	-smp "$BOARD_HARTS" -m "$BOARD_MEM" -display none -nodefaults \
	-netdev user,id=net0 -device virtio-net-device,netdev=net0 >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log" >&2; exit 1; }
dtc -q -I dtb -O dts -o "$tmp/virt.dts" "$tmp/virt.dtb"
# The dump carries the rng-seed QEMU drew for this one run; every boot would
# reuse it. The board gets its entropy from virtio-rng instead.
sed -i '/rng-seed = /d' "$tmp/virt.dts"

if grep -q 'reserved-memory' "$tmp/virt.dts"; then
	echo "make-dtb.sh: QEMU's tree already has /reserved-memory; merge by hand" >&2
	exit 1
fi
# The cell's disk: QEMU's node for that slot, with the line board.env names.
disk=$(printf 'virtio_mmio@%x' $((BOARD_CELL_DISK_BASE)))
disk_irq=$(awk -v node="$disk {" '
	index($0, node) { inside = 1; next }
	inside && /interrupts = / { gsub(/[^0-9a-fx]/, "", $3); print $3; exit }
	inside && /};/ { exit }' "$tmp/virt.dts")
if [ -z "$disk_irq" ] || [ $((disk_irq)) -ne $((BOARD_CELL_DISK_IRQ)) ]; then
	echo "make-dtb.sh: QEMU's tree has no $disk with line $((BOARD_CELL_DISK_IRQ))" \
		"(found: '${disk_irq:-no such node}'); fix BOARD_CELL_DISK_* in board.env" >&2
	exit 1
fi

# The PLIC's phandle, for the link nodes' interrupt-parent.
plic_phandle=$(awk '
	/plic@[0-9a-f]+ \{/ { inside = 1; next }
	inside && /phandle = / { gsub(/[^0-9a-fx]/, "", $3); print $3; exit }
	inside && /};/ { exit }' "$tmp/virt.dts")
if [ -z "$plic_phandle" ] || ! grep -q 'riscv,ndev = <' "$tmp/virt.dts"; then
	echo "make-dtb.sh: no PLIC node with a phandle and riscv,ndev in QEMU's tree" >&2
	exit 1
fi
ndev=$((BOARD_PLIC_SOURCES - 1 + BOARD_VIRTUAL_IRQS))
sed -i "s/riscv,ndev = <[^>]*>;/riscv,ndev = <$(printf '0x%x' $ndev)>;/" "$tmp/virt.dts"
cells() { printf '0x%x 0x%x' $(($1 >> 32)) $(($1 & 0xffffffff)); }
links=
for end in $BOARD_ROOT_LINKS; do
	IFS=: read -r link shmem size bell line <<<"$end"
	links+="
		bulkhead-link$link@$(printf '%x' $((shmem))) {
			compatible = \"bulkhead,link-end\";
			reg = <$(cells $((shmem))) $(cells $((size))) $(cells $((bell))) 0x0 0x1000>;
			interrupt-parent = <$plic_phandle>;
			interrupts = <$(printf '0x%x' $((line)))>;
		};"
done

base=$((BOARD_RESERVED_BASE))
size=$((BOARD_RESERVED_SIZE))
cat >>"$tmp/virt.dts" <<DTS

/ {
	reserved-memory {
		#address-cells = <0x02>;
		#size-cells = <0x02>;
		ranges;

		bulkhead@$(printf '%x' $base) {
			reg = <$(printf '0x%x 0x%x 0x%x 0x%x' $((base >> 32)) $((base & 0xffffffff)) $((size >> 32)) $((size & 0xffffffff)))>;
			no-map;
		};
	};

	soc {
		$disk {
			status = "disabled";
		};
$links
	};
};
DTS
dtc -q -I dts -O dtb -o "$out" "$tmp/virt.dts"
