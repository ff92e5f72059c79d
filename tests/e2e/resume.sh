#!/usr/bin/env bash
# Crash safety and resume, end to end under mpirun: a rank killed with SIGKILL mid-run, then
# --resume on another number of ranks, gives a complete file with each unit once and the same
# numbers as an uninterrupted run; SIGTERM stops cleanly with exit status 75 and a resumable
# state; a resume with a changed study is refused and leaves the results as they were.
source "$(dirname "$0")/lib.sh"
study="$PROJECT/sweeps/quickstart.toml"
# Longer training than the quickstart's, on the torch engine (the batched one finishes the whole
# quickstart in a fraction of a second), so that a run can be interrupted while units remain.
slow=(--set model.epochs=240 --set 'model.engine="torch"')

"$VAESWEEP" run "$study" "${slow[@]}" --out reference.h5 -q || fail "uninterrupted reference run"

done_units() {  # units with a record so far, from `vaesweep status`
  "$VAESWEEP" status "$1" 2>/dev/null | sed -n 's/^  done \([0-9]*\)\/.*/\1/p'
}

wait_for_units() {  # wait_for_units RESULTS N PID: until N units are durable (or the run ended)
  for _ in $(seq 1 600); do
    local n
    n=$(done_units "$1")
    if [ -n "$n" ] && [ "$n" -ge "$2" ]; then return 0; fi
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# 1. SIGKILL one rank of a 2-rank run, then resume on 3 ranks.
"$MPIEXEC" -n 2 "$VAESWEEP" run "$study" "${slow[@]}" --out killed.h5 -q >/dev/null 2>&1 &
launcher=$!
if wait_for_units killed.h5 4 "$launcher"; then
  victim=$(pgrep -P "$launcher" -f "vaesweep" | tail -1)
  kill -9 "$victim"
  wait "$launcher"
  pass "killed rank $victim of a running sweep (launcher exit $?)"
else
  fail "the 2-rank run never had 4 units done"
fi
[ ! -e killed.h5 ] && ls killed.h5.shards/*.journal >/dev/null 2>&1 &&
  pass "after the kill: no results file yet, the shard journals hold the finished units" ||
  fail "after the kill: unexpected files: $(ls)"
"$VAESWEEP" status killed.h5 >status.txt 2>&1 && grep -q "not running" status.txt &&
  pass "status of the killed sweep: $(sed -n 2p status.txt)" || fail "status after the kill: $(cat status.txt)"
# Journals only: the study's name comes from the journals' header, not "".
head -1 status.txt | grep -q 'study "quickstart"' && pass "status names the study from the journals: $(head -1 status.txt)" ||
  fail "status without a results file: $(head -1 status.txt)"
# A journal cut to its first bytes says nothing of the grid: status says so (it said "done 0/0 (100.0%)").
mkdir -p cut.h5.shards
head -c 8 "$(ls killed.h5.shards/*.journal | head -1)" > cut.h5.shards/run-0.journal
"$VAESWEEP" status cut.h5 >cut.txt 2>&1
grep -q "an unknown number of units" cut.txt && grep -q "done 0 of an unknown number" cut.txt && ! grep -q "100.0%" cut.txt &&
  pass "status of a cut journal: $(head -2 cut.txt | tr '\n' ' ')" || fail "status of a cut journal: $(cat cut.txt)"
expect_failure "a plain run refuses the unfinished shards" 1 "unfinished run.*--resume" -- \
  "$VAESWEEP" run "$study" "${slow[@]}" --out killed.h5 -q
"$MPIEXEC" -n 3 --oversubscribe "$VAESWEEP" run "$study" "${slow[@]}" --out killed.h5 --resume -q >resume.txt 2>&1 &&
  pass "resume on 3 ranks: $(cat resume.txt)" || fail "resume on 3 ranks: $(cat resume.txt)"
python_h5 "$PROJECT/tests/e2e/compare_results.py" reference.h5 killed.h5 &&
  pass "killed + resumed == uninterrupted" || fail "killed + resumed differs from the uninterrupted run"
python_h5 - <<'PY' && pass "each unit once, two runs recorded, no shards left" || fail "killed + resumed file is not complete"
import h5py, os, sys
with h5py.File("killed.h5") as f:
    hashes = [h.decode() if isinstance(h, bytes) else h for h in f["units"]["config_hash"]]
    runs = f["runs"][:]
    outcomes = sorted(o.decode() if isinstance(o, bytes) else o for o in runs["outcome"])
    ok = (len(hashes) == 18 and len(set(hashes)) == 18 and f.attrs["complete"] == 1
          and outcomes[0] == "complete" and outcomes[1].startswith("interrupted") and len(outcomes) == 2
          and sum(runs["units"]) == 18
          and not os.path.exists("killed.h5.shards"))
    print(outcomes, len(hashes), list(runs["units"]))
    sys.exit(0 if ok else 1)
PY
"$VAESWEEP" run "$study" "${slow[@]}" --out killed.h5 --resume -q >again.txt 2>&1 && grep -q "nothing to run" again.txt &&
  pass "resume of a finished sweep: $(cat again.txt)" || fail "resume of a finished sweep: $(cat again.txt)"

# 2. SIGTERM to every rank (what Slurm does before a time limit): exit 75, resumable.
"$MPIEXEC" -n 2 "$VAESWEEP" run "$study" "${slow[@]}" --out stopped.h5 --grace 30 -q >/dev/null 2>stopped.err &
launcher=$!
if wait_for_units stopped.h5 3 "$launcher"; then
  kill -TERM $(pgrep -P "$launcher" -f "vaesweep")
  wait "$launcher"
  rc=$?
  [ "$rc" -eq 75 ] && pass "SIGTERM: exit status 75" || fail "SIGTERM: exit status $rc, expected 75: $(cat stopped.err)"
else
  fail "the run to stop never had 3 units done"
fi
python_h5 - <<'PY' && pass "a stopped sweep leaves a partial results file marked incomplete" || fail "stopped results"
import h5py, sys
with h5py.File("stopped.h5") as f:
    n = len(f["units"])
    print(n, f.attrs["complete"], f.attrs["stop_reason"])
    sys.exit(0 if 3 <= n < 18 and f.attrs["complete"] == 0 and "SIGTERM" in str(f.attrs["stop_reason"]) else 1)
PY
"$VAESWEEP" run "$study" "${slow[@]}" --out stopped.h5 --resume -q >/dev/null 2>&1 &&
  python_h5 "$PROJECT/tests/e2e/compare_results.py" reference.h5 stopped.h5 &&
  pass "stopped + resumed == uninterrupted" || fail "stopped + resumed differs from the uninterrupted run"

# 3. A resume whose study changed finished units is refused; the results stay as they were.
before=$(sha256sum killed.h5)
expect_failure "resume with another epoch count is refused" 1 "resume refused.*model.epochs: 240 -> 30" -- \
  "$VAESWEEP" run "$study" --set model.epochs=30 --out killed.h5 --resume -q
[ "$(sha256sum killed.h5)" = "$before" ] && pass "the refused resume left the results untouched" ||
  fail "the refused resume changed the results file"
# More seeds only add units: accepted, and only the new ones run.
"$VAESWEEP" run "$study" "${slow[@]}" --set 'grid.seed=[1, 2, 3, 4]' --out killed.h5 --resume >grow.txt 2>&1 &&
  grep -q "this run finished 6" grow.txt && pass "a grown grid resumes with only its new units: $(tail -1 grow.txt)" ||
  fail "growing the grid: $(cat grow.txt)"
finish
