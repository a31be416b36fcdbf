"""The environment check of lesson 00: what is installed, and what to do if something is missing."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata

from . import charts, data
from .display import Rich, esc, feedback_box

PACKAGES = ["jupyterlab", "ipywidgets", "jupyterlab_widgets", "anywidget", "pandas", "altair", "vl-convert-python"]
FIX_INSTALL = "From the course folder run: pip install -e .  (then restart the kernel)"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _package(name: str) -> Check:
    try:
        return Check(name, True, metadata.version(name))
    except metadata.PackageNotFoundError:
        return Check(name, False, "not installed", FIX_INSTALL)


def _python() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info >= (3, 11)
    return Check(
        "Python", ok, version, "" if ok else "Install Python 3.11 or newer and make a new virtual environment."
    )


def _data() -> Check:
    try:
        folder = data.data_dir()
    except data.DataError as exc:  # no data folder at all: the install is incomplete
        return Check("course data", False, str(exc), FIX_INSTALL)
    broken = {table: found for table, found in data.validate_all().items() if found}
    if not broken:
        # No folder named: the lesson's stored output would carry a path of the machine that ran it.
        return Check("course data", True, f"{len(data.tables())} tables, all valid, in the course's data folder")
    # Name the broken files: reinstalling would not repair an edited or damaged data file.
    files = sorted({p.file for found in broken.values() for p in found})
    first = next(iter(broken.values()))[0]
    return Check(
        "course data",
        False,
        f"problems in {', '.join(files)} (in {folder}); the first: {first}",
        f"Correct {', '.join(files)} where named, or restore the course's copy (git checkout data/{files[0]}).",
    )


def _charts() -> Check:
    try:
        import altair as alt

        markup = charts.svg(alt.Chart({"values": [{"a": 1}]}).mark_point().encode(x="a:Q"))
        active = alt.renderers.active
    except Exception as exc:
        return Check("offline charts", False, f"could not draw a chart: {exc}", FIX_INSTALL)
    ok = markup.lstrip().startswith("<svg") and active == charts.RENDERER
    fix = "" if ok else "Run the lesson's setup cell (import helpers) before drawing charts."
    return Check("offline charts", ok, f"renderer {active!r}, SVG drawn in the kernel with no internet", fix)


def checks() -> list[Check]:
    """Every check, in the order shown."""
    return [_python(), *(_package(p) for p in PACKAGES), _data(), _charts()]


def check_environment() -> Rich:
    """A table of checks with a fix for each problem, plus a widget that proves widgets render."""
    rows = checks()
    html = ["<table class='sp-env'><tr><th>result</th><th>check</th><th>found</th><th>what to do</th></tr>"]
    for c in rows:
        mark = "<span style='color:#00734a'>✔</span>" if c.ok else "<span style='color:#a34a00'>✘</span>"
        html.append(f"<tr><td>{mark}</td><td>{esc(c.name)}</td><td>{esc(c.detail)}</td><td>{esc(c.fix)}</td></tr>")
    html.append("</table>")
    failed = [c for c in rows if not c.ok]
    summary = "All checks passed." if not failed else f"{len(failed)} check(s) failed: see 'what to do'."
    html.append(feedback_box("correct" if not failed else "incorrect", summary))
    text = "\n".join(f"{'ok ' if c.ok else 'FAIL'} {c.name}: {c.detail} {c.fix}".rstrip() for c in rows)
    return Rich("".join(html), f"{text}\n{summary}")


def widget_probe():
    """A widget that reads "Widgets work" once JupyterLab has drawn it."""
    import ipywidgets as w

    from .widgets import CourseBox

    label = w.HTML(feedback_box("correct", "Widgets work.", "You can use the quizzes and explorers."))
    return CourseBox([label])
