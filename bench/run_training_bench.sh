#!/usr/bin/env bash
# Training the D-64-32-z16 MLP VAE on the real table (50 epochs, Adam 1e-3, batch 64, one
# thread, the final evaluation on all rows included): seconds per model of
#   python          the PyTorch 1.13 peer (bench/train_python_peer.py)
#   torch engine    vaesweep's LibTorch engine (models one after another)
#   batched M       vaesweep's batched engine, M models in one group (seconds / M)
# each the median of REPEATS repetitions, and the speed-up over the peer. Everything runs twice
# when OpenBLAS fell back to its SSE3 kernels on this CPU (see src/models/blas_core.hpp): as the
# machine is (what a user gets by default) and with OPENBLAS_CORETYPE set to the right kernels.
# The peer and LibTorch use the same OpenBLAS, so each setting compares like with like.
#
#   bench/run_training_bench.sh [BUILD_DIR] [REPEATS] [TABLE.csv]
#        (defaults: build 3 ../shared/data/features/gtzan_banglabeats_30s.csv; BUILD_DIR
#         configured with -DVAESWEEP_BUILD_BENCH=ON)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
repeats="${2:-3}"
data="${3:-$root/../shared/data/features/gtzan_banglabeats_30s.csv}"
bench="$build/bench/bench_training"
python=/usr/bin/python3
export OMP_NUM_THREADS=1
unset OPENBLAS_CORETYPE
[ -x "$bench" ] || { echo "no $bench: configure with -DVAESWEEP_BUILD_BENCH=ON and build bench_training" >&2; exit 2; }
[ -f "$data" ] || { echo "no table $data" >&2; exit 2; }

# The kernels OpenBLAS picks here, and the fix when it fell back.
probe=$("$bench" --data "$data" --engine batched --epochs 1 --repeats 1 | head -1)
echo "$probe"
settings=("default")
fix=$(sed -n 's/.*OPENBLAS_CORETYPE=\([A-Za-z0-9]*\).*/\1/p' <<<"$probe")
[ -n "$fix" ] && settings+=("$fix")

result_field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

for setting in "${settings[@]}"; do
  if [ "$setting" = default ]; then unset OPENBLAS_CORETYPE; else export OPENBLAS_CORETYPE="$setting"; fi
  echo
  echo "== OpenBLAS kernels: ${OPENBLAS_CORETYPE:-as detected} ($repeats repetitions each, $(getconf _NPROCESSORS_ONLN) cores, load $(cut -d' ' -f1 /proc/loadavg))"
  rows=()
  line=$("$python" "$root/bench/train_python_peer.py" --data "$data" --repeats "$repeats" | grep '^RESULT')
  peer=$(result_field s_per_model "$line")
  default_peer=${default_peer:-$peer}
  rows+=("python 1 $peer $(result_field min "$line") $(result_field max "$line")")
  line=$("$bench" --data "$data" --engine torch --members 1 --repeats "$repeats" | grep '^RESULT')
  rows+=("torch-engine 1 $(result_field s_per_model "$line") $(result_field min "$line") $(result_field max "$line")")
  for m in 1 4 8 16; do
    line=$("$bench" --data "$data" --engine batched --members "$m" --repeats "$repeats" | grep '^RESULT')
    rows+=("batched $m $(result_field s_per_model "$line") $(result_field min "$line") $(result_field max "$line")")
  done
  # vs python: the peer on the same kernels; vs default python: the peer as a user runs it.
  printf "%-14s %8s %12s %18s %10s %18s\n" engine members "s per model" "(min - max)" "vs python" "vs default python"
  for row in "${rows[@]}"; do
    read -r engine members median min max <<<"$row"
    awk -v e="$engine" -v m="$members" -v s="$median" -v lo="$min" -v hi="$max" -v p="$peer" -v d="$default_peer" \
      'BEGIN { printf "%-14s %8d %12.3f %8.3f - %-7.3f %9.1fx %17.1fx\n", e, m, s, lo, hi, p / s, d / s }'
  done
done

echo
echo "== checks (batched engine, 8 members, ${OPENBLAS_CORETYPE:-as detected} kernels)"
"$bench" --data "$data" --engine batched --members 8 --repeats 1 --check | grep '^CHECK'
