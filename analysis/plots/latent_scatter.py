"""Picture 3: the latent space of chosen units in 2-D, one panel per label set coloured by class
(and one by the clusters of the unit's best (method, k) when assignments are stored). PCA to
2-D when the latent space has more dimensions, as the axes say."""
import re

import numpy as np
from sklearn.decomposition import PCA

import load_results
from plots.common import Figure, Unavailable, class_colours, plt, save, slug

MAX_POINTS = 20000  # beyond this a seeded random subset is drawn: more only hides the structure
ROW_COLUMNS = {"row", "id", "track"}
NO_LATENTS = "no latents stored: set evaluation.store_latents = true in the study (or --set evaluation.store_latents=true)"


def project(latents):
    """(points 2-D, x label, y label)."""
    dims = latents.shape[1]
    if dims == 1:
        return np.column_stack([latents[:, 0], np.zeros(len(latents))]), "z1 (the only latent dimension)", "(none)"
    if dims == 2:
        return latents, "latent dimension z1", "latent dimension z2"
    pca = PCA(n_components=2, random_state=0).fit(latents)
    share = pca.explained_variance_ratio_ * 100
    return (pca.transform(latents), f"PC1 of the {dims}-D latent space ({share[0]:.0f}% of variance)",
            f"PC2 of the {dims}-D latent space ({share[1]:.0f}% of variance)")


def rows_of(data, feature_hash):
    rows = load_results.load_rows(data.path, feature_hash)
    if rows is None:
        raise Unavailable(f"the file has latents but no /rows/{feature_hash} table giving each row's labels")
    return rows


def _panel(ax, points, classes, title, legend_title):
    # Natural order (c2 before c10), noise last.
    names = sorted(set(classes), key=lambda c: (c == "noise", [int(t) if t.isdigit() else t.lower()
                                                               for t in re.split(r"(\d+)", str(c))]))
    colours = class_colours(len(names))
    for colour, name in zip(colours, names):
        mask = classes == name
        ax.scatter(points[mask, 0], points[mask, 1], s=9, alpha=0.75, color="lightgrey" if name == "noise" else colour,
                   label=f"{name} ({mask.sum()})", linewidths=0)
    ax.set_title(title)
    ax.legend(fontsize=7, markerscale=1.6, title=legend_title, title_fontsize=8, loc="upper left",
              bbox_to_anchor=(1.0, 1.0), ncol=1 if len(names) <= 12 else 2)


def draw(data, out_dir):
    stored = load_results.stored_units(data.path, "latents")
    if not stored:
        raise Unavailable(NO_LATENTS)
    figures = []
    for unit, why in data.chosen_units(stored, "latents"):
        latents, attrs = load_results.load_latents(data.path, unit)
        feature_hash = attrs.get("feature_hash") or data.unit_row(unit)["feature_hash"]
        rows = rows_of(data, feature_hash)
        if len(rows) != len(latents):
            raise Unavailable(f"/latents/{unit} has {len(latents)} rows but /rows/{feature_hash} has {len(rows)}")
        label_sets = [c for c in rows.columns if c not in ROW_COLUMNS]
        points, xlabel, ylabel = project(latents)
        index = np.arange(len(points))
        subset_note = ""
        if len(points) > MAX_POINTS:
            index = np.sort(np.random.default_rng(0).choice(len(points), MAX_POINTS, replace=False))
            subset_note = f" A seeded random {MAX_POINTS} of the {len(points)} rows are drawn."
        panels = [(ls, rows[ls].to_numpy()[index], f"coloured by {ls}", ls) for ls in label_sets]
        best = data.best_evaluation(unit)
        assignments = load_results.load_assignments(data.path, unit)
        if best and assignments is not None and f"{best[0]}_k{best[1]}" in assignments[0].columns:
            clusters = assignments[0][f"{best[0]}_k{best[1]}"].to_numpy()[index]
            labels = np.array(["noise" if c < 0 else f"c{c}" for c in clusters], dtype=object)
            panels.append(("clusters", labels, f"coloured by {best[0]} k={best[1]} cluster", "cluster"))
        fig, axes = plt.subplots(1, len(panels), figsize=(5.6 * len(panels), 4.6), squeeze=False)
        for ax, (_, classes, title, legend_title) in zip(axes.flat, panels):
            _panel(ax, points[index], classes.astype(str), title, legend_title)
            ax.set_xlabel(xlabel, fontsize=8)
            ax.set_ylabel(ylabel, fontsize=8)
        title = f"Latent space of {data.describe_unit(unit)}"
        fig.suptitle(title + f" [{attrs.get('space', '?')}]")
        fig.tight_layout()
        file = save(fig, out_dir, slug("latents_unit", unit))
        score = f"; its best {data.metric} is {best[2]:.4f} ({best[0]} k={best[1]})" if best else ""
        caption = (f"{data.describe_unit(unit)}, {why}{score}. Each point is one of the {len(latents)} rows of "
                   f"the feature table, placed by its coordinates in the space the unit clustered "
                   f"({attrs.get('space', '?')}: latent means for the VAE family, components for PCA; "
                   f"{latents.shape[1]}-D" + (", PCA to 2-D" if latents.shape[1] > 2 else "") + "), coloured by "
                   + " and ".join(p[0] for p in panels if p[0] != "clusters")
                   + (" and by the clusters of that (method, k)" if panels[-1][0] == "clusters" else "")
                   + "; the legend counts rows per class." + subset_note)
        figures.append(Figure(file=file, title=title, caption=caption))
    return figures
