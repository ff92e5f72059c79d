#!/usr/bin/env bash
# The root's memory and time at the end of a large sweep: the merge of the journals into the
# results file, then `status` and `rank` on that file. A study of UNITS no-op units
# (model.kind = "noop": one evaluation row of seeded draws per unit) runs with one rank, so that
# the process measured is the root (it also runs the units: ~12,000/s). Each build given runs
# the same study in the same call, one after the other; their results files are compared field
# by field (h5py: names, dtypes including string widths, values; outside the columns that
# differ from run to run: run_id, started_at, wall_seconds, train_seconds, eval_seconds; /runs).
#
#   bench/run_merge_memory_bench.sh NEW_VAESWEEP [OLD_VAESWEEP] [UNITS]   (default 1000000 units)
#
# Prints per build: the run's wall seconds and peak RSS (/usr/bin/time: the root process), the
# merge's seconds (from the "done:" line to the end), and the same for status and rank.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
new="${1:?usage: $0 NEW_VAESWEEP [OLD_VAESWEEP] [UNITS]}"
old="${2:-}"
units="${3:-1000000}"
python=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/vaesweep-merge-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1

"$python" "$(dirname "$0")/write_noop_study.py" merge_bench "$units" "$work/study.toml" "$work/cache"

measure() {  # NAME BINARY
  local name="$1" bin="$2" out="$work/$1.h5"
  /usr/bin/time -f "%e %M" -o "$work/$name.run" "$bin" run "$work/study.toml" --out "$out" --progress-every 600 \
    >"$work/$name.out" 2>"$work/$name.err"
  read -r wall rss <"$work/$name.run"
  local loop
  loop=$(sed -n 's/.*done: .* took \([0-9.]*\)s,.*/\1/p' "$work/$name.err")
  /usr/bin/time -f "%e %M" -o "$work/$name.status" "$bin" status "$out" >/dev/null
  cp "$out" "$work/$name-rank.h5"  # rank writes /aggregate into the file: keep the merged one as it is
  /usr/bin/time -f "%e %M" -o "$work/$name.rank" "$bin" rank "$work/$name-rank.h5" --metric nmi_genre --top 5 >/dev/null
  read -r status_s status_rss <"$work/$name.status"
  read -r rank_s rank_rss <"$work/$name.rank"
  awk -v n="$name" -v w="$wall" -v r="$rss" -v l="$loop" -v ss="$status_s" -v sr="$status_rss" -v rs="$rank_s" -v rr="$rank_rss" \
    'BEGIN { printf "%-4s run %7.1f s (units %6.1f s, merge and start-up %6.1f s), peak RSS %6.0f MB | status %5.1f s %5.0f MB | rank %5.1f s %5.0f MB\n", n, w, l, w - l, r / 1024, ss, sr / 1024, rs, rr / 1024 }'
}

echo "== $units noop units, 1 rank (the root), $(getconf _NPROCESSORS_ONLN) cores, $(date -u +%F)"
[ -n "$old" ] && measure old "$old"
measure new "$new"
if [ -n "$old" ]; then
  "$python" "$(dirname "$0")/compare_results_files.py" "$work/old.h5" "$work/new.h5"
fi
