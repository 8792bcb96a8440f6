#!/usr/bin/env bash
# Build the Debian packages of Bulkhead for a riscv64 board (docs/porting.md):
#   bulkhead_VERSION_riscv64.deb   the hypervisor image, hvctl, the configs and the inmates
#   bulkhead-dkms_VERSION_all.deb  the driver's source, built by DKMS against the board's kernel
# from what `make` built. dpkg-deb only (no debhelper): the packages hold no maintainer
# scripts but DKMS's own registration in bulkhead-dkms's postinst/prerm.
# usage: make-deb.sh BUILD-DIR OUT-DIR VERSION
set -euo pipefail
build=$1
out=$2
version=$3
here=$(cd "$(dirname "$0")/.." && pwd)
stage=$out/stage
rm -rf "$stage"
mkdir -p "$stage"

# ---- bulkhead: everything but the driver
pkg=$stage/bulkhead
install -D -m 0644 "$build/hypervisor/bulkhead.bin" "$pkg/lib/firmware/bulkhead.bin"
install -D -m 0755 "$build/tools/hvctl" "$pkg/usr/sbin/hvctl"
for cell in "$build"/configs/*.cell; do
	install -D -m 0644 "$cell" "$pkg/usr/share/bulkhead/configs/$(basename "$cell")"
done
for inmate in "$build"/inmates/*.bin "$build"/inmates/*.elf; do
	install -D -m 0644 "$inmate" "$pkg/usr/share/bulkhead/inmates/$(basename "$inmate")"
done
for doc in README.md docs/porting.md docs/hvctl.md docs/config-format.md docs/inmates.md; do
	install -D -m 0644 "$here/$doc" "$pkg/usr/share/doc/bulkhead/$(basename "$doc")"
done
mkdir -p "$pkg/DEBIAN"
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: bulkhead
Version: $version
Architecture: riscv64
Maintainer: Bulkhead developers <bulkhead@localhost>
Section: admin
Priority: optional
Recommends: bulkhead-dkms (= $version)
Description: static partitioning hypervisor for RISC-V
 The hypervisor image (/lib/firmware/bulkhead.bin), hvctl, the QEMU board's
 configs and the demo inmates. Make a board's config with
 'hvctl config create' (/usr/share/doc/bulkhead/porting.md).
CONTROL

# ---- bulkhead-dkms: the driver's source and the headers it shares
pkg=$stage/bulkhead-dkms
src=$pkg/usr/src/bulkhead-$version
install -d "$src/include/bulkhead"
install -m 0644 "$here"/driver/*.c "$here"/driver/*.h "$here"/driver/*.S "$here/driver/Kbuild" \
	"$here"/include/lib/config/*.c "$here"/include/lib/config/*.h "$src/"
install -m 0644 "$here"/include/bulkhead/*.h "$src/include/bulkhead/"
sed "s/@VERSION@/$version/" "$here/packaging/dkms.conf.in" >"$src/dkms.conf"
mkdir -p "$pkg/DEBIAN"
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: bulkhead-dkms
Version: $version
Architecture: all
Maintainer: Bulkhead developers <bulkhead@localhost>
Section: kernel
Priority: optional
Depends: dkms
Description: static partitioning hypervisor for RISC-V - kernel module (DKMS)
 The source of the Bulkhead driver, built by DKMS against the board's own
 kernel headers. Load it with 'modprobe bulkhead'.
CONTROL
cat >"$pkg/DEBIAN/postinst" <<POSTINST
#!/bin/sh
set -e
if [ "\$1" = configure ]; then
	dkms add -m bulkhead -v $version || true
	dkms autoinstall || true
fi
POSTINST
cat >"$pkg/DEBIAN/prerm" <<PRERM
#!/bin/sh
set -e
dkms remove -m bulkhead -v $version --all || true
PRERM
chmod 0755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/prerm"

for p in bulkhead bulkhead-dkms; do
	dpkg-deb --root-owner-group -Zxz --build "$stage/$p" "$out" >/dev/null
done
rm -rf "$stage"
