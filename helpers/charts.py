"""The course's chart theme, an offline renderer and the chart builders lessons use.

Charts are drawn as SVG by vl-convert inside the kernel, so they need no
internet (altair's default renderer loads vega from a CDN) and stay visible in
static views of a committed lesson (GitHub, nbviewer, an HTML export). Every
builder puts a title and a source line, taken from the data's ``source_id``
column, on its chart.
"""

from __future__ import annotations

import base64
import hashlib
import json
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt
import pandas as pd

from . import citations
from .chart_text import describe, describe_table, number
from .chart_text import source_line_of as source_line_of  # re-exported: lessons and tests read specs here
from .chart_text import title_of as title_of
from .data import require_columns
from .display import esc

# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
COUNTRY_COLOURS = {"China": "#D55E00", "Russia": "#0072B2"}
# Okabe-Ito vermilion is 3.8:1 on white, too faint for text; its darker shade is 5.9:1. The blue is 5.0:1.
COUNTRY_TEXT_COLOURS = {"China": "#A34A00", "Russia": "#0072B2"}
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
WIDTH = 560
RENDERER = "soft_power_svg"
THEME = "soft_power"


# Sizes for a classroom projector at 1280x720: text about 2 % of the screen height (15 px and up) stays
# readable from the back row, so axis and legend labels are 15 px, axis titles 16 px, chart titles 22 px and
# the source line 14 px (it is read up close, in the handout or on the student's own screen, more than from
# afar). Label limits are out of reach: a cut label loses its key part (a year, a source), so long labels are
# shortened or wrapped in the lesson instead.
TITLE_SIZE = 22
SOURCE_SIZE = 14
LABEL_SIZE = 15
AXIS_TITLE_SIZE = 16
TEXT_SIZE = 15
TEXT_COLOUR = "#1b1b1b"  # 17:1 on white
SOURCE_COLOUR = "#444"  # 9.7:1 on white
LABEL_LIMIT = 2000  # px: in effect no limit (0 would too, but then Vega places the axis title over the labels)
BAR_STEP = 30  # px per bar: a 15 px label and its gap
# Layers whose colour scales stay apart (lines and the darker text colours of their labels). Layered charts take
# their size and resolve when made: altair's properties() and resolve_scale() copy the whole chart again.
INDEPENDENT_COLOURS = alt.Resolve(scale=alt.ScaleResolveMap(color="independent"))


def _theme() -> dict[str, Any]:
    axis = {
        "labelFontSize": LABEL_SIZE,
        "titleFontSize": AXIS_TITLE_SIZE,
        "labelColor": TEXT_COLOUR,
        "titleColor": TEXT_COLOUR,
        "gridColor": "#e6e6e6",
        "labelLimit": LABEL_LIMIT,
        "titleLimit": 0,
    }
    legend = {
        "labelFontSize": LABEL_SIZE,
        "titleFontSize": LABEL_SIZE,
        "labelColor": TEXT_COLOUR,
        "titleColor": TEXT_COLOUR,
        "labelLimit": LABEL_LIMIT,
        "titleLimit": 0,
        "orient": "bottom",
        "direction": "vertical",
    }
    return {
        "config": {
            "font": FONT,
            "view": {
                "continuousWidth": WIDTH,
                "continuousHeight": 300,
                "discreteHeight": {"step": BAR_STEP},
                "stroke": None,
            },
            "range": {"category": PALETTE},
            "title": {
                "fontSize": TITLE_SIZE,
                "color": TEXT_COLOUR,
                "subtitleFontSize": SOURCE_SIZE,
                "subtitleColor": SOURCE_COLOUR,
                "anchor": "start",
                "offset": 12,
                "limit": 0,
            },
            "axis": axis,
            "legend": legend,
            "header": {"labelFontSize": LABEL_SIZE, "titleFontSize": AXIS_TITLE_SIZE},
            "text": {"fontSize": TEXT_SIZE, "color": TEXT_COLOUR},
            "background": "white",
            "padding": 12,
        }
    }


def text_colour(country: str) -> str:
    """A country's colour for text (labels on white need 4.5:1 contrast); the body text colour for others."""
    return COUNTRY_TEXT_COLOURS.get(country, TEXT_COLOUR)


def _spec(chart: alt.TopLevelMixin | dict[str, Any]) -> dict[str, Any]:
    # Explorers redraw on every click: skip altair's schema check here (a third of the redraw time);
    # the builders' charts are checked by the tests, and vl-convert reports any invalid spec itself.
    return chart.to_dict(validate=False) if hasattr(chart, "to_dict") else chart


def svg(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    """Render a chart (or a Vega-Lite spec) to SVG markup, offline."""
    import vl_convert  # imported on first use: it adds start-up time to every lesson otherwise

    return vl_convert.vegalite_to_svg(_spec(chart))


# Fields that name the library's version, not the chart: a new altair release changes them alone.
VERSION_ONLY_FIELDS = ("$schema", "usermeta")


def fingerprint(spec: dict[str, Any]) -> str:
    """A short digest of a chart's spec: it changes when the data or the encoding changes, not when only the
    library version (the ``$schema`` URL, ``usermeta``) does."""
    kept = {key: value for key, value in spec.items() if key not in VERSION_ONLY_FIELDS}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, default=str).encode()).hexdigest()[:12]


def to_html(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    """The course's chart output: the SVG as an image with a data-derived alt text, then its data table.

    An ``<img>`` with a data URI survives JupyterLab's sanitizer, so the chart shows in an untrusted
    notebook before anything runs, and in static views (GitHub, nbviewer, exports) too.
    """
    spec = _spec(chart)
    image = base64.b64encode(svg(spec).encode("utf-8")).decode("ascii")
    return (
        f"<figure class='sp-chart' data-spec='{fingerprint(spec)}' style='margin:0'>"
        f"<img class='sp-chart-image' src='data:image/svg+xml;base64,{image}' alt='{esc(describe(spec))}' "
        "style='max-width:100%;height:auto'>"
        f"{describe_table(spec)}</figure>"
    )


def live_spec(chart: alt.TopLevelMixin | dict[str, Any]) -> dict[str, Any]:
    """A chart's spec for drawing in the browser (:mod:`helpers.livechart`), its description as its accessible name."""
    spec = _spec(chart)
    return {**spec, "description": describe(spec)}


def _render(spec: dict[str, Any], **_: Any) -> dict[str, str]:
    # text/plain is the description: screen readers, text-only views and nbval read it.
    return {"text/html": to_html(spec), "text/plain": describe(spec)}


def enable() -> None:
    """Switch altair to the course theme and the offline SVG renderer."""
    alt.theme.register(THEME, enable=True)(_theme)
    alt.renderers.register(RENDERER, _render)
    alt.renderers.enable(RENDERER)


def source_line(source_ids: Iterable[str]) -> str:
    """'Source: A; B' from source ids, in the order first seen."""
    labels = list(dict.fromkeys(citations.short_labels_of(source_ids)))
    prefix = "Source" if len(labels) == 1 else "Sources"
    return f"{prefix}: " + "; ".join(labels)


def finish(chart: alt.TopLevelMixin, title: str, sources: Iterable[str]) -> alt.TopLevelMixin:
    """Give a chart its title and source line. Every course chart goes through here."""
    return titled(chart.copy(deep=False), title, sources)


def titled(chart: alt.TopLevelMixin, title: str, sources: Iterable[str]) -> alt.TopLevelMixin:
    """:func:`finish` for a chart a chart builder has just made: titled in place, returned.

    Explorers redraw on every change, so the builders avoid what copies or validates the whole chart again:
    altair's properties() checks the title against its whole schema, and copying a layered chart, even a
    shallow copy, copies every layer; together they were a third of a redraw. The tests validate every
    builder's chart instead.
    """
    _require_title(title)
    ids = list(sources)
    if not ids:
        raise ValueError("every chart needs a source: pass sources=[...] or data with a source_id column")
    # A long list of sources wraps (about 700 px a line) rather than widen the chart past the screen.
    chart.title = dict(text=title, subtitle=textwrap.wrap(source_line(ids), 100))
    return chart


def _require_title(title: Any) -> None:
    if not isinstance(title, str) or not title.strip():
        raise ValueError("every chart needs a title: pass title='...'")


def _axis_title(given: str | None, column: str) -> str | None:
    """The column's name by default; an empty string hides the title."""
    if given is None:
        return column.replace("_", " ")
    return given.strip() or None


def _field_title(given: str | None, column: str) -> str:
    """The name of a field in the chart's data table and text alternative: never empty, never a raw name."""
    return (given or "").strip() or column.replace("_", " ")


def _require_data(frame: pd.DataFrame, *columns: str | None) -> None:
    """A table with the named columns and at least one row: a chart of nothing says why instead."""
    require_columns(frame, *columns)
    if frame.empty:
        raise ValueError("there is no data to chart: the table is empty (check your filter)")


def _charted(frame: pd.DataFrame, *columns: str | None) -> pd.DataFrame:
    """A copy of the columns a chart draws: the rest would only enlarge the chart's spec and, in explorers,
    the time altair takes to convert it (a timeline's long descriptions doubled it).

    A layered builder gives this copy to the layer chart, not to each layer: layers with data of their own
    make altair print each table to text to compare them (5-10 ms a layer)."""
    return frame[list(dict.fromkeys(c for c in columns if c))].copy()


def _sources(frame: pd.DataFrame, sources: Sequence[str] | None) -> list[str]:
    if sources is not None:
        return list(sources)
    if "source_id" not in frame.columns:
        raise ValueError("the data has no source_id column: pass sources=[...] to name the sources")
    return [str(s) for s in frame["source_id"].dropna().unique()]


def country_scale(names: Iterable[str]) -> dict[str, list[str]]:
    """The course's one colour scale for countries: China and Russia keep their colours in every chart; any
    other name takes one of the palette's further colours, in the order given."""
    names = list(names)
    return dict(domain=names, range=[COUNTRY_COLOURS.get(n, PALETTE[2 + i % 3]) for i, n in enumerate(names)])


def _colour_scale(field: str, frame: pd.DataFrame) -> Any:
    values = set(frame[field].dropna().astype(str))
    if values and values <= set(COUNTRY_COLOURS):
        return country_scale(sorted(values))
    return alt.Undefined


def _colour(field: str | None, frame: pd.DataFrame, title: str | None = None) -> Any:
    if field is None:
        return alt.Undefined
    return alt.Color(f"{field}:N", scale=_colour_scale(field, frame), title=_field_title(title, field))


def _one_row_per_bar(frame: pd.DataFrame, category: str) -> None:
    """Refuse two rows in one bar: stacked, they would add up figures (often from different sources)."""
    repeated = frame[category][frame[category].duplicated()].astype(str).unique()
    if len(repeated):
        raise ValueError(
            f"each bar shows one row, but {len(repeated)} value(s) of {category!r} repeat "
            f"(e.g. {repeated[0]!r}): give each row its own label, such as the year or the source"
        )


def _text_px(text: str) -> float:
    """An upper estimate of a value label's width: 0.6 em a character in the course's sans-serif font."""
    return len(text) * TEXT_SIZE * 0.6


def _bar_width(categories: pd.Series) -> int:
    """The bars' width: narrower when the category labels are long, so the whole chart stays within about 900 px
    (JupyterLab beside its file browser at 1280 px) and is not shrunk, text and all, to fit."""
    label_px = max(len(str(c)) for c in categories) * LABEL_SIZE * 0.55
    return int(min(WIDTH, max(320, 900 - label_px - 80)))


def _value_domain(values: pd.Series, labels: pd.Series, width: int = WIDTH) -> list[float]:
    """An x domain wide enough that every value label fits inside the view, after or before its bar.

    A positive bar ends at ``v``; its label (4 px gap) must end by the view's right edge, so the span must be
    at least ``(v - low) * WIDTH / (WIDTH - 4 - label)``. Negative bars mirror this at the left edge.
    """
    low, high = min(0.0, float(values.min())), max(0.0, float(values.max()))
    for _ in range(3):  # widening one side changes the span the other side needs; three passes settle it
        for v, text in zip(values.astype(float), labels):
            room = width - 6 - _text_px(text)
            if v > 0:
                high = max(high, low + (v - low) * width / room)
            elif v < 0:
                low = min(low, high - (high - v) * width / room)
    return [low, high]


def _name_in_label(frame: pd.DataFrame, category: str, colour: str) -> bool:
    """True when each bar's label already names its colour group (so the legend is not the only key)."""
    return all(str(g) in str(c) for c, g in zip(frame[category], frame[colour]))


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
    colour_title: str | None = None,
    sort: str | list[str] | None = "-x",
    labels: bool = True,
) -> alt.TopLevelMixin:
    """Horizontal bars of ``value`` for each ``category``, one bar a row, with the value printed at each bar's end.

    With ``colour``, the colour group is also written next to the value unless the bar's label names it, so the
    chart reads in greyscale print too.
    """
    _require_data(frame, category, value, colour)
    _require_title(title)
    source_ids = _sources(frame, sources)
    _one_row_per_bar(frame, category)
    data = _charted(frame, category, value, colour)
    number_format = ",.4~g"
    data["_label"] = [number(v) for v in data[value]]
    # The colour group is written beside the value unless the bar's label names it already.
    group_in_value_label = bool(colour) and not _name_in_label(data, category, colour)
    if group_in_value_label:
        data["_label"] = data["_label"] + " (" + data[colour].astype(str) + ")"
    width = _bar_width(data[category])
    domain = _value_domain(data[value].fillna(0), data["_label"] if labels else data[value].map(lambda _: ""), width)
    base = alt.Chart().encode(
        y=alt.Y(
            f"{category}:N",
            sort=sort,
            title=_field_title(category_title, category),
            # The category title sits level above the labels: rotated, it would cross long labels.
            axis=dict(
                title=_axis_title(category_title, category), titleAngle=0, titleAlign="right", titleX=-6, titleY=-10
            ),
        ),
        x=alt.X(
            f"{value}:Q",
            title=_field_title(value_title, value),
            axis=dict(title=_axis_title(value_title, value)),
            scale=dict(domain=domain, nice=False),
            stack=None,  # one bar a row: nothing is added up
        ),
    )
    # Tooltips show where the chart is drawn in the browser (explorers); a static image ignores them.
    tooltip = [
        alt.Tooltip(f"{category}:N", title=_field_title(category_title, category)),
        alt.Tooltip(f"{value}:Q", title=_field_title(value_title, value), format=number_format),
    ] + ([alt.Tooltip(f"{colour}:N", title=_field_title(colour_title, colour))] if colour else [])
    bars = base.mark_bar().encode(
        color=_colour(colour, data, colour_title) if colour else alt.value(PALETTE[0]), tooltip=tooltip
    )
    layers = [bars]
    if labels:
        # Negative values print to the left of their bar, positive ones to the right.
        text = base.mark_text(
            align=alt.expr(f"datum[{json.dumps(value)}] < 0 ? 'right' : 'left'"),
            dx=alt.expr(f"datum[{json.dumps(value)}] < 0 ? -4 : 4"),
        )
        if group_in_value_label:
            layers.append(text.encode(text=alt.Text("_label:N")))
        else:
            layers.append(text.encode(text=alt.Text(f"{value}:Q", format=number_format)))
    return titled(alt.layer(*layers, data=data, width=width), title, source_ids)


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
    colour_title: str | None = None,
    reverse_y: bool = False,
    x_type: str = "O",
) -> alt.TopLevelMixin:
    """Lines with points of ``y`` over ``x``, one line per ``colour`` group; ``reverse_y`` for ranks.

    Each group also has its own dash pattern and point shape, so the lines separate in greyscale print.
    """
    _require_data(frame, x, y, colour)
    data = _charted(frame, x, y, colour)
    base = alt.Chart().encode(
        x=alt.X(f"{x}:{x_type}", title=_axis_title(x_title, x), axis=dict(labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=_axis_title(y_title, y), scale=dict(reverse=reverse_y, zero=not reverse_y)),
    )
    encoding: dict[str, Any] = {
        "tooltip": [
            alt.Tooltip(f"{x}:{x_type}", title=_field_title(x_title, x)),
            alt.Tooltip(f"{y}:Q", title=_field_title(y_title, y)),
        ]
        + ([alt.Tooltip(f"{colour}:N", title=_field_title(colour_title, colour))] if colour else [])
    }
    if colour:
        # Dash and point shape repeat the colour (legends of a line chart with a fixed colour scale do not
        # merge, so these two carry none); the name at each line's end keys them in greyscale print.
        encoding |= {
            "color": _colour(colour, data, colour_title),
            "strokeDash": alt.StrokeDash(f"{colour}:N", legend=None),
            "shape": alt.Shape(f"{colour}:N", legend=None),
        }
    lines = base.mark_line(point=dict(size=90, filled=True), strokeWidth=3).encode(**encoding)
    layers = [lines]
    if colour:
        layers.append(end_labels(base, data, x, y, colour))
    # The end labels' text colours are a scale of their own, not the lines' colours.
    chart = alt.layer(*layers, data=data, resolve=INDEPENDENT_COLOURS, width=WIDTH)
    return titled(chart, title, _sources(frame, sources))


def end_labels(base: alt.Chart, frame: pd.DataFrame, x: str, y: str, group: str) -> alt.Chart:
    """Each group's name written after its line's last point, in a colour readable as text."""
    ends = frame.dropna(subset=[y]).sort_values(x, kind="stable").drop_duplicates(group, keep="last")
    names = sorted(set(ends[group].astype(str)))
    return (
        base.properties(data=ends)
        .mark_text(align="left", dx=10, fontWeight="bold")
        .encode(
            text=alt.Text(f"{group}:N"),  # a channel object: a shorthand string costs altair ~10 ms
            color=alt.Color(f"{group}:N", scale=dict(domain=names, range=[text_colour(n) for n in names]), legend=None),
        )
    )


SHAPES = ["circle", "square", "diamond", "triangle-up", "cross", "triangle-down", "triangle-right", "triangle-left"]


def distinct_marks(groups: Sequence[str]) -> tuple[list[str], list[str]]:
    """A colour and a shape for each group, no two groups alike (up to 64): past the eighth group the colours
    repeat, and the shape then moves one step on, so "ceremony" and "theme year" are never both blue circles."""
    if len(groups) > len(PALETTE) * len(SHAPES):
        raise ValueError(f"at most {len(PALETTE) * len(SHAPES)} groups can have distinct marks, not {len(groups)}")
    n = len(PALETTE)
    colours = [PALETTE[i % n] for i in range(len(groups))]
    return colours, [SHAPES[(i % n + i // n) % len(SHAPES)] for i in range(len(groups))]


def timeline(
    frame: pd.DataFrame,
    *,
    title: str,
    date: str = "date",
    label: str = "title",
    colour: str | None = "theme",
    colour_title: str | None = None,
    sources: Sequence[str] | None = None,
) -> alt.TopLevelMixin:
    """Events as labelled dots along a time axis; partial dates (``2025``, ``2025-05``) are placed at their start.

    Each colour group also has its own dot shape (greyscale print). Labels of events in the later half of
    the span sit left of their dot, so no label runs off the right edge.
    """
    _require_data(frame, date, label, colour)
    data = _charted(frame, date, label, colour)
    data["_when"] = pd.to_datetime(data[date].astype(str).map(_start_of), format="%Y-%m-%d")
    data = data.sort_values("_when", kind="stable")
    data["_row"] = range(len(data))
    middle = data["_when"].min() + (data["_when"].max() - data["_when"].min()) / 2
    data["_right"] = data["_when"] > middle
    # Over a few years, label months; over decades, years alone.
    span_days = (data["_when"].max() - data["_when"].min()).days
    date_format = "%b %Y" if span_days < 3 * 365 else "%Y"
    base = alt.Chart().encode(
        x=alt.X("_when:T", title="date", axis=dict(format=date_format, labelAngle=0)),
        y=alt.Y("_row:O", axis=None, sort="ascending"),
    )
    marks = {"tooltip": [alt.Tooltip(f"{label}:N", title="event"), alt.Tooltip(f"{date}:N", title="date")]}
    if colour:
        group_title = _field_title(colour_title, colour)
        groups = sorted(set(data[colour].dropna().astype(str)))
        colours, shapes = distinct_marks(groups)
        marks |= {
            "color": alt.Color(f"{colour}:N", title=group_title, scale=dict(domain=groups, range=colours)),
            "shape": alt.Shape(f"{colour}:N", title=group_title, scale=dict(domain=groups, range=shapes)),
        }
    # A thin dark outline keeps the light palette colours (the yellow is 1.2:1 on white) visible as dots.
    dots = base.mark_point(size=130, filled=True, opacity=1, stroke=TEXT_COLOUR, strokeWidth=0.8).encode(**marks)
    text = base.mark_text(
        align=alt.expr("datum._right ? 'right' : 'left'"), dx=alt.expr("datum._right ? -10 : 10")
    ).encode(text=alt.Text(f"{label}:N"))
    chart = alt.layer(dots, text, data=data, width=WIDTH, height=max(120, BAR_STEP * len(data)))
    return titled(chart, title, _sources(frame, sources))


def _start_of(partial: str) -> str:
    """'2025' -> '2025-01-01', '2025-05' -> '2025-05-01', full dates unchanged."""
    return partial + "-01" * (2 - partial.count("-"))
