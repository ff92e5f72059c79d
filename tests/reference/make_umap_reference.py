#!/usr/bin/python3
"""scikit-learn / scipy reference values for the trustworthiness and UMAP unit tests.

Regenerate (from the repository root; Debian's numpy + scipy + scikit-learn 1.2, which the
`python3` on PATH may not see; t-SNE makes this take about a minute):

    /usr/bin/python3 tests/reference/make_umap_reference.py

umap-learn itself is not installed (and not needed): its a/b fit (find_ab_params) is a
scipy.optimize.curve_fit call, reproduced below line for line. Everything is deterministic
(fixed random_state); inputs are rounded to 6 decimals so that every number round-trips
exactly. Floats are written with repr.

Files written to tests/data/sklearn/ (prefix um_):
  um_X_<ds>.csv, um_y_<ds>.csv   inputs (header x0..) and planted labels (header label):
                                 blobs   make_blobs(600, 16 features, 5 centers, random_state=0)
                                 digits  load_digits(), first 1000 samples (integers 0..16:
                                         many exact distance ties)
                                 small   40 x 3 uniform points (um_E_small_rand: 40 x 2 uniform)
  um_E_<ds>_<emb>.csv            embeddings (header e0..): tsne = TSNE(n_components=2,
                                 random_state=0, init="pca").fit_transform(X), pca = PCA(2)
  um_tw_expected.csv             case,X,E,n_neighbors,shift,sklearn,stable,tie_free:
                                 sklearn.manifold.trustworthiness(X + shift, E, n_neighbors=k)
                                 (shift 1e4 checks cancellation far from the origin), and the
                                 same formula with ties in the original-space distances ranked
                                 by index (np.argsort(kind="stable")); `tie_free` is 1 when no
                                 embedded neighbour's original distance is tied within its row,
                                 i.e. when the two must agree
  um_tsne_expected.csv           dataset,n_neighbors,trustworthiness: sklearn's t-SNE quality
                                 (trustworthiness with 15 neighbours of um_E_<ds>_tsne)
  um_ab_expected.csv             spread,min_dist,a,b: umap-learn 0.5's find_ab_params
"""
import os

import numpy as np
import scipy
import sklearn
from scipy.optimize import curve_fit
from sklearn.datasets import load_digits, make_blobs
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness
from sklearn.metrics import pairwise_distances
from sklearn.neighbors import NearestNeighbors
from reference_io import OUT, write_matrix as _write_matrix, write_rows as _write_rows


# This script's tables hold integral floats (neighbour counts, sizes) written as integers.
def write_rows(name, header, rows):
    _write_rows(name, header, rows, integral_floats_as_int=True)


def write_matrix(name, M, prefix):
    _write_matrix(name, M, prefix, integral_floats_as_int=True)


def trustworthiness_stable(X, E, k):
    """sklearn's formula with ties in the original space ranked by sample index, plus whether
    any embedded neighbour's rank depends on a tie (then sklearn's quicksort decides)."""
    n = X.shape[0]
    D = pairwise_distances(X)
    np.fill_diagonal(D, np.inf)
    ind = np.argsort(D, axis=1, kind="stable")
    inv = np.zeros((n, n), dtype=int)
    inv[np.arange(n)[:, None], ind] = np.arange(1, n + 1)
    nn = NearestNeighbors(n_neighbors=k).fit(E).kneighbors(return_distance=False)
    ranks = inv[np.arange(n)[:, None], nn] - k
    t = 1.0 - ranks[ranks > 0].sum() * (2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)))
    tied = any(np.count_nonzero(D[i] == D[i, j]) > 1 for i in range(n) for j in nn[i])
    return t, not tied


def find_ab_params(spread, min_dist):
    """umap-learn 0.5 umap_.find_ab_params."""
    def curve(x, a, b):
        return 1.0 / (1.0 + a * x ** (2 * b))

    xv = np.linspace(0, spread * 3, 300)
    yv = np.zeros(xv.shape)
    yv[xv < min_dist] = 1.0
    yv[xv >= min_dist] = np.exp(-(xv[xv >= min_dist] - min_dist) / spread)
    params, _ = curve_fit(curve, xv, yv)
    return params[0], params[1]


def main():
    os.makedirs(OUT, exist_ok=True)
    data = {}
    X, y = make_blobs(n_samples=600, n_features=16, centers=5, random_state=0)
    data["blobs"] = (np.round(X, 6), y)
    X, y = load_digits(return_X_y=True)
    data["digits"] = (X[:1000].astype(np.int64), y[:1000])
    rng = np.random.RandomState(425)
    data["small"] = (np.round(rng.uniform(-1, 1, size=(40, 3)), 6), np.zeros(40, dtype=int))
    E_small = np.round(rng.uniform(-1, 1, size=(40, 2)), 6)
    for name, (X, y) in data.items():
        write_matrix(f"um_X_{name}.csv", X, "x")
        write_rows(f"um_y_{name}.csv", ["label"], [[v] for v in y])

    emb = {("small", "rand"): E_small}
    tsne_rows = []
    for name in ("blobs", "digits"):
        X = data[name][0].astype(np.float64)
        E = TSNE(n_components=2, random_state=0, init="pca").fit_transform(X)
        emb[(name, "tsne")] = np.round(E.astype(np.float64), 6)
        emb[(name, "pca")] = np.round(PCA(2).fit_transform(X), 6)
        tsne_rows.append([name, 15, trustworthiness(X, emb[(name, "tsne")], n_neighbors=15)])
    for (name, e), E in emb.items():
        write_matrix(f"um_E_{name}_{e}.csv", E, "e")
    write_rows("um_tsne_expected.csv", ["dataset", "n_neighbors", "trustworthiness"], tsne_rows)

    cases = [("blobs", "tsne", 5), ("blobs", "tsne", 15), ("blobs", "pca", 5), ("blobs", "pca", 15),
             ("blobs", "pca", 299), ("digits", "tsne", 5), ("digits", "tsne", 15),
             ("digits", "pca", 10), ("small", "rand", 1), ("small", "rand", 5),
             ("small", "rand", 19)]
    rows = []
    for name, e, k in cases:
        X = data[name][0].astype(np.float64)
        E = emb[(name, e)]
        stable, tie_free = trustworthiness_stable(X, E, k)
        rows.append([f"{name}_{e}_{k}", f"um_X_{name}.csv", f"um_E_{name}_{e}.csv", k, 0,
                     trustworthiness(X, E, n_neighbors=k), stable, int(tie_free)])
    # Far from the origin: the blobs shifted by 1e4 (the test adds it to the same doubles).
    X = data["blobs"][0] + 1e4
    stable, tie_free = trustworthiness_stable(X, emb[("blobs", "pca")], 15)
    rows.append(["far_pca_15", "um_X_blobs.csv", "um_E_blobs_pca.csv", 15, 1e4,
                 trustworthiness(X, emb[("blobs", "pca")], n_neighbors=15), stable, int(tie_free)])
    write_rows("um_tw_expected.csv",
               ["case", "X", "E", "n_neighbors", "shift", "sklearn", "stable", "tie_free"], rows)

    ab = []
    for spread, min_dist in [(1.0, 0.1), (1.0, 0.0), (1.0, 0.5), (1.0, 0.99), (2.0, 0.25),
                             (0.5, 0.05)]:
        a, b = find_ab_params(spread, min_dist)
        ab.append([spread, min_dist, a, b])
    write_rows("um_ab_expected.csv", ["spread", "min_dist", "a", "b"], ab)
    print(f"wrote {OUT} with scikit-learn {sklearn.__version__}, scipy {scipy.__version__}, "
          f"numpy {np.__version__}")


if __name__ == "__main__":
    main()
