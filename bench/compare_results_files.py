#!/usr/bin/python3
"""Two results files of the same study, written by two builds, compared field by field: the
/units, /evaluations and /features tables (dtypes, string widths and values; the run ids and
times are skipped), /units' axis attributes and the file's counts. Exit 1 at the first
difference, which it names. For the benchmarks that run an old and a new build side by side.

    compare_results_files.py OLD.h5 NEW.h5 [--runs] [--attr NAME ...]

--runs: /runs too (outcome, units and ranks: ids and times differ). --attr: more root attributes.
"""
import argparse

import h5py
import numpy as np

TIMES = {"run_id", "started_at", "wall_seconds", "train_seconds", "eval_seconds"}
COUNTS = ["units_in_grid", "units_total", "units_ok", "units_pending", "complete", "results_format", "study_sha256"]

parser = argparse.ArgumentParser()
parser.add_argument("old")
parser.add_argument("new")
parser.add_argument("--runs", action="store_true")
parser.add_argument("--attr", nargs="*", default=[])
args = parser.parse_args()
a, b = h5py.File(args.old, "r"), h5py.File(args.new, "r")
for t in ("units", "evaluations", "features"):
    x, y = a[t][...], b[t][...]  # whole tables once: a field of a compound dataset is read whole each time
    assert x.dtype == y.dtype, (t, x.dtype, y.dtype)
    assert x.shape == y.shape, (t, x.shape, y.shape)
    for f in x.dtype.names:
        if f in TIMES:
            continue
        u, v = x[f], y[f]
        same = np.array_equal(u, v, equal_nan=True) if u.dtype.kind == "f" else np.array_equal(u, v)
        assert same, (t, f)
if args.runs:
    x, y = a["runs"][...], b["runs"][...]
    assert x.dtype == y.dtype and x.shape == y.shape, ("runs", x.dtype, y.dtype)
    for f in ("outcome", "units", "ranks"):
        assert np.array_equal(x[f], y[f]), ("runs", f)
for name in ("axis_columns", "axis_kinds"):
    assert a["units"].attrs[name] == b["units"].attrs[name], name
for name in COUNTS + args.attr:
    assert a.attrs[name] == b.attrs[name], name
runs = f", {len(a['runs'])} runs" if args.runs else ""
print(f"== the results files are the same field by field (dtypes, {len(a['units'])} units, "
      f"{len(a['evaluations'])} evaluations{runs})")
