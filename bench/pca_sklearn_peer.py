#!/usr/bin/python3
"""scikit-learn 1.2 peer of bench_pca (run by bench/run_pca_bench.sh; Debian's numpy + sklearn).

  pca_sklearn_peer.py make-data X.npy [ROWS COLS]
      writes the benchmark table: float32, ROWS x COLS (default 3115 x 4096, the shape of the
      log-mel rows users measured), rank-64 structure plus noise: L @ diag(w) @ R + 0.1 * E,
      L, R, E standard normal from numpy's RandomState(0), w_r = 10 / (1 + r) (a decaying
      spectrum, as real features have), then cast to float32.
  pca_sklearn_peer.py time X.npy SOLVER K [MIN_SECONDS] [--float64] [--compare C.csv]
      times PCA(K, svd_solver=SOLVER, random_state=0).fit_transform (best of repetitions until
      MIN_SECONDS of CPU time, at most 20) on the table as stored (float32: sklearn computes in
      float32) or converted to float64 (--float64: what vaesweep computes in); prints
      RESULT impl=sklearn ... like bench_pca. --compare: also the largest principal angle
      (scipy.linalg.subspace_angles, radians) between C.csv's components (bench_pca's) and
      this fit's.
"""
import sys
import time

import numpy as np
import scipy.linalg
from sklearn.decomposition import PCA


def make_data(path, rows=3115, cols=4096):
    rng = np.random.RandomState(0)
    rank = 64
    w = 10.0 / (1.0 + np.arange(rank))
    X = (rng.standard_normal((rows, rank)) * w) @ rng.standard_normal((rank, cols))
    X += 0.1 * rng.standard_normal((rows, cols))
    np.save(path, X.astype(np.float32))


def time_fit(path, solver, k, min_seconds=0.5, float64=False, compare=None):
    X = np.load(path)
    if float64:
        X = X.astype(np.float64)
    best_cpu = best_wall = float("inf")
    total, reps = 0.0, 0
    while reps == 0 or (total < min_seconds and reps < 20):
        c0, w0 = time.process_time(), time.perf_counter()
        p = PCA(n_components=k, svd_solver=solver, random_state=0)
        p.fit_transform(X)
        c1, w1 = time.process_time(), time.perf_counter()
        best_cpu, best_wall = min(best_cpu, c1 - c0), min(best_wall, w1 - w0)
        total += c1 - c0
        reps += 1
    extra = ""
    if compare:
        ours = np.loadtxt(compare, delimiter=",", skiprows=1, ndmin=2)
        angle = scipy.linalg.subspace_angles(ours.T, p.components_.T.astype(np.float64)).max()
        extra = f" angle_to_vaesweep={angle:.3e}"
    print(f"RESULT impl=sklearn{'-f64' if float64 else '-f32'} solver={solver} n={X.shape[0]} d={X.shape[1]} "
          f"k={k} cpu_s={best_cpu:.4f} wall_s={best_wall:.4f} reps={reps} "
          f"ratio_sum={p.explained_variance_ratio_.sum():.12f}{extra}")


def main(argv):
    if argv[1] == "make-data":
        make_data(argv[2], *(int(a) for a in argv[3:5]))
        return
    args = [a for a in argv[2:] if not a.startswith("--")]
    compare = argv[argv.index("--compare") + 1] if "--compare" in argv else None
    if compare in args:
        args.remove(compare)
    time_fit(args[0], args[1], int(args[2]), float(args[3]) if len(args) > 3 else 0.5,
             "--float64" in argv, compare)


if __name__ == "__main__":
    main(sys.argv)
