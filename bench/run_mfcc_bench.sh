#!/usr/bin/env bash
# Runs bench_mfcc (C++) and its NumPy/SciPy reference peer side by side on the same clips, one
# thread each, and prints a small table: implementation, clips/s, x real time, ratio vs NumPy.
# Builds nothing: build bench_mfcc first (cmake -DVAESWEEP_BUILD_BENCH=ON, target bench_mfcc).
#
#   bench/run_mfcc_bench.sh [BENCH_MFCC] [AUDIO_DIR] [MIN_SECONDS]
#
# BENCH_MFCC: default build/bench/bench_mfcc. AUDIO_DIR: default ../shared/data/audio/gtzan-mini
# (relative to the project root); when it holds no .wav file, bench_mfcc synthesises 8 clips
# of 30 s into a scratch folder and the reference reads those. MIN_SECONDS: wall time per
# implementation, default 5.
# Exit status: 0 when both ran and their feature rows agree within 1e-4 relative; 3 when they
# disagree; anything else when a run failed. Targets (reported, not enforced): >= 300x real
# time per core, >= 5x the NumPy reference.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${1:-$root/build/bench/bench_mfcc}"
audio_dir="${2:-$root/../shared/data/audio/gtzan-mini}"
min_seconds="${3:-5}"
python=/usr/bin/python3  # Debian's numpy/scipy

if [[ ! -x "$bench" ]]; then
  echo "run_mfcc_bench.sh: no executable '$bench' (build the bench_mfcc target first)" >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/mfcc_bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

echo "host: $(uname -n), $(nproc --all) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" "$audio_dir" --csv "$work/cpp.csv" --min-seconds "$min_seconds" --synth-dir "$work/synth" | tee "$work/cpp.out"
ref_dir="$audio_dir"
if grep -q "synthetic" "$work/cpp.out"; then ref_dir="$work/synth"; fi
status=0
"$python" "$root/bench/mfcc_numpy_reference.py" "$ref_dir" --cpp-csv "$work/cpp.csv" --min-seconds "$min_seconds" \
  --tolerance 1e-4 | tee "$work/numpy.out" || status=$?
if [[ $status -ne 0 && $status -ne 3 ]]; then
  echo "run_mfcc_bench.sh: the NumPy reference failed (status $status)" >&2
  exit "$status"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# RESULT lines: key=value fields.
field() { grep '^RESULT ' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
cpp_cps=$(field "$work/cpp.out" clips_per_s)
cpp_rt=$(field "$work/cpp.out" x_realtime)
np_cps=$(field "$work/numpy.out" clips_per_s)
np_rt=$(field "$work/numpy.out" x_realtime)
max_rel=$(field "$work/numpy.out" max_rel_err)

awk -v cc="$cpp_cps" -v cr="$cpp_rt" -v nc="$np_cps" -v nr="$np_rt" -v err="$max_rel" 'BEGIN {
  printf "%-22s %10s %14s %12s\n", "implementation", "clips/s", "x real time", "vs NumPy"
  printf "%-22s %10.2f %14.0f %11.2fx\n", "C++ (vaesweep)", cc, cr, cc / nc
  printf "%-22s %10.2f %14.0f %11.2fx\n", "NumPy/SciPy reference", nc, nr, 1.0
  printf "\nfeature rows: max relative difference %s (limit 1e-4)\n", err
  printf "targets: >= 300x real time per core: %s; >= 5x NumPy: %s\n", (cr >= 300 ? "met" : "MISSED"), (cc / nc >= 5 ? "met" : "MISSED")
}'
if [[ $status -eq 3 ]]; then
  echo "run_mfcc_bench.sh: the C++ and NumPy feature rows disagree beyond 1e-4 relative" >&2
fi
exit "$status"
