"""A report as a list of blocks (headings, paragraphs, pictures, tables, notes) rendered to
Markdown and to self-contained HTML (inline CSS; pictures referenced by relative path)."""
import html
import math

import pandas as pd

CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
img{max-width:100%;border:1px solid #ddd}figure{margin:1.5em 0}figcaption{font-size:.92em;color:#444}
table{border-collapse:collapse;font-size:.85em;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .5em}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
.missing{background:#fff7e0;border-left:4px solid #e0a000;padding:.5em 1em}code{background:#f3f3f3;padding:0 .2em}"""


def _cell(value):
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.4g}"
    return str(value)


class Document:
    def __init__(self, title):
        self.title = title
        self.blocks = []

    def heading(self, text, level=2):
        self.blocks.append(("heading", level, text))

    def paragraph(self, text):
        self.blocks.append(("paragraph", text))

    def bullets(self, items):
        self.blocks.append(("bullets", list(items)))

    def picture(self, file, title, caption):
        self.blocks.append(("picture", file, title, caption))

    def missing(self, what, reason):
        """A picture that could not be drawn, and why."""
        self.blocks.append(("missing", what, reason))

    def table(self, frame: pd.DataFrame):
        self.blocks.append(("table", frame))

    def markdown(self):
        out = [f"# {self.title}", ""]
        for block in self.blocks:
            kind = block[0]
            if kind == "heading":
                out += ["#" * block[1] + " " + block[2], ""]
            elif kind == "paragraph":
                out += [block[1], ""]
            elif kind == "bullets":
                out += [f"- {item}" for item in block[1]] + [""]
            elif kind == "picture":
                out += [f"![{block[2]}]({block[1]})", "", f"*{block[1]}*: {block[3]}", ""]
            elif kind == "missing":
                out += [f"> **{block[1]}: not drawn.** {block[2]}", ""]
            elif kind == "table":
                frame = block[1]
                escape = lambda text: str(text).replace("|", "\\|").replace("\n", " ")  # noqa: E731
                out.append("| " + " | ".join(escape(c) for c in frame.columns) + " |")
                out.append("|" + "|".join("---:" if pd.api.types.is_numeric_dtype(frame[c]) else "---"
                                          for c in frame.columns) + "|")
                for row in frame.itertuples(index=False):
                    out.append("| " + " | ".join(escape(_cell(v)) for v in row) + " |")
                out.append("")
        return "\n".join(out)

    def html(self):
        e = html.escape
        out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{e(self.title)}</title>",
               f"<style>{CSS}</style></head><body>", f"<h1>{e(self.title)}</h1>"]
        for block in self.blocks:
            kind = block[0]
            if kind == "heading":
                out.append(f"<h{block[1]}>{e(block[2])}</h{block[1]}>")
            elif kind == "paragraph":
                out.append(f"<p>{_inline_code(block[1])}</p>")
            elif kind == "bullets":
                out.append("<ul>" + "".join(f"<li>{_inline_code(i)}</li>" for i in block[1]) + "</ul>")
            elif kind == "picture":
                out.append(f'<figure><img src="{e(block[1])}" alt="{e(block[2])}">'
                           f"<figcaption><code>{e(block[1])}</code>: {_inline_code(block[3])}</figcaption></figure>")
            elif kind == "missing":
                out.append(f'<p class="missing"><b>{e(block[1])}: not drawn.</b> {_inline_code(block[2])}</p>')
            elif kind == "table":
                frame = block[1]
                numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
                rows = "".join("<tr>" + "".join(f'<td{" class=num" if n else ""}>{e(_cell(v))}</td>'
                                                for v, n in zip(row, numeric)) + "</tr>"
                               for row in frame.itertuples(index=False))
                out.append("<table><tr>" + "".join(f"<th>{e(str(c))}</th>" for c in frame.columns) + "</tr>"
                           + rows + "</table>")
        out.append("</body></html>")
        return "\n".join(out)


def _inline_code(text):
    """Escapes text and turns `code` spans into <code> elements, as Markdown would."""
    parts = str(text).split("`")
    return "".join(f"<code>{html.escape(p)}</code>" if i % 2 else html.escape(p) for i, p in enumerate(parts))
