#!/usr/bin/env bash
# vaesweep against the Python per-unit baseline: the same work units on the real
# GTZAN + BanglaBeats table, run by `vaesweep run` and by bench/unit_python_peer.py (PyTorch
# 1.13 + scikit-learn 1.2 from Debian, one thread per process), first on 1 rank / 1 process,
# then on 2 ranks (mpirun -n 2) / 2 processes (multiprocessing.Pool(2)) on the same cores.
#
#   bench/run_unit_bench.sh [VAESWEEP] [UNITS] [EPOCHS] [DATA] [REPEATS]
#
# VAESWEEP: default build/vaesweep. UNITS: even, default 8 (beta in {1, 4} x UNITS/2 seeds).
# EPOCHS: default 50. DATA: default /work/shared/data/features/gtzan_banglabeats_30s.csv.
# REPEATS: default 3: each side runs REPEATS times at each rank count, the two sides taking
# turns, and the run of fewest CPU seconds counts for each (a shared virtual machine's noise
# only adds time: single runs here moved by up to 15%); every run's CPU seconds are printed.
# Smoke run: `bench/run_unit_bench.sh build/vaesweep 2 2 "" 1` (well under a minute).
#
# A unit (bench/unit_bench.toml with the seeds, epochs and data path set by --set; the peer's
# docstring says how it does the same): the 57 standardised feature columns (never filename or
# length), an MLP VAE 57-64-32-z16, Adam 1e-3, batch 64,
# EPOCHS epochs; on its latent means k-means (n_init 10) and agglomerative ward at k = 10 and 18,
# DBSCAN once (it takes no k: k = 0 in the results; eps "auto", min_samples 5); per partition
# silhouette, Calinski-Harabasz, Davies-Bouldin and eight external scores per label set (label,
# language). Trustworthiness is computed by neither side (vaesweep does so only for a UMAP
# projection, which the study does not ask for). The study leaves model.engine at its default:
# the script measures whatever training the binary does (the engine column of /units says which).
#
# Prints the OpenBLAS kernels each side ran (OPENBLAS_CORETYPE, when the environment sets it,
# holds both to one set; unset, each library picks the CPU's own) and the body of vaesweep's own
# training GEMMs (models/fma_sgemm.hpp, chosen by the CPU, not by OPENBLAS_CORETYPE), then a table (seconds per
# unit for the whole run, wall and CPU, and for the work loop, which leaves out start-up:
# mpirun, imports, loading the table; the split of a unit into training and clustering +
# metrics from the results file's /units train_seconds and eval_seconds and the peer's own
# clocks; the ratio), the targets (>= 10x the peer in CPU seconds per unit, whole run, every
# rank or process; clustering + metrics <= 0.15 s per unit) met or MISSED at 1 and 2 ranks,
# and a cross-check that both sides did the same task (means of NMI, silhouette and
# Davies-Bouldin within a stated band).
# Exit status: 0, or 3 when the cross-check fails, anything else when a run failed. Times are
# never asserted.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vaesweep="${1:-$root/build/vaesweep}"
units="${2:-8}"
epochs="${3:-50}"
data="${4:-/work/shared/data/features/gtzan_banglabeats_30s.csv}"
repeats="${5:-3}"
python=/usr/bin/python3  # Debian's PyTorch 1.13 and scikit-learn 1.2
peer="$root/bench/unit_python_peer.py"

if [[ ! -x $vaesweep ]]; then echo "run_unit_bench.sh: no executable '$vaesweep'" >&2; exit 2; fi
if ! "$python" -c "import torch, sklearn, h5py" 2>/dev/null; then
  echo "run_unit_bench.sh: $python cannot import torch, sklearn and h5py (python3-torch, python3-sklearn, python3-h5py)" >&2
  exit 2
fi
if ((units < 2 || units % 2)); then echo "run_unit_bench.sh: UNITS must be even and >= 2, got $units" >&2; exit 2; fi
if ((repeats < 1)); then echo "run_unit_bench.sh: REPEATS must be >= 1, got $repeats" >&2; exit 2; fi
data="$(realpath "$data")"
work=$(mktemp -d "${TMPDIR:-/tmp}/vaesweep-unit-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONWARNINGS=ignore
seeds=$(seq -s, 1 $((units / 2)))

study=("$root/bench/unit_bench.toml" --set "data.path=\"$data\"" --set "model.epochs=$epochs" --set "grid.seed=[$seeds]")

# The seconds of rank 0's work loop: done units / the rate of its "done: D/T units (P%), R units/s"
# line (the rate has more digits than the line's "took" time).
loop_seconds() {
  sed -n 's|.*done: \([0-9]*\)/[0-9]* [a-z]* ([0-9]*%), \([0-9.]*\) [a-z]*/s.*|\1 \2|p' "$1" |
    awk '$2 > 0 { printf "%.4f\n", $1 / $2 }'
}

# run_vaesweep RANKS REP: "wall user sys" of the whole run in $work/vs<RANKS>_<REP>.time, results
# in vs<RANKS>_<REP>.h5.
run_vaesweep() {
  local ranks=$1 rep=$2
  local out="$work/vs${ranks}_$rep"
  rm -f "$out.h5"
  /usr/bin/time -f "%e %U %S" -o "$out.time" mpirun -n "$ranks" "$vaesweep" run "${study[@]}" \
    --out "$out.h5" --progress-every 3600 >"$out.out" 2>"$out.err" || { cat "$out.err" >&2; return 1; }
  echo "  vaesweep, $ranks rank(s), run $rep: $(grep 'done:' "$out.err" | sed 's/.*done:/done:/'), whole run $(cut -d' ' -f1 "$out.time") s, CPU $(cpu_of "$out.time") s"
}

# run_peer PROCESSES REP: the same for the Python peer.
run_peer() {
  local processes=$1 rep=$2
  local out="$work/py${processes}_$rep"
  /usr/bin/time -f "%e %U %S" -o "$out.time" "$python" "$peer" run --data "$data" --seeds "$seeds" \
    --betas 1,4 --epochs "$epochs" --ks 10,18 --processes "$processes" --out "$out.json" \
    >"$out.out" 2>"$out.err" || { cat "$out.err" >&2; return 1; }
  echo "  python, $processes process(es), run $rep: $(cat "$out.out"), whole run $(cut -d' ' -f1 "$out.time") s, CPU $(cpu_of "$out.time") s"
}

# cpu_of TIME_FILE: user + sys seconds of a "wall user sys" line.
cpu_of() { awk '{ printf "%.2f", $2 + $3 }' "$1"; }

# keep_best SIDE COUNT: copies the run of fewest CPU seconds, <SIDE><COUNT>_<rep>.*, to <SIDE><COUNT>.*.
keep_best() {
  local side=$1 count=$2 best="" best_cpu="" rep cpu f
  for ((rep = 1; rep <= repeats; ++rep)); do
    cpu=$(cpu_of "$work/${side}${count}_$rep.time")
    if [[ -z $best ]] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then best=$rep best_cpu=$cpu; fi
  done
  for f in "$work/${side}${count}_$best".*; do cp "$f" "$work/${side}${count}.${f##*.}"; done
}

# run_both COUNT: both sides REPEATS times on COUNT ranks / processes, taking turns; the best of each.
run_both() {
  local count=$1 rep
  for ((rep = 1; rep <= repeats; ++rep)); do
    run_vaesweep "$count" "$rep"
    run_peer "$count" "$rep"
  done
  keep_best vs "$count"
  keep_best py "$count"
}

start=$(date +%s)
echo "host: $(uname -n), $(getconf _NPROCESSORS_ONLN) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
echo "study: $units units (beta 1, 4 x seeds $seeds), $epochs epochs, kmeans + ward at k = 10, 18 and dbscan: 5 evaluations a unit"
echo "each side $repeats time(s) at each rank count, taking turns; the run of fewest CPU seconds counts"
run_both 1
run_both 2
echo "load after: $(uptime | sed 's/.*load average/load average/')"
engine=$("$python" -c "
import h5py, sys
u = h5py.File(sys.argv[1], 'r')['units']
print(u['engine'][0].decode() if 'engine' in u.dtype.names else 'torch (no engine column)')" "$work/vs1.h5")
echo "vaesweep's training engine: $engine"
# The GEMM kernels each side ran. OpenBLAS's (the peer's training; k-means' distances on both
# sides) are the same for both when the environment sets OPENBLAS_CORETYPE, else each library's
# own choice for this CPU. vaesweep's batched engine trains with its own float GEMMs where the CPU
# has FMA (models/fma_sgemm.hpp: the CPU's widest vectors, whatever OPENBLAS_CORETYPE says).
vs_kernels=$("$python" -c "
import h5py, re, sys
text = h5py.File(sys.argv[1], 'r').attrs.get('library_versions', '')
text = text.decode() if isinstance(text, bytes) else str(text)
own = re.search(r'batched float gemm ([^;]*)', text)
blas = re.search(r'openblas kernels ([^;]*)', text)
print((own.group(1) if own else 'none') + '|' + (blas.group(1) if blas else 'not OpenBLAS'))" "$work/vs1.h5")
vs_gemm=${vs_kernels%%|*} vs_blas=${vs_kernels#*|}
py_blas=$("$python" -c "
import threadpoolctl, numpy, torch
print(', '.join(sorted({i.get('architecture') or '?' for i in threadpoolctl.threadpool_info() if i['internal_api'] == 'openblas'})) or 'not OpenBLAS')" 2>/dev/null || echo unknown)
echo "OpenBLAS kernels: vaesweep $vs_blas; python $py_blas (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset})"
echo "vaesweep's training GEMMs (batched engine, float): $([[ $vs_gemm == none ]] && echo "OpenBLAS's" || echo "its own, $vs_gemm body")"
echo

status=0
"$python" "$peer" compare --vaesweep "$work/vs1.h5" "$work/vs2.h5" \
  --vaesweep-loop "$(loop_seconds "$work/vs1.err")" "$(loop_seconds "$work/vs2.err")" \
  --vaesweep-time "$(cat "$work/vs1.time")" "$(cat "$work/vs2.time")" \
  --peer "$work/py1.json" "$work/py2.json" --peer-time "$(cat "$work/py1.time")" "$(cat "$work/py2.time")" || status=$?
echo "total: $(($(date +%s) - start)) s"
if ((status == 3)); then echo "run_unit_bench.sh: the two sides' scores differ beyond the band (see the cross-check)" >&2; fi
exit "$status"
