"""Progress that survives a restart: recorded locally, written atomically, never lost or fatal."""

from __future__ import annotations

import helpers as h
from helpers import progress

import json

import pytest


@pytest.fixture
def store_path(tmp_path, monkeypatch):
    path = tmp_path / "progress" / "progress.sqlite3"
    monkeypatch.setenv(progress.PROGRESS_ENV, str(path))
    return path


def test_environment_variable_redirects_the_file(store_path):
    assert progress.default_path() == store_path


def test_default_is_a_per_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(progress.PROGRESS_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr("sys.platform", "linux")
    assert progress.default_path() == tmp_path / "soft-power-companion" / "progress.sqlite3"


def test_quiz_exercise_and_activity_results_are_recorded(store_path):
    lesson = h.Lesson("00")
    quiz = lesson.quiz()
    q = quiz.questions[0]
    wrong = next(c for c in q.choices if c != q.answer)
    quiz.answer(0, wrong)
    quiz.answer(1, quiz.questions[1].answer)
    lesson.check("0.1", 66)
    saved = progress.read(store_path)
    assert saved["lessons"]["00"]["quiz"][q.id] == {"answer": wrong, "correct": False}
    assert saved["lessons"]["00"]["quiz"][quiz.questions[1].id]["correct"] is True
    assert saved["lessons"]["00"]["exercises"]["0.1"] == {"status": "correct", "answer": "66"}


def test_unanswered_checks_and_worked_solutions_are_not_recorded(store_path):
    lesson = h.Lesson("00")
    lesson.check("0.1", ...)
    lesson.check("0.1", 66, record=False)
    lesson.quiz().check(0)
    assert not store_path.exists()


def test_progress_survives_a_restart_and_shows_missed_questions(store_path):
    quiz = h.Lesson("00").quiz()
    q = quiz.questions[2]
    quiz.answer(2, next(c for c in q.choices if c != q.answer))
    view = h.Lesson("00").progress()  # a new object reads the file afresh, as after a kernel restart
    assert "00 · Start here" in view.table.value
    assert "To review" in view.table.value and h.display.esc(q.prompt) in view.table.value
    assert "0 / 6" in view.table.value


def test_writes_leave_no_temporary_files(store_path):
    for i in range(5):
        progress.record_exercise("00", "0.1", "incorrect" if i % 2 else "correct")
    assert [p.name for p in store_path.parent.iterdir()] == ["progress.sqlite3"]
    assert progress.read(store_path)["lessons"]["00"]["exercises"]["0.1"]["status"] == "correct"


@pytest.mark.parametrize(
    "content,why",
    [
        ("{not json", "not valid JSON"),
        ('{"format": "something-else", "lessons": {}}', "not a Soft Power Companion progress file"),
        ("[1, 2, 3]", "not a Soft Power Companion progress file"),
        ("SQLite format 3\x00 but damaged after the header", "not a readable course progress store"),
    ],
)
def test_corrupt_or_foreign_file_is_set_aside_never_lost(store_path, content, why):
    store_path.parent.mkdir(parents=True)
    store_path.write_text(content, encoding="utf-8")
    problem = progress.record_exercise("00", "0.1", "correct")
    kept = [p for p in store_path.parent.iterdir() if p.name.startswith("progress.sqlite3.set-aside-")]
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == content
    assert why in problem and kept[0].name in problem
    assert progress.read(store_path)["lessons"]["00"]["exercises"]["0.1"]["status"] == "correct"


def test_a_file_in_the_way_of_the_folder_does_not_break_a_widget(tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(progress.PROGRESS_ENV, str(blocker / "progress.sqlite3"))
    verdict = h.Lesson("00").check("0.1", 66)
    assert verdict.correct and "could not be saved" in verdict.detail  # the check says so, and still grades
    quiz = h.Lesson("00").quiz()
    quiz.answer(0, quiz.questions[0].answer)
    assert "could not be saved" in quiz.feedback[0].value
    view = h.Lesson("00").progress()
    assert "could not read progress" in view.status.value
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_progress_keeps_no_state_between_calls(store_path):
    """Problems travel with the result of each call, not in a module variable that another call overwrites."""
    assert not hasattr(progress, "last_problem")
    assert progress.record_exercise("00", "0.1", "correct") is None
    store_path.unlink()
    store_path.write_text("{not json", encoding="utf-8")
    found = progress.read(store_path)
    assert len(found["problems"]) == 1 and "not valid JSON" in found["problems"][0] and found["lessons"] == {}
    assert progress.read(store_path)["problems"] == []  # the file was set aside once; the fresh store reads fine


def test_reset_needs_confirmation(store_path):
    h.Lesson("00").check("0.1", 66)
    view = h.Lesson("00").progress()
    view.reset_button.click()
    assert "Tick the box first" in view.status.value and store_path.exists()
    assert progress.read(store_path)["lessons"]
    view.confirm.value = True
    view.reset_button.click()
    assert progress.read(store_path)["lessons"] == {}
    assert "0 / 1" in view.table.value


def test_reset_one_lesson_keeps_the_others(store_path):
    progress.record_exercise("00", "0.1", "correct")
    progress.record_exercise("01", "1.1", "correct")
    progress.reset("00")
    assert list(progress.read(store_path)["lessons"]) == ["01"]


def test_progress_text_from_data_is_escaped(store_path):
    from helpers.material import Material, Question

    hostile = "<script>alert(1)</script>"
    mat = Material("09", hostile, (), (Question("q", hostile, ("a", "b"), "a", "e", "nye_2008"),), (), ())
    store = progress.empty()
    store["lessons"]["09"] = {"quiz": {"q": {"answer": "b", "correct": False}}}
    html = progress.report(progress.summary(store, {"09": mat})).html
    assert "<script>" not in html and "&lt;script&gt;" in html


# ---------------------------------------------------------------- earlier versions and concurrency

LEGACY = {
    "format": progress.FORMAT,
    "version": 1,
    "lessons": {"00": {"quiz": {"q1": {"answer": "b", "correct": True}}, "exercises": {"0.1": {"status": "correct"}}}},
}


def test_a_progress_json_in_place_is_imported_and_kept(store_path):
    store_path.parent.mkdir(parents=True)
    store_path.write_text(json.dumps(LEGACY), encoding="utf-8")
    progress.record_exercise("01", "1.1", "incorrect")
    lessons = progress.read(store_path)["lessons"]
    assert lessons["00"] == LEGACY["lessons"]["00"] and lessons["01"]["exercises"]["1.1"]["status"] == "incorrect"
    kept = [p for p in store_path.parent.iterdir() if ".imported-" in p.name]
    assert len(kept) == 1 and json.loads(kept[0].read_text(encoding="utf-8")) == LEGACY


def test_the_old_default_progress_json_is_imported(monkeypatch, tmp_path):
    monkeypatch.delenv(progress.PROGRESS_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr("sys.platform", "linux")
    folder = tmp_path / "soft-power-companion"
    folder.mkdir()
    (folder / "progress.json").write_text(json.dumps(LEGACY), encoding="utf-8")
    assert progress.read()["lessons"] == LEGACY["lessons"]
    assert (folder / "progress.sqlite3").is_file() and not (folder / "progress.json").exists()
    assert [p for p in folder.iterdir() if p.name.startswith("progress.json.imported-")]


WRITER = """
import sys
from helpers import progress
lesson, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    for problem in (
        progress.record_question(lesson, f"q{i}", "a", i % 2 == 0),
        progress.record_exercise(lesson, f"e{i}", "correct"),
    ):
        assert problem is None, problem
"""


def test_two_kernels_recording_at_once_both_keep_every_answer(store_path):
    import subprocess
    import sys

    count = 150
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, lesson, str(count)], stderr=subprocess.PIPE, text=True)
        for lesson in ("00", "01")
    ]
    for writer in writers:
        assert writer.wait(timeout=300) == 0, writer.stderr.read()
    lessons = progress.read(store_path)["lessons"]
    for lesson in ("00", "01"):
        assert len(lessons[lesson]["quiz"]) == count and len(lessons[lesson]["exercises"]) == count
