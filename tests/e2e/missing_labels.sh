#!/usr/bin/env bash
# Incomplete metadata: a row with an empty label cell is unlabelled for that label set. It is
# clustered with the rest and left out of that set's external scores only; each evaluation
# records how many rows it scored per set, /features how many rows each set leaves unlabelled,
# the log and `rank` say so. data.require_labels = true keeps the refusal. On planted clusters
# with 30% of one set's labels blanked, ARI and NMI equal scikit-learn's on the labelled rows.
# Manifests: only the label columns named are labels; other columns (lyrics) stay out of a
# features file unless --keep-columns asks for them.
source "$(dirname "$0")/lib.sh"

# --- planted clusters, 30% of genre blanked -----------------------------------------------------
python_h5 - <<'PY' || fail "could not write the planted table"
import numpy as np
rng = np.random.default_rng(11)
n, k = 300, 3
cluster = rng.permutation(np.repeat(np.arange(k), n // k))
centres = rng.normal(0, 2, size=(k, 5))
X = centres[cluster] + rng.normal(0, 1.5, size=(n, 5))   # overlapping: scores well between 0 and 1
genre = np.array(["rock", "jazz", "folk"])[cluster]
blank = rng.permutation(n)[: int(0.3 * n)]
genre[blank] = ""
language = np.where(rng.random(n) < 0.5, "en", "bn")
with open("planted.csv", "w") as f:
    f.write("filename," + ",".join(f"x{j}" for j in range(5)) + ",genre,language\n")
    for i in range(n):
        f.write(f"t{i:03d}.wav," + ",".join(repr(float(v)) for v in X[i]) + f",{genre[i]},{language[i]}\n")
PY
cat >planted.toml <<'TOML'
[study]
name = "missing-labels"
[data]
source = "table"
path = "planted.csv"
labels = ["genre", "language"]
[model]
kind = "raw"
[cluster]
methods = ["kmeans", "agglomerative"]
k = 3
[evaluation]
store_assignments = true
[grid]
seed = [1, 2]
TOML
"$VAESWEEP" run planted.toml --out planted.h5 2>run.txt || fail "run with 90 blank genre cells: $(cat run.txt)"
grep -q "labels: genre: 90 of 300 rows unlabelled" run.txt && pass "the log counts the unlabelled rows per label set" ||
  fail "no unlabelled count in the log: $(cat run.txt)"
python_h5 - <<'PY' && pass "ARI / NMI on the 210 labelled rows equal scikit-learn's; scored counts recorded" ||
import sys
import h5py
import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
f = h5py.File("planted.h5")
ev, units, feats = f["evaluations"][:], f["units"][:], f["features"][:]
assert feats["unlabelled_genre"][0] == 90 and feats["unlabelled_language"][0] == 0, feats
checked = 0
for u in units:
    rows = f["rows/" + u["feature_hash"].decode()][:]
    genre, language = rows["genre"], rows["language"]
    labelled = genre != b""
    assert labelled.sum() == 210
    for e in ev[ev["unit"] == u["unit"]]:
        pred = f[f"assignments/{u['unit']}"][f"{e['method'].decode()}_k{e['k']}"][:]
        ari = adjusted_rand_score(genre[labelled], pred[labelled])
        nmi = normalized_mutual_info_score(genre[labelled], pred[labelled])
        assert abs(ari - e["ari_genre"]) < 1e-12 and abs(nmi - e["nmi_genre"]) < 1e-12, (ari, e["ari_genre"], nmi, e["nmi_genre"])
        assert 0.2 < ari < 0.999, ari                       # a real test: neither chance nor perfect
        assert abs(adjusted_rand_score(language, pred) - e["ari_language"]) < 1e-12
        assert e["scored_genre"] == 210 and e["scored_language"] == 300, (e["scored_genre"], e["scored_language"])
        checked += 1
print(checked, "evaluations checked")
sys.exit(0 if checked == 4 else 1)
PY
  fail "scores on the labelled rows"
"$VAESWEEP" rank planted.h5 --metric ari_genre >rank.md 2>&1
grep -q "compare as few as 210 of the 300 rows" rank.md && pass "rank says how many rows the genre scores compare" ||
  fail "rank: no scored-rows note: $(cat rank.md)"
"$VAESWEEP" rank planted.h5 --metric ari_language >rank_language.md 2>&1
! grep -q "compare as few as" rank_language.md && pass "no note for a fully labelled set" ||
  fail "rank notes a fully labelled set: $(cat rank_language.md)"
cp planted.h5 planted.before.h5
expect_failure "data.require_labels = true refuses the blank cell, naming file and line" 1 \
  'planted\.csv:[0-9]+: label column "genre" is empty' -- \
  "$VAESWEEP" run planted.toml --out required.h5 --set data.require_labels=true
[ ! -e required.h5 ] && cmp -s planted.h5 planted.before.h5 && pass "the refusal wrote nothing" ||
  fail "the refused run wrote or changed results"

# --- manifests: only the named columns are labels; lyrics stay out unless kept ----------------------
clips="$SHARED_DATA/audio/gtzan-mini"
if [ -d "$clips" ]; then
  {
    echo "path,genre,lyrics"
    echo "$clips/blues.00000.wav,blues,\"la la, a long line of lyrics\""
    echo "$clips/classical.00000.wav,,\"no words here\""
    echo "$clips/disco.00000.wav,disco,\"\"\"quoted\"\" words\""
  } >manifest.csv
  "$VAESWEEP" features --audio manifest.csv --labels genre --out named.csv --no-cache 2>named.txt ||
    fail "features --labels genre: $(cat named.txt)"
  [ "$(head -1 named.csv | tr ',' '\n' | tail -1)" = genre ] && ! grep -q lyrics named.csv &&
    grep -q "columns lyrics are left out" named.txt && grep -q "genre: 1 of 3 rows unlabelled" named.txt &&
    pass "features: only the named label column; lyrics left out and said so; the blank genre counted" ||
    fail "features --labels genre: $(head -1 named.csv) / $(cat named.txt)"
  "$VAESWEEP" features --audio manifest.csv --labels genre --keep-columns lyrics --out kept.h5 --no-cache -q ||
    fail "features --keep-columns lyrics"
  python_h5 - <<'PY' && pass "--keep-columns copies lyrics as they are, not as a label" || fail "kept lyrics column"
import h5py
rows = h5py.File("kept.h5")["rows"][:]
assert [v.decode() for v in rows["lyrics"]] == ["la la, a long line of lyrics", "no words here", '"quoted" words']
assert [v.decode() for v in rows["genre"]] == ["blues", "", "disco"]
PY
  "$VAESWEEP" features --audio manifest.csv --out none.csv --no-cache 2>none.txt || fail "features without --labels"
  [ "$(head -1 none.csv | tr ',' '\n' | tail -1)" = mfcc13_kurtosis ] &&
    grep -q "columns genre, lyrics are left out" none.txt && pass "features without --labels takes no column as a label" ||
    fail "features without --labels: $(head -1 none.csv | tr ',' '\n' | tail -2) / $(cat none.txt)"
  expect_failure "--keep-columns names a missing column" 1 "manifest\.csv.*mood" -- \
    "$VAESWEEP" features --audio manifest.csv --keep-columns mood --out mood.csv --no-cache
fi
finish
