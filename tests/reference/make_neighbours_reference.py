#!/usr/bin/python3
"""scikit-learn reference neighbours for the neighbours::nearest_others unit tests.

Regenerate (from the repository root; Debian's numpy + scikit-learn 1.2):

    /usr/bin/python3 tests/reference/make_neighbours_reference.py

Inputs are rounded to 6 decimals (or integers) so that every number round-trips exactly.
Files written to tests/data/sklearn/ (prefix nb_):
  nb_X_blobs.csv        make_blobs(300, 5 features, 4 centers, random_state=3), rounded: no two
                        distances of a row tie
  nb_blobs_index.csv    NearestNeighbors(n_neighbors=8, algorithm="brute").fit(X).kneighbors():
  nb_blobs_dist.csv     each sample's 8 nearest other samples (sklearn leaves the query point
                        out when kneighbors gets no X), indices and euclidean distances
  nb_X_grid.csv         120 points with integer coordinates in [0, 3]^3 (random_state=5), so
                        with many exact ties and duplicates
  nb_grid_index.csv     the 10 nearest other samples by (squared distance, index): squared
  nb_grid_sqdist.csv    distances are integers, computed exactly; ties lower index first
                        (np.lexsort). sklearn's kneighbors() gives the same distances (checked
                        here) but breaks ties by argpartition/argsort order, not by index, so
                        its indices are not the oracle on this input.
"""
import numpy as np
import sklearn
from sklearn.datasets import make_blobs
from sklearn.neighbors import NearestNeighbors

from reference_io import write_matrix

assert sklearn.__version__.startswith("1.2"), sklearn.__version__

X, _ = make_blobs(n_samples=300, n_features=5, centers=4, random_state=3)
X = np.round(X, 6)
dist, ind = NearestNeighbors(n_neighbors=8, algorithm="brute").fit(X).kneighbors()
D2 = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
np.fill_diagonal(D2, np.inf)
for i in range(len(X)):  # tie-free: sklearn's order is the only order
    row = np.sort(D2[i])
    assert np.all(np.diff(row[:9]) > 1e-9 * row[8]), i
write_matrix("nb_X_blobs.csv", X)
write_matrix("nb_blobs_index.csv", ind, prefix="n")
write_matrix("nb_blobs_dist.csv", dist, prefix="d")

rng = np.random.RandomState(5)
G = rng.randint(0, 4, size=(120, 3)).astype(np.int64)
m = 10
idx = np.zeros((len(G), m), dtype=np.int64)
sq = np.zeros((len(G), m), dtype=np.int64)
for i in range(len(G)):
    d2 = ((G - G[i]) ** 2).sum(1)
    others = np.array([j for j in range(len(G)) if j != i])
    order = others[np.lexsort((others, d2[others]))][:m]
    idx[i], sq[i] = order, d2[order]
gdist, _ = NearestNeighbors(n_neighbors=m, algorithm="brute").fit(G.astype(float)).kneighbors()
assert np.allclose(gdist ** 2, sq, atol=1e-9)
write_matrix("nb_X_grid.csv", G, integral_floats_as_int=True)
write_matrix("nb_grid_index.csv", idx, prefix="n")
write_matrix("nb_grid_sqdist.csv", sq, prefix="d")
