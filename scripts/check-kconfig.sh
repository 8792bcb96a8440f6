#!/usr/bin/env bash
# Fail when an option of the fragments did not survive olddefconfig (a typo, a
# missing dependency or an option this kernel does not have would otherwise be
# dropped silently).
# usage: check-kconfig.sh .config FRAGMENT...
set -euo pipefail
config=$1
shift
bad=0
for frag in "$@"; do
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF "$line" "$config" || { echo "kernel config: '$line' from $frag is not in $config" >&2; bad=1; } ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }; opt=${opt%% *}
			if grep -q "^$opt=" "$config"; then echo "kernel config: $opt (from $frag) must be off (selected by something else?)" >&2; bad=1; fi ;;
		esac
	done <"$frag"
done
exit $bad
