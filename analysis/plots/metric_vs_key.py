"""Picture: the metric against each continuous key, for sampled studies ([search]) whose keys
take many values rather than a few grid levels. One panel per key; every configuration is a
point at its value (mean across seeds, with its 95% t-interval when it has several seeds),
one colour per (model, method, k); a log axis when the key's values are positive and span a
factor of 20 or more (log_uniform keys)."""
import math

import pandas as pd

import load_results
from plots.common import Figure, Unavailable, class_colours, plt, save, seeds_text, slug, units_text

MIN_DISTINCT = 5  # fewer values is a grid axis: the heatmaps and metric-vs-k pictures show those


def continuous_keys(frame, axis_columns):
    """{key: (axis column, values)} for the numeric axis columns (not booleans) that take at least
    MIN_DISTINCT distinct values; keys by their short names (beta for model.beta)."""
    keys = {}
    for column in axis_columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            continue
        present = [float(v) for v in values.dropna() if math.isfinite(float(v))]
        if len(set(present)) >= MIN_DISTINCT:
            keys[load_results.axis_name(column)] = (column, present)
    return keys


def applies(data):
    """Only a study with a continuous key (a sampled one, in practice) gets this picture."""
    return bool(continuous_keys(data.evaluations, data.attrs["axis_columns"]))


def draw(data, out_dir):
    table = data.seed_statistics(["model", "axes", "method", "k"])
    keys = continuous_keys(data.evaluations, data.attrs["axis_columns"])
    if not keys:
        raise Unavailable(f"no axis takes {MIN_DISTINCT} or more numeric values: this picture is for keys "
                          "sampled by [search] (e.g. beta = { log_uniform = [0.25, 16.0] })")
    # Each configuration's axis values, from its rows' typed columns (one configuration: one set).
    settings = data.evaluations.drop_duplicates(["model", "axes"]).set_index(["model", "axes"])
    series = list(table.groupby(["model", "method", "k"]))
    colours = class_colours(len(series))
    fig, axes = plt.subplots(1, len(keys), figsize=(6 * len(keys), 4.6), squeeze=False)
    for ax, key in zip(axes[0], sorted(keys)):
        for colour, ((model, method, k), rows) in zip(colours, series):
            column = keys[key][0]
            x = [settings.at[(model, table.at[i, "axes"]), column] for i in rows.index]
            have = [i for i, v in enumerate(x) if not pd.isna(v) and math.isfinite(float(v))]
            if not have:
                continue  # the key does not apply to this model (PCA has no beta)
            xs = [float(x[i]) for i in have]
            means = rows["mean"].to_numpy()[have]
            low, high = rows["ci_low"].to_numpy()[have], rows["ci_high"].to_numpy()[have]
            errors = [[m - lo if math.isfinite(lo) else 0 for m, lo in zip(means, low)],
                      [hi - m if math.isfinite(hi) else 0 for m, hi in zip(means, high)]]
            ax.errorbar(xs, means, yerr=errors, fmt="o", color=colour, markersize=4, elinewidth=0.8, capsize=2,
                        label=f"{model} {method} k={k}")
        values = keys[key][1]
        if min(values) > 0 and max(values) / min(values) >= 20:
            ax.set_xscale("log")
            ax.set_xlabel(f"{key} (log scale)")
        else:
            ax.set_xlabel(key)
        ax.set_ylabel(f"{data.metric} (mean across seeds)")
        ax.set_title(f"{data.metric} vs {key}")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    title = f"{data.metric} against " + ", ".join(sorted(keys))
    fig.suptitle(title)
    fig.tight_layout()
    file = save(fig, out_dir, slug("metric_vs_key", data.metric))
    ev = data.evaluations
    caption = (f"Each point is one configuration (model, axes, method, k): the mean of {data.metric} across seeds, "
               f"with its 95% Student-t interval where it has several seeds; keys with {MIN_DISTINCT} or more "
               f"numeric values ({', '.join(sorted(keys))}); a configuration without the key (PCA has no beta) "
               f"is not drawn in that panel. From {units_text(ev['unit'])}, {seeds_text(ev['seed'])}.")
    return [Figure(file=file, title=title, caption=caption)]
