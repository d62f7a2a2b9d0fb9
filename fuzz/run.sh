#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, with ASan and UBSan) and runs each for
# a bounded time, starting from the committed seed corpus.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60, all four)
#
# New inputs go to $FUZZ_OUT/corpus_TARGET (a temporary folder unless set);
# a failing input is written to $FUZZ_OUT/crash_TARGET-* and the script
# exits non-zero. Reproduce one with the replay driver (fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(substring_count word_count line_word_counts batch)
cc="${FUZZ_CC:-$(command -v clang || command -v clang-14 || true)}"
if [ -z "$cc" ]; then
    echo "fuzz/run.sh: clang is needed (apt-get install clang-14 libclang-rt-14-dev)" >&2
    exit 2
fi
out="${FUZZ_OUT:-$(mktemp -d)}"
mkdir -p "$out"

for target in "${targets[@]}"; do
    "$cc" -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
        -fno-sanitize-recover=all -Icsrc -Ifuzz \
        csrc/search.c csrc/split.c csrc/space.c csrc/tokens.c csrc/backend.c \
        csrc/backend_sse2.c csrc/backend_avx2.c csrc/backend_avx512.c csrc/parallel.c \
        fuzz/harness.c fuzz/reference.c "fuzz/fuzz_$target.c" \
        -o "$out/fuzz_$target"
    mkdir -p "$out/corpus_$target"
    echo "== fuzz_$target: ${seconds} s"
    "$out/fuzz_$target" -max_total_time="$seconds" -max_len=4096 \
        -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/crash_$target-" \
        "$out/corpus_$target" "fuzz/corpus/$target" 2>&1 |
        grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|stat::number_of_executed_units|stat::peak_rss|==|SUMMARY|textops fuzz|.*ERROR)' || true
    if ls "$out/crash_$target-"* >/dev/null 2>&1; then
        echo "fuzz_$target: failing input(s) in $out" >&2
        exit 1
    fi
done
echo "fuzz: ${#targets[@]} targets ran ${seconds} s each, no failure"
