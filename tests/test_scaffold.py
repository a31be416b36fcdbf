"""``python -m helpers new-lesson`` (helpers/scaffold.py): a new lesson passes the lesson-structure tests.

The command runs in a copy of the repository, and the structure tests run there too, in a pytest of their
own: tests/test_lessons.py, tests/test_instructor_guide.py, the student edition's per-lesson check and nbval
on the new notebook. Two tests there must fail for a new lesson, and only those two: they ask for a
finished lesson (1,500 words of prose, two charts, a widget; the README's status ``ready``), which no
scaffold can honestly provide (AUTHORING.md, step 9). The refusals are tested in-process on a
smaller copy. About 20 s in all on two busy cores, most of it the kernels of the new lesson and of nbval.
"""

from __future__ import annotations

from helpers import scaffold

import hashlib
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .conftest import LESSONS, ROOT

NUMBER = f"{len(LESSONS):02d}"  # the next free number: the lessons run 00, 01, ... without gaps
SLUG = "years_of_education"
TITLE = "The Years of Education"
STEM = f"{NUMBER}_{SLUG}"
# The tests that ask for a finished lesson, with the words of their failure message.
UNFINISHED = {
    f"test_teaching_lessons_meet_the_bar[{STEM}]": "words of prose",
    "test_readme_course_map_marks_existing_lessons_ready": f"README: link {STEM}.ipynb and mark it ready",
}
STRUCTURE_TESTS = [
    "tests/test_lessons.py",
    "tests/test_instructor_guide.py",
    "tests/test_editions.py::test_student_notebook_drops_only_solutions_and_clears_outputs",
]
IGNORED = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "artifacts", ".pytest_cache")


def copy_checkout(to: Path, names: list[str]) -> Path:
    for name in names:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, to / name, ignore=IGNORED)
        else:
            shutil.copy2(ROOT / name, to / name)
    return to


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under a folder and a digest of its bytes: equal before and after means nothing changed."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def in_copy(copy: Path, *command: str) -> subprocess.CompletedProcess:
    """A Python command run in the copy, importing the copy's helpers and reading the copy's data."""
    env = {k: v for k, v in os.environ.items() if k != "SOFT_POWER_DATA"}
    env["PYTHONPATH"] = str(copy)  # also for the kernels the command starts, which run in lessons/
    return subprocess.run(
        [sys.executable, *command], cwd=copy, env=env, capture_output=True, text=True, timeout=600, check=False
    )


# ---------------------------------------------------------------- the command, end to end


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A copy of the repository with a new lesson made by the command."""
    copy = copy_checkout(
        tmp_path_factory.mktemp("course"), ["helpers", "data", "lessons", "tests", "README.md", "pyproject.toml"]
    )
    made = in_copy(copy, "-m", "helpers", "new-lesson", NUMBER, SLUG, TITLE, "--source", "nye_2004")
    assert made.returncode == 0, made.stdout + made.stderr
    return copy


def test_new_lesson_writes_the_notebook_bank_guide_section_and_course_map_row(course):
    assert (course / "lessons" / f"{STEM}.ipynb").is_file()
    bank = (course / "data" / "lessons" / f"{NUMBER}.toml").read_text(encoding="utf-8")
    assert f'number = "{NUMBER}"' in bank and 'sources = ["nye_2004"]' in bank
    guide = (course / "lessons" / "INSTRUCTOR_GUIDE.md").read_text(encoding="utf-8")
    assert guide.startswith((ROOT / "lessons" / "INSTRUCTOR_GUIDE.md").read_text(encoding="utf-8").rstrip("\n"))
    assert f"\n## {NUMBER} · {TITLE}\n" in guide
    readme = (course / "README.md").read_text(encoding="utf-8")
    assert f"| {NUMBER} | [{TITLE}](lessons/{STEM}.ipynb) | TODO: what you will be able to do | 50 min | draft |" in (
        readme
    )


def test_new_lesson_passes_the_lesson_structure_tests(course):
    report = course / "structure.xml"
    run = in_copy(
        course,
        *("-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "-o", "addopts=", "-q"),
        *("--rootdir", str(course), f"--junitxml={report}"),
        *("--nbval", "--nbval-current-env", "--nbval-sanitize-with=lessons/sanitize.cfg"),
        *STRUCTURE_TESTS,
        f"lessons/{STEM}.ipynb",
    )
    assert report.is_file(), run.stdout + run.stderr
    outcomes = {}
    for case in ET.parse(report).iter("testcase"):
        problem = next((c for c in case if c.tag in ("failure", "error", "skipped")), None)
        outcomes[f"{case.get('classname')}::{case.get('name')}"] = (
            ("passed", "") if problem is None else (problem.tag, problem.get("message", ""))
        )
    not_passed = {name.rsplit("::", 1)[1]: result for name, result in outcomes.items() if result[0] != "passed"}
    assert set(not_passed) == set(UNFINISHED), f"only the finished-lesson checks may fail: {not_passed}\n{run.stdout}"
    for name, words in UNFINISHED.items():
        assert not_passed[name][0] == "failure" and words in not_passed[name][1], not_passed[name]
    # The new lesson was really checked: every per-lesson test of the structure files, and nbval cell by cell.
    mine = [name for name in outcomes if STEM in name]
    for test in (
        "test_title_cell_has_number_summary_duration_objectives_and_assumptions",
        "test_one_setup_cell_first_with_helpers_first_and_only_imports",
        "test_exercises_have_starter_check_and_collapsed_solution",
        "test_solutions_stay_closed",
        "test_quiz_then_sources_close_the_lesson",
        "test_discussion_prompts",
        "test_committed_outputs_ran_in_order_without_errors",
        "test_every_discussion_prompt_is_quoted_in_the_lesson_section",
        "test_every_exercise_of_the_lesson_is_answered_in_its_section",
        "test_student_notebook_drops_only_solutions_and_clears_outputs",
    ):
        assert any(f"::{test}[{STEM}]" in name for name in mine), f"{test} did not run on the new lesson"
    nbval_cells = [name for name in mine if "::Cell " in name]
    assert len(nbval_cells) >= 9, f"nbval checked {len(nbval_cells)} cells of the new lesson"


def test_new_lesson_passes_ruff_like_every_lesson(course):
    for command in (["check"], ["format", "--check"]):
        run = in_copy(course, "-m", "ruff", *command, f"lessons/{STEM}.ipynb")
        assert run.returncode == 0, run.stdout + run.stderr


def test_the_command_refuses_a_bad_request_and_writes_nothing(tmp_path):
    copy = copy_checkout(tmp_path, ["helpers", "data", "lessons", "README.md"])
    before = fingerprint(copy / "data") | fingerprint(copy / "lessons")
    run = in_copy(copy, "-m", "helpers", "new-lesson", NUMBER, "Years-of-Education", TITLE)
    assert run.returncode == 2
    assert "slug 'Years-of-Education' is not valid: use lowercase letters a-z, digits and single underscores" in (
        run.stderr
    )
    assert fingerprint(copy / "data") | fingerprint(copy / "lessons") == before


# ---------------------------------------------------------------- refusals, in-process


@pytest.fixture
def checkout(tmp_path, monkeypatch) -> Path:
    """What the scaffold reads and writes, copied: lessons/, data/ and README.md; the course reads this data/."""
    copy = copy_checkout(tmp_path, ["data", "lessons", "README.md"])
    monkeypatch.setenv("SOFT_POWER_DATA", str(copy / "data"))
    return copy


NEXT_AFTER = f"{len(LESSONS) + 1:02d}"


@pytest.mark.parametrize(
    ("number", "slug", "title", "sources", "message"),
    [
        ("9", SLUG, TITLE, [], f"lesson number '9' is not two digits: give the next free number, {NUMBER}"),
        ("1O", SLUG, TITLE, [], f"is not two digits: give the next free number, {NUMBER}"),
        ("00", SLUG, TITLE, [], f"lesson 00 exists already (lessons 00-{len(LESSONS) - 1:02d} exist)"),
        (NEXT_AFTER, SLUG, TITLE, [], f"would leave a gap (lessons 00-{len(LESSONS) - 1:02d} exist)"),
        (NUMBER, "Years_of_education", TITLE, [], "slug 'Years_of_education' is not valid"),
        (NUMBER, "years-of-education", TITLE, [], "lowercase letters a-z, digits and single underscores"),
        (NUMBER, "years__of", TITLE, [], "slug 'years__of' is not valid"),
        (NUMBER, "1st_lesson", TITLE, [], "starting with a letter"),
        (NUMBER, "", TITLE, [], "slug '' is not valid"),
        (NUMBER, SLUG, "   ", [], "the title is empty"),
        (NUMBER, SLUG, "Years\nof Education", [], "one line without '|'"),
        (NUMBER, SLUG, "Years | Education", [], "one line without '|'"),
        (NUMBER, SLUG, TITLE, ["nye_2004", "nye_200"], "--source nye_200: unknown source id 'nye_200'"),
    ],
)
def test_bad_requests_are_refused_with_what_is_valid(checkout, number, slug, title, sources, message):
    before = fingerprint(checkout)
    with pytest.raises(scaffold.ScaffoldError) as refused:
        scaffold.new_lesson(checkout, number, slug, title, sources, run=None)
    assert message in str(refused.value)
    assert fingerprint(checkout) == before


@pytest.mark.parametrize("what", ["bank", "guide", "readme"])
def test_nothing_that_exists_is_overwritten(checkout, what):
    if what == "bank":
        (checkout / "data" / "lessons" / f"{NUMBER}.toml").write_text("# an earlier draft\n", encoding="utf-8")
        named = f"{NUMBER}.toml"
    elif what == "guide":
        with open(checkout / "lessons" / "INSTRUCTOR_GUIDE.md", "a", encoding="utf-8") as guide:
            guide.write(f"\n## {NUMBER} · A planned lesson\n")
        named = f"the '## {NUMBER} · ' section"
    else:
        readme = checkout / "README.md"
        readme.write_text(readme.read_text(encoding="utf-8") + f"\n| {NUMBER} | planned |\n", encoding="utf-8")
        named = f"the course-map row '| {NUMBER} |'"
    before = fingerprint(checkout)
    with pytest.raises(scaffold.ScaffoldError, match="refusing to overwrite what exists") as refused:
        scaffold.new_lesson(checkout, NUMBER, SLUG, TITLE, run=None)
    assert named in str(refused.value)
    assert fingerprint(checkout) == before


def test_a_lesson_that_fails_to_run_is_taken_back_whole(checkout):
    before = fingerprint(checkout)
    written = []

    def kernel_fails(notebook: Path) -> None:
        written.extend(p.name for p in checkout.rglob(f"{NUMBER}*") if p.is_file())
        written.extend(
            p.name
            for p in (checkout / "README.md", checkout / "lessons" / "INSTRUCTOR_GUIDE.md")
            if TITLE in p.read_text(encoding="utf-8")
        )
        raise RuntimeError("the kernel died")

    with pytest.raises(RuntimeError, match="the kernel died"):
        scaffold.new_lesson(checkout, NUMBER, SLUG, TITLE, run=kernel_fails)
    assert sorted(written) == sorted([f"{NUMBER}.toml", f"{STEM}.ipynb", "README.md", "INSTRUCTOR_GUIDE.md"]), (
        "the lesson runs once everything is written"
    )
    assert fingerprint(checkout) == before


def test_the_scaffold_writes_to_the_checkout_whose_data_the_course_reads(checkout, monkeypatch):
    monkeypatch.setenv("SOFT_POWER_DATA", str(ROOT / "data"))
    with pytest.raises(scaffold.ScaffoldError, match="the course reads its data from"):
        scaffold.new_lesson(checkout, NUMBER, SLUG, TITLE, run=None)
