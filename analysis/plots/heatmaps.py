"""Picture 1: the metric over beta x latent_dim, mean across seeds, one panel per k, one PNG
per (model, clustering method, other axes)."""
import math

import numpy as np

from plots.common import Figure, Unavailable, plt, save, seeds_text, slug, units_text

MAX_PANELS = 12  # k values per picture; more would make unreadable cells


def _beta_label(beta):
    return "none" if not math.isfinite(beta) else f"{beta:g}"


def _beta_key(beta):
    """NaN (a model without beta) as +inf: one row, after the real betas (NaN != NaN in sets)."""
    return beta if math.isfinite(beta) else math.inf


def draw(data, out_dir):
    ev = data.evaluations.copy()
    if ev.empty:
        raise Unavailable(f"no usable evaluation has a {data.metric} value")
    betas = sorted(set(float(b) for b in ev["beta"] if math.isfinite(b)))
    dims = sorted(set(int(d) for d in ev["latent_dim"]))
    if len(betas) < 2 and len(dims) < 2:
        raise Unavailable(f"the grid has neither a beta nor a latent_dim axis (every unit has beta="
                          f"{', '.join(f'{b:g}' for b in betas) or 'none'}, latent_dim={dims[0]}): "
                          "add e.g. grid.beta = [1.0, 4.0] and grid.latent_dim = [4, 8]")
    ev["beta_key"] = ev["beta"].map(_beta_key)
    figures = []
    all_values = ev[data.metric]
    vmin, vmax = float(all_values.min()), float(all_values.max())
    cmap = "viridis_r" if data.lower_is_better else "viridis"
    for (model, method, other), rows in ev.groupby(["model", "method", "other_axes"], sort=True):
        row_betas = sorted(set(rows["beta_key"]))
        row_dims = sorted(set(int(d) for d in rows["latent_dim"]))
        ks = sorted(set(int(k) for k in rows["k"]))[:MAX_PANELS]
        cols = min(len(ks), 4)
        nrows = math.ceil(len(ks) / cols)
        if len(row_betas) * len(row_dims) < 2:
            continue  # a single cell says nothing a table does not; the seed spread shows it
        fig, axes = plt.subplots(nrows, cols, figsize=(1.5 + cols * max(2.8, 1 + 0.9 * len(row_dims)),
                                                       0.8 + nrows * max(2.4, 1.2 + 0.6 * len(row_betas))),
                                 squeeze=False, constrained_layout=True)
        image = None
        for ax, k in zip(axes.flat, ks):
            grid = np.full((len(row_betas), len(row_dims)), np.nan)
            counts = np.zeros_like(grid, dtype=int)
            at_k = rows[rows["k"] == k]
            for i, beta in enumerate(row_betas):
                for j, dim in enumerate(row_dims):
                    match = at_k[(at_k["latent_dim"] == dim) & (at_k["beta_key"] == beta)]
                    if len(match):
                        grid[i, j] = match[data.metric].mean()
                        counts[i, j] = len(match)
            image = ax.imshow(grid, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto", origin="lower")
            for i in range(grid.shape[0]):
                for j in range(grid.shape[1]):
                    if np.isfinite(grid[i, j]):
                        shade = (grid[i, j] - vmin) / (vmax - vmin) if vmax > vmin else 0.5
                        if data.lower_is_better:
                            shade = 1 - shade
                        ax.text(j, i, f"{grid[i, j]:.3f}\nn={counts[i, j]}", ha="center", va="center", fontsize=8,
                                color="black" if shade > 0.6 else "white")
            ax.set_xticks(range(len(row_dims)), [str(d) for d in row_dims])
            ax.set_yticks(range(len(row_betas)), [_beta_label(b) for b in row_betas])
            ax.set_xlabel("latent_dim")
            ax.set_ylabel("beta")
            ax.set_title(f"k = {k}" if k else "k = 0 (the method finds its own number)")
        for ax in list(axes.flat)[len(ks):]:
            ax.axis("off")
        bar = fig.colorbar(image, ax=axes, shrink=0.9)
        bar.set_label(f"mean {data.metric} across seeds" + (" (lower is better)" if data.lower_is_better else ""))
        title = f"{data.metric}: {model}, {method}" + (f", {other}" if other else "")
        fig.suptitle(title)
        file = save(fig, out_dir, slug("heatmap", data.metric, model, method, other))
        dropped_k = sorted(set(int(k) for k in rows["k"]))[MAX_PANELS:]
        caption = (f"Mean {data.metric} across seeds over beta (rows) x latent_dim (columns), one panel per k "
                   f"(cell text: mean and number of seeds). Model {model}, clustering {method}"
                   + (f", {other}" if other else "") + f"; {units_text(rows['unit'])}, {seeds_text(rows['seed'])}. "
                   "All heatmaps of this report share one colour scale."
                   + (" beta 'none': the model has no beta (PCA, AE, raw)." if "none" in map(_beta_label, row_betas) else "")
                   + (f" Not shown: k = {', '.join(map(str, dropped_k))} (at most {MAX_PANELS} panels)." if dropped_k else ""))
        figures.append(Figure(file=file, title=title, caption=caption))
    if not figures:
        raise Unavailable("no model has more than one (beta, latent_dim) cell: every heatmap would be a single number")
    return figures
