"""The teacher's kit: the student edition and the offline HTML handouts (helpers/editions.py).

The browser checks open each handout in headless Chromium from a file:// URL with
every request recorded. A missing Chromium or Playwright fails them under CI=true and
skips them elsewhere, saying how to install it.
"""

from __future__ import annotations

from helpers import editions, material, printed
from helpers.__main__ import main
from helpers.widgets import STATIC_NOTE

import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from .chromium import launched_chromium
from .conftest import LESSONS, ROOT

LESSONS_DIR = ROOT / "lessons"
SVG = "image/svg+xml"
lesson_params = pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def solutions(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in nb.cells if editions.is_solution(cell)]


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file in a folder and a digest of its bytes: equal before and after means nothing changed."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def copy_of_lessons(tmp_path: Path) -> Path:
    """A private copy of the lessons, so checks that the source is untouched do not race other edits."""
    src = tmp_path / "lessons"
    src.mkdir()
    for path in LESSONS:
        shutil.copy2(path, src / path.name)
    return src


def without_results(cell: nbformat.NotebookNode) -> dict:
    """A cell minus what running it produces: all the student edition may change."""
    return {key: value for key, value in cell.items() if key not in ("outputs", "execution_count")}


def count_outputs(nb: nbformat.NotebookNode, mime: str) -> int:
    return sum(mime in out.get("data", {}) for cell in nb.cells for out in cell.get("outputs", []))


CHART_HTML = "sp-chart-image"
"""The course's chart output form: HTML with <figure class="sp-chart"><img class="sp-chart-image" ...>."""


def count_charts(nb: nbformat.NotebookNode) -> int:
    """Chart outputs in either form: an SVG image output, or the course's HTML figure with an SVG image."""
    return sum(
        SVG in out.get("data", {}) or CHART_HTML in str(out.get("data", {}).get("text/html", ""))
        for cell in nb.cells
        for out in cell.get("outputs", [])
    )


# --- student edition: the notebooks ---------------------------------------------------------------------------


@lesson_params
def test_student_notebook_drops_only_solutions_and_clears_outputs(path):
    original = read(path)
    student = editions.student_notebook(original)
    kept = [cell for cell in original.cells if not editions.is_solution(cell)]
    assert not solutions(student), f"{path.name}: a solution cell survived"
    assert [c.get("id") for c in student.cells] == [c.get("id") for c in kept], f"{path.name}: cells lost or moved"
    for before, after in zip(kept, student.cells):
        expected = without_results(before)
        if before.cell_type == "markdown":  # the student edition's wording of passages on solutions
            expected["source"] = editions.edition_text(before.source, student=True)
        elif "setup" in before.metadata.get("tags", []):
            expected["source"] = before.source.replace(
                f'Lesson("{path.name[:2]}")', f'Lesson("{path.name[:2]}", edition="student")'
            )
        assert without_results(after) == expected, f"{path.name}: cell {before.get('id')} changed"
        if after.cell_type == "code":
            assert after.outputs == [] and after.execution_count is None, f"{path.name}: outputs not cleared"
    assert editions.WIDGET_STATE_KEY not in student.metadata, f"{path.name}: stored widget state kept"
    assert read(path) == original, "student_notebook changed its input"


def test_strip_solutions_removes_tagged_code_cells_only():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 99 · Test", metadata={"tags": ["solution"]}),  # only code cells are solutions
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["setup"]}),
        nbformat.v4.new_code_cell("x = 2", metadata={"tags": ["solution"], "jupyter": {"source_hidden": True}}),
        nbformat.v4.new_code_cell("x = 3"),
    ]
    assert [c.source for c in editions.strip_solutions(nb).cells] == ["# 99 · Test", "x = 1", "x = 3"]
    assert len(nb.cells) == 4


# --- student edition: the folder -------------------------------------------------------------------------------


def test_student_edition_writes_every_lesson_and_leaves_the_source_alone(tmp_path):
    src = copy_of_lessons(tmp_path)
    before = fingerprint(src)
    written = editions.student_edition(src, tmp_path / "out" / "student")
    assert [p.name for p in written] == [p.name for p in LESSONS]
    assert fingerprint(src) == before, "the lessons were modified"
    for path in written:
        copy, original = read(path), read(src / path.name)
        nbformat.validate(copy)
        assert copy == editions.student_notebook(original), f"{path.name}: the written copy differs"
        assert not solutions(copy) and count_outputs(copy, "text/plain") == 0


def test_force_replaces_only_the_lesson_files(tmp_path):
    src = copy_of_lessons(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("a teacher's own file", encoding="utf-8")
    stale = out / LESSONS[0].name
    stale.write_text("{}", encoding="utf-8")
    with pytest.raises(editions.EditionError, match="not empty.*--force"):
        editions.student_edition(src, out)
    assert stale.read_text(encoding="utf-8") == "{}", "a refused run wrote something"
    editions.student_edition(src, out, force=True)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "a teacher's own file"
    assert read(stale) == editions.student_notebook(read(src / stale.name))


@pytest.mark.parametrize("command", ["student-edition", "handouts"])
def test_cli_refuses_the_lessons_folder_in_any_spelling(command, tmp_path, capsys):
    before = fingerprint(LESSONS_DIR)
    spellings = [LESSONS_DIR, ROOT / "helpers" / ".." / "lessons", LESSONS_DIR / "student"]
    link = tmp_path / "link-to-lessons"
    try:
        link.symlink_to(LESSONS_DIR, target_is_directory=True)
        spellings.append(link)
    except OSError:  # Windows without the right to make symlinks: the other spellings still count
        pass
    for out in spellings:
        assert main([command, str(out), "--force"]) == 2, f"{out} was accepted"
        assert "refusing to write into the lessons folder" in capsys.readouterr().err
    assert not (LESSONS_DIR / "student").exists(), "a folder was created inside lessons/"
    assert fingerprint(LESSONS_DIR) == before, "lessons/ was modified"


@pytest.mark.parametrize("command", ["student-edition", "handouts"])
def test_cli_refuses_a_file_and_a_non_empty_folder(command, tmp_path, capsys):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder", encoding="utf-8")
    assert main([command, str(a_file)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert main([command, str(a_file), "--force"]) == 2, "--force must not replace a file by a folder"
    assert main([command, str(tmp_path)]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert a_file.read_text(encoding="utf-8") == "not a folder"


def test_cli_writes_the_student_edition(tmp_path, capsys):
    out = tmp_path / "student"
    assert main(["student-edition", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [p.name for p in LESSONS]
    assert f"wrote {len(LESSONS)} file(s)" in capsys.readouterr().out


def test_no_lessons_or_a_broken_lesson_is_a_clear_error(tmp_path):
    src = tmp_path / "lessons"
    src.mkdir()
    with pytest.raises(editions.EditionError, match="no lessons in"):
        editions.student_edition(src, tmp_path / "out")
    (src / "01_broken.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(editions.EditionError, match="01_broken.ipynb is not a readable notebook"):
        editions.student_edition(src, tmp_path / "out")
    assert not (tmp_path / "out").exists(), "a failed run left an output folder behind"


def test_student_edition_of_lesson_00_runs_outside_the_repository(tmp_path):
    from nbclient import NotebookClient

    assert ROOT not in tmp_path.resolve().parents, "the copy must run from outside the repository"
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy2(LESSONS_DIR / "00_start_here.ipynb", src)
    (copy,) = editions.student_edition(src, tmp_path / "student")
    nb = read(copy)
    # The kernel starts in the copy's folder: helpers and data must come from the installed package.
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(copy.parent)}}).execute()
    problems = [
        out.get("ename", "") + ": " + out.get("evalue", "") if out.output_type == "error" else "stderr: " + out.text
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if out.output_type == "error" or out.get("name") == "stderr"
    ]
    assert not problems, f"the student edition of lesson 00 does not run cleanly: {problems}"


# --- handouts: the notebook they are drawn from ----------------------------------------------------------------


@lesson_params
def test_handout_notebook_keeps_charts_and_prints_every_interactive_part(path):
    original = read(path)
    handout = editions.handout_notebook(original)
    assert count_outputs(handout, editions.WIDGET_VIEW) == 0
    assert editions.WIDGET_STATE_KEY not in handout.metadata
    # Every course widget has a paper form or a line saying what it does: none is left as the bare note.
    notes = [out for cell in handout.cells for out in cell.get("outputs", []) if STATIC_NOTE in str(out.get("data"))]
    assert not notes, f"{path.name}: {len(notes)} widget(s) printed as the bare note"
    assert count_charts(handout) == count_charts(editions.strip_solutions(original))
    assert not solutions(handout)
    assert len(solutions(editions.handout_notebook(original, with_solutions=True))) == len(solutions(original))


@lesson_params
def test_interactive_parts_are_recognised_from_the_code(path):
    nb = read(path)
    parts = [editions.interactive_part(cell) for cell in nb.cells]
    kinds = [p.kind for p in parts if p]
    found = material.material(path.name[:2])
    assert kinds.count("quiz") == 1, f"{path.name}: one quiz expected, found {kinds}"
    checks = [p.ident for p in parts if p and p.kind == "check"]
    assert sorted(checks) == sorted(e.id for e in found.exercises), f"{path.name}: checks do not match the exercises"
    sorters = [p.ident for p in parts if p and p.kind == "sorter"]
    assert all(found.activity(a) for a in sorters)
    # Every widget output in the lesson comes from a recognised cell, so each gets its paper form.
    for cell, part in zip(nb.cells, parts):
        if any(editions.WIDGET_VIEW in out.get("data", {}) for out in cell.get("outputs", [])):
            assert part is not None, f"{path.name}: cell {cell.id} makes a widget the handout does not recognise"


def test_interactive_part_reads_calls_not_text():
    cell = nbformat.v4.new_code_cell
    assert editions.interactive_part(cell('lesson.check("1.2", answer_1_2)')) == editions.Interactive("check", "1.2")
    assert editions.interactive_part(cell('lesson.sorter("spectrum")')).ident == "spectrum"
    explorer = editions.interactive_part(cell("h.Explorer(view, theme=['a'], years=(1, 2))"))
    assert explorer == editions.Interactive("explorer", "", ("theme", "years"))
    assert "theme and years" in editions.explorer_line(explorer)
    assert editions.interactive_part(cell("# lesson.quiz() is at the end\nx = 'lesson.quiz()'")) is None
    assert editions.interactive_part(cell("lesson.quiz(")) is None  # code that does not parse is left alone
    solution = cell('lesson.check("1.2", "x", record=False)', metadata={"tags": ["solution"]})
    assert editions.interactive_part(solution) is None


def html_text(html: str) -> str:
    """The visible text of an HTML page: tags, styles and scripts removed, whitespace collapsed."""

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("style", "script")

        def handle_endtag(self, tag):
            self.skip -= tag in ("style", "script")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    # A break opportunity inside a word, not a space; inline spans (sp-long, sp-whole) join their neighbours.
    parser.feed(re.sub(r"<wbr\s*/?>|</?span\b[^>]*>", "", html))
    return " ".join(" ".join(parser.parts).split())


TEACHER_LESSONS = ("00", "01", "05", "08")
"""Lessons whose teacher's handout is written for the checks below (answer keys, solutions shown)."""


@pytest.fixture(scope="module")
def handout_folders(tmp_path_factory):
    """Student handouts of every lesson and teacher's handouts of TEACHER_LESSONS, written once for all checks
    (as `python -m helpers handouts` writes them): each check reads the files instead of converting again."""
    base = tmp_path_factory.mktemp("handouts")
    editions.handouts(LESSONS_DIR, base / "student")
    some = base / "teacher-lessons"
    some.mkdir()
    for path in LESSONS:
        if path.name[:2] in TEACHER_LESSONS:
            shutil.copy2(path, some)
    editions.handouts(some, base / "teacher", with_solutions=True)
    return base


def handout_text(folder: Path, path: Path) -> str:
    """The visible text of a lesson's handout written in ``folder``."""
    return html_text((folder / f"{path.stem}.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("number", TEACHER_LESSONS)
def test_printed_quiz_and_answer_key(number, handout_folders):
    path = next(p for p in LESSONS if p.name.startswith(number))
    student = handout_text(handout_folders / "student", path)
    teacher = handout_text(handout_folders / "teacher", path)
    for q in material.material(number).student_edition().questions:
        assert " ".join(q.prompt.split()) in student
    assert "Answer key" not in student and "Answer key" in teacher
    key = teacher[teacher.index("Answer key") :]
    for q in material.material(number).questions:
        assert f"{printed.LETTERS[q.choices.index(q.answer)]}: {' '.join(q.answer.split())}" in key
        for d in q.wrong:  # each distractor's letter and the misconception it stands for
            assert f"{printed.LETTERS[q.choices.index(d.choice)]}: {' '.join(d.misconception.split())}" in key
    assert "Not answered yet" not in student + teacher


PRINTED_QUESTION = re.compile(
    # The handout's HTML writer may quote attributes either way.
    r"<li class=.sp-print-question.><p>(.*?)</p><ol class=.sp-print-choices. type=.A.>(.*?)</ol></li>",
    re.S,
)


def printed_key_positions(html: str, questions) -> list[int]:
    """Where each question's answer sits among the choices printed in a handout's quiz (0 = A)."""
    import html as markup

    # Printed text only: break opportunities and the spans that let long words wrap are markup, not words.
    printed_quiz = PRINTED_QUESTION.findall(re.sub(r"<wbr\s*/?>|</?span[^>]*>", "", html))
    assert len(printed_quiz) == len(questions), "the handout does not print the quiz's questions"
    positions = []
    for (prompt, items), q in zip(printed_quiz, questions):
        assert markup.unescape(prompt) == q.prompt
        choices = [markup.unescape(c) for c in re.findall(r"<li>(.*?)</li>", items, re.S)]
        assert sorted(choices) == sorted(q.choices)
        positions.append(choices.index(q.answer))
    return positions


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_handout_quiz_keys_are_spread_and_match_the_screen_and_key(path, handout_folders):
    number = path.name[:2]
    found = material.material(number)
    editions_written = [("student", found.student_edition().questions)]
    if number in TEACHER_LESSONS:
        editions_written.append(("teacher", found.questions))
    for folder, questions in editions_written:
        html = (handout_folders / folder / f"{path.stem}.html").read_text(encoding="utf-8")
        keyed = printed_key_positions(html, questions)
        share = max(keyed.count(p) for p in set(keyed)) / len(keyed)
        assert share <= 0.40, f"{folder} handout of {number}: {share:.0%} of the keys at one position ({keyed})"
        # The same order as on screen, and as the teacher's key letters it.
        assert keyed == [q.choices.index(q.answer) for q in questions]
        if folder == "teacher":
            key = html_text(html[html.index("Answer key") :])
            for q, p in zip(questions, keyed):
                assert f"{printed.LETTERS[p]}: {' '.join(q.answer.split())}" in key


def test_lesson_00_handout_prints_nothing_of_the_machine(handout_folders):
    import platform
    import sys

    text = handout_text(handout_folders / "student", LESSONS_DIR / "00_start_here.ipynb")
    assert editions.MACHINE_NOTE in text
    for machine in (sys.executable, sys.prefix, str(ROOT), f"Python {platform.python_version()}"):
        assert machine not in text, f"the handout prints something of this computer: {machine}"


# --- the student edition mentions nothing it leaves out --------------------------------------------------------

# What the student edition removes is the worked solutions; these are the ways the lessons speak of them.
MENTIONS_OF_SOLUTIONS = re.compile(
    r"\bsolutions?\b|worked answer|collapsed\W+(\*\*)?solution|follows, collapsed|hidden cell", re.I
)


def test_edition_markers():
    text = "Try it<!-- teacher-only -->, then open the solution<!-- /teacher-only -->.<!-- student-only: Ask. -->"
    assert editions.edition_text(text, student=True) == "Try it.Ask."
    assert editions.edition_text(text, student=False) == "Try it, then open the solution.<!-- student-only: Ask. -->"
    assert editions.removed_passages(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])) == [
        ", then open the solution"
    ]


def test_the_lessons_mark_what_speaks_of_solutions():
    # The positive control for the check below: the teacher's text does speak of solutions, marked.
    removed = editions.removed_passages(read(LESSONS_DIR / "00_start_here.ipynb"))
    assert sum(bool(MENTIONS_OF_SOLUTIONS.search(passage)) for passage in removed) >= 4


@lesson_params
def test_student_edition_mentions_no_solution(path, handout_folders):
    original = read(path)
    student = editions.student_notebook(original)
    texts = [cell.source for cell in student.cells]
    found = material.material(path.name[:2]).student_edition()
    texts += [" ".join([q.prompt, *q.choices, q.explanation]) for q in found.questions]
    texts.append(handout_text(handout_folders / "student", path))
    removed = editions.removed_passages(original)
    for text in texts:
        mention = MENTIONS_OF_SOLUTIONS.search(text)
        assert not mention, f"{path.name}: the student edition mentions {mention.group(0)!r}: ...{text[:200]}"
        # Passages of a few words are distinctive enough to look for; "three parts" also counts lessons.
        leaked = [passage for passage in removed if len(passage.split()) >= 4 and passage in text]
        assert not leaked, f"{path.name}: a teacher-only passage in the student edition: {leaked}"


def test_student_wording_of_a_question_is_checked(tmp_path, monkeypatch):
    bad = (LESSONS_DIR.parent / "data" / "lessons" / "00.toml").read_text(encoding="utf-8")
    bad = bad.replace('answer = "Fix the year in your filter and run the check again"', 'answer = "Something else"')
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "00.toml").write_text(bad, encoding="utf-8")
    monkeypatch.setattr(material, "lesson_dir", lambda: folder)
    with pytest.raises(material.MaterialError, match="question 'solutions', student: the answer 'Something else'"):
        material.material("00")


def test_lesson_edition_is_teacher_or_student():
    from helpers.lesson import Lesson

    assert Lesson("00", edition="student").material.questions != Lesson("00").material.questions
    with pytest.raises(ValueError, match="edition 'pupil' is not one of teacher, student"):
        Lesson("00", edition="pupil")


class PageText(HTMLParser):
    """The page title, the handout note and the images' alternative texts, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__()
        self.title, self.note, self.alts, self.tags = "", "", [], []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "img":
            self.alts.append(attrs.get("alt"))
        self._in = "note" if attrs.get("class") == "sp-handout-note" else "title" if tag == "title" else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "note":
            self.note += data


def test_handout_text_from_the_notebook_is_escaped():
    title = '99 · "Soft" <power> & co'
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}")]
    out = nbformat.v4.new_output("display_data", data={SVG: "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    out.data["text/plain"] = 'Chart: "quotes" <script>x</script> & tags. Source: X [spec 0123456789ab]'
    nb.cells.append(nbformat.v4.new_code_cell("h.bar()", outputs=[out]))
    page = PageText()
    page.feed(editions.handout_html(nb, editions.lesson_title(nb, "99_test"), ROOT))
    assert page.title == title
    assert page.note.startswith(f"{title}: student handout")
    assert page.alts == ['Chart: "quotes" <script>x</script> & tags. Source: X']
    assert "script" not in page.tags


# --- handouts in a browser ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium via Playwright, closed by this fixture whatever the tests do."""
    with launched_chromium("Handout browser check") as browser:
        yield browser


def open_offline(browser, html_path: Path):
    """Open a handout from file:// and return (page, context, every URL the page requested)."""
    context = browser.new_context()
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    # Anything beyond the file is recorded above and refused here, so an offline machine does not wait on it.
    context.route(re.compile(r"^(https?|wss?|ftp)://"), lambda route: route.abort())
    page = context.new_page()
    page.goto(html_path.as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, context, requested


def code_texts(page) -> list[str]:
    return [" ".join(text.split()) for text in page.locator(".jp-InputArea-editor").all_inner_texts()]


@pytest.mark.browser
@lesson_params
def test_handout_shows_every_chart_offline_and_requests_nothing(path, chromium, handout_folders):
    nb = read(path)
    charts = count_charts(editions.strip_solutions(nb))
    html_path = handout_folders / "student" / f"{path.stem}.html"
    page, context, requested = open_offline(chromium, html_path)
    try:
        images = page.locator(".jp-RenderedSVG img, .jp-RenderedSVG svg, figure.sp-chart img.sp-chart-image")
        assert images.count() == charts, f"{path.name}: {images.count()} charts in the handout, {charts} in the lesson"
        for i in range(charts):
            chart = images.nth(i)
            box = chart.bounding_box()
            assert box and box["width"] > 50 and box["height"] > 50, f"{path.name}: chart {i + 1} is not visible"
            loaded = chart.evaluate("e => e.tagName.toLowerCase() === 'svg' || (e.complete && e.naturalWidth > 0)")
            assert loaded, f"{path.name}: chart {i + 1} did not load"
        outside = page.evaluate(
            "() => [...document.querySelectorAll('script[src], link[href], iframe[src], img[src]')]"
            ".map(e => e.getAttribute('src') || e.getAttribute('href'))"
            ".filter(u => !u.startsWith('data:') && !u.startsWith('#'))"
        )
        assert not outside, f"{path.name}: the handout links resources outside the file: {outside}"
        others = [url for url in requested if url != html_path.as_uri() and not url.startswith("data:")]
        assert not others, f"{path.name}: the handout made network requests: {others}"
        code = code_texts(page)
        leaked = [s.source for s in solutions(nb) if " ".join(s.source.split()) in code]
        assert not leaked, f"{path.name}: solution code in the student handout: {leaked}"
        notes = page.get_by_text(STATIC_NOTE, exact=True).count()
        assert notes == 0, f"{path.name}: {notes} widget(s) printed as the bare note, not as their paper form"
    finally:
        context.close()


@pytest.mark.browser
def test_teacher_handout_shows_the_solutions(chromium, handout_folders):
    # The positive control for the check above: the same comparison finds solutions where they belong.
    path = LESSONS_DIR / "00_start_here.ipynb"
    page, context, requested = open_offline(chromium, handout_folders / "teacher" / f"{path.stem}.html")
    try:
        code = code_texts(page)
        expected = solutions(read(path))
        assert expected, "lesson 00 has a worked solution"
        assert all(" ".join(s.source.split()) in code for s in expected)
        assert [url for url in requested if not url.startswith(("file:", "data:"))] == []
    finally:
        context.close()


def test_lab_command_serves_the_lessons_and_allows_root_only_as_root():
    from helpers.__main__ import LESSONS as LESSON_FOLDER
    from helpers.__main__ import lab_command

    as_user = lab_command(["--no-browser"], is_root=False)
    assert as_user[1:4] == ["-m", "jupyter", "lab"] and f"--ServerApp.root_dir={LESSON_FOLDER}" in as_user
    assert "--no-browser" in as_user and "--allow-root" not in as_user
    # A newcomer lands on lesson 00, not on the Launcher.
    assert "--LabApp.default_url=/lab/tree/00_start_here.ipynb" in as_user
    assert lab_command([], is_root=True).count("--allow-root") == 1
    assert lab_command(["--allow-root"], is_root=True).count("--allow-root") == 1


def test_lab_prints_the_next_step_before_jupyterlab_starts(monkeypatch, capsys):
    import helpers.__main__ as cli

    started = []
    monkeypatch.setattr(cli, "lab_settings_options", lambda: [])
    monkeypatch.setattr(cli.os, "execv", lambda path, cmd: started.append(cmd))
    main(["lab", "--no-browser"])
    out = capsys.readouterr().out
    assert "00_start_here.ipynb" in out and "Run > Run All Cells" in out and "Ctrl+C" in out
    assert len(out.splitlines()) == 1, "one short line, not a wall of text"
    assert started and "--no-browser" in started[0]


def test_unknown_options_are_refused_outside_lab(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["execute", "--frobnicate"])
    assert exc.value.code == 2 and "unrecognized arguments: --frobnicate" in capsys.readouterr().err


# --- handouts: the HTML repairs behind print and accessibility ---------------------------------------------------


def test_html_repairs_change_only_what_they_must():
    pandas_head = '<thead><tr><th></th><th>year</th></tr><tr><th>source_id</th><th class="x">&nbsp;</th></tr>'
    assert editions.labelled_table_headers(pandas_head) == (
        "<thead><tr><td></td><th>year</th></tr><tr><th>source_id</th><td></td></tr>"
    )
    linked = '<a href="https://x.org/a_b">data/bibliography.csv and rferl_2015</a>'
    assert editions.breakable_identifiers(linked) == (
        '<a href="https://x.org/a_b">data/<wbr>bibliography.csv and rferl_<wbr>2015</a>'
    )
    assert editions.fit_headings("<h4>Sources</h4><h2>x</h2>", deepest=3) == "<h3>Sources</h3><h2>x</h2>"
    assert editions.css_string('a "b" \\ </style>') == '"a \\"b\\" \\\\ \\3c /style\\3e "'
    css = editions.handout_css('00 · "Start" here')
    assert '@top-left { content: "00 · \\"Start\\" here"' in css and "counter(pages)" in css


def test_handout_keeps_the_html_chart_form_and_its_alt_text():
    alt = "Bar chart of favourable views: highest China 2014 (66%), lowest world median 2017 (34%)."
    figure = (
        '<figure class="sp-chart"><img class="sp-chart-image" src="data:image/svg+xml;base64,PHN2Zy8+"'
        f' alt="{alt}"><details class="sp-chart-data"><summary>Data</summary><table><thead><tr><th>poll</th>'
        "<th>percent</th></tr></thead><tbody><tr><td>China, 2014</td><td>66</td></tr></tbody></table></details>"
        "</figure>"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 99 · Test"),
        nbformat.v4.new_code_cell(
            "h.bar()", outputs=[nbformat.v4.new_output("display_data", data={"text/html": figure, "text/plain": alt})]
        ),
    ]
    page = PageText()
    page.feed(editions.handout_html(nb, "99 · Test", ROOT))
    assert page.alts == [alt]
    assert count_charts(editions.handout_notebook(nb)) == 1


def test_only_long_tokens_in_text_may_break_and_a_data_uri_is_left_alone_quickly():
    import time

    html = "<img src='data:image/svg+xml;base64," + "A" * 300_000 + "'><td>https://example.org/x Russia 2013</td>"
    started = time.perf_counter()
    out = editions.long_tokens(html)
    assert time.perf_counter() - started < 1, "a long attribute must not take quadratic time"
    assert out.endswith("<td><span class='sp-long'>https://example.org/x</span> Russia 2013</td>")
    assert out.count("sp-long") == 1
