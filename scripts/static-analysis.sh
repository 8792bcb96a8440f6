#!/usr/bin/env bash
# Static analysis of the tree (docs/static-analysis.md), one tool per mode:
#
#   scripts/static-analysis.sh [cppcheck|clang|sparse]...   the tree (all three if none named)
#   scripts/static-analysis.sh cppcheck|clang --set SET FILE...
#                                     only FILE..., analysed with the flags of SET
#   scripts/static-analysis.sh sparse --module-dir DIR
#                                     a module source directory (with its Kbuild) instead of driver/
#
# cppcheck and clang's analyzer (the checkers scan-build runs: clang --analyze) go over
# hypervisor/, inmates/ and tools/, each file with the flags it is built with, read from the
# Makefile's own variables. The sets:
#   hypervisor       hypervisor/{core,arch/riscv,lib}/*.c and the config validator
#                    include/lib/config/*.c (HV_C_SRC), HV_CFLAGS (riscv64, freestanding)
#   hypervisor-host  hypervisor/core/**.c, include/lib/config/*.c, HOST_CFLAGS (-DBH_HOST:
#                    libbhcore.so, the host tests)
#   inmates          inmates/{lib,demos}/*.c, INM_CFLAGS (riscv64, freestanding)
#   hvctl            tools/hvctl/*.c, HVCTL_CFLAGS (host)
#   host-tools       tools/host/*.c, as configs/build.mk builds cellcheck (host)
#   bench            tools/bench/*.c, BENCH_CFLAGS (host; hvcount.c needs the qemu plugin
#                    header `make bench-plugin` fetches, clang skips it while that is absent)
# sparse goes over driver/ with the kernel's own `make C=2` against KOUT (the Makefile's, for
# KERNEL=6.1 unless KERNEL is set), in a scratch copy so build/driver is never touched.
#
# Prints one line per finding (FILE:LINE:COL: TOOL ID: MESSAGE [SET]) and exits 1 when there is
# any not suppressed by scripts/static-analysis.supp or an inline `cppcheck-suppress ID ; reason`;
# 2 when a tool could not run; 77 when sparse has no kernel tree to run against.
set -uo pipefail

# Internal: the CHECK program for Kbuild. sparse 0.6.4 rejects the multi-letter extensions
# (_zicsr_zifencei_zicbom_zihintpause) of the kernel's -march; they only change which
# __riscv_* macros it predefines, so it gets the base ISA string.
if [ "${1:-}" = --sparse-check ]; then
	shift
	args=()
	for a in "$@"; do
		case $a in -march=*) a=${a%%_*} ;; esac
		args+=("$a")
	done
	exec "${SPARSE:-sparse}" "${args[@]}"
fi

cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
PYTHON=${PYTHON:-/usr/bin/python3}
BUILD=${BUILD:-build}
KERNEL=${KERNEL:-6.1}
JOBS=${JOBS:-$(nproc)}
CLANG=${CLANG:-clang-14}
CPPCHECK=${CPPCHECK:-cppcheck}
SPARSE=${SPARSE:-sparse}
SUPP=${BH_SA_SUPP:-$ROOT/scripts/static-analysis.supp}
case $BUILD in /*) OUT=$BUILD ;; *) OUT=$ROOT/$BUILD ;; esac
OUT=${BH_SA_OUT:-$OUT/static-analysis}
REPORT="$PYTHON $ROOT/scripts/static-analysis-report.py"

die() { echo "static-analysis: $*" >&2; exit 2; }

# A variable of the Makefile, as `make` sees it.
mkvar() {
	make --no-print-directory -s -f Makefile -f - BUILD="$BUILD" KERNEL="$KERNEL" \
		bh-static-analysis-print <<-EOF
	bh-static-analysis-print: ; @echo '\$($1)'
	EOF
}

# The compiler flags of a build that matter to an analyser: -std, -D/-U, -I, -f, -m, -O.
# Warnings are the build's business (-Werror there), dependency files are not wanted.
analysis_flags() {
	local f out=()
	for f in "$@"; do
		case $f in
		-W* | -M* | -g | -nostdlib | -static | -shared) ;;
		-march=*) out+=("${f%%_*}") ;; # clang 14 knows no zicsr/zifencei: part of its I
		*) out+=("$f") ;;
		esac
	done
	echo "${out[*]}"
}

# Each set: its target, flags and files (set_load SET fills SET_TARGET, SET_FLAGS, SET_FILES).
set_load() {
	SET_FILES=() SET_SKIP=()
	case $1 in
	hypervisor)
		SET_TARGET=riscv
		SET_FLAGS=$(analysis_flags $(mkvar HV_CFLAGS))
		SET_FILES=($(mkvar HV_C_SRC)) ;;
	hypervisor-host)
		SET_TARGET=host
		SET_FLAGS=$(analysis_flags $(mkvar HOST_CFLAGS))
		SET_FILES=(hypervisor/core/*.c hypervisor/core/*/*.c include/lib/config/*.c) ;;
	inmates)
		SET_TARGET=riscv
		SET_FLAGS=$(analysis_flags $(mkvar INM_CFLAGS))
		SET_FILES=(inmates/lib/*.c inmates/demos/*.c) ;;
	hvctl)
		SET_TARGET=host
		SET_FLAGS=$(analysis_flags $(mkvar HVCTL_CFLAGS))
		SET_FILES=(tools/hvctl/*.c) ;;
	host-tools)
		# configs/build.mk's cellcheck rule (its flags are not in a variable)
		SET_TARGET=host
		SET_FLAGS="-std=c11 -Iinclude -DBH_HOST"
		SET_FILES=(tools/host/*.c) ;;
	bench)
		SET_TARGET=host
		local qemu_src
		qemu_src=$(mkvar BENCH_QEMU_SRC)
		SET_FLAGS=$(analysis_flags $(mkvar BENCH_CFLAGS))
		SET_FILES=(tools/bench/*.c)
		if [ -f "$qemu_src/include/qemu/qemu-plugin.h" ]; then
			SET_FLAGS="$SET_FLAGS -I$qemu_src/include/qemu"
		else
			SET_SKIP=(tools/bench/hvcount.c)
		fi ;;
	*) die "unknown set '$1' (hypervisor hypervisor-host inmates hvctl host-tools bench)" ;;
	esac
	[ -n "$SET_FLAGS" ] || die "set $1: no flags from the Makefile (does \`make -n\` work?)"
	[ ${#SET_FILES[@]} -gt 0 ] || die "set $1: no files"
}
SETS="hypervisor hypervisor-host inmates hvctl host-tools bench"

# cppcheck has no target, but LP64 and the defines pin the one configuration that is built.
CPPCHECK_RISCV_DEFS="-D__riscv=1 -D__riscv_xlen=64 -D__riscv_cmodel_medany=1"
CPPCHECK_HOST_DEFS="-D__linux__=1 -D__x86_64__=1"

run_cppcheck_set() { # SET RAWDIR FILE...
	local set=$1 raw=$2 defs lib=
	shift 2
	if [ "$SET_TARGET" = riscv ]; then
		defs=$CPPCHECK_RISCV_DEFS
	else
		defs=$CPPCHECK_HOST_DEFS lib=--library=posix
	fi
	# only the -D/-U/-I of the build flags mean something to cppcheck
	local f cflags=()
	for f in $SET_FLAGS; do
		case $f in -D* | -U* | -I*) cflags+=("$f") ;; esac
	done
	"$CPPCHECK" -q -j"$JOBS" --std=c11 --platform=unix64 $lib \
		--enable=warning,style,performance,portability,information --inline-suppr \
		$defs "${cflags[@]}" \
		--template='{file}:{line}:{column}: {severity}: {id}: {message}' \
		"$@" >"$raw/$set.out" 2>"$raw/$set.err"
	echo $? >"$raw/$set.rc"
}

# One file. A result is kept in $OUT/clang-cache under a hash of the analyzer's version, the
# flags and the whole preprocessed file (every header, every line marker), so only what a
# change reaches is analysed again; BH_SA_NO_CACHE=1 analyses everything.
clang_one() { # FILE (CLANG, SA_FLAGS, SA_RAW, SA_CACHE from the environment)
	local f=$1 o key rc
	o=$SA_RAW/$(echo "$f" | tr / _)
	key=$({ "$CLANG" --version; echo "$SA_FLAGS"; "$CLANG" -E -w $SA_FLAGS "$f" 2>&1; } |
		md5sum | cut -c1-32)
	if [ -z "${BH_SA_NO_CACHE:-}" ] && [ -f "$SA_CACHE/$key.out" ]; then
		cp "$SA_CACHE/$key.out" "$o.out" && echo 0 >"$o.rc" && return
	fi
	"$CLANG" --analyze -Xclang -analyzer-output=text -w $SA_FLAGS -o /dev/null "$f" >"$o.out" 2>&1
	rc=$?
	echo $rc >"$o.rc"
	# only complete analyses are kept
	[ $rc = 0 ] && cp "$o.out" "$SA_CACHE/$key.tmp.$$" && mv "$SA_CACHE/$key.tmp.$$" "$SA_CACHE/$key.out"
	return 0
}

run_clang_set() { # SET RAWDIR FILE...
	local set=$1 raw=$2 target
	shift 2
	if [ "$SET_TARGET" = riscv ]; then
		# The hypervisor and inmates see only the freestanding headers (gcc's in their
		# build; clang's own here, the same set: stddef, stdint, stdarg, stdbool).
		target="--target=riscv64-unknown-elf -nostdinc -isystem $("$CLANG" -print-resource-dir)/include"
	else
		target=
	fi
	mkdir -p "$raw/$set" "$OUT/clang-cache"
	export -f clang_one
	printf '%s\n' "$@" | CLANG=$CLANG SA_FLAGS="$target $SET_FLAGS" SA_RAW=$raw/$set \
		SA_CACHE=$OUT/clang-cache xargs -d '\n' -P"$JOBS" -n1 bash -c 'clang_one "$1"' clang_one
}

# clang: the host build of the core differs from the hypervisor's only where BH_HOST (or the
# target) changes the tree's preprocessed code; the rest would be the same analysis twice over
# (of the slowest files, at that). DIFFERS: those of FILE... where it changes.
host_differs() {
	local host_flags=$SET_FLAGS f a b
	set_load hypervisor
	local hv_flags="--target=riscv64-unknown-elf -nostdinc -isystem $("$CLANG" -print-resource-dir)/include $SET_FLAGS"
	set_load hypervisor-host
	DIFFERS=()
	# the tree's code only (system headers, glibc's or clang's, differ anyway)
	local ours='/^# [0-9]+ "/ { keep = ($3 !~ /^"[\/<]/); next } keep && NF'
	for f in "$@"; do
		a=$("$CLANG" -E -w $host_flags "$f" 2>&1 | awk "$ours" | md5sum) || a=x
		b=$("$CLANG" -E -w $hv_flags "$f" 2>&1 | awk "$ours" | md5sum) || b=y
		[ "$a" = "$b" ] || DIFFERS+=("$f")
	done
	echo "static-analysis: clang: set hypervisor-host: ${#DIFFERS[@]} of $# files differ" \
		"from the hypervisor build once preprocessed (${DIFFERS[*]}): only those analysed again" >&2
}

# tool [--set SET FILE...]
run_file_tool() {
	local tool=$1 raw="$RUN/$1"
	shift
	command -v "${tool/clang/$CLANG}" >/dev/null || die "${tool/clang/$CLANG} is not installed (make deps)"
	mkdir -p "$raw"
	local sets=$SETS explicit=0
	if [ "${1:-}" = --set ]; then
		[ $# -ge 3 ] || die "--set SET FILE..."
		sets=$2 explicit=1
		shift 2
	fi
	local set files
	for set in $sets; do
		set_load "$set"
		if [ $explicit = 1 ]; then
			files=("$@")
		else
			files=("${SET_FILES[@]}")
			if [ "$tool" = clang ]; then
				local s keep=()
				for f in "${files[@]}"; do
					for s in "${SET_SKIP[@]}"; do [ "$f" = "$s" ] && continue 2; done
					keep+=("$f")
				done
				for s in "${SET_SKIP[@]}"; do
					echo "static-analysis: clang: skipping $s (set $set): its headers are absent" >&2
				done
				files=("${keep[@]}")
				[ "$set" = hypervisor-host ] && host_differs "${files[@]}" && files=("${DIFFERS[@]}")
			fi
		fi
		[ ${#files[@]} -gt 0 ] || continue
		"run_${tool}_set" "$set" "$raw" "${files[@]}"
	done
	$REPORT "$tool" "$raw" "$SUPP" $([ $explicit = 1 ] && echo --explicit)
}

# sparse [--module-dir DIR]
run_sparse() {
	local raw="$RUN/sparse" kout src explicit=0
	command -v "$SPARSE" >/dev/null || die "$SPARSE is not installed (make deps)"
	kout=$(mkvar KOUT)
	[ -n "$kout" ] || die "no KOUT from the Makefile"
	case $kout in /*) ;; *) kout=$ROOT/$kout ;; esac
	if [ ! -f "$kout/Module.symvers" ] || [ ! -x "$kout/scripts/mod/modpost" ]; then
		echo "static-analysis: sparse: no built kernel tree at $kout (KERNEL=$KERNEL): run make first" >&2
		exit 77
	fi
	# The module is built in a scratch directory of its own (build/driver is the build's), kept
	# for the next run so that Kbuild recompiles only what changed (C=2 checks every file
	# anyway); one run at a time uses it.
	local work="$OUT/sparse-build-$KERNEL"
	mkdir -p "$raw" "$work"
	# The scratch module directory: the driver's sources (driver/build.mk's list) or DIR's,
	# and a map from each copy back to its source for the report.
	local srcs=()
	if [ "${1:-}" = --module-dir ]; then
		[ -d "${2:-}" ] || die "--module-dir DIR"
		srcs=($(ls -d "$2"/*)) explicit=1
		work=$RUN/sparse-build
		mkdir -p "$work"
	else
		srcs=($(mkvar BH_DRIVER_SRCS))
	fi
	[ ${#srcs[@]} -gt 0 ] || die "sparse: no sources"
	exec 9>"$work.lock"
	flock 9
	: >"$raw/map"
	for src in "${srcs[@]}"; do
		cp -p "$src" "$work/"
		echo "$work/$(basename "$src")	$src" >>"$raw/map"
	done
	echo "$ROOT/include/	include/" >>"$raw/map"
	# C=2: check every file, not only those recompiled.
	make -C "$kout" ARCH=riscv CROSS_COMPILE="$(mkvar CROSS_COMPILE)" M="$work" \
		BH_INCLUDE="$ROOT/include" C=2 CHECK="$ROOT/scripts/static-analysis.sh --sparse-check" \
		modules >"$raw/driver.out" 2>&1
	echo $? >"$raw/driver.rc"
	$REPORT sparse "$raw" "$SUPP" $([ $explicit = 1 ] && echo --explicit)
}

# Raw tool output of this run (others may run at the same time).
mkdir -p "$OUT" || die "cannot create $OUT"
RUN=$(mktemp -d "$OUT/run.XXXXXX") || die "cannot create a directory in $OUT"
[ -n "${BH_SA_KEEP:-}" ] && echo "static-analysis: raw output kept in $RUN" >&2 || trap 'rm -rf "$RUN"' EXIT

tools=()
while [ $# -gt 0 ]; do
	case $1 in
	cppcheck | clang)
		if [ "${2:-}" = --set ]; then
			run_file_tool "$@"
			exit $?
		fi
		tools+=("$1") ;;
	sparse)
		if [ "${2:-}" = --module-dir ]; then
			run_sparse "${@:2}"
			exit $?
		fi
		tools+=("$1") ;;
	-h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d'; exit 0 ;;
	*) die "unknown tool '$1' (cppcheck clang sparse)" ;;
	esac
	shift
done
[ ${#tools[@]} -gt 0 ] || tools=(cppcheck clang sparse)

worst=0
for t in "${tools[@]}"; do
	start=$SECONDS
	if [ "$t" = sparse ]; then
		(run_sparse)
	else
		(run_file_tool "$t")
	fi
	rc=$?
	echo "static-analysis: $t: $([ $rc = 0 ] && echo clean || echo "exit $rc") in $((SECONDS - start)) s" >&2
	[ $rc -gt $worst ] && [ $rc != 77 ] && worst=$rc
	[ $rc = 77 ] && [ $worst = 0 ] && [ ${#tools[@]} = 1 ] && worst=77
done
exit $worst
