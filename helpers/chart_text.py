"""What a chart shows, in words and as a table, read from its Vega-Lite spec and data.

Every course chart carries both: the words as the image's alt text and text form, the table behind a
closed ``<details>``. Nothing here is written per chart: the kind of chart comes from its marks, what it
compares from its axis titles, the extremes or the trend from its data rows, the source from its
subtitle. So a chart whose data changes gets a description that changes with it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .display import closed_details, table_html

# Channels that place or tell apart a chart's marks, in the order their fields become table columns.
_CHANNELS = ("y", "x", "yOffset", "row", "column", "color", "strokeDash", "shape", "text")
_SERIES_CHANNELS = ("color", "strokeDash", "shape")
_MARKS = ("bar", "line", "area", "point", "circle", "square", "tick", "rect")
_KINDS = {"bar": "Bar chart", "line": "Line chart", "area": "Area chart", "rect": "Heat map", "tick": "Strip plot"}


@dataclass
class Layer:
    """One drawing layer: its mark, its encoding (inherited from the parents) and its data rows."""

    mark: str
    encoding: dict[str, Any]
    rows: list[dict[str, Any]]
    filtered: bool = False  # a transform hides some rows of this layer


@dataclass
class Field:
    name: str
    title: str
    kind: str  # Vega-Lite type: quantitative, nominal, ordinal, temporal
    channel: str
    extra: dict[str, Any] = field(default_factory=dict)


def title_of(spec: dict[str, Any]) -> str:
    """The title text of a Vega-Lite spec ('' if it has none)."""
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    return " ".join(title) if isinstance(title, list) else str(title)


def source_line_of(spec: dict[str, Any]) -> str:
    """The source line (the title's subtitle, one string even when wrapped over lines)."""
    title = spec.get("title")
    subtitle = title.get("subtitle", "") if isinstance(title, dict) else ""
    return " ".join(subtitle) if isinstance(subtitle, list) else str(subtitle)


def _mark_type(mark: Any) -> str:
    return mark.get("type", "") if isinstance(mark, dict) else str(mark or "")


def _rows_of(spec: dict[str, Any], data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        return []
    if "values" in data:
        return list(data["values"])
    return list(spec.get("datasets", {}).get(data.get("name"), []))


def layers(spec: dict[str, Any]) -> list[Layer]:
    """Every layer of a (possibly layered and nested) spec, with encodings and data merged down."""

    def walk(node: dict[str, Any], encoding: dict[str, Any], data: Any) -> Iterator[Layer]:
        encoding = {**encoding, **node.get("encoding", {})}
        data = node.get("data", data)
        if "layer" in node:
            for child in node["layer"]:
                yield from walk(child, encoding, data)
        elif "mark" in node:
            yield Layer(_mark_type(node["mark"]), encoding, _rows_of(spec, data), bool(node.get("transform")))

    return list(walk(spec, {}, None))


def main_layer(spec: dict[str, Any]) -> Layer | None:
    """The layer that draws the data: the lines if there are any (their points only mark them), else the
    first bars or dots; text layers only label it."""
    drawn = [layer for layer in layers(spec) if layer.mark in _MARKS]
    return next((layer for layer in drawn if layer.mark == "line"), drawn[0] if drawn else None)


def _field(layer: Layer, channel: str) -> Field | None:
    definition = layer.encoding.get(channel)
    if isinstance(definition, list) or not isinstance(definition, dict) or "field" not in definition:
        return None
    name = str(definition["field"])
    title = definition.get("title")
    if isinstance(title, list):
        title = " ".join(title)
    if not isinstance(title, str) or not title.strip():
        title = name.lstrip("_").replace("_", " ")
    return Field(name, title.strip(), definition.get("type", "nominal"), channel, definition)


def _is_internal(f: Field) -> bool:
    """Helper columns (``_row``) and axis-less ordinal positions only place marks; they are not data."""
    return f.name.startswith("_") and f.kind != "temporal"


def table_fields(layer: Layer) -> list[Field]:
    """The fields a reader needs to rebuild the chart: categories and series first, then the values."""
    found: dict[str, Field] = {}
    for channel in _CHANNELS:
        f = _field(layer, channel)
        if f and not _is_internal(f) and f.name not in found:
            found[f.name] = f
    tooltip = layer.encoding.get("tooltip")
    for item in tooltip if isinstance(tooltip, list) else []:
        f = _field(Layer(layer.mark, {"tooltip": item}, []), "tooltip")
        if f and f.name not in found:
            found[f.name] = f
    fields = list(found.values())
    # A temporal position shown by a readable date column (the timeline's) needs no second, exact column.
    if any(f.channel == "tooltip" and f.title == "date" for f in fields):
        fields = [f for f in fields if f.kind != "temporal"]
    return [f for f in fields if f.kind != "quantitative"] + [f for f in fields if f.kind == "quantitative"]


def _missing(value: Any) -> bool:
    return value is None or isinstance(value, float) and math.isnan(value)


def number(value: Any) -> str:
    """A value as a reader would write it: 71.9, 12, 1,234, 0.25."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if _missing(value) else str(value)
    if math.isnan(value):
        return ""
    if float(value).is_integer():
        return f"{int(value):,}" if abs(value) >= 10000 else str(int(value))  # no comma in years
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _cell(f: Field, value: Any) -> str:
    if f.kind == "temporal" and isinstance(value, str):
        return value[:10]  # ISO timestamps of whole days
    return number(value)


def _label(row: dict[str, Any], parts: list[Field]) -> str:
    """A row's name from its category fields, each part once ('Stalingrad, 2013 (Laruelle & Luo 2020)')."""
    names: list[str] = []
    for f in parts:
        text = _cell(f, row.get(f.name))
        if text and not any(text in n for n in names):
            names.append(text)
    return names[0] + "".join(f" ({n})" for n in names[1:]) if names else "(unnamed)"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _position_fields(layer: Layer) -> tuple[Field | None, Field | None]:
    """The value field (quantitative position) and the category or time field (the other position)."""
    x, y = _field(layer, "x"), _field(layer, "y")
    if y and y.kind == "quantitative" and not (x and x.kind == "quantitative" and layer.mark == "bar"):
        return y, x
    if x and x.kind == "quantitative":
        return x, y
    return None, x or y


def _values(layer: Layer, value: Field) -> list[tuple[float, dict[str, Any]]]:
    pairs = []
    for row in layer.rows:
        v = row.get(value.name)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isnan(v):
            pairs.append((float(v), row))
    return pairs


def _extremes(layer: Layer, value: Field, names: list[Field]) -> str:
    pairs = _values(layer, value)
    if not pairs:
        return "It has no values."
    high = max(pairs, key=lambda p: p[0])
    low = min(pairs, key=lambda p: p[0])
    if len(pairs) == 1:
        return f"The only value is {_label(high[1], names)}: {number(high[0])}."
    return f"Highest: {_label(high[1], names)}, {number(high[0])}. Lowest: {_label(low[1], names)}, {number(low[0])}."


def _series_fields(layer: Layer) -> list[Field]:
    found: list[Field] = []
    for channel in _SERIES_CHANNELS:
        f = _field(layer, channel)
        if f and f.kind != "quantitative" and all(f.name != g.name for g in found):
            found.append(f)
    return found


def _trend(layer: Layer, value: Field, along: Field) -> str:
    """First to last value of each series, in the order of the x axis."""
    series = _series_fields(layer)
    groups: dict[str, list[tuple[Any, float]]] = {}
    for v, row in _values(layer, value):
        key = ", ".join(_cell(f, row.get(f.name)) for f in series) or "the series"
        groups.setdefault(key, []).append((row.get(along.name), v))
    parts = []
    for key, points in groups.items():
        points.sort(key=lambda p: str(p[0]) if along.kind != "quantitative" else float(p[0]))
        (x0, v0), (x1, v1) = points[0], points[-1]
        if len(points) == 1:
            parts.append(f"{key}: {number(v0)} in {_cell(along, x0)} only")
            continue
        # Words follow the chart: on a reversed axis (ranks, 1 at the top) a smaller number sits higher.
        rising = v1 < v0 if value.extra.get("scale", {}).get("reverse") else v1 > v0
        direction = "unchanged" if v1 == v0 else "higher on the chart" if rising else "lower on the chart"
        parts.append(
            f"{key}: from {number(v0)} in {_cell(along, x0)} to {number(v1)} in {_cell(along, x1)} ({direction})"
        )
    return f"From first to last {along.title}: " + "; ".join(parts) + "."


def _timeline(layer: Layer) -> str:
    fields = table_fields(layer)
    date = next((f for f in fields if f.title == "date"), None) or _field(layer, "x")
    label = next((f for f in fields if f.channel in ("text", "tooltip") and f is not date), None)
    rows = [r for r in layer.rows if date and r.get(date.name) is not None]
    if not rows or date is None:
        return "It has no events."
    rows.sort(key=lambda r: str(r.get("_when", r.get(date.name))))
    first, last = rows[0], rows[-1]
    name = (lambda r: _cell(label, r.get(label.name))) if label else (lambda r: "an event")
    return (
        f"It places {_plural(len(rows), 'event')} in time. "
        f"Earliest: {name(first)} ({_cell(date, first.get(date.name))}). "
        f"Latest: {name(last)} ({_cell(date, last.get(date.name))})."
    )


def kind_of(spec: dict[str, Any]) -> str:
    layer = main_layer(spec)
    if layer is None:
        return "Chart"
    x, y = _field(layer, "x"), _field(layer, "y")
    if x and x.kind == "temporal" and layer.mark in ("circle", "point") and (not y or y.kind != "quantitative"):
        return "Timeline"
    if layer.mark == "bar" and _field(layer, "color"):
        value, category = _position_fields(layer)
        stacks = value and value.extra.get("stack", "zero") not in (None, False)  # Vega-Lite stacks coloured bars
        keys = [row.get(category.name) for row in layer.rows] if category else []
        if stacks and len(keys) != len(set(keys)):  # several rows in one bar
            return "Stacked bar chart"
    if layer.mark in ("circle", "point", "square"):
        return "Dot chart"
    return _KINDS.get(layer.mark, "Chart")


def describe(spec: dict[str, Any]) -> str:
    """What the chart shows, in words: kind, title, what is compared, extremes or trend, count, source."""
    kind = kind_of(spec)
    title = title_of(spec)
    source = source_line_of(spec)
    layer = main_layer(spec)
    head = f"{kind}: {title}." if title else f"{kind}."
    if layer is None:
        return " ".join(p for p in (head, source) if p)
    if kind == "Timeline":
        body = _timeline(layer)
    else:
        value, other = _position_fields(layer)
        names = [f for f in table_fields(layer) if f.kind != "quantitative"]
        if value is None or other is None:
            body = f"It shows {_plural(len(layer.rows), 'item')}."
        elif kind == "Line chart":
            series = _series_fields(layer)
            over = f", one line per {' and '.join(f.title for f in series)}" if series else ""
            body = f"It shows {value.title} over {other.title}{over} ({_plural(len(layer.rows), 'point')}). " + _trend(
                layer, value, other
            )
        else:
            bars = len({str(row.get(other.name)) for row in layer.rows})
            parts = f", {_plural(len(layer.rows), 'segment')}" if kind == "Stacked bar chart" else ""
            body = f"It compares {value.title} across {_plural(bars, 'bar')} ({other.title}{parts}). " + _extremes(
                layer, value, names
            )
    if source and not source.endswith("."):
        source += "."
    return " ".join(p for p in (head, body, source) if p)


def describe_table(spec: dict[str, Any]) -> str:
    """The chart's data as an accessible HTML table inside a closed ``<details>``."""
    layer = main_layer(spec)
    if layer is None or not layer.rows:
        return ""
    fields = table_fields(layer)
    rows = [[_cell(f, row.get(f.name)) for f in fields] for row in layer.rows]
    caption = " ".join(p for p in (title_of(spec) + ".", source_line_of(spec)) if p.strip("."))
    table = table_html([f.title for f in fields], rows, caption)
    return closed_details("The data behind this chart", table, css_class="sp-chart-data")
