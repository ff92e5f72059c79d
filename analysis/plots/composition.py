"""Picture 4: what the clusters of a unit hold. For the chosen unit and its best (method, k), per
cluster the share of each class of every label set (stacked bars), with the cluster sizes."""
import numpy as np

import load_results
from plots.common import Figure, Unavailable, class_colours, plt, save, slug
from plots.latent_scatter import ROW_COLUMNS, rows_of

MAX_CLUSTERS = 40
NO_ASSIGNMENTS = ("no cluster assignments stored: set evaluation.store_assignments = true in the study "
                  "(or --set evaluation.store_assignments=true)")


def draw(data, out_dir):
    stored = load_results.stored_units(data.path, "assignments")
    if not stored:
        raise Unavailable(NO_ASSIGNMENTS)
    unit, why = data.chosen_units(stored, "assignments")[0]
    best = data.best_evaluation(unit)
    if best is None:
        raise Unavailable(f"unit {unit} has no usable {data.metric} value to choose a (method, k) by")
    method, k, value = best
    table, attrs = load_results.load_assignments(data.path, unit)
    column = f"{method}_k{k}"
    if column not in table.columns:
        raise Unavailable(f"/assignments/{unit} has no column {column} (it has {', '.join(table.columns)})")
    rows = rows_of(data, attrs.get("feature_hash") or data.unit_row(unit)["feature_hash"])
    if len(rows) != len(table):
        raise Unavailable(f"/assignments/{unit} has {len(table)} rows but the row table has {len(rows)}")
    clusters = table[column].to_numpy()
    ids, sizes = np.unique(clusters, return_counts=True)
    order = [i for _, i in sorted(zip(-sizes, ids))]
    shown = order[:MAX_CLUSTERS]
    label_sets = [c for c in rows.columns if c not in ROW_COLUMNS]
    fig, axes = plt.subplots(len(label_sets), 1, figsize=(max(7, 0.45 * len(shown) + 4), 3.6 * len(label_sets)),
                             squeeze=False)
    names = ["noise" if c < 0 else f"c{c}" for c in shown]
    for ax, label_set in zip(axes[:, 0], label_sets):
        labels = rows[label_set].to_numpy().astype(str)
        classes = sorted(set(labels))
        bottom = np.zeros(len(shown))
        for colour, name in zip(class_colours(len(classes)), classes):
            share = np.array([np.mean(labels[clusters == c] == name) for c in shown])
            ax.bar(names, share, bottom=bottom, color=colour, label=name, edgecolor="white", linewidth=0.4)
            bottom += share
        for x, c in enumerate(shown):
            ax.text(x, 1.01, str(int(np.sum(clusters == c))), ha="center", va="bottom", fontsize=7)
        ax.set_ylim(0, 1.12)
        ax.set_ylabel(f"share of {label_set}")
        ax.set_xlabel("cluster (sorted by size; the number above a bar is its size)")
        ax.set_title(f"{label_set} per cluster")
        ax.legend(fontsize=7, title=label_set, title_fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0),
                  ncol=1 if len(classes) <= 12 else 2)
        ax.tick_params(axis="x", labelsize=7, rotation=90 if len(shown) > 20 else 0)
    title = f"Cluster composition: {data.describe_unit(unit)}, {method} k={k}"
    fig.suptitle(title)
    fig.tight_layout()
    file = save(fig, out_dir, slug("composition_unit", unit, method, "k" + str(k)))
    noise = int(np.sum(clusters < 0))
    caption = (f"{data.describe_unit(unit)} ({why}), clustered by {method} at k={k}, the (method, k) where its "
               f"{data.metric} is best ({value:.4f}). Each bar is one of its {len(ids)} clusters, split by the share "
               f"of each class of " + " and ".join(label_sets) + f" in it; the numbers are cluster sizes ("
               f"{len(clusters)} rows)." + (f" {noise} rows are DBSCAN noise (the 'noise' bar)." if noise else "")
               + (f" The {MAX_CLUSTERS} largest of {len(ids)} clusters are shown." if len(ids) > MAX_CLUSTERS else ""))
    return [Figure(file=file, title=title, caption=caption)]
