#!/usr/bin/env bash
# Cost growth of each stage of a work unit with the dataset size: bench_stages (C++,
# vaesweep's library) beside bench/stages_python_peer.py (PyTorch 1.13 / scikit-learn 1.2), one
# thread each, one process per (n, stage, implementation). Builds nothing: build bench_stages
# first (cmake -DVAESWEEP_BUILD_BENCH=ON, target bench_stages).
#
#   bench/run_growth_bench.sh [--bench build/bench/bench_stages] [--sizes 1000,2617,10000,20000]
#       [--stages all | standardise,vae,...] [--epochs 10] [--engine batched|torch]
#       [--skip-peer spectral@20000,trustworthiness,...] [--min-seconds 0.5] [--data TABLE.csv]
#       [--resample interpolate|jitter]
#
# Smoke run: `bench/run_growth_bench.sh --sizes 1000 --epochs 2 --min-seconds 0` (about half a
# minute, most of it the peer's imports). --skip-peer names peer stages not to run, each as
# STAGE (every n) or STAGE@N (sklearn's spectral takes ~100 s at 20000, its trustworthiness
# builds two n x n matrices): they print "skipped". --engine: the VAE training engine of
# bench_stages (default batched, the study default of model.engine).
#
# Data (stages_python_peer.py generate, seeded): the real GTZAN + BanglaBeats table (2617 rows,
# 57 feature columns); 1000 rows are a sample of it; above 2617 rows, the table plus rows drawn
# from it with replacement, each moved to a random point between it and one of its 5 nearest
# neighbours (--resample interpolate, the default), or jittered by 5% of each column's standard
# deviation (--resample jitter: every source row then gets a clump of near-copies ~8x closer
# than real neighbours, and DBSCAN's auto eps finds the clumps: 110 / 2320 clusters at 10k / 20k
# rows against 19 / 55 interpolated and 2 on the real table).
# Clustering and metric stages run on a 16-D space standing in for a unit's latent space: the
# PCA of the standardised rows (the same doubles on both sides). VAE training runs EPOCHS epochs
# (default 10) and is reported per epoch and scaled to the study's 50 epochs (x 50 / EPOCHS).
#
# Prints per stage and n: CPU seconds of each side (fastest repetition), the speed-up, the
# growth exponent of the time from one size to the next (log t ratio / log n ratio: 1 linear, 2
# quadratic), the peak memory of each (growth of the peak resident set over the loaded inputs;
# ward's is its n(n-1)/2 condensed distance matrix, sklearn's silhouette works in chunks), and
# each side's value (a number to check the two did the same work: the metric, k-means inertia,
# the largest cluster's size, clusters found, the final VAE loss, the PCA explained variance).
# Times are never asserted; the exit status is 0 unless the data could not be made.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/build/bench/bench_stages"
sizes="1000,2617,10000,20000"
stages="standardise,vae,pca,kmeans,ward,dbscan,spectral,silhouette,calinski_harabasz,davies_bouldin,external,trustworthiness"
epochs=10
engine=batched
skip_peer=""
min_seconds=0.5
data=/work/shared/data/features/gtzan_banglabeats_30s.csv
resample=interpolate
while (($#)); do
  case $1 in
    --bench) bench=$2 ;;
    --sizes) sizes=$2 ;;
    --stages) [[ $2 == all ]] || stages=$2 ;;
    --epochs) epochs=$2 ;;
    --engine) engine=$2 ;;
    --skip-peer) skip_peer=$2 ;;
    --min-seconds) min_seconds=$2 ;;
    --data) data=$2 ;;
    --resample) resample=$2 ;;
    *) echo "run_growth_bench.sh: unknown argument $1 (see the header of this script)" >&2; exit 2 ;;
  esac
  shift 2 || { echo "run_growth_bench.sh: $1 needs a value" >&2; exit 2; }
done
python=/usr/bin/python3
peer="$root/bench/stages_python_peer.py"
if [[ ! -x $bench ]]; then
  echo "run_growth_bench.sh: no executable '$bench' (build the bench_stages target first)" >&2
  exit 2
fi
if ! "$python" -c "import torch, sklearn" 2>/dev/null; then
  echo "run_growth_bench.sh: $python cannot import torch and sklearn (python3-torch, python3-sklearn)" >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/growth_bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONWARNINGS=ignore

start=$(date +%s)
echo "host: $(uname -n), $(getconf _NPROCESSORS_ONLN) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
"$python" "$peer" generate "$work" --data "$data" --sizes "$sizes" --resample "$resample" | sed 's/^/  /'

skipped() {  # skipped STAGE N: true when --skip-peer names STAGE or STAGE@N
  local item
  for item in ${skip_peer//,/ }; do [[ $item == "$1" || $item == "$1@$2" ]] && return 0; done
  return 1
}

# run_one IMPL N STAGE: appends "IMPL N STAGE cpu wall peak_mb value" to results (cpu "skipped"
# or "failed" when it did not run).
run_one() {
  local impl=$1 n=$2 stage=$3 out="$work/$1_$2_$3" cmd
  if [[ $impl == python ]] && skipped "$stage" "$n"; then
    echo "$impl $n $stage skipped - - -" >>"$work/results"
    printf '  %-8s n=%-6s %-18s skipped\n' "$impl" "$n" "$stage"
    return
  fi
  if [[ $impl == vaesweep ]]; then cmd=("$bench" --engine "$engine"); else cmd=("$python" "$peer" run); fi
  cmd+=(--dir "$work" --n "$n" --stage "$stage" --epochs "$epochs" --min-seconds "$min_seconds")
  if ! "${cmd[@]}" >"$out.out" 2>"$out.err"; then
    echo "$impl $n $stage failed - - -" >>"$work/results"
    printf '  %-8s n=%-6s %-18s FAILED: %s\n' "$impl" "$n" "$stage" "$(grep -v '^ *$' "$out.err" | tail -1)"
    return
  fi
  local line
  line=$(grep '^RESULT ' "$out.out")
  field() { tr ' ' '\n' <<<"$line" | sed -n "s/^$1=//p"; }
  echo "$impl $n $stage $(field cpu_s) $(field wall_s) $(field peak_mb) $(field value)" >>"$work/results"
  printf '  %-8s n=%-6s %-18s cpu %9.3f s  peak %8.1f MB\n' "$impl" "$n" "$stage" "$(field cpu_s)" "$(field peak_mb)"
}

for n in ${sizes//,/ }; do
  for stage in ${stages//,/ }; do
    run_one vaesweep "$n" "$stage"
    run_one python "$n" "$stage"
  done
done
echo "load after: $(uptime | sed 's/.*load average/load average/')"
echo

awk -v epochs="$epochs" -v engine="$engine" -v sizes="$sizes" -v stage_list="$stages" '
  function num(x) { return x ~ /^[-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/ }
  function show(x, fmt) { return num(x) ? sprintf(fmt, x) : x }
  { cpu[$1, $2, $3] = $4; peak[$1, $2, $3] = $6; val[$1, $2, $3] = $7
    # VAE training ran `epochs` epochs: report it for the 50 of the study.
    if ($3 == "vae" && num($4)) cpu[$1, $2, $3] = $4 * 50 / epochs }
  END {
    ns = split(sizes, size, ","); nst = split(stage_list, stage, ",")
    printf "%-18s %6s | %10s %10s %8s | %7s %7s | %9s %9s | %-28s\n", "stage", "n", "vaesweep s", "python s",
           "speed-up", "vs grow", "py grow", "vs MB", "py MB", "value vaesweep / python"
    for (s = 1; s <= nst; ++s) {
      st = stage[s]
      for (i = 1; i <= ns; ++i) {
        n = size[i]; a = cpu["vaesweep", n, st]; b = cpu["python", n, st]
        speed = (num(a) && num(b) && a > 0) ? sprintf("%7.1fx", b / a) : "-"
        ga = gb = "-"
        if (i > 1) {
          p = size[i - 1]; pa = cpu["vaesweep", p, st]; pb = cpu["python", p, st]
          if (num(a) && num(pa) && a > 0 && pa > 0) ga = sprintf("%.2f", log(a / pa) / log(n / p))
          if (num(b) && num(pb) && b > 0 && pb > 0) gb = sprintf("%.2f", log(b / pb) / log(n / p))
        }
        printf "%-18s %6s | %10s %10s %8s | %7s %7s | %9s %9s | %s / %s\n", (i == 1 ? st : ""), n,
               show(a, "%10.4f"), show(b, "%10.4f"), speed, ga, gb, show(peak["vaesweep", n, st], "%9.1f"),
               show(peak["python", n, st], "%9.1f"), show(val["vaesweep", n, st], "%.6g"), show(val["python", n, st], "%.6g")
      }
    }
    printf "\nvae: %d epochs measured (vaesweep engine %s), reported x 50 / %d for the study'"'"'s 50 epochs.\n", epochs, engine, epochs
    printf "grow: the growth exponent of the time from the previous size (1 linear, 2 quadratic).\n"
    printf "sum of the stages per n, each once (not the mix of a unit, which runs a clusterer and the metrics per (method, k), and spectral and trustworthiness only when its study asks):\n"
    for (i = 1; i <= ns; ++i) {
      n = size[i]; ta = tb = 0; missing = ""
      for (s = 1; s <= nst; ++s) {
        a = cpu["vaesweep", n, stage[s]]; b = cpu["python", n, stage[s]]
        if (num(a) && num(b)) { ta += a; tb += b } else missing = missing " " stage[s]
      }
      printf "  n = %-6s vaesweep %8.2f s  python %8.2f s  %6.1fx%s\n", n, ta, tb, (ta > 0 ? tb / ta : 0),
             (missing == "" ? "" : "  (without" missing ": not run on both sides)")
    }
  }' "$work/results"
echo "total: $(($(date +%s) - start)) s"
