"""Course charts: their output form, stable identity, text alternative, one bar per row, projector sizes, colour."""

from __future__ import annotations

import helpers as h
from helpers import chart_text, charts
from helpers.topics import indices, rubric, screens

import base64
import copy
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import altair as alt
import pandas as pd
import pytest

from tests.conftest import LESSONS, read_notebook

HOSTILE = "<script>alert('x')</script>"
SVG_NS = "{http://www.w3.org/2000/svg}"


class Tags(HTMLParser):
    """Every start tag of an HTML fragment with its attributes, and the text inside each table cell."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[tuple[str, str]] = []
        self._cell: str | None = None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("th", "td"):
            self._cell, self._text = tag, ""

    def handle_data(self, data):
        if self._cell:
            self._text += data

    def handle_endtag(self, tag):
        if tag == self._cell:
            self.cells.append((tag, self._text))
            self._cell = None

    def first(self, tag: str, css_class: str) -> dict[str, str | None]:
        return next(a for t, a in self.tags if t == tag and css_class in (a.get("class") or "").split())


def svg_of(markup: str) -> str:
    """The SVG inside a chart's HTML output, decoded from its data URI."""
    src = Tags(markup).first("img", "sp-chart-image")["src"]
    assert src.startswith("data:image/svg+xml;base64,")
    return base64.b64decode(src.split(",", 1)[1]).decode("utf-8")


# ---------------------------------------------------------------- the charts every builder makes


def _pew() -> pd.DataFrame:
    polls = h.load("polls")
    pew = polls[(polls["survey"] == "Pew Research Center") & (polls["subject"] == "Russia")]
    return pew.drop_duplicates(["year", "respondents", "measure"]).assign(
        series=lambda d: d["respondents"] + ", " + d["measure"]
    )


def built_charts() -> list[tuple[str, alt.TopLevelMixin, dict]]:
    """(name, chart, what its data says) for every builder, with the expected extremes or trend from the data."""
    out = []
    polls = h.load("polls").drop_duplicates("respondents")
    out.append(("bar", h.bar(polls, "respondents", "percent", title="Polls"), {"values": polls["percent"]}))
    trade = h.load("trade").dropna(subset=["change_pct"]).drop_duplicates("period")  # one bar per period
    out.append(("bar negative", h.bar(trade, "period", "change_pct", title="Trade"), {"values": trade["change_pct"]}))
    pew = _pew()
    out.append(("line", h.line(pew, "year", "percent", colour="series", title="Pew"), {"series": (pew, "series")}))
    events = h.load("events")
    music = events[events["theme"] == "music"]
    out.append(("timeline", h.timeline(music, title="Music"), {"events": music}))
    strands = screens.events_between(events, screens.STRANDS, (1938, 2020))
    out.append(("events_chart", screens.events_chart(strands, "Strands"), {"events": strands}))
    for measure in screens.MEASURES:
        for works, kinds in screens.WORK_KINDS.items():
            rows = screens.figures(measure, kinds)
            if not rows.empty:
                out.append(
                    (
                        f"figures {measure} {works}",
                        screens.figures_chart(rows, measure, works),
                        {"values": rows["value"]},
                    )
                )
    ranks = h.load("soft_power_indices")
    for index in ("both", "Soft Power 30", "Brand Finance"):
        rows = indices.select_ranks(ranks, index=index)
        ranked = rows[rows["status"] == "ranked"].drop_duplicates(["index", "year", "country"])
        out.append((f"rank_chart {index}", indices.rank_chart(rows), {"series": (ranked, ["country", "index"])}))
    table = indices.ranking(
        {
            "China": {"culture": 6, "political values": 3, "foreign policies": 5},
            "Russia": {"culture": 5, "political values": 2, "foreign policies": 4},
        },
        {"culture": 1, "political values": 1, "foreign policies": 1},
    )
    out.append(("ranking_chart", indices.ranking_chart(table), {"values": table["index"]}))
    rated = rubric.profile({"culture": 3, "ideological": 2})
    out.append(("profile_chart", rubric.profile_chart(rated), {"values": rated["rating"].dropna()}))
    return out


BUILT = built_charts()


@pytest.fixture(params=BUILT, ids=[name for name, _, _ in BUILT])
def built(request):
    return request.param


# ---------------------------------------------------------------- 1. the output form


def test_output_is_a_figure_with_image_alt_and_closed_data_table(built):
    _name, chart, _facts = built
    bundle = alt.renderers.get()(chart.to_dict())
    assert set(bundle) == {"text/html", "text/plain"}
    html = bundle["text/html"]
    tags = Tags(html)
    assert tags.tags[0][0] == "figure" and "sp-chart" in tags.tags[0][1]["class"].split()
    image = tags.first("img", "sp-chart-image")
    assert svg_of(html).lstrip().startswith("<svg")
    assert image["alt"] == bundle["text/plain"] and len(image["alt"]) > 40
    details = tags.first("details", "sp-chart-data")
    assert "open" not in details, "the data table starts closed"
    names = [t for t, _ in tags.tags]
    assert names.index("img") < names.index("details") < names.index("table")
    assert {"summary", "caption", "thead", "tbody"} <= set(names)
    headers = [a for t, a in tags.tags if t == "th"]
    assert headers and all(a.get("scope") == "col" for a in headers)
    assert all(text.strip() for tag, text in tags.cells if tag == "th"), "no empty header cell"
    assert not any(re.fullmatch(r"_\w+|\w+_\w+", text) for tag, text in tags.cells if tag == "th"), "no raw names"
    outside_image = re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,", html)  # base64 text may spell anything
    assert "cdn" not in outside_image.lower() and "cdn" not in svg_of(html).lower()


def test_text_from_data_is_escaped_in_alt_table_and_svg():
    frame = pd.DataFrame({"label": [HOSTILE, "b"], "value": [1.0, 2.0], "source_id": ["nye_2008"] * 2})
    html = charts.to_html(h.bar(frame, "label", "value", title=HOSTILE))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>" not in svg_of(html)
    assert Tags(html).first("img", "sp-chart-image")["alt"].count(HOSTILE) == 2  # title and lowest bar, unescaped


def test_explorers_and_widgets_draw_charts_in_the_same_form():
    explorer = h.Explorer(screens.explore_figures, measure=list(screens.MEASURES), works=list(screens.WORK_KINDS))
    # A view that changes draws in the browser, with the same text alternative and data table as a static chart.
    [spec] = explorer.output.charts
    assert spec["description"] == chart_text.describe(spec)
    assert chart_text.describe_table(spec) in explorer.output.html
    assert "class='sp-chart-data'" in explorer.output.html
    builder = indices.IndexBuilder()
    [spec] = builder.output.charts
    assert chart_text.describe_table(spec) in builder.output.html


# ---------------------------------------------------------------- 2. stable identity


def test_identity_ignores_the_library_version_but_not_the_data():
    spec = h.bar(h.load("polls").drop_duplicates("respondents"), "respondents", "percent", title="P").to_dict()
    other_version = copy.deepcopy(spec)
    other_version["$schema"] = "https://vega.github.io/schema/vega-lite/v5.20.1.json"
    other_version["usermeta"] = {"embedOptions": {"renderer": "svg"}}
    assert charts.fingerprint(other_version) == charts.fingerprint(spec)
    other_data = copy.deepcopy(spec)
    rows = next(iter(other_data["datasets"].values()))
    max(rows, key=lambda row: row["percent"])["percent"] = 99
    assert charts.fingerprint(other_data) != charts.fingerprint(spec)
    with_digest = re.compile(r"data-spec='([0-9a-f]{12})'")
    assert with_digest.search(charts.to_html(other_version))[1] == with_digest.search(charts.to_html(spec))[1]
    assert chart_text.describe(other_data) != chart_text.describe(spec)  # the alt text follows the data too


# ---------------------------------------------------------------- 3. a text alternative from the data


def test_alt_text_states_kind_title_source_and_the_extremes_or_trend(built):
    name, chart, facts = built
    spec = chart.to_dict()
    text = chart_text.describe(spec)
    assert text.startswith(("Bar chart: ", "Line chart: ", "Timeline: ")), text
    assert charts.title_of(spec) in text and charts.source_line_of(spec) in text
    if "values" in facts:
        values = facts["values"].dropna()
        assert "Highest: " in text and f", {chart_text.number(values.max())}." in text, text
        assert "Lowest: " in text and f", {chart_text.number(values.min())}." in text, text
        assert f"across {len(values)} bar" in text
    if "series" in facts:
        frame, group = facts["series"]
        value = "rank" if "rank" in frame.columns and name.startswith("rank") else "percent"
        for _key, rows in frame.dropna(subset=[value]).sort_values("year").groupby(group):
            first, last = rows.iloc[0], rows.iloc[-1]
            if len(rows) > 1:
                assert (
                    f"from {chart_text.number(first[value])} in {first['year']} to "
                    f"{chart_text.number(last[value])} in {last['year']}" in text
                ), text
    if "events" in facts:
        events = facts["events"]
        assert f"It places {len(events)} event" in text
        assert f"({events['date'].min()})" in text and f"({events['date'].max()})" in text, text


# ---------------------------------------------------------------- 4. one bar per row


def _bar_layers(spec: dict) -> list[chart_text.Layer]:
    return [layer for layer in chart_text.layers(spec) if layer.mark == "bar"]


def test_no_builder_stacks_or_merges_rows(built):
    _name, chart, _facts = built
    spec = chart.to_dict()
    for layer in _bar_layers(spec):
        value, category = chart_text._position_fields(layer)
        assert value.extra.get("stack", "unset") is None, "bars are never stacked"
        assert "aggregate" not in value.extra
        keys = [row[category.name] for row in layer.rows]
        assert len(keys) == len(set(keys)), "each category is one row, so no two rows share a bar"
        drawn = re.search(r'<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)</g>', charts.svg(spec), re.S)
        assert drawn and drawn[1].count("<path") == len(layer.rows), "one drawn bar per data row"


def test_figures_explorer_shows_each_sources_figure_as_its_own_bar():
    rows = screens.figures("China gross (million yuan)")
    stalingrad = rows[rows["title"] == "Stalingrad"]
    assert sorted(stalingrad["value"]) == [71.9, 72.0]  # two sources, one figure each
    html = charts.to_html(screens.figures_chart(rows, "China gross (million yuan)"))
    cells = [text for tag, text in Tags(html).cells if tag == "td"]
    assert "Stalingrad, 2013 · Global Times 2018" in cells and "Stalingrad, 2013 · Laruelle & Luo 2020" in cells
    assert "143.9" not in html  # never the false total


def test_bar_refuses_two_rows_in_one_bar():
    frame = pd.DataFrame({"work": ["Stalingrad", "Stalingrad"], "value": [71.9, 72], "source_id": ["a", "b"]})
    with pytest.raises(ValueError, match="'Stalingrad'.*give each row its own label"):
        h.bar(frame, "work", "value", title="T", sources=["nye_2008"])


# ---------------------------------------------------------------- 5-6. committed charts: readable, uncut, contrasted


def committed_charts() -> list[tuple[str, str, str]]:
    """(lesson, text/html, text/plain) of every chart stored in the lessons."""
    found = []
    for path in LESSONS:
        for cell in read_notebook(path)["cells"]:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                html = "".join(data.get("text/html", ""))
                if "class='sp-chart'" in html:
                    found.append((path.stem, html, "".join(data.get("text/plain", ""))))
    return found


COMMITTED = committed_charts()


def test_every_lesson_has_charts_in_the_course_form():
    lessons = {lesson for lesson, _, _ in COMMITTED}
    assert len(COMMITTED) >= 20 and len(lessons) == len(LESSONS)
    assert not any(
        "image/svg+xml" in o.get("data", {})
        for p in LESSONS
        for c in read_notebook(p)["cells"]
        for o in c.get("outputs", [])
    )


def _texts(svg: str) -> list[ET.Element]:
    return [e for e in ET.fromstring(svg).iter(f"{SVG_NS}text")]


def _contrast(colour: str) -> float:
    """WCAG contrast ratio of a #rgb/#rrggbb text colour on white."""
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize("lesson, html, text", COMMITTED, ids=[f"{c[0][:2]}-{i}" for i, c in enumerate(COMMITTED)])
def test_committed_chart_is_readable_on_a_projector(lesson, html, text):
    svg = svg_of(html)
    alt_text = Tags(html).first("img", "sp-chart-image")["alt"]
    assert alt_text == text and ("Highest:" in text or "From first to last" in text or "Earliest:" in text)
    root = ET.fromstring(svg)
    assert float(root.get("width")) <= 960, "fits a 1280 px wide JupyterLab (file browser open) without shrinking"
    for element in _texts(svg):
        content = "".join(element.itertext())
        assert "…" not in content, f"cut label: {content!r}"
        size = float(element.get("font-size", "0").rstrip("px"))
        assert size >= charts.SOURCE_SIZE, f"{content!r} is {size}px"
        fill = element.get("fill", "#000")
        assert _contrast(fill) >= 4.5, f"{content!r} in {fill} is {_contrast(fill):.1f}:1 on white"
    names = re.findall(r'role-(?:axis|legend)-title".*?>([^<]*)</text>', svg, re.S)
    names += [cell for tag, cell in Tags(html).cells if tag == "th"]
    assert not [n for n in names if "_" in n], f"raw column names reach students: {names}"
    title_size = re.search(r'role-title-text".*?font-size="([\d.]+)px"', svg, re.S)[1]
    assert float(title_size) >= 20


def _view_width(svg: str) -> float:
    return float(
        re.search(r'role-frame root".*?<path class="background"[^>]*d="M[\d.]+,[\d.]+h([\d.]+)v', svg, re.S)[1]
    )


@pytest.mark.parametrize(
    "lesson, html, text",
    [c for c in COMMITTED if c[2].startswith("Bar chart")],
    ids=lambda v: v[:2] if isinstance(v, str) and v[:2].isdigit() else None,
)
def test_value_labels_stay_inside_the_view(lesson, html, text):
    svg = svg_of(html)
    width = _view_width(svg)
    groups = re.findall(r'<g class="mark-text role-mark[^"]*"[^>]*>(.*?)</g>', svg, re.S)
    labels = re.findall(
        r'<text [^>]*text-anchor="(start|end)" transform="translate\(([-\d.]+),[-\d.]+\)"[^>]*>([^<]*)</text>',
        "".join(groups),
    )
    assert labels, "the bars carry value labels"
    for anchor, x, content in labels:
        right = float(x) + (len(content) * charts.TEXT_SIZE * 0.55 if anchor == "start" else 0)
        left = float(x) - (len(content) * charts.TEXT_SIZE * 0.55 if anchor == "end" else 0)
        assert left >= 0 and right <= width, f"{content!r} runs outside the {width}px view ({left:.0f}-{right:.0f})"


def test_timeline_groups_never_share_a_colour_and_a_shape():
    # 16 kinds of event: with 8 colours and 8 shapes cycling together, "ceremony" and "theme year" were both
    # blue circles.
    import helpers as h

    events = h.reported_events()
    spec = charts.timeline(events.assign(label=events["title"]), title="t", label="label", colour="kind").to_dict()
    encoding = spec["layer"][0]["encoding"]
    kinds = encoding["color"]["scale"]["domain"]
    assert len(kinds) > len(charts.PALETTE), "the test needs more kinds than colours"
    marks = list(zip(encoding["color"]["scale"]["range"], encoding["shape"]["scale"]["range"]))
    assert len(set(marks)) == len(kinds)
    assert dict(zip(kinds, marks))["ceremony"] != dict(zip(kinds, marks))["theme year"]
    assert encoding["shape"]["scale"]["domain"] == kinds
