"""The course's chart theme, an offline renderer and the chart builders lessons use.

Charts are drawn as SVG by vl-convert inside the kernel, so they need no
internet (altair's default renderer loads vega from a CDN) and stay visible in
static views of a committed lesson (GitHub, nbviewer, an HTML export). Every
builder puts a title and a source line, taken from the data's ``source_id``
column, on its chart.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt
import pandas as pd

from . import citations
from ._names import UnknownNameError

# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
COUNTRY_COLOURS = {"China": "#D55E00", "Russia": "#0072B2"}
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
WIDTH = 560
RENDERER = "soft_power_svg"
THEME = "soft_power"


def _theme() -> dict[str, Any]:
    # Sizes chosen to stay readable on a classroom projector.
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": WIDTH, "continuousHeight": 300, "stroke": None},
            "range": {"category": PALETTE},
            "title": {"fontSize": 18, "subtitleFontSize": 12, "subtitleColor": "#444", "anchor": "start", "offset": 10},
            "axis": {"labelFontSize": 13, "titleFontSize": 14, "gridColor": "#e6e6e6", "labelLimit": 260},
            "legend": {"labelFontSize": 13, "titleFontSize": 13, "orient": "bottom"},
            "header": {"labelFontSize": 13, "titleFontSize": 14},
            "text": {"fontSize": 13},
            "background": "white",
            "padding": 12,
        }
    }


def title_of(spec: dict[str, Any]) -> str:
    """The title text of a Vega-Lite spec ('' if it has none)."""
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    return " ".join(title) if isinstance(title, list) else str(title)


def _source_line(spec: dict[str, Any]) -> str:
    title = spec.get("title")
    subtitle = title.get("subtitle", "") if isinstance(title, dict) else ""
    return " ".join(subtitle) if isinstance(subtitle, list) else str(subtitle)


def svg(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    """Render a chart (or a Vega-Lite spec) to SVG markup, offline."""
    import vl_convert  # imported on first use: it adds start-up time to every lesson otherwise

    # Explorers redraw on every click: skip altair's schema check here (a third of the redraw time);
    # the builders' charts are checked by the tests, and vl-convert reports any invalid spec itself.
    spec = chart.to_dict(validate=False) if hasattr(chart, "to_dict") else chart
    return vl_convert.vegalite_to_svg(spec)


def fingerprint(spec: dict[str, Any]) -> str:
    """A short digest of a chart's spec: it changes when the data or the encoding changes."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:12]


def _render(spec: dict[str, Any], **_: Any) -> dict[str, str]:
    # The plain-text form describes the chart for screen readers and text-only views, and its
    # digest lets nbval check the chart's data and encoding without comparing font-dependent SVG.
    text = f"Chart: {title_of(spec)}. {_source_line(spec)} [spec {fingerprint(spec)}]"
    return {"image/svg+xml": svg(spec), "text/plain": text}


def enable() -> None:
    """Switch altair to the course theme and the offline SVG renderer."""
    alt.theme.register(THEME, enable=True)(_theme)
    alt.renderers.register(RENDERER, _render)
    alt.renderers.enable(RENDERER)


def source_line(source_ids: Iterable[str]) -> str:
    """'Source: A; B' from source ids, in the order first seen."""
    labels = list(dict.fromkeys(citations.source(sid)["short"] for sid in source_ids))
    prefix = "Source" if len(labels) == 1 else "Sources"
    return f"{prefix}: " + "; ".join(labels)


def finish(chart: alt.TopLevelMixin, title: str, sources: Iterable[str]) -> alt.TopLevelMixin:
    """Give a chart its title and source line. Every course chart goes through here."""
    if not isinstance(title, str) or not title.strip():
        raise ValueError("every chart needs a title: pass title='...'")
    ids = list(sources)
    if not ids:
        raise ValueError("every chart needs a source: pass sources=[...] or data with a source_id column")
    return chart.properties(title=alt.TitleParams(text=title, subtitle=source_line(ids)))


def _axis_title(given: str | None, column: str) -> str | None:
    """The column's name by default; an empty string hides the title."""
    if given is None:
        return column.replace("_", " ")
    return given or None


def _require_columns(frame: pd.DataFrame, *columns: str | None) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"charts take a pandas DataFrame, not {type(frame).__name__}")
    if frame.empty:
        raise ValueError("there is no data to chart: the table is empty (check your filter)")
    for col in columns:
        if col is not None and col not in frame.columns:
            raise UnknownNameError("column", col, [str(c) for c in frame.columns])


def _sources(frame: pd.DataFrame, sources: Sequence[str] | None) -> list[str]:
    if sources is not None:
        return list(sources)
    if "source_id" not in frame.columns:
        raise ValueError("the data has no source_id column: pass sources=[...] to name the sources")
    return [str(s) for s in frame["source_id"].dropna().unique()]


def _colour(field: str | None, frame: pd.DataFrame) -> Any:
    if field is None:
        return alt.Undefined
    values = set(frame[field].dropna().astype(str))
    if values and values <= set(COUNTRY_COLOURS):
        names = sorted(values)
        return alt.Color(f"{field}:N", scale=alt.Scale(domain=names, range=[COUNTRY_COLOURS[n] for n in names]))
    return alt.Color(f"{field}:N")


def bar(
    frame: pd.DataFrame,
    category: str,
    value: str,
    *,
    title: str,
    colour: str | None = None,
    sources: Sequence[str] | None = None,
    value_title: str | None = None,
    category_title: str | None = None,
    sort: str | list[str] = "-x",
    labels: bool = True,
) -> alt.TopLevelMixin:
    """Horizontal bars of ``value`` for each ``category``, with the value printed at each bar's end."""
    _require_columns(frame, category, value, colour)
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{category}:N", sort=sort, title=_axis_title(category_title, category)),
        x=alt.X(f"{value}:Q", title=_axis_title(value_title, value)),
    )
    bars = base.mark_bar().encode(color=_colour(colour, frame) if colour else alt.value(PALETTE[0]))
    layers = [bars]
    if labels:
        layers.append(base.mark_text(align="left", dx=4).encode(text=alt.Text(f"{value}:Q", format=",.4~g")))
    chart = alt.layer(*layers).properties(width=WIDTH)
    return finish(chart, title, _sources(frame, sources))


def line(
    frame: pd.DataFrame,
    x: str,
    y: str,
    *,
    title: str,
    colour: str | None = None,
    sources: Sequence[str] | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    reverse_y: bool = False,
    x_type: str = "O",
) -> alt.TopLevelMixin:
    """Lines with points of ``y`` over ``x``, one line per ``colour`` group; ``reverse_y`` for ranks."""
    _require_columns(frame, x, y, colour)
    chart = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=70), strokeWidth=3)
        .encode(
            x=alt.X(f"{x}:{x_type}", title=_axis_title(x_title, x), axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{y}:Q", title=_axis_title(y_title, y), scale=alt.Scale(reverse=reverse_y, zero=not reverse_y)),
            color=_colour(colour, frame),
        )
        .properties(width=WIDTH)
    )
    return finish(chart, title, _sources(frame, sources))


def timeline(
    frame: pd.DataFrame,
    *,
    title: str,
    date: str = "date",
    label: str = "title",
    colour: str | None = "theme",
    sources: Sequence[str] | None = None,
) -> alt.TopLevelMixin:
    """Events as labelled dots along a time axis; partial dates (``2025``, ``2025-05``) are placed at their start."""
    _require_columns(frame, date, label, colour)
    data = frame.copy()
    data["_when"] = pd.to_datetime(data[date].astype(str).map(_start_of), format="%Y-%m-%d")
    data = data.sort_values("_when", kind="stable")
    data["_row"] = range(len(data))
    # Over a few years, label months; over decades, years alone.
    span_days = (data["_when"].max() - data["_when"].min()).days
    date_format = "%b %Y" if span_days < 3 * 365 else "%Y"
    base = alt.Chart(data).encode(
        x=alt.X("_when:T", title="date", axis=alt.Axis(format=date_format, labelAngle=0)),
        y=alt.Y("_row:O", axis=None, sort="ascending"),
    )
    dots = base.mark_circle(size=120, opacity=0.9).encode(color=_colour(colour, data))
    text = base.mark_text(align="left", dx=9, fontSize=12).encode(text=f"{label}:N")
    chart = alt.layer(dots, text).properties(width=WIDTH, height=max(120, 22 * len(data)))
    return finish(chart, title, _sources(frame, sources))


def _start_of(partial: str) -> str:
    """'2025' -> '2025-01-01', '2025-05' -> '2025-05-01', full dates unchanged."""
    return partial + "-01" * (2 - partial.count("-"))
