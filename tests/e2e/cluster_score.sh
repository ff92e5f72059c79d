#!/usr/bin/env bash
# `vaesweep cluster` and `vaesweep score` end to end, against scikit-learn 1.2 on the same data.
# Expected values come from scikit-learn (Debian's /usr/bin/python3), computed here on
# make_blobs data with a fixed random_state:
#  - cluster: ARI between vaesweep's and sklearn's labels is 1 for kmeans, agglomerative (ward
#    and complete), dbscan (noise included) and gmm (full and diag) on well-separated blobs,
#    >= 0.95 for spectral (nearest_neighbors; sklearn's ARPACK basis and k-means differ);
#  - score: every metric equals sklearn's (silhouette_score, calinski_harabasz_score,
#    davies_bouldin_score on the non-noise rows; adjusted_rand_score, normalized_mutual_info_score,
#    adjusted_mutual_info_score, homogeneity/completeness/v_measure_score, fowlkes_mallows_score,
#    purity from the contingency matrix) within 1e-9 (relative for values above 1);
#  - bad input (k = 1, a NaN cell, a missing file, an existing output, ...) exits 1 with a
#    message naming the flag or file.
# Skips (77) when sklearn is not importable.
source "$(dirname "$0")/lib.sh"
V=$VAESWEEP
PY=/usr/bin/python3
if ! "$PY" -c "import sklearn, numpy" 2>/dev/null; then
  echo "skipped: /usr/bin/python3 with scikit-learn is needed for the reference values"
  exit 77
fi

# Data: 400 blobs in 5-D with 4 centres, an `id` column of strings, and truth labels with
# string names in a separate file whose rows are shuffled (matched by id). A second copy
# without an id column (rows named by their 0-based index) and truth matched by position.
"$PY" - <<'PY' || { echo "FAILED: data generation"; exit 1; }
import numpy as np
from sklearn.datasets import make_blobs
X, y = make_blobs(n_samples=400, n_features=5, centers=4, cluster_std=0.8, random_state=42)
names = np.array(["rock", "jazz", "baul", "pop"])
ids = [f"t{i:03d}" for i in range(len(X))]
with open("X.csv", "w") as f:
    f.write("id," + ",".join(f"f{j}" for j in range(X.shape[1])) + "\n")
    for i, row in zip(ids, X):
        f.write(i + "," + ",".join(repr(float(v)) for v in row) + "\n")
with open("X_noid.csv", "w") as f:
    f.write(",".join(f"f{j}" for j in range(X.shape[1])) + "\n")
    for row in X:
        f.write(",".join(repr(float(v)) for v in row) + "\n")
order = np.random.RandomState(1).permutation(len(X))
with open("truth.csv", "w") as f:
    f.write("id,label\n")
    for i in order:
        f.write(f"{ids[i]},{names[y[i]]}\n")
with open("truth_noid.csv", "w") as f:
    f.write("label\n")
    for v in y:
        f.write(f"{names[v]}\n")
PY

# sklearn's labels for each configuration, one CSV per name (label column, X's row order).
"$PY" - <<'PY' || { echo "FAILED: sklearn reference labels"; exit 1; }
import warnings
import numpy as np
from sklearn.cluster import KMeans, AgglomerativeClustering, DBSCAN, SpectralClustering
from sklearn.mixture import GaussianMixture
warnings.simplefilter("ignore")  # sklearn's spectral embedding: "Graph is not fully connected"
X = np.loadtxt("X_noid.csv", delimiter=",", skiprows=1)
ref = {
    "kmeans": KMeans(4, n_init=10, random_state=0).fit_predict(X),
    "ward": AgglomerativeClustering(4).fit_predict(X),
    "complete": AgglomerativeClustering(4, linkage="complete").fit_predict(X),
    "ward6": AgglomerativeClustering(6).fit_predict(X),
    "dbscan": DBSCAN(eps=1.5, min_samples=5).fit_predict(X),
    "dbscan_noisy": DBSCAN(eps=1.2, min_samples=8).fit_predict(X),
    "spectral": SpectralClustering(4, affinity="nearest_neighbors", n_neighbors=10,
                                   random_state=0).fit_predict(X),
    "gmm": GaussianMixture(4, random_state=0).fit_predict(X),
    "gmm_diag": GaussianMixture(4, covariance_type="diag", random_state=0).fit_predict(X),
}
for name, labels in ref.items():
    np.savetxt(f"sk_{name}.csv", labels, fmt="%d", header="label", comments="")
print("sklearn dbscan_noisy noise:", int((ref["dbscan_noisy"] == -1).sum()))
PY

# run_cluster NAME MIN_ARI -- vaesweep cluster flags...
run_cluster() {
  local name=$1 min_ari=$2
  shift 3
  if ! "$V" cluster --in X.csv --out "vs_$name.csv" "$@" >"sum_$name.txt" 2>"err_$name.txt"; then
    fail "cluster $name: $(cat "err_$name.txt")"
    return
  fi
  "$PY" - "$name" "$min_ari" <<'PY' && pass "cluster $name: $(cat "sum_$name.txt")" || fail "cluster $name"
import sys
import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score
name, min_ari = sys.argv[1], float(sys.argv[2])
ours = pd.read_csv(f"vs_{name}.csv", dtype={"id": str})
theirs = np.loadtxt(f"sk_{name}.csv", skiprows=1, dtype=int)
X_ids = pd.read_csv("X.csv", usecols=["id"])["id"]
assert list(ours.columns) == ["id", "label"], list(ours.columns)
assert (ours["id"].values == X_ids.values).all(), "ids not in X's order"
ari = adjusted_rand_score(theirs, ours["label"].values)
same_noise = ((theirs == -1) == (ours["label"].values == -1)).all()
print(f"  {name}: ARI vs sklearn {ari:.6f} (need >= {min_ari}), noise identical: {same_noise}")
sys.exit(0 if ari >= min_ari and same_noise else 1)
PY
}

run_cluster kmeans 1 -- --method kmeans --k 4 --seed 3
run_cluster ward 1 -- --method agglomerative --k 4
run_cluster ward6 1 -- --method agglomerative --k 6
run_cluster complete 1 -- --method agglomerative --k 4 --linkage complete
run_cluster dbscan 1 -- --method dbscan --eps 1.5 --min-samples 5
run_cluster dbscan_noisy 1 -- --method dbscan --eps 1.2 --min-samples 8
run_cluster spectral 0.95 -- --method spectral --k 4 --n-neighbors 10
run_cluster gmm 1 -- --method gmm --k 4
run_cluster gmm_diag 1 -- --method gmm --k 4 --covariance diag
grep -q "eps used 1.5" sum_dbscan.txt && grep -qE "4 clusters, noise fraction 0\.0000" sum_kmeans.txt \
  && pass "summary line: clusters, noise fraction, eps used" || fail "summary line: $(cat sum_dbscan.txt sum_kmeans.txt)"
grep -qE "noise fraction 0\.[0-9]*[1-9]" sum_dbscan_noisy.txt && pass "noisy dbscan reports noise" \
  || fail "noisy dbscan: $(cat sum_dbscan_noisy.txt)"
"$V" cluster --in X.csv --out auto.csv --method dbscan --eps auto >auto.txt 2>&1 \
  && grep -qE "eps auto.*eps used [0-9.]+" auto.txt && pass "dbscan --eps auto: $(cat auto.txt)" \
  || fail "dbscan --eps auto: $(cat auto.txt)"
if [ -f "$PROJECT/src/cluster/umap.hpp" ]; then
  "$V" cluster --in X.csv --out umap.csv --method kmeans --k 4 --projection umap --components 2 \
      --embedding-out emb.csv >umap.txt 2>&1 && "$PY" - <<'PY' && pass "kmeans on a UMAP projection: $(cat umap.txt)" \
      || fail "umap projection: $(cat umap.txt)"
import sys
import pandas as pd
from sklearn.metrics import adjusted_rand_score
ours = pd.read_csv("umap.csv")
emb = pd.read_csv("emb.csv")
truth = pd.read_csv("truth.csv").set_index("id").loc[ours["id"], "label"]
ari = adjusted_rand_score(truth, ours["label"])
print("  umap+kmeans ARI vs truth", ari, "embedding columns", list(emb.columns))
sys.exit(0 if ari > 0.99 and list(emb.columns) == ["id", "umap1", "umap2"] and len(emb) == 400 else 1)
PY
fi
"$V" cluster --in X_noid.csv --out noid.csv --method kmeans --k 4 >/dev/null 2>&1 \
  && [ "$(sed -n 2p noid.csv | cut -d, -f1)" = 0 ] && [ "$(tail -1 noid.csv | cut -d, -f1)" = 399 ] \
  && pass "no id column: rows named 0..n-1" || fail "row-index ids: $(head -3 noid.csv)"
ls ./*.tmp-* >/dev/null 2>&1 && fail "temporary files left behind" || pass "no temporary files left behind"

# score: JSON (default) and text, against sklearn's metrics.
score_check() {  # NAME PRED TRUE_ARGS...
  local name=$1 pred=$2
  shift 2
  if ! "$V" score --in X.csv --pred "$pred" "$@" >"score_$name.json" 2>"score_err_$name.txt"; then
    fail "score $name: $(cat "score_err_$name.txt")"
    return
  fi
  "$PY" - "$name" "$pred" "$#" <<'PY' && pass "score $name: every metric within 1e-9 of sklearn" || fail "score $name: $(cat "score_$name.json")"
import json, sys
import numpy as np
import pandas as pd
from sklearn import metrics as M
name, pred_file, with_truth = sys.argv[1], sys.argv[2], sys.argv[3] != "0"
got = json.load(open(f"score_{name}.json"))
X = pd.read_csv("X.csv").set_index("id")
pred = pd.read_csv(pred_file).set_index("id").loc[X.index, "label"].values
keep = pred != -1
exp = {"n_samples": len(pred), "n_noise": int((~keep).sum()), "coverage": keep.mean(),
       "n_clusters": len(set(pred[keep]))}
exp["silhouette"] = M.silhouette_score(X.values[keep], pred[keep])
exp["calinski_harabasz"] = M.calinski_harabasz_score(X.values[keep], pred[keep])
exp["davies_bouldin"] = M.davies_bouldin_score(X.values[keep], pred[keep])
if with_truth:
    truth = pd.read_csv("truth.csv").set_index("id").loc[X.index, "label"].values
    exp["n_classes"] = len(set(truth))
    exp["scored"] = len(truth)  # every row has a true label here
    exp["ari"] = M.adjusted_rand_score(truth, pred)
    exp["nmi"] = M.normalized_mutual_info_score(truth, pred)
    exp["ami"] = M.adjusted_mutual_info_score(truth, pred)
    exp["homogeneity"] = M.homogeneity_score(truth, pred)
    exp["completeness"] = M.completeness_score(truth, pred)
    exp["v_measure"] = M.v_measure_score(truth, pred)
    exp["fowlkes_mallows"] = M.fowlkes_mallows_score(truth, pred)
    c = M.cluster.contingency_matrix(truth, pred)
    exp["purity"] = c.max(axis=0).sum() / c.sum()
bad = []
extra = set(got) - set(exp) - {"noise_treatment"}
if extra: bad.append(f"unexpected keys {sorted(extra)}")
if exp["n_noise"] and "noise_treatment" not in got: bad.append("noise treatment not stated")
for key, want in exp.items():
    have = got.get(key)
    if have is None or abs(have - want) > 1e-9 * max(1.0, abs(want)):
        bad.append(f"{key}: vaesweep {have!r}, sklearn {want!r}")
    else:
        print(f"  {key}: {have!r} (sklearn {want!r})")
if list(got) != sorted(got): bad.append("keys not sorted")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
}
score_check kmeans vs_kmeans.csv --true truth.csv
score_check ward6 vs_ward6.csv --true truth.csv
score_check spectral_internal_only vs_spectral.csv
score_check dbscan_noise vs_dbscan_noisy.csv --true truth.csv
"$V" score --in X.csv --pred vs_kmeans.csv --true truth.csv --format text >score.txt 2>&1 \
  && grep -qE "^silhouette: +0\.[0-9]+$" score.txt && grep -qE "^purity: +1$" score.txt \
  && pass "score --format text" || fail "score --format text: $(cat score.txt)"
# Without id columns: X rows by index, truth by position; same numbers as with ids.
cut -d, -f2 vs_kmeans.csv > pred_noid.csv
"$V" score --in X_noid.csv --pred pred_noid.csv --true truth_noid.csv >score_noid.json 2>&1 \
  && "$PY" -c "import json,sys; a=json.load(open('score_noid.json')); b=json.load(open('score_kmeans.json')); sys.exit(a!=b)" \
  && pass "score by position equals score by id" || fail "score by position: $(cat score_noid.json)"
# --exclude: a table that carries its own label column serves as X (the column excluded) and as
# the truth file; same numbers as above.
paste -d, X.csv truth_noid.csv > X_labelled.csv
"$V" score --in X_labelled.csv --exclude label --pred vs_kmeans.csv --true X_labelled.csv >score_excl.json 2>&1 \
  && "$PY" -c "import json,sys; a=json.load(open('score_excl.json')); b=json.load(open('score_kmeans.json')); sys.exit(a!=b)" \
  && pass "--exclude label, truth from the same table" || fail "--exclude: $(cat score_excl.json)"
# --standardize (both commands): the same numbers as sklearn's StandardScaler then KMeans and
# silhouette_score on the scaled data.
"$V" cluster --in X.csv --out std.csv --method kmeans --k 4 --standardize >/dev/null 2>&1 \
  && "$V" score --in X.csv --pred std.csv --standardize >std.json 2>&1 && "$PY" - <<'PY' \
  && pass "--standardize: k-means and silhouette on z-scored columns as sklearn's" || fail "--standardize: $(cat std.json)"
import json, sys
import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import StandardScaler
X = StandardScaler().fit_transform(pd.read_csv("X.csv").set_index("id").values)
ours = pd.read_csv("std.csv")["label"].values
ari = adjusted_rand_score(KMeans(4, n_init=10, random_state=0).fit_predict(X), ours)
got, want = json.load(open("std.json"))["silhouette"], silhouette_score(X, ours)
print(f"  ARI vs sklearn {ari}, silhouette {got!r} (sklearn {want!r})")
sys.exit(0 if ari == 1.0 and abs(got - want) <= 1e-9 else 1)
PY
# One cluster: internal metrics null, with a note; external ones still reported.
{ echo "id,label"; cut -d, -f1 X.csv | tail -n +2 | sed 's/$/,0/'; } > one.csv
"$V" score --in X.csv --pred one.csv --true truth.csv >one.json 2>&1 && "$PY" - <<'PY' \
  && pass "single cluster: null internal metrics and a note" || fail "single cluster: $(cat one.json)"
import json, sys
g = json.load(open("one.json"))
ok = (g["silhouette"] is None and g["calinski_harabasz"] is None and g["davies_bouldin"] is None
      and "1 cluster" in g.get("note", "") and g["ari"] == 0 and g["n_clusters"] == 1)
sys.exit(0 if ok else 1)
PY

# Bad input: exit 1 and a message naming the flag or the file.
printf 'a,b\n1,2\n3,NaN\n5,6\n' > nan.csv
printf 'a,b\n' > empty.csv
expect_failure "k = 1" 1 "X.csv: kmeans: k = 1; expected at least 2 clusters" -- "$V" cluster --method kmeans --k 1 --in X.csv --out a.csv
expect_failure "k > n" 1 "X.csv: gmm: k = 401; expected 1 <= k <= n_samples = 400" -- "$V" cluster --method gmm --k 401 --in X.csv --out a.csv
expect_failure "NaN cell" 1 "nan.csv:3: column \"b\".*not a finite number" -- "$V" cluster --method kmeans --k 2 --in nan.csv --out a.csv
expect_failure "empty input" 1 "empty.csv.*no rows" -- "$V" cluster --method kmeans --k 2 --in empty.csv --out a.csv
expect_failure "missing input" 1 "missing.csv.*cannot open" -- "$V" cluster --method kmeans --k 2 --in missing.csv --out a.csv
expect_failure "unknown method" 1 "--method.*\"kmedoids\".*valid methods are: kmeans, agglomerative, dbscan, spectral, gmm" -- \
  "$V" cluster --method kmedoids --k 2 --in X.csv --out a.csv
expect_failure "flag of another method" 1 "--eps does not apply to --method kmeans" -- \
  "$V" cluster --method kmeans --k 2 --eps 1 --in X.csv --out a.csv
expect_failure "bad eps" 1 "X.csv: dbscan: eps = 0.*expected a finite value > 0" -- \
  "$V" cluster --method dbscan --eps 0 --in X.csv --out a.csv
expect_failure "eps not a number" 1 "--eps: expected a number or auto, got \"wide\"" -- "$V" cluster --method dbscan --eps wide --in X.csv --out a.csv
expect_failure "n-neighbors >= n" 1 "X.csv: spectral: n_neighbors = 400; expected 2 <= n_neighbors < n_samples = 400" -- \
  "$V" cluster --method spectral --k 3 --n-neighbors 400 --in X.csv --out a.csv
expect_failure "range checked before the projection" 1 "X.csv: dbscan: min_samples = 0; expected >= 1" -- \
  "$V" cluster --method dbscan --min-samples 0 --projection umap --in X.csv --out a.csv
expect_failure "non-numeric column" 1 "truth.csv:2: column \"label\".*--exclude" -- "$V" cluster --method kmeans --k 2 --in truth.csv --out a.csv
before=$(sha256sum vs_kmeans.csv)
expect_failure "existing output" 1 "vs_kmeans.csv: already exists.*--overwrite" -- \
  "$V" cluster --method kmeans --k 3 --in X.csv --out vs_kmeans.csv
[ "$before" = "$(sha256sum vs_kmeans.csv)" ] && pass "refused output left intact" || fail "refused output changed"
"$V" cluster --method kmeans --k 3 --in X.csv --out vs_kmeans.csv --overwrite >/dev/null 2>&1 \
  && [ "$before" != "$(sha256sum vs_kmeans.csv)" ] && pass "--overwrite replaces it" || fail "--overwrite"
[ ! -e a.csv ] && pass "failed runs wrote no output" || fail "a failed run left a.csv"
head -100 vs_kmeans.csv > short.csv
expect_failure "score: row count" 1 "short.csv: 99 label rows, but X.csv has 400" -- "$V" score --in X.csv --pred short.csv
expect_failure "score: id not found" 1 "pred_noid.csv|truth.csv.*no row with id" -- \
  "$V" score --in X_noid.csv --pred pred_noid.csv --true truth.csv
expect_failure "score: no label column" 1 "X.csv: no column \"label\"" -- "$V" score --in X.csv --pred X.csv
expect_failure "score: missing pred" 1 "nope.csv.*cannot open" -- "$V" score --in X.csv --pred nope.csv
expect_failure "score: unknown format" 1 "valid formats are: json, text" -- "$V" score --in X.csv --pred vs_ward.csv --format xml
finish
