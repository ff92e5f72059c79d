#!/usr/bin/env bash
# MPI scaling of real work units: the unit study of bench/unit_bench.toml (real GTZAN +
# BanglaBeats table, MLP VAE 57-64-32-z16, k-means + ward at k = 10, 18 and DBSCAN per unit)
# under `mpirun -n 1`, `-n 2` and `-n 3 --oversubscribe`, then the scheduler's own overhead at 3
# oversubscribed ranks with no-op units (bench/run_engine_bench.sh with NOOP_UNITS units).
#
#   bench/run_mpi_scaling_bench.sh [VAESWEEP] [UNITS] [EPOCHS] [NOOP_UNITS] [DATA]
#
# VAESWEEP: default build/vaesweep. UNITS: even, default 16 (beta in {1, 4} x UNITS/2 seeds).
# EPOCHS: default 50. NOOP_UNITS: default 100000 (0 skips the no-op part). DATA: default
# /work/shared/data/features/gtzan_banglabeats_30s.csv.
# Smoke run: `bench/run_mpi_scaling_bench.sh build/vaesweep 4 2 2000` (well under a minute).
#
# Prints per rank count: the work loop's seconds (rank 0's "done: ... took") and units/s, the
# whole run's wall seconds (mpirun start-up, data loading and the merge included), the mean
# seconds of one unit as the units themselves measured them (/units wall_seconds), the speed-up
# of 2 ranks over 1 ("target >= 1.8x: met/MISSED") and the throughput of 3 oversubscribed ranks
# against 2. Then the scheduler's overhead per unit in rank-microseconds (no-op units: loop
# seconds x ranks / units) and as a fraction of a real unit's time (the 1-rank loop seconds per
# unit). Times are never asserted; the exit status is 0 unless a run failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vaesweep="${1:-$root/build/vaesweep}"
units="${2:-16}"
epochs="${3:-50}"
noop_units="${4:-100000}"
data="${5:-/work/shared/data/features/gtzan_banglabeats_30s.csv}"
python=/usr/bin/python3

if [[ ! -x $vaesweep ]]; then echo "run_mpi_scaling_bench.sh: no executable '$vaesweep'" >&2; exit 2; fi
if ((units < 2 || units % 2)); then echo "run_mpi_scaling_bench.sh: UNITS must be even and >= 2, got $units" >&2; exit 2; fi
vaesweep="$(realpath "$vaesweep")"
data="$(realpath "$data")"
work=$(mktemp -d "${TMPDIR:-/tmp}/vaesweep-mpi-scaling.XXXXXX")
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
seeds=$(seq -s, 1 $((units / 2)))
study=("$root/bench/unit_bench.toml" --set "data.path=\"$data\"" --set "model.epochs=$epochs" --set "grid.seed=[$seeds]")

# The seconds of rank 0's work loop: done units / the rate of its "done: D/T units (P%), R units/s"
# line (the rate has more digits than the line's "took" time).
loop_seconds() {
  sed -n 's|.*done: \([0-9]*\)/[0-9]* [a-z]* ([0-9]*%), \([0-9.]*\) [a-z]*/s.*|\1 \2|p' "$1" |
    awk '$2 > 0 { printf "%.4f\n", $1 / $2 }'
}

start=$(date +%s)
echo "host: $(uname -n), $(getconf _NPROCESSORS_ONLN) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
echo "study: $units units (beta 1, 4 x seeds $seeds), $epochs epochs, 5 evaluations a unit"
for ranks in 1 2 3; do
  extra=()
  ((ranks > $(getconf _NPROCESSORS_ONLN))) && extra=(--oversubscribe)
  /usr/bin/time -f "%e" -o "$work/r$ranks.wall" mpirun -n "$ranks" "${extra[@]}" "$vaesweep" run "${study[@]}" \
    --out "$work/r$ranks.h5" --progress-every 3600 >"$work/r$ranks.out" 2>"$work/r$ranks.err" ||
    { cat "$work/r$ranks.err" >&2; exit 1; }
  unit_mean=$("$python" -c "
import h5py, sys
u = h5py.File(sys.argv[1], 'r')['units']
print(f\"{u['wall_seconds'].mean():.4f} {u['train_seconds'].mean():.4f} {u['eval_seconds'].mean():.4f} {len(u)} {(u['status'] == b'ok').sum()}\")" "$work/r$ranks.h5")
  echo "$ranks $(loop_seconds "$work/r$ranks.err") $(cat "$work/r$ranks.wall") $unit_mean" >>"$work/scaling"
  echo "  $ranks rank(s)${extra:+ (oversubscribed)}: $(grep 'done:' "$work/r$ranks.err" | sed 's/.*done:/done:/'), whole run $(cat "$work/r$ranks.wall") s"
done
echo "load after: $(uptime | sed 's/.*load average/load average/')"
echo
awk -v cores="$(getconf _NPROCESSORS_ONLN)" '{ loop[$1] = $2; wall[$1] = $3; unit[$1] = $4; train[$1] = $5; ev[$1] = $6; n[$1] = $7; ok[$1] = $8 }
  END {
    printf "%-6s %8s %10s %10s %12s %14s %12s %12s %8s\n", "ranks", "units", "loop s", "units/s", "whole run s",
           "units/s whole", "unit s mean", "train s", "ok"
    for (r = 1; r <= 3; ++r)
      printf "%-6s %8d %10.2f %10.3f %12.2f %14.3f %12.3f %12.3f %8d\n", r (r > cores ? "*" : ""), n[r], loop[r],
             n[r] / loop[r], wall[r], n[r] / wall[r], unit[r], train[r], ok[r]
    printf "(* oversubscribed: more ranks than the %d cores; \"unit s mean\": /units wall_seconds, the unit as it timed itself)\n", cores
    s2 = loop[1] / loop[2]; s3 = loop[2] / loop[3]
    printf "\nspeed-up 2 ranks vs 1 (work loop): %.2fx; whole run: %.2fx\n", s2, wall[1] / wall[2]
    printf "target >= 1.8x: %s\n", (s2 >= 1.8 ? "met" : "MISSED")
    # speed-up = ranks x busy share / slowdown: which of the two lost it.
    for (r = 2; r <= 3; ++r)
      printf "  %d ranks: a unit took %.2fx its 1-rank time (1.00 when each rank has a core of its own; more: shared cores, other load, memory bandwidth); ranks spent %.0f%% of the loop in units (the rest: waiting, the tail, scheduling)\n",
             r, unit[r] / unit[1], 100 * n[r] * unit[r] / (r * loop[r])
    printf "3 oversubscribed ranks vs 2: throughput %.2fx of 2 ranks (work loop), %.2fx (whole run)\n", s3, wall[2] / wall[3]
  }' "$work/scaling"

if ((noop_units > 0)); then
  echo
  echo "== the scheduler's overhead: bench/run_engine_bench.sh $noop_units no-op units, 3 ranks (oversubscribed)"
  "$root/bench/run_engine_bench.sh" "$vaesweep" "$noop_units" 3 | tee "$work/engine.txt" | sed 's/^/  /'
  # From rank 0's done line (its rate has more digits than the table's loop seconds).
  overhead=$(awk -v n="$noop_units" -v s="$(loop_seconds "$work/engine.txt")" 'BEGIN { print s * 3 / n * 1e6 }')
  real=$(awk '$1 == 1 { print $2 / $7 }' "$work/scaling")
  awk -v o="$overhead" -v real="$real" 'BEGIN {
    printf "\nscheduler overhead at 3 oversubscribed ranks (loop s x 3 / units): %.1f rank-us per unit = %.2g of a real unit (%.3f s per unit, 1-rank loop)\n",
           o, o * 1e-6 / real, real }'
fi
echo "total: $(($(date +%s) - start)) s"
