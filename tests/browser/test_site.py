"""The course website as a reader meets it: both sites built once, served over HTTP, read in headless Chromium.

`python -m helpers site` builds the student site and the teacher's site (``--with-solutions``) into temporary
folders once for this module. Each page is opened from a local web server (as any static host serves it), with
every request that leaves this machine refused and recorded: the site must work offline. The test checks that
every lesson page loads with its title and its previous/next links, that searching finds a lesson, that a
solution dropdown is closed and opens, that axe-core finds no serious or critical problem on any page, that
headings go down one level at a time, that a 390 px phone reads every page without sideways scrolling, and
that every internal link resolves.

A missing Chromium or Playwright fails under CI=true and skips elsewhere (tests/chromium.py).
"""

from __future__ import annotations

from helpers.site import Launch, broken_links, build_site

import functools
import http.server
import threading
from pathlib import Path

import pytest

from ..chromium import launched_chromium
from ..conftest import LESSONS

pytestmark = pytest.mark.browser
LAUNCH = Launch("https://github.com/OWNER/soft-power-companion", "main", "https://hub.example.org")
PHONE_WIDTH = 390
LESSON_STEMS = [p.stem for p in LESSONS]

HEADING_JUMPS = """
() => {
  const levels = [...document.querySelectorAll('article :is(h1, h2, h3, h4, h5, h6)')]
    .filter((h) => h.offsetParent !== null || h.closest('details'))
    .map((h) => [Number(h.tagName[1]), h.textContent.trim().slice(0, 50)]);
  const jumps = [];
  if (levels.length && levels[0][0] !== 1) jumps.push(`first heading is h${levels[0][0]}: ${levels[0][1]}`);
  for (let i = 1; i < levels.length; i++) {
    if (levels[i][0] > levels[i - 1][0] + 1) jumps.push(`h${levels[i - 1][0]} then h${levels[i][0]}: ${levels[i][1]}`);
  }
  return jumps;
}
"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Both sites, built once: {"student": folder, "teacher": folder}."""
    base = tmp_path_factory.mktemp("site")
    built = {}
    for edition, with_solutions in (("student", False), ("teacher", True)):
        built[edition] = base / edition
        build_site(built[edition], with_solutions=with_solutions, launch=LAUNCH)
    return built


@pytest.fixture(scope="module")
def server(sites):
    """One local web server over both sites' parent folder; its base URL."""
    root = next(iter(sites.values())).parent
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # no line per request in the test output
        pass


@pytest.fixture(scope="module")
def browser():
    with launched_chromium("Site test") as chromium:
        yield chromium


@pytest.fixture()
def open_page(browser, server):
    """Open a page of one edition at a width; requests to other hosts are refused and collected in ``page.left``."""
    contexts = []

    def opener(edition: str, name: str, width: int = 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.left = []

        def guard(route):
            if route.request.url.startswith(server):
                route.continue_()
            else:
                page.left.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.goto(f"{server}/{edition}/{name}", wait_until="load")
        return page

    yield opener
    for context in contexts:
        context.close()


def pages_of(site: Path) -> list[str]:
    return sorted(p.name for p in site.glob("*.html") if p.name != "genindex.html")


def test_every_internal_link_resolves(sites):
    for edition, site in sites.items():
        assert not broken_links(site), f"{edition} site: " + "; ".join(broken_links(site)[:10])


def test_the_editions_differ_as_they_should(sites):
    student, teacher = sites["student"], sites["teacher"]
    assert (teacher / "instructor_guide.html").is_file()
    assert not (student / "instructor_guide.html").exists()
    assert "Show the worked solution" in "".join(p.read_text("utf-8") for p in teacher.glob("*.html"))
    for page in student.glob("*.html"):
        text = page.read_text("utf-8")
        assert "Show the worked solution" not in text and "teacher-only" not in text, page.name
    for site in sites.values():
        for stem in LESSON_STEMS:
            text = (site / f"{stem}.html").read_text("utf-8")
            assert "VBox(" not in text and "HBox(" not in text, f"{stem}: a widget view shown as raw text"
            assert "_downloads/" in text and f"{stem}.ipynb" in text, f"{stem}: no notebook download"
            assert "mybinder.org/v2/gh/OWNER/soft-power-companion/main" in text, f"{stem}: no Binder link"
            assert "hub.example.org/hub/user-redirect/git-pull?repo=" in text, f"{stem}: no hub link"


@pytest.mark.parametrize("stem", LESSON_STEMS)
def test_lesson_page_loads_with_previous_and_next(open_page, stem):
    page = open_page("student", f"{stem}.html")
    assert not page.left, f"{stem}: requests left the machine: {page.left}"
    assert page.locator("main article h1").count() == 1, f"{stem}: not one page title"
    links = page.locator(".prev-next-area a")
    index = LESSON_STEMS.index(stem)
    assert links.count() == 2, f"{stem}: previous/next links missing"  # lesson 00's previous is the course map
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    if index + 1 < len(LESSON_STEMS):
        assert f"{LESSON_STEMS[index + 1]}.html" in hrefs, f"{stem}: next link is not the next lesson: {hrefs}"
    if index > 0:
        assert f"{LESSON_STEMS[index - 1]}.html" in hrefs, f"{stem}: previous link is not the lesson before: {hrefs}"
    assert page.locator("main svg, main img").count() > 0 or stem.startswith("00"), f"{stem}: no chart shown"


def test_search_finds_a_lesson(open_page):
    page = open_page("student", "search.html?q=Katyusha")
    results = page.locator("#search-results a")
    results.first.wait_for(timeout=15000)
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    assert any(h.split("/")[-1].split(".")[0].split("#")[0] in LESSON_STEMS for h in hrefs), hrefs


def test_a_solution_dropdown_starts_closed_and_opens(open_page, sites):
    stem = next(
        s for s in LESSON_STEMS if "Show the worked solution" in (sites["teacher"] / f"{s}.html").read_text("utf-8")
    )
    page = open_page("teacher", f"{stem}.html")
    dropdown = page.locator("details.hide", has_text="Show the worked solution").first
    assert dropdown.get_attribute("open") is None, "the solution is open before it is asked for"
    code = dropdown.locator(".cell_input, .highlight").first
    assert not code.is_visible()
    dropdown.locator(":scope > summary").click()
    assert dropdown.get_attribute("open") is not None
    assert code.is_visible()


@pytest.mark.parametrize("edition", ["student", "teacher"])
def test_every_page_is_accessible_in_order_and_reads_on_a_phone(open_page, sites, edition):
    from axe_playwright_python.sync_playwright import Axe

    problems = []
    for name in pages_of(sites[edition]):
        page = open_page(edition, name)
        violations = Axe().run(page).response["violations"]
        problems += [
            f"{name}: {v['id']} ({v['impact']}): {v['help']}, e.g. {v['nodes'][0]['html'][:140]}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        problems += [f"{name}: {jump}" for jump in page.evaluate(HEADING_JUMPS)]
        phone = open_page(edition, name, PHONE_WIDTH)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE_WIDTH + 1:
            problems.append(f"{name}: {width} px wide at {PHONE_WIDTH} px")
        page.context.close()
        phone.context.close()
    assert not problems, f"{edition} site:\n" + "\n".join(problems)
