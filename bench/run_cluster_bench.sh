#!/usr/bin/env bash
# Runs bench_cluster (C++) and its scikit-learn 1.2 peer (bench/cluster_sklearn_reference.py)
# side by side on the same data, one thread each, one process per (n, algorithm,
# implementation), and prints a table: n, algorithm, CPU seconds of each, speed-up, wall
# seconds, peak memory, and the agreement of the two results.
# Builds nothing: build bench_cluster first (cmake -DVAESWEEP_BUILD_BENCH=ON, target bench_cluster).
#
#   bench/run_cluster_bench.sh [BENCH_CLUSTER] [SIZES] [MIN_SECONDS]
#
# BENCH_CLUSTER: default build/bench/bench_cluster. SIZES: default 2600,10000,20000.
# MIN_SECONDS: CPU time over which short calls are repeated (the fastest repetition counts),
# default 0.5.
#
# Data: make_blobs(n, 16 features, 10 centres, cluster_std 2, random_state 0), written once to
# CSV by the Python side and read by both. Algorithms (the same settings on both sides):
# silhouette (of the make_blobs labels), k-means (k = 10, n_init = 10), agglomerative ward
# (k = 10), DBSCAN (eps = 8, min_samples = 5: 10 clusters at every n above, 8%, 2% and 1% noise),
# spectral (nearest_neighbors, n_neighbors = 10, k = 10).
#
# Memory columns: "peak MB" is the algorithm's own peak (growth of the peak resident set over
# the resident set once the data is loaded; see bench_cluster.cpp); "max RSS MB" is the whole
# process's (/usr/bin/time %M: the interpreter and libraries included). Memory growth is
# checked to be linear in n (peak at the largest n <= 2.5x its value at the next n, + 8 MB)
# for every algorithm but agglomerative, whose condensed distance matrix is n^2/2 doubles.
#
# OpenBLAS kernels: both sides run with those vaesweep picks (OPENBLAS_CORETYPE as vaesweep
# sets it when OpenBLAS falls back to its SSE3 kernels; a value already set is kept).
#
# Agreement column: ARI between the two label sets; ARI of vaesweep's / sklearn's labels against
# the make_blobs labels; clusters found by each.
# Exit status: 0 when both ran and agree (ARI >= 0.99, spectral >= 0.95; silhouette within
# 1e-9), or differ with vaesweep's labels at least as close to the make_blobs labels as
# sklearn's (reported as such); 3 when they disagree otherwise; anything else when a run failed. Targets (reported, not
# enforced): at least as fast as scikit-learn, ideally 2x; k-means at least 2x at n = 10000 and 20000.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${1:-$root/build/bench/bench_cluster}"
sizes="${2:-2600,10000,20000}"
min_seconds="${3:-0.5}"
python=/usr/bin/python3  # Debian's scikit-learn 1.2.1
reference="$root/bench/cluster_sklearn_reference.py"
algorithms=(silhouette kmeans agglomerative dbscan spectral)
eps=8

if [[ ! -x "$bench" ]]; then
  echo "run_cluster_bench.sh: no executable '$bench' (build the bench_cluster target first)" >&2
  exit 2
fi
if ! "$python" -c "import sklearn" 2>/dev/null; then
  echo "run_cluster_bench.sh: $python cannot import sklearn (Debian's python3-sklearn)" >&2
  exit 2
fi
timer=()
if [[ -x /usr/bin/time ]]; then timer=(/usr/bin/time -f "MAXRSS_KB %M" -o); fi

work="$(mktemp -d "${TMPDIR:-/tmp}/cluster_bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONWARNINGS=ignore

start=$(date +%s)
echo "host: $(uname -n), $(nproc --all) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
"$python" "$reference" generate "$work" --sizes "$sizes" >/dev/null

# OpenBLAS's kernels, the same for both sides (k-means' distances are GEMMs on both): those
# vaesweep runs with. Debian's OpenBLAS 0.3.21 falls back to its SSE3 kernels on CPUs it does not
# know, and vaesweep then restarts itself with OPENBLAS_CORETYPE set (src/app/main.cpp); the
# probe below names that value, which both sides then get. A user's own OPENBLAS_CORETYPE is kept.
probe_n=${sizes%%,*}
blas=$("$bench" --data "$work/blobs_$probe_n.csv" --truth "$work/blobs_${probe_n}_y.csv" --algorithm kmeans \
         --min-seconds 0 | grep '^BLAS ' || true)
fix=$(sed -n 's/.* fix=\([A-Za-z0-9]*\).*/\1/p' <<<"$blas")
if [[ -z ${OPENBLAS_CORETYPE:-} && -n $fix ]]; then export OPENBLAS_CORETYPE=$fix; fi
echo "OpenBLAS kernels: $(sed -n 's/.*openblas_kernels=\([^ ]*\).*/\1/p' <<<"$blas") (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}), both sides"

# run_one IMPL N ALGORITHM: appends "IMPL N ALGORITHM cpu wall peak_mb maxrss_mb value" to results.
run_one() {
  local impl=$1 n=$2 algorithm=$3
  local out="$work/${impl}_${n}_${algorithm}"
  local cmd
  if [[ $impl == vaesweep ]]; then cmd=("$bench"); else cmd=("$python" "$reference" run); fi
  cmd+=(--data "$work/blobs_$n.csv" --truth "$work/blobs_${n}_y.csv" --algorithm "$algorithm"
        --labels-out "$out.labels.csv" --eps "$eps" --min-seconds "$min_seconds")
  if ((${#timer[@]})); then
    "${timer[@]}" "$out.time" "${cmd[@]}" >"$out.out" 2>"$out.err" || { cat "$out.err" >&2; return 1; }
  else
    "${cmd[@]}" >"$out.out" 2>"$out.err" || { cat "$out.err" >&2; return 1; }
  fi
  local line maxrss=nan
  line=$(grep '^RESULT ' "$out.out")
  [[ -f $out.time ]] && maxrss=$(awk '/^MAXRSS_KB/ {printf "%.0f", $2 / 1024}' "$out.time")
  field() { tr ' ' '\n' <<<"$line" | sed -n "s/^$1=//p"; }
  echo "$impl $n $algorithm $(field cpu_s) $(field wall_s) $(field peak_mb) $maxrss $(field value)" >>"$work/results"
  printf '  %-8s n=%-6s %-13s cpu %8.3f s  peak %7.1f MB\n' "$impl" "$n" "$algorithm" "$(field cpu_s)" "$(field peak_mb)"
}

for n in ${sizes//,/ }; do
  for algorithm in "${algorithms[@]}"; do
    run_one vaesweep "$n" "$algorithm"
    run_one sklearn "$n" "$algorithm"
  done
done

# Agreement: ARI between the two label sets, and of each against the make_blobs labels (one
# Python process for all pairs; output lines in the order of the pairs).
pairs=()
keys=()
for n in ${sizes//,/ }; do
  for algorithm in "${algorithms[@]}"; do
    [[ $algorithm == silhouette ]] && continue
    vs="$work/vaesweep_${n}_${algorithm}.labels.csv" sk="$work/sklearn_${n}_${algorithm}.labels.csv"
    truth="$work/blobs_${n}_y.csv"
    pairs+=("$vs" "$sk" "$vs" "$truth" "$sk" "$truth")
    keys+=("$n $algorithm both" "$n $algorithm vaesweep_truth" "$n $algorithm sklearn_truth")
  done
done
"$python" "$reference" compare "${pairs[@]}" | awk '{print $NF}' | paste -d' ' <(printf '%s\n' "${keys[@]}") - >"$work/ari"
echo "load after: $(uptime | sed 's/.*load average/load average/')"
echo

sorted_sizes=($(tr ',' '\n' <<<"$sizes" | sort -n))
nmax=${sorted_sizes[-1]}
nprev=$nmax  # one size: no growth to show
((${#sorted_sizes[@]} > 1)) && nprev=${sorted_sizes[-2]}
status=0
awk -v ari_file="$work/ari" -v nmax="$nmax" -v nprev="$nprev" '
  BEGIN { while ((getline line < ari_file) > 0) { split(line, f, " "); ari[f[1] " " f[2] " " f[3]] = f[4] } }
  { key = $2 " " $3; cpu[$1, key] = $4; wall[$1, key] = $5; peak[$1, key] = $6; rss[$1, key] = $7; val[$1, key] = $8
    if (!(key in seen)) { seen[key] = 1; order[++count] = key } }
  END {
    status = 0
    printf "%-6s %-13s | %10s %10s %8s | %9s %9s | %9s %9s | %9s %9s | %s\n", "n", "algorithm", "vaesweep s",
           "sklearn s", "speed-up", "vs wall", "sk wall", "vs peak", "sk peak", "vs RSS", "sk RSS", "agreement"
    printf "%-6s %-13s | %10s %10s %8s | %9s %9s | %9s %9s | %9s %9s |\n", "", "", "(CPU)", "(CPU)", "",
           "s", "s", "MB", "MB", "MB", "MB"
    for (i = 1; i <= count; ++i) {
      key = order[i]; split(key, k, " "); n = k[1]; alg = k[2]
      if (alg == "silhouette") {
        d = val["vaesweep", key] - val["sklearn", key]; if (d < 0) d = -d
        agree = sprintf("|silhouette diff| %.1e (%.6f)", d, val["vaesweep", key]); ok = d <= 1e-9
      } else {
        a = ari[key " both"]; at = ari[key " vaesweep_truth"]; st = ari[key " sklearn_truth"]
        agree = sprintf("ARI %.4f; vs truth %.4f / %.4f; clusters %d/%d", a, at, st, val["vaesweep", key],
                        val["sklearn", key])
        ok = (a != "" && a >= (alg == "spectral" ? 0.95 : 0.99))
        # A disagreement where vaesweep is the closer to the generating labels is reported, not
        # failed (spectral: sklearn ARPACK returns an arbitrary basis of the graph Laplacian null
        # space when the kNN graph has k components; see src/cluster/spectral.hpp).
        if (!ok && at != "" && at >= st) { ok = 1; agree = agree "  (differ; vaesweep nearer truth)" }
      }
      if (!ok) { status = 3; agree = agree "  DISAGREE" }
      printf "%-6s %-13s | %10.3f %10.3f %7.2fx | %9.3f %9.3f | %9.1f %9.1f | %9s %9s | %s\n", n, alg,
             cpu["vaesweep", key], cpu["sklearn", key], cpu["sklearn", key] / cpu["vaesweep", key],
             wall["vaesweep", key], wall["sklearn", key], peak["vaesweep", key], peak["sklearn", key],
             rss["vaesweep", key], rss["sklearn", key], agree
      if (cpu["sklearn", key] < cpu["vaesweep", key]) slower = slower " " alg "@" n
      if (alg == "kmeans" && (n == 10000 || n == 20000)) {
        r = cpu["sklearn", key] / cpu["vaesweep", key]
        kmeans_target = kmeans_target sprintf(" n=%d %.2fx %s;", n, r, r >= 2 ? "met" : "MISSED")
      }
    }
    printf "\nmemory growth %d -> %d (vaesweep peak MB; linear means <= %.2fx + 8 MB):\n", nprev, nmax, 2.5 * nmax / nprev / 2
    for (i = 1; i <= count; ++i) {
      key = order[i]; split(key, k, " ")
      if (k[1] + 0 != nmax) continue
      lo = peak["vaesweep", nprev " " k[2]]; hi = peak["vaesweep", key]
      if (k[2] == "agglomerative") verdict = "quadratic by design (condensed distance matrix, n(n-1)/2 doubles)"
      else verdict = (hi <= 2.5 * (nmax / nprev) / 2 * lo + 8) ? "linear" : "SUPERLINEAR"
      printf "  %-13s %9.1f -> %9.1f  %s\n", k[2], lo, hi, verdict
    }
    printf "\ntarget (>= 1x sklearn everywhere, ideally 2x): %s\n", slower == "" ? "met" : "MISSED for" slower
    if (kmeans_target != "") printf "target k-means >= 2x sklearn at n = 10000 and 20000:%s\n", kmeans_target
    exit status
  }' "$work/results" || status=$?
echo "total: $(( $(date +%s) - start )) s"
if [[ $status -eq 3 ]]; then
  echo "run_cluster_bench.sh: vaesweep and scikit-learn disagree (see the agreement column)" >&2
fi
exit "$status"
