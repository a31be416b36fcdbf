"""One object per lesson that reaches its quiz, exercise checks, activities and sources."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from . import citations, progress
from .display import Rich
from .grading import Verdict, grade_exercise
from .material import Material, material
from .widgets import ProgressView, Quiz, Sorter

EDITIONS = ("teacher", "student")
LESSON_PATTERN = "[0-9][0-9]_*.ipynb"
"""How a lesson notebook is named: a two-digit number, an underscore and a slug (00_start_here.ipynb)."""


def lesson_notebooks(folder: str | Path) -> list[Path]:
    """The lesson notebooks in ``folder``, in course order (the one place that knows how they are named)."""
    return sorted(Path(folder).glob(LESSON_PATTERN))


class Lesson:
    """The material of one lesson: ``Lesson("01")``; the student edition's copy says ``edition="student"``."""

    def __init__(self, number: str, edition: str = "teacher") -> None:
        if edition not in EDITIONS:
            raise ValueError(f"edition {edition!r} is not one of {', '.join(EDITIONS)}")
        found = material(number)
        # The student edition words a few questions differently: it has no worked solutions to speak of.
        self.material: Material = found.student_edition() if edition == "student" else found
        self.number = number
        self.edition = edition

    def __repr__(self) -> str:
        return f"Lesson {self.number}: {self.material.title}"

    def quiz(self) -> Quiz:
        """The lesson's "Check your understanding" quiz."""
        return Quiz(self.material.questions, lesson=self.number)

    def check(self, exercise_id: str, answer: Any, record: bool = True) -> Verdict:
        """Feedback on an exercise: not answered yet, correct, or not quite with a reason.

        The result is kept in the student's progress. Worked solutions pass ``record=False``: their
        verdict is not recorded and shows folded under "Show the worked result", closed until opened.
        """
        verdict = grade_exercise(self.material.exercise(exercise_id), answer)
        if not record:
            return replace(verdict, worked=True)
        if verdict.status == "unanswered":
            return verdict
        problem = progress.record_exercise(self.number, exercise_id, verdict.status, answer)
        return replace(verdict, detail=f"{verdict.detail} (Note: {problem})") if problem else verdict

    def sorter(self, activity_id: str) -> Sorter:
        """A sorting activity from the lesson's material."""
        return Sorter(self.material.activity(activity_id), lesson=self.number)

    def progress(self) -> ProgressView:
        """The student's progress across the course, with a reset."""
        return ProgressView()

    def sources(self) -> Rich:
        """The lesson's bibliography, generated from data/bibliography.csv."""
        return citations.bibliography(self.material.source_ids(), heading=f"Sources for lesson {self.number}")
