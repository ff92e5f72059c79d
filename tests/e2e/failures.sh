#!/usr/bin/env bash
# Failure isolation: a configuration that diverges is recorded as such and the sweep goes on
# (exit status 3, `status` lists it with its message); --max-failures stops a sweep that is
# clearly broken (exit status 4) and leaves it resumable; a second run on the same results
# while one is in progress is refused.
source "$(dirname "$0")/lib.sh"
study="$PROJECT/sweeps/quickstart.toml"
# A learning rate of 10 (the largest a study accepts) makes the VAE's loss NaN in its first epoch.
diverging=(--set 'grid.model=["vae"]' --set 'grid.model.learning_rate=[1e-3, 10.0]' --set 'grid.seed=[1, 2]')

"$VAESWEEP" run "$study" "${diverging[@]}" --out mixed.h5 -q >mixed.txt 2>mixed.err
rc=$?
[ "$rc" -eq 3 ] && pass "diverging units: exit status 3 ($(cat mixed.txt))" || fail "diverging units: exit $rc: $(cat mixed.err)"
python_h5 - <<'PY' && pass "diverged units recorded, the others finished ok" || fail "diverged units not recorded as expected"
import h5py, sys
with h5py.File("mixed.h5") as f:
    u = f["units"][:]
    status = [s.decode() if isinstance(s, bytes) else s for s in u["status"]]
    axes = [a.decode() if isinstance(a, bytes) else a for a in u["axes"]]
    by = {(a, s) for a, s in zip(axes, status)}
    diverged = [a for a, s in zip(axes, status) if s == "diverged"]
    ok = [a for a, s in zip(axes, status) if s == "ok"]
    print(len(diverged), "diverged,", len(ok), "ok")
    sys.exit(0 if len(diverged) == 8 and len(ok) == 8 and all("learning_rate=10" in a for a in diverged) else 1)
PY
"$VAESWEEP" status mixed.h5 >status.txt 2>&1 && grep -q "8 diverged" status.txt && grep -q "training loss became" status.txt &&
  pass "status lists the diverged units with their message" || fail "status: $(cat status.txt)"

# --resume alone has nothing to do; --retry-failed reruns exactly the 8 diverged units (which
# diverge again: same seeds), and the file still has each unit once.
"$VAESWEEP" run "$study" "${diverging[@]}" --out mixed.h5 --resume >again.txt 2>&1
grep -q "nothing to run.*8 not ok" again.txt && pass "--resume leaves recorded failures alone" || fail "--resume: $(cat again.txt)"
"$VAESWEEP" run "$study" "${diverging[@]}" --out mixed.h5 --resume --retry-failed >retry.txt 2>&1
grep -q "16/16 units (8 ok, 8 diverged, 0 failed).*this run finished 8" retry.txt &&
  pass "--retry-failed reruns only the failed units: $(tail -1 retry.txt)" || fail "--retry-failed: $(cat retry.txt)"

# Every unit diverges: --max-failures 3 stops early with exit status 4.
broken=(--set 'grid.model=["vae"]' --set model.learning_rate=10.0)
"$VAESWEEP" run "$study" "${broken[@]}" --out broken.h5 --max-failures 3 -q >broken.txt 2>broken.err
rc=$?
[ "$rc" -eq 4 ] && pass "--max-failures 3: exit status 4" || fail "--max-failures: exit $rc: $(cat broken.err)"
python_h5 - <<'PY' && pass "the broken sweep stopped after about 3 failures" || fail "the broken sweep ran on"
import h5py, sys
with h5py.File("broken.h5") as f:
    n = len(f["units"])
    print(n, "units,", f.attrs["stop_reason"])
    sys.exit(0 if 3 <= n < 12 and f.attrs["complete"] == 0 else 1)
PY

# One run at a time per results file (the torch engine: slow enough to still be running).
busy=(--set model.epochs=600 --set 'model.engine="torch"')
"$VAESWEEP" run "$study" "${busy[@]}" --out busy.h5 -q >/dev/null 2>&1 &
first=$!
for _ in $(seq 1 100); do [ -e busy.h5.shards/lock ] && break; sleep 0.1; done
expect_failure "a second run on results in progress is refused" 1 "another vaesweep run is writing" -- \
  "$VAESWEEP" run "$study" "${busy[@]}" --out busy.h5 --resume -q
"$VAESWEEP" status busy.h5 >busy.txt 2>&1 && grep -q "running (pid" busy.txt &&
  pass "status of a running sweep: $(grep running busy.txt)" || fail "status while running: $(cat busy.txt)"
kill -INT "$first"
wait "$first"
rc=$?
[ "$rc" -eq 75 ] && pass "Ctrl-C (SIGINT) stops cleanly: exit 75" || fail "SIGINT: exit $rc"
finish
