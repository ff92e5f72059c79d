#!/usr/bin/env bash
# The root's memory and time of `vaesweep merge` (the slices of a `run --slice I/N` family joined)
# and of `vaesweep rank` on the merged file. A study of UNITS no-op units (model.kind = "noop":
# one evaluation row of seeded draws per unit) runs as SLICES slices, once, with the new build;
# then each build given merges the same parts and ranks the merged file, one after the other in
# the same call. The merged files are compared field by field (h5py: names, dtypes including
# string widths, values, outside run_id, started_at, wall_seconds, train_seconds, eval_seconds;
# and the root attributes that count units), the rank outputs byte for byte (but
# the results file's name).
#
#   bench/run_parts_memory_bench.sh NEW_VAESWEEP [OLD_VAESWEEP] [UNITS] [SLICES]   (default 1000000 units, 4 slices)
#
# Prints per build: merge wall seconds and peak RSS (/usr/bin/time), the same for rank.
set -euo pipefail
new="${1:?usage: $0 NEW_VAESWEEP [OLD_VAESWEEP] [UNITS] [SLICES]}"
old="${2:-}"
units="${3:-1000000}"
slices="${4:-4}"
python=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/vaesweep-parts-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1

"$python" "$(dirname "$0")/write_noop_study.py" parts_bench "$units" "$work/study.toml" "$work/cache"

parts=()
for ((i = 0; i < slices; i++)); do
  "$new" run "$work/study.toml" --out "$work/slice$i.h5" --slice "$i/$slices" -q >/dev/null 2>"$work/slice$i.err"
  parts+=("$work/slice$i.h5")
done

measure() {  # NAME BINARY
  local name="$1" bin="$2" out="$work/$1.h5"
  /usr/bin/time -f "%e %M" -o "$work/$name.merge" "$bin" merge "${parts[@]}" --out "$out" >"$work/$name.merge.out"
  cp "$out" "$work/$name-rank.h5"  # rank writes /aggregate into the file: keep the merged one as it is
  /usr/bin/time -f "%e %M" -o "$work/$name.rank" "$bin" rank "$work/$name-rank.h5" --metric nmi_genre --top 5 \
    >"$work/$name.rank.out"
  read -r merge_s merge_rss <"$work/$name.merge"
  read -r rank_s rank_rss <"$work/$name.rank"
  awk -v n="$name" -v ms="$merge_s" -v mr="$merge_rss" -v rs="$rank_s" -v rr="$rank_rss" \
    'BEGIN { printf "%-4s merge %6.1f s, peak RSS %6.0f MB | rank %6.1f s, peak RSS %6.0f MB\n", n, ms, mr / 1024, rs, rr / 1024 }'
}

echo "== $units noop units in $slices slices, $(getconf _NPROCESSORS_ONLN) cores, $(date -u +%F)"
[ -n "$old" ] && measure old "$old"
measure new "$new"
if [ -n "$old" ]; then
  # The same output but for the results file's name (old-rank.h5, new-rank.h5).
  for n in old new; do sed "s#$work/$n-rank.h5#RESULTS#" "$work/$n.rank.out" >"$work/$n.rank.txt"; done
  cmp -s "$work/old.rank.txt" "$work/new.rank.txt" && echo "== rank's output is the same byte for byte (but the file's name)" ||
    { echo "rank outputs differ:"; diff "$work/old.rank.txt" "$work/new.rank.txt" | head; exit 1; }
  "$python" "$(dirname "$0")/compare_results_files.py" "$work/old.h5" "$work/new.h5" --attr merged_parts mpi_size
fi
