"""What every plot module shares: the Agg backend, the Figure record, Unavailable, saving."""
import dataclasses
import os

import matplotlib

matplotlib.use("Agg")  # files only: no display on a cluster node
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
import numpy as np  # noqa: E402

__all__ = ["DPI", "Figure", "Unavailable", "class_colours", "plt", "save", "seeds_text", "slug", "units_text"]

DPI = 110


from report_data import Unavailable  # noqa: E402,F401  (plots raise it; the report catches it)


@dataclasses.dataclass
class Figure:
    file: str       # relative to the report folder
    title: str
    caption: str    # what it shows, from which units and seeds


def save(fig, out_dir, name):
    """Writes fig as <out_dir>/<name>.png and closes it; returns the relative file name."""
    file = f"{name}.png"
    fig.savefig(os.path.join(out_dir, file), dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return file


def slug(*parts):
    """A file-name-safe name from labels such as "vae", "features.modalities=[audio, text]"."""
    text = "_".join(str(p) for p in parts if str(p) != "")
    keep = "".join(ch if ch.isalnum() or ch in "-." else "_" for ch in text)
    while "__" in keep:
        keep = keep.replace("__", "_")
    return keep.strip("_")[:120] or "all"


def class_colours(n):
    """n distinguishable colours: tab10 up to 10 classes, tab20 up to 20, then a sampled map."""
    if n <= 10:
        return [plt.get_cmap("tab10")(i) for i in range(n)]
    if n <= 20:
        return [plt.get_cmap("tab20")(i) for i in range(n)]
    return [plt.get_cmap("gist_ncar")(x) for x in np.linspace(0.05, 0.95, n)]


def seeds_text(seeds):
    seeds = sorted(int(s) for s in set(seeds))
    return "seed " + str(seeds[0]) if len(seeds) == 1 else "seeds " + ", ".join(str(s) for s in seeds)


def units_text(units):
    units = sorted(int(u) for u in set(units))
    if len(units) > 12:
        return f"{len(units)} units ({units[0]}..{units[-1]})"
    return ("unit " if len(units) == 1 else "units ") + ", ".join(str(u) for u in units)
