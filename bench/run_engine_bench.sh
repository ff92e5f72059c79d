#!/usr/bin/env bash
# The sweep engine at scale (issue: <1 ms of scheduling and result-writing overhead per unit).
# A study of UNITS no-op units (model.kind = "noop": no training, no clustering, one evaluation
# row of seeded draws per unit) runs under `mpirun -n RANKS`; every unit goes through the
# coordinator, a rank's shard journal and the final merge into results.h5, as real units do.
# Then `vaesweep status` and `vaesweep rank` read the million-row file. The Python peer
# (bench/engine_python_peer.py: multiprocessing pool, a JSON line per trial, pandas merge to
# HDF5) does the same number of trials on the same number of processes.
#
#   bench/run_engine_bench.sh [VAESWEEP] [UNITS] [RANKS]     (defaults: build/vaesweep 1000000 3)
#
# Prints: the scheduling loop's seconds and units/s (rank 0's "done:" line), the whole run's
# wall seconds (start-up, data, loop, merge) and peak memory per rank, the overhead per unit
# (loop seconds x ranks / units: rank time spent per unit), and the same for the peer.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vaesweep="${1:-$root/build/vaesweep}"
units="${2:-1000000}"
ranks="${3:-3}"
python=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/vaesweep-engine-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1

"$python" "$(dirname "$0")/write_noop_study.py" engine_bench "$units" "$work/engine.toml" "$work/cache"

echo "== vaesweep: $units noop units on $ranks ranks (mpirun --oversubscribe), $(getconf _NPROCESSORS_ONLN) cores"
/usr/bin/time -f "%e %M" -o "$work/time.txt" mpirun -n "$ranks" --oversubscribe "$vaesweep" run "$work/engine.toml" \
  --out "$work/results.h5" --progress-every 5 2>"$work/run.err" >"$work/run.out"
loop=$(sed -n 's/.*done: .* took \([0-9.]*\)s,.*/\1/p' "$work/run.err")
read -r wall rss <"$work/time.txt"
grep -E "progress:|done:" "$work/run.err" | sed 's/^/  /'
cat "$work/run.out" | sed 's/^/  /'
size=$(du -m "$work/results.h5" | cut -f1)
status_seconds=$( { /usr/bin/time -f "%e" "$vaesweep" status "$work/results.h5" >/dev/null; } 2>&1 | tail -1)
rank_seconds=$( { /usr/bin/time -f "%e" "$vaesweep" rank "$work/results.h5" --metric nmi_genre --top 5 >/dev/null; } 2>&1 | tail -1)

echo "== Python peer: multiprocessing.Pool($ranks), JSON lines per trial, pandas + h5py merge"
read -r _ pool merge peer_rate < <("$python" "$root/bench/engine_python_peer.py" "$units" "$ranks" "$work/peer")

awk -v u="$units" -v r="$ranks" -v loop="$loop" -v wall="$wall" -v rss="$rss" -v size="$size" \
    -v st="$status_seconds" -v rk="$rank_seconds" -v pool="$pool" -v merge="$merge" 'BEGIN {
  printf "\n%-34s %12s %12s\n", "", "vaesweep", "python peer"
  printf "%-34s %12.2f %12.2f\n", "scheduling loop / pool (s)", loop, pool
  printf "%-34s %12.0f %12.0f\n", "  units per second", u / loop, u / pool
  printf "%-34s %12.1f %12.1f\n", "  overhead per unit (rank-us)", loop * r / u * 1e6, pool * r / u * 1e6
  printf "%-34s %12.2f %12.2f\n", "whole run incl. start-up + merge (s)", wall, pool + merge
  printf "%-34s %12.1f %12.1f\n", "  per unit (us, wall)", wall / u * 1e6, (pool + merge) / u * 1e6
  printf "%-34s %12.0f %12s\n", "peak RSS of a rank (MB)", rss / 1024, "-"
  printf "%-34s %12d %12s\n", "results.h5 (MB)", size, "-"
  printf "%-34s %12.2f %12s\n", "vaesweep status (s)", st, "-"
  printf "%-34s %12.2f %12s\n", "vaesweep rank (s)", rk, "-"
  printf "\ntarget: overhead under 1000 us per unit: %s\n", (loop * r / u * 1e6 < 1000 ? "met" : "MISSED")
}'
