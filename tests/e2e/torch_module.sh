#!/usr/bin/env bash
# LibTorch on demand (src/models/torch_backend.hpp) with the real executable: `--version`,
# `status` and a run whose models the batched engine trains never map libtorch_cpu.so (ld.so's
# own log says which files a process opened); a run with the torch engine and a batched run that
# writes checkpoints open vaesweep_torch.so beside the executable and work, and `encode` reads
# such a checkpoint; a missing or broken module is a user error (exit 1) that names the feature,
# the path tried and the system's reason.
source "$(dirname "$0")/lib.sh"
module="$(dirname "$VAESWEEP")/vaesweep_torch.so"
[ -f "$module" ] && pass "the module is built beside the executable: $module" || fail "no $module"

cat >blobs.toml <<TOML
[study]
name = "torch_module"
[data]
source = "table"
path = "$PROJECT/tests/data/sklearn/X_blobs3.csv"
labels = []
[features]
standardize = true
[model]
hidden = [8]
latent_dim = 2
epochs = 3
batch_size = 16
[cluster]
methods = ["kmeans"]
[grid]
k = [3]
seed = [1, 2]
TOML

opens version libtorch_cpu -- "$VAESWEEP" --version && fail "--version loads libtorch" || pass "--version: no libtorch"
opens batched libtorch_cpu -- "$VAESWEEP" run blobs.toml --out batched.h5 -q --set 'model.engine="batched"' &&
  fail "a batched run loads libtorch" || pass "a batched run: no libtorch"
opens status libtorch_cpu -- "$VAESWEEP" status batched.h5 && fail "status loads libtorch" || pass "status: no libtorch"
opens torch vaesweep_torch.so -- "$VAESWEEP" run blobs.toml --out torch.h5 -q --set 'model.engine="torch"' &&
  pass "a torch-engine run opens the module" || fail "a torch-engine run did not open $module"
opens checkpoints vaesweep_torch.so -- "$VAESWEEP" run blobs.toml --out ckpt.h5 -q --set 'model.engine="batched"' \
  --set model.checkpoints=true && pass "a batched run with checkpoints opens the module" || fail "checkpoints: no module"

python_h5 - <<'PY' && pass "/units: torch and batched engines trained, checkpoints recorded" || fail "results of the runs"
import h5py, os, sys
for name, engine, ckpt in (("batched.h5", "batched", False), ("torch.h5", "torch", False), ("ckpt.h5", "batched", True)):
    u = h5py.File(name)["units"][:]
    assert len(u) == 2 and all(x["status"] == b"ok" for x in u), (name, u["message"])
    assert all(x["engine"] == engine.encode() for x in u), (name, u["engine"])
    for x in u:
        assert os.path.isfile(x["checkpoint"].decode()) == ckpt, (name, x["checkpoint"])
PY
ckpt=$(python_h5 -c 'import h5py; print(h5py.File("ckpt.h5")["units"][0]["checkpoint"].decode())')
opens encode vaesweep_torch.so -- "$VAESWEEP" encode "$ckpt" --data "$PROJECT/tests/data/sklearn/X_blobs3.csv" --out z.h5 &&
  grep -q "encoded 90 rows into 2 latent dimensions" "$WORK/out.txt" && pass "encode: $(cat "$WORK/out.txt")" ||
  fail "encode with the module: $(cat "$WORK/out.txt" "$WORK/err.txt")"

# No module where it is looked for: the feature (first line), each path tried and dlerror's
# reason (a line each), exit 1.
expect_failure "encode without its module" 1 "error: reading checkpoint .*\.pt needs LibTorch" \
  -- env VAESWEEP_TORCH_MODULE="$WORK/none.so" "$VAESWEEP" encode "$ckpt" --data "$PROJECT/tests/data/sklearn/X_blobs3.csv" --out z2.h5
grep -qx "  $WORK/none.so: cannot open shared object file: No such file or directory" "$WORK/err.txt" &&
  pass "the path tried and dlerror's reason" || fail "no path and reason: $(cat "$WORK/err.txt")"
echo "not a shared object" >"$WORK/broken.so"
expect_failure "encode with a broken module" 1 "error: reading checkpoint .*\.pt needs LibTorch" \
  -- env VAESWEEP_TORCH_MODULE="$WORK/broken.so" "$VAESWEEP" encode "$ckpt" --data "$PROJECT/tests/data/sklearn/X_blobs3.csv" --out z3.h5
grep -qE "^  $WORK/broken.so: (invalid ELF header|file too short)$" "$WORK/err.txt" &&
  pass "a broken module: dlerror's reason" || fail "broken module: $(cat "$WORK/err.txt")"
# An executable copied away from its module: a study with torch-engine units is refused before
# any unit runs (exit 1, the first unit that needs it, the path tried), not failed unit by unit,
# and an earlier results file is left as it was; a batched study runs without the module, and
# so does the resume of a torch study whose units are all done.
mkdir alone && cp "$VAESWEEP" alone/
expect_failure "a torch-engine study without its module" 1 \
  "error: unit .*: the torch engine needs LibTorch, which vaesweep loads from its module vaesweep_torch.so" \
  -- alone/vaesweep run blobs.toml --out alone.h5 -q --set 'model.engine="torch"'
grep -qx "  $WORK/alone/vaesweep_torch.so: cannot open shared object file: No such file or directory" "$WORK/err.txt" &&
  [ ! -e alone.h5 ] && pass "refused: the path tried, and no results file" || fail "refusal: $(cat "$WORK/err.txt"); $(ls)"
cp torch.h5 torch_copy.h5 && sum_before=$(sha256sum <torch.h5)
expect_failure "more seeds of a torch study without its module" 1 "error: unit .*seed=3.*: the torch engine needs LibTorch" \
  -- alone/vaesweep run blobs.toml --out torch_copy.h5 --resume -q --set 'model.engine="torch"' --set 'grid.seed=[1,2,3]'
[ "$(sha256sum <torch_copy.h5)" = "$sum_before" ] && pass "the earlier results file is unchanged" || fail "torch_copy.h5 changed"
alone/vaesweep run blobs.toml --out torch_copy.h5 --resume -q --set 'model.engine="torch"' >/dev/null 2>&1 &&
  pass "resuming a finished torch study without the module" || fail "resume of a finished torch study: $?"
alone/vaesweep run blobs.toml --out alone_batched.h5 -q --set 'model.engine="batched"' && pass "batched run without the module" ||
  fail "batched run without the module"
finish
