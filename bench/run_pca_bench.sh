#!/usr/bin/env bash
# Runs bench_pca (C++) and its scikit-learn 1.2 peer (bench/pca_sklearn_peer.py) side by side on
# one wide table, one thread each, one process per (solver, k, implementation), and prints their
# RESULT lines: CPU and wall seconds (best repetition), the explained variance ratios' sum, and
# for the randomized fits the largest principal angle between vaesweep's components and
# sklearn's full ones (small, but bounded by how well the k-th singular value stands apart from
# the next on this slowly decaying spectrum: sklearn's randomized fit has the same limit).
# Builds nothing: build bench_pca first (cmake -DVAESWEEP_BUILD_BENCH=ON, target bench_pca).
#
#   bench/run_pca_bench.sh [BENCH_PCA] [KS] [ROWS COLS]
#
# BENCH_PCA: default build/bench/bench_pca. KS: default 16,32. Table: default 3115 x 4096,
# float32, rank-64 structure plus noise (pca_sklearn_peer.py make-data). sklearn runs on the
# float32 table (what it would be given) and on its float64 copy (what vaesweep computes in).
# One thread for every BLAS (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS) and the same
# OPENBLAS_CORETYPE for both sides (bench/README.md: Debian's OpenBLAS 0.3.21 mis-detects our
# Xeons), so that both use the same GEMM kernels.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${1:-$root/build/bench/bench_pca}"
ks="${2:-16,32}"
rows="${3:-3115}"
cols="${4:-4096}"
python=/usr/bin/python3
peer="$root/bench/pca_sklearn_peer.py"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
if [[ -z "${OPENBLAS_CORETYPE:-}" ]]; then
  if grep -q avx512bw /proc/cpuinfo; then export OPENBLAS_CORETYPE=SkylakeX
  elif grep -q avx2 /proc/cpuinfo; then export OPENBLAS_CORETYPE=Haswell; fi
fi
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, one thread, table ${rows} x ${cols}"

if [[ ! -x "$bench" ]]; then
  echo "run_pca_bench.sh: no executable '$bench' (build the bench_pca target first)" >&2
  exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" "$peer" make-data "$work/X.npy" "$rows" "$cols"

# full: the whole SVD whatever k (k only truncates it): timed once, at the first k.
first_k="${ks%%,*}"
"$bench" --data "$work/X.npy" --solver full --k "$first_k" --min-seconds 0
"$python" "$peer" time "$work/X.npy" full "$first_k" 0
IFS=, read -ra klist <<<"$ks"
for k in "${klist[@]}"; do
  "$bench" --data "$work/X.npy" --solver randomized --k "$k" --components-out "$work/C$k.csv"
  "$python" "$peer" time "$work/X.npy" randomized "$k"
  "$python" "$peer" time "$work/X.npy" randomized "$k" 0.5 --float64
  # sklearn's exact fit in float64 (timed), and its angle to vaesweep's randomized components.
  "$python" "$peer" time "$work/X.npy" full "$k" 0 --float64 --compare "$work/C$k.csv"
done
