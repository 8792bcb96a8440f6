#!/usr/bin/env bash
# Apply a fragment of CONFIG_X=value / "# CONFIG_X is not set" lines to a
# busybox .config (busybox has no merge_config.sh of its own).
# usage: merge-busybox-config.sh .config FRAGMENT
set -euo pipefail
config=$1 frag=$2
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) opt=${line%%=*} ;;
	"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *} ;;
	*) continue ;;
	esac
	sed -i -e "/^$opt=/d" -e "/^# $opt is not set/d" "$config"
	echo "$line" >>"$config"
done <"$frag"
