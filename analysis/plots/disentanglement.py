"""Picture 8: disentanglement against the label sets. Left: the MI matrix of one unit (each
latent dimension against each label set, MI / H(label set), from /units.mi_per_dim_<set>): the
unit with the highest mean MIG across the label sets, or the first of --units. Right, one panel
per label set: the MI of each configuration's dimensions, sorted per unit (largest first) and
averaged across seeds (dimension numbers mean nothing across seeds), with the mean MIG.
Definitions: src/metrics/disentanglement.hpp (disentanglement_lib's MI matrix and MIG: 20
equal-width bins per dimension, rows labelled in the set)."""
import math

import numpy as np

import load_results
from plots.common import Figure, Unavailable, plt, save, seeds_text, slug, units_text

MAX_CONFIGS = 16  # rows of a configuration panel
MAX_DIMS = 16     # sorted dimensions drawn per configuration


def parse_mi(text):
    return np.array([float(v) for v in (text or "").split(";") if v], dtype=float)


def label_dependence(path, label_sets):
    """The lines of /features' nmi_<a>_and_<b> and mi_share_ columns (first feature table)."""
    features = load_results.load_features(path)
    lines = []
    if features is None or not len(features):
        return lines
    row = features.iloc[0]
    for i, a in enumerate(label_sets):
        for b in label_sets[i + 1:]:
            nmi = f"nmi_{a}_and_{b}"
            if nmi not in features.columns:
                continue
            line = f"NMI({a}, {b}) = {row[nmi]:.3g}"
            b_from_a, a_from_b = f"mi_share_{b}_from_{a}", f"mi_share_{a}_from_{b}"
            if b_from_a in features.columns and a_from_b in features.columns:
                line += (f": {a} explains {100 * row[b_from_a]:.0f}% of {b}'s entropy, "
                         f"{b} {100 * row[a_from_b]:.0f}% of {a}'s")
            lines.append(line)
    return lines


def draw(data, out_dir):
    sets = [s for s in data.label_sets if f"mi_per_dim_{s}" in data.units.columns]
    if not sets:
        raise Unavailable("the results file has no disentanglement columns (/units.mi_per_dim_<set>): written by a "
                          "vaesweep before they existed, or the study has no label sets")
    units = data.units[data.units["status"] == "ok"].copy()
    for s in sets:
        units[f"mi_{s}"] = units[f"mi_per_dim_{s}"].map(parse_mi)
        # Normalised by H(set), as MIG is; a withheld set (a cvae's condition) has no MI.
        units[f"nmi_dims_{s}"] = [mi / h if len(mi) and h > 0 else np.array([])
                                  for mi, h in zip(units[f"mi_{s}"], units[f"label_entropy_{s}"])]
    units = units[units[[f"nmi_dims_{s}" for s in sets]].apply(lambda r: any(len(v) for v in r), axis=1)]
    if units.empty:
        raise Unavailable("no unit that ran ok has disentanglement scores (failed, noop, or every set withheld)")
    units["mean_mig"] = units[[f"mig_{s}" for s in sets]].mean(axis=1, skipna=True)

    # The unit of the left panel.
    chosen = [u for u in data.requested_units if u in set(units["unit"])]
    if chosen:
        unit, why = chosen[0], "chosen with --units"
    else:
        best = units.sort_values(["mean_mig", "unit"], ascending=[False, True], na_position="last").iloc[0]
        unit, why = int(best["unit"]), "the highest mean MIG across the label sets"
    row = units[units["unit"] == unit].iloc[0]
    dims = max(len(row[f"nmi_dims_{s}"]) for s in sets)
    matrix = np.full((dims, len(sets)), np.nan)
    for j, s in enumerate(sets):
        values = row[f"nmi_dims_{s}"]
        matrix[:len(values), j] = values

    fig, axes = plt.subplots(1, 1 + len(sets), figsize=(3.2 + 4.6 * len(sets), max(4.0, 0.32 * max(dims, 8) + 1.5)),
                             squeeze=False, gridspec_kw={"width_ratios": [1.0] + [2.2] * len(sets)})
    ax = axes[0, 0]
    image = ax.imshow(matrix, aspect="auto", cmap="magma", vmin=0, vmax=max(1e-9, np.nanmax(matrix)))
    for (i, j), v in np.ndenumerate(matrix):
        if dims <= 24 and not math.isnan(v):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                    color="white" if v < 0.6 * np.nanmax(matrix) else "black")
    ax.set_xticks(range(len(sets)), sets, rotation=30, ha="right")
    ax.set_yticks(range(dims), [str(d) for d in range(dims)], fontsize=7)
    ax.set_ylabel("latent dimension")
    ax.set_title(f"unit {unit}: MI / H(set)\n" + " ".join(f"MIG {s} {row[f'mig_{s}']:.2f}" for s in sets), fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.08)

    notes = []
    configs = list(units.groupby("config", sort=True))
    if len(configs) > MAX_CONFIGS:
        notes.append(f"The right panels show {MAX_CONFIGS} of {len(configs)} configurations (the highest mean MIG).")
        configs = sorted(configs, key=lambda c: -np.nanmean(c[1]["mean_mig"]))[:MAX_CONFIGS]
    for j, s in enumerate(sets):
        ax = axes[0, 1 + j]
        width = min(MAX_DIMS, max(len(v) for _, rows in configs for v in rows[f"nmi_dims_{s}"]))
        panel = np.full((len(configs), width), np.nan)
        labels = []
        for i, (config, rows) in enumerate(configs):
            curves = [np.sort(v)[::-1][:width] for v in rows[f"nmi_dims_{s}"] if len(v)]
            if curves:
                shortest = min(len(c) for c in curves)
                panel[i, :shortest] = np.mean([c[:shortest] for c in curves], axis=0)
            mig = rows[f"mig_{s}"].dropna()
            labels.append(f"{config}  (MIG {mig.mean():.2f}, n={len(mig)})" if len(mig) else f"{config}  (no MIG)")
        image = ax.imshow(panel, aspect="auto", cmap="magma", vmin=0, vmax=max(1e-9, np.nanmax(panel)))
        ax.set_yticks(range(len(configs)), labels, fontsize=7)
        ax.set_xticks(range(width), [str(d + 1) for d in range(width)], fontsize=7)
        ax.set_xlabel("dimension rank by MI, mean across seeds")
        ax.set_title(f"{s}: MI / H({s}) per configuration", fontsize=9)
        fig.colorbar(image, ax=ax, fraction=0.05)
    title = "Disentanglement: mutual information of latent dimensions with each label set"
    fig.suptitle(title)
    fig.tight_layout()
    file = save(fig, out_dir, slug("disentanglement"))

    dependence = label_dependence(data.path, sets)
    rows_used = [f"{s}: {int(units[f'disentangled_rows_{s}'].max())} labelled rows" for s in sets
                 if f"disentangled_rows_{s}" in units.columns]
    caption = (f"Left: {data.describe_unit(unit)} ({why}): the mutual information of each latent dimension (20 "
               f"equal-width bins) with each label set, divided by the set's entropy; MIG is the gap between a set's "
               f"two largest values. Right: per label set, each configuration's dimensions sorted by that MI, mean "
               f"across seeds, and its mean MIG. A dimension that owns a factor shows as one bright cell with dark "
               f"ones beside it; bright cells spread over several dimensions mean the factor is entangled. "
               f"Rows used: {'; '.join(rows_used)} (unlabelled rows left out). "
               + (f"The metrics assume independent factors; in these data {'; '.join(dependence)}. "
                  if dependence else "")
               + "DCI disentanglement is not computed (undefined with one factor per label set); MIG, SAP, DCI "
               "completeness and informativeness per unit are in /units and rank like any metric (oracle metrics: "
               f"they read the labels). From {units_text(units['unit'])}, {seeds_text(units['seed'])}. "
               + " ".join(notes))
    return [Figure(file=file, title=title, caption=caption)]
