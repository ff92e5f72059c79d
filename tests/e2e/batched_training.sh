#!/usr/bin/env bash
# Batched training changes a sweep's speed, never its numbers: a study of vae, ae and cvae units
# (seeds, betas, a linear warm-up, two learning rates) run with batches of up to 8 models, one
# model at a time (--models-per-batch 1) and under mpirun -n 2 (batches split per rank) gives
# bit-identical units and evaluations. /units says who trained each model and with how many
# others; the torch engine is another unit (another hash, other numbers).
source "$(dirname "$0")/lib.sh"
cat >batched.toml <<TOML
[study]
name = "batched"
[data]
source = "synthetic"
clips = 48
seconds = 1.0
cache_dir = "$PWD/cache"
labels = ["genre"]
[model]
hidden = [32, 16]
latent_dim = 3
epochs = 6
batch_size = 16
condition_on = "genre"
[cluster]
methods = ["kmeans"]
[grid]
model = ["vae", "ae", "cvae"]
beta = [1.0, 4.0]
"model.learning_rate" = [1e-3, 5e-3]
k = [2, 4]
seed = [1, 2, 3]
TOML

"$VAESWEEP" run batched.toml --out batched.h5 -q || fail "batched run"
"$VAESWEEP" run batched.toml --out alone.h5 -q --models-per-batch 1 || fail "one model at a time"
"$MPIEXEC" -n 2 "$VAESWEEP" run batched.toml --out two.h5 -q || fail "2 ranks"
python_h5 "$PROJECT/tests/e2e/compare_results.py" batched.h5 alone.h5 && pass "batches of 8 == one model at a time" ||
  fail "batched and unbatched results differ"
python_h5 "$PROJECT/tests/e2e/compare_results.py" batched.h5 two.h5 && pass "1 rank == 2 ranks (other batches)" ||
  fail "1 rank vs 2 ranks"

python_h5 - <<'PY' && pass "/units: engine batched, trained_with = the batch sizes" || fail "engine / trained_with columns"
import h5py, sys, collections
def units(path):
    with h5py.File(path) as f:
        return f["units"][:]
b, a, two = units("batched.h5"), units("alone.h5"), units("two.h5")
engines = set(x.decode() for x in b["engine"])
# vae and cvae: 2 betas x 2 rates x 3 seeds = 12 each, batches of 8 + 4; ae: 2 rates x 3 seeds = 6.
sizes = collections.Counter(zip((m.decode() for m in b["model"]), b["trained_with"].tolist()))
expected = {("vae", 8): 8, ("vae", 4): 4, ("cvae", 8): 8, ("cvae", 4): 4, ("ae", 6): 6}
ok = engines == {"batched"} and dict(sizes) == expected and set(a["trained_with"].tolist()) == {1}
# Two ranks: each group shared (6 + 6, 6 + 6, 3 + 3).
ok = ok and set(two["trained_with"].tolist()) == {6, 3}
print(engines, dict(sizes), set(two["trained_with"].tolist()), file=sys.stderr)
sys.exit(0 if ok else 1)
PY

"$VAESWEEP" run batched.toml --out torch.h5 -q --set 'model.engine="torch"' --set 'grid.seed=[1]' || fail "torch engine run"
python_h5 - <<'PY' && pass "the torch engine: other hashes, other numbers, trained_with 1" || fail "torch engine units"
import h5py, sys
with h5py.File("torch.h5") as f, h5py.File("batched.h5") as g:
    t, b = f["units"][:], g["units"][:]
ok = set(x.decode() for x in t["engine"]) == {"torch"} and set(t["trained_with"].tolist()) == {1}
ok = ok and not (set(t["config_hash"].tolist()) & set(b["config_hash"].tolist()))
sys.exit(0 if ok else 1)
PY

expect_failure "--models-per-batch 0 refused" 2 "models-per-batch" -- "$VAESWEEP" run batched.toml --out zero.h5 --models-per-batch 0
[ ! -e zero.h5 ] && pass "nothing written for a refused option" || fail "zero.h5 written"
finish
