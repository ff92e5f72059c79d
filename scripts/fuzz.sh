#!/usr/bin/env bash
# Runs one fuzz target for a bounded time: scripts/fuzz.sh TARGET SECONDS [SANITIZE_BUILD_DIR]
# (TARGET: study, csv_table, shard_journal, npy, audio; the build from scripts/build-sanitize.sh).
# The seeds in fuzz/corpus/TARGET stay untouched: new inputs go to a working corpus in the build
# folder, kept between runs so that each run starts where the last one stopped. A crash leaves
# its input in the build folder's fuzz-artifacts/ and fails with libFuzzer's report.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=$1
seconds=$2
build=${3:-$root/build/sanitize}
seeds=$root/fuzz/corpus/$target
work=$build/fuzz-corpus/$target
artifacts=$build/fuzz-artifacts/$target
mkdir -p "$work" "$artifacts"
# Leak checks stay on; a slow input (10 s) or one that takes 2 GB is reported like a crash.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/fuzz/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
exec "$build/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "$seeds"
