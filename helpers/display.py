"""Small rich-display objects: HTML for JupyterLab and exports, plain text everywhere else."""

from __future__ import annotations

import math
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


def esc(value: object) -> str:
    """Escape any value for HTML; missing values become an empty string."""
    if value is None or isinstance(value, float) and math.isnan(value) or type(value).__name__ == "NAType":
        return ""
    return escape(str(value), quote=True)


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


def show_table(frame) -> Rich:
    """A pandas table without its row numbers and with missing values left blank.

    pandas shows a DataFrame with its index, whose header cell is empty (a screen reader announces a
    column with no name), and writes ``<NA>`` for a missing value in a nullable column even with
    ``na_rep``: so columns with missing values are shown as text with blanks.
    """
    shown = frame.copy()
    for column in shown.columns[shown.isna().any()]:
        shown[column] = shown[column].astype(object).where(shown[column].notna(), "")
    html = shown.to_html(index=False, escape=True, classes="sp-table", border=0)
    return Rich(html, shown.to_string(index=False))
