"""The Python peer of the engine benchmark (bench/run_engine_bench.sh).

What a notebook user writes to push many trials through 3 worker processes with results that
survive a crash: multiprocessing.Pool.imap_unordered over the trial ids, each worker appending
one JSON line per finished trial to its own file (flushed per trial, as vaesweep's journals are
written per unit), then pandas merging the lines into one HDF5 table (h5py). A trial does no work
but draw its 13 numbers from a generator seeded by its id, as vaesweep's noop unit does.

    /usr/bin/python3 bench/engine_python_peer.py UNITS RANKS OUT_DIR

Prints one line: units, seconds for the pool, seconds for the merge, units per second.
"""
import json
import multiprocessing
import os
import random
import sys
import time

import h5py
import numpy as np
import pandas as pd

_out = None


def _open(out_dir):
    global _out
    _out = open(os.path.join(out_dir, f"worker-{os.getpid()}.jsonl"), "a", buffering=1)


def trial(i):
    rng = random.Random(i)
    row = {"unit": i, "config_hash": f"{i:064x}", "status": "ok", "method": "kmeans", "k": 4}
    for name in ("inertia", "silhouette", "calinski_harabasz", "davies_bouldin", "trustworthiness",
                 "ari", "nmi", "ami", "purity", "homogeneity", "completeness", "v_measure", "fmi"):
        row[name] = rng.random()
    _out.write(json.dumps(row) + "\n")
    _out.flush()
    return i


def main(units, ranks, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    start = time.perf_counter()
    with multiprocessing.Pool(ranks, initializer=_open, initargs=(out_dir,)) as pool:
        for _ in pool.imap_unordered(trial, range(units), chunksize=max(1, units // (ranks * 64))):
            pass
    pool_seconds = time.perf_counter() - start
    start = time.perf_counter()
    frames = [pd.read_json(os.path.join(out_dir, f), lines=True) for f in os.listdir(out_dir) if f.endswith(".jsonl")]
    table = pd.concat(frames).sort_values("unit")
    records = table.to_records(index=False)
    dtype = [(n, h5py.string_dtype() if records.dtype[n].kind == "O" else records.dtype[n]) for n in records.dtype.names]
    with h5py.File(os.path.join(out_dir, "peer.h5"), "w") as f:
        f.create_dataset("evaluations", data=np.array(records.tolist(), dtype=dtype), compression="gzip", chunks=True)
    merge_seconds = time.perf_counter() - start
    print(f"{units} {pool_seconds:.2f} {merge_seconds:.2f} {units / (pool_seconds + merge_seconds):.0f}")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
