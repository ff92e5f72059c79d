"""Picture 7: posterior collapse. Active units against beta, one line per latent_dim (mean
across seeds, every seed a point), and the KL of each latent dimension, sorted, per
(beta, latent_dim)."""
import math

import numpy as np
from matplotlib.ticker import MaxNLocator

import load_results
from plots.common import Figure, Unavailable, class_colours, plt, save, seeds_text, slug, units_text

MAX_KL_LINES = 12


def draw(data, out_dir):
    units = data.units[(data.units["status"] == "ok") & data.units["beta"].map(math.isfinite)].copy()
    if units.empty:
        raise Unavailable("no unit has a beta (only PCA / AE / raw baselines, or none ran ok): "
                          "collapse is a property of the VAE family")
    units["kl"] = units["kl_per_dim"].map(load_results.parse_kl_per_dim)
    betas = sorted(set(units["beta"]))
    has_beta_axis = len(betas) >= 2
    fig, axes = plt.subplots(1, 2 if has_beta_axis else 1, figsize=(13 if has_beta_axis else 7, 4.8), squeeze=False)
    notes = []
    if has_beta_axis:
        ax = axes[0, 0]
        groups = list(units.groupby(["model", "other_axes", "latent_dim"]))
        for colour, ((model, other, dim), rows) in zip(class_colours(len(groups)), groups):
            mean = rows.groupby("beta")["active_units"].mean()
            label = f"{model} latent_dim={dim}" + (f" {other}" if other else "")
            ax.plot(mean.index, mean.to_numpy(), marker="o", color=colour, label=label)
            ax.scatter(rows["beta"], rows["active_units"], color=colour, s=10, alpha=0.5)
            ax.axhline(dim, color=colour, linestyle=":", linewidth=0.8)
        ax.set_xscale("log")
        ax.set_xticks(betas, [f"{b:g}" for b in betas])
        ax.minorticks_off()
        ax.set_xlabel("beta (log scale)")
        ax.set_ylabel("active units (posterior-mean variance > 0.01)")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title("Active units vs beta (dotted: latent_dim)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    else:
        notes.append(f"Active units vs beta is not drawn: the grid has no beta axis (every unit has beta={betas[0]:g}).")
    ax = axes[0, -1]
    # One latent_dim only (the largest): lines for every beta there show collapse setting in,
    # where all (beta, latent_dim) pairs would be a tangle.
    widest = int(units["latent_dim"].max())
    configs = list(units[units["latent_dim"] == widest].groupby(["model", "other_axes", "beta"]))
    if len(configs) > MAX_KL_LINES:
        notes.append(f"KL per dimension: {MAX_KL_LINES} of {len(configs)} configurations drawn.")
    configs = configs[:MAX_KL_LINES]
    shades = plt.get_cmap("viridis")(np.linspace(0, 0.9, len(configs)))
    for colour, ((model, other, beta), rows) in zip(shades, configs):
        curves = [np.sort(kl)[::-1] for kl in rows["kl"] if len(kl)]
        if not curves:
            continue
        width = min(len(c) for c in curves)
        mean = np.mean([c[:width] for c in curves], axis=0)
        label = f"{model} beta={beta:g}" + (f" {other}" if other else "") + f" (n={len(curves)})"
        ax.plot(np.arange(1, width + 1), np.maximum(mean, 1e-6), marker=".", color=colour, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("latent dimension, sorted by KL (largest first)")
    ax.set_ylabel("KL per dimension (nats, mean across seeds)")
    ax.set_title(f"KL per latent dimension, latent_dim={widest} (floor 1e-6)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    title = "Posterior collapse: active units and KL per dimension"
    fig.suptitle(title)
    fig.tight_layout()
    file = save(fig, out_dir, slug("collapse"))
    caption = (("Left: active units against beta, the mean across seeds (line) and each seed (points), one line "
                "per latent_dim; fewer active units than latent_dim means collapsed dimensions. " if has_beta_axis else "")
               + "Right: " * has_beta_axis + f"the KL divergence of each latent dimension, sorted, mean across seeds, for the "
               f"largest latent_dim ({widest}), one line per beta; dimensions near zero carry no information "
               f"(values are floored at 1e-6 for the log scale). From the units with a beta: "
               f"{units_text(units['unit'])}, {seeds_text(units['seed'])}. " + " ".join(notes))
    return [Figure(file=file, title=title, caption=caption)]
