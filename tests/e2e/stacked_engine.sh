#!/usr/bin/env bash
# The stacked engine end to end (model.engine = "stacked"): a study of vae, cvae and conv_vae
# units on log-mel patches trains in stacks, under mpirun -n 2 (other stacks) gives the same
# units and evaluations as one rank, a SIGTERM mid-run then --resume equals the uninterrupted
# run, and `vaesweep rank` ranks it like any other. /units records the engine, the precision
# and the stack sizes; model.engine = "auto" on this CPU machine is the batched engine, with
# its hashes and numbers unchanged.
source "$(dirname "$0")/lib.sh"
cat >stacked.toml <<TOML
[study]
name = "stacked"
[data]
source = "synthetic"
clips = 40
seconds = 1.0
cache_dir = "$PWD/cache"
labels = ["genre"]
[features]
kind = "logmel"
n_mels = 16
frames = 16
[model]
engine = "stacked"
hidden = [8, 16]
latent_dim = 3
epochs = 5
batch_size = 16
condition_on = "genre"
[cluster]
methods = ["kmeans"]
[grid]
model = ["vae", "cvae", "conv_vae"]
beta = [1.0, 4.0]
k = [2, 4]
seed = [1, 2]
TOML

"$VAESWEEP" run stacked.toml --out one.h5 -q || fail "stacked run, 1 rank"
"$MPIEXEC" -n 2 "$VAESWEEP" run stacked.toml --out two.h5 -q || fail "stacked run, 2 ranks"
python_h5 "$PROJECT/tests/e2e/compare_results.py" one.h5 two.h5 && pass "stacked: 1 rank == 2 ranks (other stacks)" ||
  fail "stacked: 1 rank vs 2 ranks differ"

python_h5 - <<'PY' && pass "/units: engine stacked, precision float32, stacks of 4 (2 betas x 2 seeds per kind)" || fail "engine / precision / trained_with columns"
import h5py, sys
with h5py.File("one.h5") as f:
    u = f["units"][:]
engines = set(x.decode() for x in u["engine"])
precision = set(x.decode() for x in u["precision"])
sizes = set(u["trained_with"].tolist())
status = set(x.decode() for x in u["status"])
models = sorted(set(x.decode() for x in u["model"]))
print(engines, precision, sizes, status, models, file=sys.stderr)
sys.exit(0 if engines == {"stacked"} and precision == {"float32"} and sizes == {4} and status == {"ok"}
         and models == ["conv_vae", "cvae", "vae"] else 1)
PY

# A memory budget too small for two members: every stack trains in parts of one, with the same
# numbers (members never mix), and /units says so.
VAESWEEP_DEVICE_MEMORY_GB=0.000001 "$VAESWEEP" run stacked.toml --out parts.h5 -q || fail "stacked run in parts"
python_h5 "$PROJECT/tests/e2e/compare_results.py" one.h5 parts.h5 && pass "stacks in parts of one == whole stacks" ||
  fail "stacks in parts differ"
python_h5 -c 'import h5py, sys; sys.exit(0 if set(h5py.File("parts.h5")["units"]["trained_with"].tolist()) == {1} else 1)' &&
  pass "parts: trained_with 1" || fail "parts: trained_with"

"$VAESWEEP" rank one.h5 --metric nmi_genre --no-write >rank.md 2>rank.err && grep -q "conv_vae" rank.md &&
  pass "rank: $(grep -c '^|' rank.md) table lines" || fail "rank of a stacked study: $(cat rank.err)"

# Stopped mid-run by SIGTERM (exit 75, finished units kept), then resumed: the same file as
# the uninterrupted run. Longer training and stacks of 2 so that the stop finds work left.
slow=(--set model.epochs=150 --models-per-batch 2)
"$VAESWEEP" run stacked.toml "${slow[@]}" --out reference.h5 -q || fail "uninterrupted slow run"
"$VAESWEEP" run stacked.toml "${slow[@]}" --out stopped.h5 --grace 0 -q >stop.txt 2>&1 &
runner=$!
for _ in $(seq 1 300); do
  n=$("$VAESWEEP" status stopped.h5 2>/dev/null | sed -n 's/^  done \([0-9]*\)\/.*/\1/p')
  [ -n "$n" ] && [ "$n" -ge 2 ] && break
  kill -0 $runner 2>/dev/null || break
  sleep 0.1
done
kill -TERM $runner 2>/dev/null
wait $runner
rc=$?
[ $rc -eq 75 ] && pass "SIGTERM mid-run: exit 75" || fail "SIGTERM mid-run: exit $rc, $(cat stop.txt)"
"$VAESWEEP" run stacked.toml "${slow[@]}" --out stopped.h5 --resume -q >resume.txt 2>&1 &&
  pass "resume: $(cat resume.txt)" || fail "resume: $(cat resume.txt)"
python_h5 "$PROJECT/tests/e2e/compare_results.py" reference.h5 stopped.h5 &&
  pass "stopped + resumed == uninterrupted" || fail "stopped + resumed differs from the uninterrupted run"

# auto on a machine without a GPU is the batched engine (torch for conv_vae), as before.
"$VAESWEEP" run stacked.toml --out auto.h5 --set 'model.engine="auto"' >auto.log 2>&1 || fail "auto run: $(cat auto.log)"
"$VAESWEEP" run stacked.toml --out batched.h5 -q --set 'model.engine="batched"' || fail "batched run"
grep -q 'model.engine = "auto" trains with the batched engine (no GPU on the first rank)' auto.log &&
  pass "auto: the log says which engine it chose and why" || fail "auto log: $(cat auto.log)"
python_h5 "$PROJECT/tests/e2e/compare_results.py" auto.h5 batched.h5 &&
  pass "auto on the CPU == batched (same hashes, same numbers)" || fail "auto vs batched differ"

finish
