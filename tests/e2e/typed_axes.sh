#!/usr/bin/env bash
# Typed axis columns in /units (results format 2), and files of the older layout (format 1: the
# axes only as text). A study with a real, an integer, a text and a boolean axis beside beta and
# latent_dim, and a PCA model that three of them do not apply to:
# - pandas.DataFrame(h5py.File(f)["units"][:]) has every axis as a column of its type, named by
#   its key, with the missing values docs/results-file.md names (NaN, the smallest
#   int64, "");
# - analysis/load_results.py gives them pandas' nullable types, and refuses an old file with the
#   command that converts it;
# - the same file rewritten in the old layout (the typed columns and attributes dropped: what the
#   build before them wrote, field for field) ranks, exports, compares and shows its status the
#   same as the new one (the C++ legacy decoder of the axes text), and an unfinished old file
#   resumes into a new-layout file equal to an uninterrupted run.
source "$(dirname "$0")/lib.sh"
python_h5 -c "import pandas" 2>/dev/null || { echo "skipped: pandas is needed"; exit 77; }

cat >axes.toml <<'TOML'
[study]
name = "typed_axes"
[data]
source = "synthetic"
clips = 80
corpus_seed = 7
seconds = 1.0
labels = ["genre", "language"]
[features]
kind = "mfcc_stats"
n_mfcc = 13
statistics = ["mean", "std"]
[model]
hidden = [16]
batch_size = 32
[cluster]
methods = ["kmeans"]
n_init = 2
[grid]
model = ["vae", "pca"]
beta = [4.0]
latent_dim = [4]
"model.learning_rate" = [0.001, 0.00123456789]
"model.epochs" = [2, 3]
"model.kl_schedule" = ["constant", "linear"]
"features.standardize" = [true, false]
k = [2, 4]
seed = [1, 2]
TOML
"$VAESWEEP" run axes.toml --out new.h5 -q >run.txt 2>&1 || fail "the study: $(cat run.txt)"

python_h5 - <<'PY' && pass "pandas reads every axis as a typed column, no parsing" || fail "typed axis columns"
import h5py
import numpy as np
import pandas as pd

f = h5py.File("new.h5", "r")
assert f.attrs["results_format"] == 2, dict(f.attrs)
assert f["units"].attrs["axis_columns"] == "model.beta,model.latent_dim,model.learning_rate,model.epochs," \
    "model.kl_schedule,features.standardize", dict(f["units"].attrs)
assert f["units"].attrs["axis_kinds"] == "real,integer,real,integer,text,boolean", dict(f["units"].attrs)
u = pd.DataFrame(f["units"][:])
assert str(u["model.learning_rate"].dtype) == "float64" and str(u["model.epochs"].dtype) == "int64", u.dtypes
assert str(u["features.standardize"].dtype) == "int64" and u["model.kl_schedule"].dtype == object, u.dtypes
vae, pca = u[u["model"] == b"vae"], u[u["model"] == b"pca"]
assert len(vae) == 32 and len(pca) == 4, (len(vae), len(pca))
# The study's values, each configuration twice (seeds 1 and 2); the learning rate exactly.
assert sorted(set(vae["model.learning_rate"])) == [0.001, 0.00123456789], set(vae["model.learning_rate"])
assert sorted(set(vae["model.epochs"])) == [2, 3] and set(vae["model.kl_schedule"]) == {b"constant", b"linear"}
assert sorted(set(u["features.standardize"])) == [0, 1]
assert (vae.groupby(["model.learning_rate", "model.epochs", "model.kl_schedule", "features.standardize"]).size() == 2).all()
# Not applicable to PCA: NaN, the smallest int64, "" (and its beta NaN as always).
assert pca["model.learning_rate"].isna().all() and pca["model.beta"].isna().all() and pca["beta"].isna().all()
assert (vae["model.beta"] == 4.0).all() and (u["model.latent_dim"] == 4).all()
assert (pca["model.epochs"] == np.iinfo(np.int64).min).all() and (pca["model.kl_schedule"] == b"").all()
# The typed values say what the text for people says.
for _, r in vae.iterrows():
    text = r["axes"].decode()
    assert f"model.epochs={r['model.epochs']}" in text and f"model.kl_schedule={r['model.kl_schedule'].decode()}" in text
    assert ("features.standardize=true" in text) == (r["features.standardize"] == 1), text
PY

python_h5 - "$PROJECT/analysis" <<'PY' && pass "load_results.py: nullable Int64 / boolean, NaN, None" || fail "load_results.py on typed axes"
import sys
sys.path.insert(0, sys.argv[1])
import load_results

units, evaluations, attrs = load_results.load("new.h5")
assert attrs["axis_columns"] == ["model.beta", "model.latent_dim", "model.learning_rate", "model.epochs",
                                "model.kl_schedule", "features.standardize"], attrs["axis_columns"]
assert str(units["model.epochs"].dtype) == "Int64" and str(units["features.standardize"].dtype) == "boolean", units.dtypes
pca = units[units["model"] == "pca"]
assert pca["model.epochs"].isna().all() and pca["model.kl_schedule"].isna().all() and pca["model.learning_rate"].isna().all()
assert pca["features.standardize"].notna().all()
assert "model.kl_schedule" in evaluations.columns and len(evaluations) == 72
PY

# The old layout of the same file, and an unfinished one (seed 1 only).
cat >downgrade.py <<'PY'
import sys
import h5py
import numpy as np

path, seeds = sys.argv[1], [int(s) for s in sys.argv[2].split(",")] if len(sys.argv) > 2 else None
with h5py.File(path, "r+") as f:
    axes = f["units"].attrs["axis_columns"].split(",")
    rows = f["units"][:]
    keep = np.ones(len(rows), bool) if seeds is None else np.isin(rows["seed"], seeds)
    names = [n for n in rows.dtype.names if n not in axes]
    old = np.empty(int(keep.sum()), dtype=np.dtype([(n, rows.dtype[n]) for n in names]))
    for n in names:
        old[n] = rows[n][keep]
    ev = f["evaluations"][:]
    ev = ev[np.isin(ev["unit"], old["unit"])]
    del f["units"], f["evaluations"]
    f.create_dataset("units", data=old)
    f.create_dataset("evaluations", data=ev)
    del f.attrs["results_format"]
    f.attrs["units_total"] = len(old)
PY
cp new.h5 old.h5 && python_h5 downgrade.py old.h5 && cp new.h5 part.h5 && python_h5 downgrade.py part.h5 1 ||
  fail "writing the old layout"

same_output() {  # NAME -- command with FILE in place of the results file
  local name=$1
  shift 2
  "${@//FILE/new.h5}" >new.out 2>&1 && "${@//FILE/old.h5}" >old.out 2>&1 && cmp -s new.out old.out &&
    pass "$name: the old layout gives the same output" || fail "$name differs or fails: $(diff new.out old.out | head -5)"
}
same_output "rank" -- "$VAESWEEP" rank FILE --metric ari_genre --no-write --format csv
same_output "rank by single axes" -- "$VAESWEEP" rank FILE --metric silhouette --no-write --format csv \
  --group-by model,model.learning_rate,model.kl_schedule,features.standardize
for table in units evaluations; do
  for format in csv json; do
    same_output "export $table $format" -- "$VAESWEEP" export FILE --table $table --format $format
  done
done
"$VAESWEEP" compare old.h5 new.h5 --metric ari_genre --format csv >compare.csv 2>&1 &&
  [ "$(tail -n +2 compare.csv | grep -vc ',identical,')" = 0 ] && [ "$(tail -n +2 compare.csv | wc -l)" = 36 ] &&
  pass "compare old layout with new: 36 configurations, all identical" || fail "compare: $(head -5 compare.csv)"
"$VAESWEEP" status old.h5 >status.txt 2>&1 && grep -q "36 ok" status.txt &&
  pass "status of the old layout" || fail "status: $(cat status.txt)"
expect_failure "load_results.py names the old layout and the conversion" 1 \
  "predates typed axis columns.*vaesweep export old.h5 --table units" -- \
  /usr/bin/python3 "$PROJECT/analysis/load_results.py" old.h5

"$VAESWEEP" run axes.toml --resume --out part.h5 -q >resume.txt 2>&1 && pass "resume of an old-layout file: $(cat resume.txt)" ||
  fail "resume of an old-layout file: $(cat resume.txt)"
python_h5 - <<'PY' && pass "the resumed file has the new layout, values as an uninterrupted run" || fail "resumed file differs"
import h5py

a, b = h5py.File("new.h5", "r"), h5py.File("part.h5", "r")
assert b.attrs["results_format"] == 2 and dict(b["units"].attrs) == dict(a["units"].attrs), dict(b["units"].attrs)
ua, ub = a["units"][:], b["units"][:]
ea, eb = a["evaluations"][:], b["evaluations"][:]
# How units were batched and timed depends on the run; everything else is the same.
run_dependent = {"train_seconds", "eval_seconds", "started_at", "wall_seconds", "run_id", "host", "trained_with", "reused_fit"}
for name in ua.dtype.names:
    if name not in run_dependent:
        assert list(ua[name]) == list(ub[name]) or ua[name].tobytes() == ub[name].tobytes(), name
for name in ea.dtype.names:
    assert ea[name].tobytes() == eb[name].tobytes() or list(ea[name]) == list(eb[name]), name
PY
"$VAESWEEP" rank new.h5 --metric ari_genre --no-write --format csv >new.out 2>&1
"$VAESWEEP" rank part.h5 --metric ari_genre --no-write --format csv >part.out 2>&1
cmp -s new.out part.out && pass "rank of the resumed file is the uninterrupted run's" || fail "rank after resume differs"
finish
