#!/usr/bin/python3
"""scikit-learn 1.2 reference values for PCA's solvers (tests/unit/test_pca.cpp, the
PcaSolver tests).

Regenerate (from the repository root, with Debian's numpy + scikit-learn 1.2):

    /usr/bin/python3 tests/reference/make_pca_solver_reference.py

The inputs are not stored: they are planted low-rank matrices plus noise whose every entry is
a closed-form function of its indices (splitmix64 of the index, scaled to [-1, 1)), computed
the same way by planted_matrix() in test_pca.cpp, so both sides see the same doubles (up to the
order of a few additions). Files written to tests/data/sklearn/:
  pca_solver_expected.csv   case,rows,cols,rank,noise,n_components, then per case: sklearn's
                            explained_variance_ratio_ sums of PCA(svd_solver="full") and
                            PCA(svd_solver="randomized", random_state=0), and the largest
                            scipy.linalg.subspace_angles between their components (radians)
  pca_solver_<case>_full_components.csv   PCA(svd_solver="full").components_
  pca_solver_<case>_full_ratio.csv        PCA(svd_solver="full").explained_variance_ratio_
  pca_solver_<case>_randomized_ratio.csv  PCA(svd_solver="randomized").explained_variance_ratio_
"""
import numpy as np
import scipy.linalg
import sklearn
from sklearn.decomposition import PCA

from reference_io import OUT, write_matrix, write_rows, write_vector

MASK = (1 << 64) - 1


def splitmix64(x):
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def uniform(stream, count):
    """count values in [-1, 1): (splitmix64(stream << 32 | i) >> 11) * 2^-52 - 1, exact doubles."""
    return np.array([(splitmix64(((stream << 32) | i) & MASK) >> 11) * 2.0**-52 - 1.0 for i in range(count)])


def planted_matrix(rows, cols, rank, noise):
    """X = sum_r (rank - r) * u_r v_r^T + noise * E, u, v, E from streams 1, 2, 3."""
    U = uniform(1, rows * rank).reshape(rows, rank)   # row-major: U[i, r] = value i * rank + r
    V = uniform(2, rank * cols).reshape(rank, cols)
    E = uniform(3, rows * cols).reshape(rows, cols)
    X = np.zeros((rows, cols))
    for r in range(rank):
        X += float(rank - r) * np.outer(U[:, r], V[r, :])
    return X + noise * E


CASES = [
    # name, rows, cols, rank, noise, n_components
    ("wide", 100, 520, 5, 1e-3, 5),     # wide (transposed problem), near exact
    ("tall", 600, 40, 4, 1e-3, 3),      # tall, n_components below the planted rank
    ("noisy", 80, 520, 6, 1.5, 4),      # noise that buries the weakest planted directions
]


def main():
    rows = []
    for name, n, d, rank, noise, k in CASES:
        X = planted_matrix(n, d, rank, noise)
        full = PCA(n_components=k, svd_solver="full").fit(X)
        rand = PCA(n_components=k, svd_solver="randomized", random_state=0).fit(X)
        angle = scipy.linalg.subspace_angles(full.components_.T, rand.components_.T).max()
        write_matrix(f"pca_solver_{name}_full_components.csv", full.components_, "c")
        write_vector(f"pca_solver_{name}_full_ratio.csv", full.explained_variance_ratio_, "ratio")
        write_vector(f"pca_solver_{name}_randomized_ratio.csv", rand.explained_variance_ratio_, "ratio")
        rows.append([name, n, d, rank, noise, k, full.explained_variance_ratio_.sum(),
                     rand.explained_variance_ratio_.sum(), angle])
        print(name, X[0, :3], full.explained_variance_ratio_, rand.explained_variance_ratio_, angle)
    write_rows("pca_solver_expected.csv",
               ["case", "rows", "cols", "rank", "noise", "n_components", "full_ratio_sum",
                "randomized_ratio_sum", "sklearn_max_angle"], rows)
    print(f"wrote {OUT} with scikit-learn {sklearn.__version__}, numpy {np.__version__}")


if __name__ == "__main__":
    main()
