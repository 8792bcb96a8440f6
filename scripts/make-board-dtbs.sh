#!/usr/bin/env bash
# Compile the RISC-V boards' device trees of a Linux source tree into DIR/VENDOR/BOARD.dtb,
# as the kernel's build does (cpp with the kernel's include paths for the #includes, then
# dtc), for the host tests of hvctl config create (pytest/host/test_config_create.py).
# A board dtc cannot compile is listed in DIR/failed.txt with dtc's first error line.
# SOURCE is an unpacked tree or a linux-source tarball (only what the trees need is unpacked).
# usage: make-board-dtbs.sh SOURCE OUT-DIR
set -euo pipefail
src=$1
out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -f "$src" ]; then
	top=$(basename "$src" .tar.xz)
	mkdir "$tmp/src"
	tar -C "$tmp/src" --strip-components=1 -xf "$src" "$top/arch/riscv/boot/dts" \
		"$top/include/dt-bindings" "$top/scripts/dtc/include-prefixes" \
		"$top/include/uapi/linux/input-event-codes.h" "$top/arch/arm64/boot/dts/renesas"
	src=$tmp/src
fi
dts_root=$src/arch/riscv/boot/dts
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
: >"$out.tmp/failed.txt"
for dts in "$dts_root"/*/*.dts; do
	vendor=$(basename "$(dirname "$dts")")
	board=$(basename "$dts" .dts)
	mkdir -p "$out.tmp/$vendor"
	cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -I "$dts_root/$vendor" \
		-I "$src/scripts/dtc/include-prefixes" -I "$src/include" -P "$dts" \
		-o "$tmp/$board.dts" 2>"$tmp/err" &&
	dtc -q -I dts -O dtb -o "$out.tmp/$vendor/$board.dtb" "$tmp/$board.dts" 2>>"$tmp/err" ||
		echo "$vendor/$board: $(head -n 1 "$tmp/err")" >>"$out.tmp/failed.txt"
done
rm -rf "$out"
mv "$out.tmp" "$out"
