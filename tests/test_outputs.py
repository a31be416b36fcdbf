"""What the lessons' stored outputs show a reader who opens them before running anything."""

from __future__ import annotations

from helpers.lesson import lesson_notebooks

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = lesson_notebooks(ROOT / "lessons")
# A path of the machine that executed a lesson: its checkout, a home or temporary folder, a Windows user folder.
MACHINE_PATH = re.compile(
    "|".join([re.escape(str(ROOT)), r"/home/\w", r"/root/", r"/Users/\w", r"/tmp/\w", r"/work/\w", r"[A-Z]:\\\\Users"])
)


def stored_texts(path: Path) -> list[str]:
    """Every text of every stored output of a notebook (tracebacks, streams, each mime type of a display)."""
    texts = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            texts.append(json.dumps(output, ensure_ascii=False))
    return texts


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_no_stored_output_carries_a_path_of_the_machine_that_ran_it(path):
    found = [m.group(0) for text in stored_texts(path) for m in [MACHINE_PATH.search(text)] if m]
    assert not found, f"{path.name}: stored outputs name paths of the machine that executed them: {found[:5]}"


def test_the_path_check_catches_an_absolute_data_path():
    output = {"output_type": "stream", "name": "stdout", "text": f"12 tables, all valid, in {ROOT / 'data'}\n"}
    assert MACHINE_PATH.search(json.dumps(output))


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_stored_tables_come_from_the_course_table_writer(path):
    # pandas' own HTML has row numbers, `<NA>` and titles cut to the display width; the course's has none.
    texts = stored_texts(path)
    assert not [t for t in texts if 'class=\\"dataframe' in t], f"{path.name}: a bare DataFrame is shown"
    assert not [t for t in texts if "&lt;NA&gt;" in t or "<NA>" in t], f"{path.name}: a table shows <NA>"


def test_the_list_of_tables_reads_as_names_with_titles():
    import helpers as h

    names = h.tables()
    assert "polls" in names and names == list(names)
    assert not repr(names).startswith("["), "not a Python list repr"
    assert "polls: Opinion polls" in repr(names) and "<code>polls</code>: Opinion polls" in names._repr_html_()


def test_table_cells_of_text_are_left_aligned_and_numbers_right():
    from helpers.display import table_html

    html = table_html(["note", "n"], [["a long note", 3]])
    assert "<td style='text-align:left'>a long note</td><td>3</td>" in html


def test_a_widget_not_yet_run_says_what_to_do_in_jupyterlab():
    from helpers.widgets import STATIC_NOTE

    assert "Run All" in STATIC_NOTE and "in JupyterLab" not in STATIC_NOTE


def test_students_see_no_internal_seed_numbers():
    # "(seed 002)" is the authors' name for a source document, meaningless to a student.
    seed = re.compile(r"\bseed \d{3}\b")
    shown = [*(ROOT / "data" / "lessons").glob("*.toml"), *LESSONS]
    found = [p.name for p in shown if seed.search(p.read_text(encoding="utf-8"))]
    assert not found, f"'seed NNN' shown to students in {found}"
