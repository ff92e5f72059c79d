"""Reference merge trees for tests/unit/test_agglomerative.cpp's LinkageTiesMatchScipyToTheBit:
scipy 1.10's linkage(X, method) for ward, complete and average on a data set large enough for
the nearest-neighbour chain's bookkeeping (near lists that overflow and run empty, rescans) and
full of ties: 16-D blobs rounded to one decimal, so that many distances repeat, with 60 rows
repeated exactly (duplicate samples: zero distances, and clusters that tie with each other).
Heights are written with repr, so the test can compare them bit for bit.

Run with /usr/bin/python3 (Debian's scipy 1.10.1, numpy 1.24):
    /usr/bin/python3 tests/reference/make_linkage_ties_reference.py
"""
import numpy as np
from scipy.cluster import hierarchy
from sklearn.datasets import make_blobs

from reference_io import write_matrix, write_rows

X, _ = make_blobs(n_samples=540, n_features=16, centers=6, cluster_std=1.5, random_state=3)
X = np.round(X, 1)
rng = np.random.RandomState(4)
X = np.vstack([X, X[rng.randint(0, len(X), size=60)]])  # exact duplicates, appended
X = X[rng.permutation(len(X))]                         # and spread among the rows
write_matrix("linkage_ties_X.csv", X)
for method in ["ward", "complete", "average"]:
    Z = hierarchy.linkage(X, method=method, metric="euclidean")
    write_rows(f"linkage_ties_{method}.csv", ["a", "b", "height", "size"],
               [[int(r[0]), int(r[1]), r[2], int(r[3])] for r in Z])
pairs = hierarchy.distance.pdist(X)
print("samples", len(X), "distinct distances", len(np.unique(pairs)), "of", len(pairs),
      "zero distances", int(np.sum(pairs == 0)))
