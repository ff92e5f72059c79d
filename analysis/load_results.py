#!/usr/bin/python3
"""Load a vaesweep results file into pandas DataFrames.

Run with Debian's Python (/usr/bin/python3, with python3-h5py and python3-pandas):

    /usr/bin/python3 analysis/load_results.py results.h5          # summary of the file
    from load_results import load; units, evaluations, attrs = load("results.h5")

Strings inside HDF5 compound tables come back from h5py as bytes; they are decoded here.
Every grid axis is a typed column of /units named by its key (results format 2:
`model.beta`, `model.latent_dim`, `model.learning_rate`, ...; `beta` and `latent_dim` stay the
unit's own values); `load` gives each its pandas type: integer axes
Int64 and boolean axes boolean (pandas' nullable types, <NA> where the axis does not apply to the
unit: the file stores the smallest int64 there), real axes float64 (NaN), text axes str (None;
the file stores ""). `attrs["axis_columns"]` lists them. A file written before the typed columns
(no `results_format` attribute) is refused with the command that converts it.
`evaluations` is joined with the unit columns that say what was trained (model, axes text,
beta, latent_dim, seed, status and every axis), so every row can be traced to its unit, seed and
config hash.

The optional parts of a file are read by their own functions, each returning None when the
file has no such part: `load_features` (/features), `load_rows` (/rows/<feature_hash>),
`load_latents` (/latents/<unit>), `load_assignments` (/assignments/<unit>), `load_aggregate`
(/aggregate, written by `vaesweep rank`). `parse_reconstructions` and `parse_kl_per_dim` decode
the string columns of /units; the `axes` text is for people and is never parsed.
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


# The layout this loader reads; see "The results file" in README.md.
RESULTS_FORMAT = 2
MISSING_INTEGER = np.iinfo(np.int64).min  # an integer or boolean axis that does not apply to the unit


class ResultsFormatError(Exception):
    """A results file of a layout this loader does not read; the message says how to convert it."""


def _axis_columns(f, path):
    """[(name, kind)] of the file's typed axis columns; ResultsFormatError for another layout."""
    version = int(f.attrs.get("results_format", 1))
    if version < RESULTS_FORMAT:
        raise ResultsFormatError(
            f"{path} predates typed axis columns (results format {version}: its grid axes are only the text "
            f"of /units.axes, which this loader does not parse). Convert it with vaesweep, which still reads "
            f"that text: `vaesweep export {path} --table units --format csv --out units.csv` (and `--table "
            f"evaluations`) gives one typed column per axis for pandas.read_csv; or rank it with `vaesweep rank`.")
    if version > RESULTS_FORMAT:
        raise ResultsFormatError(f"{path}: results format {version}, newer than this loader's {RESULTS_FORMAT} "
                                 f"(use analysis/ from the vaesweep that wrote it)")
    units = f["units"]
    names = [n for n in _decode(units.attrs["axis_columns"]).split(",") if n]
    kinds = [k for k in _decode(units.attrs["axis_kinds"]).split(",") if k]
    return list(zip(names, kinds))


def _type_axes(units, axes):
    """Each axis column in its pandas type, missing values as NA / NaN / None."""
    for name, kind in axes:
        column = units[name]
        if kind == "integer":
            units[name] = column.where(column != MISSING_INTEGER).astype("Int64")
        elif kind == "boolean":
            units[name] = column.where(column != MISSING_INTEGER).astype("boolean")
        elif kind == "text":
            units[name] = column.where(column != "", None)


def load(path):
    with h5py.File(path, "r") as f:
        axes = _axis_columns(f, path)
        units = _frame(f["units"])
        evaluations = _frame(f["evaluations"])
        attrs = _attrs(f)
    _type_axes(units, axes)
    attrs["axis_columns"] = [name for name, _ in axes]
    unit_columns = units[["unit", "model", "axes", "beta", "latent_dim", "seed", "status"] + attrs["axis_columns"]]
    evaluations = evaluations.merge(unit_columns.rename(columns={"status": "unit_status"}), on="unit", how="left")
    return units, evaluations, attrs


def axis_name(column):
    """An axis column's name as the axes text and `vaesweep rank` name the axis (model.beta: beta)."""
    return {"model.beta": "beta", "model.latent_dim": "latent_dim"}.get(column, column)


def axis_text(value):
    """An axis value as the axes text shows it ("4", "0.001", "true", "linear"); "" for NA."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


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
    try:
        main(sys.argv[1])
    except ResultsFormatError as error:
        sys.exit(str(error))
