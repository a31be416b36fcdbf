"""Soviet and Russian culture in China, for lessons 04, 05 and 07: the events timeline (04), the film
figures (05) and the events explorer (07).

Pure functions do the work. :func:`cited` gives every row of a table the
inline citation of its source; :func:`events_between` picks the dated events
of some strands (themes) within a span of years; :func:`figures` puts each
film's or cartoon's figures next to its title and source; :func:`disagreements`
lists the figures that two sources give differently. :func:`explore_events`,
:func:`explore_figures` and :func:`explore_kinds` are the views the lessons' explorers redraw
(:func:`events_explorer` builds lesson 07's):

>>> h.Explorer(h.explore_events, theme=list(h.THEME_CHOICES), years=(1938, 2020))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

import pandas as pd

from .. import charts, citations, data, widgets
from .._names import UnknownNameError

STRANDS: tuple[str, ...] = ("ideology", "music", "film", "cartoons")
"""The memo's four strands of Soviet and Russian influence in China, as themes in ``data/events.csv``."""

THEME_CHOICES: dict[str, tuple[str, ...] | None] = {
    "the memo's four strands": STRANDS,
    "ideology": ("ideology",),
    "music": ("music",),
    "film": ("film",),
    "cartoons": ("cartoons",),
    "theme years (culture exchange)": ("culture exchange",),
    "everything": None,
}
"""Labels for the timeline explorer's menu, each with the themes it shows (None: every theme)."""

MEASURES: dict[str, tuple[str, str]] = {
    "China gross (million yuan)": ("box_office", "million CNY"),
    "China gross (million US$)": ("box_office", "million USD"),
    "rank in China's 2013 box office": ("china_rank", "rank"),
    "Douban rating (out of 10)": ("douban_rating", "out of 10"),
}
"""Labels for the figures explorer's menu, each with its ``measure`` and ``unit`` in ``data/work_figures.csv``."""

WORK_KINDS: dict[str, tuple[str, ...]] = {
    "films and cartoons": ("film", "cartoon"),
    "films": ("film",),
    "cartoons": ("cartoon",),
}
"""Labels for the figures explorer's second menu, each with the kinds of work it shows."""

_NOTES = {
    "box_office": "Box office in nominal money of its year: not adjusted for inflation; it counts money, not viewers.",
    "china_rank": "Rank among all films in China's 2013 box office: 1 is the top earner, so a shorter bar is better.",
    "douban_rating": "Douban ratings move as people vote: each one is a snapshot at the date shown.",
}


def _pick(label: Any, choices: Mapping[str, Any], what: str) -> Any:
    if not isinstance(label, str) or label not in choices:
        raise UnknownNameError(what, label, choices)
    return choices[label]


def _text(value: Any) -> str | None:
    """A non-empty string, or None for missing and blank values."""
    return value if isinstance(value, str) and value.strip() else None


def _initial_capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def cited(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with a ``source`` column: each row's inline citation, with its locator if it has one.

    >>> cited(h.load("polls"))["source"].iloc[0]
    '[WSJ 2014]'
    """
    data.require_columns(frame, "source_id")
    out = frame.copy()
    locators = out["locator"] if "locator" in out.columns else [None] * len(out)
    out["source"] = citations.cite_each([str(sid) for sid in out["source_id"]], [_text(loc) for loc in locators])
    return out


def _valid_themes() -> list[str]:
    field = next(f for f in data.schema("events")["fields"] if f["name"] == "theme")
    return list(field["constraints"]["enum"])


def _years(years: Any) -> tuple[int, int]:
    if (
        not isinstance(years, (tuple, list))
        or len(years) != 2
        or not all(isinstance(y, int) and not isinstance(y, bool) for y in years)
    ):
        raise TypeError(f"years must be a (first, last) pair of whole years such as (1938, 2020), not {years!r}")
    first, last = years
    if first > last:
        raise ValueError(f"years run from first to last: ({first}, {last}) is backwards; try ({last}, {first})")
    return first, last


def reported_events() -> pd.DataFrame:
    """Every report of an event, one row per event and source: the date, place and account as that source
    gives them (``event_reports``), with the event's title, kind, theme, country and organisers (``events``).
    Two sources that date the same event differently are two rows with the same ``event_id``."""
    events = data.load("events")[["event_id", "title", "kind", "theme", "country", "organisers"]]
    return data.load("event_reports").merge(events, on="event_id", how="left", validate="many_to_one")


def events_between(
    events: pd.DataFrame,
    themes: str | Iterable[str] | None = STRANDS,
    years: tuple[int, int] = (1938, 2020),
) -> pd.DataFrame:
    """The events whose theme is in ``themes`` and whose start year lies within ``years`` (both ends included).

    ``themes`` is one theme, several, or None for every theme. Rows come back sorted by date; partial dates
    (``2020``, ``2020-03``) sort before fuller ones in the same year or month. Two sources that date the same
    event differently stay two rows.
    """
    data.require_columns(events, "date", "theme")
    first, last = _years(years)
    if themes is not None:
        wanted = [themes] if isinstance(themes, str) else list(themes)
        valid = _valid_themes()
        for theme in wanted:
            if theme not in valid:
                raise UnknownNameError("theme", theme, valid)
        events = events[events["theme"].isin(wanted)]
    year = events["date"].astype(str).str[:4].astype(int)
    chosen = events[(year >= first) & (year <= last)]
    order = ["date", "event_id"] if "event_id" in chosen.columns else ["date"]
    return chosen.sort_values(order, kind="stable").reset_index(drop=True)


def events_chart(rows: pd.DataFrame, title: str) -> Any:
    """A timeline of ``rows`` (from :func:`events_between`); an event dated differently by two sources shows
    once per source, each label naming its source."""
    data.require_columns(rows, "event_id", "title", "source_id", "date", "theme")
    repeated = rows["event_id"].duplicated(keep=False)
    given_by = citations.short_labels_of(rows["source_id"])
    labels = [f"{t} ({g})" if r else t for t, g, r in zip(rows["title"], given_by, repeated)]
    return charts.timeline(rows.assign(label=labels), title=title, label="label")


@widgets.precomputable
def explore_events(theme: str = "the memo's four strands", years: tuple[int, int] = (1938, 2020)) -> Any:
    """The timeline explorer's view: a timeline of the chosen events and a table of them with their sources."""
    themes = _pick(theme, THEME_CHOICES, "theme choice")
    first, last = _years(years)
    rows = events_between(reported_events(), themes, (first, last))
    if rows.empty:
        return f"No events of this kind ({theme}) between {first} and {last} in the course data."
    chart = events_chart(rows, f"{_initial_capital(theme)}, {first}-{last}")
    table = cited(rows)[["date", "end_date", "title", "theme", "description", "source"]]
    table = table.rename(columns={"end_date": "until", "title": "event", "description": "what happened"})
    count = f"{len(rows)} event{'s' if len(rows) != 1 else ''}. Each row names its source in the last column."
    return [chart, count, table]


def figures(measure: str | None = None, kinds: str | Iterable[str] = ("film", "cartoon")) -> pd.DataFrame:
    """The works' figures, one a row, with each work's title and kind and each figure's citation.

    ``measure`` is a label of :data:`MEASURES` (or None for every measure); ``kinds`` is one kind of work or
    several (film, cartoon, song, singer). Two sources for the same figure are two rows.
    """
    works = data.load("works")
    valid_kinds = sorted(set(works["kind"]))
    wanted = [kinds] if isinstance(kinds, str) else list(kinds)
    for kind in wanted:
        if kind not in valid_kinds:
            raise UnknownNameError("kind of work", kind, valid_kinds)
    rows = data.load("work_figures").merge(
        works[["work_id", "title", "kind", "year"]], on="work_id", how="left", validate="many_to_one"
    )
    rows = rows[rows["kind"].isin(wanted)]
    if measure is not None:
        name, unit = _pick(measure, MEASURES, "measure")
        rows = rows[(rows["measure"] == name) & (rows["unit"] == unit)]
    columns = ["title", "kind", "measure", "value", "unit", "as_of", "source", "note", "work_id", "source_id"]
    return cited(rows)[columns].sort_values(["title", "as_of", "source"], kind="stable").reset_index(drop=True)


def disagreements(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures that two or more sources give for the same work, measure and unit, with their spread.

    One row a figure: ``title``, ``measure``, ``unit``, ``values`` (each value with its citation, lowest
    first) and ``spread`` (highest minus lowest). Figures with a single source are left out.
    """
    data.require_columns(figures, "title", "measure", "unit", "value", "source_id")
    out = []
    for (title, measure, unit), group in figures.groupby(["title", "measure", "unit"], sort=True):
        if group["source_id"].nunique() < 2:
            continue
        group = group.sort_values("value", kind="stable")
        values = "; ".join(f"{v:g} {citations.cite(str(s))}" for v, s in zip(group["value"], group["source_id"]))
        spread = round(float(group["value"].max() - group["value"].min()), 6)
        out.append({"title": title, "measure": measure, "unit": unit, "values": values, "spread": spread})
    return pd.DataFrame(out, columns=["title", "measure", "unit", "values", "spread"])


def figures_chart(rows: pd.DataFrame, measure: str, works: str = "films and cartoons") -> Any:
    """Bars of ``rows`` (from :func:`figures` for one ``measure``), one a figure: two sources' figures for the same
    work are two labelled bars, never one stacked bar. Ranks run best first, other measures largest first."""
    data.require_columns(rows, "title", "as_of", "value", "source_id")
    name, _unit = _pick(measure, MEASURES, "measure")
    given_by = citations.short_labels_of(rows["source_id"])
    rows = rows.assign(
        figure=[f"{t}, {a} · {g}" for t, a, g in zip(rows["title"], rows["as_of"], given_by)],
        source_name=given_by,
    )
    return charts.bar(
        rows,
        "figure",
        "value",
        title=f"{_initial_capital(measure)}: {works}",
        colour="source_name",
        colour_title="figure given by",
        value_title=measure,
        category_title="work, year · source",
        sort="x" if name == "china_rank" else "-x",
    )


@widgets.precomputable
def explore_figures(measure: str = "China gross (million yuan)", works: str = "films and cartoons") -> Any:
    """The figures explorer's view: a note on what the measure can show, a bar per figure, where sources
    disagree, and a table of the figures with their sources."""
    kinds = _pick(works, WORK_KINDS, "choice of works")
    name, _unit = _pick(measure, MEASURES, "measure")
    rows = figures(measure, kinds)
    if rows.empty:
        return f"The course data has no {measure} for {works}: try another pair."
    parts: list[Any] = [_NOTES[name], figures_chart(rows, measure, works)]
    for row in disagreements(rows).itertuples():
        parts.append(f"Sources disagree on {row.title}: {row.values}.")
    parts.append(rows[["title", "value", "unit", "as_of", "source", "note"]].rename(columns={"as_of": "as of"}))
    return parts


def _start_years(events: pd.DataFrame) -> pd.Series:
    return events["date"].astype(str).str[:4].astype(int)


def kinds_between(events: pd.DataFrame, years: tuple[int, int]) -> list[str]:
    """The kinds of event (``kind`` in data/events.csv) with at least one event starting within ``years``."""
    data.require_columns(events, "date", "kind")
    first, last = _years(years)
    return sorted(events.loc[_start_years(events).between(first, last), "kind"].dropna().unique())


def explore_kinds(events: pd.DataFrame, kind: str = "all kinds", years: tuple[int, int] = (2024, 2025)) -> Any:
    """The events explorer's view: a timeline of one kind of event (or all kinds) and a table of them.

    Each row is labelled with its source, so an event that several sources date differently shows once
    per source.
    """
    data.require_columns(events, "date", "kind", "title", "source_id")
    first, last = _years(years)
    chosen = events[_start_years(events).between(first, last)]
    if kind != "all kinds":
        chosen = chosen[chosen["kind"] == kind]
    if chosen.empty:
        return f"No events of kind '{kind}' between {first} and {last} in the course data."
    shown = cited(chosen.sort_values("date", kind="stable"))
    given_by = citations.short_labels_of(shown["source_id"])
    shown = shown.assign(label=[f"{t} ({d}, {g})" for t, d, g in zip(shown["title"], shown["date"], given_by)])
    chart = charts.timeline(
        shown, title=f"Events, {first}-{last}", label="label", colour="kind", colour_title="kind of event"
    )
    if last - first <= 6:
        chart = chart.configure_axisX(tickCount="year")  # one tick a year on a short time span
    table = shown[["date", "title", "kind", "place", "source"]].rename(columns={"title": "event"})
    return [chart, table]


def events_explorer(
    events: pd.DataFrame | None = None, years: tuple[int, int] | None = None, span: tuple[int, int] | None = None
) -> Any:
    """An explorer of ``events`` (default: every report of an event, :func:`reported_events`) by kind and years.

    It starts on ``years`` (default: 2024 to the last year in the data) and its menu offers only the kinds
    with events there, so no first choice comes up empty; the years can then be widened across ``span``
    (default: the first to the last year in the data, so next year's events need no code change).
    """
    events = reported_events() if events is None else events
    data.require_columns(events, "date", "kind")
    starts = _start_years(events)
    bounds = span or (int(starts.min()), int(starts.max()))
    years = years or (min(2024, bounds[1]), bounds[1])
    kinds = ["all kinds", *kinds_between(events, years)]
    # A copy: the explorer keeps what it shows, so later edits to the caller's table must not reach it.
    view = widgets.precomputable(partial(explore_kinds, events.copy()))
    return widgets.Explorer(view, kind=kinds, years=widgets.span(*bounds, start=years))
