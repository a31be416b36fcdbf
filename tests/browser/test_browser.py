"""Every lesson in a real browser: JupyterLab in headless Chromium, as a student uses it.

One pass per lesson, which runs the lesson once and makes every check on that run:

1. Open the lesson without running it: every committed chart is drawn (a course chart is
   ``figure.sp-chart img.sp-chart-image``, an image JupyterLab shows in an untrusted notebook) and
   nothing of a worked solution is visible.
2. Clear all outputs and Run All, then check what the student sees: no error output, every chart
   drawn, every course widget rendered (not shown as text), no worked solution visible (its code
   stays collapsed and its result stays closed under "Show the worked result", which still opens),
   no chart label cut short with "…", no failed network request and no error in the kernel, also
   from a widget callback.
3. As a student: answer the quiz wrongly and rightly, change each explorer's first dropdown, sort
   an item in each sorter, checking the feedback each time; then the same with the keyboard alone
   (Tab, arrows, Enter, Space) on the second quiz question, one sorter item and one explorer.
4. axe-core audits the page: a serious or critical violation inside course content (outputs and
   Markdown) fails the test; JupyterLab's own violations are printed for information.
5. Screenshots at 1280x720 of the lesson's first chart and first course widget, and one of the
   whole notebook, go to tests/browser/artifacts/; the time per lesson is printed at the end.
"""

from __future__ import annotations

from helpers.display import WORKED_SUMMARY, closed_details
from helpers.material import Material, material
from helpers.widgets import STATIC_NOTE

import base64
import html
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from .conftest import ARTIFACTS, TIMINGS, lesson_paths, require_browser_tools, timing_report

pytestmark = pytest.mark.browser

LESSONS = lesson_paths()
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
SVG_MIME = "image/svg+xml"
RUN_TIMEOUT = 300  # seconds for Run All on one lesson
RENDER_TIMEOUT = 20  # seconds for charts and widgets to appear once the kernel is idle
CLICK_TIMEOUT = 15  # seconds for a widget to answer a click

# Requests JupyterLab itself makes that fail harmlessly. Every entry needs its reason;
# anything else that fails is a test failure. (None were seen with JupyterLab 4.6.6.)
HARMLESS_REQUESTS: list[tuple[re.Pattern[str], str]] = []

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# JupyterLab renders a traceback (an "error" output) and text on stderr alike, with this mime type.
ERROR_OUTPUTS = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
# Signs that a widget or a chart was shown as text, or not shown at all.
AS_TEXT = [
    STATIC_NOTE,
    "Error displaying widget",
    "Loading widget...",
    "Error loading script",
    "Javascript Error",
    "Error rendering output item",
]
WIDGET_REPR = re.compile(r"^\s*(VBox|HBox|Box|Quiz|Sorter|Explorer|CourseBox|HTML|Button|Dropdown)\(")

# State of the visible notebook, read in one go.
SNAPSHOT_JS = """(sel) => {
  const panel = document.querySelector(sel.notebook);
  if (!panel) return null;
  // A cell whose code is collapsed (a worked solution) shows no prompt: its output shows that it ran.
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
    .filter(e => !e.closest('.jp-Placeholder')).map(e => e.textContent.trim());
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  return {
    cells: panel.querySelectorAll('.jp-Cell').length,
    prompts,
    status: indicator ? indicator.getAttribute('data-status') : null,
    outputs: panel.querySelectorAll('.jp-OutputArea-output').length,
    errors: [...panel.querySelectorAll(sel.errors)].map(e => e.textContent.slice(0, 20000)),
  };
}"""

# A course chart (the contract between helpers.charts and this test): an <img> inside <figure class="sp-chart">.
CHART_IMG = "figure.sp-chart img.sp-chart-image"
# The first line of every worked solution, which JupyterLab shows while the code is collapsed.
SOLUTION_FIRST_LINE = "# Worked solution: open it once you have tried."

# What the browser shows: charts drawn, widgets rendered, anything shown as text.
RENDERED_JS = """(sel) => {
  const panel = document.querySelector(sel.notebook);
  const sized = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const textual = (o) => { const m = o.getAttribute('data-mime-type') || '';
                           return m.startsWith('text/') || m === 'application/vnd.jupyter.stdout'; };
  const outputs = [...panel.querySelectorAll('.jp-OutputArea-output')];
  const imgDrawn = (img) => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0;
  const svgDrawn = (el) => { const img = el.querySelector('img'); if (img) return imgDrawn(img);
                             const svg = el.querySelector('svg'); return !!svg && sized(svg); };
  // Charts an explorer draws inside its widget are the widget's, not committed outputs.
  const images = [...panel.querySelectorAll(sel.chartImg)].filter(img => !img.closest('.jupyter-widgets'));
  const svgOutputs = outputs.filter(o => o.getAttribute('data-mime-type') === 'image/svg+xml');
  // A rendered widget view has no data-mime-type: its output holds the widget's own element.
  const widgetOutputs = outputs.filter(o => o.querySelector(':scope > .jupyter-widgets'));
  const spWidgets = [...panel.querySelectorAll('.jp-OutputArea-output .sp-widget')]
    .filter(e => !e.parentElement.closest('.sp-widget'));
  return {
    chartImages: images.length,
    chartImagesDrawn: images.filter(imgDrawn).length,
    svgCharts: svgOutputs.length,
    svgChartsDrawn: svgOutputs.filter(svgDrawn).length,
    // The course's own live charts (explorers) draw with the Vega bundle shipped in the package: offline.
    htmlCharts: outputs.filter(o => [...o.querySelectorAll('.vega-embed, [id^="altair-viz"]')]
      .some(e => !e.closest('.sp-live-chart'))).length,
    widgetOutputs: widgetOutputs.length,
    widgetOutputsRendered: widgetOutputs.filter(sized).length,
    spWidgets: spWidgets.length,
    spWidgetsVisible: spWidgets.filter(sized).length,
    texts: outputs.filter(textual).map(o => o.innerText.slice(0, 400)),
    allText: panel.innerText,
  };
}"""

# What a projector shows: computed font sizes of the parts the README names, the side bar, and every course
# output (and code line) that is wider than the notebook it sits in.
CLASSROOM_JS = """(sel) => {
  const panel = document.querySelector(sel.notebook);
  const px = (e) => e ? parseFloat(getComputedStyle(e).fontSize) : null;
  const sizes = {
    "lesson text": px(panel.querySelector('.jp-MarkdownCell .jp-RenderedMarkdown p')),
    "code": px(panel.querySelector('.jp-CodeCell .cm-content')),
    "menus": px(document.querySelector('.lm-MenuBar-item')),
    "quiz and widget text": px(panel.querySelector('.sp-quiz .widget-radio-box label')),
    "source tags": px(panel.querySelector('.sp-source-tag')),
  };
  const left = document.querySelector('#jp-left-stack');
  const sidebar = !!left && !left.classList.contains('lm-mod-hidden') && left.getBoundingClientRect().width > 100;
  const outer = panel.querySelector('.jp-WindowedPanel-outer');
  const right = outer.getBoundingClientRect().left + outer.clientWidth;
  const name = (e) => (e.className && e.className.baseVal !== undefined ? e.tagName : e.tagName + '.' +
                       String(e.className).split(' ').join('.')).slice(0, 60);
  const wide = [];
  panel.querySelectorAll('.jp-OutputArea-output').forEach((out) => {
    const parts = [out, ...out.querySelectorAll('svg, img, table, pre, .widget-box, .widget-button, .sp-widget')];
    for (const e of parts) {
      if (e.parentElement && e.parentElement.closest('svg')) continue;
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.right > right + 1) {
        wide.push(`${name(e)} ends at ${Math.round(r.right)} px, the notebook at ${Math.round(right)} px: ` +
                  (e.innerText || e.getAttribute('aria-label') || e.getAttribute('alt') || '').slice(0, 80));
        break;
      }
    }
    if (out.scrollWidth > out.clientWidth + 1)
      wide.push(`an output scrolls sideways (${out.scrollWidth} px in ${out.clientWidth} px): ` +
                out.innerText.slice(0, 80));
  });
  const longCode = [...panel.querySelectorAll('.jp-CodeCell .cm-scroller')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText.split('\\n')[0].slice(0, 80));
  return {sizes, sidebar, wide, longCode};
}"""

# The sizes the README promises for a classroom, e.g. "lesson text at 18 px".
PROMISED = re.compile(r"(lesson text|code|menus|quiz and widget text|source tags) at (\d+) px")


def promised_sizes() -> dict[str, float]:
    text = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8").split())
    sizes = {part: float(size) for part, size in PROMISED.findall(text)}
    assert len(sizes) == 5, f"the README should promise five classroom sizes, found {sizes}"
    return sizes


# A chart drawn in the browser (helpers/livechart.py): how often drawn, whether its SVG has a size, its name.
LIVE_CHART_JS = """(el) => {
  const svg = el.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : null;
  return {renders: Number(el.dataset.renders || 0), drawn: !!box && box.width > 0 && box.height > 0,
          label: svg ? (svg.getAttribute('aria-label') || '') : ''};
}"""

# What of the worked solutions a reader can see: their code, and any output text outside a closed <details>
# (its summary, the line that opens it, excepted). ``indices`` are the solution cells' positions among all cells.
SOLUTIONS_JS = """([sel, indices]) => {
  const panel = document.querySelector(sel.notebook);
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')];
  const shown = (e) => { const r = e.getBoundingClientRect();
                         return r.width > 0 && r.height > 0 && e.checkVisibility({visibilityProperty: true}); };
  const visibleText = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const parts = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || !shown(el) || el.closest('summary')) continue;
      if (el.closest('details:not([open])')) continue;
      parts.push(n.textContent.trim());
    }
    return parts.join(' ');
  };
  return indices.map(i => {
    const cell = cells[i];
    if (!cell) return {index: i, missing: true};
    const editor = cell.querySelector('.jp-InputArea');
    const placeholder = cell.querySelector('.jp-InputPlaceholder');
    return {
      index: i,
      code: !!editor && shown(editor) ? editor.innerText.slice(0, 200) : '',
      // Collapsed code shows its first line: the test allows that line only.
      placeholder: !!placeholder && shown(placeholder) ? placeholder.innerText : '',
      outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(visibleText).filter(Boolean),
      summaries: cell.querySelectorAll('.jp-OutputArea-output details > summary').length,
    };
  });
}"""

# Chart text a reader sees: the SVG inside each course chart image (its data: URI) and inline SVG outputs.
CHART_TEXT_JS = """(sel) => {
  const panel = document.querySelector(sel.notebook);
  return {
    sources: [...panel.querySelectorAll(sel.chartImg)].map(img => img.getAttribute('src') || ''),
    // JupyterLab shows an image/svg+xml output as an <img> with a data: URI, or as inline SVG.
    svgImages: [...panel.querySelectorAll(".jp-OutputArea-output[data-mime-type='image/svg+xml'] img")]
      .map(img => img.getAttribute('src') || ''),
    inline: [...panel.querySelectorAll(".jp-OutputArea-output[data-mime-type='image/svg+xml'] svg text")]
      .map(t => t.textContent),
  };
}"""


@dataclass
class Expected:
    """What the committed notebook displays: the browser must show as much."""

    code_cells: int  # code cells whose code shows (collapsed ones show no prompt)
    chart_images: int  # course charts in the agreed form: <figure class="sp-chart"> with an <img>
    svg_charts: int  # image/svg+xml outputs (JupyterLab does not draw them in an untrusted notebook)
    widgets: int  # widget-view outputs
    course_widgets: int  # of which course widgets (they show STATIC_NOTE as their text form)
    solutions: list[int]  # positions of the worked-solution cells among all cells

    @property
    def charts(self) -> int:
        return self.chart_images + self.svg_charts

    @classmethod
    def of(cls, path: Path) -> Expected:
        nb = json.loads(path.read_text(encoding="utf-8"))
        outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
        data = [o.get("data", {}) for o in outputs]

        def text(d: dict, mime: str) -> str:
            value = d.get(mime, "")
            return "".join(value) if isinstance(value, list) else value

        return cls(
            code_cells=sum(
                c["cell_type"] == "code" and not c["metadata"].get("jupyter", {}).get("source_hidden")
                for c in nb["cells"]
            ),
            chart_images=sum(text(d, "text/html").count("sp-chart-image") for d in data),
            svg_charts=sum(SVG_MIME in d for d in data),
            widgets=sum(WIDGET_MIME in d for d in data),
            course_widgets=sum(WIDGET_MIME in d and text(d, "text/plain") == STATIC_NOTE for d in data),
            solutions=[
                i
                for i, c in enumerate(nb["cells"])
                if c["cell_type"] == "code" and "solution" in c["metadata"].get("tags", [])
            ],
        )


def cut_labels(chart_text: dict) -> list[str]:
    """Chart text with the ellipsis Vega-Lite puts on a label cut at its labelLimit."""
    texts = list(chart_text["inline"])
    for src in chart_text["sources"] + chart_text["svgImages"]:
        if src.startswith("data:image/svg+xml;base64,"):
            svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8", errors="replace")
        elif src.startswith("data:image/svg+xml,"):
            svg = unquote(src.split(",", 1)[1])
        else:
            continue
        texts += [html.unescape(t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)]
    return sorted({squash(t) for t in texts if "…" in t})


@dataclass
class Watch:
    """Everything the page reports that a student would not want: failed requests and kernel errors."""

    failed_requests: list[str] = field(default_factory=list)
    ignored_requests: list[str] = field(default_factory=list)
    kernel_errors: list[str] = field(default_factory=list)
    cell_errors: int = 0  # errors raised while running a cell: the page shows them as error outputs
    page_errors: list[str] = field(default_factory=list)
    active: bool = True  # off before the page closes: requests it aborts then are not the lesson's

    def attach(self, page) -> None:
        page.on("requestfailed", lambda r: self._request(r.url, f"failed: {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self._request(r.url, f"HTTP {r.status}"))
        page.on("pageerror", lambda e: self.active and self.page_errors.append(str(e)))
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _request(self, url: str, what: str) -> None:
        if not self.active:
            return
        for pattern, reason in HARMLESS_REQUESTS:
            if pattern.search(url):
                self.ignored_requests.append(f"{what} {url} (harmless: {reason})")
                return
        self.failed_requests.append(f"{what} {url}")

    def _frame(self, payload) -> None:
        msg = decode_kernel_message(payload)
        if not msg or msg.get("header", {}).get("msg_type") != "error":
            return
        content = msg.get("content", {})
        parent = msg.get("parent_header", {}).get("msg_type", "?")
        where = {"execute_request": "while running a cell", "comm_msg": "in a widget callback"}.get(parent, parent)
        trace = strip_ansi("\n".join(content.get("traceback", [])[-3:]))
        if parent == "execute_request":
            self.cell_errors += 1
            return
        self.kernel_errors.append(f"{content.get('ename')}: {content.get('evalue')} ({where})\n{trace}")


def decode_kernel_message(payload) -> dict | None:
    """A Jupyter message from a kernel websocket frame (JSON, or the binary v1 protocol)."""
    try:
        if isinstance(payload, str):
            msg = json.loads(payload)
            return msg if isinstance(msg, dict) else None
        data = bytes(payload)
        n = int.from_bytes(data[:8], "little")
        if n < 6 or 8 * (n + 1) > len(data):
            return None
        offsets = [int.from_bytes(data[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(n)]
        parts = [data[offsets[i] : offsets[i + 1]] for i in range(n - 1)]
        header, parent, _metadata, content = (json.loads(p) for p in parts[1:5])
        return {"channel": parts[0].decode(), "header": header, "parent_header": parent, "content": content}
    except (ValueError, UnicodeDecodeError):
        return None


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def squash(text: str) -> str:
    return " ".join(text.split())


def poll(condition, timeout: float, interval: float = 0.2):
    """Call ``condition`` until it returns something truthy or time runs out; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


class LessonPage:
    """One lesson open in JupyterLab, with the problems found so far."""

    def __init__(self, page, watch: Watch, name: str) -> None:
        self.page, self.watch, self.name = page, watch, name
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.parts: set[str] = set()  # the parts of the README's font sizes this lesson must show
        self.sel = {"notebook": NOTEBOOK, "errors": ERROR_OUTPUTS, "chartImg": CHART_IMG}

    def snapshot(self) -> dict | None:
        return self.page.evaluate(SNAPSHOT_JS, self.sel)

    def command(self, menu: str, command: str) -> None:
        self.page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{menu}$")).click()
        self.page.locator(f".lm-Menu-item[data-command='{command}']").click()

    def open(self, url: str, code_cells: int) -> None:
        self.page.goto(url)
        self.page.locator(f"{NOTEBOOK} .jp-Notebook").wait_for(timeout=60_000)

        def ready():
            snap = self.snapshot()
            return snap and snap["status"] == "idle" and len(snap["prompts"]) == code_cells

        if not poll(ready, 60):
            dialog = self.page.locator(".jp-Dialog")
            extra = f" A dialog is open: {squash(dialog.inner_text())!r}" if dialog.count() else ""
            raise AssertionError(
                f"{self.name}: the notebook did not open with an idle kernel within 60 s "
                f"(state {self.snapshot()}).{extra}"
            )

    def clear_and_run_all(self) -> dict:
        self.command("Edit", "editmenu:clear-all")
        cleared = poll(
            lambda: (s := self.snapshot()) and s["outputs"] == 0 and not any(re.search(r"\d", p) for p in s["prompts"]),
            15,
        )
        assert cleared, f"{self.name}: Clear Outputs of All Cells left outputs or execution counts: {self.snapshot()}"
        self.command("Run", "runmenu:run-all")
        last = {"state": None, "since": time.monotonic()}

        def finished():
            s = self.snapshot()
            if s != last["state"]:
                last.update(state=s, since=time.monotonic())
            if not s or s["status"] != "idle" or any("*" in p for p in s["prompts"]):
                return None
            numbered = all(re.fullmatch(r"\[\d+\]:?", p) for p in s["prompts"])
            # Stopped by an error, or stuck: idle with nothing queued, unchanged for a while.
            stopped = s["errors"] or time.monotonic() - last["since"] > 10
            return s if numbered or stopped else None

        state = poll(finished, RUN_TIMEOUT, 0.25)
        if not state:
            raise AssertionError(f"{self.name}: Run All did not finish within {RUN_TIMEOUT} s: {self.snapshot()}")
        return state

    # ------------------------------------------------------------ after the run

    def check_run(self, state: dict, expected: Expected) -> bool:
        """Record what is wrong after Run All; False if some cell failed or did not run."""
        for text in state["errors"]:
            text = text.strip()
            shown = text if len(text) < 1500 else f"{text[:400]}\n[...]\n{text[-1000:]}"
            self.problems.append(f"error output in a cell:\n{shown}")
        if self.watch.cell_errors and not state["errors"]:
            self.problems.append(
                f"the kernel reported {self.watch.cell_errors} error(s) while running cells, "
                "but no error output is shown"
            )
        unrun = [i + 1 for i, p in enumerate(state["prompts"]) if not re.fullmatch(r"\[\d+\]:?", p)]
        if unrun:
            self.problems.append(
                f"code cells {unrun} of {len(state['prompts'])} did not run (prompts {state['prompts']})"
            )

        def complete():
            r = self.page.evaluate(RENDERED_JS, self.sel)
            done = (
                r["chartImagesDrawn"] + r["svgChartsDrawn"] >= expected.charts
                and r["widgetOutputsRendered"] >= expected.widgets
                and r["spWidgets"] >= expected.course_widgets
            )
            return r if done else None

        # After an error the run stopped early: what is missing will not come, so do not wait for it.
        r = poll(complete, 1 if unrun else RENDER_TIMEOUT) or self.page.evaluate(RENDERED_JS, self.sel)
        shown, drawn = r["chartImages"] + r["svgCharts"], r["chartImagesDrawn"] + r["svgChartsDrawn"]
        if shown != expected.charts or drawn != expected.charts:
            self.problems.append(
                f"charts after Run All: the committed notebook has {expected.charts} chart outputs; the browser "
                f"shows {shown}, {drawn} of them drawn"
            )
        if r["htmlCharts"]:
            self.problems.append(
                f"{r['htmlCharts']} chart(s) are drawn by vega-embed in the browser (altair's "
                "default or html renderer), not as SVG from the kernel: they need the internet"
            )
        if r["widgetOutputs"] != expected.widgets or r["widgetOutputsRendered"] != expected.widgets:
            self.problems.append(
                f"widgets: the committed notebook displays {expected.widgets} widgets; the browser has "
                f"{r['widgetOutputs']} widget outputs, {r['widgetOutputsRendered']} of them rendered"
            )
        if r["spWidgets"] != expected.course_widgets or r["spWidgetsVisible"] != expected.course_widgets:
            self.problems.append(
                f"course widgets: the committed notebook displays {expected.course_widgets}; the browser rendered "
                f"{r['spWidgets']} .sp-widget elements, {r['spWidgetsVisible']} of them visible"
            )
        for sign in AS_TEXT:
            if sign in r["allText"]:
                self.problems.append(f"the page shows {sign!r}: a widget or chart is shown as text, not drawn")
        for text in r["texts"]:
            if WIDGET_REPR.match(text):
                self.problems.append(f"a widget is shown as its text repr: {text[:120]!r}")
        return not unrun and not state["errors"]

    def check_first_open(self, expected: Expected) -> None:
        """Before anything runs: every committed chart drawn, nothing of a worked solution visible."""

        def drawn():
            r = self.page.evaluate(RENDERED_JS, self.sel)
            return r if r["chartImagesDrawn"] >= expected.charts else None

        r = poll(drawn, RENDER_TIMEOUT if expected.charts else 0) or self.page.evaluate(RENDERED_JS, self.sel)
        if r["chartImagesDrawn"] != expected.charts:
            svg = (
                f"; {expected.svg_charts} of them are image/svg+xml outputs, which JupyterLab does not draw "
                "in a notebook it does not trust"
                if expected.svg_charts
                else ""
            )
            self.problems.append(
                f"charts on first open (before running): the committed notebook has {expected.charts} chart "
                f"outputs; {r['chartImagesDrawn']} are drawn as {CHART_IMG}{svg}"
            )
        self.check_solutions_closed(expected, "on first open")

    def check_solutions_closed(self, expected: Expected, when: str) -> None:
        """No worked solution's code or result visible: 0 visible solution outputs."""
        for cell in self.page.evaluate(SOLUTIONS_JS, [self.sel, expected.solutions]):
            where = f"worked solution (cell {cell['index'] + 1}) {when}"
            if cell.get("missing"):
                self.problems.append(f"{where}: the cell is not in the page")
                continue
            if cell["code"]:
                self.problems.append(f"{where}: its code is visible: {squash(cell['code'])[:120]!r}")
            shown_line = squash(cell["placeholder"].replace("\u2022", ""))
            if shown_line and shown_line != SOLUTION_FIRST_LINE:
                self.problems.append(f"{where}: its collapsed code shows {shown_line[:120]!r}")
            for text in cell["outputs"]:
                self.problems.append(f"{where}: its output is visible: {squash(text)[:160]!r}")
            if when == "after Run All" and not cell["summaries"]:
                self.problems.append(f"{where}: no {WORKED_SUMMARY!r} line: the solution did not run or show")

    def open_first_solution(self, expected: Expected) -> None:
        """A student who clicks "Show the worked result" sees the verdict."""
        if not expected.solutions:
            return
        cell = self.page.locator(f"{NOTEBOOK} .jp-Notebook .jp-Cell").nth(expected.solutions[0])
        summary = cell.locator(".jp-OutputArea-output details > summary", has_text=WORKED_SUMMARY)
        if summary.count() != 1:
            self.problems.append(f"the first worked solution has no {WORKED_SUMMARY!r} line to open its result")
            return
        summary.scroll_into_view_if_needed()
        summary.click()
        if not poll(lambda: cell.locator(".sp-feedback.sp-correct").first.is_visible(), 5, 0.1):
            self.problems.append(f"clicking {WORKED_SUMMARY!r} did not show the solution's 'Correct' verdict")
        summary.click()  # closed again, as it was

    def check_classroom_view(self) -> None:
        """At 1280x720 with the file browser open: the README's font sizes, nothing wider than the notebook."""
        self.page.set_viewport_size({"width": 1280, "height": 720})
        self.painted()
        seen = self.page.evaluate(CLASSROOM_JS, self.sel)
        self.notes.append(f"computed font sizes at 1280x720: {seen['sizes']}")
        if not seen["sidebar"]:
            self.problems.append("the file browser side bar is not open: the width check needs it open")
        for part, size in promised_sizes().items():
            measured = seen["sizes"][part]
            if part in ("quiz and widget text", "source tags") and measured is None and part not in self.parts:
                continue  # this lesson has no quiz or no bibliography
            if measured is None:
                self.problems.append(f"font size of {part}: nothing of that kind found in the page")
            elif abs(measured - size) > 0.5:
                self.problems.append(
                    f"font size of {part}: {measured} px in the browser, the README promises {size:g} px"
                )
        self.problems += [f"wider than the notebook at 1280x720: {w}" for w in seen["wide"]]
        self.problems += [f"a code line runs off its cell at 1280x720: {c!r}" for c in seen["longCode"]]

    def check_chart_labels(self) -> None:
        for label in cut_labels(self.page.evaluate(CHART_TEXT_JS, self.sel)):
            self.problems.append(f"a chart label is cut short: {label!r}")

    # ------------------------------------------------------------ as a student

    def wait_for(self, locator, what: str) -> bool:
        """Wait for ``locator`` to appear; stop early (and say so) if the kernel reports an error."""
        errors_before = len(self.watch.kernel_errors)
        found = poll(lambda: locator.count() > 0 or len(self.watch.kernel_errors) > errors_before, CLICK_TIMEOUT, 0.1)
        if found and locator.count() > 0:
            return True
        new = self.watch.kernel_errors[errors_before:]
        cause = f"; the kernel raised {new[0].splitlines()[0]}" if new else f" within {CLICK_TIMEOUT} s"
        self.problems.append(f"{what}: nothing appeared{cause}")
        return False

    def quiz(self, lesson: Material) -> None:
        quizzes = self.page.locator(f"{NOTEBOOK} .sp-quiz")
        if quizzes.count() == 0:
            self.problems.append("no quiz (.sp-quiz) to answer")
            return
        quiz = quizzes.first
        row = quiz.locator(".sp-question, .widget-vbox:has(.widget-radio-box)").first
        row.scroll_into_view_if_needed()
        prompt = squash(row.locator(".widget-html").first.text_content())
        question = next((q for q in lesson.questions if squash(q.prompt) in prompt), None)
        if question is None:
            self.problems.append(
                f"quiz question 1 ({prompt!r}) is not among the questions of data/lessons/{lesson.number}.toml"
            )
            return
        wrong = next(c for c in question.choices if c != question.answer)
        score = quiz.locator(".sp-score")
        check = row.locator("button.widget-button", has_text=re.compile(r"^\s*Check\s*$"))
        feedback = row.locator(".sp-feedback")
        for choice, status in ((wrong, "incorrect"), (question.answer, "correct")):
            before = squash(score.text_content())
            row.locator(".widget-radio-box label").get_by_text(choice, exact=True).click()
            check.click()
            if not self.wait_for(
                row.locator(f".sp-feedback.sp-{status}"),
                f"quiz question 1, answered {'wrongly' if status == 'incorrect' else 'rightly'}",
            ):
                return
            shown = squash(feedback.first.text_content())
            if squash(question.explanation)[:60] not in shown:
                self.problems.append(f"quiz question 1 ({status}): the explanation is missing from {shown!r}")
            if not poll(lambda b=before: squash(score.text_content()) != b, 5):
                self.problems.append(f"quiz: the score did not change after a {status} answer ({before!r})")
        if not re.search(r"Score: 1 /", squash(score.text_content())):
            self.problems.append(
                f"quiz: one right answer should score 1; the score reads {squash(score.text_content())!r}"
            )

    def live_charts(self, root, what: str, renders_before: list[int] | None = None) -> list[int]:
        """Check the charts a changing view draws in the browser: drawn (after ``renders_before``, a new drawing),
        named by their description, with a tooltip on a mark. Returns each chart's count of drawings."""
        charts = root.locator(".sp-live-chart")
        counts = []
        for i in range(charts.count()):
            chart = charts.nth(i)
            before = renders_before[i] if renders_before and i < len(renders_before) else 0
            drawn = poll(lambda c=chart, b=before: int(c.get_attribute("data-renders") or 0) > b, CLICK_TIMEOUT, 0.05)
            state = chart.evaluate(LIVE_CHART_JS)
            counts.append(state["renders"])
            if not drawn or not state["drawn"]:
                self.problems.append(f"{what}: its chart was not drawn in the browser ({state})")
            elif not state["label"].strip():
                self.problems.append(f"{what}: its chart has no accessible name (the description)")
            elif i == 0 and not renders_before:
                self.tooltip(chart, what)
        return counts

    def tooltip(self, chart, what: str) -> None:
        """Hovering a mark shows its tooltip (vega-embed's handler)."""
        mark = chart.locator("svg .mark-rect path, svg .mark-symbol path").first
        if mark.count() == 0:
            self.notes.append(f"{what}: no bar or dot to hover")
            return
        mark.hover(force=True)
        tip = self.page.locator("#vg-tooltip-element.visible")
        if not poll(lambda: tip.count() > 0 and tip.first.inner_text().strip() != "", 3, 0.1):
            self.problems.append(f"{what}: hovering a mark of its chart shows no tooltip")
        self.page.mouse.move(0, 0)

    def explorers(self) -> None:
        explorers = self.page.locator(f"{NOTEBOOK} .sp-explorer")
        for i in range(explorers.count()):
            explorer = explorers.nth(i)
            explorer.scroll_into_view_if_needed()
            output = explorer.locator(".sp-explorer-output")
            select = explorer.locator("select").first
            if explorer.locator("select").count() == 0:
                self.notes.append(f"explorer {i + 1} has no dropdown: not changed")
                continue
            options = select.evaluate("s => [...s.options].map(o => o.text)")
            current = select.evaluate("s => s.selectedIndex")
            if len(options) < 2:
                self.notes.append(f"explorer {i + 1}: its first dropdown has one option only")
                continue
            target = 1 if current == 0 else 0
            renders = self.live_charts(explorer, f"explorer {i + 1}")
            before = output.inner_html()
            errors_before = len(self.watch.kernel_errors)
            select.select_option(index=target)
            changed = poll(
                lambda out=output, b=before, n=errors_before: (
                    out.inner_html() != b or len(self.watch.kernel_errors) > n
                ),
                CLICK_TIMEOUT,
                0.1,
            )
            if not changed or output.inner_html() == before:
                new = self.watch.kernel_errors[errors_before:]
                self.problems.append(
                    f"explorer {i + 1}: choosing {options[target]!r} did not change its output"
                    + (f"; the kernel raised {new[0].splitlines()[0]}" if new else "")
                )
            elif "Nothing to show for this choice" in output.text_content():
                # Explorer.update turns an exception in the view into this message: a student sees no result.
                self.problems.append(
                    f"explorer {i + 1}: choosing {options[target]!r} shows {squash(output.text_content())[:300]!r}"
                )
            else:
                self.live_charts(explorer, f"explorer {i + 1} after choosing {options[target]!r}", renders)

    def sorters(self, lesson: Material) -> None:
        sorters = self.page.locator(f"{NOTEBOOK} .sp-sorter")
        items = {squash(item.text): (activity, item) for activity in lesson.activities for item in activity.items}
        for i in range(sorters.count()):
            sorter = sorters.nth(i)
            row = sorter.locator(".sp-item, .widget-vbox:has(select)").first
            row.scroll_into_view_if_needed()
            text = re.sub(r"^1\.\s*", "", squash(row.locator(".widget-html").first.text_content()))
            selects = row.locator("select")
            match = items.get(text)
            if match:  # sort it as a student who knows the answer: it must say correct
                activity, item = match
                for d, dimension in enumerate(activity.dimensions):
                    selects.nth(d).select_option(label=item.answer[dimension.name][0])
                wanted = ".sp-feedback.sp-correct"
            else:
                for d in range(selects.count()):
                    selects.nth(d).select_option(index=1)
                wanted = ".sp-feedback.sp-correct, .sp-feedback.sp-incorrect"
                self.notes.append(
                    f"sorter {i + 1}: item 1 ({text[:60]!r}) not found in data/lessons; any verdict accepted"
                )
            sorter.locator("button.widget-button", has_text=re.compile(r"^\s*Check my sorting\s*$")).click()
            if self.wait_for(row.locator(wanted), f"sorter {i + 1}, item 1 sorted and checked"):
                # The score is set after the feedback, in its own message: wait for it too.
                self.wait_for(
                    sorter.locator(".sp-score", has_text=re.compile(r"Score: \d+ /")),
                    f"sorter {i + 1}: the score after 'Check my sorting'",
                )

    # ------------------------------------------------------------ with the keyboard alone

    def focused(self) -> dict:
        return self.page.evaluate(
            """() => { const e = document.activeElement;
                       return {tag: e ? e.tagName : '', type: e ? (e.type || '') : '',
                               text: e ? (e.innerText || e.value || '').trim().slice(0, 80) : ''}; }"""
        )

    def tab_to(self, is_target, what: str, limit: int = 80) -> bool:
        """Press Tab until ``is_target(focused element)``; say so if it is never reached."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if is_target(self.focused()):
                return True
        self.problems.append(f"keyboard: {what} was not reached with Tab ({limit} presses)")
        return False

    def keyboard_quiz(self, lesson: Material) -> None:
        """Question 2 of the quiz answered rightly with Tab, Space and Enter."""
        quiz = self.page.locator(f"{NOTEBOOK} .sp-quiz").first
        rows = quiz.locator(".sp-question")
        if quiz.count() == 0 or rows.count() < 2:
            self.notes.append("keyboard: no quiz with two questions to answer")
            return
        row = rows.nth(1)
        row.scroll_into_view_if_needed()
        prompt = squash(row.locator(".widget-html").first.text_content())
        question = next((q for q in lesson.questions if squash(q.prompt) in prompt), None)
        if question is None:
            self.problems.append(f"keyboard: quiz question 2 ({prompt!r}) is not in data/lessons/{lesson.number}.toml")
            return
        # The starting point: the end of question 1, where a keyboard user arrives after answering it.
        rows.nth(0).locator("button").first.focus()
        # Tab to the right choice (each is a stop; its value is its position) and select it with Space: one change.
        # Arrow keys would change the choice once per key, and ipywidgets holds every change after the first
        # back until the kernel has answered it (its message throttle), so a Check pressed right after them
        # can be judged on a choice passed on the way (seen under load).
        right = str(question.choices.index(question.answer))
        if not self.tab_to(lambda f: f["type"] == "radio" and f["text"] == right, "quiz question 2's right choice"):
            return
        self.page.keyboard.press("Space")
        if not self.tab_to(lambda f: f["tag"] == "BUTTON" and f["text"] == "Check", "quiz question 2's Check"):
            return
        self.page.keyboard.press("Enter")
        self.wait_for(row.locator(".sp-feedback.sp-correct"), "keyboard: quiz question 2 answered rightly")

    def keyboard_sorter(self, lesson: Material) -> None:
        """Item 2 of the first sorter sorted with Tab and arrows, checked with Space."""
        sorter = self.page.locator(f"{NOTEBOOK} .sp-sorter").first
        rows = sorter.locator(".sp-item")
        if sorter.count() == 0 or rows.count() < 2:
            self.notes.append("keyboard: no sorter with two items")
            return
        row = rows.nth(1)
        row.scroll_into_view_if_needed()
        text = re.sub(r"^2\.\s*", "", squash(row.locator(".widget-html").first.text_content()))
        match = next(((a, it) for a in lesson.activities for it in a.items if squash(it.text) == text), None)
        if match is None:
            self.problems.append(f"keyboard: sorter item 2 ({text[:60]!r}) is not in data/lessons")
            return
        activity, item = match
        rows.nth(0).locator("select").last.focus()
        for dimension in activity.dimensions:
            if not self.tab_to(lambda f: f["tag"] == "SELECT", f"sorter item 2, menu {dimension.name!r}", 3):
                return
            wanted = item.answer[dimension.name][0]
            for _ in range(len(dimension.options) + 1):
                # ipywidgets writes option texts with no-break spaces
                shown = self.page.evaluate("() => document.activeElement.selectedOptions[0].text")
                if shown.replace("\xa0", " ") == wanted:
                    break
                self.page.keyboard.press("ArrowDown")
        if not self.tab_to(lambda f: f["tag"] == "BUTTON" and "Check my sorting" in f["text"], "Check my sorting", 200):
            return
        self.page.keyboard.press("Space")
        if not self.wait_for(row.locator(".sp-feedback.sp-correct"), "keyboard: sorter item 2 sorted rightly"):
            chosen = row.locator("select").evaluate_all("ss => ss.map(s => s.selectedOptions[0]?.text)")
            self.notes.append(f"keyboard sorter: item 2 reads {chosen}, wanted {item.answer}; {row.inner_text()!r}")

    def keyboard_explorer(self) -> None:
        """The first explorer's first menu changed with an arrow key."""
        explorer = self.page.locator(f"{NOTEBOOK} .sp-explorer").first
        if explorer.count() == 0 or explorer.locator("select").count() == 0:
            self.notes.append("keyboard: no explorer with a menu")
            return
        explorer.scroll_into_view_if_needed()
        output = explorer.locator(".sp-explorer-output")
        select = explorer.locator("select").first
        select.focus()  # the starting point: its first menu
        before = output.inner_html()
        key = "ArrowUp" if select.evaluate("s => s.selectedIndex === s.options.length - 1") else "ArrowDown"
        self.page.keyboard.press(key)
        if not poll(lambda: output.inner_html() != before, CLICK_TIMEOUT, 0.1):
            self.problems.append(f"keyboard: pressing {key} on the first explorer's menu did not change its output")

    # ------------------------------------------------------------ accessibility and screenshots

    def audit(self) -> None:
        """axe-core on the page: serious or critical violations in course content fail, the rest is listed."""
        from axe_playwright_python.sync_playwright import Axe

        violations = Axe().run(self.page).response["violations"]
        targets = [n["target"][0] for v in violations for n in v["nodes"]]
        targets = [t if isinstance(t, str) else t[0] for t in targets]
        inside = self.page.evaluate(
            """(targets) => targets.map(t => { let e = null; try { e = document.querySelector(t); } catch (x) {}
                 return !!e && !!e.closest('.jp-OutputArea-output, .jp-RenderedMarkdown'); })""",
            targets,
        )
        k = 0
        for v in violations:
            ours = []
            for node in v["nodes"]:
                if inside[k]:
                    ours.append(squash(node.get("html", ""))[:160])
                k += 1
            interface = len(v["nodes"]) - len(ours)
            if ours and v["impact"] in ("serious", "critical"):
                self.problems.append(
                    f"axe {v['id']} ({v['impact']}) in course content, {len(ours)} node(s): {v['help']}; "
                    + " | ".join(ours[:3])
                )
            elif ours:
                self.notes.append(f"axe {v['id']} ({v['impact']}) in course content, {len(ours)} node(s): {ours[0]}")
            if interface:
                self.notes.append(f"axe {v['id']} ({v['impact']}) in JupyterLab's interface, {interface} node(s)")

    def shots(self, stem: str) -> None:
        """1280x720 views of the lesson's first chart and first course widget, as a projector shows them."""
        self.page.set_viewport_size({"width": 1280, "height": 720})
        for what, selector in (
            ("chart", f"{NOTEBOOK} {CHART_IMG}, {NOTEBOOK} .jp-OutputArea-output[data-mime-type='image/svg+xml']"),
            ("widget", f"{NOTEBOOK} .jp-OutputArea-output .sp-widget"),
        ):
            found = self.page.locator(selector)
            if found.count() == 0:
                self.notes.append(f"no {what} to photograph")
                continue
            found.first.evaluate("e => e.scrollIntoView({block: 'start'})")
            self.painted()
            self.page.screenshot(path=str(ARTIFACTS / f"{stem}-first-{what}.png"))

    def screenshot(self, path: Path) -> None:
        """The whole notebook in one image: the viewport is made as tall as the notebook."""
        height = self.page.evaluate(f"""() => {{
            const el = document.querySelector("{NOTEBOOK} .jp-WindowedPanel-outer");
            if (!el) return 900;
            el.scrollTop = 0;
            return el.scrollHeight; }}""")
        self.page.set_viewport_size({"width": 1280, "height": max(900, min(int(height) + 150, 16000))})
        self.painted()
        self.page.screenshot(path=str(path))

    def painted(self) -> None:
        """Wait until what just moved is laid out and painted: two animation frames (JupyterLab lays out in
        the first after a scroll or resize), instead of a fixed pause."""
        self.page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs_and_works_in_jupyterlab(path: Path, request):
    require_browser_tools()
    lab = request.getfixturevalue("lab")
    context = request.getfixturevalue("browser_context")
    expected = Expected.of(lab.root / path.name)  # the copy JupyterLab serves, even if lessons/ changed since
    lesson = material(path.name[:2])
    times: dict[str, float] = {}
    started = time.perf_counter()
    watch = Watch()
    page = context.new_page()
    watch.attach(page)
    view = LessonPage(page, watch, path.name)
    url = f"{lab.url}/lab/workspaces/{quote(path.stem)}/tree/{quote(path.name)}?reset&token={lab.token}"
    mark = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal mark
        times[phase] = time.perf_counter() - mark
        mark = time.perf_counter()

    try:
        view.open(url, expected.code_cells)
        view.check_first_open(expected)
        lap("open")
        state = view.clear_and_run_all()
        lap("run")
        ran = view.check_run(state, expected)
        view.check_solutions_closed(expected, "after Run All")
        view.open_first_solution(expected)
        view.check_chart_labels()
        lap("checks")
        if not ran:
            view.notes.append("quiz, explorers and sorters not tried: the lesson did not run cleanly")
        else:
            view.quiz(lesson)
            view.explorers()
            view.sorters(lesson)
            view.keyboard_quiz(lesson)
            view.keyboard_sorter(lesson)
            view.keyboard_explorer()
            view.parts = {"quiz and widget text"} if lesson.questions else set()
            view.parts |= {"source tags"} if page.locator(f"{NOTEBOOK} .sp-source-tag").count() else set()
            view.check_classroom_view()
        lap("interact")
        view.audit()
        lap("axe")
    except Exception as exc:  # report it together with what the page and the kernel said so far
        view.problems.append(f"stopped: {type(exc).__name__}: {exc}")
    finally:
        mark = time.perf_counter()
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            view.shots(path.stem)
            view.screenshot(ARTIFACTS / f"{path.stem}.png")
        except Exception as exc:  # a screenshot is for people; its failure must not hide the real result
            view.notes.append(f"screenshot failed: {exc}")
        lap("shot")
        watch.active = False
        page.close()
        lab.shutdown_sessions()
        lap("close")
        times["total"] = time.perf_counter() - started
        TIMINGS[path.stem] = times
        (ARTIFACTS / "timings.txt").write_text(timing_report() + "\n", encoding="utf-8")

    problems = list(view.problems)
    problems += [f"failed request: {r}" for r in watch.failed_requests]
    problems += [f"kernel error: {e}" for e in watch.kernel_errors]
    problems += [f"uncaught JavaScript error: {e}" for e in watch.page_errors]
    print(
        f"\n[browser] {path.stem}: "
        + ", ".join(f"{k} {v:.1f}s" for k, v in times.items())
        + "".join(f"\n  note: {n}" for n in view.notes + watch.ignored_requests)
    )
    if problems:
        pytest.fail(
            f"{path.name} in JupyterLab: {len(problems)} problem(s) (screenshot: "
            f"tests/browser/artifacts/{path.stem}.png)\n- " + "\n- ".join(problems),
            pytrace=False,
        )


def _svg_chart_output(label: str) -> dict:
    """A display_data output in the course's chart form, its SVG carrying one text ``label``."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><rect width="200" height="60" fill="#ddd"/>'
        f'<text x="5" y="30">{html.escape(label)}</text></svg>'
    )
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    figure = (
        f'<figure class="sp-chart"><img class="sp-chart-image" src="{src}" alt="A test chart: {html.escape(label)}">'
        "<details class='sp-chart-data'><summary>Data</summary><table><tr><th>x</th></tr></table></details></figure>"
    )
    return {"output_type": "display_data", "metadata": {}, "data": {"text/html": figure, "text/plain": label}}


def test_the_checks_see_course_charts_cut_labels_and_open_solutions(request):
    # The checks of the lesson pass on a hand-made notebook: two charts in the agreed form (one with a label
    # cut short), a solution whose result is folded away and one whose result shows. Opened, not run.
    require_browser_tools()
    lab = request.getfixturevalue("lab")
    context = request.getfixturevalue("browser_context")
    closed = {
        "output_type": "execute_result",
        "execution_count": 3,
        "metadata": {},
        "data": {
            "text/html": closed_details(WORKED_SUMMARY, "<p>The answer is 42.</p>"),
            "text/plain": "[Worked result: hidden until you open it.]",
        },
    }
    shown = {"output_type": "stream", "name": "stdout", "text": "The answer is 43.\n"}
    solution = {"jupyter": {"source_hidden": True, "outputs_hidden": False}, "tags": ["solution"]}

    def code(source, outputs, metadata=None, n=1):
        return {"cell_type": "code", "id": f"c{n}", "metadata": metadata or {}, "execution_count": n,
                "source": source, "outputs": outputs}  # fmt: skip

    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "cells": [
            {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": "# 99 · A test"},
            code("chart_a", [_svg_chart_output("Russia, 2015")], n=1),
            code("chart_b", [_svg_chart_output("global median (39 countries) on Russia, 2…")], n=2),
            code(f"{SOLUTION_FIRST_LINE}\nlesson.check('x', 42, record=False)", [closed], solution, n=3),
            code("print(43)  # gives itself away", [shown], solution, n=4),
        ],
    }
    path = lab.root / "99_checks.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    page = context.new_page()
    view = LessonPage(page, Watch(), path.name)
    try:
        expected = Expected.of(path)
        assert (expected.chart_images, expected.svg_charts, expected.solutions) == (2, 0, [3, 4])
        view.open(f"{lab.url}/lab/workspaces/checks/tree/{path.name}?reset&token={lab.token}", expected.code_cells)
        view.check_first_open(expected)
        view.check_chart_labels()
    finally:
        page.close()
        lab.shutdown_sessions()
    assert view.problems == [
        "worked solution (cell 5) on first open: its collapsed code shows 'print(43) # gives itself away'",
        "worked solution (cell 5) on first open: its output is visible: 'The answer is 43.'",
        "a chart label is cut short: 'global median (39 countries) on Russia, 2…'",
    ]
