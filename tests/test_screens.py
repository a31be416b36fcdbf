"""helpers.topics.screens: the timeline and film figures of lessons 04 and 05, and their explorers."""

from __future__ import annotations

import helpers as h
from helpers import charts
from helpers.topics import screens

import csv

import pandas as pd
import pytest

HOSTILE = "<script>alert('x')</script>"


# ---------------------------------------------------------------- citations per row


def test_cited_adds_the_citation_with_its_locator():
    figures = h.load("work_figures")
    out = screens.cited(figures)
    row = out[(out["work_id"] == "stalingrad") & (out["source_id"] == "global_times_2018")].iloc[0]
    assert row["source"] == "[Global Times 2018]"  # no locator: the bare label
    memo = out[(out["work_id"] == "stalingrad") & (out["measure"] == "china_rank")].iloc[0]
    assert memo["source"].startswith('[Laruelle & Luo 2020, section "Russian Cultural Soft Power"')
    assert "source" not in figures.columns  # the input is left alone


def test_cited_works_without_a_locator_column():
    frame = pd.DataFrame({"source_id": ["cdt_2013"], "x": [1]})
    assert screens.cited(frame)["source"].tolist() == ["[China Digital Times 2013]"]


def test_cited_bad_input():
    with pytest.raises(LookupError, match="unknown column 'source_id'"):
        screens.cited(pd.DataFrame({"source": ["x"]}))
    with pytest.raises(TypeError, match="expected a pandas DataFrame, not list"):
        screens.cited([{"source_id": "cdt_2013"}])
    with pytest.raises(LookupError, match="unknown source id 'nobody'"):
        screens.cited(pd.DataFrame({"source_id": ["nobody"]}))


# ---------------------------------------------------------------- the timeline


def test_events_between_keeps_the_memos_strands_and_years():
    rows = screens.events_between(screens.reported_events())
    assert set(rows["theme"]) <= set(screens.STRANDS)
    years = rows["date"].str[:4].astype(int)
    assert years.min() == 1938 and years.max() == 2020
    assert list(rows["date"]) == sorted(rows["date"])
    assert {"karmen_in_china", "victory_parade_2015", "victory_parade_2020", "year_hare_affair_peak"} <= set(
        rows["event_id"]
    )
    assert "years_of_culture_opening" not in set(rows["event_id"])  # 2024, and another theme


def test_events_between_keeps_both_dates_when_sources_disagree():
    rows = screens.events_between(screens.reported_events(), "ideology", (2012, 2013))
    xi = rows[rows["event_id"] == "xi_soviet_collapse_remark"].set_index("source_id")["date"]
    assert xi["cdt_2013"] == "2012-12" and xi["laruelle_luo_2020"] == "2013"


def test_events_between_one_theme_all_themes_and_inclusive_ends():
    events = screens.reported_events()
    music = screens.events_between(events, "music", (2015, 2015))
    assert music["event_id"].tolist() == ["victory_parade_2015"]
    everything = screens.events_between(events, None, (1900, 2030))
    assert len(everything) == len(events)


@pytest.mark.parametrize(
    "themes,years,error,message",
    [
        ("musik", (1938, 2020), LookupError, "Did you mean 'music'"),
        (["film", "diplomacy"], (1938, 2020), LookupError, "unknown theme 'diplomacy'.*'culture exchange'"),
        ("film", (2020, 1938), ValueError, r"\(2020, 1938\) is backwards"),
        ("film", (1938,), TypeError, "a \\(first, last\\) pair of whole years"),
        ("film", ("1938", "2020"), TypeError, "pair of whole years"),
        ("film", 1938, TypeError, "pair of whole years"),
    ],
)
def test_events_between_bad_input(themes, years, error, message):
    with pytest.raises(error, match=message):
        screens.events_between(screens.reported_events(), themes, years)


def test_explore_events_draws_a_sourced_timeline_and_table():
    chart, count, table = screens.explore_events("music", (2006, 2020))
    assert charts.title_of(chart.to_dict()) == "Music, 2006-2020"
    assert h.widgets.to_html(chart).startswith("<figure class='sp-chart'")
    assert count.startswith(f"{len(table)} events")
    assert list(table.columns) == ["date", "until", "event", "theme", "what happened", "source"]
    # the memo's events, and the 2020 parade's date as TASS reported it beside the memo's bare year
    assert table["source"].str.startswith(("[Laruelle & Luo 2020", "[TASS 2020")).all()
    assert table["source"].str.startswith("[TASS 2020").sum() == 1


def test_events_chart_has_title_source_and_labels_each_source_of_a_disputed_event():
    rows = screens.events_between(screens.reported_events(), "ideology", (2012, 2013))
    spec = screens.events_chart(rows, "Xi's remark").to_dict()
    assert spec["title"] == {
        "text": "Xi's remark",
        "subtitle": ["Sources: China Digital Times 2013; Laruelle & Luo 2020"],
    }
    labels = {row["label"] for row in next(iter(spec["datasets"].values()))}
    assert any(label.endswith("(China Digital Times 2013)") for label in labels)
    assert any(label.endswith("(Laruelle & Luo 2020)") for label in labels)
    with pytest.raises(LookupError, match="unknown column 'event_id'"):
        screens.events_chart(rows.drop(columns="event_id"), "x")


def test_explore_events_empty_span_and_bad_choice():
    assert screens.explore_events("cartoons", (1938, 1950)).startswith("No events of this kind (cartoons)")
    with pytest.raises(LookupError, match="unknown theme choice 'Music'"):
        screens.explore_events("Music")


def test_every_theme_choice_draws_in_an_explorer():
    explorer = h.Explorer(screens.explore_events, theme=list(screens.THEME_CHOICES), years=(1938, 2020))
    for choice in screens.THEME_CHOICES:
        explorer.set(theme=choice)
        assert len(explorer.output.charts) == 1, choice
        assert "<table" in explorer.output.html, choice
    explorer.set(theme="theme years (culture exchange)", years=(1938, 1990))
    assert "No events of this kind" in explorer.output.html


# ---------------------------------------------------------------- the films' figures


def test_figures_joins_titles_and_keeps_both_sources():
    rows = screens.figures("China gross (million yuan)", "film")
    stalingrad = rows[rows["title"] == "Stalingrad"]
    assert sorted(stalingrad["value"]) == [71.9, 72.0]
    assert set(stalingrad["source"]) == {
        '[Laruelle & Luo 2020, section "Russian Cultural Soft Power", para 4]',
        "[Global Times 2018]",
    }
    assert (rows["unit"] == "million CNY").all() and (rows["kind"] == "film").all()


def test_figures_of_cartoons_are_ratings_with_dates():
    rows = screens.figures("Douban rating (out of 10)", "cartoon")
    assert dict(zip(rows["title"], rows["value"])) == {
        'Cheburashka: "Shapokliak" episode': 9.4,
        "Masha and the Bear": 9.5,
        "Well, Just You Wait! (Nu, pogodi!)": 8.8,
    }
    assert rows["as_of"].notna().all()


def test_figures_without_a_measure_returns_every_figure_of_the_kinds():
    assert len(screens.figures(None, ["film", "cartoon", "song", "singer"])) == len(h.load("work_figures"))


@pytest.mark.parametrize(
    "measure,kinds,message",
    [
        ("gross", "film", "unknown measure 'gross'"),
        ("Douban rating (out of 10)", "movie", "unknown kind of work 'movie'.*'film'"),
        ("Douban rating (out of 10)", ["film", "cartoons"], "Did you mean 'cartoon'"),
    ],
)
def test_figures_bad_input(measure, kinds, message):
    with pytest.raises(LookupError, match=message):
        screens.figures(measure, kinds)


def test_disagreements_lists_the_three_known_conflicts():
    found = screens.disagreements(screens.figures())
    assert found[["title", "unit", "spread"]].values.tolist() == [
        ["Going Vertical", "million USD", 0.7],
        ["Going Vertical", "out of 10", 0.1],
        ["Stalingrad", "million CNY", 0.1],
    ]
    assert found["values"].iloc[0] == "12.3 [Laruelle & Luo 2020]; 13 [Cinic/TASS 2019]"


def test_disagreements_ignores_single_source_figures_and_checks_columns():
    one_source = screens.figures("rank in China's 2013 box office")
    assert screens.disagreements(one_source).empty
    with pytest.raises(LookupError, match="unknown column 'source_id'"):
        screens.disagreements(one_source.drop(columns="source_id"))


def test_explore_figures_shows_note_chart_disagreement_and_sources():
    note, chart, conflict, table = screens.explore_figures("China gross (million US$)", "films")
    assert "nominal" in note
    assert charts.title_of(chart.to_dict()) == "China gross (million US$): films"
    assert "sp-chart-image" in h.widgets.to_html(chart)
    assert conflict == "Sources disagree on Going Vertical: 12.3 [Laruelle & Luo 2020]; 13 [Cinic/TASS 2019]."
    assert list(table.columns) == ["title", "value", "unit", "as of", "source", "note"]  # headers in words


def test_figures_chart_names_every_source_and_ranks_best_first():
    rows = screens.figures("China gross (million US$)", "film")
    spec = screens.figures_chart(rows, "China gross (million US$)", "films").to_dict()
    assert spec["title"]["text"] == "China gross (million US$): films"
    assert set(charts.source_line_of(spec).removeprefix("Sources: ").split("; ")) == {
        "Laruelle & Luo 2020",
        "Cinic/TASS 2019",
    }
    ranks = screens.figures("rank in China's 2013 box office", "film")
    spec = screens.figures_chart(ranks, "rank in China's 2013 box office").to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"] == "x"


def test_explore_figures_empty_choices_and_bad_input():
    assert "shorter bar is better" in screens.explore_figures("rank in China's 2013 box office", "films")[0]
    assert screens.explore_figures("rank in China's 2013 box office", "cartoons").startswith("The course data has no")
    with pytest.raises(LookupError, match="unknown choice of works 'songs'"):
        screens.explore_figures("Douban rating (out of 10)", "songs")
    with pytest.raises(LookupError, match="Did you mean 'Douban rating \\(out of 10\\)'"):
        screens.explore_figures("Douban rating (out of 10 )")


def test_figures_explorer_escapes_text_from_the_data(data_copy):
    path = data_copy / "works.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    title = rows[0].index("title")
    for row in rows[1:]:
        if row[0] == "masha_and_the_bear":
            row[title] = HOSTILE
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    explorer = h.Explorer(screens.explore_figures, measure=list(screens.MEASURES), works=list(screens.WORK_KINDS))
    explorer.set(measure="Douban rating (out of 10)", works="cartoons")
    html = explorer.output.html
    assert "&lt;script&gt;" in html and "<script>" not in html
