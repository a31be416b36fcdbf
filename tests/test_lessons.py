"""The anatomy every lesson must have (see README, "How a lesson works")."""

from __future__ import annotations

import helpers
from helpers import citations
from helpers.display import WORKED_TEXT
from helpers.material import material

import ast
import re

import pytest

from .conftest import LESSONS, ROOT

# helpers comes first: importing it keeps a slow optional module out of start-up (see helpers/__init__.py).
SETUP_FIRST_LINE = "import helpers as h  # first: it keeps a slow optional module out of every lesson's start-up"
SETUP_LAST_LINE = 'lesson = h.Lesson("{n}")'
SOLUTION_FIRST_LINE = "# Worked solution: open it once you have tried."

CITATION = re.compile(r"\[([^\[\]]*?(?:\d{4}[a-z]?|n\.d\.)[^\[\]]*?)\](?!\()")
EXERCISE = re.compile(r"^### Exercise (\d+\.\d+)\s*$", re.M)
FORBIDDEN = [r"pip install", r"sys\.path", r"os\.chdir", r"https?://", r"requests\.", r"urllib"]


def text(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def number_of(path) -> str:
    return path.name[:2]


def markdown(nb: dict) -> list[str]:
    return [text(c) for c in nb["cells"] if c["cell_type"] == "markdown"]


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_lessons_exist_and_are_numbered_from_00():
    numbers = [number_of(p) for p in LESSONS]
    assert numbers, "no lessons found in lessons/"
    assert numbers == [f"{i:02d}" for i in range(len(numbers))], (
        f"lessons must be numbered 00, 01, ... without gaps: {numbers}"
    )


def test_title_cell_has_number_summary_duration_objectives_and_assumptions(notebook):
    path, nb = notebook
    first = text(nb["cells"][0])
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert re.match(rf"# {number_of(path)} · \S", first), f"{path.name}: title must read '# {number_of(path)} · Title'"
    assert re.search(r"\*Duration:\*\s*(about )?\d+", first), f"{path.name}: no '*Duration:*' line"
    assert "you will be able to" in first, f"{path.name}: no learning objectives"
    assert len(re.findall(r"^\d+\. ", first, re.M)) >= 3, f"{path.name}: list at least three objectives"
    assert "*Assumes:*" in first, f"{path.name}: no '*Assumes:*' line"


def test_one_setup_cell_first_with_helpers_first_and_only_imports(notebook):
    """Every lesson starts the same way; other imports are the lesson's own (ruff flags any it does not use)."""
    path, nb = notebook
    cells = code_cells(nb)
    setups = [c for c in cells if "setup" in c["metadata"].get("tags", [])]
    assert len(setups) == 1, f"{path.name}: exactly one code cell must be tagged 'setup'"
    assert setups[0] is cells[0], f"{path.name}: the setup cell must be the first code cell"
    lines = [line for line in text(setups[0]).strip().splitlines() if line.strip()]
    assert lines[0] == SETUP_FIRST_LINE, f"{path.name}: the setup cell must start by importing helpers"
    assert lines[-1] == SETUP_LAST_LINE.format(n=number_of(path)), f"{path.name}: the setup cell must end with lesson"
    others = [line for line in lines[1:-1] if not re.match(r"(import \w+( as \w+)?|from \w+ import \w+)$", line)]
    assert not others, f"{path.name}: the setup cell holds imports only, not {others}"


def course_names_used(source: str) -> tuple[set[str], set[str]]:
    """The ``h.<name>`` a cell uses, and the ``h.<name>.<attr>`` chains among them, read with Python's parser."""
    names, chains = set(), set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "h":
            names.add(node.attr)
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id == "h"
        ):
            chains.add(f"h.{node.value.attr}.{node.attr}")
    return names, chains


def test_course_names_used_reads_names_and_chains():
    names, chains = course_names_used("x = h.load('polls')\nh.charts.svg(h.bar(x))  # h.nothing in a comment")
    assert names == {"load", "charts", "bar"} and chains == {"h.charts.svg"}


def test_lessons_speak_one_dialect(notebook):
    """Lessons reach the package only as h.<name> with the name in helpers.__all__ (plus the lesson object)."""
    path, nb = notebook
    for cell in code_cells(nb):
        names, chains = course_names_used(text(cell))
        modules = sorted(c for c in chains if c.split(".")[1] not in helpers.__all__)  # h.<module>.<name>
        assert not modules, f"{path.name}: use h.<name> from helpers.__all__, not a module's insides: {modules}"
        unknown = sorted(names - set(helpers.__all__))
        assert not unknown, f"{path.name}: h.{unknown[0]} is not in helpers.__all__ ({', '.join(helpers.__all__)})"


def test_no_saved_widget_state(notebook):
    """Widget state is not read by anything and bloats every diff: lessons are executed without it."""
    path, nb = notebook
    assert "widgets" not in nb["metadata"], f"{path.name}: saved widget state in the notebook metadata"


def test_no_path_juggling_installs_or_network(notebook):
    path, nb = notebook
    for cell in code_cells(nb):
        for pattern in FORBIDDEN:
            assert not re.search(pattern, text(cell)), f"{path.name}: code cell uses {pattern!r}:\n{text(cell)}"


def test_exercises_have_starter_check_and_collapsed_solution(notebook):
    path, nb = notebook
    cells = nb["cells"]
    found = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        for ex_id in EXERCISE.findall(text(cell)):
            found.append(ex_id)
            starter, check, solution = cells[i + 1 : i + 4]
            assert starter["cell_type"] == "code" and "..." in text(starter), (
                f"{path.name} {ex_id}: starter with ... expected"
            )
            assert f'lesson.check("{ex_id}",' in text(check), f"{path.name} {ex_id}: check cell must call lesson.check"
            assert "solution" in solution["metadata"].get("tags", []), f"{path.name} {ex_id}: solution must be tagged"
            assert solution["metadata"].get("jupyter", {}).get("source_hidden") is True, (
                f"{path.name} {ex_id}: collapse it"
            )
            assert f'lesson.check("{ex_id}",' in text(solution), f"{path.name} {ex_id}: solution should run the check"
            assert "record=False" in text(solution), (
                f"{path.name} {ex_id}: a worked solution must not count as the student's answer"
            )
    declared = [e.id for e in material(number_of(path)).exercises]
    assert sorted(found) == sorted(declared), f"{path.name}: exercises in notebook {found} vs data/lessons {declared}"
    for cell in cells:
        if "solution" in cell["metadata"].get("tags", []):
            assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True


def test_solutions_stay_closed(notebook):
    # Code and output collapsed when the lesson opens, and every stored output (which JupyterLab shows again
    # after Run All, and GitHub or nbviewer always show) folded inside a closed <details>, text form included.
    path, nb = notebook
    solutions = [c for c in nb["cells"] if "solution" in c["metadata"].get("tags", [])]
    assert solutions, f"{path.name}: no worked solution"
    for cell in solutions:
        where = f"{path.name} cell {cell['id']}"
        hidden = cell["metadata"].get("jupyter", {})
        assert hidden.get("source_hidden") is True and hidden.get("outputs_hidden") is True, f"{where}: {hidden}"
        # JupyterLab shows the first line of collapsed code: it must say what the cell is, and no more.
        assert text(cell).split("\n", 1)[0] == SOLUTION_FIRST_LINE, f"{where}: first line {text(cell)[:80]!r}"
        assert cell["outputs"], f"{where}: the solution shows no result (run the lesson with helpers execute)"
        for output in cell["outputs"]:
            data = output.get("data", {})
            html = "".join(data.get("text/html", ""))
            assert output["output_type"] == "execute_result" and re.fullmatch(
                r"<details class='sp-worked'><summary>[^<]+</summary>.*</details>", html, re.S
            ), f"{where}: an output outside a closed <details>: {str(output)[:300]}"
            assert "".join(data.get("text/plain", "")) == WORKED_TEXT, f"{where}: the text form gives the answer"


def test_quiz_then_sources_close_the_lesson(notebook):
    path, nb = notebook
    headings = [m.strip() for m in markdown(nb) if m.startswith("## ")]
    assert any(h.startswith("## Check your understanding") for h in headings), f"{path.name}: no quiz section"
    assert any(h.startswith("## Sources") for h in headings), f"{path.name}: no Sources section"
    assert text(nb["cells"][-1]).strip() == "lesson.sources()", f"{path.name}: the last cell must be lesson.sources()"
    assert any(text(c).strip() == "lesson.quiz()" for c in code_cells(nb)), f"{path.name}: no lesson.quiz() cell"
    assert "## Your progress" in headings_text(nb) and text(nb["cells"][-3]).strip() == "lesson.progress()", (
        f"{path.name}: a 'Your progress' section with lesson.progress() must come just before Sources"
    )
    n_questions = len(material(number_of(path)).questions)
    assert n_questions >= 6, f"{path.name}: the quiz needs at least six questions, has {n_questions}"


def test_discussion_prompts(notebook):
    path, nb = notebook
    prompts = sum(m.count("💬 **Discussion") for m in markdown(nb))
    assert prompts >= 3, f"{path.name}: at least three discussion prompts, found {prompts}"


def test_every_inline_citation_is_in_the_bibliography_and_the_lessons_sources(notebook):
    path, nb = notebook
    labels = {v: k for k, v in citations.short_labels().items()}
    listed = set(material(number_of(path)).source_ids())
    for md in markdown(nb):
        for group in CITATION.findall(md):
            for part in group.split(";"):
                label = re.sub(r",\s*(p|pp|para|paras|section|ch|abstract)\b.*$", "", part.strip())
                assert label in labels, f"{path.name}: citation [{part.strip()}] is not a label in bibliography.csv"
                assert labels[label] in listed, (
                    f"{path.name}: [{label}] is cited, but {labels[label]} is not among "
                    f"the sources of data/lessons/{number_of(path)}.toml"
                )


def test_committed_outputs_ran_in_order_without_errors(notebook):
    path, nb = notebook
    counts = [c["execution_count"] for c in code_cells(nb)]
    assert None not in counts, f"{path.name}: some cells have not been run; run `python -m helpers execute {path.name}`"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: cells were run out of order"
    for cell in code_cells(nb):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name}: stored error output in:\n{text(cell)}"
            assert out.get("name") != "stderr", f"{path.name}: stored stderr output: {out.get('text')}"


def headings_text(nb: dict) -> str:
    return "\n".join(m.splitlines()[0] for m in markdown(nb) if m.startswith("#"))


def outputs_with(nb: dict, mime: str) -> int:
    return sum(mime in out.get("data", {}) for c in code_cells(nb) for out in c.get("outputs", []))


@pytest.mark.parametrize("path", [p for p in LESSONS if number_of(p) != "00"], ids=lambda p: p.stem)
def test_teaching_lessons_meet_the_bar(path):
    from .conftest import read_notebook

    nb = read_notebook(path)
    words = sum(len(re.findall(r"[\w’'-]+", m)) for m in markdown(nb))
    assert 1500 <= words <= 3000, f"{path.name}: {words} words of prose; the bar is 1,500 to 3,000"
    charts = sum(
        "class='sp-chart'" in "".join(o.get("data", {}).get("text/html", ""))
        for c in code_cells(nb)
        for o in c.get("outputs", [])
    )
    assert charts >= 2, f"{path.name}: at least two charts"
    assert outputs_with(nb, "application/vnd.jupyter.widget-view+json") >= 2, f"{path.name}: a widget besides the quiz"
    assert len(EXERCISE.findall("\n".join(markdown(nb)))) >= 2, f"{path.name}: at least two exercises"


def test_every_lesson_material_file_has_a_notebook():
    numbers = {number_of(p) for p in LESSONS}
    orphans = [n for n in helpers.material.lesson_numbers() if n not in numbers]
    assert not orphans, f"data/lessons has material for lessons without a notebook: {orphans}"


def test_readme_course_map_marks_existing_lessons_ready():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in LESSONS:
        row = next((line for line in readme.splitlines() if line.startswith(f"| {number_of(path)} |")), "")
        assert f"(lessons/{path.name})" in row and row.rstrip().endswith("| ready |"), (
            f"README: link {path.name} and mark it ready"
        )


# ---------------------------------------------------------------- quizzes that diagnose

MOST_KEYS_AT_ONE_POSITION = 0.40
"""No more than this share of a lesson's quiz keys may sit at one position, so position gives nothing away."""

NUMBERS = [number_of(p) for p in LESSONS]


def most_keys_at_one_position(keyed: list[int]) -> float:
    """The largest share of ``keyed`` (each question's key position) that one position holds."""
    return max(keyed.count(p) for p in set(keyed)) / len(keyed)


@pytest.mark.parametrize("edition", ["teacher", "student"])
@pytest.mark.parametrize("number", NUMBERS)
def test_quiz_keys_are_spread_over_positions_on_screen(number, edition):
    # Counted on the rendered widget: the order of each question's radio buttons as the student sees them.
    quiz = helpers.Lesson(number, edition=edition).quiz()
    keyed = [radio.options.index(q.answer) for radio, q in zip(quiz.radios, quiz.questions)]
    share = most_keys_at_one_position(keyed)
    assert share <= MOST_KEYS_AT_ONE_POSITION, (
        f"lesson {number} ({edition}): {share:.0%} of the quiz keys sit at one position (key positions {keyed})"
    )


@pytest.mark.parametrize("number", NUMBERS)
def test_every_distractor_names_its_misconception(number):
    found = material(number)
    wordings = [("", q) for q in found.questions] + [
        ("student wording of ", q.student) for q in found.questions if q.student
    ]
    missing = [
        f"{where}{q.id!r}: {choice!r}"
        for where, q in wordings
        for choice in q.choices
        if choice != q.answer and q.distractor(choice) is None
    ]
    assert not missing, f"lesson {number}: distractors without a [[question.wrong]] entry: {'; '.join(missing)}"
