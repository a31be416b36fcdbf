"""Widgets: thin glue between ipywidgets and the pure grading and chart functions.

Every widget writes its results into HTML widgets by assigning ``.value``
(never ``print``), so the same code works in JupyterLab, under nbval and in
plain Python tests. Where widgets cannot render (GitHub, nbviewer, an HTML
export), each shows a one-line note instead of its internal repr.
"""

from __future__ import annotations

import itertools
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import ipywidgets as w
import pandas as pd
import traitlets

from . import charts, data, progress
from .chart_text import describe_table
from .display import Rich, esc, feedback_box, frame_html
from .grading import Verdict, grade_item, grade_question
from .livechart import LiveChart
from .material import Activity, Question, lesson_numbers, material

# Shown until the cell runs (a fresh clone stores no widget state): say what to do, to a reader already in JupyterLab.
STATIC_NOTE = "[Interactive widget: run this cell, or Run > Run All Cells, to use it.]"


class CourseBox(w.VBox):
    """A VBox that shows a helpful note, not its repr, where widgets cannot render.

    Each kind of course widget carries a CSS class (``css_class``) that tests and styles can find.
    """

    css_class = "sp-widget"

    def __init__(self, children: Sequence[w.Widget] = (), **kwargs: Any) -> None:
        super().__init__([*children, _course_style()], **kwargs)
        self.add_class("sp-widget")
        self.add_class(self.css_class)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = STATIC_NOTE
        return bundle


# ipywidgets gives HTML text the line height of one control (28 px): paragraphs and table rows that wrap
# then take double spacing. Course widgets read as text; the rule applies inside them only.
COURSE_STYLE = (
    "<style>.sp-widget .widget-html-content {line-height: 1.45}"
    ".sp-widget .sp-table td, .sp-widget .sp-table th {padding: 3px 10px 3px 0; vertical-align: top}"
    ".sp-widget .sp-table th {text-align: left}</style>"
)


def _course_style() -> w.HTML:
    """A widget that draws nothing and carries COURSE_STYLE (a <style> applies where it is, however hidden)."""
    return w.HTML(COURSE_STYLE, layout=w.Layout(display="none"))


def _html(value: str = "") -> w.HTML:
    return w.HTML(value=value, layout=w.Layout(width="auto"))


def live(html: str) -> str:
    """``html`` in a polite live region, so a screen reader announces feedback when it appears."""
    return f"<div role='status' aria-live='polite'>{html}</div>" if html else ""


def saving_note(problem: str | None) -> str:
    """A small note under feedback when progress could not be kept as planned (empty when all went well)."""
    return f"<p><small><b>Note:</b> {esc(problem)}</small></p>" if problem else ""


def _score_html(correct: int, answered: int, total: int) -> str:
    return (
        f"<div class='sp-score' style='font-size:110%'><b>Score: {correct} / {total}</b>"
        f" <span style='color:#555'>({answered} of {total} answered)</span></div>"
    )


class Quiz(CourseBox):
    """Multiple-choice questions with immediate feedback, a running score and a reset."""

    css_class = "sp-quiz"

    def __init__(self, questions: Sequence[Question], title: str | None = None, lesson: str | None = None) -> None:
        if not questions:
            raise ValueError("a quiz needs at least one question")
        self.lesson = lesson  # answers are recorded in the student's progress when set
        self.questions = list(questions)
        self.verdicts: list[Verdict | None] = [None] * len(self.questions)
        self.score = _html()
        self.radios = [
            w.RadioButtons(options=list(q.choices), value=None, layout=w.Layout(width="auto")) for q in self.questions
        ]
        self.feedback = [_html() for _ in self.questions]
        self.buttons = [w.Button(description="Check", button_style="primary", icon="check") for _ in self.questions]
        for i, button in enumerate(self.buttons):
            button.on_click(lambda _b, i=i: self.check(i))
        self.reset_button = w.Button(description="Try again", icon="refresh")
        self.reset_button.on_click(lambda _b: self.reset())
        rows = []
        for i, q in enumerate(self.questions):
            prompt = _html(f"<p style='margin:10px 0 2px'><b>{i + 1}.</b> {esc(q.prompt)}</p>")
            row = w.VBox(
                [prompt, self.radios[i], self.buttons[i], self.feedback[i]], layout=w.Layout(margin="0 0 8px 0")
            )
            rows.append(row.add_class("sp-question"))
        # h3: the quiz sits under the lesson's "## Check your understanding" heading (h2).
        # By default no title of its own: the lesson's heading above already reads "Check your understanding".
        count = len(self.questions)
        heading = title or f"{count} question{'s' if count > 1 else ''}"
        super().__init__([_html(f"<h3>{esc(heading)}</h3>"), self.score, *rows, self.reset_button])
        self._update_score()

    def answer(self, index: int, choice: str | None) -> Verdict:
        """Select ``choice`` for question ``index`` and check it (as a click would)."""
        self._question(index)
        if choice is not None and choice not in self.radios[index].options:
            self.radios[index].value = None
        else:
            self.radios[index].value = choice
        return self.check(index, choice)

    def check(self, index: int, choice: Any = ...) -> Verdict:
        """Grade question ``index`` with the selected (or given) choice and show the feedback."""
        question = self._question(index)
        chosen = self.radios[index].value if choice is ... else choice
        verdict = grade_question(question, chosen)
        self.verdicts[index] = verdict if verdict.status != "unanswered" else None
        problem = None
        if self.lesson and verdict.status != "unanswered":
            problem = progress.record_question(self.lesson, question.id, str(chosen), verdict.correct)
        self.feedback[index].value = live(verdict.html() + saving_note(problem))
        self._update_score()
        return verdict

    def reset(self) -> None:
        """Clear every answer, feedback and the score."""
        for radio, feedback in zip(self.radios, self.feedback):
            radio.value = None
            feedback.value = ""
        self.verdicts = [None] * len(self.questions)
        self._update_score()

    @property
    def correct(self) -> int:
        return sum(1 for v in self.verdicts if v is not None and v.correct)

    def _question(self, index: int) -> Question:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(self.questions):
            raise IndexError(
                f"question index {index!r} is out of range: this quiz has questions 0 to {len(self.questions) - 1}"
            )
        return self.questions[index]

    def _update_score(self) -> None:
        answered = sum(v is not None for v in self.verdicts)
        self.score.value = _score_html(self.correct, answered, len(self.questions))


PLACEHOLDER = "— choose —"
# A label kept for screen readers but given no width on screen (ipywidgets renders a <label for=...>).
UNSEEN_LABEL = {"description_width": "0px"}


def choice_menu(options: Sequence[Any], label: str, shown: bool = False, **kwargs: Any) -> w.Dropdown:
    """A menu that starts at "— choose —" (value None) and carries ``label`` as its accessible name.

    ``options`` are values or (text, value) pairs. The label shows on screen only when ``shown``.
    """
    style = {"description_width": "initial"} if shown else UNSEEN_LABEL
    return w.Dropdown(options=[(PLACEHOLDER, None), *options], index=0, description=label, style=style, **kwargs)


def set_choice(menu: w.Dropdown, value: Any) -> None:
    """Choose ``value`` in a :func:`choice_menu`; None goes back to "— choose —"."""
    menu.value = value
    if value is None:
        # ipywidgets turns value None into "nothing selected" (a blank menu): select the placeholder by index,
        # which leaves the value None.
        menu.index = 0


class Sorter(CourseBox):
    """Place each item in a category (on one or more dimensions) and get feedback per item."""

    css_class = "sp-sorter"

    def __init__(self, activity: Activity, lesson: str | None = None) -> None:
        self.activity = activity
        self.lesson = lesson  # results are recorded in the student's progress when set
        self.dropdowns: list[dict[str, w.Dropdown]] = []
        self.feedback = [_html() for _ in activity.items]
        rows = []
        for i, item in enumerate(activity.items):
            # With one dimension its name would only repeat the prompt on screen; screen readers still get it.
            menus = {
                d.name: choice_menu(
                    [(o, o) for o in d.options],
                    f"Item {i + 1}: {d.name}",
                    shown=len(activity.dimensions) > 1,
                    layout=w.Layout(width="auto"),
                )
                for d in activity.dimensions
            }
            self.dropdowns.append(menus)
            text = _html(f"<p style='margin:8px 0 2px'><b>{i + 1}.</b> {esc(item.text)}</p>")
            rows.append(w.VBox([text, w.HBox(list(menus.values())), self.feedback[i]]).add_class("sp-item"))
        self.score = _html()
        # width "auto": ipywidgets' fixed button width cut the label to "Check my sorti…" at classroom sizes.
        self.check_button = w.Button(
            description="Check my sorting", button_style="primary", icon="check", layout=w.Layout(width="auto")
        )
        self.check_button.on_click(lambda _b: self.check())
        self.reset_button = w.Button(description="Start again", icon="refresh")
        self.reset_button.on_click(lambda _b: self.reset())
        super().__init__(
            [_html(f"<p>{esc(activity.prompt)}</p>"), *rows, w.HBox([self.check_button, self.reset_button]), self.score]
        )

    def choose(self, index: int, **choices: str | None) -> None:
        """Set item ``index`` to the given option per dimension, as a student would."""
        if not isinstance(index, int) or not 0 <= index < len(self.dropdowns):
            raise IndexError(f"item index {index!r} is out of range: there are items 0 to {len(self.dropdowns) - 1}")
        for name, option in choices.items():
            if name not in self.dropdowns[index]:
                raise KeyError(f"no dimension {name!r}; dimensions: {list(self.dropdowns[index])}")
            menu = self.dropdowns[index][name]
            valid = [v for _, v in menu.options if v is not None]
            if option is not None and option not in valid:
                raise ValueError(f"{option!r} is not an option for {name!r}; options: {valid}")
            set_choice(menu, option)

    def check(self) -> list[Verdict]:
        """Grade every item and show per-item feedback and the score."""
        verdicts, placed = [], []
        for item, menus, box in zip(self.activity.items, self.dropdowns, self.feedback):
            chosen = {name: menu.value for name, menu in menus.items()}
            verdict = grade_item(item, chosen)
            box.value = live(verdict.html())
            verdicts.append(verdict)
            placed.append({"answer": chosen, "correct": verdict.correct})
        right = sum(v.correct for v in verdicts)
        answered = sum(v.status != "unanswered" for v in verdicts)
        score = _score_html(right, answered, len(verdicts))
        # Only a complete sorting counts in progress: with some items still on "— choose —" the feedback
        # shows, but the activity is not marked done.
        left = len(verdicts) - answered
        if self.lesson and not left:
            score += saving_note(progress.record_activity(self.lesson, self.activity.id, right, len(verdicts), placed))
        if answered and left:
            score += feedback_box("info", "Not finished yet.", f"Sort the other {left} item(s) to complete it.")
        self.score.value = live(score)
        return verdicts

    def reset(self) -> None:
        for menus, box in zip(self.dropdowns, self.feedback):
            for menu in menus.values():
                set_choice(menu, None)
            box.value = ""
        self.score.value = ""


def to_html(result: Any) -> str:
    """HTML for whatever a view returns: a chart (drawn in the kernel), a table, a Rich block or text."""
    if isinstance(result, alt.TopLevelMixin):
        return charts.to_html(result)
    if isinstance(result, pd.DataFrame):
        return frame_html(result)
    if isinstance(result, Rich):
        return result.html
    if isinstance(result, (list, tuple)):
        return "".join(to_html(part) for part in result)
    return f"<p>{esc(result)}</p>"


def _parts(result: Any) -> list[Any]:
    """A view's result as a flat list: charts on their own, everything else merged into runs of HTML."""
    flat = []
    for part in result if isinstance(result, (list, tuple)) else [result]:
        if _is_chart(part):
            flat.append(part)
        elif flat and isinstance(flat[-1], str):
            flat[-1] += to_html(part)
        else:
            flat.append(to_html(part))
    return flat


class ViewPane(w.VBox):
    """Where a changing view shows its result: charts drawn in the browser, tables and text as HTML.

    Each chart comes with its text alternative (Vega's SVG carries the chart's description as its
    accessible name) and its data in a closed table, as a static course chart does. ``show`` reuses the
    widgets already on the page when the result has the same shape, so a redraw sends only what changed.
    """

    def __init__(self, css_class: str) -> None:
        super().__init__(layout=w.Layout(width="auto"))
        self.add_class(css_class)
        self.add_class("sp-view")

    def show(self, result: Any) -> None:
        self.show_pieces(pieces(result))

    def show_pieces(self, shown: list[tuple[str, Any]]) -> None:
        """Show a result already turned into :func:`pieces`."""
        if [_kind(child) for child in self.children] != [kind for kind, _ in shown]:
            self.children = [LiveChart() if kind == "live" else _html() for kind, _ in shown]
        for child, (kind, value) in zip(self.children, shown):
            if kind == "live":
                child.spec = value
            else:
                child.value = value

    @property
    def charts(self) -> list[dict[str, Any]]:
        """The specs of the charts on show, in order (an explorer may keep them to show again: read, do not change)."""
        return [child.spec for child in self.children if isinstance(child, LiveChart)]

    @property
    def html(self) -> str:
        """Everything on show but the drawings: text, tables, and each chart's description and data."""
        return "".join(
            f"<p class='sp-live-chart-text'>{esc(child.spec['description'])}</p>"
            if isinstance(child, LiveChart)
            else child.value
            for child in self.children
        )


def pieces(result: Any) -> list[tuple[str, Any]]:
    """A view's result as a :class:`ViewPane` shows it: ``("live", spec)`` for a chart drawn in the browser,
    followed by ``("html", its description and data)``, and ``("html", markup)`` for everything else."""
    shown: list[tuple[str, Any]] = []
    parts = _parts(result)
    for i, part in enumerate(parts):
        if _is_chart(part):
            spec = charts.live_spec(part)
            # A table right after the chart already shows its data: no closed "data behind this chart" above it.
            then = parts[i + 1] if i + 1 < len(parts) else None
            table_follows = isinstance(then, str) and then.lstrip().startswith("<table")
            shown += [("live", spec), ("html", "" if table_follows else describe_table(spec))]
        else:
            shown.append(("html", part))
    return shown


def _is_chart(part: Any) -> bool:
    return isinstance(part, alt.TopLevelMixin)


def _kind(widget: w.Widget) -> str:
    return "live" if isinstance(widget, LiveChart) else "html"


def precomputable(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark an explorer's view as a function of its arguments and the course data alone.

    An :class:`Explorer` then keeps what the view shows for each choice, and works out every choice of its
    menus and checkboxes as it starts, so a later click only sends what is ready (building a chart's spec
    takes 30-70 ms; sending it, a few). The kept results are dropped when a file under ``data/`` changes.
    The course's own views carry the mark. A view of your own does not need it: without it, the view runs
    on every change, so one that prints or reads a table you are editing behaves as written. The mark
    belongs to this function alone: a wrapper made with ``functools.wraps`` copies it but is not marked.
    """
    view.precomputable = view  # type: ignore[attr-defined]
    return view


def _is_precomputable(view: Callable[..., Any]) -> bool:
    return getattr(view, "precomputable", None) is view


# Controls whose every value is listed: a menu, buttons, a list box.
_LISTED = (w.Dropdown, w.RadioButtons, w.ToggleButtons, w.Select)


def _choices(control: w.ValueWidget) -> list[Any] | None:
    """Every value a control can take, for a checkbox or a control listing its options; None for others."""
    if isinstance(control, w.Checkbox):
        return [control.value, not control.value]
    if isinstance(control, _LISTED):
        # The values ipywidgets made of the options, whichever form they were given in (values, pairs, a dict).
        return list(control._options_values)
    return None


def _key(values: dict[str, Any]) -> tuple[Any, ...] | None:
    """The controls' values as a key for the kept results; None when a value cannot be a key (a list, say)."""
    key = tuple(values.values())
    try:
        hash(key)
    except TypeError:
        return None
    return key


class Explorer(CourseBox):
    """Controls on top, a view below that ``view(**values)`` redraws on every change.

    ``controls`` map a keyword of ``view`` to a list of options (a dropdown), a
    (min, max) pair of ints (a range of two number boxes; :func:`span` sets a narrower
    starting range within the bounds), a bool (a checkbox) or a ready widget.

    For a view marked :func:`precomputable`, the explorer keeps what each choice showed (the ``MOST_KEPT``
    most recently shown; all of them are dropped when a course data file changes). If its controls are all
    menus and checkboxes, with at most ``MOST_PRECOMPUTED`` combinations, every combination is worked out
    when the explorer is made (``precompute_ms`` says how long that took; it is None when nothing was), and
    a change only shows the result.
    """

    css_class = "sp-explorer"
    MOST_PRECOMPUTED = 24
    MOST_KEPT = 64

    def __init__(self, view: Callable[..., Any], **controls: Any) -> None:
        if not callable(view):
            raise TypeError(f"view must be a function of the controls' values, not {type(view).__name__}")
        if not controls:
            raise ValueError("an explorer needs at least one control, e.g. country=['China', 'Russia']")
        self._view = view
        self._keeps = _is_precomputable(view)
        self.controls = {name: _control(name, spec) for name, spec in controls.items()}
        self.output = ViewPane("sp-explorer-output")
        self.ready: dict[tuple[Any, ...], list[tuple[str, Any]]] = {}
        self._stamp = data.course_stamp() if self._keeps else None
        for control in self.controls.values():
            control.observe(lambda _change: self.update(), names="value")
        super().__init__([w.HBox(list(self.controls.values()), layout=w.Layout(flex_flow="row wrap")), self.output])
        self.precompute_ms = self._precompute()
        self.update()

    @property
    def view(self) -> Callable[..., Any]:
        """The view function (fixed: the kept results are its results)."""
        return self._view

    @property
    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def set(self, **values: Any) -> None:
        """Change controls by name, as a student would."""
        for name, value in values.items():
            if name not in self.controls:
                raise KeyError(f"no control {name!r}; controls: {list(self.controls)}")
            self.controls[name].value = value

    def update(self) -> None:
        stamp = data.course_stamp() if self._keeps else None
        if stamp != self._stamp:  # a data file changed: work everything out anew
            self.ready.clear()
            self._stamp = stamp
        self.output.show_pieces(self._pieces(self.values))

    def _pieces(self, values: dict[str, Any]) -> list[tuple[str, Any]]:
        """What the view shows for ``values``; kept for a precomputable view, so each choice is worked out once."""
        key = _key(values) if self._keeps else None
        if key in self.ready:
            self.ready[key] = self.ready.pop(key)  # now the most recently shown: kept longest
            return self.ready[key]
        try:
            shown = pieces(self._view(**values))
        except Exception as exc:  # a bad combination must not break the widget: say what happened
            shown = pieces(Rich(feedback_box("info", "Nothing to show for this choice.", esc(exc)), str(exc)))
        if key is not None:
            self.ready[key] = shown
            if len(self.ready) > self.MOST_KEPT:  # number boxes have thousands of choices: drop the least recent
                del self.ready[next(iter(self.ready))]
        return shown

    def _precompute(self) -> float | None:
        """Work out every combination of the controls' values, if the view allows it; how long that took (ms)."""
        if not self._keeps:
            return None
        choices = [_choices(control) for control in self.controls.values()]
        if any(c is None for c in choices) or math.prod(len(c) for c in choices) > self.MOST_PRECOMPUTED:
            return None
        start = time.perf_counter()
        for combination in itertools.product(*choices):
            self._pieces(dict(zip(self.controls, combination)))
        return (time.perf_counter() - start) * 1000


class RangeInput(w.HBox):
    """A (first, last) pair of whole numbers in two labelled number boxes: "years from [2024] to [2025]".

    It replaces ipywidgets' IntRangeSlider in the course: the slider's two handles have no accessible
    name (a screen reader announces unnamed sliders), while each number box has its <label> and takes
    the arrow keys. ``value`` is always ordered (first <= last) and within [low, high].
    """

    value = traitlets.Tuple(traitlets.Int(), traitlets.Int())

    def __init__(self, value: tuple[int, int], low: int, high: int, description: str) -> None:
        first, last = value
        if not low <= first <= last <= high:
            raise ValueError(f"{description}: {value!r} must be an ordered pair between {low} and {high}")
        boxes = {"min": low, "max": high, "style": {"description_width": "initial"}, "layout": w.Layout(width="auto")}
        self.first = w.BoundedIntText(value=first, description=f"{description} from", **boxes)
        self.last = w.BoundedIntText(value=last, description="to", **boxes)
        super().__init__([self.first, self.last])
        self.add_class("sp-range")
        self.value = (first, last)
        self._syncing = False
        for box in (self.first, self.last):
            box.observe(self._from_boxes, names="value")
        self.observe(self._to_boxes, names="value")

    def _from_boxes(self, _change: Any) -> None:
        if not self._syncing:
            self.value = tuple(sorted((self.first.value, self.last.value)))

    def _to_boxes(self, change: Any) -> None:
        # One change of ``value`` sets both boxes: the guard keeps the first box's change from firing alone.
        self._syncing = True
        try:
            self.first.value, self.last.value = change["new"]
        finally:
            self._syncing = False


@dataclass(frozen=True)
class Span:
    """An explorer control for a (first, last) range of whole numbers: made by :func:`span`, which checks it."""

    low: int
    high: int
    start: tuple[int, int]


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def span(low: int, high: int, start: tuple[int, int] | None = None) -> Span:
    """A range control for :class:`Explorer`: whole numbers from ``low`` to ``high``, first showing ``start``.

    ``start`` is a (first, last) pair within the bounds (default: all of them), so an explorer can open on
    a narrow range that the student may then widen:

    >>> h.Explorer(view, years=h.span(1938, 2026, start=(2024, 2025)))

    A plain ``(low, high)`` pair of ints is short for ``span(low, high)``.
    """
    if not (_whole(low) and _whole(high)):
        raise TypeError(f"span(low, high): the bounds must be whole numbers, got {low!r} and {high!r}")
    if low > high:
        raise ValueError(f"span({low}, {high}) runs backwards: give the lower bound first, span({high}, {low})")
    start = (low, high) if start is None else start
    if not (isinstance(start, (tuple, list)) and len(start) == 2 and all(_whole(v) for v in start)):
        raise TypeError(
            f"span start must be a (first, last) pair of whole numbers such as ({low}, {high}), got {start!r}"
        )
    first, last = start
    if not low <= first <= last <= high:
        raise ValueError(
            f"span start {tuple(start)!r} must be an ordered pair (first <= last) within the bounds {low} to {high}"
        )
    return Span(low, high, (first, last))


def _control(name: str, spec: Any) -> w.ValueWidget:
    label = name.replace("_", " ")
    style = {"description_width": "initial"}
    if isinstance(spec, (w.ValueWidget, RangeInput)):
        return spec
    if isinstance(spec, bool):
        return w.Checkbox(value=spec, description=label, style=style)
    if isinstance(spec, tuple) and len(spec) == 2 and all(_whole(v) for v in spec):
        spec = span(*spec)
    if isinstance(spec, Span):
        return RangeInput(spec.start, spec.low, spec.high, label)
    if isinstance(spec, (list, tuple)) and spec:
        return w.Dropdown(options=list(spec), description=label, style=style)
    raise TypeError(
        f"control {name!r}: give a list of options, a (min, max) pair of ints, a span(low, high, start=(a, b)), "
        f"a bool or a widget, not {spec!r}"
    )


# Room between the progress table's columns, so its headers do not run together.
PROGRESS_STYLE = (
    "<style>.sp-progress th, .sp-progress td {padding: 4px 14px 4px 0; text-align: left; vertical-align: top}"
    ".sp-progress th {border-bottom: 1px solid #767676}</style>"
)


class ProgressView(CourseBox):
    """Which lessons, quizzes, exercises and activities are done, what was missed, and a reset."""

    css_class = "sp-progress-view"

    def __init__(self) -> None:
        self.table = _html()
        self.status = _html()
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.confirm = w.Checkbox(value=False, description="Yes, forget all my answers", indent=False)
        self.reset_button = w.Button(description="Reset progress", icon="trash", button_style="warning")
        self.reset_button.on_click(lambda _b: self.reset())
        # Handing in: the student names the file (a pseudonym will do); see helpers.handin.
        self.handin_name = w.Text(
            placeholder="a name or pseudonym", description="Your name", layout=w.Layout(width="auto")
        )
        self.handin_button = w.Button(description="Hand in my answers", icon="paper-plane")
        self.handin_button.on_click(lambda _b: self.hand_in())
        self.handin_status = _html()
        super().__init__(
            [
                self.table,
                w.HBox([self.refresh_button, self.confirm, self.reset_button]),
                self.status,
                w.HBox([self.handin_name, self.handin_button]),
                self.handin_status,
            ]
        )
        self.refresh()

    def hand_in(self) -> None:
        """Write the hand-in file and say where it is (the hub's shared folder, or beside the lesson)."""
        from . import handin

        if not self.handin_name.value.strip():
            self.handin_status.value = live(feedback_box("info", "Type a name or pseudonym first."))
            return
        try:
            path = handin.hand_in(self.handin_name.value)
        except handin.HandinError as exc:
            self.handin_status.value = live(feedback_box("incorrect", "Not handed in.", esc(str(exc))))
            return
        where = (
            "in your class's shared hand-in folder: your teacher will find it there"
            if os.environ.get(handin.HANDIN_ENV)
            else "beside this lesson (see the file browser): download it and send it to your teacher"
        )
        self.handin_status.value = live(
            feedback_box(
                "correct",
                "Handed in.",
                f"Your answers are in {esc(path.name)}, {where}. "
                "It holds the name you typed and your answers, nothing else.",
            )
        )

    def refresh(self, problem: str | None = None) -> None:
        """Read the store afresh and show it, with what the read (or ``problem``, a reset's) ran into."""
        store = progress.read()
        rows = progress.summary(store, {n: material(n) for n in lesson_numbers()})
        self.table.value = PROGRESS_STYLE + progress.report(rows).html
        where = f"Saved on this computer only, in {esc(progress.default_path())}."
        problems = " ".join(filter(None, [problem, *store["problems"]]))
        note = f" <b>Note:</b> {esc(problems)}" if problems else ""
        self.status.value = f"<small>{where}{note}</small>"

    def reset(self) -> None:
        if not self.confirm.value:
            self.status.value = live(feedback_box("info", "Tick the box first: a reset cannot be undone."))
            return
        problem = progress.reset()
        self.confirm.value = False
        self.refresh(problem)
