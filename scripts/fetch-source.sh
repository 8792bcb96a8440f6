#!/usr/bin/env bash
# Fetch and unpack a Debian source package (with Debian's patches applied) as
# DIR/NAME, whatever its version. Needs a deb-src entry: `make deps` adds one.
# usage: fetch-source.sh NAME DIR
set -euo pipefail
name=$1 dir=$2
mkdir -p "$dir/$name.pkg"
cd "$dir/$name.pkg"
if ! apt-get source -q "$name" >apt-source.log 2>&1; then
	cat apt-source.log >&2
	echo "fetch-source.sh: 'apt-get source $name' failed; run 'sudo make deps' (it adds the deb-src entry)" >&2
	exit 1
fi
src=$(find . -mindepth 1 -maxdepth 1 -type d -name "$name-*" | head -n 1)
[ -n "$src" ] || { echo "fetch-source.sh: no $name-* directory after apt-get source" >&2; exit 1; }
rm -rf "../$name"
mv "$src" "../$name"
