"""Benchmark: how fast each changing view answers a student, in the kernel and in the browser.

Run on demand (not part of `pytest`):

    .venv/bin/python -m tests.explorer_benchmark [--changes 12]

For every lesson with an explorer, the index builder or the rubric it measures two things and writes
them into the "Explorers" section of tests/BENCHMARK.md (between its markers, leaving the rest):

- **kernel**: the lesson is executed with nbclient, then every control of every such view is set to
  other values in turn, and each assignment is timed (ipywidgets runs the observers, and so the whole
  redraw, inside the assignment);
- **click to page**: the lesson is opened in JupyterLab in headless Chromium and run; then, inside the
  page, a control is changed as a click would change it and the time is taken until the page shows the
  result: every chart of the view drawn anew (its ``data-renders`` counter, helpers/livechart.py) and, for a
  view without charts, its HTML changed. Each change is measured in the page (``performance.now``), so the
  test driver's own round trips are not counted.
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import nbformat
from nbclient import NotebookClient

from tests.benchmark import LESSONS, OUT
from tests.browser.conftest import JupyterLab
from tests.browser.test_browser import Expected, LessonPage, Watch
from tests.chromium import launched_chromium

VIEWS = ".sp-explorer, .sp-index-builder, .sp-rubric"
START, END = "<!-- explorers:start -->", "<!-- explorers:end -->"

# Kernel side: every control of every changing view, set to other values in turn.
KERNEL_CELL = r"""
import gc as _gc, time as _t, ipywidgets as _w
from helpers.widgets import ViewPane as _Pane

def _descendants(widget):
    for child in getattr(widget, "children", ()):
        yield child
        yield from _descendants(child)

def _alternatives(control):
    if isinstance(control, (_w.Dropdown, _w.RadioButtons, _w.ToggleButtons, _w.Select)):
        values = [v[1] if isinstance(v, tuple) else v for v in control.options]
        return [v for v in values if v != control.value][:{changes}] + [control.value]
    if isinstance(control, (_w.BoundedIntText, _w.BoundedFloatText, _w.IntSlider, _w.FloatSlider)):
        return [control.min, control.max, control.value]
    return []

_times, _ahead = {{}}, {{}}
for _view in [o for o in _gc.get_objects() if isinstance(o, _w.Box) and any(isinstance(c, _Pane) for c in o.children)]:
    _name = type(_view).__name__
    if getattr(_view, "precompute_ms", None) is not None:  # an explorer that worked out its choices as it started
        _ahead.setdefault(_name, []).append((len(_view.ready), round(_view.precompute_ms)))
    for _control in _descendants(_view):
        if isinstance(_control, _Pane):
            continue
        for _value in _alternatives(_control):
            _start = _t.perf_counter()
            _control.value = _value
            _times.setdefault(_name, []).append((_t.perf_counter() - _start) * 1000)
({{k: [round(x, 2) for x in v] for k, v in _times.items()}}, _ahead)
"""

# Browser side: change one control of a view as a click would, and wait, frame by frame, for the page to show it.
CHANGE_JS = """async ([index, step]) => {
  const view = document.querySelectorAll(arguments_selector)[index];
  const charts = () => [...view.querySelectorAll('.sp-live-chart')];
  const renders = new Map(charts().map(c => [c, Number(c.dataset.renders || 0)]));
  const text = (v) => [...v.querySelectorAll('.sp-view .widget-html-content')].map(e => e.innerHTML).join('');
  const before = text(view);
  const selects = [...view.querySelectorAll('select')];
  const numbers = [...view.querySelectorAll('input[type=number]')];
  const controls = [...selects, ...numbers];
  if (!controls.length) return null;
  const control = controls[step % controls.length];
  const start = performance.now();
  if (control.tagName === 'SELECT') {
    const options = control.options.length;
    control.selectedIndex = (control.selectedIndex + 1 + Math.floor(step / controls.length)) % options;
  } else {
    const low = Number(control.min), high = Number(control.max), now = Number(control.value);
    control.value = String(now === high ? low : Math.min(high, now + Number(control.step || 1)));
  }
  control.dispatchEvent(new Event('change', {bubbles: true}));
  const done = () => {
    const now = charts();
    if (now.length) return now.every(c => Number(c.dataset.renders || 0) > (renders.get(c) || 0)
                                           && c.getAttribute('aria-busy') !== 'true');
    return text(view) !== before;
  };
  return await new Promise((resolve) => {
    const tick = () => {
      if (done()) resolve([performance.now() - start,
                           charts().reduce((sum, c) => sum + Number(c.dataset.drawMs || 0), 0)]);
      else if (performance.now() - start > 5000) resolve(null);
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}"""


def kernel_times(path: Path, changes: int) -> tuple[dict[str, list[float]], dict[str, list[tuple[int, int]]]]:
    """Each view's times per change; and for each explorer that worked out its choices as it started, how many
    choices and how long that took (ms)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(KERNEL_CELL.format(changes=changes)))
    NotebookClient(
        nb, timeout=600, kernel_name="python3", record_timing=False, resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return ast.literal_eval(nb.cells[-1].outputs[0]["data"]["text/plain"])


def browser_times(lab: JupyterLab, context, path: Path, changes: int) -> dict[str, list[tuple[float, float]]]:
    page = context.new_page()
    watch = Watch()
    watch.attach(page)
    view = LessonPage(page, watch, path.name)
    url = f"{lab.url}/lab/workspaces/{quote(path.stem)}/tree/{quote(path.name)}?reset&token={lab.token}"
    view.open(url, Expected.of(lab.root / path.name).code_cells)
    view.clear_and_run_all()
    found: dict[str, list[tuple[float, float]]] = {}
    kinds = page.evaluate(
        f"() => [...document.querySelectorAll('{VIEWS}')].map(v => v.classList.contains('sp-explorer') ? "
        "'Explorer' : v.classList.contains('sp-rubric') ? 'Rubric' : 'IndexBuilder')"
    )
    script = CHANGE_JS.replace("arguments_selector", repr(VIEWS))
    for index, kind in enumerate(kinds):
        page.locator(VIEWS).nth(index).scroll_into_view_if_needed()
        for step in range(changes):
            measured = page.evaluate(script, [index, step])  # [click to page, of which Vega's drawing]
            if measured is not None:
                found.setdefault(kind, []).append(tuple(measured))
            page.wait_for_timeout(100)  # the kernel idle again before the next change
    page.close()
    lab.shutdown_sessions()
    return found


def lessons_with_views() -> list[Path]:
    marks = ("Explorer(", "IndexBuilder(", "Rubric(", "explorer(")
    return [p for p in LESSONS if any(m in c.source for c in nbformat.read(p, as_version=4).cells for m in marks)]


def median_cell(times: list[float]) -> str:
    return f"{statistics.median(times):.0f} ({min(times):.0f}-{max(times):.0f}, n={len(times)})" if times else "-"


def ahead_cell(made: list[tuple[int, int]]) -> str:
    return "; ".join(f"{n} choices in {ms} ms" for n, ms in made) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=12, help="changes per view in the browser")
    args = parser.parse_args()
    lessons = lessons_with_views()
    kernel, ahead = {}, {}
    for path in lessons:
        kernel[path.stem], ahead[path.stem] = kernel_times(path, args.changes)
    with tempfile.TemporaryDirectory() as tmp, launched_chromium("Explorer benchmark") as browser:
        lab = JupyterLab(Path(tmp))
        lab.start()
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        try:
            page_side = {p.stem: browser_times(lab, context, p, args.changes) for p in lessons}
        finally:
            context.close()
            lab.stop()
    lines = [
        START,
        "## Explorers: from a change to the page (ms)",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({platform.machine()}), Python "
        f"{platform.python_version()}, with `.venv/bin/python -m tests.explorer_benchmark` (see its docstring): "
        "median (range, number of changes). Target: at most 50 ms in the kernel and under 150 ms from the change "
        "to the page.",
        "",
        "| lesson | view | kernel, per change | click to page | of which Vega draws | worked out as it starts |",
        "|---|---|---|---|---|---|",
    ]
    for stem in kernel:
        for kind in sorted(set(kernel[stem]) | set(page_side[stem])):
            lines.append(
                f"| {stem} | {kind} | {median_cell(kernel[stem].get(kind, []))} "
                f"| {median_cell([total for total, _ in page_side[stem].get(kind, [])])} "
                f"| {median_cell([draw for _, draw in page_side[stem].get(kind, []) if draw])} "
                f"| {ahead_cell(ahead[stem].get(kind, []))} |"
            )
    lines.append(END)
    text = OUT.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    tail = rest.partition(END)[2] if rest else ""
    OUT.write_text(head.rstrip() + "\n\n" + "\n".join(lines) + "\n\n" + tail.lstrip("\n"), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
