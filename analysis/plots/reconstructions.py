"""Picture 5: inputs against their reconstructions for the examples a unit stored
(model.reconstruction_examples): lines for feature vectors, side-by-side images when the
features are 2-D (log-mel or MFCC sequences: /features.shape says bands x frames)."""
import math

import numpy as np

import load_results
from plots.common import Figure, Unavailable, plt, save, slug

MAX_EXAMPLES = 4


def _shape(data, unit_row, width):
    """(bands, frames) when the unit's features are 2-D and the example has their size, else None."""
    features = load_results.load_features(data.path)
    if features is None:
        return None
    match = features[features["feature_hash"] == unit_row["feature_hash"]]
    text = str(match["shape"].iloc[0]) if len(match) else ""
    if "x" not in text:
        return None
    shape = tuple(int(v) for v in text.split("x"))
    # A fused text block makes the vector longer than the audio shape: then it is drawn as lines.
    return shape if len(shape) == 2 and math.prod(shape) == width else None


def draw(data, out_dir):
    with_examples = [int(u) for u, text in zip(data.units["unit"], data.units.get("reconstructions", []))
                     if isinstance(text, str) and text]
    if not with_examples:
        raise Unavailable("no reconstruction examples stored: set model.reconstruction_examples = 3 "
                          "(a VAE, conv_vae, cvae or ae model; baselines have none)")
    unit, why = data.chosen_units(with_examples, "reconstruction examples")[0]
    row = data.unit_row(unit)
    examples = load_results.parse_reconstructions(row["reconstructions"])[:MAX_EXAMPLES]
    shape = _shape(data, row, len(examples[0][1]))
    if shape:
        fig, axes = plt.subplots(len(examples), 2, figsize=(9, 2.6 * len(examples)), squeeze=False,
                                 constrained_layout=True)  # tight_layout cannot place the colour bars
        for (row_id, x, x_hat), pair in zip(examples, axes):
            both = np.concatenate([x, x_hat])
            vmin, vmax = np.percentile(both, 1), np.percentile(both, 99)
            for ax, values, what in zip(pair, (x, x_hat), ("input", "reconstruction")):
                image = ax.imshow(values.reshape(shape), origin="lower", aspect="auto", cmap="magma", vmin=vmin, vmax=vmax)
                ax.set_title(f"{row_id}: {what}", fontsize=8)
                ax.set_xlabel("frame")
                ax.set_ylabel("band")
            fig.colorbar(image, ax=list(pair), label="standardised value")
        kind = f"images of {shape[0]} bands x {shape[1]} frames, input left, reconstruction right, one colour scale per row"
    else:
        fig, axes = plt.subplots(len(examples), 1, figsize=(10, 2.3 * len(examples)), squeeze=False)
        for (row_id, x, x_hat), ax in zip(examples, axes[:, 0]):
            ax.plot(x, color="tab:blue", linewidth=1, label="input x (standardised)")
            ax.plot(x_hat, color="tab:red", linewidth=1, label="reconstruction x̂ (posterior mean)")
            rmse = float(np.sqrt(np.mean((x - x_hat) ** 2)))
            ax.set_title(f"{row_id} (RMSE {rmse:.3f})", fontsize=9)
            ax.set_ylabel("value")
            ax.grid(alpha=0.3)
        axes[0, 0].legend(fontsize=8, loc="upper right")
        axes[-1, 0].set_xlabel("feature index (columns of the feature table, in order)")
        kind = "lines over the feature index: input (blue) and reconstruction (red), with the RMSE"
    title = f"Reconstructions of {data.describe_unit(unit)}"
    fig.suptitle(title)
    if not shape:
        fig.tight_layout()
    file = save(fig, out_dir, slug("reconstructions_unit", unit))
    caption = (f"{len(examples)} stored examples of {data.describe_unit(unit)} ({why}): {kind}. The input is the "
               f"row as the model saw it (standardised), the reconstruction is decoded from the posterior mean.")
    return [Figure(file=file, title=title, caption=caption)]
