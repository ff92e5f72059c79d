#!/usr/bin/python3
"""scikit-learn reference values for the metrics, k-means and PCA unit tests.

Regenerate (from the repository root; Debian's numpy + scikit-learn 1.2, which the `python3`
on PATH may not see):

    /usr/bin/python3 tests/reference/make_sklearn_reference.py

Everything is deterministic (numpy RandomState with fixed seeds); inputs are rounded to 6
decimals so that the CSVs are short and every number round-trips exactly. Floats are written
with repr (the shortest string that parses back to the same double).

Files written to tests/data/sklearn/:
  X_<dataset>.csv          inputs, header x0..x{d-1}, one sample per row
  y_<dataset>.csv          the planted labels of <dataset> (header: label)
  labels_<case>.csv        a labelling scored by the internal metrics (header: label)
  internal_expected.csv    case,dataset,silhouette,calinski_harabasz,davies_bouldin:
                           sklearn.metrics.{silhouette_score, calinski_harabasz_score,
                           davies_bouldin_score}(X_<dataset>, labels_<case>)
  external_labels.csv      case,truth,pred: long form, one row per sample of each case
  external_expected.csv    case,name,n,ari,nmi: sklearn.metrics.adjusted_rand_score and
                           normalized_mutual_info_score (arithmetic) of that case
  kmeans_expected.csv      dataset,k,n_init,inertia,inertia_mean10: KMeans(k, n_init,
                           random_state=0, algorithm="lloyd").inertia_ (sklearn's best of
                           n_init restarts), and its mean over random_state = 0..9
  pca_expected.csv         dataset,n_components,prefix: one PCA(n_components,
                           svd_solver="full") fit per row, whose arrays are in
  <prefix>_components.csv, <prefix>_mean.csv, <prefix>_explained_variance.csv,
  <prefix>_transformed.csv (fit_transform of X_<dataset>)
"""
import os

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    normalized_mutual_info_score,
    silhouette_score,
)
from reference_io import OUT, write_matrix, write_rows, write_vector


def blobs(rng, centers, sizes, std):
    pts = [rng.normal(c, std, size=(s, len(c))) for c, s in zip(centers, sizes)]
    y = np.concatenate([np.full(s, i) for i, s in enumerate(sizes)])
    return np.round(np.vstack(pts), 6), y


def make_datasets():
    rng = np.random.RandomState(425)
    ds = {}
    # Well separated, balanced, 2-D.
    ds["blobs3"] = blobs(rng, [[0, 0], [12, 0], [6, 11]], [30, 30, 30], 1.0)
    # Well separated, unbalanced sizes, 5-D, offset far from the origin.
    c = rng.uniform(-1, 1, size=(4, 5)) * 25 + 40
    ds["unbalanced"] = blobs(rng, c, [80, 40, 20, 10], 1.0)
    # Overlapping clusters, 3-D: k-means has local minima here.
    c = rng.uniform(-3, 3, size=(4, 3))
    ds["overlap"] = blobs(rng, c, [40, 35, 25, 20], 1.5)
    # Structureless uniform cloud, 4-D.
    x = np.round(rng.uniform(-5, 5, size=(60, 4)), 6)
    ds["uniform"] = (x, np.zeros(60, dtype=int))
    # Anisotropic correlated Gaussian for PCA: distinct, well separated eigenvalues.
    A = rng.normal(size=(5, 5)) @ np.diag([5.0, 3.0, 2.0, 1.0, 0.5])
    x = np.round(rng.normal(size=(100, 5)) @ A.T + np.array([1, -2, 3, 0.5, 10]), 6)
    ds["aniso"] = (x, np.zeros(100, dtype=int))
    # Wide: fewer samples than features.
    x = np.round(rng.normal(size=(8, 12)) * np.linspace(3, 0.5, 12), 6)
    ds["wide"] = (x, np.zeros(8, dtype=int))
    return rng, ds


def internal_cases(rng, ds):
    cases = []
    X, y = ds["blobs3"]
    cases.append(("blobs3_truth", "blobs3", y))
    X, y = ds["unbalanced"]
    # Arbitrary label values: -1 is an ordinary cluster here.
    remap = np.array([1000, -1, 7, 3])
    cases.append(("unbalanced_arbitrary_values", "unbalanced", remap[y]))
    # Random labelling with two singleton clusters (s = 0 for their points).
    lab = rng.randint(0, 3, size=len(y))
    lab[5] = 41
    lab[77] = -8
    cases.append(("unbalanced_singletons", "unbalanced", lab))
    X, y = ds["overlap"]
    cases.append(("overlap_truth", "overlap", y))
    km = KMeans(6, n_init=10, random_state=3).fit(X)
    cases.append(("overlap_kmeans6", "overlap", km.labels_ * 5 - 2))
    X, _ = ds["uniform"]
    cases.append(("uniform_random2", "uniform", rng.randint(0, 2, size=len(X))))
    # n - 1 clusters: the largest allowed count; all but one cluster are singletons.
    lab = np.arange(len(X))
    lab[10] = lab[20]
    cases.append(("uniform_n_minus_1", "uniform", lab))

    rows = []
    for name, dname, lab in cases:
        X = ds[dname][0]
        write_vector(f"labels_{name}.csv", lab, "label")
        rows.append([name, dname, silhouette_score(X, lab), calinski_harabasz_score(X, lab),
                     davies_bouldin_score(X, lab)])
    write_rows("internal_expected.csv",
               ["case", "dataset", "silhouette", "calinski_harabasz", "davies_bouldin"], rows)


def external_cases(rng, ds):
    cases = []
    y = ds["unbalanced"][1]
    cases.append(("identical_permuted", y, np.array([5, 9, -1, 2])[y]))
    noisy = y.copy()
    flip = rng.rand(len(y)) < 0.2
    noisy[flip] = rng.randint(0, 4, size=flip.sum())
    cases.append(("noisy_20pct", y, noisy))
    cases.append(("random_vs_truth", y, rng.randint(0, 5, size=len(y))))
    cases.append(("arbitrary_values", np.array([1000, -1, 7, 1000, 7, -1, -1, 3, 3, 1000]),
                  np.array([0, 0, 1, 2, 1, 1, 0, 2, 2, 2])))
    cases.append(("both_single_cluster", np.full(12, 4), np.full(12, -3)))
    cases.append(("pred_single_cluster", np.array([0, 0, 1, 1, 2, 2, 2]), np.full(7, 9)))
    cases.append(("truth_single_cluster", np.full(7, 9), np.array([0, 0, 1, 1, 2, 2, 2])))
    cases.append(("all_singletons_vs_one", np.zeros(9, dtype=int), np.arange(9)))
    cases.append(("all_singletons_both", np.arange(9), np.arange(9)[::-1] * 3))
    cases.append(("discordant", np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])))
    cases.append(("split_one_class", np.array([0, 0, 1, 1]), np.array([0, 0, 1, 2])))
    cases.append(("single_sample", np.array([3]), np.array([-2])))
    t = rng.randint(0, 6, size=150)
    cases.append(("many_random", t, (t + rng.randint(0, 3, size=150)) % 8))

    label_rows, exp_rows = [], []
    for i, (name, t, p) in enumerate(cases):
        for a, b in zip(t, p):
            label_rows.append([i, int(a), int(b)])
        exp_rows.append([i, name, len(t), adjusted_rand_score(t, p),
                         normalized_mutual_info_score(t, p)])
    write_rows("external_labels.csv", ["case", "truth", "pred"], label_rows)
    write_rows("external_expected.csv", ["case", "name", "n", "ari", "nmi"], exp_rows)


def kmeans_cases(ds):
    rows = []
    for dname, k in [("blobs3", 3), ("unbalanced", 4), ("overlap", 4), ("overlap", 6),
                     ("uniform", 5), ("uniform", 8)]:
        X = ds[dname][0]
        runs = [KMeans(k, n_init=10, random_state=s, algorithm="lloyd").fit(X).inertia_
                for s in range(10)]
        rows.append([dname, k, 10, runs[0], np.mean(runs)])
    write_rows("kmeans_expected.csv", ["dataset", "k", "n_init", "inertia", "inertia_mean10"],
               rows)


def pca_cases(ds):
    rows = []
    for dname, nc in [("aniso", 2), ("aniso", 5), ("wide", 5), ("blobs3", 2)]:
        X = ds[dname][0]
        p = PCA(n_components=nc, svd_solver="full")
        T = p.fit_transform(X)
        prefix = f"pca_{dname}_{nc}"
        write_matrix(f"{prefix}_components.csv", p.components_, "c")
        write_vector(f"{prefix}_mean.csv", p.mean_, "mean")
        write_vector(f"{prefix}_explained_variance.csv", p.explained_variance_,
                     "explained_variance")
        write_matrix(f"{prefix}_transformed.csv", T, "t")
        rows.append([dname, nc, prefix])
    write_rows("pca_expected.csv", ["dataset", "n_components", "prefix"], rows)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng, ds = make_datasets()
    for name, (X, y) in ds.items():
        write_matrix(f"X_{name}.csv", X)
        write_vector(f"y_{name}.csv", y, "label")
    internal_cases(rng, ds)
    external_cases(rng, ds)
    kmeans_cases(ds)
    pca_cases(ds)
    print(f"wrote {OUT} with scikit-learn {sklearn.__version__}, numpy {np.__version__}")


if __name__ == "__main__":
    main()
