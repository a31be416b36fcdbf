"""The handouts as a reader meets them: printed on A4 and US Letter, and read on a 390 px phone.

Every lesson's student handout and teacher's handout is written once, opened from a
file:// URL in headless Chromium and laid out at the page's content width with print
styles on (A4, Letter) and at a phone's width with screen styles. Any element that
reaches past that width, or is cut by its own box, fails the test. axe-core checks each
handout for serious and critical accessibility problems. One PDF a lesson and edition is
written to tests/browser/artifacts/handouts/ for a person to look at.

A missing Chromium or Playwright fails under CI=true and skips elsewhere (tests/chromium.py).
"""

from __future__ import annotations

from helpers import editions, material

from pathlib import Path

import nbformat
import pytest

from ..chromium import launched_chromium
from ..conftest import LESSONS, ROOT

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "handouts"
MM = 96 / 25.4  # CSS pixels per millimetre
PAGE_MARGIN_MM = 14  # left and right, as in editions.HANDOUT_CSS's @page rule
PAGES = {"A4": 210, "Letter": 215.9}  # page widths in mm, portrait
PHONE_WIDTH = 390
EDITIONS = ("student", "teacher")
COURSE_RULES = ("empty-table-header", "heading-order")
"""Milder axe-core rules the handout conversion takes care of (pandas' blank headers, headings in outputs)."""
pytestmark = pytest.mark.browser

# Everything laid out wider than the width it must fit, or cut by its own box (a scrolling or hidden
# overflow prints as a cut), described so that a failure says which element and where.
OVERFLOWS = """
(width) => {
  const problems = [];
  const describe = (el) => {
    const names = typeof el.className === 'string' ? el.className.trim() : '';
    const cls = names ? '.' + names.split(/\\s+/).join('.') : '';
    const text = (el.innerText || el.getAttribute('alt') || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    return el.tagName.toLowerCase() + cls + (text ? ` "${text}"` : '');
  };
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const clips = ['hidden', 'auto', 'scroll', 'clip'].includes(style.overflowX);
    if (box.right > width + 1 || box.left < -1) {
      problems.push(`${describe(el)} spans ${Math.round(box.left)}-${Math.round(box.right)} px of ${width}`);
    } else if (clips && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${describe(el)} cuts its content: ${el.scrollWidth} px in ${el.clientWidth}`);
    }
  }
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide, more than ${width}`);
  }
  return problems;
}
"""


@pytest.fixture(scope="module")
def chromium():
    with launched_chromium("Handout print check") as browser:
        yield browser


@pytest.fixture(scope="module")
def handouts(tmp_path_factory) -> dict[str, Path]:
    """Both editions of every lesson's handout, written once: {"student": folder, "teacher": folder}."""
    base = tmp_path_factory.mktemp("handouts")
    editions.handouts(ROOT / "lessons", base / "student")
    editions.handouts(ROOT / "lessons", base / "teacher", with_solutions=True)
    return {"student": base / "student", "teacher": base / "teacher"}


def load(chromium, html: Path, width: int, media: str):
    """A new page with a handout loaded offline, at the given width and media; returns (context, page)."""
    context = chromium.new_context(viewport={"width": width, "height": 900})
    # The file itself loads; anything from a network is refused, as on an offline machine.
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page = context.new_page()
    page.emulate_media(media=media)
    page.goto(html.as_uri(), wait_until="load")
    page.evaluate("() => Promise.all([...document.images].map(i => i.decode().catch(() => null)))")
    return context, page


@pytest.fixture()
def open_page(chromium):
    """Open a handout offline in a new page of the given width and media; closed after the test."""
    contexts = []

    def opener(html: Path, width: int, media: str):
        context, page = load(chromium, html, width, media)
        contexts.append(context)
        return page

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture(scope="module", params=LESSONS, ids=[p.stem for p in LESSONS])
def path(request) -> Path:
    """The lesson whose handouts the checks read; module-scoped, so pytest runs all checks of one lesson in turn."""
    return request.param


@pytest.fixture(scope="module")
def lesson_page(path, chromium, handouts):
    """One lesson's handout of either edition, loaded once for every check of that lesson: each check sets
    the width and media it needs (the page is laid out again; the handout has no script to run at load)."""
    loaded = {}

    def page_at(edition: str, width: int, media: str):
        if edition not in loaded:
            loaded[edition] = load(chromium, handouts[edition] / f"{path.stem}.html", width, media)
        page = loaded[edition][1]
        page.set_viewport_size({"width": width, "height": 900})
        page.emulate_media(media=media)
        return page

    yield page_at
    for context, _ in loaded.values():
        context.close()


def content_width(page_mm: float) -> int:
    return int((page_mm - 2 * PAGE_MARGIN_MM) * MM)


@pytest.mark.parametrize("edition", EDITIONS)
def test_handout_fits_a4_letter_and_a_phone(path, edition, lesson_page):
    checks = [(name, content_width(mm), "print") for name, mm in PAGES.items()] + [("phone", PHONE_WIDTH, "screen")]
    problems = []
    for name, width, media in checks:
        page = lesson_page(edition, width, media)
        found = page.evaluate(OVERFLOWS, width)
        problems += [f"{name} ({width} px, {media}): {p}" for p in found[:8]]
        if name == "A4":
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(ARTIFACTS / f"{path.stem}-{edition}.pdf"), format="A4", print_background=True)
    assert not problems, f"{path.name} ({edition}): content wider than the page or screen:\n" + "\n".join(problems)


def page_text(page) -> str:
    return " ".join(page.inner_text("body").split())


def lesson_number(path: Path) -> str:
    return path.name[:2]


def test_every_quiz_question_is_printed_and_the_key_only_for_teachers(path, lesson_page):
    found = material.material(lesson_number(path))
    for edition in EDITIONS:
        text = page_text(lesson_page(edition, 800, "print"))
        questions = found.student_edition().questions if edition == "student" else found.questions
        for q in questions:
            assert " ".join(q.prompt.split()) in text, f"{path.name} ({edition}): question {q.id!r} not printed"
            missing = [c for c in q.choices if " ".join(c.split()) not in text]
            assert not missing, f"{path.name} ({edition}): choices of {q.id!r} not printed: {missing}"
        assert ("Answer key" in text) == (edition == "teacher"), f"{path.name} ({edition}): answer key misplaced"
    assert "[Interactive widget" not in text, f"{path.name}: a widget printed as a note, not as its paper form"


def test_exercises_and_sorters_are_printed_as_questions(path, lesson_page):
    found = material.material(lesson_number(path))
    page = lesson_page("student", 800, "print")
    text = page_text(page)
    nb = nbformat.read(path, as_version=4)
    asked = [editions.interactive_part(cell) for cell in nb.cells]
    for part in asked:
        if part and part.kind == "check":
            entry = found.exercise(part.ident)
            assert f"Exercise {entry.id}. {' '.join(entry.prompt.split())}" in text, f"exercise {entry.id} missing"
        if part and part.kind == "sorter":
            for item in found.activity(part.ident).items:
                assert " ".join(item.text.split()) in text, f"{path.name}: sorter item missing: {item.text}"
    assert "Not answered yet" not in text, f"{path.name}: an exercise check prints its live feedback"
    assert page.locator(".sp-print-exercise .sp-print-lines").count() == sum(
        1 for part in asked if part and part.kind == "check"
    )


@pytest.mark.parametrize("edition", EDITIONS)
def test_handout_has_no_serious_accessibility_problem(path, edition, lesson_page):
    from axe_playwright_python.sync_playwright import Axe

    page = lesson_page(edition, 1280, "screen")
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} - {len(v['nodes'])} node(s), e.g. {v['nodes'][0]['html'][:160]}"
        for v in violations
        if v["impact"] in ("serious", "critical") or v["id"] in COURSE_RULES
    ]
    assert not serious, f"{path.name} ({edition}): axe-core found:\n" + "\n".join(serious)


def test_lesson_00_handout_shows_nothing_of_the_machine(handouts, open_page):
    import platform
    import sys

    text = page_text(open_page(handouts["student"] / "00_start_here.html", 800, "print"))
    for machine in (sys.executable, sys.prefix, platform.python_version(), str(ROOT)):
        assert machine not in text, f"lesson 00's handout prints something of this computer: {machine}"
    assert editions.MACHINE_NOTE in text


# Words of a table cell that the layout broke across lines: each word (a run without spaces in one text node)
# shorter than `longest` letters is measured with a Range; more than one line of boxes means it was broken.
BROKEN_WORDS = """
(longest) => {
  const broken = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const style = getComputedStyle(cell);
    if (style.display === 'none' || cell.closest('details:not([open])')) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.textContent.matchAll(/\\S+/g)) {
        if (m[0].length >= longest) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(`"${m[0]}" in "${cell.innerText.trim().slice(0, 50)}"`);
      }
    }
  }
  return broken;
}
"""


@pytest.mark.parametrize("edition", EDITIONS)
def test_table_cells_never_break_a_short_word(path, edition, lesson_page):
    checks = [(name, content_width(mm), "print") for name, mm in PAGES.items()] + [("phone", PHONE_WIDTH, "screen")]
    problems = []
    for name, width, media in checks:
        found = lesson_page(edition, width, media).evaluate(BROKEN_WORDS, editions.LONGEST_WHOLE)
        problems += [f"{name} ({width} px): {w}" for w in found[:6]]
    assert not problems, f"{path.name} ({edition}): words broken inside table cells:\n" + "\n".join(problems)


def test_the_word_check_sees_a_broken_word(open_page, tmp_path):
    page = tmp_path / "broken.html"
    page.write_text(
        "<table style='width:30px'><tr><td style='overflow-wrap:anywhere'>Russia 2013</td></tr></table>",
        encoding="utf-8",
    )
    found = open_page(page, 390, "screen").evaluate(BROKEN_WORDS, editions.LONGEST_WHOLE)
    assert any('"Russia"' in w for w in found) and any('"2013"' in w for w in found)


def test_printed_handout_reads_as_a_document(path, lesson_page, handouts):
    html = (handouts["student"] / f"{path.stem}.html").read_text(encoding="utf-8")
    page = lesson_page("student", content_width(PAGES["A4"]), "print")
    text = page_text(page)
    for screen_only in ("press Check", "Try again", "Run All", "run this lesson in JupyterLab"):
        assert screen_only not in text, f"{path.name}: the handout prints screen-only wording {screen_only!r}"
    assert "&lt;NA&gt;" not in html and 'class="dataframe' not in html, f"{path.name}: a raw pandas table"
    assert "import helpers" not in text, f"{path.name}: the handout prints the setup cell"
    toggles = page.locator("details.sp-chart-data").evaluate_all(
        "els => els.filter(e => getComputedStyle(e).display !== 'none').length"
    )
    assert toggles == 0, f"{path.name}: {toggles} dead 'The data behind this chart' toggle(s) on paper"
