"""Small rich-display objects: HTML for JupyterLab and exports, plain text everywhere else."""

from __future__ import annotations

import math
import numbers
from html import escape


class Rich:
    """A block with an HTML form and a plain-text form, shown by Jupyter's display system."""

    def __init__(self, html: str, text: str) -> None:
        self.html = html
        self.text = text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def is_missing(value: object) -> bool:
    """None, NaN or pandas' NA: a value a table shows as a blank."""
    return value is None or isinstance(value, float) and math.isnan(value) or type(value).__name__ == "NAType"


def esc(value: object) -> str:
    """Escape any value for HTML; missing values become an empty string."""
    return "" if is_missing(value) else escape(str(value), quote=True)


STATUS_STYLE = {
    "correct": ("#e7f4ec", "#00734a", "✔"),
    "incorrect": ("#fbeee6", "#a34a00", "✘"),
    "unanswered": ("#eef2f7", "#35506b", "…"),
    "info": ("#eef2f7", "#35506b", "ℹ"),
}


def feedback_box(status: str, headline: str, body_html: str = "") -> str:
    """A coloured feedback box; ``headline`` is escaped, ``body_html`` must already be safe."""
    background, colour, mark = STATUS_STYLE[status]
    body = f"<div style='margin-top:4px'>{body_html}</div>" if body_html else ""
    return (
        f"<div class='sp-feedback sp-{status}' style='background:{background};border-left:4px solid {colour};"
        f"padding:8px 12px;margin:6px 0;color:#1b1b1b'>"
        f"<b style='color:{colour}'>{mark} {esc(headline)}</b>{body}</div>"
    )


WORKED_SUMMARY = "Show the worked result"
WORKED_TEXT = "[Worked result: hidden until you open it.]"


def closed_details(summary: str, body_html: str, css_class: str = "sp-worked") -> str:
    """``body_html`` folded away under a closed ``<details>``; ``summary`` is escaped, ``body_html`` must be safe.

    A worked solution's result goes here: the reader sees only the summary until they open it, in
    JupyterLab after any number of re-runs and in static views (GitHub, nbviewer, HTML exports) alike.
    """
    return f"<details class='{css_class}'><summary>{esc(summary)}</summary>{body_html}</details>"


def cell_text(value: object) -> str:
    """A table cell as a reader would write it: 74 rather than 74.0, a blank for a missing value."""
    if is_missing(value):
        return ""
    return f"{value:.10g}" if isinstance(value, float) else str(value)


def _cell(value: object) -> str:
    """A <td>: numbers right-aligned (JupyterLab's default for tables), text left-aligned so it reads as text."""
    numeric = isinstance(value, numbers.Number) and not isinstance(value, bool) or is_missing(value)
    align = "" if numeric else " style='text-align:left'"
    return f"<td{align}>{esc(cell_text(value))}</td>"


def table_html(headers: list[str], rows: list[list[object]], caption: str = "") -> str:
    """An accessible table (``sp-table``): named column headers, no row numbers, every cell escaped.

    Written here rather than with pandas' ``to_html``, which took 8-20 ms for a lesson's table: an explorer
    redraws its table on every change.
    """
    head = "".join(f"<th scope='col'>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    caption_html = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table class='sp-table'>{caption_html}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def frame_html(frame) -> str:
    """A pandas table as :func:`table_html`: its columns as headers, its rows in order."""
    return table_html([str(c) for c in frame.columns], frame.itertuples(index=False, name=None))


def show_table(frame) -> Rich:
    """A pandas table without its row numbers and with missing values left blank.

    pandas shows a DataFrame with its index, whose header cell is empty (a screen reader announces a
    column with no name), and writes ``<NA>`` for a missing value in a nullable column even with
    ``na_rep``: so the course writes the table itself, and its text form has blanks for missing values.
    """
    shown = frame.copy()
    for column in shown.columns[shown.isna().any()]:
        shown[column] = shown[column].astype(object).where(shown[column].notna(), "")
    return Rich(frame_html(frame), shown.to_string(index=False))
