#!/usr/bin/env bash
# Pack the root cell's initramfs with the kernel's gen_init_cpio: no root
# rights needed, owners and modes set here.
# usage: mk-initramfs.sh BUILD OUT.cpio.gz [/path/in/rootfs=host-file ...]
#   GEN_INIT_CPIO: the kernel's gen_init_cpio (default BUILD/host/gen_init_cpio)
set -euo pipefail
build=$1 out=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
list=$(mktemp)
trap 'rm -f "$list"' EXIT

{
	for d in /bin /sbin /usr /usr/bin /usr/sbin /etc /proc /sys /dev /root /tmp /run /var \
		/lib /lib/modules /lib/modules/bulkhead /lib/firmware /etc/bulkhead \
		/usr/share /usr/share/bulkhead; do
		echo "dir $d 0755 0 0"
	done
	echo "dir /root/.ssh 0700 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	echo "file /init $root/configs/rootfs/init 0755 0 0"
	echo "file /etc/passwd $root/configs/rootfs/passwd 0644 0 0"
	echo "file /etc/group $root/configs/rootfs/group 0644 0 0"
	echo "file /etc/profile $root/configs/rootfs/profile 0644 0 0"
	echo "file /etc/udhcpc.script $root/configs/rootfs/udhcpc.script 0755 0 0"
	echo "file /root/.ssh/authorized_keys $build/ssh/id_ed25519.pub 0600 0 0"
	echo "file /bin/busybox $build/busybox/busybox 0755 0 0"
	echo "file /usr/sbin/dropbear $build/dropbear/dropbear 0755 0 0"
	while IFS= read -r link; do
		[ "$link" = /bin/busybox ] && continue
		echo "slink $link /bin/busybox 0777 0 0"
	done <"$build/busybox/busybox.links"
	# Parent directories of the project's files (the unpacker skips a file
	# whose directory does not exist).
	for extra in "$@"; do
		d=$(dirname "${extra%%=*}")
		while [ "$d" != / ]; do
			echo "$d"
			d=$(dirname "$d")
		done
	done | sort -u | while IFS= read -r d; do
		echo "dir $d 0755 0 0"
	done
	for extra in "$@"; do
		dest=${extra%%=*} src=${extra#*=}
		[ -f "$src" ] || { echo "mk-initramfs.sh: $src (for $dest) does not exist" >&2; exit 1; }
		mode=0644
		[ -x "$src" ] && mode=0755
		echo "file $dest $src $mode 0 0"
	done
} >"$list"

"${GEN_INIT_CPIO:-$build/host/gen_init_cpio}" "$list" | gzip -9n >"$out.tmp"
mv "$out.tmp" "$out"

# The project's own files, for the tests to copy onto a real board: next to
# the archive, so a scratch archive does not overwrite the build's list.
manifest=${out%.cpio.gz}-manifest.txt
: >"$manifest"
for extra in "$@"; do
	echo "${extra%%=*}=$(realpath "${extra#*=}")" >>"$manifest"
done
