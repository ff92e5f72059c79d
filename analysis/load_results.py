#!/usr/bin/python3
"""Load a vaesweep results file into pandas DataFrames.

Run with Debian's Python (/usr/bin/python3, with python3-h5py and python3-pandas):

    /usr/bin/python3 analysis/load_results.py results.h5          # summary of the file
    from load_results import load; units, evaluations, attrs = load("results.h5")

Strings inside HDF5 compound tables come back from h5py as bytes; they are decoded here.
`evaluations` is joined with the unit columns that say what was trained (model, axes, beta,
latent_dim, seed, status), so every row can be traced to its unit, seed and config hash.

The optional parts of a file are read by their own functions, each returning None when the
file has no such part: `load_features` (/features), `load_rows` (/rows/<feature_hash>),
`load_latents` (/latents/<unit>), `load_assignments` (/assignments/<unit>), `load_aggregate`
(/aggregate, written by `vaesweep rank`). `parse_axes`, `parse_reconstructions` and
`parse_kl_per_dim` decode the string columns of /units.
"""
import sys

import h5py
import numpy as np
import pandas as pd


def _decode(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _frame(dataset):
    frame = pd.DataFrame(dataset[:])
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(_decode)
    return frame


def _attrs(obj):
    out = {}
    for key, value in obj.attrs.items():
        if isinstance(value, np.ndarray) and value.shape == ():
            value = value[()]
        if isinstance(value, np.generic):
            value = value.item()
        out[key] = _decode(value)
    return out


def load(path):
    with h5py.File(path, "r") as f:
        units = _frame(f["units"])
        evaluations = _frame(f["evaluations"])
        attrs = _attrs(f)
    unit_columns = units[["unit", "model", "axes", "beta", "latent_dim", "seed", "status"]]
    evaluations = evaluations.merge(unit_columns.rename(columns={"status": "unit_status"}), on="unit", how="left")
    return units, evaluations, attrs


def parse_axes(axes):
    """"beta=4 latent_dim=8 features.modalities=[audio, text]" -> {"beta": "4", ...}.

    Values may hold spaces inside brackets (list-valued axes), so split on the spaces that
    start a new "name=" only."""
    result, depth, token = {}, 0, ""
    for ch in axes.strip() + " ":
        depth += ch == "["
        depth -= ch == "]"
        if ch == " " and depth == 0:
            if "=" in token:
                name, value = token.split("=", 1)
                result[name] = value
            token = ""
        else:
            token += ch
    return result


def parse_kl_per_dim(text):
    return np.array([float(v) for v in text.split(";") if v], dtype=float)


def parse_reconstructions(text):
    """/units.reconstructions -> [(row id, x, x_hat)], x and x_hat 1-D float arrays."""
    examples = []
    for example in (text or "").split(";"):
        if not example:
            continue
        # The row id may itself hold ':' (paths on some systems): the values start after the last
        # ':' before the '|'.
        head, reconstruction = example.split("|", 1)
        row_id, values = head.rsplit(":", 1)
        examples.append((row_id, np.array(values.split(), dtype=float), np.array(reconstruction.split(), dtype=float)))
    return examples


def load_features(path):
    """/features as a DataFrame (feature_hash, rows, columns, shape "32x32" or "", ...), or None."""
    with h5py.File(path, "r") as f:
        return _frame(f["features"]) if "features" in f else None


def load_rows(path, feature_hash):
    """/rows/<feature_hash>: one row per row of the feature table (row, id, track, one column per
    label set), or None when the file has none."""
    with h5py.File(path, "r") as f:
        key = f"rows/{feature_hash}"
        return _frame(f[key]) if key in f else None


def load_latents(path, unit):
    """(array rows x dims, attrs) of /latents/<unit>, or None."""
    with h5py.File(path, "r") as f:
        key = f"latents/{int(unit)}"
        return (f[key][:], _attrs(f[key])) if key in f else None


def load_assignments(path, unit):
    """(DataFrame with one column per "<method>_k<k>", attrs) of /assignments/<unit>, or None."""
    with h5py.File(path, "r") as f:
        key = f"assignments/{int(unit)}"
        return (_frame(f[key]), _attrs(f[key])) if key in f else None


def stored_units(path, group):
    """The unit ids that have a dataset in /latents or /assignments."""
    with h5py.File(path, "r") as f:
        if group not in f:
            return []
        return sorted(int(name) for name in f[group].keys() if name.isdigit())


def load_aggregate(path):
    """/aggregate: [(dataset path, DataFrame, attrs)] for every table in it (nested groups too),
    plus the group's own attributes; None when the file has no /aggregate."""
    with h5py.File(path, "r") as f:
        if "aggregate" not in f:
            return None
        tables = []

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                frame = _frame(obj) if obj.dtype.names else pd.DataFrame({name.rsplit("/", 1)[-1]: np.ravel(obj[()])})
                tables.append((f"aggregate/{name}", frame, _attrs(obj)))

        f["aggregate"].visititems(visit)
        return tables, _attrs(f["aggregate"])


def main(path):
    units, evaluations, attrs = load(path)
    print(f"study {attrs['study_name']} (sha256 {attrs['study_sha256'][:12]}), vaesweep {attrs['vaesweep_version']} "
          f"git {attrs['git_commit'] or '?'}, {attrs['mpi_size']} rank(s) on {attrs['hosts']}")
    print(f"{len(units)} units: " + ", ".join(f"{n} {s}" for s, n in units["status"].value_counts().items()))
    metric_columns = [c for c in evaluations.columns if c.startswith(("ari_", "nmi_", "purity_"))] + ["silhouette"]
    summary = evaluations.groupby(["model", "axes", "method", "k"])[metric_columns].mean()
    print(summary.round(4).to_string())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 analysis/load_results.py RESULTS.h5")
    main(sys.argv[1])
