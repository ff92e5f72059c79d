"""Writing reference values for the C++ tests: CSV files in tests/data/sklearn, numbers in the
shortest text that reads back as the same double (repr), integers as integers. Shared by the
make_*_reference.py scripts (run with /usr/bin/python3)."""
import csv
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "sklearn")


def fmt(v, integral_floats_as_int=False):
    if isinstance(v, (bool, np.bool_, int, np.integer)):
        return str(int(v))
    if isinstance(v, str):
        return v
    f = float(v)
    if integral_floats_as_int and f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return repr(f)


def write_rows(name, header, rows, integral_floats_as_int=False):
    with open(os.path.join(OUT, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([fmt(v, integral_floats_as_int) for v in r])


def write_matrix(name, M, prefix="x", integral_floats_as_int=False):
    M = np.atleast_2d(M)
    write_rows(name, [f"{prefix}{j}" for j in range(M.shape[1])], M.tolist(), integral_floats_as_int)


def write_vector(name, v, header):
    write_rows(name, [header], [[x] for x in v])
