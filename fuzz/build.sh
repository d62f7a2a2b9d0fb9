#!/usr/bin/env bash
# Builds every fuzz target: each fuzz/fuzz_TARGET.c linked with all of the
# C core (every csrc/*.c) and the harness (every other fuzz/*.c but
# replay.c). The one place that says what a fuzz build holds.
#
#   fuzz/build.sh OUTDIR CC [FLAG...]      writes OUTDIR/fuzz_TARGET
#
# With -fsanitize=fuzzer among the flags the binaries are libFuzzer's;
# otherwise replay.c gives them a main that replays files (fuzz/README.md).
# Prints the targets' names, one a line. The Unicode tables csrc/ucd_data.h
# are generated first (build_ucd.py, by $PYTHON or python3; a no-op when
# they are there for that Python).
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 2 ] || { echo "usage: fuzz/build.sh OUTDIR CC [FLAG...]" >&2; exit 2; }
out="$1" cc="$2"
shift 2
"${PYTHON:-python3}" build_ucd.py
flags=(-std=c11 -Icsrc -Ifuzz "$@")
main=(fuzz/replay.c)
for flag in "$@"; do
    case "$flag" in -fsanitize=*fuzzer*) main=() ;; esac
done
common=(csrc/*.c)
for src in fuzz/*.c; do
    case "${src##*/}" in fuzz_*.c | replay.c) ;; *) common+=("$src") ;; esac
done
mkdir -p "$out/obj"
objects=()
for src in "${common[@]}" "${main[@]}"; do
    obj="$out/obj/$(dirname "$src" | tr / _)_$(basename "$src" .c).o"
    "$cc" "${flags[@]}" -c "$src" -o "$obj"
    objects+=("$obj")
done
for src in fuzz/fuzz_*.c; do
    name="$(basename "$src" .c)"
    "$cc" "${flags[@]}" "$src" "${objects[@]}" -o "$out/$name"
    echo "${name#fuzz_}"
done
