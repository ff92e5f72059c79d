#!/usr/bin/env bash
# Disentanglement against the label sets, end to end: a planted table whose column x0 carries
# genre and x2 language (x1, x3 noise; 20% of the language cells blank). Clustered as it is
# (model raw: the standardised columns are the latent space) MIG is near 1 for both sets, each
# in its own column; the Hadamard-mixed copy of the same columns gives MIG near 0. Every /units
# disentanglement value equals the NumPy/scikit-learn reference (tests/reference/
# make_disentanglement_reference.py) recomputed from the stored latents and rows, for raw, pca
# and vae units; /features holds the dependence of the label sets; rank ranks by MIG as an
# oracle metric and refuses DCI disentanglement with the reason; the values survive --resume.
source "$(dirname "$0")/lib.sh"
if ! /usr/bin/python3 -c "import h5py, numpy, sklearn" 2>/dev/null; then
  echo "skipped: /usr/bin/python3 with h5py, numpy and sklearn is needed"
  exit 77
fi

python_h5 - <<'PY' || fail "could not write the planted tables"
import numpy as np
rng = np.random.default_rng(5)
n = 400
genre = rng.integers(0, 4, n)
language = rng.integers(0, 2, n)
X = rng.normal(0, 0.3, size=(n, 4))
X[:, 0] += 2.0 * genre
X[:, 2] += 3.0 * language
H = np.array([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]]) / 2.0
names = np.array(["blues", "jazz", "rock", "pop"])[genre]
langs = np.array(["en", "bn"])[language].astype(object)
langs[rng.random(n) < 0.2] = ""
for file, Z in (("planted.csv", X), ("mixed.csv", X @ H)):
    with open(file, "w") as f:
        f.write("filename,x0,x1,x2,x3,genre,language\n")
        for i in range(n):
            f.write(f"t{i:03d}.wav," + ",".join(repr(float(v)) for v in Z[i]) + f",{names[i]},{langs[i]}\n")
PY
for table in planted mixed; do
  cat >$table.toml <<TOML
[study]
name = "disentanglement-$table"
[data]
source = "table"
path = "$table.csv"
labels = ["genre", "language"]
[model]
epochs = 15
[cluster]
k = 4
[evaluation]
store_latents = true
[grid]
model = ["raw", "pca", "vae"]
latent_dim = [3]
seed = [1, 2]
TOML
  "$VAESWEEP" run $table.toml --out $table.h5 -q 2>run_$table.txt || fail "run on $table.csv: $(cat run_$table.txt)"
done

python_h5 - "$PROJECT/tests/reference" <<'PY' && pass "every /units disentanglement value equals the NumPy/scikit-learn reference on the stored latents" ||
import sys
import h5py
import numpy as np
from sklearn.metrics import normalized_mutual_info_score
sys.path.insert(0, sys.argv[1])
import make_disentanglement_reference as ref

checked = 0
for file in ("planted.h5", "mixed.h5"):
    f = h5py.File(file)
    units = f["units"][:]
    assert len(units) == 6, len(units)                    # raw and vae per seed, pca once (it draws no seed)
    for u in units:
        assert u["status"] == b"ok", u["message"]
        Z = f[f"latents/{u['unit']}"][:]
        rows = f["rows/" + u["feature_hash"].decode()][:]
        for s in ("genre", "language"):
            names = rows[s]
            classes = sorted(set(names) - {b""})
            codes = np.array([classes.index(v) if v != b"" else -1 for v in names])
            want = ref.factor_scores(Z, codes)
            assert u[f"disentangled_rows_{s}"] == want["rows"] == (400 if s == "genre" else (codes != -1).sum())
            for name in ("mig", "dci_completeness"):
                assert abs(u[f"{name}_{s}"] - want[name]) < 1e-9, (file, u["unit"], s, name, u[f"{name}_{s}"], want[name])
            for name in ("sap", "dci_informativeness"):      # accuracies: counts over n, exactly
                assert u[f"{name}_{s}"] == want[name], (file, u["unit"], s, name, u[f"{name}_{s}"], want[name])
            assert abs(u[f"label_entropy_{s}"] - want["entropy"]) < 1e-12
            mi = [float(v) for v in u[f"mi_per_dim_{s}"].decode().split(";")]
            assert np.allclose(mi, [want[f"mi_{j}"] for j in range(Z.shape[1])], rtol=1e-8, atol=1e-12), mi
            checked += 1
        assert abs(u["total_correlation"] - ref.total_correlation(Z)) < 1e-9, (u["total_correlation"], ref.total_correlation(Z))
    features = f["features"][:]
    both = (rows["genre"] != b"") & (rows["language"] != b"")
    nmi = normalized_mutual_info_score(rows["genre"][both], rows["language"][both])
    assert abs(features["nmi_genre_and_language"][0] - nmi) < 1e-12 and features["labelled_genre_and_language"][0] == both.sum()
print(checked, "(unit, label set) pairs checked")
sys.exit(0 if checked == 24 else 1)
PY
  fail "disentanglement values against the reference"

python_h5 - <<'PY' && pass "planted: raw MIG > 0.9 for both sets (genre in x0, language in x2); Hadamard-mixed: MIG < 0.15" ||
import h5py
import numpy as np
planted = {u["model"].decode(): u for u in h5py.File("planted.h5")["units"][:]}
mixed = {u["model"].decode(): u for u in h5py.File("mixed.h5")["units"][:]}
raw = planted["raw"]
assert raw["mig_genre"] > 0.9 and raw["mig_language"] > 0.9, (raw["mig_genre"], raw["mig_language"])
assert np.argmax([float(v) for v in raw["mi_per_dim_genre"].decode().split(";")]) == 0
assert np.argmax([float(v) for v in raw["mi_per_dim_language"].decode().split(";")]) == 2
assert raw["dci_informativeness_genre"] == 1.0 and raw["dci_completeness_genre"] > 0.8
m = mixed["raw"]
assert m["mig_genre"] < 0.15 and m["mig_language"] < 0.15, (m["mig_genre"], m["mig_language"])
assert m["dci_informativeness_genre"] == 1.0                # the information is all there, spread out
print("raw MIG planted", raw["mig_genre"], raw["mig_language"], "mixed", m["mig_genre"], m["mig_language"])
PY
  fail "planted and mixed MIG"

"$VAESWEEP" rank planted.h5 --metric mig --labels language --also dci_completeness_language,total_correlation \
  --group-by model --no-write >rank.md 2>&1 || fail "rank by MIG: $(cat rank.md)"
grep -q "Ranking by mig_language (higher is better): oracle selection" rank.md \
  && grep -q "NMI(genre, language) = " rank.md && grep -q "| 1 | raw |" rank.md \
  && pass "rank by mig_language: oracle, raw first, the label-set dependence in the notes" || fail "rank: $(cat rank.md)"
expect_failure "DCI disentanglement refused" 1 "undefined with one factor" \
  -- "$VAESWEEP" rank planted.h5 --metric dci_disentanglement --labels genre --no-write

# --resume: the first run's units keep their values when the grid grows.
cp planted.h5 grown.h5
"$VAESWEEP" run planted.toml --out grown.h5 --resume -q --set 'grid.seed=[1, 2, 3]' 2>resume.txt || fail "resume: $(cat resume.txt)"
python_h5 - <<'PY' && pass "--resume keeps every disentanglement column of the earlier units" || fail "resume changed the values"
import h5py
import numpy as np
before = {u["config_hash"]: u for u in h5py.File("planted.h5")["units"][:]}
after = h5py.File("grown.h5")["units"][:]
assert len(after) == 9, len(after)
columns = [c for c in after.dtype.names if c.split("_")[0] in ("mig", "sap", "dci", "label", "disentangled", "mi")
           or c == "total_correlation"]
assert len(columns) == 2 * 7 + 1, columns
for u in after:
    if u["config_hash"] in before:
        for c in columns:
            assert u[c] == before[u["config_hash"]][c] or (np.isnan(u[c]) and np.isnan(before[u["config_hash"]][c])), c
PY
finish
