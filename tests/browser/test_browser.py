"""Every lesson in a real browser: JupyterLab in headless Chromium, as a student uses it.

For each notebook in lessons/ this opens it in JupyterLab, clears its outputs, runs
all cells and checks what the student sees: no error output, every chart drawn,
every course widget rendered (not shown as text), no failed network request and no
error in the kernel, also from a widget callback. Then it answers the quiz wrongly
and rightly, changes each explorer's first dropdown and sorts an item in each
sorter, checking the feedback each time. A screenshot of each lesson goes to
tests/browser/artifacts/, and the time per lesson is printed at the end of the run.
"""

from __future__ import annotations

from helpers.material import Material, material
from helpers.widgets import STATIC_NOTE

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import ARTIFACTS, TIMINGS, lesson_paths, require_browser_tools, timing_report

pytestmark = pytest.mark.browser

LESSONS = lesson_paths()
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
CHART_MARK = "<figure class='sp-chart'"
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
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(e => e.textContent.trim());
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  return {
    cells: panel.querySelectorAll('.jp-Cell').length,
    prompts,
    status: indicator ? indicator.getAttribute('data-status') : null,
    outputs: panel.querySelectorAll('.jp-OutputArea-output').length,
    errors: [...panel.querySelectorAll(sel.errors)].map(e => e.textContent.slice(0, 20000)),
  };
}"""

# What the browser shows: charts drawn, widgets rendered, anything shown as text.
RENDERED_JS = """(sel) => {
  const panel = document.querySelector(sel.notebook);
  const sized = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const textual = (o) => { const m = o.getAttribute('data-mime-type') || '';
                           return m.startsWith('text/') || m === 'application/vnd.jupyter.stdout'; };
  const outputs = [...panel.querySelectorAll('.jp-OutputArea-output')];
  const drawn = (el) => {
    const img = el.querySelector('figure.sp-chart img.sp-chart-image') || el.querySelector('img');
    if (img) return img.complete && img.naturalWidth > 0 && img.naturalHeight > 0;
    const svg = el.querySelector('svg');
    if (svg) { const r = svg.getBoundingClientRect(); return r.width > 0 && r.height > 0; }
    return false;
  };
  // A course chart is an <img> inside figure.sp-chart (text/html output); drawn once its SVG has decoded.
  // Charts an explorer draws inside its widget are the widget's, not committed outputs.
  const svgOutputs = outputs.filter(o => !o.querySelector('.jupyter-widgets')
                                         && o.querySelector('figure.sp-chart img.sp-chart-image'));
  // A rendered widget view has no data-mime-type: its output holds the widget's own element.
  const widgetOutputs = outputs.filter(o => o.querySelector(':scope > .jupyter-widgets'));
  const spWidgets = [...panel.querySelectorAll('.jp-OutputArea-output .sp-widget')]
    .filter(e => !e.parentElement.closest('.sp-widget'));
  return {
    charts: svgOutputs.length,
    chartsDrawn: svgOutputs.filter(drawn).length,
    htmlCharts: outputs.filter(o => o.querySelector('.vega-embed, [id^="altair-viz"]')).length,
    widgetOutputs: widgetOutputs.length,
    widgetOutputsRendered: widgetOutputs.filter(sized).length,
    spWidgets: spWidgets.length,
    spWidgetsVisible: spWidgets.filter(sized).length,
    texts: outputs.filter(textual).map(o => o.innerText.slice(0, 400)),
    allText: panel.innerText,
  };
}"""


@dataclass
class Expected:
    """What the committed notebook displays: the browser must show as much."""

    code_cells: int
    charts: int  # course chart outputs (text/html with figure.sp-chart)
    widgets: int  # widget-view outputs
    course_widgets: int  # of which course widgets (they show STATIC_NOTE as their text form)

    @classmethod
    def of(cls, path: Path) -> Expected:
        nb = json.loads(path.read_text(encoding="utf-8"))
        outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
        data = [o.get("data", {}) for o in outputs]

        def plain(d: dict) -> str:
            text = d.get("text/plain", "")
            return "".join(text) if isinstance(text, list) else text

        return cls(
            code_cells=sum(c["cell_type"] == "code" for c in nb["cells"]),
            charts=sum(CHART_MARK in "".join(d.get("text/html", "")) for d in data),
            widgets=sum(WIDGET_MIME in d for d in data),
            course_widgets=sum(WIDGET_MIME in d and plain(d) == STATIC_NOTE for d in data),
        )


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
        self.sel = {"notebook": NOTEBOOK, "errors": ERROR_OUTPUTS}

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
        # Collapsed cells (the worked solutions) show no execution count: expand them to see every count.
        self.command("View", "notebook:show-all-cell-code")
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
                r["chartsDrawn"] >= expected.charts
                and r["widgetOutputsRendered"] >= expected.widgets
                and r["spWidgets"] >= expected.course_widgets
            )
            return r if done else None

        # After an error the run stopped early: what is missing will not come, so do not wait for it.
        r = poll(complete, 1 if unrun else RENDER_TIMEOUT) or self.page.evaluate(RENDERED_JS, self.sel)
        if r["chartsDrawn"] != expected.charts or r["charts"] != expected.charts:
            self.problems.append(
                f"charts: the committed notebook has {expected.charts} chart outputs; the browser shows "
                f"{r['charts']} chart outputs, {r['chartsDrawn']} of them drawn"
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

    def screenshot(self, path: Path) -> None:
        """The whole notebook in one image: the viewport is made as tall as the notebook."""
        height = self.page.evaluate(f"""() => {{
            const el = document.querySelector("{NOTEBOOK} .jp-WindowedPanel-outer");
            if (!el) return 900;
            el.scrollTop = 0;
            return el.scrollHeight; }}""")
        self.page.set_viewport_size({"width": 1280, "height": max(900, min(int(height) + 150, 16000))})
        self.page.wait_for_timeout(300)
        self.page.screenshot(path=str(path))


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
        lap("open")
        state = view.clear_and_run_all()
        lap("run")
        ran = view.check_run(state, expected)
        lap("checks")
        if not ran:
            view.notes.append("quiz, explorers and sorters not tried: the lesson did not run cleanly")
        else:
            view.quiz(lesson)
            view.explorers()
            view.sorters(lesson)
        lap("interact")
    except Exception as exc:  # report it together with what the page and the kernel said so far
        view.problems.append(f"stopped: {type(exc).__name__}: {exc}")
    finally:
        mark = time.perf_counter()
        ARTIFACTS.mkdir(exist_ok=True)
        try:
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
