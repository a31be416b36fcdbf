"""The paper forms of the course's interactive parts, as HTML for the handouts.

A quiz becomes numbered multiple-choice questions, a sorter a table to fill in,
an exercise check its question with ruled space to answer, the synthesis rubric
a grid to fill in. The answers go into a separate answer key that only the
teacher's handout prints. All text comes from the lesson's material
(``data/lessons/NN.toml``) and is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence

from .display import esc
from .material import Activity, Exercise, Material, Question

ANSWER_LINES = 4
"""Ruled lines under each exercise: room for a number and a sentence or two of reasoning."""

LETTERS = "ABCDEFGHIJ"


def _ruled_lines(count: int) -> str:
    # Empty blocks with a bottom border: the space to write in, nothing a screen reader should announce.
    return "<div class='sp-print-lines' aria-hidden='true'>" + "<div></div>" * count + "</div>"


def _choices(choices: Sequence[str]) -> str:
    items = "".join(f"<li>{esc(choice)}</li>" for choice in choices)
    return f"<ol class='sp-print-choices' type='A'>{items}</ol>"


def quiz(questions: Sequence[Question]) -> str:
    """The quiz as numbered questions, each with lettered choices to circle."""
    items = "".join(
        f"<li class='sp-print-question'><p>{esc(q.prompt)}</p>{_choices(q.choices)}</li>" for q in questions
    )
    return (
        "<div class='sp-print sp-print-quiz'>"
        "<p class='sp-print-lead'>Circle one answer for each question.</p>"
        f"<ol class='sp-print-questions'>{items}</ol></div>"
    )


def sorter(activity: Activity) -> str:
    """A sorting activity as a table: one row an item, one blank column a dimension, the options listed above."""
    options = "".join(
        f"<li><strong>{esc(d.name)}</strong>: {esc(' · '.join(d.options))}</li>" for d in activity.dimensions
    )
    head = "".join(f"<th scope='col'>{esc(d.name)}</th>" for d in activity.dimensions)
    blanks = "<td class='sp-print-blank'></td>" * len(activity.dimensions)
    rows = "".join(
        f"<tr><td>{i}</td><td class='sp-print-item'>{esc(item.text)}</td>{blanks}</tr>"
        for i, item in enumerate(activity.items, start=1)
    )
    return (
        "<div class='sp-print sp-print-sorter'>"
        f"<p>{esc(activity.prompt)} Write one of these in each blank cell:</p>"
        f"<ul class='sp-print-options'>{options}</ul>"
        "<table class='sp-print-table'>"
        f"<thead><tr><th scope='col'>No.</th><th scope='col'>Item</th>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )


def exercise(entry: Exercise) -> str:
    """An exercise check on paper: the exercise's question, its options if any, and ruled space to answer."""
    options = _choices(entry.choices) if entry.kind == "choice" and entry.choices else ""
    return (
        "<div class='sp-print sp-print-exercise'>"
        f"<p><strong>Exercise {esc(entry.id)}.</strong> {esc(entry.prompt)}</p>{options}"
        "<p class='sp-print-lead'>Your answer, and how you found it:</p>"
        f"{_ruled_lines(ANSWER_LINES)}</div>"
    )


def rubric(criteria: Sequence, scale_names: Sequence[str]) -> str:
    """A rubric as a grid: each criterion's question, a rating on the scale (0 = the first of ``scale_names``)
    and the evidence, to fill in. Criteria have a ``label``, a ``framework`` and a ``question``."""
    scale = " · ".join(f"{i} {name}" for i, name in enumerate(scale_names))
    rows = "".join(
        f"<tr><td><strong>{esc(c.label)}</strong> ({esc(c.framework)}): {esc(c.question)}</td>"
        "<td class='sp-print-blank'></td><td class='sp-print-blank sp-print-wide'></td></tr>"
        for c in criteria
    )
    return (
        "<div class='sp-print sp-print-rubric'>"
        f"<p>Rate each criterion on the scale {esc(scale)}, and note the evidence with its source.</p>"
        "<table class='sp-print-table'><thead><tr><th scope='col'>Criterion</th><th scope='col'>Rating</th>"
        f"<th scope='col'>Evidence and source</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


def note(text: str) -> str:
    """One line that stands for an interactive part on paper: what it lets you do in JupyterLab."""
    return f"<p class='sp-print sp-print-note'>{esc(text)}</p>"


def _expected_text(expected: object) -> str:
    # A text exercise's keywords may themselves be lists of alternatives.
    if isinstance(expected, list):
        return ", ".join(" / ".join(map(str, e)) if isinstance(e, list) else str(e) for e in expected)
    return f"{expected:g}" if isinstance(expected, float) else str(expected)


def _misconceptions(question: Question) -> str:
    """Each distractor's letter and the misconception it stands for, so a teacher can read a wrong answer."""
    named = [
        f"{LETTERS[question.choices.index(d.choice)]}: {esc(d.misconception)}"
        for d in sorted(question.wrong, key=lambda d: question.choices.index(d.choice))
    ]
    return f"<br><small>Distractors: {'; '.join(named)}.</small>" if named else ""


def answer_key(material: Material, activity_ids: Sequence[str] = (), exercise_ids: Sequence[str] = ()) -> str:
    """The teacher's answer key: the quiz answers, then the exercises' and sorters' answers the handout asked."""
    parts = ["<div class='sp-print sp-print-key'><h2>Answer key</h2>"]
    if material.questions:
        answers = "".join(
            f"<li>{LETTERS[q.choices.index(q.answer)]}: {esc(q.answer)}{_misconceptions(q)}</li>"
            for q in material.questions
        )
        parts.append(f"<p><strong>Check your understanding</strong></p><ol>{answers}</ol>")
    for exercise_id in exercise_ids:
        entry = material.exercise(exercise_id)
        expected = _expected_text(entry.expected)
        parts.append(f"<p><strong>Exercise {esc(entry.id)}</strong>: {esc(expected)}. {esc(entry.explanation)}</p>")
    for activity_id in activity_ids:
        activity = material.activity(activity_id)
        rows = "".join(
            f"<li>{esc('; '.join(' or '.join(v) for v in item.answer.values()))}</li>" for item in activity.items
        )
        parts.append(f"<p><strong>Sorting: {esc(activity.prompt)}</strong></p><ol>{rows}</ol>")
    parts.append("</div>")
    return "".join(parts)
