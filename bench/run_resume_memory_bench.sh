#!/usr/bin/env bash
# The root's memory and time on `vaesweep run --resume` of a large sweep: its planning (what
# earlier runs left) and the merge that follows. The study of run_merge_memory_bench.sh (UNITS
# no-op units, one rank, so that the process measured is the root) is started once and
#  - killed (SIGKILL) when its progress reaches KILL_PERCENT: only journals are left, or
#  - stopped (SIGTERM) at STOP_PERCENT: its merge writes a results file of the units done;
# then each build given resumes its own copy of what was left, one after the other in the same
# call, and their results files are compared field by field (h5py, as the merge bench does:
# all but run_id and the time columns; /runs by outcome, units and ranks).
#
#   bench/run_resume_memory_bench.sh NEW_VAESWEEP [OLD_VAESWEEP] [UNITS] [KILL_PERCENT] [STOP_PERCENT]
#   (defaults: 100000 units, killed at 80%, stopped at 50%; the first run is OLD's when given)
#
# Prints per scenario and build: the resume's wall seconds and peak RSS (/usr/bin/time: the root
# process), the units it ran, and its planning and merge seconds (its log's times).
set -euo pipefail
new="${1:?usage: $0 NEW_VAESWEEP [OLD_VAESWEEP] [UNITS] [KILL_PERCENT] [STOP_PERCENT]}"
old="${2:-}"
units="${3:-100000}"
kill_percent="${4:-80}"
stop_percent="${5:-50}"
python=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/vaesweep-resume-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1
first="${old:-$new}"

"$python" "$(dirname "$0")/write_noop_study.py" resume_bench "$units" "$work/study.toml" "$work/cache"

# interrupt NAME SIGNAL PERCENT: runs the study into $work/NAME.h5 and sends SIGNAL once its
# progress line says PERCENT% or more; waits for it to end.
interrupt() {
  local name="$1" signal="$2" percent="$3"
  "$first" run "$work/study.toml" --out "$work/$name.h5" --progress-every 0.2 >"$work/$name.first.out" 2>"$work/$name.first.err" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    local p
    p=$(sed -n 's/.*progress: .*units (\([0-9]*\)%).*/\1/p' "$work/$name.first.err" | tail -1)
    if [ -n "$p" ] && [ "$p" -ge "$percent" ]; then kill -s "$signal" "$pid"; break; fi
    sleep 0.05
  done
  wait "$pid" || true
  local left
  left=$( (du -sm "$work/$name.h5.shards" 2>/dev/null || true) | cut -f1)
  echo "== $name: the first run got SIG$signal at ${p:-?}% ($(ls "$work/$name.h5" 2>/dev/null | wc -l) results file, ${left:-0} MB of journals left)"
}

# resume SCENARIO NAME BINARY: a copy of what SCENARIO's first run left, resumed by BINARY.
resume() {
  local scenario="$1" name="$2" bin="$3"
  local out="$work/$scenario-$name.h5"
  [ -e "$work/$scenario.h5" ] && cp "$work/$scenario.h5" "$out"
  [ -d "$work/$scenario.h5.shards" ] && cp -r "$work/$scenario.h5.shards" "$out.shards"
  /usr/bin/time -f "%e %M" -o "$work/$scenario-$name.time" "$bin" run "$work/study.toml" --out "$out" --resume \
    --progress-every 600 >"$work/$scenario-$name.out" 2>"$work/$scenario-$name.err"
  read -r wall rss <"$work/$scenario-$name.time"
  local ran loop
  ran=$(sed -n 's/.*; \([0-9]*\) to run on .*/\1/p' "$work/$scenario-$name.err")
  loop=$(sed -n 's/.*done: .* took \([0-9.]*\)s,.*/\1/p' "$work/$scenario-$name.err")
  awk -v s="$scenario" -v n="$name" -v w="$wall" -v r="$rss" -v u="$ran" -v l="${loop:-0}" \
    'BEGIN { printf "%-7s %-4s resume %7.1f s (%7d units %6.1f s, planning, merge and start-up %6.1f s), peak RSS %6.0f MB\n", s, n, w, u, l, w - l, r / 1024 }'
}

compare() {  # SCENARIO
  "$python" "$(dirname "$0")/compare_results_files.py" "$work/$1-old.h5" "$work/$1-new.h5" --runs
}

echo "== $units noop units, 1 rank (the root), $(getconf _NPROCESSORS_ONLN) cores, $(date -u +%F)"
for scenario in killed stopped; do
  if [ "$scenario" = killed ]; then interrupt killed KILL "$kill_percent"; else interrupt stopped TERM "$stop_percent"; fi
  [ -n "$old" ] && resume "$scenario" old "$old"
  resume "$scenario" new "$new"
  [ -n "$old" ] && compare "$scenario"
  rm -rf "$work/$scenario"*.h5*
done
