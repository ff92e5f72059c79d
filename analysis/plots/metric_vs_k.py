"""Picture 2: the metric against k, mean across seeds with a 95% Student-t band, one line per
configuration (model, axes, clustering method); the best few configurations only."""

from plots.common import Figure, Unavailable, class_colours, plt, save, seeds_text, slug, units_text

MAX_LINES = 8


def draw(data, out_dir):
    # k = 0: methods that find their own number of clusters (DBSCAN); no place on a k axis.
    ev = data.evaluations[data.evaluations["k"] > 0]
    own_k = sorted(set(data.evaluations.loc[data.evaluations["k"] == 0, "method"]))
    ks = sorted(set(int(k) for k in ev["k"]))
    if len(ks) < 2:
        raise Unavailable(f"the grid has one k ({ks[0] if ks else 'none'}): add more, e.g. grid.k = [2, 4, 8]")
    table = data.seed_statistics(["config", "method", "k"])
    table = table[table["k"] > 0]
    table["line"] = table["config"] + " / " + table["method"]
    # A configuration's rank: its best mean over k.
    best = table.groupby("line")["mean"].min() if data.lower_is_better else table.groupby("line")["mean"].max()
    best = data.better(best)
    shown = list(best.index[:MAX_LINES])
    fig, ax = plt.subplots(figsize=(9, 5.5))
    for colour, line in zip(class_colours(len(shown)), shown):
        rows = table[table["line"] == line].sort_values("k")
        ax.plot(rows["k"], rows["mean"], marker="o", color=colour, label=f"{line} (n={int(rows['n'].max())})")
        band = rows.dropna(subset=["ci_low"])
        if len(band):
            ax.fill_between(band["k"], band["ci_low"], band["ci_high"], color=colour, alpha=0.15, linewidth=0)
    ax.set_xticks(ks)
    ax.set_xlabel("k (clusters requested)")
    ax.set_ylabel(f"{data.metric}, mean across seeds" + (" (lower is better)" if data.lower_is_better else ""))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="configuration / method")
    title = f"{data.metric} vs k" + (f" (best {len(shown)} of {len(best)} configurations)" if len(best) > len(shown) else "")
    ax.set_title(title)
    file = save(fig, out_dir, slug("metric_vs_k", data.metric))
    used = ev[(ev["config"] + " / " + ev["method"]).isin(shown)]
    caption = (f"{data.metric} against k: the mean across seeds (line) and its 95% Student-t interval (band; none "
               f"where a point has a single seed). "
               + (f"The {len(shown)} best of {len(best)} configurations by their best mean over k are drawn; the "
                  f"others are in the table below. " if len(best) > len(shown) else f"All {len(best)} configurations. ")
               + f"From {units_text(used['unit'])}, {seeds_text(used['seed'])}."
               + (f" Left out: {', '.join(own_k)} (k = 0: the method finds its own number of clusters)." if own_k else ""))
    return [Figure(file=file, title=title, caption=caption)]
