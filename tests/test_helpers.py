"""Unit tests of the helpers package: citations, charts, grading, widgets, glossary, environment check."""

from __future__ import annotations

import helpers as h
from helpers import charts, citations, material, widgets
from helpers.grading import grade_exercise, grade_question
from helpers.material import Exercise, MaterialError, Question, Wrong

import functools
import json
import math
import os
import re
from collections import Counter

import altair as alt
import ipywidgets as w
import numpy as np
import pandas as pd
import pytest

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


# ---------------------------------------------------------------- citations


def test_cite_and_reference():
    assert h.cite("laruelle_luo_2020") == "[Laruelle & Luo 2020]"
    assert h.cite("laruelle_luo_2020", "section 2") == "[Laruelle & Luo 2020, section 2]"
    ref = h.reference("csm_2023")
    assert ref.startswith("The Christian Science Monitor (2023-08-18). Following Xi's lead?")
    assert "[news feature; press]" in ref


def test_unknown_source_suggests_the_closest():
    with pytest.raises(LookupError, match="Did you mean 'laruelle_luo_2020'"):
        h.cite("laruelle_luo_202")


def test_citing_many_rows_gives_what_citing_each_gives():
    ids, locators = ["laruelle_luo_2020", "nye_2017", "laruelle_luo_2020"], ["section 2", None, None]
    assert citations.cite_each(ids, locators) == [h.cite(i, loc) for i, loc in zip(ids, locators)]
    assert citations.short_labels_of(ids) == ["Laruelle & Luo 2020", "Nye 2017", "Laruelle & Luo 2020"]
    with pytest.raises(LookupError, match="Did you mean 'laruelle_luo_2020'"):
        citations.short_labels_of(["nye_2017", "laruelle_luo_202"])
    with pytest.raises(TypeError, match="a source id is a string"):
        citations.cite_each([None], [None])


def test_bibliography_is_sorted_escaped_and_labelled():
    block = h.bibliography(["nye_2017", "bonds_2025", "nye_2017"])
    html = block._repr_html_()
    assert html.count("[Nye 2017]") == 1
    assert html.index("[Nye 2017]") < html.index("[Strengthening Bonds 2025]")
    assert "state media rewrite · secondary" in html
    assert "Nye&#x27;s statement" in html  # apostrophe from the data is escaped
    assert "[Nye 2017] Joseph S. Nye Jr. (2017-02-21)" in repr(block)


def test_short_labels_are_unique():
    labels = list(citations.short_labels().values())
    assert len(labels) == len(set(labels))


# ---------------------------------------------------------------- charts


def test_renderer_is_offline_svg_image_with_text_form():
    assert alt.renderers.active == charts.RENDERER
    trade = h.load("trade").dropna(subset=["turnover_usd_bn"])
    chart = h.bar(trade, "period", "turnover_usd_bn", title="Trade")
    bundle = alt.renderers.get()(chart.to_dict())
    assert "<img class='sp-chart-image' src='data:image/svg+xml;base64," in bundle["text/html"]
    assert "<script" not in bundle["text/html"]  # nothing to load: the chart is a data-URI image
    assert bundle["text/plain"].startswith("Bar chart: Trade. It compares turnover usd bn across ")
    # Every source of the drawn rows is named, in the bibliography's short labels.
    assert bundle["text/plain"].endswith("Sources: China customs via press; Sputnik 2023b.")


def test_every_builder_sets_title_and_source_line():
    events = h.load("events")
    polls = h.load("polls")
    built = [
        h.bar(polls.drop_duplicates("respondents"), "respondents", "percent", title="A"),
        h.line(polls, "year", "percent", colour="subject", title="B"),
        h.timeline(events[events["theme"] == "music"], title="C"),
    ]
    for chart in built:
        spec = chart.to_dict()
        assert spec["title"]["text"] in {"A", "B", "C"}
        assert charts.source_line_of(spec).startswith("Source")


def test_source_line_lists_each_source_once_in_order():
    assert charts.source_line(["nye_2008", "nye_2017", "nye_2008"]) == "Sources: Nye 2008; Nye 2017"
    assert charts.source_line(["nye_2008"]) == "Source: Nye 2008"


def test_country_colours_are_fixed():
    idx = h.load("soft_power_indices").dropna(subset=["rank"])
    spec = h.line(idx, "year", "rank", colour="country", title="Ranks", reverse_y=True).to_dict()
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"])) == charts.COUNTRY_COLOURS


def test_timeline_places_partial_dates_at_their_start():
    assert charts._start_of("2025") == "2025-01-01"
    assert charts._start_of("2025-05") == "2025-05-01"
    assert charts._start_of("2025-05-07") == "2025-05-07"


def test_chart_text_from_data_is_escaped_in_svg():
    frame = pd.DataFrame({"label": [HOSTILE], "value": [1.0], "source_id": ["nye_2008"]})
    markup = charts.svg(h.bar(frame, "label", "value", title=HOSTILE))
    assert "<script>" not in markup and "&lt;script&gt;" in markup


@pytest.mark.parametrize(
    "call,error,message",
    [
        (lambda: h.bar(h.load("polls"), "respondent", "percent", title="t"), LookupError, "Did you mean 'respondents'"),
        (lambda: h.bar(h.load("polls").iloc[0:0], "respondents", "percent", title="t"), ValueError, "empty"),
        (lambda: h.bar("polls", "respondents", "percent", title="t"), TypeError, "pandas DataFrame"),
        (lambda: h.bar(h.load("polls"), "respondents", "percent", title=""), ValueError, "needs a title"),
        (
            lambda: h.bar(h.load("polls").drop(columns="source_id"), "respondents", "percent", title="t"),
            ValueError,
            "no source_id column",
        ),
        (lambda: h.finish(alt.Chart(), "t", []), ValueError, "needs a source"),
    ],
)
def test_chart_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------- grading

Q = Question("q", "Which?", ("a", "b", "c"), "b", "Because b.", "nye_2008")


def number_exercise(**kw) -> Exercise:
    base = dict(
        id="1.1",
        kind="number",
        prompt="p",
        expected=66,
        explanation="Yes.",
        source_id="wsj_2014",
        wrong=(Wrong(47, "That is 2013."),),
    )
    base.update(kw)
    return Exercise(**base)


def test_question_grading():
    assert grade_question(Q, "b").status == "correct"
    wrong = grade_question(Q, "a")
    assert wrong.status == "incorrect" and "Because b." in repr(wrong) and "[Nye 2008]" in repr(wrong)
    assert grade_question(Q, None).status == "unanswered"
    assert grade_question(Q, "z").headline == "That is not one of the choices."


@pytest.mark.parametrize(
    "answer,status,text",
    [
        (..., "unanswered", "Not answered yet."),
        (None, "unanswered", "Not answered yet."),
        ("", "unanswered", "Not answered yet."),
        (66, "correct", "Yes."),
        (66.0, "correct", "Yes."),
        (np.int64(66), "correct", "Yes."),
        (pd.Series([66]), "correct", "Yes."),
        (pd.DataFrame({"x": [66]}), "correct", "Yes."),
        (47, "incorrect", "That is 2013."),
        (70, "incorrect", "70 is too high"),
        (1e300, "incorrect", "too high"),
        (-5, "incorrect", "too low"),
        ("66", "incorrect", "write it without quotes"),
        ("sixty-six", "incorrect", "wants a number such as 42.5"),
        (True, "incorrect", "True or False"),
        (float("nan"), "incorrect", "NaN"),
        (pd.Series([1, 2]), "incorrect", "with 2 values"),
        ([66], "incorrect", "wants a number"),
        ({"a": 1}, "incorrect", "wants a number"),
    ],
)
def test_number_exercise(answer, status, text):
    verdict = grade_exercise(number_exercise(), answer)
    assert verdict.status == status
    assert text in repr(verdict)


def test_number_tolerance():
    ex = number_exercise(expected=12.3, tolerance=0.05)
    assert grade_exercise(ex, 12.34).correct
    assert not grade_exercise(ex, 12.4).correct


CHOICE = Exercise(
    "2.1",
    "choice",
    "p",
    "yuan",
    "Right.",
    "laruelle_luo_2020",
    choices=("dollars", "yuan", "roubles"),
    wrong=(Wrong("dollars", "The sign says dollars, but the figure is in yuan."),),
)


@pytest.mark.parametrize(
    "answer,status,text",
    [
        ("yuan", "correct", "Right."),
        ("  YUAN ", "correct", "Right."),
        ("dollars", "incorrect", "the figure is in yuan"),
        ("roubles", "incorrect", "does not fit"),
        ("yaun", "incorrect", "Did you mean 'yuan'?"),
        ("euros", "incorrect", "Options: dollars; yuan; roubles."),
        (3, "incorrect", "one of the options as text"),
    ],
)
def test_choice_exercise(answer, status, text):
    verdict = grade_exercise(CHOICE, answer)
    assert verdict.status == status and text in repr(verdict)


SET = Exercise("3.1", "set", "p", ["culture", "political values", "foreign policies"], "Right.", "nye_2004")


@pytest.mark.parametrize(
    "answer,status,text",
    [
        (["Culture", "political values", "foreign policies"], "correct", "Right."),
        ({"culture", "foreign policies", "political values"}, "correct", "Right."),
        (["culture", "military"], "incorrect", "These do not belong: military; 2 items are missing."),
        (["culture", "political values"], "incorrect", "1 item is missing"),
        ("culture", "incorrect", "Give a list"),
        (42, "incorrect", "Give a list"),
        ([], "unanswered", "Not answered yet."),
    ],
)
def test_set_exercise(answer, status, text):
    verdict = grade_exercise(SET, answer)
    assert verdict.status == status and text in repr(verdict)


TEXT = Exercise("4.1", "text", "p", [["yuan", "rmb", "cny"], "million"], "Right.", "laruelle_luo_2020")


@pytest.mark.parametrize(
    "answer,status",
    [
        ("85 million yuan", "correct"),
        ("85 Million RMB", "correct"),
        ("85 dollars", "incorrect"),
        (85, "incorrect"),
        ("   ", "unanswered"),
    ],
)
def test_text_exercise(answer, status):
    assert grade_exercise(TEXT, answer).status == status


def test_verdict_html_escapes_everything_from_data():
    ex = number_exercise(explanation=HOSTILE)
    html = grade_exercise(ex, 66)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    html = grade_exercise(number_exercise(), HOSTILE)._repr_html_()
    assert "<img" not in html


def test_worked_solution_verdict_is_closed_and_its_text_gives_nothing_away(tmp_path, monkeypatch):
    monkeypatch.setenv("SOFT_POWER_PROGRESS", str(tmp_path / "progress.json"))
    lesson = h.Lesson("00")
    answer = 66  # the right answer to exercise 0.1
    shown = lesson.check("0.1", answer)
    worked = lesson.check("0.1", answer, record=False)
    assert worked.status == shown.status == "correct" and worked.worked and not shown.worked
    html = worked._repr_html_()
    assert html.startswith("<details class='sp-worked'><summary>Show the worked result</summary>")
    assert html.endswith("</details>") and " open" not in html.split(">", 1)[0]
    assert shown.html() in html  # the same feedback, folded away
    assert repr(worked) == "[Worked result: hidden until you open it.]" and repr(shown).startswith("Correct.")


# ---------------------------------------------------------------- lesson material files


GOOD = """
number = "09"
title = "Test"
[[question]]
id = "q1"
prompt = "Which?"
choices = ["a", "b"]
answer = "a"
explanation = "Because."
source_id = "nye_2008"
"""


def test_every_committed_lesson_material_is_valid():
    numbers = material.lesson_numbers()
    assert "00" in numbers
    for number in numbers:
        assert material.material(number).questions


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda s: s.replace('answer = "a"', 'answer = "c"'), "the answer 'c' is not one of the choices"),
        (lambda s: s.replace('source_id = "nye_2008"', 'source_id = "nye_2080"'), "unknown source id 'nye_2080'"),
        (lambda s: s.replace("explanation", "explanaton"), "unknown key 'explanaton' (did you mean 'explanation'?)"),
        (lambda s: s.replace('prompt = "Which?"\n', ""), "the key 'prompt' is required"),
        (lambda s: s.replace('choices = ["a", "b"]', 'choices = ["a"]'), "at least two choices"),
        (lambda s: s.replace('choices = ["a", "b"]', 'choices = ["a", "a"]'), "repeated entry"),
        (lambda s: s.replace('number = "09"', 'number = "10"'), "does not match the file name 09.toml"),
        (lambda s: s.replace('prompt = "Which?"', "prompt = 5"), "'prompt' should be str, got int 5"),
        (
            lambda s: (
                s + "[[question]]\nid = 'q1'\nprompt='x'\nchoices=['a','b']\nanswer='a'\nexplanation='e'\n"
                "source_id='nye_2008'\n"
            ),
            "two questions share an id: 'q1'",
        ),
        (lambda s: s.replace("[[question]]", "[[question"), "not valid TOML"),
        (
            lambda s: (
                s + '[[exercise]]\nid="9.1"\nkind="guess"\nprompt="p"\nexpected=1\nexplanation="e"\n'
                'source_id="nye_2008"\n'
            ),
            "kind 'guess' is not one of number, choice, set, text",
        ),
        (
            lambda s: (
                s + '[[activity]]\nid="a"\nprompt="p"\n[[activity.dimension]]\nname="d"\noptions=["x","y"]\n'
                '[[activity.item]]\ntext="t"\nanswer={d="z"}\nreason="r"\nsource_id="nye_2008"\n'
            ),
            "answer for 'd' must be one or more of ['x', 'y'], got 'z'",
        ),
    ],
)
def test_broken_material_names_file_entry_and_key(data_copy, change, message):
    (data_copy / "lessons" / "09.toml").write_text(change(GOOD), encoding="utf-8")
    with pytest.raises(MaterialError) as err:
        material.material("09")
    assert str(err.value).startswith("lessons/09.toml")
    assert message in str(err.value)


@pytest.mark.parametrize(
    "bad,error,message",
    [
        ("99", LookupError, "unknown lesson '99'"),
        (1, TypeError, "two-digit string"),
        (None, TypeError, "two-digit string"),
    ],
)
def test_unknown_lesson(bad, error, message):
    with pytest.raises(error, match=message):
        h.Lesson(bad)


def test_unknown_exercise_and_activity():
    lesson = h.Lesson("00")
    with pytest.raises(LookupError, match="unknown exercise of lesson 00 '0.2'.*'0.1'"):
        lesson.check("0.2", 1)
    with pytest.raises(LookupError, match="unknown activity of lesson 00"):
        lesson.sorter("spectrum")


# ---------------------------------------------------------------- widgets


def test_quiz_feedback_score_and_reset():
    quiz = h.Lesson("00").quiz()
    q = quiz.questions[0]
    wrong = next(c for c in q.choices if c != q.answer)
    assert "Score: 0 / 6" in quiz.score.value
    quiz.radios[0].value = wrong
    quiz.buttons[0].click()
    assert "sp-incorrect" in quiz.feedback[0].value and "(1 of 6 answered)" in quiz.score.value
    quiz.radios[0].value = q.answer
    quiz.buttons[0].click()
    assert "sp-correct" in quiz.feedback[0].value and "Score: 1 / 6" in quiz.score.value
    quiz.reset_button.click()
    assert quiz.radios[0].value is None and quiz.feedback[0].value == "" and "Score: 0 / 6" in quiz.score.value


def test_quiz_check_without_choice_says_not_answered():
    quiz = h.Lesson("00").quiz()
    quiz.buttons[1].click()
    assert "Not answered yet." in quiz.feedback[1].value and "(0 of 6 answered)" in quiz.score.value


@pytest.mark.parametrize("index", [-1, 6, 1.5, "0", True])
def test_quiz_index_out_of_range(index):
    with pytest.raises(IndexError, match="questions 0 to 5"):
        h.Lesson("00").quiz().answer(index, "x")


def test_quiz_answer_outside_choices_is_polite():
    quiz = h.Lesson("00").quiz()
    verdict = quiz.answer(0, "none of these")
    assert verdict.status == "incorrect" and "not one of the choices" in quiz.feedback[0].value


def test_quiz_shows_hostile_text_as_text():
    question = Question("q", HOSTILE, (HOSTILE, "b"), "b", HOSTILE, "nye_2008")
    quiz = h.Quiz([question])
    html = "".join(
        child.value for child in quiz.children[2].children if hasattr(child, "value") and isinstance(child.value, str)
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    quiz.answer(0, HOSTILE)
    assert "<img" not in quiz.feedback[0].value


def test_quiz_needs_questions():
    with pytest.raises(ValueError, match="at least one question"):
        h.Quiz([])


def _activity():
    from helpers.material import Activity, Dimension, Item

    return Activity(
        "a",
        "Sort.",
        (Dimension("tone", ("optimistic", "critical")), Dimension("kind", ("evidence", "opinion"))),
        (
            Item(HOSTILE, {"tone": ("critical",), "kind": ("opinion", "evidence")}, "Why.", "csm_2023"),
            Item("second", {"tone": ("optimistic",), "kind": ("evidence",)}, "Because.", "csm_2023"),
        ),
    )


def test_sorter_gives_feedback_per_item():
    sorter = h.Sorter(_activity())
    sorter.choose(0, tone="critical", kind="opinion")
    sorter.choose(1, tone="critical", kind="evidence")
    sorter.check_button.click()
    assert "sp-correct" in sorter.feedback[0].value
    assert "Better: tone: optimistic" in sorter.feedback[1].value
    assert "Score: 1 / 2" in sorter.score.value
    sorter.reset_button.click()
    assert sorter.score.value == "" and sorter.dropdowns[0]["tone"].value is None


def test_sorter_unanswered_and_hostile_text():
    sorter = h.Sorter(_activity())
    verdicts = sorter.check()
    assert [v.status for v in verdicts] == ["unanswered", "unanswered"]
    rendered = sorter.children[1].children[0].value
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered


@pytest.mark.parametrize(
    "call,error,message",
    [
        (lambda s: s.choose(5, tone="critical"), IndexError, "items 0 to 1"),
        (lambda s: s.choose(0, mood="critical"), KeyError, "no dimension 'mood'"),
        (lambda s: s.choose(0, tone="angry"), ValueError, "'angry' is not an option for 'tone'"),
    ],
)
def test_sorter_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call(h.Sorter(_activity()))


def test_explorer_redraws_on_change_and_survives_errors():
    def view(country):
        if country == "Nowhere":
            raise ValueError("no rows for Nowhere")
        idx = h.load("soft_power_indices")
        return h.line(idx[idx["country"] == country].dropna(subset=["rank"]), "year", "rank", title=country)

    explorer = h.Explorer(view, country=["China", "Russia", "Nowhere"])
    first = explorer.output.html
    assert "Line chart: China" in first and len(explorer.output.charts) == 1
    explorer.set(country="Russia")
    assert len(explorer.output.charts) == 1 and explorer.output.html != first
    explorer.set(country="Nowhere")
    assert "Nothing to show for this choice." in explorer.output.html and "no rows for Nowhere" in explorer.output.html


def test_explorer_tables_and_text_are_escaped():
    frame = pd.DataFrame({"a": [HOSTILE]})
    explorer = h.Explorer(lambda which: frame if which == "table" else HOSTILE, which=["table", "text"])
    assert "<script>" not in explorer.output.html and "&lt;script&gt;" in explorer.output.html
    explorer.set(which="text")
    assert "<script>" not in explorer.output.html


def _counted_view(precompute: bool):
    """A view that records every call, marked precomputable or not."""
    calls = []

    def view(country, ranked):
        calls.append((country, ranked))
        if country == "Nowhere":
            raise ValueError("no rows for Nowhere")
        return f"{country}, ranked only: {ranked}"

    return (widgets.precomputable(view) if precompute else view), calls


def test_precomputable_explorer_works_out_every_choice_once_as_it_starts():
    view, calls = _counted_view(precompute=True)
    explorer = h.Explorer(view, country=["China", "Russia", "Nowhere"], ranked=True)
    every = {(c, r) for c in ("China", "Russia", "Nowhere") for r in (True, False)}
    assert sorted(calls) == sorted(every) and explorer.precompute_ms is not None
    explorer.set(country="Russia", ranked=False)
    assert "Russia, ranked only: False" in explorer.output.html
    explorer.set(country="Nowhere")  # a failing choice is kept too, with its message
    assert "Nothing to show for this choice." in explorer.output.html and "no rows for Nowhere" in explorer.output.html
    explorer.set(country="China", ranked=True)
    assert "China, ranked only: True" in explorer.output.html
    assert len(calls) == len(every)  # no click ran the view again


def test_unmarked_explorer_runs_its_view_on_each_change_only():
    view, calls = _counted_view(precompute=False)
    explorer = h.Explorer(view, country=["China", "Russia"], ranked=True)
    assert calls == [("China", True)] and explorer.precompute_ms is None
    explorer.set(country="Russia")
    explorer.set(country="China")
    assert calls == [("China", True), ("Russia", True), ("China", True)] and not explorer.ready


def test_precomputable_explorer_with_a_range_keeps_what_it_has_shown():
    calls = []

    @widgets.precomputable
    def view(years):
        calls.append(years)
        return f"{years[0]}-{years[1]}"

    explorer = h.Explorer(view, years=(2000, 2005))  # number boxes: too many choices to work out ahead
    assert explorer.precompute_ms is None and calls == [(2000, 2005)]
    explorer.set(years=(2001, 2005))
    explorer.set(years=(2000, 2005))
    assert calls == [(2000, 2005), (2001, 2005)] and "2000-2005" in explorer.output.html


@pytest.mark.parametrize("countries,ahead", [(12, True), (13, False)])  # 24 combinations at most
def test_precomputable_explorer_works_out_at_most_MOST_PRECOMPUTED_choices(countries, ahead):
    assert h.Explorer.MOST_PRECOMPUTED == 24
    view, calls = _counted_view(precompute=True)
    explorer = h.Explorer(view, country=[f"country {n}" for n in range(countries)], ranked=True)
    assert (explorer.precompute_ms is not None) is ahead
    assert len(calls) == (2 * countries if ahead else 1)


def test_precomputable_explorer_works_out_the_values_of_labelled_options():
    calls = []

    @widgets.precomputable
    def view(country):
        calls.append(country)
        return country

    h.Explorer(view, country=w.Dropdown(options={"China": "CN", "Russia": "RU"}))
    h.Explorer(view, country=w.RadioButtons(options=[("China", "CN"), ("Russia", "RU")]))
    assert sorted(calls) == ["CN", "CN", "RU", "RU"]  # values, never labels


def test_a_wrapped_view_is_not_precomputable():
    view, calls = _counted_view(precompute=True)

    @functools.wraps(view)  # copies the mark, but the wrapper is the student's own
    def wrapper(country, ranked):
        return view(country, ranked)

    explorer = h.Explorer(wrapper, country=["China", "Russia"], ranked=True)
    assert explorer.precompute_ms is None and calls == [("China", True)]


def test_precomputable_explorer_drops_what_it_kept_when_the_data_change(monkeypatch):
    view, calls = _counted_view(precompute=True)
    explorer = h.Explorer(view, country=["China", "Russia"], ranked=True)
    assert len(calls) == 4
    monkeypatch.setattr(h.data, "course_stamp", lambda: (("a table", 1, 1),))  # a data file edited
    explorer.set(country="Russia")
    assert calls[-1] == ("Russia", True) and len(calls) == 5 and len(explorer.ready) == 1
    explorer.set(country="China")
    explorer.set(country="Russia")
    assert len(calls) == 6  # kept again until the next edit


def test_precomputable_explorer_keeps_the_latest_choices_only():
    calls = []

    @widgets.precomputable
    def view(years):
        calls.append(years)
        return str(years)

    explorer = h.Explorer(view, years=(1938, 2026))
    for last in range(1950, 1950 + h.Explorer.MOST_KEPT + 5):
        explorer.set(years=(1938, last))
        explorer.set(years=(1938, 2026))  # shown again and again: the most recent, never dropped
    assert len(explorer.ready) == h.Explorer.MOST_KEPT
    assert ((1938, 1950),) not in explorer.ready and ((1938, 1950 + h.Explorer.MOST_KEPT + 4),) in explorer.ready
    assert ((1938, 2026),) in explorer.ready and calls.count((1938, 2026)) == 1


def test_explorer_view_is_fixed():
    explorer = h.Explorer(lambda a: str(a), a=["x", "y"])
    with pytest.raises(AttributeError):
        explorer.view = lambda a: "other"


def test_precomputable_explorer_with_a_list_value_runs_its_view_each_time():
    calls = []

    @widgets.precomputable
    def view(countries):
        calls.append(list(countries))
        return ", ".join(countries)

    explorer = h.Explorer(view, countries=w.TagsInput(value=["China"]))  # a list cannot be a key: nothing kept
    explorer.set(countries=["Russia"])
    explorer.set(countries=["China"])
    assert calls == [["China"], ["Russia"], ["China"]] and explorer.output.html == "<p>China</p>"


@pytest.mark.parametrize(
    "args,kwargs,error,message",
    [
        (("not callable",), {"a": [1]}, TypeError, "view must be a function"),
        ((lambda a: a,), {}, ValueError, "at least one control"),
        ((lambda a: a,), {"a": []}, TypeError, "give a list of options"),
        ((lambda a: a,), {"a": 3.5}, TypeError, "give a list of options"),
    ],
)
def test_explorer_bad_construction(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        h.Explorer(*args, **kwargs)


def test_explorer_unknown_control():
    explorer = h.Explorer(lambda a: str(a), a=["x", "y"])
    with pytest.raises(KeyError, match="no control 'b'"):
        explorer.set(b="x")


def test_widgets_have_a_static_fallback_and_css_class():
    quiz = h.Lesson("00").quiz()
    bundle = quiz._repr_mimebundle_()
    assert bundle["text/plain"].startswith("[Interactive widget")
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert {"sp-widget", "sp-quiz"} <= set(quiz._dom_classes)


# ---------------------------------------------------------------- glossary and environment


def test_define_gives_definition_equivalents_and_sources():
    text = repr(h.define("soft power", "Smart Power"))
    assert "软实力 (ruǎn shílì)" in text and "мягкая сила (myagkaya sila)" in text and "[Nye 2008]" in text
    assert "smart power:" in text


@pytest.mark.parametrize(
    "bad,error,message",
    [
        (("sof power",), LookupError, "Did you mean 'soft power'"),
        ((), ValueError, "at least one term"),
        ((3,), LookupError, "unknown glossary term 3"),
    ],
)
def test_define_bad_input(bad, error, message):
    with pytest.raises(error, match=message):
        h.define(*bad)


def test_environment_check_passes_here():
    checks = h.envcheck.checks()
    failed = [c for c in checks if not c.ok]
    assert not failed, failed
    assert {c.name for c in checks} >= {"Python", "pandas", "altair", "course data", "offline charts"}
    assert "All checks passed." in repr(h.check_environment())


def test_environment_check_reports_broken_data_without_crashing(data_copy):
    (data_copy / "polls.csv").write_text("survey,year\nPew,twenty\n", encoding="utf-8")
    report = repr(h.check_environment())
    assert "FAIL course data" in report and "git checkout data/" in report


def test_widget_probe_renders_a_course_widget():
    probe = h.widget_probe()
    assert "Widgets work." in probe.children[0].value


def test_nan_in_data_cells_renders_empty():
    from helpers.display import esc

    assert esc(float("nan")) == "" and esc(None) == "" and esc(pd.NA) == "" and esc(math.pi).startswith("3.14")


def test_importing_helpers_keeps_the_slow_optional_module_out_and_altair_working():
    import subprocess
    import sys

    code = (
        "import helpers, sys, altair as alt\n"
        "assert sys.modules['rfc3987_syntax'] is None\n"
        "alt.Chart({'values': [{'a': 1}]}).mark_point().encode(x='a:Q').to_dict()  # validates against the schema\n"
        "print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr


def test_hostile_text_in_data_rows_is_shown_as_text(data_copy):
    import csv

    with open(data_copy / "bibliography.csv", "a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(
            [
                "evil_2099",
                f"Evil {HOSTILE} 2099",
                "blog",
                "secondary",
                HOSTILE,
                HOSTILE,
                HOSTILE,
                "2099",
                "https://example.org/'><script>alert(1)</script>",
                HOSTILE,
            ]
        )
    with open(data_copy / "glossary.csv", "a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(["evil term", HOSTILE, HOSTILE, "", "", "", "evil_2099", ""])
    outputs = [
        h.bibliography(["evil_2099"])._repr_html_(),
        h.define("evil term")._repr_html_(),
        charts.svg(h.bar(pd.DataFrame({"k": [HOSTILE], "v": [1], "source_id": ["evil_2099"]}), "k", "v", title="t")),
        h.widgets.to_html(h.load("bibliography").tail(1)),
    ]
    for html in outputs:
        assert "<script" not in html and "<img" not in html, html
        assert "&lt;script&gt;" in html or "&lt;img" in html


def test_explorer_draws_layered_charts_too():
    polls = h.load("polls")
    russia = polls[(polls["subject"] == "Russia") & (polls["measure"] == "favourable")].drop_duplicates(
        ["respondents", "year"]
    )
    explorer = h.Explorer(
        lambda who: h.bar(russia[russia["respondents"] == who], "year", "percent", title=who),
        who=["China", "Russia"],
    )
    assert len(explorer.output.charts) == 1  # h.bar returns a LayerChart (bars plus labels)


# ---------------------------------------------------------------- what students see in the widgets


def _controls(widget) -> list:
    """Every widget inside ``widget`` (itself included), depth first."""
    found = [widget]
    for child in getattr(widget, "children", ()):
        found += _controls(child)
    return found


def _course_widgets():
    from helpers.topics.rubric import Rubric

    quiz = h.Lesson("00").quiz()
    explorer = h.Explorer(
        lambda country, years, wide: country, country=["China", "Russia"], years=(1938, 2020), wide=True
    )
    return [quiz, h.Sorter(_activity()), explorer, h.IndexBuilder(), Rubric(), h.Lesson("00").progress()]


def test_every_control_of_every_course_widget_has_an_accessible_name():

    named = (w.Dropdown, w.Text, w.Textarea, w.Checkbox, w.BoundedIntText, w.BoundedFloatText, w.Button)
    for widget in _course_widgets():
        controls = _controls(widget)
        # ipywidgets draws a slider's handle with role="slider" and no name: the course uses number boxes.
        slider_kinds = (w.IntSlider, w.FloatSlider, w.IntRangeSlider, w.FloatRangeSlider)
        sliders = [c for c in controls if isinstance(c, slider_kinds)]
        assert not sliders, f"{type(widget).__name__} has unnamed slider handles"
        unnamed = [c for c in controls if isinstance(c, named) and not c.description.strip()]
        assert not unnamed, f"{type(widget).__name__}: controls without a name: {unnamed}"
        # Radio buttons are named by their option labels.
        for radio in (c for c in controls if isinstance(c, w.RadioButtons)):
            assert all(str(label).strip() for label in radio._options_labels)


def test_sorter_and_rubric_menus_start_at_choose_and_go_back_there():
    from helpers.topics.rubric import Rubric
    from helpers.widgets import PLACEHOLDER

    sorter, rubric = h.Sorter(_activity()), Rubric()
    menus = [m for row in sorter.dropdowns for m in row.values()] + list(rubric.menus.values())
    # index 0 is the placeholder shown; ipywidgets' value=None alone would leave the menu blank (index None).
    assert all(m.index == 0 and m.label == PLACEHOLDER and m.value is None for m in menus)
    sorter.choose(0, tone="critical")
    rubric.rate(rubric.criteria[0].key, 3)
    assert sorter.dropdowns[0]["tone"].label == "critical" and rubric.ratings[rubric.criteria[0].key] == 3
    sorter.reset()
    rubric.rate(rubric.criteria[0].key, None)
    assert all(m.index == 0 and m.label == PLACEHOLDER for m in menus)
    assert sorter.dropdowns[0]["tone"].description == "Item 1: tone"  # its name for a screen reader


def test_a_partly_sorted_activity_is_not_marked_done(tmp_path, monkeypatch):
    from helpers import progress

    monkeypatch.setenv("SOFT_POWER_PROGRESS", str(tmp_path / "progress.json"))
    sorter = h.Sorter(_activity(), lesson="01")
    sorter.choose(0, tone="critical", kind="opinion")
    sorter.check()
    assert "activities" not in progress.read()["lessons"].get("01", {})
    assert "Not finished yet." in sorter.score.value and "Sort the other 1 item(s)" in sorter.score.value
    sorter.choose(1, tone="optimistic", kind="evidence")
    sorter.check()
    saved = progress.read()["lessons"]["01"]["activities"]["a"]
    assert (saved["correct"], saved["total"]) == (2, 2)
    assert saved["items"] == [
        {"answer": {"tone": "critical", "kind": "opinion"}, "correct": True},
        {"answer": {"tone": "optimistic", "kind": "evidence"}, "correct": True},
    ]
    assert "Not finished" not in sorter.score.value
    unrecorded = h.Sorter(_activity())  # outside a lesson: the same feedback, nothing recorded
    unrecorded.choose(0, tone="critical", kind="opinion")
    unrecorded.check()
    assert "Not finished yet." in unrecorded.score.value
    unrecorded.choose(1, tone="optimistic", kind="evidence")
    unrecorded.check()
    assert "Not finished" not in unrecorded.score.value


def test_feedback_is_announced_to_screen_readers():
    quiz = h.Lesson("00").quiz()
    quiz.answer(0, quiz.questions[0].answer)
    sorter = h.Sorter(_activity())
    sorter.check()
    for html in (quiz.feedback[0].value, sorter.feedback[0].value, sorter.score.value):
        assert html.startswith("<div role='status' aria-live='polite'>"), html[:80]


def test_headings_in_widgets_and_sources_sit_under_the_lessons_h2():
    quiz = h.Lesson("00").quiz()
    sources = h.Lesson("00").sources().html
    # Not "Check your understanding" again under the lesson's heading of that name.
    assert re.fullmatch(r"<h3>\d+ questions?</h3>", quiz.children[0].value)
    assert "<h3>Sources for lesson 00</h3>" in sources

    html = "".join(c.value for widget in _course_widgets() for c in _controls(widget) if isinstance(c, w.HTML))
    assert not re.search(r"<h[1245]\b", html + sources)


def test_course_tables_have_no_empty_header_and_no_raw_missing_values():
    frame = pd.DataFrame({"event": ["a", "b"], "place": ["Moscow", None], "count": pd.array([3, None], dtype="Int64")})
    table = h.show_table(frame)
    assert "<th></th>" not in table.html and "&lt;NA&gt;" not in table.html and "NaN" not in table.html
    assert [m for m in re.findall(r"<th scope='col'>(.*?)</th>", table.html)] == ["event", "place", "count"]
    assert "<td>3</td>" in table.html and "<td style='text-align:left'>Moscow</td>" in table.html
    assert "<NA>" not in repr(table)
    assert h.widgets.to_html(frame) == table.html  # explorers show tables the same way
    assert "<th></th>" not in h.check_environment().html


def test_progress_view_spaces_its_column_headers():
    view = h.Lesson("00").progress()
    assert view.table.value.startswith("<style>.sp-progress th") and "padding" in view.table.value


def test_range_input_keeps_an_ordered_pair_within_bounds():
    from helpers.widgets import RangeInput

    years = RangeInput((2024, 2025), 1938, 2025, "years")
    assert years.first.description == "years from" and years.last.description == "to"
    years.first.value = 2030  # above the maximum: the box clamps it
    assert years.value == (2025, 2025)
    years.first.value, years.last.value = 2000, 1990  # typed the wrong way round
    assert years.value == (1990, 2000)
    years.value = (1950, 1960)
    assert (years.first.value, years.last.value) == (1950, 1960)
    with pytest.raises(ValueError, match="between 1938 and 2025"):
        RangeInput((1900, 2025), 1938, 2025, "years")


def test_span_starts_an_explorer_range_within_wider_bounds():
    explorer = h.Explorer(lambda years: f"{years[0]}-{years[1]}", years=h.span(1938, 2026, start=(2024, 2025)))
    years = explorer.controls["years"]
    assert explorer.values == {"years": (2024, 2025)} and "2024-2025" in explorer.output.html
    assert (years.first.min, years.first.max, years.last.min, years.last.max) == (1938, 2026, 1938, 2026)
    explorer.set(years=(1938, 2026))  # widened across the bounds
    assert "1938-2026" in explorer.output.html
    assert h.span(1, 5) == h.span(1, 5, start=(1, 5))  # no start: the whole span
    whole = h.Explorer(lambda years: "", years=(1, 5)).controls["years"]  # a pair is short for span(1, 5)
    assert (whole.value, whole.first.min, whole.first.max) == ((1, 5), 1, 5)


@pytest.mark.parametrize(
    ("args", "start", "error", "message"),
    [
        ((1938, "2026"), None, TypeError, "bounds must be whole numbers"),
        ((2026, 1938), None, ValueError, r"runs backwards.*span\(1938, 2026\)"),
        ((1938, 2026), (2024,), TypeError, r"pair of whole numbers"),
        ((1938, 2026), (2025, 2024), ValueError, "ordered pair"),
        ((1938, 2026), (1900, 2024), ValueError, "within the bounds 1938 to 2026"),
    ],
)
def test_span_names_what_is_wrong_with_a_bad_spec(args, start, error, message):
    with pytest.raises(error, match=message):
        h.span(*args, start=start)


def test_explorer_control_spec_error_lists_the_valid_forms():
    with pytest.raises(TypeError, match=r"span\(low, high, start=\(a, b\)\)"):
        h.Explorer(lambda years: "", years=1938)


def test_events_explorer_offers_only_kinds_with_events_in_its_range():
    events = h.load("events")
    explorer = h.events_explorer(events)
    kinds = explorer.controls["kind"].options[1:]
    start = events["date"].str[:4].astype(int)
    last = int(start.max())  # the range starts at 2024 and runs to the last year in the data
    assert explorer.values == {"kind": "all kinds", "years": (2024, last)}
    for kind in kinds:
        assert ((events["kind"] == kind) & start.between(2024, last)).any(), kind
    assert set(events["kind"]) - set(kinds), f"some kinds have no event in 2024-{last}: they are left out"
    for kind in kinds:
        explorer.set(kind=kind)
        assert "No events" not in explorer.output.html and "&lt;NA&gt;" not in explorer.output.html
    assert ">source</th>" in explorer.output.html and "source_id" not in explorer.output.html


def test_lab_command_writes_its_settings_beside_the_users_own(tmp_path):
    from helpers.__main__ import COURSE_SETTINGS, FOCUSED, FONT_SIZES, lab_overrides, write_lab_settings

    app_dir = tmp_path / "lab"
    schema = app_dir / "schemas" / "@jupyterlab" / "notebook-extension" / "tracker.json"
    schema.parent.mkdir(parents=True)
    shortcuts = [
        {"command": "notebook:move-cursor-down", "keys": ["ArrowDown"], "selector": FOCUSED},
        {"command": "notebook:run-cell", "keys": ["Ctrl Enter"], "selector": ".jp-Notebook"},
    ]
    schema.write_text(json.dumps({"jupyter.lab.shortcuts": shortcuts}), encoding="utf-8")
    settings = app_dir / "settings"
    settings.mkdir()
    (settings / "overrides.json").write_text('{"mine": {"keep": true}}', encoding="utf-8")
    path = write_lab_settings(settings, app_dir)
    assert path == settings / "overrides.d" / COURSE_SETTINGS
    assert json.loads((settings / "overrides.json").read_text(encoding="utf-8")) == {"mine": {"keep": True}}
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written == lab_overrides(app_dir)
    assert written["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}
    assert written["@jupyterlab/apputils-extension:themes"]["overrides"] == FONT_SIZES
    moved = written["@jupyterlab/shortcuts-extension:shortcuts"]["shortcuts"]
    assert moved == [
        {**shortcuts[0], "disabled": True},
        {**shortcuts[0], "selector": FOCUSED + ":not(select):not(input):not(textarea)"},
    ]


def test_font_sizes_go_to_the_user_level_theme_settings_keeping_the_users_own(tmp_path):
    # JupyterLab 4.6 applies theme CSS overrides from user settings only (the browser test measures them).
    from helpers.__main__ import FONT_SIZES, THEMES_SETTINGS, write_font_sizes

    path = write_font_sizes(tmp_path)
    assert path == tmp_path / THEMES_SETTINGS
    assert json.loads(path.read_text(encoding="utf-8")) == {"overrides": FONT_SIZES}
    path.write_text(
        '// my own\n{"theme": "JupyterLab Dark", "overrides": {"code-font-size": "20px", "ui-font-size1": null}}',
        encoding="utf-8",
    )
    written = json.loads(write_font_sizes(tmp_path).read_text(encoding="utf-8"))
    assert written["theme"] == "JupyterLab Dark"
    assert written["overrides"] == {**FONT_SIZES, "code-font-size": "20px"}
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit, match="themes.jupyterlab-settings"):
        write_font_sizes(tmp_path)


def test_one_column_check_names_the_missing_column_and_those_present():
    from helpers.data import require_columns

    frame = pd.DataFrame({"year": [2015], "percent": [51], "source_id": ["nye_2004"]})
    for missing, call in (
        ("country", lambda: require_columns(frame, "year", "country")),
        ("country", lambda: h.bar(frame, "country", "percent", title="t")),  # the charts' check
        ("date", lambda: h.events_between(frame, None, (2015, 2015))),  # the topics' check
    ):
        with pytest.raises(
            h.UnknownNameError, match=rf"unknown column '{missing}'\. Valid columns: 'percent', 'source_id', 'year'"
        ):
            call()
    with pytest.raises(TypeError, match="expected a pandas DataFrame, not list"):
        require_columns([1, 2], "year")


def test_countries_keep_one_colour_scale_across_charts():
    scale = charts.country_scale(["Russia", "China", "Country A"])
    assert scale["range"] == [charts.COUNTRY_COLOURS["Russia"], charts.COUNTRY_COLOURS["China"], charts.PALETTE[4]]
    frame = pd.DataFrame({"country": ["China", "Russia"], "index": [6.0, 5.0], "source_id": ["nye_2004"] * 2})
    spec = json.dumps(h.bar(frame, "country", "index", colour="country", title="t").to_dict())
    ranking = h.ranking(
        {c: dict.fromkeys(("culture", "political values", "foreign policies"), 5) for c in ("China", "Russia")},
        dict.fromkeys(("culture", "political values", "foreign policies"), 1),
        countries=["China", "Russia"],
    )
    from helpers.topics.indices import ranking_chart

    for text in (spec, json.dumps(ranking_chart(ranking).to_dict())):
        assert charts.COUNTRY_COLOURS["China"] in text and charts.COUNTRY_COLOURS["Russia"] in text


def test_environment_check_sums_up_in_the_course_feedback_box():
    html = h.check_environment().html
    assert "class='sp-feedback sp-correct'" in html or "class='sp-feedback sp-incorrect'" in html


def test_lesson_notebooks_are_found_by_their_numbered_names(tmp_path):
    from helpers.lesson import lesson_notebooks

    for name in ("01_b.ipynb", "00_a.ipynb", "notes.ipynb", "1_c.ipynb", "02_c.md"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert [p.name for p in lesson_notebooks(tmp_path)] == ["00_a.ipynb", "01_b.ipynb"]


def test_launch_adds_allow_root_once_and_only_as_root():
    from helpers.__main__ import with_root_option

    assert with_root_option(["jupyter", "lab"], is_root=False) == ["jupyter", "lab"]
    assert with_root_option(["jupyter", "lab"], is_root=True) == ["jupyter", "lab", "--allow-root"]
    assert with_root_option(["jupyter", "lab", "--allow-root"], is_root=True).count("--allow-root") == 1


def test_every_exercise_kind_of_the_bank_format_has_its_grader(monkeypatch):
    from helpers import grading

    assert set(grading.GRADERS) == set(material._KINDS)
    seen = []
    monkeypatch.setitem(grading.GRADERS, "number", lambda ex, answer: seen.append((ex.id, answer)) or "graded")
    assert grade_exercise(number_exercise(), 7) == "graded" and seen == [("1.1", 7)]
    assert grade_exercise(number_exercise(), ...).status == "unanswered"  # blank answers never reach a grader


def test_an_atomic_write_that_fails_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    from helpers.files import write_text_atomically

    import os

    path = tmp_path / "settings.json"
    assert write_text_atomically(path, "old\n") == path and path.read_text(encoding="utf-8") == "old\n"
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)

    def refuse(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        write_text_atomically(path, "new\n")
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"] and path.read_text(encoding="utf-8") == "old\n"


def test_core_modules_know_no_topic():
    """The layout rule: helpers/*.py import nothing from helpers/topics/ (the package's __init__ names them)."""
    import ast
    from pathlib import Path

    core = [p for p in Path(h.__file__).parent.glob("*.py") if p.name != "__init__.py"]
    assert len(core) > 10
    for path in core:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(a.name for a in node.names)]
                assert not any(n == "topics" or n.startswith("topics.") for n in names), f"{path.name} imports a topic"


def test_topic_widgets_print_themselves_in_handouts():
    from helpers import editions

    assert (
        editions.printable_widget("Rubric") is h.Rubric and editions.printable_widget("IndexBuilder") is h.IndexBuilder
    )
    assert editions.printable_widget("Explorer") is None and editions.printable_widget("nothing") is None
    assert "sp-print-rubric" in h.Rubric.paper_form() and "Niche soft power" in h.Rubric.paper_form()
    assert "this index builder lets you score countries" in h.IndexBuilder.paper_form()


def test_every_public_name_resolves_and_modules_are_not_the_way_in():
    for name in h.__all__:
        assert getattr(h, name) is not None, name
    assert set(h.__all__) <= set(dir(h))
    with pytest.raises(AttributeError, match=r"h\.<name>, never h\.<module>\.<name>"):
        h.screens  # noqa: B018 (the attribute access is the test)
    for module in ("indices", "screens", "rubric"):
        doc = __import__(f"helpers.topics.{module}", fromlist=["_"]).__doc__
        assert re.search(r"lessons? 0\d", doc), f"helpers/topics/{module}.py: its docstring names no lesson"


# ---------------------------------------------------------------- distractor feedback and the shown order

WITH_WRONG = GOOD.replace('choices = ["a", "b"]', 'choices = ["a", "b", "c"]') + (
    '[[question.wrong]]\nchoice = "b"\nmisconception = "b for a"\nreason = "Why b misleads."\n'
)


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda s: s.replace('choice = "b"', 'choice = "z"'), "question 'q1', wrong 1: 'choice' 'z' is not one of"),
        (lambda s: s.replace('choice = "b"', 'choice = "a"'), "question 'q1', wrong 1: 'choice' 'a' is the answer"),
        (
            lambda s: s + '[[question.wrong]]\nchoice = "b"\nmisconception = "m"\nreason = "r"\n',
            "question 'q1', wrong 2: 'choice' 'b' already has a [[question.wrong]] entry",
        ),
        (lambda s: s.replace('misconception = "b for a"\n', ""), "wrong 1: the key 'misconception' is required"),
        (lambda s: s.replace("reason =", "reasons ="), "unknown key 'reasons' (did you mean 'reason'?)"),
        (
            # The student wording replaces the choices: the shared feedback no longer names one of them.
            lambda s: s + '[question.student]\nchoices = ["a", "x", "c"]\n',
            "question 'q1', student, wrong 1: 'choice' 'b' is not one of the choices",
        ),
        (
            lambda s: (
                s
                + '[question.student]\nchoices = ["a", "x"]\n[[question.student.wrong]]\nchoice = "c"\n'
                + 'misconception = "m"\nreason = "r"\n'
            ),
            "question 'q1', student, wrong 1: 'choice' 'c' is not one of the choices",
        ),
    ],
)
def test_broken_distractor_feedback_names_file_question_and_key(data_copy, change, message):
    (data_copy / "lessons" / "09.toml").write_text(change(WITH_WRONG), encoding="utf-8")
    with pytest.raises(MaterialError) as err:
        material.material("09")
    assert str(err.value).startswith("lessons/09.toml") and message in str(err.value)


def test_distractor_feedback_is_read_with_its_own_student_wording(data_copy):
    student = '[question.student]\nchoices = ["a", "x", "c"]\n[[question.student.wrong]]\nchoice = "x"\n'
    student += 'misconception = "x for a"\nreason = "Why x misleads."\n'
    (data_copy / "lessons" / "09.toml").write_text(WITH_WRONG + student, encoding="utf-8")
    q = material.material("09").questions[0]
    assert q.distractor("b").misconception == "b for a" and q.distractor("c") is None and q.distractor("a") is None
    assert q.student.distractor("x").reason == "Why x misleads." and q.student.distractor("b") is None
    # The student wording shows its answer where the teacher's wording shows its own.
    assert q.choices.index(q.answer) == q.student.choices.index(q.student.answer)


def _questions(count: int, size: int = 3, reverse: bool = False) -> list[Question]:
    made = []
    for i in range(count):
        choices = tuple(f"choice {k} of q{i}" for k in range(size))
        made.append(Question(f"q{i}", "p", choices[::-1] if reverse else choices, choices[0], "e", "nye_2008"))
    return made


def test_shown_order_is_stable_and_ignores_the_authored_order():
    shown = material.shown_order("03", _questions(8))
    assert shown == material.shown_order("03", _questions(8))
    # The same choices listed in another order, and the questions in another order, are shown alike.
    assert material.shown_order("03", _questions(8, reverse=True)) == shown
    assert material.shown_order("03", _questions(8)[::-1]) == shown[::-1]
    for before, after in zip(_questions(8), shown):
        assert sorted(after.choices) == sorted(before.choices) and after.answer == before.answer
    # Seeded by the lesson number: another lesson shows the same questions otherwise.
    assert [q.choices for q in material.shown_order("04", _questions(8))] != [q.choices for q in shown]


def test_shown_order_does_not_use_pythons_salted_hash():
    import subprocess
    import sys

    code = (
        "from helpers import material as m; Q = m.Question\n"
        "print(m.shown_order('05', [Q(f'q{i}', 'p', ('a', 'b', 'c'), 'a', 'e', 's') for i in range(9)]))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1


@pytest.mark.parametrize("count,size", [(3, 3), (6, 3), (8, 3), (10, 3), (7, 4), (8, 4), (9, 2)])
def test_key_positions_are_balanced(count, size):
    positions = material.key_positions("07", _questions(count, size))
    most = max(Counter(positions.values()).values())
    assert most == -(-count // size)  # no position holds more keys than it must (the ceiling of count / size)
    shown = material.shown_order("07", _questions(count, size))
    assert {q.id: q.choices.index(q.answer) for q in shown} == positions


def test_wrong_choice_names_the_misconception_then_the_explanation():
    wrong = (material.Distractor("a", "a taken for b", "A looks like b <i>."),)
    q = Question("q", "Which?", ("a", "b", "c"), "b", "Because b.", "nye_2008", wrong=wrong)
    verdict = grade_question(q, "a")
    assert verdict.headline == "Not quite: a taken for b."
    assert verdict.detail.index("A looks like b <i>.") < verdict.detail.index("Because b.")
    assert "&lt;i&gt;" in verdict.html() and "<i>" not in verdict.html()
    assert grade_question(q, "c").headline == "Not quite."  # no entry: the explanation alone
    quiz = h.Quiz([q])
    quiz.answer(0, "a")
    assert "a taken for b" in quiz.feedback[0].value and "Because b." in quiz.feedback[0].value


def test_a_chart_with_its_table_right_below_has_no_closed_data_toggle_too():
    from helpers.topics import screens
    from helpers.widgets import pieces

    with_table = pieces(screens.explore_kinds(h.reported_events()))
    assert [kind for kind, _ in with_table] == ["live", "html", "html"]
    assert "The data behind this chart" not in "".join(v for k, v in with_table if k == "html")
    alone = pieces(screens.explore_kinds(h.reported_events())[0])
    assert "The data behind this chart" in alone[1][1]
