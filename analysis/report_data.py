"""The results file prepared once for every picture of the report: units and evaluations as
pandas frames, the ranking metric and its direction, configurations, seed statistics and the
choice of units to show."""
import dataclasses
import math

import h5py
import pandas as pd
from scipy import stats

import load_results

# Metrics where a smaller value is better; every other metric is better when larger.
LOWER_IS_BETTER = {"davies_bouldin", "inertia"}
NON_METRIC_COLUMNS = {"unit", "config_hash", "method", "k", "space", "status", "clusters_found", "conditioned",
                      "model", "axes", "beta", "latent_dim", "seed", "unit_status"}


class Unavailable(Exception):
    """A picture cannot be drawn from this file; the message says why and how to get it."""


class ReportError(Exception):
    """A user mistake (missing file, unknown metric or unit): the message says what was expected."""


@dataclasses.dataclass
class ReportData:
    path: str
    attrs: dict
    units: pd.DataFrame          # every unit, with `config` and `other_axes` columns added
    evaluations: pd.DataFrame    # usable rows only: unit ok, evaluation ok, metric not NaN, not conditioned
    dropped: dict                # why rows were left out of `evaluations`: reason -> count
    metric: str
    label_sets: list
    requested_units: list        # --units, [] when not given

    @property
    def lower_is_better(self):
        return self.metric.split("_")[0] in LOWER_IS_BETTER or self.metric in LOWER_IS_BETTER

    @property
    def uses_labels(self):
        return any(self.metric.startswith(f"{m}_") for m in
                   ("ari", "nmi", "ami", "purity", "homogeneity", "completeness", "v_measure", "fmi"))

    def better(self, values):
        """`values` sorted best first (a Series), whatever the metric's direction."""
        # Stable, so that ties keep their order (units by id): the choice of units is reproducible.
        return values.sort_values(ascending=self.lower_is_better, kind="mergesort")

    def unit_row(self, unit):
        return self.units[self.units["unit"] == unit].iloc[0]

    def describe_unit(self, unit):
        row = self.unit_row(unit)
        return f"unit {int(unit)} ({row['model']} {row['axes']} seed {int(row['seed'])})".replace("  ", " ")

    def best_evaluation(self, unit):
        """The (method, k, value) where `unit` scores best by the metric; None without any."""
        rows = self.evaluations[self.evaluations["unit"] == unit]
        if rows.empty:
            return None
        best = rows.loc[self.better(rows[self.metric]).index[0]]
        return best["method"], int(best["k"]), float(best[self.metric])

    def ranked_units(self, among=None):
        """Unit ids ordered by their best value of the metric (over method and k), best first."""
        rows = self.evaluations if among is None else self.evaluations[self.evaluations["unit"].isin(among)]
        if rows.empty:
            return []
        per_unit = rows.groupby("unit")[self.metric].min() if self.lower_is_better else \
            rows.groupby("unit")[self.metric].max()
        return [int(u) for u in self.better(per_unit).index]

    def chosen_units(self, among, what):
        """--units restricted to `among`, else the best unit of `among` and, for contrast, the
        worst; returns [(unit, why)]. `what` names the stored data in error messages."""
        if self.requested_units:
            kept = [u for u in self.requested_units if u in among]
            missing = [u for u in self.requested_units if u not in among]
            if not kept:
                raise Unavailable(f"--units {','.join(map(str, missing))}: no {what} stored for "
                                  f"{'it' if len(missing) == 1 else 'them'}; units with {what}: {short_list(among)}")
            note = f"; --units {','.join(map(str, missing))} left out: no {what} stored" if missing else ""
            return [(u, "chosen with --units" + note) for u in kept]
        ranked = self.ranked_units(among)
        if not ranked:
            raise Unavailable(f"no unit with {what} has a usable {self.metric} value")
        chosen = [(ranked[0], f"the best unit by {self.metric}")]
        if len(ranked) > 1:
            chosen.append((ranked[-1], f"for contrast, the worst unit by {self.metric}"))
        return chosen

    def seed_statistics(self, keys):
        """Mean, std, n, 95% Student-t interval of the metric across seeds, per `keys` group."""
        grouped = self.evaluations.groupby(keys, dropna=False)
        table = grouped[self.metric].agg(["mean", "std", "count"]).rename(columns={"count": "n"})
        table["seeds"] = grouped["seed"].apply(lambda s: ",".join(str(int(v)) for v in sorted(s)))
        table["units"] = grouped["unit"].apply(lambda s: ",".join(str(int(v)) for v in sorted(s)))
        half = [t_half_width(std, n) for std, n in zip(table["std"], table["n"])]
        table["ci_low"] = table["mean"] - half
        table["ci_high"] = table["mean"] + half
        return table.reset_index()


def t_half_width(std, n):
    """Half width of the 95% Student-t interval of a mean of n values; NaN for n < 2."""
    if n < 2 or not math.isfinite(std):
        return float("nan")
    return float(stats.t.ppf(0.975, n - 1) * std / math.sqrt(n))


def short_list(values, limit=15):
    values = list(values)
    text = ", ".join(str(v) for v in values[:limit])
    return text + (f", ... ({len(values)} in all)" if len(values) > limit else "")


def metric_names(evaluations, axis_columns=()):
    return [c for c in evaluations.columns
            if c not in NON_METRIC_COLUMNS and c not in axis_columns and pd.api.types.is_float_dtype(evaluations[c])]


def other_axes(frame, axis_columns):
    """Per row: the axes other than beta and latent_dim that apply to it, as text ("" when none),
    from the typed axis columns."""
    names = [n for n in axis_columns if n not in ("model.beta", "model.latent_dim")]

    def text(row):
        return " ".join(f"{n}={load_results.axis_text(row[n])}" for n in names if load_results.axis_text(row[n]) != "")

    return frame.apply(text, axis=1) if len(frame) else pd.Series([], dtype=object)


def prepare(path, metric, requested_units):
    try:
        with h5py.File(path, "r") as f:
            missing = [f"/{name}" for name in ("units", "evaluations") if name not in f]
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file (expected a results file written by `vaesweep run`)")
    except OSError as error:
        raise ReportError(f"{path}: not an HDF5 results file ({str(error).splitlines()[0]})")
    if missing:
        raise ReportError(f"{path}: not a vaesweep results file: it has no {' and no '.join(missing)} "
                          f"(expected the /units and /evaluations tables that `vaesweep run` writes)")
    try:
        units, evaluations, attrs = load_results.load(path)
    except load_results.ResultsFormatError as error:
        raise ReportError(str(error))
    label_sets = [s for s in str(attrs.get("label_sets", "")).split(",") if s]
    names = metric_names(evaluations, attrs["axis_columns"])
    if metric is None:
        metric = f"nmi_{label_sets[0]}" if label_sets and f"nmi_{label_sets[0]}" in names else "silhouette"
    if metric not in names:
        raise ReportError(f"--metric {metric}: not a column of {path}:/evaluations; valid metrics: {', '.join(names)}")
    for u in requested_units:
        if u not in set(units["unit"]):
            raise ReportError(f"--units {u}: {path} has no such unit; its units are {short_list(sorted(units['unit']))}")

    for frame in (units, evaluations):
        frame["config"] = (frame["model"] + " " + frame["axes"]).str.strip()
        frame["other_axes"] = other_axes(frame, attrs["axis_columns"])
    dropped = {}
    usable = evaluations

    def drop(mask, reason):
        nonlocal usable
        if mask.sum():
            dropped[reason] = int(mask.sum())
        usable = usable[~mask]

    drop(usable["unit_status"] != "ok", "the unit failed or diverged")
    drop(usable["status"] != "ok", "the evaluation did not succeed")
    if "conditioned" in usable.columns:
        drop(usable["conditioned"] != 0, "conditioned scores (the model saw the label set: not honest)")
    drop(usable[metric].isna(), f"{metric} is NaN (e.g. withheld for a cvae conditioned on that label set)")
    return ReportData(path=path, attrs=attrs, units=units, evaluations=usable.copy(), dropped=dropped,
                      metric=metric, label_sets=label_sets, requested_units=list(requested_units))
