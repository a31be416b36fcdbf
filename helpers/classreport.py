"""The teacher's class report: per-question results from the students' hand-ins (:mod:`helpers.handin`).

:func:`aggregate` counts, :func:`html_report` writes one self-contained offline page (charts as inline SVG
through the course's chart helpers, each with its text alternative and data table), :func:`grade_csv`
writes the grade book. Everything stays on the teacher's machine.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import tomllib

from . import charts
from .display import esc
from .handin import Handin
from .material import Material, lesson_numbers, material

HARDEST = 10
"""How many items the "revisit next class" list names at most."""


@dataclass
class ItemResult:
    """One quiz question, exercise or sorter item across the class."""

    lesson: str
    kind: str  # quiz | exercise | sorter
    id: str
    label: str
    answered: int = 0
    correct: int = 0
    wrong: Counter = field(default_factory=Counter)
    misconceptions: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.lesson}.{self.kind}.{self.id}"

    @property
    def share(self) -> float | None:
        return self.correct / self.answered if self.answered else None

    def top_wrong(self) -> tuple[str, int] | None:
        """The most common wrong answer (named by its misconception where the question bank names one)."""
        if not self.wrong:
            return None
        # Ties go to the answer first seen in sorted order, so the report is the same on every run.
        answer, count = min(self.wrong.items(), key=lambda kv: (-kv[1], kv[0]))
        named = self.misconceptions.get(answer)
        return (f"{named} (chose “{answer}”)" if named else answer), count


def _misconceptions(mat: Material) -> dict[str, dict[str, str]]:
    """question id -> {choice: misconception} from the bank's [[question.wrong]] entries (none: empty)."""
    with open(mat.path, "rb") as f:
        raw = tomllib.load(f)
    return {
        q.get("id"): {
            w["choice"]: w["misconception"] for w in q.get("wrong", []) if "choice" in w and "misconception" in w
        }
        for q in raw.get("question", [])
    }


def course_items(lessons: dict[str, Material]) -> list[ItemResult]:
    """Every item a hand-in can hold, in course order, with nothing counted yet."""
    items = []
    for number, mat in lessons.items():
        named = _misconceptions(mat)
        items += [ItemResult(number, "quiz", q.id, q.prompt, misconceptions=named.get(q.id, {})) for q in mat.questions]
        items += [ItemResult(number, "exercise", e.id, e.prompt) for e in mat.exercises]
        items += [
            ItemResult(number, "sorter", f"{a.id}-{i}", item.text)
            for a in mat.activities
            for i, item in enumerate(a.items, start=1)
        ]
    return items


def answer_label(answer: Any) -> str:
    """A recorded answer as text: a sorter placement {dimension: option} reads "dimension: option"."""
    if isinstance(answer, dict):
        return (
            "; ".join(f"{k}: {v}" for k, v in answer.items())
            if len(answer) > 1
            else str(next(iter(answer.values()), ""))
        )
    return "" if answer is None else str(answer)


@dataclass
class ClassResults:
    students: list[str]
    items: list[ItemResult]
    lessons: dict[str, Material]
    # student name -> item key -> True/False (absent: not answered)
    marks: dict[str, dict[str, bool]]
    notes: list[str]

    def lesson_items(self, number: str) -> list[ItemResult]:
        return [i for i in self.items if i.lesson == number]

    def completion(self, number: str) -> tuple[int, int]:
        """(students who answered something in the lesson, students who answered every item)."""
        keys = {i.key for i in self.lesson_items(number)}
        started = sum(1 for s in self.students if keys & self.marks[s].keys())
        finished = sum(1 for s in self.students if keys and keys <= self.marks[s].keys())
        return started, finished

    def hardest(self, limit: int = HARDEST) -> list[ItemResult]:
        """Items most students got wrong (answered by at least two), lowest share first; half right or better
        is left out: those are not the next class's problem."""
        candidates = [i for i in self.items if i.answered >= 2 and i.share < 0.5]
        return sorted(candidates, key=lambda i: (i.share, -i.answered, i.key))[:limit]


def aggregate(handins: list[Handin], lessons: dict[str, Material] | None = None) -> ClassResults:
    """Count every hand-in's items against the course's material. Items the course does not have (another
    course version) are not counted, and a note says how many."""
    lessons = lessons if lessons is not None else {n: material(n) for n in lesson_numbers()}
    items = course_items(lessons)
    by_key = {i.key: i for i in items}
    marks: dict[str, dict[str, bool]] = {}
    notes = []
    for handin in handins:
        own = marks.setdefault(handin.name, {})
        unknown = 0
        for entry in handin.items:
            result = by_key.get(f"{entry['lesson']}.{entry['kind']}.{entry['id']}")
            if result is None:
                unknown += 1
                continue
            result.answered += 1
            result.correct += entry["correct"]
            if not entry["correct"]:
                result.wrong[answer_label(entry.get("answer"))] += 1
            own[result.key] = entry["correct"]
        if unknown:
            notes.append(
                f"{handin.source}: {unknown} item(s) this course version does not have "
                f"(hand-in from course version {handin.course_version}); not counted"
            )
    return ClassResults(list(marks), items, lessons, marks, notes)


# HTML ----------------------------------------------------------------------------------------------------

STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; color: #1f1f1f; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #767676; padding: 3px 8px; text-align: left; vertical-align: top; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
.who { border: 2px solid #8a4b00; padding: .5rem 1rem; background: #fff7ec; }
.num { text-align: right; white-space: nowrap; }
.missed dd { margin: 0 0 .4rem 1.5rem; overflow-wrap: anywhere; }
.missed dt { font-weight: bold; break-after: avoid; }
.sp-chart table { font-size: 14px; }
.sp-chart img { max-width: 100%; height: auto; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  section.lesson, .teacher-only { break-before: page; }
  tr, figure, img { break-inside: avoid; }
}
"""


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


def _chart(results: ClassResults, number: str) -> str:
    """The lesson's share correct per item as a bar chart (SVG, text alternative, data table)."""
    rows = [
        {"item": f"{i.kind} {i.id}", "percent correct": round(i.share * 100)}
        for i in results.lesson_items(number)
        if i.answered
    ]
    if not rows:
        return ""
    title = f"Lesson {number}: share of answers correct, per item"
    # The chart helpers title every chart with its sources; here the source is the class itself.
    chart = charts.bar(pd.DataFrame(rows), "item", "percent correct", title=title, sources=["nye_2004"], sort=None)
    chart.title = {"text": title, "subtitle": [f"Source: hand-ins of {len(results.students)} students"]}
    # The data table opens on the page: a closed <details> would print without it.
    return charts.to_html(chart).replace("<details class='sp-chart-data'>", "<details class='sp-chart-data' open>")


def _item_rows(items: list[ItemResult], wrong_header: str) -> str:
    body = ""
    for i in items:
        top = i.top_wrong()
        wrong = f"{esc(top[0])} ({top[1]})" if top else "—"
        body += (
            f"<tr><td>{esc(i.id)}</td><td>{esc(i.label)}</td><td class='num'>{i.answered}</td>"
            f"<td class='num'>{_pct(i.share)}</td>" + (f"<td>{wrong}</td>" if wrong_header else "") + "</tr>"
        )
    head = "<th scope='col'>id</th><th scope='col'>item</th><th scope='col'>answered</th><th scope='col'>correct</th>"
    if wrong_header:
        head += f"<th scope='col'>{wrong_header}</th>"
    return f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>"


def _lesson_section(results: ClassResults, number: str) -> str:
    mat = results.lessons[number]
    started, finished = results.completion(number)
    total = len(results.students)
    parts = [
        f"<section class='lesson' aria-labelledby='l{number}'>"
        f"<h2 id='l{number}'>Lesson {esc(number)}: {esc(mat.title)}</h2>",
        f"<p>Completion: {started} of {total} students answered something, {finished} answered every item.</p>",
        _chart(results, number),
    ]
    for kind, caption, wrong_header in (
        ("quiz", "Quiz questions", "most chosen wrong choice (misconception), students"),
        ("exercise", "Exercises", "most common wrong answer, students"),
        ("sorter", "Sorting items: share placed right", ""),
    ):
        items = [i for i in results.lesson_items(number) if i.kind == kind]
        if items:
            parts.append(f"<table><caption>{caption}</caption>{_item_rows(items, wrong_header)}</table>")
    return "".join(parts) + "</section>"


def _student_table(results: ClassResults) -> str:
    """Scores per student and lesson, then each student's missed items as a list below (as a table column the
    long item names made the table wider than a printed page)."""
    names = sorted(results.students, key=str.casefold)
    head = "".join(f"<th scope='col'>{esc(n)}</th>" for n in results.lessons)
    rows, missed = "", ""
    for name in names:
        marks = results.marks[name]
        cells = ""
        for number in results.lessons:
            done = [i.key for i in results.lesson_items(number) if i.key in marks]
            cells += f"<td class='num'>{sum(marks[k] for k in done)}/{len(done)}</td>" if done else "<td>—</td>"
        rows += f"<tr><th scope='row'>{esc(name)}</th>{cells}</tr>"
        wrong = ", ".join(k for k, ok in marks.items() if not ok)
        missed += f"<dt>{esc(name)}</dt><dd>{esc(wrong) or '—'}</dd>"
    return (
        "<table class='students'><caption>Items right / items answered, per student and lesson (columns: lesson "
        "numbers)</caption>"
        f"<thead><tr><th scope='col'>student</th>{head}</tr></thead><tbody>{rows}</tbody></table>"
        f"<h3>Items missed, per student</h3><dl class='missed'>{missed}</dl>"
    )


def html_report(results: ClassResults, notes: list[str] = ()) -> str:
    """The whole report as one HTML page that needs nothing else (no network, no files beside it)."""
    hardest = "".join(
        f"<li>Lesson {esc(i.lesson)}, {esc(i.kind)} {esc(i.id)}: {_pct(i.share)} correct of {i.answered}. "
        f"{esc(i.label)}" + (f" Most common wrong: {esc(i.top_wrong()[0])}." if i.top_wrong() else "") + "</li>"
        for i in results.hardest()
    )
    all_notes = [*notes, *results.notes]
    notes_html = (
        "<section aria-labelledby='notes'><h2 id='notes'>Files not counted as they were</h2><ul>"
        + "".join(f"<li>{esc(n)}</li>" for n in all_notes)
        + "</ul></section>"
        if all_notes
        else ""
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Soft Power Companion: class report</title><style>{STYLE}</style></head><body><main>"
        "<h1>Soft Power Companion: class report</h1>"
        "<p class='who'><strong>For the teacher only.</strong> This report contains students' names (or the "
        "pseudonyms they chose) and their answers. Keep it on your own machine; do not project or share the "
        "section “Per student”.</p>"
        f"<p>{len(results.students)} students' hand-ins. Shares are of the students who answered the item.</p>"
        f"{notes_html}"
        "<section aria-labelledby='revisit'><h2 id='revisit'>Revisit next class</h2>"
        + (f"<ol>{hardest}</ol>" if hardest else "<p>No item was answered wrongly by half the class or more.</p>")
        + "</section>"
        + "".join(_lesson_section(results, n) for n in results.lessons)
        + "<section class='teacher-only' aria-labelledby='students'><h2 id='students'>Per student (teacher only)</h2>"
        + _student_table(results)
        + "</section></main></body></html>"
    )


def _cell_text(text: str) -> str:
    """A name safe in a spreadsheet: one starting with = + - @ would be read as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def grade_csv(results: ClassResults) -> str:
    """One row per student, one column per item (lesson.kind.id): 1 right, 0 wrong, blank not answered."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    keys = [i.key for i in results.items]
    writer.writerow(["student", *keys])
    for name in results.students:
        marks = results.marks[name]
        writer.writerow([_cell_text(name), *("" if k not in marks else int(marks[k]) for k in keys)])
    return out.getvalue()


def build(inputs: list[str], out: str, csv_path: str | None = None) -> tuple[ClassResults, list[str]]:
    """Read the hand-ins, write the report (and the grade book); returns the results and the notes."""
    from .files import write_text_atomically
    from .handin import load

    handins, notes = load(inputs)
    results = aggregate(handins)
    write_text_atomically(out, html_report(results, notes))
    if csv_path:
        write_text_atomically(csv_path, grade_csv(results))
    return results, notes
