"""Grading a student's answers to the material of :mod:`helpers.material`: pure functions, each giving a
:class:`Verdict` (correct, not quite with a reason, or not answered yet).

:func:`grade_exercise` looks the exercise's kind up in :data:`GRADERS` (kind -> grading function), so a
new kind of exercise is one small function and one entry there (and its name in the bank's format,
``material._KINDS``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import citations
from ._names import closest
from .display import WORKED_SUMMARY, WORKED_TEXT, closed_details, esc, feedback_box
from .material import Exercise, Item, Question, Wrong


@dataclass(frozen=True)
class Verdict:
    """The feedback on one answer: status 'correct', 'incorrect' or 'unanswered'."""

    status: str
    headline: str
    detail: str = ""
    source_id: str | None = None
    # A worked solution's verdict: shown inside a closed <details>, so its answer stays hidden until opened.
    # (Cell metadata alone does not keep an output collapsed once the cell is run again.)
    worked: bool = False

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def html(self) -> str:
        body = esc(self.detail)
        if self.source_id:
            body += f" <small>{esc(citations.cite(self.source_id))}</small>"
        box = feedback_box(self.status, self.headline, body)
        return closed_details(WORKED_SUMMARY, box) if self.worked else box

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        if self.worked:
            return WORKED_TEXT
        source = f" {citations.cite(self.source_id)}" if self.source_id else ""
        return f"{self.headline} {self.detail}{source}".strip()


NOT_ANSWERED = "Not answered yet."


def _is_blank(answer: Any) -> bool:
    if answer is None or answer is Ellipsis:
        return True
    if isinstance(answer, str) and not answer.strip():
        return True
    return isinstance(answer, (list, tuple, set, frozenset, dict)) and len(answer) == 0


def grade_question(question: Question, choice: Any) -> Verdict:
    """Feedback on one quiz answer."""
    if _is_blank(choice):
        return Verdict("unanswered", NOT_ANSWERED, "Pick one of the choices, then check.")
    if choice not in question.choices:
        return Verdict("incorrect", "That is not one of the choices.", f"Choose one of: {'; '.join(question.choices)}.")
    if choice == question.answer:
        return Verdict("correct", "Correct.", question.explanation, question.source_id)
    distractor = question.distractor(choice)
    if distractor is None:
        return Verdict("incorrect", "Not quite.", question.explanation, question.source_id)
    # Name the misconception, say why it misleads, then the explanation every answer gets.
    return Verdict(
        "incorrect",
        f"Not quite: {distractor.misconception}.",
        f"{distractor.reason} {question.explanation}",
        question.source_id,
    )


def _scalar(answer: Any) -> Any:
    """Unwrap one-value pandas and numpy results so students may hand them in directly."""
    if hasattr(answer, "shape") and getattr(answer, "size", None) == 1 and hasattr(answer, "to_numpy"):
        return answer.to_numpy().ravel()[0]
    if hasattr(answer, "item") and getattr(answer, "shape", None) == ():
        return answer.item()
    return answer


def _number(answer: Any) -> tuple[float | None, str | None]:
    answer = _scalar(answer)
    if isinstance(answer, bool):
        return None, "You gave True or False; this exercise wants a number."
    if isinstance(answer, numbers.Real):
        value = float(answer)
        if math.isnan(value):
            return None, "Your answer is NaN (a missing value): check that your filter matched any rows."
        return value, None
    if isinstance(answer, str):
        try:
            float(answer.replace(",", "").rstrip("%"))
        except ValueError:
            return None, f"You gave the text {answer!r}; this exercise wants a number such as 42.5."
        return None, f"You gave the number as text ({answer!r}); write it without quotes."
    if hasattr(answer, "shape"):
        return None, f"You gave a table or column with {getattr(answer, 'size', '?')} values; reduce it to one number."
    return None, f"You gave a {type(answer).__name__}; this exercise wants a number."


def _norm(text: Any) -> str:
    return " ".join(str(text).casefold().split())


def _matches(wrong: Wrong, answer: Any, tolerance: float) -> bool:
    if isinstance(wrong.answer, (int, float)) and isinstance(answer, float):
        return abs(answer - wrong.answer) <= max(tolerance, 1e-9)
    if isinstance(wrong.answer, list):
        return isinstance(answer, frozenset) and answer == frozenset(_norm(w) for w in wrong.answer)
    return isinstance(answer, str) and _norm(answer) == _norm(wrong.answer)


def _not_quite(detail: str) -> Verdict:
    return Verdict("incorrect", "Not quite.", detail)


def _targeted(exercise: Exercise, answer: Any, fallback: str) -> Verdict:
    """The reason the bank gives for this wrong answer, if it foresaw it; else ``fallback``."""
    for w in exercise.wrong:
        if _matches(w, answer, exercise.tolerance):
            return _not_quite(w.reason)
    return _not_quite(fallback)


def _correct(exercise: Exercise) -> Verdict:
    return Verdict("correct", "Correct.", exercise.explanation, exercise.source_id)


def _grade_number(exercise: Exercise, answer: Any) -> Verdict:
    value, problem = _number(answer)
    if problem:
        return _not_quite(problem)
    if abs(value - exercise.expected) <= exercise.tolerance + 1e-9:
        return _correct(exercise)
    direction = "high" if value > exercise.expected else "low"
    return _targeted(exercise, value, f"{value:g} is too {direction}. Check your steps against the text above.")


def _grade_choice(exercise: Exercise, answer: Any) -> Verdict:
    if not isinstance(answer, str):
        return _not_quite(f"Answer with one of the options as text: {'; '.join(exercise.choices)}.")
    by_norm = {_norm(c): c for c in exercise.choices}
    if _norm(answer) not in by_norm:
        guess = closest(answer, exercise.choices)
        hint = f" Did you mean {guess!r}?" if guess else ""
        return Verdict("incorrect", "That is not one of the options.", f"Options: {'; '.join(exercise.choices)}.{hint}")
    if by_norm[_norm(answer)] == exercise.expected:
        return _correct(exercise)
    return _targeted(exercise, answer, "That option does not fit. Reread the section and try another.")


def _grade_set(exercise: Exercise, answer: Any) -> Verdict:
    if isinstance(answer, str) or not isinstance(answer, Iterable):
        return _not_quite("Give a list of items, e.g. ['a', 'b'].")
    given = frozenset(_norm(a) for a in answer)
    wanted = frozenset(_norm(e) for e in exercise.expected)
    if given == wanted:
        return _correct(exercise)
    extra = sorted(given - wanted)
    missing = len(wanted - given)
    parts = [f"these do not belong: {', '.join(extra)}"] if extra else []
    if missing:
        parts.append(f"{missing} item{'s are' if missing > 1 else ' is'} missing")
    return _targeted(exercise, given, "; ".join(parts).capitalize() + ".")


def _alternatives(keyword: str | list[str]) -> list[str]:
    return [keyword] if isinstance(keyword, str) else list(keyword)


def _grade_text(exercise: Exercise, answer: Any) -> Verdict:
    """Every keyword (or one of its alternatives) must appear in the answer."""
    if not isinstance(answer, str):
        return _not_quite("Write your answer as text in quotes.")
    text = _norm(answer)
    missing = [k for k in exercise.expected if not any(_norm(alt) in text for alt in _alternatives(k))]
    if not missing:
        return _correct(exercise)
    return _targeted(exercise, answer, f"Your answer misses {len(missing)} key idea{'s' if len(missing) > 1 else ''}.")


GRADERS: Mapping[str, Callable[[Exercise, Any], Verdict]] = {
    "number": _grade_number,
    "choice": _grade_choice,
    "set": _grade_set,
    "text": _grade_text,
}
"""Each kind of exercise (``kind`` in a lesson's bank) and the function that grades an answer to it."""


def grade_exercise(exercise: Exercise, answer: Any) -> Verdict:
    """Feedback on an exercise answer: unanswered, correct, or not quite with a reason."""
    if _is_blank(answer):
        return Verdict(
            "unanswered", NOT_ANSWERED, "Replace the ... in the starter cell with your answer and run both cells."
        )
    return GRADERS[exercise.kind](exercise, answer)


def grade_item(item: Item, chosen: Mapping[str, Any]) -> Verdict:
    """Feedback on one sorted item: every dimension must be set and acceptable."""
    if any(_is_blank(chosen.get(d)) for d in item.answer):
        return Verdict("unanswered", NOT_ANSWERED, "Choose a place for this item.")
    wrong = [d for d, ok in item.answer.items() if chosen.get(d) not in ok]
    if not wrong:
        return Verdict("correct", "Correct.", item.reason, item.source_id)
    expected = "; ".join(f"{d}: {' or '.join(item.answer[d])}" for d in wrong)
    return Verdict("incorrect", "Not quite.", f"Better: {expected}. {item.reason}", item.source_id)
