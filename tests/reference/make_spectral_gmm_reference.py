#!/usr/bin/python3
"""scikit-learn reference values for the spectral clustering and Gaussian mixture unit tests.

Regenerate (from the repository root; Debian's numpy + scikit-learn 1.2, which the `python3`
on PATH may not see):

    /usr/bin/python3 tests/reference/make_spectral_gmm_reference.py

Everything is deterministic (make_blobs / RandomState with fixed seeds); inputs are rounded to
6 decimals so that every number in the CSVs round-trips exactly. Floats are written with repr.
Only datasets on which sklearn's own answer does not depend on random_state are used (checked
below: ARI between random_state 0, 1, 2 is 1 for spectral, the GMM score is the same to 1e-9),
so that a single sklearn run is a fair reference.

Files written to tests/data/sklearn/ (prefix sg_):
  sg_X_<dataset>.csv             inputs, header x0..x{d-1}, one sample per row
  sg_y_<dataset>.csv             the planted labels (header: label)
  sg_spectral_expected.csv       case,dataset,k,affinity,n_neighbors,gamma,ari_truth:
                                 SpectralClustering(k, affinity, n_neighbors, gamma,
                                 assign_labels="kmeans", random_state=0) on sg_X_<dataset>, and
                                 the ARI of its labels against the planted ones
  sg_spectral_labels_<case>.csv  those labels (header: label)
  sg_spectral_embedding.csv      case,prefix for the connected graphs whose k smallest Laplacian
                                 eigenvalues are simple: sklearn.manifold.spectral_embedding(
                                 affinity_matrix_, n_components=k, drop_first=False,
                                 random_state=0) (ARPACK, tol 0; signs made deterministic) in
  <prefix>_embedding.csv         (n x k, header e0..e{k-1}), and the k smallest eigenvalues of
  <prefix>_eigenvalues.csv       the normalised Laplacian (scipy.linalg.eigvalsh of the dense
                                 csgraph.laplacian(normed=True) with its diagonal set to 1, as
                                 spectral_embedding does), header: eigenvalue
  sg_gmm_expected.csv            case,dataset,k,covariance_type,score,lower_bound,bic,n_iter,
                                 converged,ari_truth: GaussianMixture(k, covariance_type,
                                 random_state=0) defaults otherwise (reg_covar 1e-6, tol 1e-3,
                                 max_iter 100, n_init 1, init_params "kmeans"): score(X) is the
                                 mean log-likelihood per sample, bic(X), and lower_bound_
  sg_gmm_labels_<case>.csv       predict(X) of that model (header: label)
"""
import os
import warnings

import numpy as np
import sklearn
from sklearn.cluster import SpectralClustering
from sklearn.datasets import make_blobs
from sklearn.manifold import spectral_embedding
from scipy.linalg import eigvalsh
from scipy.sparse import csgraph, issparse
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture
from reference_io import OUT, write_matrix, write_rows, write_vector


def blobs(**kw):
    X, y = make_blobs(**kw)
    return np.round(X, 6), y


def make_datasets():
    ds = {}
    # Spectral, k-NN affinity: separated to touching blobs, several k, n on both sides of the
    # dense / Lanczos switch (600 points).
    ds["blobs3_2d"] = blobs(n_samples=150, centers=3, n_features=2, cluster_std=1.0, random_state=1)
    ds["blobs4_2d"] = blobs(n_samples=300, centers=4, n_features=2, cluster_std=1.0, random_state=4)
    ds["blobs5_8d"] = blobs(n_samples=400, centers=5, n_features=8, cluster_std=3.0, random_state=2)
    ds["blobs2_3d"] = blobs(n_samples=600, centers=2, n_features=3, cluster_std=2.0, random_state=9)
    ds["blobs6_4d"] = blobs(n_samples=800, centers=6, n_features=4, cluster_std=2.5, random_state=5)
    ds["blobs5_10d"] = blobs(n_samples=1500, centers=5, n_features=10, cluster_std=3.0, random_state=7)
    ds["blobs10_16d"] = blobs(n_samples=2000, centers=10, n_features=16, cluster_std=4.0, random_state=8)
    # Spectral, rbf affinity (gamma = 1): close blobs (connected) and far blobs (the kernel
    # between blobs underflows: numerically disconnected).
    ds["rbf_close"] = blobs(n_samples=120, centers=[[0, 0], [3, 0], [1.5, 2.6]], cluster_std=0.5,
                            random_state=6)
    ds["rbf_far"] = blobs(n_samples=120, centers=[[0, 0], [20, 0], [10, 17]], cluster_std=1.0,
                          random_state=6)
    # GMM: anisotropic (a sheared 2-D mixture: full covariances matter), separated blobs in 6-D,
    # overlapping blobs in 3-D, and unequal spreads in 4-D.
    X, y = make_blobs(n_samples=300, centers=[[0, 0], [6, 2], [2, 7]], cluster_std=1.0, random_state=12)
    ds["gmm_aniso"] = (np.round(X @ np.array([[0.6, -0.6], [-0.4, 0.8]]), 6), y)
    ds["gmm_blobs5"] = blobs(n_samples=500, centers=5, n_features=6, cluster_std=1.0, random_state=13)
    ds["gmm_overlap"] = blobs(n_samples=400, centers=4, n_features=3, cluster_std=2.0, random_state=14)
    ds["gmm_spread"] = blobs(n_samples=600, centers=3, n_features=4, cluster_std=[0.5, 1.5, 3.0],
                             random_state=15)
    return ds


SPECTRAL_CASES = [
    # case, dataset, k, affinity, n_neighbors, gamma
    ("nn_blobs3_2d", "blobs3_2d", 3, "nearest_neighbors", 10, 1.0),
    ("nn_blobs4_2d", "blobs4_2d", 4, "nearest_neighbors", 10, 1.0),
    ("nn_blobs5_8d", "blobs5_8d", 5, "nearest_neighbors", 10, 1.0),
    ("nn_blobs2_3d", "blobs2_3d", 2, "nearest_neighbors", 10, 1.0),
    ("nn_blobs6_4d", "blobs6_4d", 6, "nearest_neighbors", 10, 1.0),
    ("nn_blobs5_10d", "blobs5_10d", 5, "nearest_neighbors", 10, 1.0),
    ("nn_blobs10_16d", "blobs10_16d", 10, "nearest_neighbors", 10, 1.0),
    ("nn15_blobs6_4d", "blobs6_4d", 6, "nearest_neighbors", 15, 1.0),
    ("rbf_close", "rbf_close", 3, "rbf", 10, 1.0),
    ("rbf_far", "rbf_far", 3, "rbf", 10, 1.0),
]

GMM_CASES = [
    # case, dataset, k, covariance_type
    ("aniso_full", "gmm_aniso", 3, "full"),
    ("aniso_diag", "gmm_aniso", 3, "diag"),
    ("blobs5_full", "gmm_blobs5", 5, "full"),
    ("blobs5_diag", "gmm_blobs5", 5, "diag"),
    ("overlap_full", "gmm_overlap", 4, "full"),
    ("overlap_diag", "gmm_overlap", 4, "diag"),
    ("spread_full", "gmm_spread", 3, "full"),
    ("spread_diag", "gmm_spread", 3, "diag"),
]


# Cases whose embedding is compared directly (connected graph, simple eigenvalues).
EMBEDDING_CASES = ["nn_blobs5_8d", "nn_blobs2_3d", "rbf_close"]


def spectral_cases(ds):
    rows = []
    emb_rows = []
    for case, dname, k, aff, nn, gamma in SPECTRAL_CASES:
        X, y = ds[dname]
        labels = []
        for rs in range(3):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "Graph is not fully connected"
                m = SpectralClustering(k, affinity=aff, n_neighbors=nn, gamma=gamma,
                                       assign_labels="kmeans", random_state=rs).fit(X)
            labels.append(m.labels_)
        for other in labels[1:]:
            assert adjusted_rand_score(labels[0], other) == 1.0, f"{case}: sklearn depends on random_state"
        write_vector(f"sg_spectral_labels_{case}.csv", labels[0], "label")
        if case in EMBEDDING_CASES:
            A = m.affinity_matrix_
            assert csgraph.connected_components(A)[0] == 1, case
            E = spectral_embedding(A, n_components=k, drop_first=False, random_state=0)
            L = csgraph.laplacian(A, normed=True)
            L = L.toarray() if issparse(L) else np.array(L)
            np.fill_diagonal(L, 1.0)
            ev = eigvalsh(L)
            assert np.min(np.diff(ev[: k + 1])) > 1e-6, f"{case}: degenerate eigenvalues"
            prefix = f"sg_spectral_{case}"
            write_matrix(f"{prefix}_embedding.csv", E, "e")
            write_vector(f"{prefix}_eigenvalues.csv", ev[:k], "eigenvalue")
            emb_rows.append([case, prefix])
        ari = adjusted_rand_score(y, labels[0])
        rows.append([case, dname, k, aff, nn, gamma, ari])
        print(f"spectral {case}: n={len(X)} ari_truth={ari:.4f}")
    write_rows("sg_spectral_embedding.csv", ["case", "prefix"], emb_rows)
    write_rows("sg_spectral_expected.csv",
               ["case", "dataset", "k", "affinity", "n_neighbors", "gamma", "ari_truth"], rows)


def gmm_cases(ds):
    rows = []
    for case, dname, k, ct in GMM_CASES:
        X, y = ds[dname]
        models = [GaussianMixture(k, covariance_type=ct, random_state=rs).fit(X) for rs in range(3)]
        scores = [m.score(X) for m in models]
        assert max(scores) - min(scores) < 1e-9, f"{case}: sklearn depends on random_state: {scores}"
        m = models[0]
        lab = m.predict(X)
        write_vector(f"sg_gmm_labels_{case}.csv", lab, "label")
        ari = adjusted_rand_score(y, lab)
        rows.append([case, dname, k, ct, scores[0], m.lower_bound_, m.bic(X), m.n_iter_,
                     m.converged_, ari])
        print(f"gmm {case}: score={scores[0]:.6f} n_iter={m.n_iter_} ari_truth={ari:.4f}")
    write_rows("sg_gmm_expected.csv",
               ["case", "dataset", "k", "covariance_type", "score", "lower_bound", "bic", "n_iter",
                "converged", "ari_truth"], rows)


def main():
    os.makedirs(OUT, exist_ok=True)
    ds = make_datasets()
    for name, (X, y) in ds.items():
        write_matrix(f"sg_X_{name}.csv", X)
        write_vector(f"sg_y_{name}.csv", y, "label")
    spectral_cases(ds)
    gmm_cases(ds)
    print(f"wrote {OUT} with scikit-learn {sklearn.__version__}, numpy {np.__version__}")


if __name__ == "__main__":
    main()
