#!/usr/bin/env bash
# `vaesweep compare`: two runs of one study pair every configuration and find them identical; a
# study run again with longer training, more seeds and another axis value pairs what both have
# (matched by settings: its hashes all differ), lists the rest as on one side only, and its
# paired differences and p values equal numpy's and scipy.stats.ttest_rel's on the per-seed
# values read from the two files with h5py.
source "$(dirname "$0")/lib.sh"
study="$PROJECT/sweeps/quickstart.toml"
"$VAESWEEP" run "$study" --set model.epochs=2 --out a.h5 -q 2>a.txt || fail "a.h5: $(cat a.txt)"
"$VAESWEEP" run "$study" --set model.epochs=2 --out b.h5 -q 2>b.txt || fail "b.h5: $(cat b.txt)"
"$VAESWEEP" run "$study" --set model.epochs=4 --set 'grid.seed=[1,2,3,4]' --set 'grid.latent_dim=[4,8,16]' \
  --out c.h5 -q 2>c.txt || fail "c.h5: $(cat c.txt)"

"$VAESWEEP" compare a.h5 b.h5 --format csv >ab.csv 2>ab.err || fail "compare a b: $(cat ab.err)"
python_h5 - <<'PY' && pass "two runs of one study: every configuration identical" || fail "a vs b: $(cat ab.csv | head -5)"
import sys
import pandas as pd
t = pd.read_csv("ab.csv", keep_default_na=False)
print(t["agreement"].value_counts().to_dict())
sys.exit(0 if len(t) > 0 and (t["agreement"] == "identical").all() else 1)
PY

"$VAESWEEP" compare a.h5 c.h5 --metric ari_genre --format csv >ac.csv 2>ac.err || fail "compare a c: $(cat ac.err)"
python_h5 - <<'PY' && pass "another study: pairs by settings, one-sided configurations listed, numbers equal scipy's" ||
import sys

import h5py
import numpy as np
import pandas as pd
from scipy import stats


def per_seed(path):
    """(model, axes, method, k, space) -> {seed: ari_genre}, from the results file itself."""
    with h5py.File(path) as f:
        u, e = f["units"][:], f["evaluations"][:]
    unit = {r["unit"]: r for r in u}
    out = {}
    for r in e:
        v = unit[r["unit"]]
        key = (v["model"].decode(), v["axes"].decode(), r["method"].decode(), int(r["k"]), r["space"].decode())
        out.setdefault(key, {})[int(v["seed"])] = float(r["ari_genre"])
    return out


a, c = per_seed("a.h5"), per_seed("c.h5")
t = pd.read_csv("ac.csv", keep_default_na=False, na_values=[""], float_precision="round_trip")
problems = []
both = set(a) & set(c)
counts = t["agreement"].value_counts().to_dict()
print(counts)
if len(t[~t["agreement"].isin(["A only", "B only"])]) != len(both):
    problems.append(f"{len(both)} configurations in both files, the table pairs {counts}")
if (t["agreement"] == "B only").sum() != len(set(c) - set(a)) or (t["agreement"] == "A only").sum() != len(set(a) - set(c)):
    problems.append("one-sided counts")
for _, row in t[~t["agreement"].isin(["A only", "B only"])].iterrows():
    key = (row["model"], row["config"], row["method"], int(row["k"]), row["space"])
    seeds = sorted(set(a[key]) & set(c[key]))
    d = np.array([c[key][s] - a[key][s] for s in seeds])
    if row["n_pairs"] != len(seeds) or abs(row["diff"] - d.mean()) > 1e-12:
        problems.append(f"{key}: diff {row['diff']} vs numpy {d.mean()} over {len(seeds)} seeds")
    if np.any(d != 0):
        p = stats.ttest_rel([c[key][s] for s in seeds], [a[key][s] for s in seeds]).pvalue
        if abs(row["p"] - p) > 1e-9:
            problems.append(f"{key}: p {row['p']} vs scipy {p}")
    if abs(row["mean_b"] - np.mean(list(c[key].values()))) > 1e-12 or row["n_b"] != 4:
        problems.append(f"{key}: mean_b")
print(problems[:10])
sys.exit(1 if problems else 0)
PY
  fail "a vs c: $(head -5 ac.csv)"

"$VAESWEEP" compare a.h5 c.h5 >ac.md 2>&1 && grep -q "in B only" ac.md && grep -q "^| vae | beta=1 latent_dim=16 |" ac.md &&
  pass "the markdown summary ($(grep '^configurations:' ac.md))" || fail "markdown: $(head -8 ac.md)"
expect_failure "a missing file" 1 "nope.h5" -- "$VAESWEEP" compare a.h5 nope.h5
expect_failure "an unknown metric" 1 "unknown metric|not a metric|no metric" -- "$VAESWEEP" compare a.h5 b.h5 --metric bogus
finish
