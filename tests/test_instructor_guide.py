"""The instructor guide (lessons/INSTRUCTOR_GUIDE.md) keeps up with the lessons it describes."""

from __future__ import annotations

from helpers.material import material

import re

import pytest

from .conftest import LESSONS, ROOT, read_notebook

GUIDE = ROOT / "lessons" / "INSTRUCTOR_GUIDE.md"
PROMPT = re.compile(r"💬 \*\*Discussion\.\*\*\s*(.+?)(?:\n\s*\n|\Z)", re.S)
SLOT = re.compile(r"^\|\s*(\d+)\s*[-–]\s*(\d+)\s*\|", re.M)
lessons = pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])


def normalise(text: str) -> str:
    """Text without Markdown emphasis, blockquote marks, line breaks or case."""
    return " ".join(re.sub(r"^\s*>", "", text, flags=re.M).replace("*", "").split()).casefold()


def section(path) -> str:
    """The guide's '## NN · Title' section for a lesson, up to the next lesson's section."""
    number = path.name[:2]
    guide = GUIDE.read_text(encoding="utf-8")
    found = re.search(rf"^## {number} · .*?(?=^## \d\d · |\Z)", guide, re.M | re.S)
    assert found, f"{GUIDE.name} has no '## {number} · ' section for {path.name}"
    return found.group(0)


def prompts(path) -> list[str]:
    cells = read_notebook(path)["cells"]
    texts = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    return [p for text in texts for p in PROMPT.findall(text)]


@lessons
def test_plan_time_slots_are_contiguous_and_end_at_50(path):
    plan = re.search(r"^### Plan.*?(?=^### |\Z)", section(path), re.M | re.S)
    assert plan, f"{path.name}: the guide's section has no '### Plan' subsection"
    slots = [(int(start), int(end)) for start, end in SLOT.findall(plan.group(0))]
    assert slots, f"{path.name}: the plan has no time-slot rows such as '| 0-5 | ...'"
    assert slots[0][0] == 0, f"{path.name}: the plan must start at minute 0, not {slots[0][0]}"
    for start, end in slots:
        assert start < end, f"{path.name}: empty or reversed slot {start}-{end}"
    for (start, end), (next_start, _) in zip(slots, slots[1:]):
        assert end == next_start, f"{path.name}: the slot {start}-{end} is not followed by one from {end}"
    assert slots[-1][1] == 50, f"{path.name}: the plan ends at minute {slots[-1][1]}, not 50"


@lessons
def test_every_discussion_prompt_is_quoted_in_the_lesson_section(path):
    text = normalise(section(path))
    found = prompts(path)
    assert found, f"{path.name} has no discussion prompts"
    missing = [p for p in found if normalise(p) not in text]
    assert not missing, f"{path.name}: prompts not quoted word for word in the guide: {missing}"


@lessons
def test_every_exercise_of_the_lesson_is_answered_in_its_section(path):
    answers = re.search(r"^### Exercise answers.*?(?=^### |\Z)", section(path), re.M | re.S)
    assert answers, f"{path.name}: the guide's section has no '### Exercise answers' subsection"
    ids = [e.id for e in material(path.name[:2]).exercises]
    missing = [i for i in ids if not re.search(rf"\bExercise {re.escape(i)}\b", answers.group(0))]
    assert not missing, f"{path.name}: exercises missing from the guide's section: {missing}"
