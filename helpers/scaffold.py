"""Start a new lesson with every part the course's tests ask of one: ``python -m helpers new-lesson``.

:func:`new_lesson` writes, in a checkout of the course (the folder holding ``helpers/``):

- ``lessons/NN_slug.ipynb``: the lesson anatomy of ``tests/test_lessons.py`` (title cell, the setup
  cell, a section, two exercises with their collapsed worked solutions, three discussion prompts, the
  quiz, progress and sources), run so its outputs are stored;
- ``data/lessons/NN.toml``: its question bank, six quiz questions and the two exercises;
- a ``## NN · Title`` section at the end of ``lessons/INSTRUCTOR_GUIDE.md`` (``tests/test_instructor_guide.py``);
- a course-map row in ``README.md`` with the status ``draft``.

Every text the author must write is a placeholder starting with ``TODO``; no fact is filled in, and the
placeholders cite only sources named on the command line (or the default, :data:`DEFAULT_SOURCE`).
A new lesson passes the structure tests at once and fails the content bar (prose length, charts,
a widget) and the README's ``ready`` check until it is written: see AUTHORING.md.

Nothing is overwritten, and a failure at any step (a bad argument, a bank the reader rejects, a
notebook that does not run) leaves the checkout as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import citations, data, material
from ._names import UnknownNameError
from .lesson import lesson_notebooks

DEFAULT_SOURCE = "nye_2004"
"""What the placeholders cite when no ``--source`` is given: Nye's book on soft power, the course's base."""

SLUG = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
TODO = "TODO"

# The setup cell every lesson starts with, word for word (tests/test_lessons.py checks both lines).
SETUP_FIRST_LINE = "import helpers as h  # first: it keeps a slow optional module out of every lesson's start-up"
SOLUTION_FIRST_LINE = "# Worked solution: open it once you have tried."
EXERCISES = 2
QUESTIONS = 6
PROMPTS = ("first", "second", "third")


class ScaffoldError(ValueError):
    """A request the scaffold cannot carry out; the message says what was wrong and what is valid."""


@dataclass(frozen=True)
class Request:
    """One new lesson: its two-digit number, file-name slug, title and the sources its placeholders cite."""

    number: str
    slug: str
    title: str
    sources: tuple[str, ...]

    @property
    def notebook_name(self) -> str:
        return f"{self.number}_{self.slug}.ipynb"

    def exercise_ids(self) -> list[str]:
        """'9.1', '9.2' for lesson 09: the lessons number exercises by the lesson's number without its zero."""
        return [f"{int(self.number)}.{i}" for i in range(1, EXERCISES + 1)]


@dataclass(frozen=True)
class Checkout:
    """The files of a course checkout that a new lesson touches."""

    root: Path

    @property
    def lessons(self) -> Path:
        return self.root / "lessons"

    @property
    def banks(self) -> Path:
        return self.root / "data" / "lessons"

    @property
    def guide(self) -> Path:
        return self.lessons / "INSTRUCTOR_GUIDE.md"

    @property
    def readme(self) -> Path:
        return self.root / "README.md"

    def lesson_numbers(self) -> list[str]:
        return [p.name[:2] for p in lesson_notebooks(self.lessons)]

    def next_number(self) -> str:
        numbers = self.lesson_numbers()
        return f"{int(numbers[-1]) + 1:02d}" if numbers else "00"


# ---------------------------------------------------------------- checking the request


def check(checkout: Checkout, number: str, slug: str, title: str, sources: Iterable[str]) -> Request:
    """The request, if every part is valid and nothing it would write exists; else a :class:`ScaffoldError`."""
    for needed in (checkout.lessons, checkout.banks, checkout.guide, checkout.readme):
        if not needed.exists():
            raise ScaffoldError(
                f"{needed} is missing: new-lesson writes into a checkout of the course repository "
                f"(lessons/, data/lessons/, lessons/INSTRUCTOR_GUIDE.md and README.md beside helpers/)"
            )
    if data.data_dir().resolve() != (checkout.root / "data").resolve():
        raise ScaffoldError(
            f"the course reads its data from {data.data_dir()}, not from {checkout.root / 'data'}: "
            f"set {data.DATA_ENV} to the checkout's data/ (python -m helpers new-lesson does)"
        )
    return Request(
        _checked_number(checkout, number), _checked_slug(slug), _checked_title(title.strip()), _checked_sources(sources)
    )


def _checked_number(checkout: Checkout, number: str) -> str:
    # Lessons are numbered without gaps (tests/test_lessons.py), so the only valid number is the next one;
    # a lesson meant to come earlier is added at the end and moved by renumbering (AUTHORING.md).
    expected = checkout.next_number()
    existing = checkout.lesson_numbers()
    have = f"lessons {existing[0]}-{existing[-1]} exist" if existing else "no lessons exist yet"
    if not re.fullmatch(r"\d\d", number):
        raise ScaffoldError(f"lesson number {number!r} is not two digits: give the next free number, {expected}")
    if number in existing:
        raise ScaffoldError(f"lesson {number} exists already ({have}): the next free number is {expected}")
    if number != expected:
        raise ScaffoldError(
            f"lesson number {number} would leave a gap ({have}): lessons are numbered without gaps, "
            f"so the next lesson is {expected}"
        )
    return number


def _checked_slug(slug: str) -> str:
    if not SLUG.fullmatch(slug):
        raise ScaffoldError(
            f"slug {slug!r} is not valid: use lowercase letters a-z, digits and single underscores, "
            f"starting with a letter, e.g. 'years_of_education'"
        )
    return slug


def _checked_title(title: str) -> str:
    if not title:
        raise ScaffoldError('the title is empty: give the lesson\'s title in quotes, e.g. "The Years of Education"')
    if "\n" in title or "|" in title:
        raise ScaffoldError(
            f"title {title!r} is not valid: one line without '|' (it goes into a heading and a README table)"
        )
    return title


def _checked_sources(sources: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(sources)) or (DEFAULT_SOURCE,)
    known = citations.source_ids()
    for sid in chosen:
        if sid not in known:
            raise ScaffoldError(
                f"--source {sid}: {UnknownNameError('source id', sid, known)} (ids are the first column of "
                f"data/bibliography.csv; add a new source there first)"
            )
    return chosen


def existing_targets(checkout: Checkout, request: Request) -> list[str]:
    """What of the new lesson is already there: each would be overwritten, so any one is a refusal."""
    found = [str(p) for p in lesson_notebooks(checkout.lessons) if p.name.startswith(f"{request.number}_")]
    if (checkout.banks / f"{request.number}.toml").exists():
        found.append(str(checkout.banks / f"{request.number}.toml"))
    if re.search(rf"^## {request.number} · ", checkout.guide.read_text(encoding="utf-8"), re.M):
        found.append(f"the '## {request.number} · ' section of {checkout.guide}")
    if re.search(rf"^\| {request.number} \|", checkout.readme.read_text(encoding="utf-8"), re.M):
        found.append(f"the course-map row '| {request.number} |' of {checkout.readme}")
    return found


# ---------------------------------------------------------------- the notebook


def _md(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text.strip())


def _code(text: str, **metadata) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(text.strip(), metadata=metadata)


def title_cell(request: Request) -> str:
    return f"""
# {request.number} · {request.title}

**{TODO}: one sentence saying what this lesson is about.**

*Duration:* about 50 minutes in class, or 45 minutes alone.

**By the end of this lesson you will be able to**

1. {TODO}: the first objective, with a verb a student can show (state, explain, compare, compute);
2. {TODO}: the second objective;
3. {TODO}: the third objective.

*Assumes:* {TODO}: the earlier lessons, or what else, this lesson builds on.
"""


def exercise_cells(exercise_id: str) -> list[nbformat.NotebookNode]:
    """Heading and task, starter, check and the collapsed worked solution, in the order the tests expect."""
    name = exercise_id.replace(".", "_")
    return [
        _md(
            f"""
### Exercise {exercise_id}

{TODO}: the task in one or two sentences, and the form of the answer (here one of the options, as text in
quotes). Keep the exercise's entry in `data/lessons/` in step: its prompt, options, answer and source.
"""
        ),
        _code(f"answer_{name} = ...  # {TODO}: say what form the answer takes"),
        _code(f'lesson.check("{exercise_id}", answer_{name})'),
        _code(
            f"""
{SOLUTION_FIRST_LINE}
# {TODO}: the steps, as comments or as the pandas code that finds the answer.
solution_{name} = "{TODO}: the right option"
lesson.check("{exercise_id}", solution_{name}, record=False)
""",
            tags=["solution"],
            jupyter={"source_hidden": True, "outputs_hidden": True},
        ),
    ]


def discussion_cell(which: str) -> nbformat.NotebookNode:
    return _md(f"💬 **Discussion.** {TODO}: the {which} question for the class to talk about.")


def build_notebook(request: Request) -> nbformat.NotebookNode:
    """The new lesson's cells, unexecuted."""
    first, second = request.exercise_ids()
    cells = [
        _md(title_cell(request)),
        _md(
            "## Setting up\n\n"
            "Run the setup cell first: it loads the course helpers as `h` and this lesson's material as `lesson`."
        ),
        _code(f'{SETUP_FIRST_LINE}\n\nlesson = h.Lesson("{request.number}")', tags=["setup"]),
        _md(
            f"""
## {TODO}: the first section's heading

{TODO}: short paragraphs in your own words. Cite each claim inline with its source's label in square
brackets (the `short` column of `data/bibliography.csv`), and add the source to `sources` in
`data/lessons/{request.number}.toml`. Load data with `h.load("table")`, draw charts with the course's chart
functions (`h.bar`, `h.line`, `h.timeline`), and move code that another lesson could reuse into
`helpers/topics/` (see AUTHORING.md).
"""
        ),
        discussion_cell(PROMPTS[0]),
        *exercise_cells(first),
        _md(f"## {TODO}: the second section's heading\n\n{TODO}: the next step of the lesson's argument."),
        discussion_cell(PROMPTS[1]),
        *exercise_cells(second),
        discussion_cell(PROMPTS[2]),
        _md(
            "## Check your understanding\n\n"
            "Pick an answer and press **Check** for an explanation and its source. *Try again* clears the quiz."
        ),
        _code("lesson.quiz()"),
        _md(
            "## Your progress\n\nYour quiz answers and exercise results are saved on this computer only, so they "
            "are still here after a restart. The table covers the whole course and lists the questions to review."
        ),
        _code("lesson.progress()"),
        _md("## Sources\n\nGenerated from the course bibliography; each entry says what kind of source it is."),
        _code("lesson.sources()"),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    return nb


# ---------------------------------------------------------------- the question bank


def _toml(value: str) -> str:
    # A JSON string is a valid TOML basic string (the same escapes); the standard library writes no TOML.
    return json.dumps(value, ensure_ascii=False)


def build_bank(request: Request) -> str:
    """``data/lessons/NN.toml`` with placeholder questions and exercises, in the format of its README."""
    source = _toml(request.sources[0])
    right, wrong, other = (f"{TODO}: the right answer", f"{TODO}: a wrong answer", f"{TODO}: another wrong answer")
    lines = [
        f"# Question bank of lesson {request.number}. Replace every {TODO}, and give each entry the source",
        "# of its facts (a source_id from ../bibliography.csv). Format: README.md in this folder.",
        f"number = {_toml(request.number)}",
        f"title = {_toml(request.title)}",
        f"sources = [{', '.join(_toml(s) for s in request.sources)}]",
        "",
        "# ---------------------------------------------------------------- quiz",
    ]
    for i in range(1, QUESTIONS + 1):
        lines += [
            "",
            "[[question]]",
            f'id = "q{i}"',
            f"prompt = {_toml(f'{TODO}: question {i}')}",
            f"choices = [{_toml(right)}, {_toml(wrong)}, {_toml(other)}]",
            f"answer = {_toml(right)}",
            f"explanation = {_toml(f'{TODO}: why the answer is right, shown after every answer.')}",
            f"source_id = {source}",
        ]
        for distractor in (wrong, other):  # each wrong choice names the misconception behind it
            lines += [
                "  [[question.wrong]]",
                f"  choice = {_toml(distractor)}",
                f"  misconception = {_toml(f'{TODO}: the misconception, in a few words')}",
                f"  reason = {_toml(f'{TODO}: why a student picks this, and why it is wrong.')}",
            ]
    lines += ["", "# ---------------------------------------------------------------- exercises"]
    for exercise_id in request.exercise_ids():
        lines += [
            "",
            "[[exercise]]",
            f"id = {_toml(exercise_id)}",
            'kind = "choice"',
            f"prompt = {_toml(f'{TODO}: the task of Exercise {exercise_id} in one line.')}",
            f"choices = [{_toml(f'{TODO}: the right option')}, {_toml(f'{TODO}: a wrong option')}]",
            f"expected = {_toml(f'{TODO}: the right option')}",
            f"explanation = {_toml(f'{TODO}: shown when the answer is right.')}",
            f"source_id = {source}",
            "  [[exercise.wrong]]",
            f"  answer = {_toml(f'{TODO}: a wrong option')}",
            f"  reason = {_toml(f'{TODO}: why a student might choose this, and why it is wrong.')}",
        ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the instructor guide and the README


def build_guide_section(request: Request) -> str:
    """The lesson's section of the instructor guide, with the parts tests/test_instructor_guide.py checks."""
    prompts = "\n\n".join(
        f"**Discussion {i}** ({TODO}: where it comes)\n\n"
        f"> {TODO}: the {which} question for the class to talk about.\n\n"
        f"A strong answer: {TODO}."
        for i, which in enumerate(PROMPTS, start=1)
    )
    answers = "\n\n".join(
        f"**Exercise {exercise_id}** (choice). {TODO}: the task.\n\n"
        f"- **Expected answer:** {TODO}.\n- **Steps:** {TODO}.\n- **Wrong answers the check recognises:** {TODO}."
        for exercise_id in request.exercise_ids()
    )
    return f"""## {request.number} · {request.title}

**Objectives.** {TODO}: the objectives, as the lesson's title cell states them.

**Assumes** {TODO}. About 50 minutes in class, 45 alone.

### Plan for a 50-minute class

| min | on screen | what the teacher does |
|---|---|---|
| 0-5 | Title cell, *Setting up* | {TODO}: run the setup cell; introduce the lesson. |
| 5-45 | {TODO}: one row for each section, exercise and discussion prompt | {TODO} |
| 45-50 | *Check your understanding* (quiz) | {TODO} |

**If time runs short:** {TODO}.

### Discussion prompts

{prompts}

### Exercise answers

{answers}

### Common misconceptions

1. {TODO}.

### Activities

- **Quiz**: {TODO}: what its {QUESTIONS} questions cover.
"""


def build_readme_row(request: Request) -> str:
    return (
        f"| {request.number} | [{request.title}](lessons/{request.notebook_name}) "
        f"| {TODO}: what you will be able to do | 50 min | draft |"
    )


def with_guide_section(guide: str, section: str) -> str:
    return guide.rstrip("\n") + "\n\n" + section


def with_readme_row(readme: str, row: str) -> str:
    """The README with the row added after the course map's last lesson row."""
    lines = readme.split("\n")
    rows = [i for i, line in enumerate(lines) if re.match(r"\| \d\d \| ", line)]
    if not rows:
        raise ScaffoldError("README.md has no course map (rows starting '| 00 | '): add the lesson's row by hand")
    lines.insert(rows[-1] + 1, row)
    return "\n".join(lines)


# ---------------------------------------------------------------- writing, all or nothing


@contextmanager
def all_or_nothing(created: list[Path], edited: list[Path]):
    """Undo everything on any error: remove the files in ``created`` that exist, restore each of ``edited``."""
    before = {path: path.read_bytes() for path in edited}
    try:
        yield
    except BaseException:  # Ctrl+C during the lesson's run too: leave the checkout as it was
        for path in created:
            path.unlink(missing_ok=True)
        for path, content in before.items():
            path.write_bytes(content)
        raise


def new_lesson(
    root: Path,
    number: str,
    slug: str,
    title: str,
    sources: Iterable[str] = (),
    run: Callable[[Path], object] | None = None,
) -> list[Path]:
    """Write the new lesson's notebook, bank, guide section and README row; return the paths written.

    ``run`` executes the notebook in place so its outputs are stored (``python -m helpers execute``);
    it is called last, and if it fails everything written is taken back.
    """
    checkout = Checkout(Path(root))
    request = check(checkout, number, slug, title, sources)
    found = existing_targets(checkout, request)
    if found:
        raise ScaffoldError("refusing to overwrite what exists: " + "; ".join(found))
    notebook = checkout.lessons / request.notebook_name
    bank = checkout.banks / f"{request.number}.toml"
    guide = with_guide_section(checkout.guide.read_text(encoding="utf-8"), build_guide_section(request))
    readme = with_readme_row(checkout.readme.read_text(encoding="utf-8"), build_readme_row(request))
    with all_or_nothing(created=[notebook, bank], edited=[checkout.guide, checkout.readme]):
        bank.write_text(build_bank(request), encoding="utf-8")
        material.material(request.number)  # the bank reader's own checks, before anything else is written
        nbformat.write(build_notebook(request), notebook)
        checkout.guide.write_text(guide, encoding="utf-8")
        checkout.readme.write_text(readme, encoding="utf-8")
        if run is not None:
            run(notebook)
    return [notebook, bank, checkout.guide, checkout.readme]
