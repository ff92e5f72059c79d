#!/usr/bin/env bash
# Sampled hyperparameters ([search]) end to end: a Sobol' study of 4 samples x 2 seeds runs; its
# units' axes hold the draws that scipy's Sobol' points give through the same maps; raising
# samples to 6 with --resume runs only the 4 new units (the first 8 keep their run and hashes)
# and the file equals a fresh 6-sample run; rank groups the samples across seeds; a changed
# [search] is refused on resume; report.py plots the metric against the sampled keys.
source "$(dirname "$0")/lib.sh"
if ! /usr/bin/python3 -c "import h5py, numpy, pandas, scipy, sklearn, matplotlib" 2>/dev/null; then
  echo "skipped: /usr/bin/python3 with h5py, pandas, scipy, sklearn and matplotlib is needed"
  exit 77
fi

# The quickstart's data, features and model (5 epochs), its grid replaced by a search.
sed '/^\[grid\]/,$d' "$PROJECT/sweeps/quickstart.toml" | sed 's/^epochs = .*/epochs = 5/' > s.toml
cat >> s.toml <<'TOML'
[search]
kind = "sobol"
samples = 4
beta = { log_uniform = [0.25, 16.0] }
"model.learning_rate" = { log_uniform = [1e-4, 1e-2] }

[grid]
model = ["vae"]
latent_dim = [4]
k = [2, 4]
seed = [1, 2]
TOML

"$VAESWEEP" run s.toml --out r.h5 -q || fail "4-sample run"
cp r.h5 four.h5

# The draws, from scipy: sample i's beta and learning rate are the log-uniform images of
# Sobol' point i (dimensions in key order: model.beta, model.learning_rate), at 6 digits.
python_h5 - <<'PY' && pass "axes hold scipy's Sobol' draws: $(cat axes.txt)" || fail "sampled axes"
import h5py, numpy as np
from scipy.stats import qmc
u = h5py.File("r.h5")["units"][:]
points = qmc.Sobol(2, scramble=False).random(4)
expected = set()
for p in points:
    beta = float("%.6g" % (0.25 * 64.0 ** p[0]))
    lr = float("%.6g" % (1e-4 * 100.0 ** p[1]))
    expected.add((beta, lr))
got = set()
for axes in u["axes"]:
    kv = dict(t.split("=") for t in axes.decode().split())
    got.add((float(kv["beta"]), float(kv["model.learning_rate"])))
    assert kv["latent_dim"] == "4", axes
assert len(u) == 8, len(u)
assert got == expected, (sorted(got), sorted(expected))
assert sorted(u["beta"].tolist()) == sorted([b for b, _ in expected] * 2)
open("axes.txt", "w").write(sorted(set(a.decode() for a in u["axes"]))[0])
PY

# Raising samples: only the new units run.
"$VAESWEEP" run s.toml --out r.h5 --resume --set search.samples=6 -q || fail "resume with samples = 6"
python_h5 - <<'PY' && pass "resume with samples = 6: the 8 units kept (same run, hashes, numbers), 4 new ones ran" || fail "resume"
import h5py
old = h5py.File("four.h5")["units"][:]
new = h5py.File("r.h5")["units"][:]
assert len(new) == 12, len(new)
by_hash = {row["config_hash"]: row for row in new}
for row in old:
    kept = by_hash[row["config_hash"]]
    assert kept["run_id"] == row["run_id"] and kept["loss"] == row["loss"], row["config_hash"]
first = set(old["run_id"])
assert len(first) == 1
fresh = [r for r in new if r["run_id"] not in first]
assert len(fresh) == 4, len(fresh)
assert len(set(r["axes"] for r in fresh)) == 2  # 2 new samples x 2 seeds
PY

# A fresh 6-sample run gives the same units and numbers as the resumed one.
"$VAESWEEP" run s.toml --out six.h5 --set search.samples=6 -q || fail "6-sample run"
python_h5 - <<'PY' && pass "resumed file equals a fresh 6-sample run (hashes, losses, silhouettes)" || fail "fresh vs resumed"
import h5py
a, b = h5py.File("r.h5"), h5py.File("six.h5")
ua = {r["config_hash"]: r["loss"] for r in a["units"][:]}
ub = {r["config_hash"]: r["loss"] for r in b["units"][:]}
assert ua == ub, (ua, ub)
def scores(f):
    hash_of = {u["unit"]: u["config_hash"] for u in f["units"][:]}
    return sorted((hash_of[e["unit"]], e["k"], e["silhouette"]) for e in f["evaluations"][:])
assert scores(a) == scores(b)
PY

# rank: one group per (sample, k), n = 2 seeds each.
"$VAESWEEP" rank r.h5 --metric silhouette --format csv --no-write > rank.csv 2> rank.err || fail "rank: $(cat rank.err)"
python_h5 - <<'PY' && pass "rank: 12 groups (6 samples x 2 k), 2 seeds each" || fail "rank groups: $(head -3 rank.csv)"
import pandas as pd
t = pd.read_csv("rank.csv")
assert len(t) == 12, t
assert (t["n"] == 2).all(), t["n"]
PY

# A changed search (other bounds) would change every finished unit: refused, nothing touched.
sed 's/log_uniform = \[0.25, 16.0\]/log_uniform = [0.5, 16.0]/' s.toml > changed.toml
cp r.h5 before.h5
expect_failure "resume with other bounds is refused" 1 "resume refused.*search: sobol samples=6.*-> sobol samples=6" -- \
  "$VAESWEEP" run changed.toml --out r.h5 --resume --set search.samples=6 -q
cmp -s r.h5 before.h5 &&
  pass "the refused resume left the file as it was" || fail "file after the refused resume"

# Refusals at load time: exit 1, naming the key and the line.
cat s.toml > both.toml && echo 'beta = [1.0, 2.0]' >> both.toml
expect_failure "a key both sampled and a grid axis" 1 "both.toml:[0-9]+: search.beta: model.beta is both sampled here and a \[grid\] axis" -- \
  "$VAESWEEP" run both.toml --out x.h5 -q
sed 's/0.25, 16.0/0.0, 16.0/' s.toml > zero.toml
expect_failure "log_uniform with low = 0" 1 "zero.toml:[0-9]+: search.beta: log_uniform needs 0 < low < high" -- \
  "$VAESWEEP" run zero.toml --out x.h5 -q

# report.py: the metric against the sampled keys (beta and the learning rate, log axes).
/usr/bin/python3 "$PROJECT/analysis/report.py" r.h5 --out rep --metric silhouette --format md > report.log 2>&1 \
  && [ -s rep/metric_vs_key_silhouette.png ] && grep -q "metric_vs_key_silhouette.png" rep/report.md \
  && grep -q "silhouette against model.learning_rate, beta\|silhouette against beta, model.learning_rate" rep/report.md \
  && pass "report.py: metric against the sampled keys ($(tail -1 report.log))" || fail "report.py: $(cat report.log) $(ls rep)"
finish
