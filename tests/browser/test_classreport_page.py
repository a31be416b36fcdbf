"""The teacher's class report as a browser shows and prints it: offline, accessible, nothing cut.

The report of thirty generated students (tests/test_classreport.py) is opened from a file:// URL in
headless Chromium with every network request refused. axe-core finds no serious or critical problem;
laid out at A4's content width with print styles, nothing reaches past the page or is cut; the PDF has
every lesson's section and the per-student table, and is kept in tests/browser/artifacts/ to look at.
"""

from __future__ import annotations

from helpers.__main__ import main
from helpers.material import lesson_numbers

import re
import subprocess

import pytest

from ..chromium import launched_chromium
from ..test_classreport import write_class
from .test_handouts import ARTIFACTS, OVERFLOWS, PAGES, content_width, load

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    write_class(base)
    out = base / "report.html"
    assert main(["class-report", str(base), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def page(report):
    with launched_chromium("Class report check") as browser:
        context, page = load(browser, report, 1280, "screen")
        yield page
        context.close()


def test_report_loads_offline_with_every_chart_drawn(page):
    images = page.evaluate("() => [...document.images].map(i => [i.naturalWidth, i.alt])")
    assert len(images) == len(lesson_numbers())
    assert all(width > 0 and len(alt) > 20 for width, alt in images), images
    assert page.locator("h2", has_text="Per student (teacher only)").count() == 1


def test_report_has_no_serious_accessibility_problem(page):
    from axe_playwright_python.sync_playwright import Axe

    page.emulate_media(media="screen")
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} - e.g. {v['nodes'][0]['html'][:160]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)


def test_report_prints_whole(page):
    width = content_width(PAGES["A4"])
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(media="print")
    problems = page.evaluate(OVERFLOWS, width)
    assert not problems, "\n".join(problems[:10])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS.parent / "class-report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True, margin={"left": "14mm", "right": "14mm"})
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for number in lesson_numbers():
        assert f"Lesson {number}:" in text, f"lesson {number} missing from the printed report"
    assert "Per student (teacher only)" in text
    names = re.findall(r"Student\s+(\d\d)", text[text.index("Per student (teacher only)") :])
    assert sorted(set(names)) == [f"{i:02d}" for i in range(30)], "a student's row is missing from the print"
