#!/usr/bin/python3
"""scikit-learn 1.2 peer of bench_cluster (run it with Debian's /usr/bin/python3, one thread:
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1, as bench/run_cluster_bench.sh does).

  cluster_sklearn_reference.py generate DIR [--sizes 2600,10000,20000]
      writes DIR/blobs_<n>.csv (header f0..f15, one row per sample, %.17g) and
      DIR/blobs_<n>_y.csv (header label: make_blobs' centre index), for each n:
      make_blobs(n_samples=n, n_features=16, centers=10, cluster_std=2, random_state=0).
      Both implementations read these files, so they see the same doubles.

  cluster_sklearn_reference.py run --data X.csv --truth Y.csv --algorithm A
                                   [--labels-out F] [--eps 8] [--min-seconds 0.5]
      times ONE algorithm, as bench_cluster does:
        silhouette     silhouette_score(X, y) with y the make_blobs labels
        kmeans         KMeans(10, n_init=10, random_state=0).fit_predict(X) (lloyd)
        agglomerative  AgglomerativeClustering(10, linkage="ward").fit_predict(X)
        dbscan         DBSCAN(eps, min_samples=5).fit_predict(X)
        spectral       SpectralClustering(10, affinity="nearest_neighbors", n_neighbors=10,
                                          random_state=0).fit_predict(X)
      The call is repeated until --min-seconds of CPU time have passed (at most 20 times,
      at least once); the fastest repetition is reported. Peak memory: the process's peak
      resident set is reset (/proc/self/clear_refs, "5") after the data is loaded, and the
      growth of VmHWM over the resident set at that point is reported (the algorithm's own
      peak, without the interpreter and numpy/scipy/sklearn, which /usr/bin/time would count).
      Prints one line: RESULT impl=sklearn algorithm=... n=... cpu_s=... wall_s=... reps=...
      peak_mb=... value=... (value: the silhouette, or the number of clusters found).

  cluster_sklearn_reference.py compare A1.csv B1.csv [A2.csv B2.csv ...]
      prints "ARI A B <adjusted_rand_score of the two label columns>" for each pair.
"""
import argparse
import os
import sys
import time

import numpy as np


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def generate(args):
    from sklearn.datasets import make_blobs
    os.makedirs(args.dir, exist_ok=True)
    for n in (int(s) for s in args.sizes.split(",")):
        X, y = make_blobs(n_samples=n, n_features=16, centers=10, cluster_std=2, random_state=0)
        header = ",".join(f"f{j}" for j in range(X.shape[1]))
        np.savetxt(os.path.join(args.dir, f"blobs_{n}.csv"), X, delimiter=",", header=header, comments="",
                   fmt="%.17g")
        np.savetxt(os.path.join(args.dir, f"blobs_{n}_y.csv"), y, header="label", comments="", fmt="%d")
        print(f"wrote {args.dir}/blobs_{n}.csv ({n} x 16)")


def run(args):
    from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans, SpectralClustering
    from sklearn.metrics import silhouette_score

    X = np.loadtxt(args.data, delimiter=",", skiprows=1)
    y = np.loadtxt(args.truth, skiprows=1, dtype=np.int64)
    X = np.ascontiguousarray(X)
    algorithms = {
        "silhouette": lambda: silhouette_score(X, y),
        "kmeans": lambda: KMeans(10, n_init=10, random_state=0).fit_predict(X),
        "agglomerative": lambda: AgglomerativeClustering(10, linkage="ward").fit_predict(X),
        "dbscan": lambda: DBSCAN(eps=args.eps, min_samples=5).fit_predict(X),
        "spectral": lambda: SpectralClustering(10, affinity="nearest_neighbors", n_neighbors=10,
                                               random_state=0).fit_predict(X),
    }
    if args.algorithm not in algorithms:
        sys.exit(f"unknown algorithm {args.algorithm}; valid: {', '.join(algorithms)}")
    call = algorithms[args.algorithm]

    baseline_kb = status_kb("VmRSS")
    can_reset = reset_peak()
    best_cpu = best_wall = float("inf")
    total = 0.0
    reps = 0
    result = None
    while reps == 0 or (total < args.min_seconds and reps < 20):
        c0, w0 = time.process_time(), time.perf_counter()
        result = call()
        c1, w1 = time.process_time(), time.perf_counter()
        best_cpu, best_wall = min(best_cpu, c1 - c0), min(best_wall, w1 - w0)
        total += c1 - c0
        reps += 1
    peak_mb = (status_kb("VmHWM") - baseline_kb) / 1024.0 if can_reset else float("nan")

    if args.algorithm == "silhouette":
        value = float(result)
    else:
        labels = np.asarray(result)
        value = len(set(labels[labels >= 0].tolist()))
        if args.labels_out:
            np.savetxt(args.labels_out, labels, header="label", comments="", fmt="%d")
    print(f"RESULT impl=sklearn algorithm={args.algorithm} n={X.shape[0]} cpu_s={best_cpu:.6f} "
          f"wall_s={best_wall:.6f} reps={reps} peak_mb={peak_mb:.1f} value={value!r}", flush=True)


def compare(args):
    from sklearn.metrics import adjusted_rand_score
    if len(args.files) % 2:
        sys.exit("compare: expected pairs of label files")
    for fa, fb in zip(args.files[::2], args.files[1::2]):
        a = np.loadtxt(fa, delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)[:, -1]
        b = np.loadtxt(fb, delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)[:, -1]
        print(f"ARI {fa} {fb} {adjusted_rand_score(a, b)!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("dir")
    g.add_argument("--sizes", default="2600,10000,20000")
    r = sub.add_parser("run")
    r.add_argument("--data", required=True)
    r.add_argument("--truth", required=True)
    r.add_argument("--algorithm", required=True)
    r.add_argument("--labels-out")
    r.add_argument("--eps", type=float, default=8.0)
    r.add_argument("--min-seconds", type=float, default=0.5)
    c = sub.add_parser("compare")
    c.add_argument("files", nargs="+")
    args = parser.parse_args()
    {"generate": generate, "run": run, "compare": compare}[args.command](args)


if __name__ == "__main__":
    main()
