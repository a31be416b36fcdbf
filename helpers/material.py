"""Each lesson's questions, exercises and activities, read from ``data/lessons/NN.toml``.
(:mod:`helpers.grading` grades a student's answers to them.)

The format is documented in ``data/lessons/README.md``. Every entry is checked
when the file is read: a missing or misspelt key, an answer that is not one of
the choices or a source id that is not in the bibliography is a
:class:`MaterialError` naming the file, the entry and the key.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import citations, data

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib
from ._names import UnknownNameError, closest


class MaterialError(ValueError):
    """A lesson file that does not follow the format."""


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    choices: tuple[str, ...]
    answer: str
    explanation: str
    source_id: str
    locator: str = ""
    student: Question | None = field(default=None, compare=False)
    """The student edition's wording, where this one speaks of the worked solutions (a ``[question.student]``)."""


@dataclass(frozen=True)
class Wrong:
    answer: Any
    reason: str


@dataclass(frozen=True)
class Exercise:
    id: str
    kind: str  # number | choice | set | text
    prompt: str
    expected: Any
    explanation: str
    source_id: str
    tolerance: float = 0.0
    choices: tuple[str, ...] = ()
    wrong: tuple[Wrong, ...] = ()


@dataclass(frozen=True)
class Dimension:
    name: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    text: str
    answer: Mapping[str, tuple[str, ...]]  # dimension -> acceptable options
    reason: str
    source_id: str


@dataclass(frozen=True)
class Activity:
    id: str
    prompt: str
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Material:
    number: str
    title: str
    sources: tuple[str, ...]
    questions: tuple[Question, ...]
    exercises: tuple[Exercise, ...]
    activities: tuple[Activity, ...]
    path: Path = field(compare=False, default=Path())

    def source_ids(self) -> list[str]:
        """Every source the lesson names: its own list plus those its entries cite."""
        ids = list(self.sources)
        ids += [q.source_id for q in self.questions]
        ids += [e.source_id for e in self.exercises]
        ids += [i.source_id for a in self.activities for i in a.items]
        return list(dict.fromkeys(ids))

    def exercise(self, exercise_id: str) -> Exercise:
        for e in self.exercises:
            if e.id == exercise_id:
                return e
        raise UnknownNameError(f"exercise of lesson {self.number}", exercise_id, [e.id for e in self.exercises])

    def activity(self, activity_id: str) -> Activity:
        for a in self.activities:
            if a.id == activity_id:
                return a
        raise UnknownNameError(f"activity of lesson {self.number}", activity_id, [a.id for a in self.activities])

    def student_edition(self) -> Material:
        """This material as the student edition asks it: each question in its student wording where it has one."""
        return replace(self, questions=tuple(q.student or q for q in self.questions))


# ---------------------------------------------------------------- reading

_KINDS = ("number", "choice", "set", "text")


class _Reader:
    """Checks one TOML table's keys and types, naming the file and entry in every error."""

    def __init__(self, file: str, where: str, table: Any) -> None:
        self.file, self.where = file, where
        if not isinstance(table, dict):
            self.fail(f"expected a table of keys, got {type(table).__name__}")
        self.table = table

    def fail(self, message: str) -> None:
        raise MaterialError(f"{self.file}, {self.where}: {message}")

    def allow(self, *keys: str) -> None:
        for key in self.table:
            if key not in keys:
                guess = closest(key, keys)
                hint = f" (did you mean {guess!r}?)" if guess else ""
                self.fail(f"unknown key {key!r}{hint}; valid keys: {', '.join(keys)}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.table:
            if default is ...:
                self.fail(f"the key {key!r} is required")
            return default
        value = self.table[key]
        if not isinstance(value, kind) or isinstance(value, bool) and bool not in _as_tuple(kind):
            names = " or ".join(k.__name__ for k in _as_tuple(kind))
            self.fail(f"{key!r} should be {names}, got {type(value).__name__} {value!r}")
        if isinstance(value, str) and not value.strip():
            self.fail(f"{key!r} is empty")
        return value

    def strings(self, key: str, default: Any = ...) -> tuple[str, ...]:
        values = self.get(key, list, default)
        if values is None:
            return ()
        if not all(isinstance(v, str) and v.strip() for v in values):
            self.fail(f"{key!r} should be a list of non-empty strings")
        if len(set(values)) != len(values):
            self.fail(f"{key!r} has a repeated entry")
        return tuple(values)

    def source(self, key: str = "source_id") -> str:
        sid = self.get(key, str)
        if sid not in citations.source_ids():
            self.fail(str(UnknownNameError("source id", sid, citations.source_ids())))
        return sid


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _question(file: str, index: int, table: Any) -> Question:
    r = _Reader(file, f"question {index}", table)
    r.allow("id", "prompt", "choices", "answer", "explanation", "source_id", "locator", "wrong", "student")
    r.where = f"question {r.get('id', str)!r}"
    question = Question(
        r.get("id", str),
        r.get("prompt", str),
        _checked_choices(r, r.strings("choices"), r.get("answer", str)),
        r.get("answer", str),
        r.get("explanation", str),
        r.source(),
        r.get("locator", str, ""),
    )
    if "student" not in r.table:
        return question
    # The student edition's wording: any of prompt, choices, answer and explanation; the rest is shared.
    sr = _Reader(file, f"{r.where}, student", r.get("student", dict))
    sr.allow("prompt", "choices", "answer", "explanation")
    answer = sr.get("answer", str, question.answer)
    student = replace(
        question,
        prompt=sr.get("prompt", str, question.prompt),
        choices=_checked_choices(sr, sr.strings("choices", question.choices), answer),
        answer=answer,
        explanation=sr.get("explanation", str, question.explanation),
    )
    return replace(question, student=student)


def _checked_choices(r: _Reader, choices: tuple[str, ...], answer: str) -> tuple[str, ...]:
    if len(choices) < 2:
        r.fail("a question needs at least two choices")
    if answer not in choices:
        r.fail(f"the answer {answer!r} is not one of the choices {list(choices)}")
    return choices


def _exercise(file: str, index: int, table: Any) -> Exercise:
    r = _Reader(file, f"exercise {index}", table)
    r.allow("id", "kind", "prompt", "expected", "tolerance", "choices", "explanation", "source_id", "wrong")
    r.where = f"exercise {r.get('id', str)!r}"
    kind = r.get("kind", str)
    if kind not in _KINDS:
        r.fail(f"kind {kind!r} is not one of {', '.join(_KINDS)}")
    choices = r.strings("choices", None)
    if kind == "number":
        expected = r.get("expected", (int, float))
    elif kind == "choice":
        expected = r.get("expected", str)
        if expected not in choices:
            r.fail(f"expected {expected!r} is not one of the choices {list(choices)}")
    else:  # set: every item; text: every keyword (a list of alternatives counts once)
        expected = r.get("expected", list)
        if not expected:
            r.fail("'expected' is empty")
    wrong = []
    for i, w in enumerate(r.get("wrong", list, [])):
        wr = _Reader(file, f"{r.where}, wrong {i + 1}", w)
        wr.allow("answer", "reason")
        wrong.append(Wrong(wr.get("answer", (int, float, str, list)), wr.get("reason", str)))
    return Exercise(
        r.get("id", str),
        kind,
        r.get("prompt", str),
        expected,
        r.get("explanation", str),
        r.source(),
        float(r.get("tolerance", (int, float), 0)),
        choices,
        tuple(wrong),
    )


def _activity(file: str, index: int, table: Any) -> Activity:
    r = _Reader(file, f"activity {index}", table)
    r.allow("id", "prompt", "dimension", "item")
    r.where = f"activity {r.get('id', str)!r}"
    dims = []
    for i, d in enumerate(r.get("dimension", list)):
        dr = _Reader(file, f"{r.where}, dimension {i + 1}", d)
        dr.allow("name", "options")
        dims.append(Dimension(dr.get("name", str), dr.strings("options")))
    if not dims:
        r.fail("an activity needs at least one [[activity.dimension]]")
    items = []
    for i, it in enumerate(r.get("item", list)):
        ir = _Reader(file, f"{r.where}, item {i + 1}", it)
        ir.allow("text", "answer", "reason", "source_id")
        raw = ir.get("answer", dict)
        answer: dict[str, tuple[str, ...]] = {}
        for d in dims:
            value = raw.get(d.name)
            accepted = (value,) if isinstance(value, str) else tuple(value or ())
            if not accepted or any(v not in d.options for v in accepted):
                ir.fail(f"answer for {d.name!r} must be one or more of {list(d.options)}, got {value!r}")
            answer[d.name] = accepted
        extra = set(raw) - {d.name for d in dims}
        if extra:
            ir.fail(f"answer names unknown dimensions {sorted(extra)}; dimensions: {[d.name for d in dims]}")
        items.append(Item(ir.get("text", str), answer, ir.get("reason", str), ir.source()))
    if not items:
        r.fail("an activity needs at least one [[activity.item]]")
    return Activity(r.get("id", str), r.get("prompt", str), tuple(dims), tuple(items))


def lesson_dir() -> Path:
    return data.data_dir() / "lessons"


def lesson_numbers() -> list[str]:
    """Numbers of the lessons that have material, e.g. ['00', '01']."""
    return sorted(p.stem for p in lesson_dir().glob("[0-9][0-9].toml"))


@lru_cache(maxsize=32)
def _read(path: Path, mtime: float) -> Material:
    file = f"lessons/{path.name}"
    try:
        with open(path, "rb") as f:
            raw = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise MaterialError(f"{file}: not valid TOML ({exc})") from exc
    r = _Reader(file, "top level", raw)
    r.allow("number", "title", "sources", "question", "exercise", "activity")
    for sid in r.strings("sources", ()):
        if sid not in citations.source_ids():
            r.fail(f"in 'sources': {UnknownNameError('source id', sid, citations.source_ids())}")
    material = Material(
        r.get("number", str),
        r.get("title", str),
        r.strings("sources", ()),
        tuple(_question(file, i + 1, q) for i, q in enumerate(r.get("question", list, []))),
        tuple(_exercise(file, i + 1, e) for i, e in enumerate(r.get("exercise", list, []))),
        tuple(_activity(file, i + 1, a) for i, a in enumerate(r.get("activity", list, []))),
        path,
    )
    if material.number != path.stem:
        r.fail(f"number {material.number!r} does not match the file name {path.name}")
    for what, entries in (
        ("question", material.questions),
        ("exercise", material.exercises),
        ("activity", material.activities),
    ):
        ids = [e.id for e in entries]
        if len(ids) != len(set(ids)):
            r.fail(f"two {what}s share an id: {sorted(i for i in ids if ids.count(i) > 1)[0]!r}")
    return material


def material(number: str) -> Material:
    """The material of one lesson, by its two-digit number ('00' ... '08')."""
    if not isinstance(number, str):
        raise TypeError(f"a lesson number is a two-digit string such as '01', not {type(number).__name__} {number!r}")
    path = lesson_dir() / f"{number}.toml"
    if not path.is_file():
        raise UnknownNameError("lesson", number, lesson_numbers())
    return _read(path, path.stat().st_mtime)
