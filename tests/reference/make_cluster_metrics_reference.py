#!/usr/bin/python3
"""scikit-learn / scipy reference values for the extended external metrics, agglomerative
clustering and DBSCAN unit tests (tests/unit/test_external_metrics_extended.cpp,
test_agglomerative.cpp, test_dbscan.cpp).

Regenerate (from the repository root; Debian's numpy + scipy + scikit-learn 1.2, which the
`python3` on PATH may not see):

    /usr/bin/python3 tests/reference/make_cluster_metrics_reference.py

Everything is deterministic (make_blobs and numpy RandomState with fixed seeds); inputs are
rounded to 6 decimals so that the CSVs are short and every number round-trips exactly. Floats
are written with repr (the shortest string that parses back to the same double). Every file
starts with cm_ (this script's prefix in tests/data/sklearn/).

Files written to tests/data/sklearn/:
  cm_external_labels.csv    case,truth,pred: long form, one row per sample of each case
  cm_external_expected.csv  case,name,n,ari,nmi,ami,homogeneity,completeness,v_measure,
                            fowlkes_mallows: sklearn.metrics.adjusted_rand_score,
                            normalized_mutual_info_score, adjusted_mutual_info_score (both
                            average_method="arithmetic"), homogeneity_score,
                            completeness_score, v_measure_score (beta=1),
                            fowlkes_mallows_score of that case
  cm_X_<dataset>.csv        inputs, header x0..x{d-1}, one sample per row
  cm_y_<dataset>.csv        planted labels of <dataset> (header: label)
  cm_linkage_<dataset>_<method>.csv
                            a,b,height,size: scipy.cluster.hierarchy.linkage(X, method,
                            metric="euclidean") (for ward: hierarchy.ward(X), which sklearn
                            calls), one row per merge
  cm_agglo_<dataset>_<method>.csv
                            k<k> columns: AgglomerativeClustering(n_clusters=k,
                            linkage=method).fit(X).labels_ for each k of the case
  cm_dbscan_expected.csv    case,dataset,eps,min_samples,n_clusters,n_core,n_noise:
                            DBSCAN(eps, min_samples) on cm_X_<dataset>
  cm_dbscan_<case>.csv      label,core: DBSCAN's labels_ and core flags (1 for the samples in
                            core_sample_indices_)
  cm_kdist_expected.csv     dataset,k,knee_eps: knee_eps is the k-distance at the knee, by the
                            rule documented in src/cluster/dbscan.hpp, computed here with numpy
  cm_kdist_<dataset>_<k>.csv
                            kdist: NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X)
                            distance to the k-th neighbour, the sample itself counted first
"""
import os

import numpy as np
import scipy
import sklearn
from scipy.cluster import hierarchy
from scipy.spatial.distance import pdist
from sklearn.cluster import DBSCAN, AgglomerativeClustering
from sklearn.datasets import make_blobs
from sklearn.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    completeness_score,
    fowlkes_mallows_score,
    homogeneity_score,
    normalized_mutual_info_score,
    v_measure_score,
)
from sklearn.neighbors import NearestNeighbors
from reference_io import OUT, write_matrix, write_rows, write_vector


# --- external metrics ----------------------------------------------------------------------

def external_cases():
    rng = np.random.RandomState(2024)
    cases = []
    y = np.repeat(np.arange(4), [80, 40, 20, 10])
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
    cases.append(("one_vs_all_singletons", np.zeros(9, dtype=int), np.arange(9)))
    cases.append(("all_singletons_vs_one", np.arange(9) * 7 - 3, np.zeros(9, dtype=int)))
    # Both sides all singletons: AMI is 0/0; sklearn's rounding gives 1.0 at n = 9 (see
    # external.hpp), which is also this tool's documented value.
    cases.append(("all_singletons_both", np.arange(9), np.arange(9)[::-1] * 3))
    cases.append(("singletons_vs_clusters", np.arange(40), rng.randint(0, 4, size=40)))
    cases.append(("discordant", np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])))
    cases.append(("split_one_class", np.array([0, 0, 1, 1]), np.array([0, 0, 1, 2])))
    cases.append(("single_sample", np.array([3]), np.array([-2])))
    cases.append(("two_samples_split", np.array([1, 1]), np.array([0, 1])))
    t = rng.randint(0, 6, size=150)
    cases.append(("many_random", t, (t + rng.randint(0, 3, size=150)) % 8))
    # Large tables: more than 128 non-zero cells (numpy's pairwise summation splits), long
    # EMI sums, DBSCAN-style noise label -1 and a label 1000.
    t = rng.randint(0, 12, size=3000)
    p = rng.randint(0, 15, size=3000)
    cases.append(("large_random", t, p))
    t = np.repeat(np.arange(10), 500)
    p = t.copy()
    flip = rng.rand(len(t)) < 0.1
    p[flip] = rng.randint(-1, 10, size=flip.sum())
    p[p == 9] = 1000
    cases.append(("large_noisy", t, p))
    t = rng.randint(0, 3, size=1000)
    p = np.where(rng.rand(1000) < 0.5, t, rng.randint(0, 200, size=1000))
    cases.append(("many_small_clusters", t, p))

    label_rows, exp_rows = [], []
    for i, (name, t, p) in enumerate(cases):
        for a, b in zip(t, p):
            label_rows.append([i, int(a), int(b)])
        exp_rows.append([i, name, len(t), adjusted_rand_score(t, p),
                         normalized_mutual_info_score(t, p), adjusted_mutual_info_score(t, p),
                         homogeneity_score(t, p), completeness_score(t, p),
                         v_measure_score(t, p), fowlkes_mallows_score(t, p)])
    write_rows("cm_external_labels.csv", ["case", "truth", "pred"], label_rows)
    write_rows("cm_external_expected.csv",
               ["case", "name", "n", "ari", "nmi", "ami", "homogeneity", "completeness",
                "v_measure", "fowlkes_mallows"], exp_rows)


# --- datasets for agglomerative and DBSCAN -------------------------------------------------

def make_datasets():
    ds = {}
    X, y = make_blobs(n_samples=300, n_features=5, centers=4, cluster_std=1.0,
                      random_state=11)
    ds["blobs"] = (np.round(X, 6), y)
    X, y = make_blobs(n_samples=240, n_features=2, centers=3, cluster_std=0.8,
                      random_state=170)
    A = np.array([[0.6, -0.64], [-0.41, 0.85]])
    ds["aniso"] = (np.round(X @ A, 6), y)
    ds["identical"] = (np.tile(np.array([[1.5, -2.25, 3.0]]), (6, 1)), np.zeros(6, dtype=int))
    grid = np.random.RandomState(8).randint(0, 6, size=(40, 2)).astype(float)
    ds["grid"] = (grid, np.zeros(40, dtype=int))
    rng = np.random.RandomState(7)
    ds["uniform"] = (np.round(rng.uniform(-5, 5, size=(200, 3)), 6), np.zeros(200, dtype=int))
    ds["small"] = (np.round(rng.normal(size=(7, 2)) * 3, 6), np.zeros(7, dtype=int))
    # 16-D blobs: sklearn's DBSCAN takes its brute-force path here (more than 15 features).
    X, y = make_blobs(n_samples=600, n_features=16, centers=5, cluster_std=1.0,
                      random_state=3)
    ds["blobs16"] = (np.round(X, 6), y)
    # 2-D blobs of unequal spread plus uniform background noise (DBSCAN's kd-tree path).
    X, y = make_blobs(n_samples=[150, 100, 60], n_features=2,
                      centers=[[0, 0], [8, 3], [2, 9]], cluster_std=[0.8, 1.2, 0.5],
                      random_state=5)
    noise = rng.uniform(-6, 14, size=(40, 2))
    ds["blobs2_noise"] = (np.round(np.vstack([X, noise]), 6),
                          np.concatenate([y, np.full(40, -1)]))
    return ds


def assert_no_distance_ties(name, X):
    d = pdist(X)
    u = np.unique(d)
    assert len(u) == len(d), f"{name}: tied pairwise distances"


# --- agglomerative -------------------------------------------------------------------------

AGGLO_CASES = {
    "blobs": [1, 2, 3, 4, 5, 8, 20],
    "aniso": [2, 3, 4, 6],
    "uniform": [2, 3, 5, 10, 50],
    "small": [1, 2, 3, 6, 7],
    # All samples identical: every distance ties at 0 and the result follows the algorithms'
    # tie order (scipy's chain; sklearn's Prim for single).
    "identical": [1, 2, 4, 6],
    # Small integer grid with duplicates: many tied distances, which every method must break
    # as scipy (and sklearn's Prim, for single) do.
    "grid": [2, 3, 5, 9],
}


def agglomerative_cases(ds):
    for dname, ks in AGGLO_CASES.items():
        X = ds[dname][0]
        if dname not in ("identical", "grid"):
            assert_no_distance_ties(dname, X)
        for method in ["ward", "complete", "average", "single"]:
            Z = hierarchy.ward(X) if method == "ward" else hierarchy.linkage(
                X, method=method, metric="euclidean")
            write_rows(f"cm_linkage_{dname}_{method}.csv", ["a", "b", "height", "size"],
                       [[int(r[0]), int(r[1]), r[2], int(r[3])] for r in Z])
            cols = [AgglomerativeClustering(n_clusters=k, linkage=method).fit(X).labels_
                    for k in ks]
            write_rows(f"cm_agglo_{dname}_{method}.csv", [f"k{k}" for k in ks],
                       np.array(cols).T.tolist())


# --- DBSCAN --------------------------------------------------------------------------------

def knee_eps(kdist):
    """The rule of src/cluster/dbscan.hpp: sort ascending, scale both axes to [0, 1], take the
    point farthest below the chord from the first to the last point (first on ties)."""
    y = np.sort(kdist)
    n = len(y)
    if n < 3 or y[-1] == y[0]:
        return y[-1]
    x = np.arange(n) / (n - 1)
    yn = (y - y[0]) / (y[-1] - y[0])
    return y[int(np.argmax(x - yn))]


DBSCAN_CASES = [
    # case, dataset, eps, min_samples
    ("blobs2_noise_a", "blobs2_noise", 0.6, 5),
    ("blobs2_noise_b", "blobs2_noise", 1.0, 10),
    ("blobs2_noise_ms1", "blobs2_noise", 0.3, 1),
    ("blobs16_a", "blobs16", 4.5, 5),
    ("blobs16_b", "blobs16", 3.6, 8),
    ("blobs_a", "blobs", 1.5, 4),
    ("aniso_a", "aniso", 0.35, 6),
    ("uniform_a", "uniform", 1.3, 4),
    ("uniform_all_noise", "uniform", 0.05, 3),
    ("uniform_one_cluster", "uniform", 100.0, 5),
    ("small_a", "small", 3.0, 2),
    ("identical_core", "identical", 0.5, 5),
    ("identical_noise", "identical", 0.5, 7),
]


def dbscan_cases(ds):
    rows = []
    for case, dname, eps, ms in DBSCAN_CASES:
        X = ds[dname][0]
        if dname != "identical":
            d = pdist(X)
            assert np.min(np.abs(d - eps)) > 1e-6 * eps, f"{case}: a distance is close to eps"
        m = DBSCAN(eps=eps, min_samples=ms).fit(X)
        core = np.zeros(len(X), dtype=int)
        core[m.core_sample_indices_] = 1
        write_rows(f"cm_dbscan_{case}.csv", ["label", "core"],
                   [[int(a), int(b)] for a, b in zip(m.labels_, core)])
        lab = m.labels_
        rows.append([case, dname, eps, ms, len(set(lab)) - (1 if -1 in lab else 0),
                     int(core.sum()), int(np.sum(lab == -1))])
    write_rows("cm_dbscan_expected.csv",
               ["case", "dataset", "eps", "min_samples", "n_clusters", "n_core", "n_noise"], rows)

    krows = []
    for dname, k in [("blobs2_noise", 5), ("blobs2_noise", 10), ("blobs16", 5), ("blobs", 4),
                     ("uniform", 4), ("aniso", 1)]:
        X = ds[dname][0]
        dist, _ = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X)
        write_vector(f"cm_kdist_{dname}_{k}.csv", dist[:, k - 1], "kdist")
        krows.append([dname, k, knee_eps(dist[:, k - 1])])
    write_rows("cm_kdist_expected.csv", ["dataset", "k", "knee_eps"], krows)


def main():
    os.makedirs(OUT, exist_ok=True)
    external_cases()
    ds = make_datasets()
    for name, (X, y) in ds.items():
        write_matrix(f"cm_X_{name}.csv", X)
        write_vector(f"cm_y_{name}.csv", y, "label")
    agglomerative_cases(ds)
    dbscan_cases(ds)
    print(f"wrote {OUT} with scikit-learn {sklearn.__version__}, scipy {scipy.__version__}, "
          f"numpy {np.__version__}")


if __name__ == "__main__":
    main()
