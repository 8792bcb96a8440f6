#!/usr/bin/env bash
# Install every Debian package that `make`, `make run` and `make test` need.
# Idempotent: packages already present are not reinstalled, apt is only
# updated when something is missing.
set -euo pipefail

PACKAGES=(
	make gcc libc6-dev bc flex bison libssl-dev libelf-dev cpio kmod xz-utils
	dpkg-dev rsync
	gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
	gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
	qemu-system-misc opensbi linux-source-6.1 linux-source-6.12
	clang clang-tools-14 libclang-rt-14-dev cppcheck sparse
	device-tree-compiler libfdt-dev python3-libfdt
	e2fsprogs
	python3 python3-pytest python3-pyelftools
	openssh-client
)
SOURCE_PACKAGES=(busybox dropbear)

# The tests point this at a scratch copy.
APT_DIR=${BH_APT_DIR:-/etc/apt}

die() { echo "make deps: $*" >&2; exit 1; }

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done

# apt-get source needs deb-src entries. Derive them from the machine's own
# deb entries (same mirrors, suites and keys) instead of naming a mirror here.
src_list=$APT_DIR/sources.list.d/bulkhead-deb-src.sources
need_src=0
if ! grep -rqsE '^(Types:.*deb-src|deb-src )' "$APT_DIR/sources.list" "$APT_DIR/sources.list.d/"; then
	need_src=1
fi

if [ ${#missing[@]} -eq 0 ] && [ $need_src -eq 0 ]; then
	[ "${1:-}" = --quiet ] || echo "make deps: all packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	msg="missing packages: ${missing[*]:-none}"
	[ $need_src -eq 1 ] && msg="$msg; no deb-src entry for apt-get source"
	die "$msg
Run as root: sudo make deps"
fi

if [ $need_src -eq 1 ]; then
	tmp=$(mktemp)
	found=0
	for f in "$APT_DIR"/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		case "$f" in *bulkhead*) continue ;; esac
		# deb822 stanzas: keep those of Debian itself, switch them to deb-src
		awk 'BEGIN{RS=""; ORS="\n\n"} /Types:[^\n]*deb/ && /debian/ {
			sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f" >>"$tmp"
	done
	if [ -s "$tmp" ]; then
		found=1
	elif [ -f "$APT_DIR/sources.list" ]; then
		sed -n 's/^deb \(.*debian.*\)$/deb-src \1/p' "$APT_DIR/sources.list" >"$tmp"
		[ -s "$tmp" ] && found=1
	fi
	if [ $found -eq 0 ]; then
		rm -f "$tmp"
		die "no Debian apt source found to derive a deb-src entry from; add one to $APT_DIR/sources.list.d/"
	fi
	case "$(head -c 5 "$tmp")" in
	deb-s) src_list=$APT_DIR/sources.list.d/bulkhead-deb-src.list ;;
	esac
	install -m 0644 "$tmp" "$src_list"
	rm -f "$tmp"
	echo "make deps: added $src_list"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q || die "apt-get update failed: check the apt sources and the network"
if [ ${#missing[@]} -gt 0 ]; then
	apt-get install -y -q --no-install-recommends "${missing[@]}" ||
		die "apt-get install failed for: ${missing[*]}"
fi
echo "make deps: done (source packages ${SOURCE_PACKAGES[*]} are fetched by make)"
