"""Soft power indices, for lessons 01 and 02: reading the published ranks, and building an index of your own.

Two jobs, each done by pure functions with a thin widget on top:

- **Published ranks** (lessons 01 and 02): :func:`select_ranks` picks rows of the
  ``soft_power_indices`` table by index and country, :func:`rank_chart`
  draws the ranks over time with rank 1 at the top, and :func:`explore_ranks`
  is the view of lesson 02's explorer.
- **Your own index** (lesson 02): a student scores countries from 0 to 10 on
  Nye's three resources of soft power and weights the resources.
  :func:`validate_weights` and :func:`validate_scores` check the input,
  :func:`weighted_score` and :func:`ranking` compute the index, and
  :func:`ranking_chart` draws it. :class:`IndexBuilder` is the widget.

The scores in a home-made index are the student's judgement, not data: every
table and chart made here says so.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import ipywidgets as w
import pandas as pd

from .. import charts, data, printed
from .._names import UnknownNameError
from ..display import Rich, esc, feedback_box, frame_html
from ..widgets import CourseBox, ViewPane, precomputable

RESOURCES: tuple[str, ...] = ("culture", "political values", "foreign policies")
"""Nye's three resources of soft power, in the order the course uses."""

COUNTRIES: tuple[str, ...] = ("China", "Russia", "United States")
"""The countries the build-your-own-index widget offers by default."""

SCORE_MIN = 0.0
SCORE_MAX = 10.0

NOT_DATA = (
    "These scores and weights are your own judgement, not data: the ranking shows what follows from them, nothing more."
)

INDEX_NAMES: tuple[str, ...] = ("Soft Power 30", "Brand Finance")
# Each index's line in the rank chart: solid, dashed.
DASHES = {"Soft Power 30": [1, 0], "Brand Finance": [7, 4]}
BOTH = "both"


class IndexInputError(ValueError):
    """Scores or weights that cannot make an index: the message says what is wrong and what is valid."""


# ---------------------------------------------------------------- checking input


def _number(value: Any, what: str) -> float:
    """``value`` as a finite float, or an error naming ``what`` was wrong."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise IndexInputError(f"{what} must be a number, got {type(value).__name__} {value!r}")
    number = float(value)
    if math.isnan(number):
        raise IndexInputError(f"{what} is NaN (a missing value): give a number")
    if math.isinf(number):
        raise IndexInputError(f"{what} is infinite: give a finite number")
    return number


def _resource_map(values: Any, what: str) -> dict[str, Any]:
    """Check that ``values`` maps each of the three resources, and nothing else, to something."""
    if not isinstance(values, Mapping):
        raise IndexInputError(
            f"{what} must be a dict with one entry per resource ({', '.join(RESOURCES)}), got {type(values).__name__}"
        )
    for key in values:
        if key not in RESOURCES:
            raise UnknownNameError("resource", key, RESOURCES)
    missing = [r for r in RESOURCES if r not in values]
    if missing:
        raise IndexInputError(
            f"{what} has no entry for {', '.join(map(repr, missing))}; give one for each of: {', '.join(RESOURCES)}"
        )
    return {r: values[r] for r in RESOURCES}


def validate_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Check the weights of the three resources and return them as floats, in :data:`RESOURCES` order.

    Each weight must be a finite number, 0 or more, and at least one must be
    above 0. Weights need not add up to anything: :func:`weight_shares` turns
    them into shares.

    >>> validate_weights({"culture": 2, "political values": 1, "foreign policies": 1})
    {'culture': 2.0, 'political values': 1.0, 'foreign policies': 1.0}
    """
    checked = {r: _number(v, f"the weight for {r!r}") for r, v in _resource_map(weights, "weights").items()}
    for resource, value in checked.items():
        if value < 0:
            raise IndexInputError(f"the weight for {resource!r} is {value:g}: weights must be 0 or more")
    if not any(checked.values()):
        raise IndexInputError("all the weights are 0, so nothing counts: give at least one resource a weight above 0")
    return checked


def weight_shares(weights: Mapping[str, float]) -> dict[str, float]:
    """Each resource's share of the total weight (the shares add up to 1)."""
    checked = validate_weights(weights)
    total = sum(checked.values())
    return {r: v / total for r, v in checked.items()}


def _resource_scores(values: Mapping[str, float], country: str) -> dict[str, float]:
    checked = {}
    for resource, value in _resource_map(values, f"the scores for {country!r}").items():
        score = _number(value, f"the {resource} score for {country!r}")
        if not SCORE_MIN <= score <= SCORE_MAX:
            raise IndexInputError(
                f"the {resource} score for {country!r} is {score:g}: scores run from {SCORE_MIN:g} to {SCORE_MAX:g}"
            )
        checked[resource] = score
    return checked


def validate_scores(
    scores: Mapping[str, Mapping[str, float]], countries: Sequence[str] = COUNTRIES
) -> dict[str, dict[str, float]]:
    """Check a student's scores: ``{country: {resource: score}}``, every score from 0 to 10.

    Country names must be among ``countries`` (a misspelt name gets a
    suggestion); each country needs a score for each of the three resources.
    """
    if not isinstance(scores, Mapping):
        raise IndexInputError(
            f"scores must be a dict of countries, e.g. {{'China': {{'culture': 5, ...}}}}, got {type(scores).__name__}"
        )
    if not scores:
        raise IndexInputError(f"there are no scores: score at least one of {', '.join(countries)}")
    checked = {}
    for country, values in scores.items():
        if country not in countries:
            raise UnknownNameError("country", country, countries)
        checked[country] = _resource_scores(values, country)
    return checked


# ---------------------------------------------------------------- computing the index


def weighted_score(resource_scores: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """One country's index value: its scores averaged with the weights, on the same 0-10 scale.

    >>> weighted_score({"culture": 8, "political values": 4, "foreign policies": 6},
    ...                {"culture": 1, "political values": 1, "foreign policies": 2})
    6.0
    """
    values = _resource_scores(resource_scores, "this country")
    shares = weight_shares(weights)
    return sum(shares[r] * values[r] for r in RESOURCES)


def ranking(
    scores: Mapping[str, Mapping[str, float]],
    weights: Mapping[str, float],
    countries: Sequence[str] = COUNTRIES,
) -> pd.DataFrame:
    """The countries ranked by their weighted score, highest first.

    Columns: ``rank`` (1 is first; equal scores share a rank), ``country``,
    ``index`` (the weighted score, 0-10, rounded to 2 decimals) and one column
    per resource with the score given. Ties are listed alphabetically.
    """
    checked = validate_scores(scores, countries)
    rows = [{"country": c, "index": round(weighted_score(v, weights), 2), **v} for c, v in checked.items()]
    table = pd.DataFrame(rows).sort_values(["index", "country"], ascending=[False, True], kind="stable")
    table.insert(0, "rank", table["index"].rank(method="min", ascending=False).astype(int))
    return table.reset_index(drop=True)[["rank", "country", "index", *RESOURCES]]


def ranking_chart(table: pd.DataFrame, title: str = "Your own soft power index") -> alt.TopLevelMixin:
    """Bars of a :func:`ranking` table, labelled as the student's own judgement, not data."""
    if not isinstance(table, pd.DataFrame) or not {"country", "index"} <= set(table.columns):
        raise IndexInputError("ranking_chart takes the table that ranking() returns (columns country and index)")
    if table.empty:
        raise IndexInputError("the ranking is empty: score at least one country")
    names = list(table["country"])
    # The axis is the scale's own 0-10; a label past a bar of 10 draws in the chart's padding (Vega-Lite's autosize).
    base = alt.Chart(table).encode(
        y=alt.Y("country:N", sort=names, title=None),
        x=alt.X("index:Q", title="your weighted score (0-10)", scale=dict(domain=[0, 10]), stack=None),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("country:N", scale=charts.country_scale(names), legend=None),
        tooltip=[alt.Tooltip("country:N"), alt.Tooltip("index:Q", title="your weighted score", format=".2~f")],
    )
    # "~" drops trailing zeros: a whole score reads 6, not 6.00.
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("index:Q", format=".2~f"))
    return alt.layer(
        bars,
        labels,
        width=charts.WIDTH,
        height=40 * len(names),
        title=dict(
            text=title,
            subtitle=[
                "Your own scores and weights: a judgement, not data.",
                "Resources after Nye 2004: culture, political values, foreign policies.",
            ],
        ),
    )


# ---------------------------------------------------------------- published ranks


def select_ranks(frame: pd.DataFrame, index: str = BOTH, country: str = BOTH) -> pd.DataFrame:
    """Rows of the ``soft_power_indices`` table for one index and one country (or ``"both"``).

    Keeps every row, including those with two sources and those marked
    ``not ranked`` or ``not found``, sorted by index, country and year.
    """
    needed = {"index", "year", "country", "status", "rank", "source_id"}
    if not isinstance(frame, pd.DataFrame) or not needed <= set(frame.columns):
        raise IndexInputError("select_ranks takes the soft_power_indices table: h.load('soft_power_indices')")
    indices = sorted(set(frame["index"].dropna()))
    countries = sorted(set(frame["country"].dropna()))
    if index != BOTH and index not in indices:
        raise UnknownNameError("index", index, [BOTH, *indices])
    if country != BOTH and country not in countries:
        raise UnknownNameError("country", country, [BOTH, *countries])
    rows = frame
    if index != BOTH:
        rows = rows[rows["index"] == index]
    if country != BOTH:
        rows = rows[rows["country"] == country]
    return rows.sort_values(["index", "country", "year", "source_id"], kind="stable").reset_index(drop=True)


def _rank_labels(data: pd.DataFrame) -> pd.Series:
    """Each point's rank label. Where sources disagree on a country's rank in a year (Russia in 2017: 26th and
    27th), one label names every rank ("26/27") and the other points of that year have none: two labels a rank
    apart would print over each other. The label sits on the side that year's labels take (``above``), by the
    point on that side; each point's own rank stays in its tooltip and in the data table.
    """
    group = [data["index"], data["year"], data["country"]]
    ranks = data["rank"].groupby(group)
    labels = data["rank"].astype(str)
    several = ranks.transform("nunique") > 1
    if not several.any():
        return labels
    every = ranks.transform(lambda r: "/".join(str(v) for v in sorted(r)))
    labelled = data["rank"] == ranks.transform("min").where(
        data["above"].groupby(group).transform("any"), ranks.transform("max")
    )
    return labels.where(~several, every.where(labelled, ""))


RANK_CHART_HEIGHT = 300
LABEL_ROOM = 28  # px under the lowest point for its rank label (18 px down, 15 px text)


def _room_below(lowest: int) -> int:
    """Ranks to add under the lowest rank so that its label, written below the point, stays inside the chart."""
    return max(1, math.ceil(LABEL_ROOM * (lowest - 1) / (RANK_CHART_HEIGHT - LABEL_ROOM)))


def rank_chart(rows: pd.DataFrame, title: str = "Soft power index ranks") -> alt.TopLevelMixin:
    """Ranks over the years, rank 1 at the top: colour for the country, dashes for the index.

    A year with no rank (``not ranked`` or ``not found``) breaks the line
    instead of being bridged. A rank two sources agree on is drawn once; where they disagree (Russia in
    2017: 26th and 27th) each rank is its own point, and one label names both (see :func:`_rank_labels`).
    """
    if not isinstance(rows, pd.DataFrame) or rows.empty:
        raise IndexInputError("there are no rows to chart: check the index and country chosen")
    ranked = rows[rows["status"] == "ranked"]
    if ranked.empty:
        raise IndexInputError("none of these rows has a rank (all are 'not ranked' or 'not found')")
    data = rows.drop_duplicates(["index", "year", "country", "rank"]).copy()
    data = data.astype({"index": str, "country": str, "year": int}).sort_values(["index", "country", "year"])
    data["rank"] = data["rank"].astype("float").where(data["status"] == "ranked")
    # A gap (not ranked / not found) starts a new segment, so the line is broken there rather than bridged.
    data["segment"] = data["rank"].isna().groupby([data["index"], data["country"]]).cumsum()
    data = data[data["rank"].notna()].astype({"rank": int})
    data["line"] = data["index"] + " " + data["country"] + " " + data["segment"].astype(str)
    # The better-ranked country of a year gets its label above its point, the other below, so labels do not collide.
    best = data.groupby(["index", "year"])["rank"].transform("min")
    first_best = ~data.assign(best=data["rank"] == best).duplicated(["index", "year", "best"])
    data["above"] = (data["rank"] == best) & first_best
    data["label"] = _rank_labels(data)
    data = data[["index", "year", "country", "rank", "line", "above", "label"]].reset_index(drop=True)
    names = sorted(set(data["country"]))
    shown = [n for n in INDEX_NAMES if n in set(data["index"])]
    colours = dict(title="country", scale=charts.country_scale(names))
    years = sorted(set(rows["year"].astype(int)))
    lowest = int(data["rank"].max())
    # The layers share one copy of the data, given to the layer chart: altair converts each layer's own data.
    base = alt.Chart().encode(
        x=alt.X(
            "year:Q",
            title="edition",
            scale=dict(domain=[years[0] - 0.5, years[-1] + 0.5], nice=False),
            axis=dict(format="d", values=list(range(years[0], years[-1] + 1)), labelAngle=0),
        ),
        y=alt.Y(
            "rank:Q",
            title="rank (1 = first)",
            scale=dict(reverse=True, zero=False, nice=False, domain=[1, lowest + _room_below(lowest)]),
        ),
    )
    lines = base.mark_line(strokeWidth=3).encode(
        # The points' legend names the colours (the layers' colour scales are independent, see below).
        color=alt.Color("country:N", legend=None, **colours),
        strokeDash=alt.StrokeDash(
            "index:N",
            title="index",
            # Only the indices shown: a legend must not list one the explorer has filtered out.
            scale=dict(domain=shown, range=[DASHES[n] for n in shown]),
            legend=dict(symbolType="stroke", symbolSize=500, symbolStrokeWidth=3, symbolStrokeColor="#444"),
        ),
        detail=alt.Detail("line:N"),
    )
    # A shape per country as well as a colour, so the countries separate in greyscale print.
    points = base.mark_point(size=90, filled=True, opacity=1).encode(
        color=alt.Color("country:N", **colours),
        shape=alt.Shape("country:N", legend=None),
        tooltip=[alt.Tooltip("country:N"), alt.Tooltip("index:N"), alt.Tooltip("year:O"), alt.Tooltip("rank:Q")],
    )
    # Rank labels in darker shades of the country colours (text needs 4.5:1 contrast on white): a colour scale of
    # their own (the layers' colour scales are independent) with no legend; the better rank of a year sits above.
    labels = base.mark_text(dy=alt.expr("datum.above ? -14 : 18")).encode(
        text=alt.Text("label:N"),
        color=alt.Color(
            "country:N", scale=dict(domain=names, range=[charts.text_colour(n) for n in names]), legend=None
        ),
    )
    # Each country's name after its last point keys the shapes in greyscale print.
    names_at_end = charts.end_labels(base, data, "year", "rank", "country").encode(x=alt.X("year:Q"), y=alt.Y("rank:Q"))
    chart = alt.layer(
        lines,
        points,
        labels,
        names_at_end,
        data=data,
        resolve=charts.INDEPENDENT_COLOURS,
        width=charts.WIDTH,
        height=RANK_CHART_HEIGHT,
    )
    return charts.titled(chart, title, [str(s) for s in rows["source_id"].dropna().unique()])


@precomputable
def explore_ranks(index: str = BOTH, country: str = BOTH) -> list[Any]:
    """Lesson 02's explorer view: the ranks of one index and country (or ``"both"``), as a chart and a table."""
    rows = select_ranks(data.load("soft_power_indices"), index=index, country=country)
    shown = rows[["index", "year", "country", "status", "rank", "score", "source_id", "note"]]
    which = "both indices" if index == BOTH else index
    who = "China and Russia" if country == BOTH else country
    return [rank_chart(rows, title=f"{who} in {which}"), shown]


# ---------------------------------------------------------------- the widget


class IndexBuilder(CourseBox):
    """Score countries on Nye's three resources, weight the resources, and see the ranking change.

    The sliders start level (every score 5, every weight 1), so the widget
    suggests no answer: the student's judgement moves them.
    """

    css_class = "sp-index-builder"

    @classmethod
    def paper_form(cls) -> str:
        """What a printed handout shows in the widget's place: a line saying what it does in JupyterLab."""
        what = (cls.__doc__ or "").strip().splitlines()[0].rstrip(".")
        return printed.note(f"In JupyterLab, this index builder lets you {what[0].lower()}{what[1:]}.")

    def __init__(
        self, countries: Sequence[str] = COUNTRIES, start_score: float = 5.0, start_weight: float = 1.0
    ) -> None:
        countries = tuple(countries)
        if not countries or not all(isinstance(c, str) and c.strip() for c in countries):
            raise IndexInputError("countries must be a non-empty list of names, e.g. ['China', 'Russia']")
        _resource_scores(dict.fromkeys(RESOURCES, start_score), "the starting score")
        validate_weights(dict.fromkeys(RESOURCES, start_weight))
        self.countries = countries
        self.table: pd.DataFrame | None = None
        # Number boxes, not ipywidgets sliders: a slider's handle has no accessible name, while a number box
        # has its <label> and steps by 0.5 with the arrow keys.
        boxes = {"step": 0.5, "style": {"description_width": "130px"}, "layout": w.Layout(width="230px")}
        self.score_sliders = {
            c: {
                r: w.BoundedFloatText(value=start_score, min=SCORE_MIN, max=SCORE_MAX, description=r, **boxes)
                for r in RESOURCES
            }
            for c in countries
        }
        self.weight_sliders = {
            r: w.BoundedFloatText(value=start_weight, min=0, max=5, description=r, **boxes) for r in RESOURCES
        }
        self.output = ViewPane("sp-index-output")
        for slider in self._sliders():
            slider.observe(lambda _change: self.update(), names="value")
        note = w.HTML(feedback_box("info", "Your judgement, not data.", esc(NOT_DATA)))
        country_boxes = [w.VBox([w.HTML(f"<b>{esc(c)}</b>"), *self.score_sliders[c].values()]) for c in countries]
        weights = w.VBox([w.HTML("<b>Weights</b> (how much each resource counts)"), *self.weight_sliders.values()])
        # The ranking comes first, above the sliders, so it stays in view while they move.
        super().__init__([note, self.output, w.HBox(country_boxes, layout=w.Layout(flex_flow="row wrap")), weights])
        self.update()

    def _sliders(self) -> list[w.BoundedFloatText]:
        return [s for c in self.score_sliders.values() for s in c.values()] + list(self.weight_sliders.values())

    @property
    def scores(self) -> dict[str, dict[str, float]]:
        return {c: {r: s.value for r, s in sliders.items()} for c, sliders in self.score_sliders.items()}

    @property
    def weights(self) -> dict[str, float]:
        return {r: s.value for r, s in self.weight_sliders.items()}

    def set_score(self, country: str, resource: str, value: float) -> None:
        """Move one score slider, as a student would."""
        if country not in self.score_sliders:
            raise UnknownNameError("country", country, self.countries)
        if resource not in RESOURCES:
            raise UnknownNameError("resource", resource, RESOURCES)
        _resource_scores({**dict.fromkeys(RESOURCES, SCORE_MIN), resource: value}, country)
        self.score_sliders[country][resource].value = value

    def set_weight(self, resource: str, value: float) -> None:
        """Move one weight slider, as a student would (weights run from 0 to 5 here)."""
        if resource not in RESOURCES:
            raise UnknownNameError("resource", resource, RESOURCES)
        number = _number(value, f"the weight for {resource!r}")
        if not 0 <= number <= 5:
            raise IndexInputError(f"the weight for {resource!r} is {number:g}: the sliders run from 0 to 5")
        self.weight_sliders[resource].value = number

    def update(self) -> None:
        """Recompute the ranking and redraw; an impossible choice (all weights 0) is explained, not raised."""
        try:
            self.table = ranking(self.scores, self.weights, self.countries)
        except (IndexInputError, UnknownNameError) as exc:
            self.table = None
            self.output.show(Rich(feedback_box("info", "No ranking for these weights.", esc(exc)), str(exc)))
            return
        shares = weight_shares(self.weights)
        share_text = ", ".join(f"{r} {shares[r]:.0%}" for r in RESOURCES)
        # Two decimals at most, as on the chart: a third of a point reads 5.33, a whole score 6.
        table = frame_html(self.table.round(2))
        heading = f"<p><b>Your ranking</b> (weights as shares: {esc(share_text)})</p>{table}"
        self.output.show([Rich(heading, share_text), ranking_chart(self.table)])
