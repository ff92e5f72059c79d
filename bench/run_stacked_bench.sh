#!/usr/bin/env bash
# The stacked engine on the CPU beside the other engines and the PyTorch peer, one thread, the
# OpenBLAS kernels fixed as vaesweep fixes them (so every row runs the same kernels):
#   MLP: the D-64-32-z16 VAE on the real table, 50 epochs: python (one model), torch engine,
#        batched and stacked engines at M = 1, 8, 64 (seconds per model, median of REPEATS)
#   conv 2-D: channels 16-32, z16, on ROWS random 32 x 64 images, 2 epochs: python, torch
#        engine, stacked at M = 1, 4, 16
#
#   bench/run_stacked_bench.sh [BUILD_DIR] [REPEATS] [TABLE.csv] [ROWS]
#        (defaults: build 3 ../shared/data/features/gtzan_banglabeats_30s.csv 1000; BUILD_DIR
#         configured with -DVAESWEEP_BUILD_BENCH=ON)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
repeats="${2:-3}"
data="${3:-$root/../shared/data/features/gtzan_banglabeats_30s.csv}"
rows="${4:-1000}"
bench="$build/bench/bench_training"
python=/usr/bin/python3
export OMP_NUM_THREADS=1
[ -x "$bench" ] || { echo "no $bench: configure with -DVAESWEEP_BUILD_BENCH=ON and build bench_training" >&2; exit 2; }
[ -f "$data" ] || { echo "no table $data" >&2; exit 2; }
fix=$("$bench" --data "$data" --engine batched --epochs 1 --repeats 1 | head -1 | sed -n 's/.*OPENBLAS_CORETYPE=\([A-Za-z0-9]*\).*/\1/p')
[ -n "$fix" ] && export OPENBLAS_CORETYPE=$fix
echo "== one thread, OpenBLAS kernels ${OPENBLAS_CORETYPE:-as detected}, $repeats repetitions, $(getconf _NPROCESSORS_ONLN) cores, load $(cut -d' ' -f1 /proc/loadavg)"

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
printf "%-10s %-14s %8s %12s %10s\n" workload engine members "s per model" "vs python"
report() {  # report WORKLOAD ENGINE MEMBERS RESULT_LINE PEER_SECONDS
  awk -v w="$1" -v e="$2" -v m="$3" -v s="$(field s_per_model "$4")" -v p="$5" \
    'BEGIN { printf "%-10s %-14s %8d %12.4f %9.1fx\n", w, e, m, s, p / s }'
}

line=$("$python" "$root/bench/train_python_peer.py" --data "$data" --repeats "$repeats" | grep '^RESULT')
peer=$(field s_per_model "$line")
report mlp python 1 "$line" "$peer"
report mlp torch-engine 1 "$("$bench" --data "$data" --engine torch --repeats "$repeats" | grep '^RESULT')" "$peer"
for engine in batched stacked; do
  for m in 1 8 64; do
    report mlp "$engine" "$m" "$("$bench" --data "$data" --engine "$engine" --members "$m" --repeats "$repeats" | grep '^RESULT')" "$peer"
  done
done

conv=(--conv-rows "$rows" --conv-bands 32 --conv-frames 64 --epochs 2 --repeats "$repeats")
line=$("$python" "$root/bench/train_python_peer.py" "${conv[@]}" | grep '^RESULT')
peer=$(field s_per_model "$line")
report conv2d python 1 "$line" "$peer"
report conv2d torch-engine 1 "$("$bench" "${conv[@]}" --engine torch | grep '^RESULT')" "$peer"
for m in 1 4 16; do
  report conv2d stacked "$m" "$("$bench" "${conv[@]}" --engine stacked --members "$m" | grep '^RESULT')" "$peer"
done
