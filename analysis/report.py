#!/usr/bin/python3
"""Turn a vaesweep results file into pictures and a report.

    /usr/bin/python3 analysis/report.py results.h5 --out report/ [--metric nmi_genre] [--units 3,17]
                                        [--format md|html|both]

Writes one PNG per picture and report.md and/or report.html into --out. Every picture says
what it shows and from which units and seeds; one that cannot be drawn from the file (no
latents stored, no beta axis, ...) is replaced by a note saying why. Needs only Debian's
python3-h5py, -numpy, -pandas, -matplotlib, -scipy and -sklearn.

Exit status: 0 report written (also when some pictures could not be drawn); 1 a bad results file,
--metric, --units or --out; 2 a bad command line (argparse).
"""
import argparse
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import load_results  # noqa: E402  (after the path above)
import report_data  # noqa: E402
import summary_tables  # noqa: E402
from report_document import Document  # noqa: E402

# (section title, module name under plots/): the pictures, in the report's order.
PICTURES = [
    ("Metric over beta x latent_dim", "heatmaps"),
    ("Metric vs k", "metric_vs_k"),
    ("Metric against sampled keys", "metric_vs_key"),
    ("Latent space", "latent_scatter"),
    ("Cluster composition", "composition"),
    ("Reconstructions", "reconstructions"),
    ("Spread across seeds", "seed_spread"),
    ("Posterior collapse", "collapse"),
    ("Disentanglement against the label sets", "disentanglement"),
]


def parse_units(text):
    try:
        return [int(u) for u in text.split(",") if u.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected unit ids separated by commas (e.g. 3,17), got {text!r}")


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="report.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("results", help="results file written by vaesweep run")
    parser.add_argument("--out", required=True, help="folder for the PNGs and report.md / report.html (created)")
    parser.add_argument("--metric", default=None,
                        help="metric column of /evaluations (default: nmi_<first label set>, else silhouette)")
    parser.add_argument("--units", type=parse_units, default=[],
                        help="unit ids for the per-unit pictures, e.g. 3,17 (default: the best unit by the metric "
                             "and, for contrast, the worst)")
    parser.add_argument("--format", choices=["md", "html", "both"], default="both")
    return parser.parse_args(argv)


def scored_rows(data):
    """Per label set scored on fewer rows than the data has: "genre: 112 of 160 rows"."""
    features = load_results.load_features(data.path)
    if features is None or "rows" not in features.columns or not len(features):
        return []
    rows = int(features["rows"].max())
    out = []
    for label_set in data.label_sets:
        column = f"scored_{label_set}"
        if column not in data.evaluations.columns:
            continue  # a results file written before the counts were recorded
        counts = data.evaluations[column][data.evaluations[column] > 0]
        if len(counts) and int(counts.min()) < rows:
            out.append(f"{label_set}: {int(counts.min())} of {rows} rows" if counts.min() == counts.max()
                       else f"{label_set}: {int(counts.min())} to {int(counts.max())} of {rows} rows")
    return out


def header(doc, data):
    a = data.attrs
    doc.bullets([
        f"results file: `{os.path.abspath(data.path)}`",
        f"study: `{a.get('study_name', '?')}`, sha256 `{a.get('study_sha256', '?')}`"
        + (f", overrides `{a['study_overrides']}`" if a.get("study_overrides") else ""),
        f"vaesweep {a.get('vaesweep_version', '?')}, git `{a.get('git_commit') or '?'}`, "
        f"{a.get('mpi_size', '?')} rank(s) on {a.get('hosts', '?')}, {a.get('start_time', '?')} to {a.get('end_time', '?')}"
        + ("" if int(a.get("complete", 1) or 0) else f" (**incomplete**: {a.get('stop_reason', '?')})"),
        f"{len(data.units)} units (" + ", ".join(f"{n} {s}" for s, n in data.units["status"].value_counts().items())
        + f"), {len(data.evaluations)} usable evaluations; label sets: {', '.join(data.label_sets) or 'none'}",
        f"metric: `{data.metric}`" + (" (lower is better)" if data.lower_is_better else " (higher is better)")
        + (". It uses the labels: choosing a configuration or a unit by it is an oracle selection, not a "
           "label-free one" if data.uses_labels else ""),
    ])
    scored = scored_rows(data)
    if scored:
        doc.paragraph("External scores compare only the rows labelled in their label set (DBSCAN noise left out): "
                      + "; ".join(scored) + ". Each evaluation's count is in /evaluations, column scored_<label set>.")
    if data.dropped:
        doc.paragraph("Left out of every picture and table: "
                      + "; ".join(f"{n} evaluation rows because {why}" for why, n in data.dropped.items()) + ".")


def build(data, out_dir):
    doc = Document(f"vaesweep report: {data.attrs.get('study_name', os.path.basename(data.path))}")
    header(doc, data)
    drawn, missing = [], []
    for title, module_name in PICTURES:
        module = __import__(f"plots.{module_name}", fromlist=["draw"])
        # A picture for some kinds of study only (metric vs sampled keys) says whether it applies;
        # a study it does not apply to gets no section and no "not drawn" note for it.
        if hasattr(module, "applies") and not module.applies(data):
            continue
        doc.heading(title)
        try:
            figures = module.draw(data, out_dir)
        except report_data.Unavailable as why:
            doc.missing(title, str(why))
            missing.append(title)
            continue
        except Exception as error:  # a picture that breaks on odd data must not cost the others
            traceback.print_exc()
            doc.missing(title, f"drawing it failed ({type(error).__name__}: {error}); please report this")
            missing.append(title)
            continue
        for figure in figures:
            doc.picture(figure.file, figure.title, figure.caption)
            drawn.append(figure.file)
    doc.heading("Ranking across seeds")
    summary_tables.add_to(doc, data)
    return doc, drawn, missing


def main(argv):
    args = parse_args(argv)
    try:
        data = report_data.prepare(args.results, args.metric, args.units)
    except report_data.ReportError as error:
        print(f"report.py: error: {error}", file=sys.stderr)
        return 1
    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as error:
        print(f"report.py: error: --out {args.out}: cannot create the folder ({error.strerror})", file=sys.stderr)
        return 1
    doc, drawn, missing = build(data, args.out)
    written = []
    if args.format in ("md", "both"):
        written.append(os.path.join(args.out, "report.md"))
        with open(written[-1], "w", encoding="utf-8") as f:
            f.write(doc.markdown())
    if args.format in ("html", "both"):
        written.append(os.path.join(args.out, "report.html"))
        with open(written[-1], "w", encoding="utf-8") as f:
            f.write(doc.html())
    print(f"wrote {' and '.join(written)}: {len(drawn)} pictures"
          + (f"; not drawn: {', '.join(missing)} (the report says why)" if missing else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
