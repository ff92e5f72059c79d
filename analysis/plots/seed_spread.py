"""Picture 6: the spread of the metric across seeds, per configuration and k (box plot with
every seed as a point), best configurations by mean first."""
import numpy as np

from plots.common import Figure, Unavailable, plt, save, seeds_text, slug, units_text

MAX_BOXES = 25


def draw(data, out_dir):
    ev = data.evaluations.copy()
    if ev.empty:
        raise Unavailable(f"no usable evaluation has a {data.metric} value")
    ev["group"] = ev["config"] + " / " + ev["method"] + " k=" + ev["k"].astype(str)
    means = data.better(ev.groupby("group")[data.metric].mean())
    if ev.groupby("group")["seed"].nunique().max() < 2:
        raise Unavailable("every configuration ran with one seed: there is no spread to show (set grid.seed = [1, 2, 3])")
    shown = list(means.index[:MAX_BOXES])
    values = [ev.loc[ev["group"] == g, data.metric].to_numpy() for g in shown]
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.36 * len(shown)))
    positions = np.arange(len(shown))[::-1]
    ax.boxplot(values, positions=positions, vert=False, widths=0.6, showfliers=False,
               medianprops={"color": "tab:orange"})
    rng = np.random.default_rng(0)  # jitter only: where a seed's point sits vertically
    for pos, vals in zip(positions, values):
        ax.scatter(vals, pos + rng.uniform(-0.15, 0.15, len(vals)), s=14, color="tab:blue", zorder=3,
                   label="one seed" if pos == positions[0] else None)
    ax.set_yticks(positions, [f"{g} (n={len(v)})" for g, v in zip(shown, values)], fontsize=8)
    ax.set_xlabel(data.metric + (" (lower is better)" if data.lower_is_better else ""))
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    title = f"{data.metric} across seeds per configuration" + (
        f" (best {len(shown)} of {len(means)} by mean)" if len(means) > len(shown) else "")
    ax.set_title(title)
    file = save(fig, out_dir, slug("seed_spread", data.metric))
    used = ev[ev["group"].isin(shown)]
    caption = ("Each row is one configuration and k; the box spans the seeds' quartiles, the points are the "
               "seeds. Sorted by mean, best on top"
               + (f"; the best {len(shown)} of {len(means)} are shown" if len(means) > len(shown) else "")
               + f". From {units_text(used['unit'])}, {seeds_text(used['seed'])}.")
    return [Figure(file=file, title=title, caption=caption)]
