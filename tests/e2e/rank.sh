#!/usr/bin/env bash
# vaesweep rank as the statistics-across-seeds report: a small quickstart (2 betas x 5 seeds +
# PCA, k in {2, 4}) ranked in md / csv / json with --group-by on a grid axis, --labels, the
# bootstrap interval, the Wilcoxon test, --also and --pareto; the JSON checked against a pandas
# groupby of the results file; /aggregate written beside untouched /units and /evaluations;
# user mistakes refused with a clear message and the file left as it was.
source "$(dirname "$0")/lib.sh"
python_h5 -c "import pandas" 2>/dev/null || { echo "skipped: pandas is needed"; exit 77; }

sed -e 's/^epochs = 60/epochs = 20/' -e 's/^latent_dim = \[4, 8\]/latent_dim = [4]/' -e 's/^k = \[2, 4, 8\]/k = [2, 4]/' \
  -e 's/^seed = \[1, 2, 3\]/seed = [1, 2, 3, 4, 5]/' "$PROJECT/sweeps/quickstart.toml" > small.toml
grep -q "^seed = \[1, 2, 3, 4, 5\]" small.toml || fail "small.toml: the quickstart grid changed; update this test"
"$VAESWEEP" run small.toml --out s.h5 -q || fail "small study run"
cp s.h5 before.h5

# 1. Markdown: grouped by model and the beta axis, nmi against genre, bootstrap CI, Wilcoxon.
"$VAESWEEP" rank s.h5 --metric nmi --labels genre --group-by model,beta --ci bootstrap --test wilcoxon \
  --also silhouette,reconstruction > md.txt 2>err.txt || fail "rank md: $(cat err.txt)"
grep -q "oracle selection" md.txt && grep -q "percentile-bootstrap CI (10000 resamples, seed 0)" md.txt \
  && grep -q "Wilcoxon signed-rank test" md.txt && grep -q "| rank | model | beta | mean |" md.txt \
  && grep -q "averaged per seed first" md.txt && grep -q "could not reach p < 0.05" md.txt \
  && grep -q "written to /aggregate/nmi_genre__by_model+beta" md.txt \
  && pass "rank md: oracle headline, bootstrap, wilcoxon, pooled rows and the underpowered note" \
  || fail "rank md: $(cat md.txt)"

# 2. Label-free ranking with label metrics alongside: the selection section and the Pareto front.
"$VAESWEEP" rank s.h5 --metric silhouette --also nmi,ari --labels genre --pareto silhouette,nmi_genre \
  > sel.txt 2>err.txt || fail "rank selection: $(cat err.txt)"
grep -q "label-free selection" sel.txt && grep -q "### Selection: label-free choice vs oracle choice" sel.txt \
  && grep -q "### Pareto front: silhouette (higher is better) vs nmi_genre (higher is better)" sel.txt \
  && pass "rank md: selection section and Pareto front" || fail "rank selection: $(cat sel.txt)"

# 3. CSV: one line per group (model x beta x k: vae 2 betas x 2 k + pca 2 k = 6) and the pareto column.
"$VAESWEEP" rank s.h5 --group-by model,beta,k --format csv --pareto silhouette,loss --no-write > r.csv 2>err.txt \
  || fail "rank csv: $(cat err.txt)"
[ "$(wc -l < r.csv)" -eq 7 ] && head -1 r.csv | grep -q "^rank,model,beta,k,mean,.*,pareto,seeds,unit_ids$" \
  && pass "rank csv: 6 groups, pareto column" || fail "rank csv: $(cat r.csv)"

# 4. JSON against pandas: per-seed means of the pooled rows, then mean, std and the t-interval.
"$VAESWEEP" rank s.h5 --metric nmi --labels genre --group-by model,beta --format json --also silhouette \
  --pareto silhouette,nmi_genre --name by_beta > r.json 2>err.txt || fail "rank json: $(cat err.txt)"
python_h5 - <<'PY' && pass "rank json parses and matches a pandas groupby of the results file" || fail "rank json vs pandas"
import json, h5py, numpy as np, pandas as pd, scipy.stats as st
r = json.load(open("r.json"))
f = h5py.File("s.h5", "r")
u = pd.DataFrame({c: f["units"][c] for c in ["unit", "model", "axes", "seed"]})
e = pd.DataFrame({c: f["evaluations"][c] for c in ["unit", "k", "nmi_genre", "silhouette"]})
d = e.merge(u, on="unit")
d["model"] = d["model"].str.decode("utf-8")
d["beta"] = d["axes"].str.decode("utf-8").str.extract(r"beta=(\S+)")[0].fillna("")
assert r["metric"] == "nmi_genre" and r["selection"] == "oracle" and r["group_by"] == ["model", "beta"], r
assert r["aggregate"] == "/aggregate/by_beta"
assert len(r["groups"]) == 3, len(r["groups"])
for g in r["groups"]:
    rows = d[(d.model == g["keys"]["model"]) & (d.beta == (g["keys"]["beta"] or ""))]
    per_seed = rows.groupby("seed")["nmi_genre"].mean()
    assert g["n"] == 5 and g["n_rows"] == len(rows) == 10, (g["n"], g["n_rows"], len(rows))
    assert g["seeds"] == sorted(per_seed.index.tolist())
    assert np.isclose(g["mean"], per_seed.mean(), rtol=0, atol=1e-12), (g["mean"], per_seed.mean())
    assert np.isclose(g["std"], per_seed.std(ddof=1), rtol=0, atol=1e-12)
    lo, hi = st.t.interval(0.95, len(per_seed) - 1, per_seed.mean(), st.sem(per_seed)) if per_seed.std() > 0 else (per_seed.mean(),) * 2
    assert np.isclose(g["ci_low"], lo, atol=1e-9) and np.isclose(g["ci_high"], hi, atol=1e-9), (g, lo, hi)
    sil = rows.groupby("seed")["silhouette"].mean()
    assert np.isclose(g["also"]["silhouette"]["mean"], sil.mean(), atol=1e-12)
    assert sorted(int(x.split(":")[0]) for x in g["unit_ids"]) == sorted(rows.unit.unique().tolist())
    assert len(g["config_hashes"]) == 5
best = r["groups"][0]
for g in r["groups"][1:]:
    if g["verdict"] == "best":
        continue
    a = pd.Series({p["seed"]: p["value"] for p in best["per_seed"]})
    b = pd.Series({p["seed"]: p["value"] for p in g["per_seed"]})
    p = st.ttest_rel(a.sort_index(), b.sort_index()).pvalue
    assert np.isclose(g["p"], p, rtol=1e-9), (g["p"], p)
    assert g["n_pairs"] == 5
ps = sorted(g["p"] for g in r["groups"] if g["p"] is not None)
assert all(g["p_holm"] >= g["p"] for g in r["groups"] if g["p"] is not None)
assert r["pareto"]["metrics"] == ["silhouette", "nmi_genre"] and len(r["pareto"]["front"]) >= 1
PY

# 5. /aggregate in the file, readable with h5py; /units and /evaluations unchanged value for value.
python_h5 - <<'PY' && pass "/aggregate tables and attributes written; /units and /evaluations unchanged" || fail "/aggregate"
import h5py, numpy as np
f, g = h5py.File("s.h5", "r"), h5py.File("before.h5", "r")
for name in ["units", "evaluations"]:
    a, b = f[name][:], g[name][:]
    assert a.dtype == b.dtype and len(a) == len(b), name
    for c in a.dtype.names:
        x, y = a[c], b[c]
        same = np.array_equal(x, y, equal_nan=True) if x.dtype.kind == "f" else np.array_equal(x, y)
        assert same, (name, c)
assert dict(f.attrs) .keys() == dict(g.attrs).keys()
names = sorted(f["aggregate"].keys())
assert names == ["by_beta", "by_beta__pareto", "nmi_genre__by_model+beta",
                 "silhouette__by_model+config+method+k+space+flags",
                 "silhouette__by_model+config+method+k+space+flags__pareto"], names
t = f["aggregate/by_beta"]
for c in ["model", "beta", "mean", "std", "ci_low", "ci_high", "n", "rank", "verdict", "p", "p_holm", "n_pairs",
          "silhouette_mean", "seeds", "unit_ids"]:
    assert c in t.dtype.names, c
assert len(t) == 3 and t["rank"][0] == 1 and t["verdict"][0] == b"best"
a = t.attrs
assert a["metric"] == "nmi_genre" and a["selection"] == "oracle" and a["ci"] == "t" and a["test"] == "t"
assert a["group_by"] == "model, beta" and a["alpha"] == 0.05 and a["confidence"] == 0.95
assert a["study_sha256"] == f.attrs["study_sha256"] and "--name by_beta" in a["command_line"]
assert a["pareto_table"] == "/aggregate/by_beta__pareto" and "created_at" in a
p = f["aggregate/by_beta__pareto"]
assert "silhouette" in p.dtype.names and "nmi_genre" in p.dtype.names and len(p) >= 1
PY
# A second rank with the same name replaces its table.
"$VAESWEEP" rank s.h5 --metric silhouette --group-by model --name by_beta > /dev/null 2>err.txt || fail "re-rank: $(cat err.txt)"
python_h5 -c "
import h5py; t = h5py.File('s.h5', 'r')['aggregate/by_beta']
assert len(t) == 2 and t.attrs['metric'] == 'silhouette', (len(t), t.attrs['metric'])" \
  && pass "the same --name replaces its table" || fail "re-rank did not replace /aggregate/by_beta"

# 6. Mistakes: non-zero exit, a message naming the problem, the file unchanged.
cp s.h5 keep.h5
expect_failure "unknown metric" 1 "unknown metric 'accuracy'.*silhouette" -- "$VAESWEEP" rank s.h5 --metric accuracy
expect_failure "unknown key" 1 "unknown grouping key 'gamma'.*beta" -- "$VAESWEEP" rank s.h5 --group-by model,gamma
expect_failure "seed as a key" 1 "'seed' cannot be a grouping key" -- "$VAESWEEP" rank s.h5 --group-by seed
expect_failure "unknown label set" 1 "--labels: unknown label set 'mood'.*genre" -- "$VAESWEEP" rank s.h5 --metric nmi --labels mood
expect_failure "bare label metric" 1 "add --labels" -- "$VAESWEEP" rank s.h5 --metric nmi
expect_failure "unknown test" 1 "valid: t, wilcoxon" -- "$VAESWEEP" rank s.h5 --test anova
expect_failure "pareto of one metric" 1 "--pareto takes two metrics" -- "$VAESWEEP" rank s.h5 --pareto silhouette
cmp -s s.h5 keep.h5 && pass "the results file is unchanged after the refused ranks" || fail "a refused rank changed s.h5"
chmod 444 s.h5
expect_failure "read-only results" 1 "read-only.*--no-write.*nothing was changed" -- "$VAESWEEP" rank s.h5
cmp -s s.h5 keep.h5 && [ ! -e s.h5.shards ] && pass "read-only file left as it was" || fail "read-only file changed"
"$VAESWEEP" rank s.h5 --no-write > /dev/null 2>err.txt && pass "--no-write ranks a read-only file" || fail "--no-write: $(cat err.txt)"
chmod 644 s.h5
mkdir ro && cp keep.h5 ro/s.h5 && chmod 555 ro
expect_failure "read-only folder" 1 "folder ro is read-only.*nothing was changed" -- "$VAESWEEP" rank ro/s.h5
cmp -s ro/s.h5 keep.h5 && [ -z "$(ls -A ro | grep -v '^s.h5$')" ] && pass "read-only folder: file unchanged, nothing left beside it" \
  || fail "read-only folder: $(ls -A ro)"
chmod 755 ro
finish
