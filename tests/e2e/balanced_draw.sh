#!/usr/bin/env bash
# data.balance on the real GTZAN + BanglaBeats table (1,000 English and 1,617 Bangla rows):
# "min" trains on 1,000 + 1,000 rows, the drawn rows are in /drawn_rows/<feature hash> (every
# English row, 1,000 distinct Bangla ones) and the draw in /features.balanced_draw; the feature
# hash differs from the whole table's; 1,001 per group is refused naming the short group; a
# per_group without data.balance is refused; another sample_seed draws other Bangla rows.
source "$(dirname "$0")/lib.sh"
table="$SHARED_DATA/features/gtzan_banglabeats_30s.csv"
[ -f "$table" ] || { echo "skipped: $table is not here"; exit 77; }
cat >study.toml <<TOML
[data]
source = "table"
path = "$table"
labels = ["label", "language"]
[model]
kind = "pca"
latent_dim = 8
[cluster]
methods = ["kmeans"]
[grid]
k = [2]
TOML
"$VAESWEEP" run study.toml --set 'data.balance=["language"]' --out b.h5 >b.txt 2>&1 || fail "balanced run: $(cat b.txt)"
grep -q "data.balance: language: 1000 of 1617 bng, 1000 of 1000 eng (seed 0)" b.txt &&
  pass "the run says what it drew ($(grep -o 'data.balance: .*' b.txt | head -1))" || fail "no draw line: $(cat b.txt)"
"$VAESWEEP" run study.toml --out whole.h5 -q 2>whole.txt || fail "whole table: $(cat whole.txt)"
"$VAESWEEP" run study.toml --set 'data.balance=["language"]' --set data.sample_seed=1 --out s1.h5 -q 2>s1.txt ||
  fail "seed 1: $(cat s1.txt)"
python_h5 - "$table" <<'PY' && pass "/drawn_rows: all 1,000 English rows and 1,000 distinct Bangla ones; hashes differ from the whole table's" || fail "the recorded draw"
import sys
import h5py
import pandas as pd
t = pd.read_csv(sys.argv[1])
problems = []
def drawn(path):
    with h5py.File(path) as f:
        (name,) = list(f["drawn_rows"].keys())
        d = f["drawn_rows"][name][:]
        features = f["features"][:]
        return name, [int(p) for p in d["position"]], [i.decode() for i in d["id"]], features
name, pos, ids, features = drawn("b.h5")
langs = t["language"].iloc[pos]
if len(pos) != 2000 or len(set(pos)) != 2000 or (langs == "eng").sum() != 1000 or (langs == "bng").sum() != 1000:
    problems.append(f"{len(pos)} rows, {langs.value_counts().to_dict()}")
if list(t["filename"].iloc[pos]) != ids:
    problems.append("ids are not the table's filenames at those positions")
if features["rows"][0] != 2000 or b"bng" not in features["balanced_draw"][0]:
    problems.append(f"/features: {features['rows'][0]}, {features['balanced_draw'][0]}")
with h5py.File("whole.h5") as f:
    if "drawn_rows" in f or f["features"]["feature_hash"][0].decode() == name or f["features"]["rows"][0] != 2617:
        problems.append("the whole table's run")
name1, pos1, _, _ = drawn("s1.h5")
if name1 == name or pos1 == pos or set(pos1) & set(pos) < set(t.index[t["language"] == "eng"]):
    problems.append("sample_seed 1 should draw other Bangla rows under another feature hash, all English rows alike")
print(problems)
sys.exit(1 if problems else 0)
PY
expect_failure "per_group above the smallest group" 1 "data.per_group = 1001 is impossible: language=eng has only 1000 rows" -- \
  "$VAESWEEP" run study.toml --set 'data.balance=["language"]' --set data.per_group=1001 --out x.h5
expect_failure "per_group without balance" 1 "data.per_group is set but data.balance is empty" -- \
  "$VAESWEEP" run study.toml --set data.per_group=10 --out x.h5
expect_failure "an unknown label set" 1 "data.balance: \"genre\" is not one of data.labels" -- \
  "$VAESWEEP" run study.toml --set 'data.balance=["genre"]' --out x.h5
[ ! -e x.h5 ] && pass "refused runs wrote nothing" || fail "x.h5 exists"
finish
