"""The assessment rubric of lesson 08: rate the evidence for Russian soft power in China, justify each
rating, see the profile as a chart, and save the whole answer as a Markdown file.

The pure functions do the work and are tested without a browser:

- :func:`check_ratings` and :func:`profile` validate ratings and turn them into a table;
- :func:`profile_chart` draws that table;
- :func:`to_markdown` writes the answer as Markdown, escaping the student's text so that
  nothing typed becomes live HTML where the Markdown is shown;
- :func:`save_markdown` writes a file safely: an empty name, a folder that does not exist, a
  folder given instead of a file, or an existing file without ``overwrite=True`` raise a
  :class:`RubricError` that says what is wrong and what to do.

:class:`Rubric` is the thin widget over them. It writes files only when its *Save* button is
clicked (or :meth:`Rubric.save` is called), never when a lesson is run.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import ipywidgets as w
import pandas as pd

from .. import charts, printed
from ..display import Rich, esc, feedback_box
from ..files import write_text_atomically
from ..widgets import UNSEEN_LABEL, CourseBox, ViewPane, choice_menu, live, set_choice


class RubricError(ValueError):
    """A rating, a justification or a file path the rubric cannot use; the message says why."""


# Index = rating. 0 means the student found no evidence, 4 strong evidence.
SCALE: tuple[str, ...] = ("no evidence", "weak", "mixed", "substantial", "strong")
NOT_RATED = "not rated"
FRAMEWORK_SOURCES = ("nye_2004", "laruelle_luo_2020")


@dataclass(frozen=True)
class Criterion:
    """One line of the rubric: a resource (Nye) or a form (Laruelle and Luo) of soft power."""

    key: str
    label: str
    framework: str
    question: str


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "culture", "Culture", "Nye", "Is Russian culture attractive to people in China, to whom, and on what evidence?"
    ),
    Criterion(
        "political_values",
        "Political values",
        "Nye",
        "Do Russia's political values attract people in China, and does Russia live up to them?",
    ),
    Criterion(
        "foreign_policies",
        "Foreign policies",
        "Nye",
        "Are Russia's foreign policies seen in China as legitimate and having moral authority?",
    ),
    Criterion(
        "ideological",
        "Ideological soft power",
        "Laruelle & Luo",
        "Do illiberalism and the Soviet legacy draw Chinese audiences to Russia?",
    ),
    Criterion(
        "niche",
        "Niche soft power",
        "Laruelle & Luo",
        "Do Russian films, songs and cartoons hold a place of their own in China?",
    ),
)


def criterion_keys(criteria: Sequence[Criterion] = CRITERIA) -> list[str]:
    """The keys ratings and justifications are given under, in rubric order."""
    return [c.key for c in criteria]


def level(rating: int | None) -> str:
    """The words for a rating: 3 -> 'substantial'; None -> 'not rated'."""
    return NOT_RATED if rating is None else SCALE[rating]


def _scale_text() -> str:
    return ", ".join(f"{i} = {name}" for i, name in enumerate(SCALE))


def _unknown_keys(given: Mapping[str, Any], criteria: Sequence[Criterion], what: str) -> None:
    if not isinstance(given, Mapping):
        raise RubricError(f"{what} should be a dict such as {{'culture': 3}}, not {type(given).__name__}")
    valid = criterion_keys(criteria)
    unknown = [k for k in given if k not in valid]
    if unknown:
        raise RubricError(f"{what}: unknown criterion {unknown[0]!r}; the criteria are {', '.join(valid)}")


def check_ratings(ratings: Mapping[str, Any], criteria: Sequence[Criterion] = CRITERIA) -> dict[str, int | None]:
    """Every criterion's rating (None where not rated), after checking each is a whole number from 0 to 4."""
    _unknown_keys(ratings, criteria, "ratings")
    checked: dict[str, int | None] = {}
    top = len(SCALE) - 1
    for c in criteria:
        value = ratings.get(c.key)
        if value is None:
            checked[c.key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            raise RubricError(
                f"the rating for {c.key!r} must be a whole number from 0 to {top} "
                f"({_scale_text()}), or None if not rated; got {value!r}"
            )
        checked[c.key] = value
    return checked


def check_justifications(justifications: Mapping[str, Any], criteria: Sequence[Criterion] = CRITERIA) -> dict[str, str]:
    """Every criterion's justification as text ('' where none is written)."""
    _unknown_keys(justifications, criteria, "justifications")
    checked: dict[str, str] = {}
    for c in criteria:
        value = justifications.get(c.key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise RubricError(f"the justification for {c.key!r} must be text, got {type(value).__name__}")
        checked[c.key] = value.strip()
    return checked


def profile(ratings: Mapping[str, Any], criteria: Sequence[Criterion] = CRITERIA) -> pd.DataFrame:
    """One row per criterion, in rubric order: criterion, framework, rating (missing if not rated), level."""
    checked = check_ratings(ratings, criteria)
    frame = pd.DataFrame(
        {
            "criterion": [c.label for c in criteria],
            "framework": [c.framework for c in criteria],
            "rating": pd.array([checked[c.key] for c in criteria], dtype="Int64"),
            "level": [level(checked[c.key]) for c in criteria],
        }
    )
    return frame


def profile_chart(
    frame: pd.DataFrame, title: str = "Your assessment: Russian soft power in China"
) -> alt.TopLevelMixin:
    """Bars of the rated criteria on the 0-4 scale, coloured by framework."""
    missing = {"criterion", "framework", "rating", "level"} - set(getattr(frame, "columns", []))
    if not isinstance(frame, pd.DataFrame) or missing:
        raise RubricError("profile_chart takes the table made by profile(ratings)")
    if frame["rating"].notna().sum() == 0:
        raise RubricError("Rate at least one criterion to see your profile.")
    order = list(frame["criterion"])
    # Every criterion keeps its row, so an unrated one shows as "not rated" at 0 rather than vanishing.
    data = frame.assign(position=frame["rating"].fillna(0).astype("int64"), rated=frame["rating"].notna())
    data = data.drop(columns="rating")
    y = alt.Y("criterion:N", sort=order, title=None, scale=dict(domain=order))
    x = alt.X(
        "position:Q",
        title="strength of the evidence (0 = none, 4 = strong)",
        scale=dict(domain=[0, len(SCALE) - 1]),
        stack=None,  # one bar a criterion: nothing is added up
        axis=dict(tickMinStep=1, format="d"),
    )
    bars = (
        alt.Chart(data[data["rated"]])
        .mark_bar()
        .encode(
            y=y,
            x=x,
            color=alt.Color(
                "framework:N",
                title="framework",
                scale=dict(domain=["Nye", "Laruelle & Luo"], range=charts.PALETTE[:2]),
            ),
            tooltip=[alt.Tooltip("criterion:N"), alt.Tooltip("level:N", title="your rating")],
        )
    )
    text = alt.Chart(data).mark_text(align="left", dx=4).encode(y=y, x=x, text=alt.Text("level:N"))
    chart = alt.layer(bars, text, width=charts.WIDTH - 140, height=34 * len(order))
    return charts.titled(chart, title, FRAMEWORK_SOURCES)


def _one_line(text: str) -> str:
    return " ".join(html.escape(text, quote=False).split())


def to_markdown(
    ratings: Mapping[str, Any],
    justifications: Mapping[str, Any],
    *,
    title: str = "Russian soft power in China: my assessment",
    criteria: Sequence[Criterion] = CRITERIA,
) -> str:
    """The whole answer as a Markdown document: a summary table, then one section per criterion."""
    rated = check_ratings(ratings, criteria)
    texts = check_justifications(justifications, criteria)
    if not isinstance(title, str) or not title.strip():
        raise RubricError("the document needs a title")
    top = len(SCALE) - 1

    def rating_text(key: str) -> str:
        r = rated[key]
        return NOT_RATED if r is None else f"{r} / {top} ({SCALE[r]})"

    lines = [
        f"# {_one_line(title)}",
        "",
        f"Scale: {_scale_text()}.",
        "",
        "| criterion | framework | rating |",
        "|---|---|---|",
    ]
    lines += [f"| {c.label} | {c.framework} | {rating_text(c.key)} |" for c in criteria]
    for c in criteria:
        # Escaped so that nothing typed becomes live HTML where the Markdown is shown (&, <, >; line breaks stay).
        body = html.escape(texts[c.key], quote=False) if texts[c.key] else "*No justification written yet.*"
        lines += [
            "",
            f"## {c.label} ({c.framework})",
            "",
            f"*Question:* {c.question}",
            "",
            f"*Rating:* {rating_text(c.key)}",
            "",
            body,
        ]
    lines += [
        "",
        "---",
        "",
        "Frameworks: Nye, *Soft Power* (2004), three resources; "
        "Laruelle and Luo, PONARS Eurasia Policy Memo No. 667 (2020), two forms.",
        "",
    ]
    return "\n".join(lines)


MARKDOWN_SUFFIXES = (".md", ".markdown")


def target_path(name: Any, base: str | os.PathLike[str] | None = None) -> Path:
    """The file a name points to: relative names are taken from ``base`` (default: the current folder),
    and '.md' is added when the name has no extension."""
    if not isinstance(name, (str, os.PathLike)):
        raise RubricError(f"a file name is text such as 'my_assessment.md', not {type(name).__name__}")
    text = os.fspath(name).strip()
    if not text:
        raise RubricError("Type a file name first, for example my_assessment.md.")
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = Path(base if base is not None else Path.cwd()) / path
    if text.endswith(("/", os.sep)) or path.name in ("", ".", "..") or path.is_dir():
        folder = text.rstrip("/" + os.sep) or text
        raise RubricError(f"{text!r} is a folder, not a file: add a file name, e.g. {folder}/my_assessment.md")
    if not path.suffix:
        path = path.with_name(path.name + ".md")
    elif path.suffix.lower() not in MARKDOWN_SUFFIXES:
        raise RubricError(f"{text!r} ends in {path.suffix!r}; a Markdown file should end in .md")
    return path


def save_markdown(text: str, name: Any, *, overwrite: bool = False, base: str | os.PathLike[str] | None = None) -> Path:
    """Write ``text`` to the file ``name`` and return its path, or raise :class:`RubricError` saying why not.

    Nothing is written unless every check passes; an existing file is replaced only with
    ``overwrite=True``, and then in one step (a half-written file never replaces a good one).
    """
    if not isinstance(text, str):
        raise RubricError(f"the text to save must be a string, not {type(text).__name__}")
    path = target_path(name, base)
    shown = os.fspath(name).strip()
    if path.is_dir():
        raise RubricError(f"{shown!r} is a folder, not a file: add a file name, e.g. {shown}/my_assessment.md")
    folder = path.parent
    if not folder.exists():
        raise RubricError(
            f"The folder {str(folder)!r} does not exist. Create it first, or save in a folder "
            "that exists (a plain file name saves next to this lesson)."
        )
    if not folder.is_dir():
        raise RubricError(f"{str(folder)!r} is a file, not a folder: choose another place to save.")
    if path.exists() and not overwrite:
        raise RubricError(
            f"{path.name!r} already exists there. Tick 'overwrite' to replace it, or choose another name."
        )
    try:
        write_text_atomically(path, text)
    except OSError as exc:
        raise RubricError(
            f"Could not write {path.name!r}: {exc.strerror or exc}. Choose a folder you can write to."
        ) from exc
    return path


# ---------------------------------------------------------------- the widget


class Rubric(CourseBox):
    """Rate, justify, see the profile, preview and save as Markdown. Saving happens only on a click."""

    css_class = "sp-rubric"

    @classmethod
    def paper_form(cls) -> str:
        """What a printed handout shows in the widget's place: the rubric as a grid to fill in by hand."""
        return printed.rubric(CRITERIA, SCALE)

    def __init__(self, criteria: Sequence[Criterion] = CRITERIA, default_name: str = "my_assessment.md") -> None:
        if not criteria:
            raise RubricError("a rubric needs at least one criterion")
        self.criteria = tuple(criteria)
        options = [(f"{i} · {name}", i) for i, name in enumerate(SCALE)]
        # Each control is named after its criterion for screen readers; on screen the heading above says it.
        self.menus = {
            c.key: choice_menu(options, f"{c.label}: your rating", layout=w.Layout(width="260px"))
            for c in self.criteria
        }
        self.texts = {
            c.key: w.Textarea(
                placeholder="Your evidence and reasoning, with sources "
                "(e.g. the memo, a poll, a chart from this course).",
                description=f"{c.label}: your evidence",
                style=UNSEEN_LABEL,
                layout=w.Layout(width="98%", height="80px"),
            )
            for c in self.criteria
        }
        rows = []
        for c in self.criteria:
            head = w.HTML(
                f"<p style='margin:10px 0 2px'><b>{esc(c.label)}</b> "
                f"<span style='color:#555'>({esc(c.framework)})</span><br>{esc(c.question)}</p>"
            )
            rows.append(w.VBox([head, self.menus[c.key], self.texts[c.key]]))
        self.chart = ViewPane("sp-rubric-chart")
        self.name = w.Text(
            value=default_name,
            description="save as",
            placeholder="my_assessment.md",
            style={"description_width": "initial"},
            layout=w.Layout(width="360px"),
        )
        self.overwrite = w.Checkbox(value=False, description="overwrite an existing file", indent=False)
        self.save_button = w.Button(description="Save as Markdown", button_style="primary", icon="save")
        self.preview_button = w.Button(description="Preview", icon="eye")
        self.status = w.HTML()
        self.status.add_class("sp-rubric-status")
        self.preview = w.HTML()
        self.save_button.on_click(lambda _b: self.save())
        self.preview_button.on_click(lambda _b: self.show_preview())
        for menu in self.menus.values():
            menu.observe(lambda _change: self.draw(), names="value")
        super().__init__(
            [
                *rows,
                self.chart,
                w.HBox([self.name, self.overwrite], layout=w.Layout(flex_flow="row wrap")),
                w.HBox([self.save_button, self.preview_button]),
                self.status,
                self.preview,
            ]
        )
        self.draw()

    @property
    def ratings(self) -> dict[str, int | None]:
        return {key: menu.value for key, menu in self.menus.items()}

    @property
    def justifications(self) -> dict[str, str]:
        return {key: area.value for key, area in self.texts.items()}

    def rate(self, key: str, rating: int | None) -> None:
        """Set one rating, as a student would."""
        check_ratings({key: rating}, self.criteria)
        set_choice(self.menus[key], rating)

    def justify(self, key: str, text: str) -> None:
        """Write one justification, as a student would."""
        check_justifications({key: text}, self.criteria)
        self.texts[key].value = text

    def draw(self) -> None:
        """Redraw the profile chart from the current ratings."""
        try:
            chart = profile_chart(profile(self.ratings, self.criteria))
        except RubricError as exc:
            self.chart.show(Rich(feedback_box("info", str(exc)), str(exc)))
            return
        self.chart.show(chart)

    def markdown(self) -> str:
        return to_markdown(self.ratings, self.justifications, criteria=self.criteria)

    def show_preview(self) -> None:
        self.preview.value = (
            f"<pre style='white-space:pre-wrap;background:#f7f7f7;padding:8px'>{esc(self.markdown())}</pre>"
        )

    def save(self, name: str | None = None, overwrite: bool | None = None) -> Path | None:
        """Save to the typed name (or ``name``); on a problem, say what it is and keep everything typed."""
        if name is not None:
            self.name.value = name
        if overwrite is not None:
            self.overwrite.value = overwrite
        try:
            path = save_markdown(self.markdown(), self.name.value, overwrite=self.overwrite.value)
        except RubricError as exc:
            self.status.value = live(
                feedback_box("incorrect", "Not saved.", f"{esc(exc)} Your ratings and text are still here.")
            )
            return None
        self.status.value = live(
            feedback_box(
                "correct", "Saved.", f"Your assessment is in {esc(path.name)}, in the folder {esc(path.parent)}."
            )
        )
        return path
