"""Citations and bibliographies, generated from ``data/bibliography.csv``."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from . import data
from ._names import UnknownNameError
from .display import Rich, esc


@lru_cache(maxsize=4)
def _bibliography(stamp: data.Stamp) -> dict[str, dict[str, Any]]:
    return {row["source_id"]: row for row in data.records("bibliography")}


def _entries() -> dict[str, dict[str, Any]]:
    """The bibliography by source id, built again only when data/bibliography.csv (or the descriptor) changes."""
    return _bibliography(data.table_stamp("bibliography"))


def source(source_id: str) -> dict[str, Any]:
    """The bibliography row of one source, as a dict."""
    entries = _entries()
    if not isinstance(source_id, str):
        raise TypeError(f"a source id is a string such as 'laruelle_luo_2020', not {type(source_id).__name__}")
    if source_id not in entries:
        raise UnknownNameError("source id", source_id, entries)
    return entries[source_id]


def source_ids() -> list[str]:
    """All source ids in the bibliography."""
    return list(_entries())


def short_labels() -> dict[str, str]:
    """Inline citation label (as written in lessons) for every source id."""
    return {sid: row["short"] for sid, row in _entries().items()}


def short_labels_of(source_ids: Iterable[str]) -> list[str]:
    """The inline label of each source id, in order, from one look at the bibliography: tables and charts
    cite row by row, and explorers redraw them on every click."""
    known = short_labels()
    ids = list(source_ids)
    for sid in ids:
        if not isinstance(sid, str) or sid not in known:
            source(sid)  # raises the error that says what a source id is and lists the valid ones
    return [known[sid] for sid in ids]


def cite(source_id: str, locator: str | None = None) -> str:
    """Inline citation, e.g. ``[Laruelle & Luo 2020, section 2]``."""
    return _inline(source(source_id)["short"], locator)


def cite_each(source_ids: Iterable[str], locators: Iterable[str | None]) -> list[str]:
    """:func:`cite` for each (source id, locator) pair, looking the bibliography up once."""
    return [_inline(label, locator) for label, locator in zip(short_labels_of(source_ids), locators)]


def _inline(label: str, locator: str | None) -> str:
    return f"[{label}, {locator}]" if locator else f"[{label}]"


def reference(source_id: str) -> str:
    """Full reference in plain text: authors (date). Title. Outlet. URL. Kind."""
    s = source(source_id)
    parts = [f"{s['authors']} ({s['date'] or 'n.d.'}). {s['title']}. {s['outlet']}."]
    if s["url"]:
        parts.append(s["url"])
    parts.append(f"[{s['kind']}; {s['standing']}]")
    return " ".join(parts)


def _reference_html(source_id: str) -> str:
    s = source(source_id)
    # A long address wraps anywhere: unbroken, it made the sources wider than the notebook.
    link = f"<a href='{esc(s['url'])}' target='_blank' rel='noopener' style='overflow-wrap:anywhere'>"
    url = f" {link}{esc(s['url'])}</a>" if s["url"] else ""
    note = f"<br><small>{esc(s['note'])}</small>" if s["note"] else ""
    return (
        f"<li><b>[{esc(s['short'])}]</b> {esc(s['authors'])} ({esc(s['date'] or 'n.d.')}). "
        f"<i>{esc(s['title'])}</i>. {esc(s['outlet'])}.{url} "
        f"<span class='sp-source-tag' style='background:#eef2f7;border-radius:3px;padding:0 4px;font-size:85%'>"
        f"{esc(s['kind'])} · {esc(s['standing'])}</span>{note}</li>"
    )


def bibliography(ids: Iterable[str], heading: str = "Sources") -> Rich:
    """A bibliography of the given sources, sorted by citation label."""
    unique = sorted(set(ids), key=lambda sid: source(sid)["short"].lower())
    # h3: the block sits under a lesson's "## Sources" heading (h2).
    html = f"<div class='sp-sources'><h3>{esc(heading)}</h3><ul>" + "".join(map(_reference_html, unique)) + "</ul>"
    html += (
        "<p><small>Kinds: <b>official</b> = the body that produced the figure; <b>press</b> = a news report of it; "
        "<b>secondary</b> = a site repeating it; <b>academic</b> = scholarly work. Full list: "
        "<code>data/bibliography.csv</code>.</small></p></div>"
    )
    text = "\n".join(f"[{source(sid)['short']}] {reference(sid)}" for sid in unique)
    return Rich(html, f"{heading}\n{text}")
