"""Compares two vaesweep results files unit by unit (reference for the MPI equivalence test).

Every per-unit number that does not describe where or how fast the unit ran must be
bit-identical: the same config hashes in the same order, the same losses, and the same metric
values in /evaluations (NaN equal to NaN). Exits 1 and names the first difference otherwise.
"""
import sys

import h5py
import numpy as np

WHERE_AND_WHEN = {"rank", "host", "device", "train_seconds", "eval_seconds", "run_id", "started_at", "wall_seconds",
                  "trained_with", "reused_fit"}


def load(path):
    with h5py.File(path, "r") as f:
        return f["units"][:], f["evaluations"][:]


def same(a, b):
    if a.dtype.kind == "f":
        return np.array_equal(a, b, equal_nan=True)
    return np.array_equal(a, b)


def main(a_path, b_path):
    ua, ea = load(a_path)
    ub, eb = load(b_path)
    for name, ta, tb in (("units", ua, ub), ("evaluations", ea, eb)):
        if len(ta) != len(tb):
            sys.exit(f"{name}: {len(ta)} rows in {a_path}, {len(tb)} in {b_path}")
        for field in ta.dtype.names:
            if field in WHERE_AND_WHEN:
                continue
            if not same(ta[field], tb[field]):
                row = int(np.nonzero(ta[field] != tb[field])[0][0])
                sys.exit(f"{name}.{field} differs at row {row}: {ta[field][row]!r} vs {tb[field][row]!r}")
    print(f"identical: {len(ua)} units, {len(ea)} evaluations")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
