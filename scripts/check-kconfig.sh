#!/usr/bin/env bash
# Fail when an option of the fragment did not survive olddefconfig (a typo or a
# missing dependency would otherwise be dropped silently).
# usage: check-kconfig.sh FRAGMENT .config
set -euo pipefail
frag=$1 config=$2
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$config" || { echo "kernel config: '$line' from $frag is not in $config" >&2; bad=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		if grep -q "^$opt=" "$config"; then echo "kernel config: $opt must be off (selected by something else?)" >&2; bad=1; fi ;;
	esac
done <"$frag"
exit $bad
