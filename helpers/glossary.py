"""Look up course terms, with their Chinese and Russian equivalents where a source gives them."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from . import citations, data
from ._names import UnknownNameError
from .display import Rich, esc


@lru_cache(maxsize=4)
def _terms(stamp: data.Stamp) -> dict[str, dict[str, Any]]:
    return {row["term"].casefold(): row for row in data.records("glossary")}


def _equivalents(row: dict[str, Any]) -> list[str]:
    parts = []
    if row["chinese"]:
        parts.append(f"Chinese {row['chinese']} ({row['pinyin']})")
    if row["russian"]:
        parts.append(f"Russian {row['russian']} ({row['transliteration']})")
    return parts


def define(*terms: str) -> Rich:
    """Definitions of one or more glossary terms, with equivalents and sources."""
    if not terms:
        raise ValueError("name at least one term, e.g. define('soft power')")
    entries = _terms(data.table_stamp("glossary"))
    html, text = [], []
    for term in terms:
        if not isinstance(term, str) or term.casefold() not in entries:
            raise UnknownNameError("glossary term", term, [r["term"] for r in entries.values()])
        row = entries[term.casefold()]
        equivalents = _equivalents(row)
        cites = [citations.cite(row["source_id"])]
        if row["terms_source_id"] and row["terms_source_id"] != row["source_id"]:
            cites.append(citations.cite(row["terms_source_id"]))
        extra = f"<br><small>{esc('; '.join(equivalents))}</small>" if equivalents else ""
        html.append(
            f"<dt><b>{esc(row['term'])}</b></dt><dd>{esc(row['definition'])} "
            f"<small>{esc(' '.join(cites))}</small>{extra}</dd>"
        )
        text.append(
            f"{row['term']}: {row['definition']} {' '.join(cites)}"
            + (f" ({'; '.join(equivalents)})" if equivalents else "")
        )
    return Rich(f"<dl class='sp-glossary'>{''.join(html)}</dl>", "\n".join(text))
