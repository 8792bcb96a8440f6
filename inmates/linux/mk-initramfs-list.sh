#!/usr/bin/env bash
# Write the gen_init_cpio list of the Linux cell's initramfs: the project's
# static busybox and inmates/linux/{init,inittab,profile}. The cell kernel's
# CONFIG_INITRAMFS_SOURCE names the list; Kbuild packs it into the Image and
# rebuilds it whenever a file it names changes.
# usage: mk-initramfs-list.sh BUSYBOX-BUILD-DIR OUT.list
set -euo pipefail
bb=$(realpath "$1") out=$2
src=$(cd "$(dirname "$0")" && pwd)
[ -x "$bb/busybox" ] && [ -f "$bb/busybox.links" ] ||
	{ echo "mk-initramfs-list.sh: no busybox in $bb" >&2; exit 1; }

{
	for d in /bin /sbin /usr /usr/bin /usr/sbin /etc /proc /sys /dev /root /tmp /run /mnt; do
		echo "dir $d 0755 0 0"
	done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	echo "file /init $src/init 0755 0 0"
	echo "file /etc/inittab $src/inittab 0644 0 0"
	echo "file /etc/profile $src/profile 0644 0 0"
	echo "file /bin/busybox $bb/busybox 0755 0 0"
	while IFS= read -r link; do
		[ "$link" = /bin/busybox ] && continue
		echo "slink $link /bin/busybox 0777 0 0"
	done <"$bb/busybox.links"
} >"$out.tmp"
mv "$out.tmp" "$out"
