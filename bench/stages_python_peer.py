#!/usr/bin/python3
"""The Python peer of bench_stages (bench/run_growth_bench.sh): each stage of a work unit with
PyTorch 1.13 and scikit-learn 1.2 from Debian (run it with /usr/bin/python3, one thread:
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1, as run_growth_bench.sh does).

  stages_python_peer.py generate DIR --data TABLE.csv [--sizes 1000,2617,10000,20000]
                                 [--resample interpolate|jitter] [--jitter 0.05] [--seed 0]
      writes, for each n, the inputs both implementations read:
        rows_<n>.csv    n rows of the table with all its columns (filename made unique).
                        n below the table's size: a seeded sample without replacement; n equal:
                        the table itself; n above: the whole table plus n - N rows drawn with
                        replacement from it (seeded), each moved off its source row (see
                        extra_rows: a point between it and a near neighbour by default, or a
                        Gaussian jitter), so that no row is an exact or near duplicate (clumps
                        of near-copies change DBSCAN's and ward's work).
        latent_<n>.csv  PCA(16) of the standardised rows: the stand-in for a unit's latent
                        space that the clustering and metric stages run on (%.17g, f0..f15).
        pred_<n>.csv    KMeans(10, n_init=1, random_state=0) labels of the latent space (column
                        label): the partition the metric stages score.
        truth_<n>.csv   the genre codes (column label, sorted class names).

  stages_python_peer.py run --dir DIR --n N --stage S [--epochs 10] [--min-seconds 0.5]
      times ONE stage, as bench_stages does (the stage list and settings are in its header):
        standardise      StandardScaler().fit_transform of the 57 raw feature columns
        vae              unit_python_peer.train_vae (57-64-32-z16, beta 1, batch 64, Adam 1e-3,
                         torch.randperm order per epoch), --epochs epochs, seed 0
        pca              PCA(16, svd_solver="full").fit_transform of the standardised rows
        kmeans           KMeans(10, n_init=10, random_state=0).fit(latent)
        ward             AgglomerativeClustering(10, linkage="ward").fit_predict(latent)
        dbscan           eps from the knee of the 5-NN distances (unit_python_peer.knee_eps,
                         vaesweep's eps = "auto"), then DBSCAN(eps, min_samples=5)
        spectral         SpectralClustering(10, affinity="nearest_neighbors", n_neighbors=10,
                         random_state=0)
        silhouette, calinski_harabasz, davies_bouldin
                         sklearn.metrics.*_score(latent, pred)
        external         ARI, NMI, AMI, homogeneity/completeness/V-measure, Fowlkes-Mallows
                         and purity of pred against truth (what vaesweep's external_scores gives)
        trustworthiness  sklearn.manifold.trustworthiness(latent, latent[:, :2], n_neighbors=15)
      Repeated until --min-seconds of CPU time (at most 20 times, vae once); the fastest counts.
      Peak memory: growth of VmHWM over the resident set once the inputs are loaded and the
      heap trimmed (malloc_trim; the peak is reset through /proc/self/clear_refs). Prints one line:
        RESULT impl=python stage=... n=... cpu_s=... wall_s=... reps=... peak_mb=... value=...
      with value as bench_stages defines it.
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import unit_python_peer as unit  # noqa: E402  (the same VAE, knee and purity as the unit peer)


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def trim_heap():
    """Returns freed heap pages (the parsed CSV) to the system, as bench_stages does, so that the
    stage cannot reuse them without raising the resident set."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def feature_columns(table):
    return [c for c in table.columns if c not in unit.EXCLUDED + unit.LABEL_SETS]


def extra_rows(table, features, count, rng, args):
    """`count` rows drawn with replacement from the table, each moved off its source row:
    interpolate: to a uniform point between the row and one of its 5 nearest neighbours (in the
    standardised feature space; SMOTE's rule), so that new rows are about as far from the real
    ones as real rows are from each other; jitter: by N(0, (jitter x column std)^2) per feature,
    which leaves every source row with a tight clump of near-copies (at 0.05, ~8x closer than
    real neighbours: DBSCAN's auto eps then finds the clumps). Labels and length are the source
    row's; file names get a #r<i> suffix."""
    from sklearn.neighbors import NearestNeighbors
    from sklearn.preprocessing import StandardScaler
    source = rng.integers(0, len(table), count)
    extra = table.iloc[source].reset_index(drop=True)
    values = table[features].to_numpy(dtype=np.float64)
    if args.resample == "interpolate":
        scaled = StandardScaler().fit_transform(values)
        neighbours = NearestNeighbors(n_neighbors=6).fit(scaled).kneighbors(scaled, return_distance=False)[:, 1:]
        partner = neighbours[source, rng.integers(0, 5, count)]
        step = rng.random(count)[:, None]
        extra[features] = values[source] + step * (values[partner] - values[source])
    else:
        extra[features] = values[source] + rng.normal(size=(count, len(features))) * (args.jitter * values.std(axis=0))
    extra["filename"] = [f"{name}#r{i}" for i, name in enumerate(extra["filename"])]
    return extra


def generate(args):
    import pandas as pd
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler
    os.makedirs(args.dir, exist_ok=True)
    table = pd.read_csv(args.data)
    features = feature_columns(table)
    total = len(table)
    for n in (int(s) for s in args.sizes.split(",")):
        rng = np.random.default_rng([args.seed, n])
        if n <= total:
            rows = table if n == total else table.iloc[np.sort(rng.choice(total, n, replace=False))]
            rows = rows.reset_index(drop=True)
        else:
            rows = pd.concat([table, extra_rows(table, features, n - total, rng, args)], ignore_index=True)
        rows.to_csv(os.path.join(args.dir, f"rows_{n}.csv"), index=False, float_format="%.17g")
        X = StandardScaler().fit_transform(rows[features].to_numpy(dtype=np.float64))
        Z = PCA(16, svd_solver="full").fit_transform(X)
        np.savetxt(os.path.join(args.dir, f"latent_{n}.csv"), Z, delimiter=",", comments="", fmt="%.17g",
                   header=",".join(f"f{j}" for j in range(Z.shape[1])))
        pred = KMeans(10, n_init=1, random_state=0).fit_predict(Z)
        np.savetxt(os.path.join(args.dir, f"pred_{n}.csv"), pred, header="label", comments="", fmt="%d")
        truth = np.unique(rows["label"].astype(str), return_inverse=True)[1]
        np.savetxt(os.path.join(args.dir, f"truth_{n}.csv"), truth, header="label", comments="", fmt="%d")
        print(f"wrote {args.dir}/*_{n}.csv ({n} rows, {len(features)} features; "
              f"{'the table + ' + {'interpolate': 'interpolated', 'jitter': 'jittered'}[args.resample] + ' rows' if n > total else 'sampled' if n < total else 'the table'})")


def largest_cluster(labels):
    return float(np.bincount(np.asarray(labels) - np.min(labels)).max())


def pca_variance(X):
    from sklearn.decomposition import PCA
    model = PCA(16, svd_solver="full")
    model.fit_transform(X)  # the transformed rows too, as a unit needs them
    return model.explained_variance_.sum()


def external(truth, pred):
    from sklearn import metrics
    nmi = metrics.normalized_mutual_info_score(truth, pred)
    metrics.adjusted_rand_score(truth, pred)
    metrics.adjusted_mutual_info_score(truth, pred)
    metrics.homogeneity_completeness_v_measure(truth, pred)
    metrics.fowlkes_mallows_score(truth, pred)
    unit.purity(truth, pred)
    return nmi


def run(args):
    import pandas as pd
    from sklearn import metrics
    from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans, SpectralClustering
    from sklearn.manifold import trustworthiness
    from sklearn.preprocessing import StandardScaler
    path = lambda stem: os.path.join(args.dir, f"{stem}_{args.n}.csv")  # noqa: E731
    labels = lambda stem: np.loadtxt(path(stem), skiprows=1, dtype=np.int64)  # noqa: E731
    stage = args.stage
    if stage in ("standardise", "vae", "pca"):
        table = pd.read_csv(path("rows"))
        raw = table[feature_columns(table)].to_numpy(dtype=np.float64)
        X = StandardScaler().fit_transform(raw)
        n = X.shape[0]
    elif stage != "external":
        Z = np.ascontiguousarray(np.loadtxt(path("latent"), delimiter=",", skiprows=1))
        Z2 = np.ascontiguousarray(Z[:, :2])
        n = Z.shape[0]
    if stage in ("silhouette", "calinski_harabasz", "davies_bouldin", "external"):
        pred = labels("pred")
        n = len(pred)
    if stage == "external":
        truth = labels("truth")
    if stage == "vae":
        import torch
        torch.set_num_threads(1)

    stages = {
        "standardise": lambda: StandardScaler().fit_transform(raw)[0, 0],
        "vae": lambda: unit.train_vae(X, 1.0, 0, args.epochs)[1]["loss"],
        "pca": lambda: pca_variance(X),
        "kmeans": lambda: KMeans(10, n_init=10, random_state=0).fit(Z).inertia_,
        "ward": lambda: largest_cluster(AgglomerativeClustering(10, linkage="ward").fit_predict(Z)),
        "dbscan": lambda: float(len(set(DBSCAN(eps=unit.knee_eps(Z, 5), min_samples=5).fit_predict(Z)) - {-1})),
        "spectral": lambda: largest_cluster(SpectralClustering(10, affinity="nearest_neighbors", n_neighbors=10,
                                                               random_state=0).fit_predict(Z)),
        "silhouette": lambda: metrics.silhouette_score(Z, pred),
        "calinski_harabasz": lambda: metrics.calinski_harabasz_score(Z, pred),
        "davies_bouldin": lambda: metrics.davies_bouldin_score(Z, pred),
        "external": lambda: external(truth, pred),
        "trustworthiness": lambda: trustworthiness(Z, Z2, n_neighbors=15),
    }
    if stage not in stages:
        sys.exit(f"unknown stage {stage}; valid: {', '.join(stages)}")
    call = stages[stage]
    repeat = stage != "vae"

    trim_heap()
    baseline_kb = status_kb("VmRSS")
    can_reset = reset_peak()
    best_cpu = best_wall = float("inf")
    total = 0.0
    reps = 0
    while reps == 0 or (repeat and total < args.min_seconds and reps < 20):
        c0, w0 = time.process_time(), time.perf_counter()
        value = call()
        c1, w1 = time.process_time(), time.perf_counter()
        best_cpu, best_wall = min(best_cpu, c1 - c0), min(best_wall, w1 - w0)
        total += c1 - c0
        reps += 1
    peak_mb = (status_kb("VmHWM") - baseline_kb) / 1024.0 if can_reset else float("nan")
    print(f"RESULT impl=python stage={stage} n={n} cpu_s={best_cpu:.6f} wall_s={best_wall:.6f} reps={reps} "
          f"peak_mb={peak_mb:.1f} value={float(value)!r}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("dir")
    g.add_argument("--data", required=True)
    g.add_argument("--sizes", default="1000,2617,10000,20000")
    g.add_argument("--resample", choices=("interpolate", "jitter"), default="interpolate")
    g.add_argument("--jitter", type=float, default=0.05)
    g.add_argument("--seed", type=int, default=0)
    r = sub.add_parser("run")
    r.add_argument("--dir", required=True)
    r.add_argument("--n", type=int, required=True)
    r.add_argument("--stage", required=True)
    r.add_argument("--epochs", type=int, default=10)
    r.add_argument("--min-seconds", type=float, default=0.5)
    args = parser.parse_args()
    {"generate": generate, "run": run}[args.command](args)


if __name__ == "__main__":
    main()
