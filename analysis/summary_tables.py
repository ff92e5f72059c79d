"""The ranking tables of the report: /aggregate as `vaesweep rank` wrote it, or, for a file
without one, mean / std / 95% t-interval across seeds computed here."""
import load_results

MAX_ROWS = 40
# /aggregate columns too long or too technical for a readable table; the file keeps them.
LEFT_OUT_COLUMNS = ("config_hashes", "unit_ids", "n_rows", "n_missing", "n_pairs")
# Attributes shown under a table, in this order (the others are provenance the file keeps).
SHOWN_ATTRIBUTES = ("metric", "selection", "higher_is_better", "ci", "confidence", "test", "correction", "alpha",
                    "group_by", "notes", "created_at", "command_line")


def add_to(doc, data):
    aggregate = load_results.load_aggregate(data.path)
    if aggregate is not None:
        tables, group_attrs = aggregate
        doc.paragraph("From the file's `/aggregate` group, written by `vaesweep rank` (one table per ranking"
                      + (f"; group attributes: {_attributes_text(group_attrs)}" if group_attrs else "") + ").")
        if not tables:
            doc.paragraph("`/aggregate` holds no table.")
        for name, frame, attrs in tables:
            doc.heading(f"`/{name}`", 3)
            shown = [k for k in SHOWN_ATTRIBUTES if k in attrs and str(attrs[k]) != ""]
            if shown:
                doc.bullets(f"{k}: {_one_line(attrs[k])}" for k in shown)
            left_out = [c for c in LEFT_OUT_COLUMNS if c in frame.columns]
            _limited(doc, frame.drop(columns=left_out))
            if left_out:
                doc.paragraph(f"Columns left out here (they are in the file): {', '.join(left_out)}.")
        return
    table = data.seed_statistics(["model", "axes", "method", "k"])
    table = table.loc[data.better(table["mean"]).index]
    table.insert(0, "rank", range(1, len(table) + 1))
    table = table[["rank", "model", "axes", "method", "k", "n", "mean", "std", "ci_low", "ci_high", "seeds", "units"]]
    doc.paragraph(f"Computed by this report (the file has no `/aggregate` group; `vaesweep rank` writes one): "
                  f"{data.metric} per configuration and k across seeds, the mean, the standard deviation and the "
                  f"95% Student-t interval (empty for one seed), best first"
                  + (" (lower is better)" if data.lower_is_better else "") + ".")
    _limited(doc, table)


def _one_line(value):
    return " / ".join(line for line in str(value).splitlines() if line.strip())


def _attributes_text(attrs):
    return "; ".join(f"{k} = {_one_line(v)}" for k, v in attrs.items())


def _limited(doc, frame):
    doc.table(frame.head(MAX_ROWS))
    if len(frame) > MAX_ROWS:
        doc.paragraph(f"The first {MAX_ROWS} of {len(frame)} rows.")
