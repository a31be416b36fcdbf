"""Hand-ins and the teacher's class report: thirty generated students with known answers, the figures
worked out here from what each student was made to answer, not from the report's own code."""

from __future__ import annotations

from helpers import classreport, handin, progress
from helpers.__main__ import main
from helpers.material import lesson_numbers, material

import csv
import html
import io
import json
import random
import re
from pathlib import Path

import pytest

STUDENTS = 30


def generate_class(count: int = STUDENTS, seed: int = 23) -> tuple[list[dict], dict[str, dict[str, tuple]]]:
    """``count`` hand-ins and, per student, item key -> (answer shown in the report, correct).

    Each student skips some items, answers others right or picks a wrong choice, the first wrong choice
    more often than the others (a shared misconception, as in a real class)."""
    rng = random.Random(seed)
    files, truth = [], {}
    for s in range(count):
        name = f"Student {s:02d} <b>&"  # markup in a name must come out as text
        store = {"lessons": {}}
        known = truth[name] = {}
        for number in lesson_numbers():
            mat = material(number)
            sections = store["lessons"].setdefault(number, {"quiz": {}, "exercises": {}, "activities": {}})
            for q in mat.questions:
                if rng.random() < 0.15:
                    continue
                wrong = [c for c in q.choices if c != q.answer]
                choice = q.answer if rng.random() < 0.55 else (wrong[0] if rng.random() < 0.7 else rng.choice(wrong))
                sections["quiz"][q.id] = {"answer": choice, "correct": choice == q.answer}
                known[f"{number}.quiz.{q.id}"] = (choice, choice == q.answer)
            for e in mat.exercises:
                if rng.random() < 0.2:
                    continue
                right = rng.random() < 0.6
                answer = "right answer" if right else rng.choice(["42", "42", "a wrong guess"])
                sections["exercises"][e.id] = {"status": "correct" if right else "incorrect", "answer": answer}
                known[f"{number}.exercise.{e.id}"] = (answer, right)
            for a in mat.activities:
                placed = []
                for i, item in enumerate(a.items, start=1):
                    right = rng.random() < 0.7
                    dims = {d.name: (item.answer[d.name][0] if right else "elsewhere") for d in a.dimensions}
                    placed.append({"answer": dims, "correct": right})
                    known[f"{number}.sorter.{a.id}-{i}"] = (dims, right)
                sections["activities"][a.id] = {
                    "correct": sum(p["correct"] for p in placed),
                    "total": len(placed),
                    "items": placed,
                }
        files.append(handin.handin(name, store))
    return files, truth


def write_class(folder: Path, count: int = STUDENTS) -> dict[str, dict[str, tuple]]:
    """Write ``count`` generated hand-ins into ``folder``, one file a student; what each answered (generate_class)."""
    files, truth = generate_class(count)
    for i, data in enumerate(files):
        (folder / f"s{i:02d}.json").write_text(json.dumps(data), encoding="utf-8")
    return truth


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("handins")
    return folder, write_class(folder)


@pytest.fixture(scope="module")
def built(class_folder, tmp_path_factory):
    folder, truth = class_folder
    out = tmp_path_factory.mktemp("report")
    assert main(["class-report", str(folder), "--out", str(out / "report.html"), "--csv", str(out / "grades.csv")]) == 0
    return (out / "report.html").read_text(encoding="utf-8"), (out / "grades.csv").read_text(encoding="utf-8"), truth


def expected(truth: dict, key: str) -> tuple[int, int]:
    """(answered, correct) for one item, from the generated answers."""
    marks = [t[key][1] for t in truth.values() if key in t]
    return len(marks), sum(marks)


def lesson_section(page: str, number: str) -> str:
    match = re.search(rf"<section class='lesson' aria-labelledby='l{number}'>.*?</section>", page, re.S)
    assert match, f"no section for lesson {number}"
    return match.group(0)


def row_cells(section: str, item_id: str, caption: str) -> list[str]:
    table = re.search(rf"<caption>{caption}</caption>.*?</table>", section, re.S)
    assert table, f"no table {caption!r}"
    row = re.search(rf"<tr><td>{re.escape(html.escape(item_id, quote=True))}</td>(.*?)</tr>", table.group(0), re.S)
    assert row, f"no row for {item_id}"
    return [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_quiz_figures_match_the_generated_answers(built):
    page, _, truth = built
    checked = 0
    for number in lesson_numbers():
        section = lesson_section(page, number)
        for q in material(number).questions:
            key = f"{number}.quiz.{q.id}"
            answered, correct = expected(truth, key)
            cells = row_cells(section, q.id, "Quiz questions")
            assert cells[1:3] == [str(answered), f"{round(100 * correct / answered)}%"], key
            wrong = [t[key][0] for t in truth.values() if key in t and not t[key][1]]
            if wrong:
                counts = {c: wrong.count(c) for c in wrong}
                top = min(counts, key=lambda c: (-counts[c], c))
                assert f"“{top}”" in cells[3] or cells[3].startswith(top), (key, cells[3])
                assert cells[3].endswith(f"({counts[top]})"), key
            checked += 1
    assert checked >= 9 * 5


def test_exercise_and_sorter_figures_match(built):
    page, _, truth = built
    for number in lesson_numbers():
        section = lesson_section(page, number)
        mat = material(number)
        for e in mat.exercises:
            key = f"{number}.exercise.{e.id}"
            answered, correct = expected(truth, key)
            cells = row_cells(section, e.id, "Exercises")
            assert cells[1] == str(answered), key
            if answered:
                assert cells[2] == f"{round(100 * correct / answered)}%", key
                wrong = [t[key][0] for t in truth.values() if key in t and not t[key][1]]
                counts = {a: wrong.count(a) for a in wrong}
                top = min(counts, key=lambda a: (-counts[a], a)) if wrong else None
                assert cells[3] == (f"{top} ({counts[top]})" if wrong else "—"), key
        for a in mat.activities:
            for i in range(1, len(a.items) + 1):
                key = f"{number}.sorter.{a.id}-{i}"
                answered, correct = expected(truth, key)
                cells = row_cells(section, f"{a.id}-{i}", "Sorting items: share placed right")
                assert cells[1:3] == [str(answered), f"{round(100 * correct / answered)}%"], key


def test_completion_and_hardest_items(built):
    page, _, truth = built
    for number in lesson_numbers():
        keys = {i.key for i in classreport.course_items({number: material(number)})}
        started = sum(1 for t in truth.values() if keys & t.keys())
        finished = sum(1 for t in truth.values() if keys <= t.keys())
        assert (
            f"Completion: {started} of {STUDENTS} students answered something, {finished} answered every item."
            in lesson_section(page, number)
        )
    shares = {}
    for key in {k for t in truth.values() for k in t}:
        answered, correct = expected(truth, key)
        if answered >= 2 and correct / answered < 0.5:
            shares[key] = correct / answered
    revisit = re.search(r"<h2 id='revisit'>.*?</section>", page, re.S).group(0)
    listed = re.findall(r"<li>Lesson (\d\d), (\w+) (.*?): (\d+)% correct", revisit)
    assert len(listed) == min(classreport.HARDEST, len(shares)) > 0
    lowest = sorted(shares.values())[: len(listed)]
    assert [round(100 * s) for s in lowest] == [int(p) for *_, p in listed]


def test_student_names_are_escaped_and_the_report_says_who_it_is_for(built):
    page, _, _ = built
    assert "<b>&" not in page and "Student 00 &lt;b&gt;&amp;" in page
    assert "For the teacher only." in page and "students' names" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page
    assert page.count("<figure class='sp-chart'") == len(lesson_numbers())
    figures = re.findall(r"<figure class='sp-chart'.*?</figure>", page, re.S)
    for figure in figures:  # each chart: an SVG image with a text alternative, and its data table printed open
        assert re.search(r"<img class='sp-chart-image' src='data:image/svg\+xml;base64,[^']+' alt='[^']{20,}'", figure)
        assert "<details class='sp-chart-data' open>" in figure and "<table" in figure


def test_grade_csv_has_one_row_per_student_and_one_column_per_item(built):
    _, grades, truth = built
    rows = list(csv.reader(io.StringIO(grades)))
    header, body = rows[0], rows[1:]
    keys = [i.key for n in lesson_numbers() for i in classreport.course_items({n: material(n)})]
    assert header == ["student", *keys] and len(body) == STUDENTS
    for row in body:
        known = truth[row[0]]
        assert row[1:] == ["" if k not in known else str(int(known[k][1])) for k in keys]


def test_twice_damaged_and_foreign_files_are_named_and_nothing_is_lost(class_folder, tmp_path, capsys):
    folder, truth = class_folder
    extra = tmp_path / "extra"
    extra.mkdir()
    copy = extra / "again.json"
    copy.write_bytes((folder / "s00.json").read_bytes())
    (extra / "cut.json").write_text((folder / "s01.json").read_text()[:200])
    (extra / "other.json").write_text('{"name": "x", "items": []}')
    (extra / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    changed = json.loads((folder / "s02.json").read_text())
    changed["items"][0]["correct"] = not changed["items"][0]["correct"]
    (extra / "s02-second.json").write_text(json.dumps(changed))
    out = tmp_path / "r.html"
    assert main(["class-report", str(folder), str(extra), str(tmp_path / "missing.json"), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{copy}: the same hand-in as {folder / 's00.json'}" in err
    assert f"{extra / 'cut.json'}: not valid JSON" in err
    assert f"{extra / 'other.json'}: JSON, but not a Soft Power Companion hand-in" in err
    assert f"{extra / 'binary.json'}: not a text file" in err
    assert "missing.json: no such file or folder" in err
    assert "a second, different hand-in named 'Student 02 <b>&'" in err
    page = out.read_text()
    assert f"{STUDENTS + 1} students' hand-ins" in page and "Student 02 &lt;b&gt;&amp; (2)" in page
    assert "cut.json: not valid JSON" in html.unescape(page)


def test_export_from_the_progress_store_holds_nothing_of_the_computer(tmp_path, monkeypatch, capsys):
    import helpers as h

    store = tmp_path / "home" / "secret-user" / "progress.sqlite3"
    monkeypatch.setenv(progress.PROGRESS_ENV, str(store))
    lesson = h.Lesson("00")
    quiz = lesson.quiz()
    q = quiz.questions[0]
    quiz.answer(0, q.answer)
    lesson.check("0.1", 65)
    out = tmp_path / "mine.json"
    assert main(["progress", "export", str(out), "--name", "  Blue   Fox "]) == 0
    data = json.loads(out.read_text())
    assert set(data) == {"format", "version", "name", "course_version", "items"}
    assert data["format"] == handin.FORMAT and data["name"] == "Blue Fox"
    assert {"lesson": "00", "kind": "quiz", "id": q.id, "answer": q.answer, "correct": True} in data["items"]
    assert {"lesson": "00", "kind": "exercise", "id": "0.1", "answer": "65", "correct": False} in data["items"]
    assert all(set(i) == {"lesson", "kind", "id", "answer", "correct"} for i in data["items"])
    assert "secret-user" not in out.read_text() and str(tmp_path) not in out.read_text()
    assert main(["progress", "export", str(out), "--name", "   "]) == 2
    assert "give a name or pseudonym" in capsys.readouterr().err


def test_progress_view_hands_in_to_the_shared_folder(tmp_path, monkeypatch):
    import helpers as h

    monkeypatch.setenv(progress.PROGRESS_ENV, str(tmp_path / "p.sqlite3"))
    monkeypatch.setenv(handin.HANDIN_ENV, str(tmp_path / "shared"))
    (tmp_path / "shared").mkdir()
    quiz = h.Lesson("00").quiz()
    quiz.answer(0, quiz.questions[0].answer)
    view = h.Lesson("00").progress()
    view.handin_button.click()
    assert "Type a name" in view.handin_status.value
    view.handin_name.value = "Ada L."
    view.handin_button.click()
    written = tmp_path / "shared" / "handin-ada-l.json"
    assert json.loads(written.read_text())["name"] == "Ada L." and "handin-ada-l.json" in view.handin_status.value


def test_the_most_chosen_wrong_choice_is_named_by_its_misconception(tmp_path):
    from dataclasses import replace

    mat = material("00")
    q = mat.questions[0]
    wrong = [c for c in q.choices if c != q.answer]
    bank = tmp_path / "00.toml"  # only what the report reads from the bank: the [[question.wrong]] entries
    bank.write_text(
        f"[[question]]\nid = {json.dumps(q.id)}\n[[question.wrong]]\nchoice = {json.dumps(wrong[0])}\n"
        'misconception = "outcome taken for <resource>"\nreason = "why"\n',
        encoding="utf-8",
    )
    picks = [wrong[0]] * 3 + [wrong[1]] * 2 + [q.answer] * 5
    handins = [
        handin.Handin(
            f"s{i}",
            f"s{i}.json",
            "x",
            [{"lesson": "00", "kind": "quiz", "id": q.id, "answer": a, "correct": a == q.answer}],
        )
        for i, a in enumerate(picks)
    ]
    results = classreport.aggregate(handins, {"00": replace(mat, path=bank)})
    item = next(i for i in results.items if i.key == f"00.quiz.{q.id}")
    assert (item.answered, item.correct) == (10, 5)
    assert item.top_wrong() == (f"outcome taken for <resource> (chose “{wrong[0]}”)", 3)
    page = classreport.html_report(results)
    assert "outcome taken for &lt;resource&gt;" in page and "<resource>" not in page
    # Without an entry for the choice, the choice's own text names it.
    bare = tmp_path / "bare.toml"
    bare.write_text(f"[[question]]\nid = {json.dumps(q.id)}\n", encoding="utf-8")
    plain = classreport.aggregate(handins[3:], {"00": replace(mat, path=bare)})
    assert next(i for i in plain.items if i.key == f"00.quiz.{q.id}").top_wrong() == (wrong[1], 2)
