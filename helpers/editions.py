"""The teacher's kit: a student edition of the lessons and static HTML handouts.

*Student edition*: copies of every lesson without the worked solutions, with
outputs, execution counts and stored widget state cleared, every other cell
unchanged and in order. The copies run from any folder, because lessons reach
the course's helpers and data through the installed package, never through a
path relative to ``lessons/``.

*Handouts*: one self-contained HTML file per lesson that shows its text, code,
tables and charts with no kernel and no internet. Charts are stored as SVG
outputs, so they survive; widgets cannot run in a static file and are replaced
by a one-line note; the page loads nothing from the network (no require.js,
MathJax, Mermaid or widget manager from a CDN). Solutions are left out unless
asked for (a teacher's copy).

Both refuse to write into the lessons folder (or anything inside it) and into a
non-empty folder unless ``force`` is given; with ``force`` they replace only the
files they write. Neither ever changes the lessons themselves.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from .widgets import STATIC_NOTE

LESSON_PATTERN = "[0-9][0-9]_*.ipynb"
SOLUTION_TAG = "solution"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
JAVASCRIPT = "application/javascript"
SVG = "image/svg+xml"
WIDGET_STATE_KEY = "widgets"
"""Notebook metadata key holding the saved widget state (the widget manager script loads it)."""

HANDOUT_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{#- The lab template, minus everything it would fetch from a CDN when the page is opened. -#}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block data_javascript -%}{%- endblock data_javascript -%}
{%- block data_svg scoped -%}
<div class="jp-RenderedSVG jp-OutputArea-output {{ extra_class }}" data-mime-type="image/svg+xml">
<img src="data:image/svg+xml;base64,{{ output.data['image/svg+xml'] | text_base64 | escape_html }}"
 alt="{{ output.metadata.get('alt', 'Chart') | e }}">
</div>
{%- endblock data_svg -%}
{%- block extra_css -%}
<style type="text/css">
.sp-handout-note { margin: 0 0 1em; padding: 6px 12px; border-left: 4px solid #35506b; background: #eef2f7;
  color: #1b1b1b; font-family: var(--jp-content-font-family, sans-serif); font-size: 90%; }
@media print { .sp-handout-note { display: none; } }
</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
<p class="sp-handout-note">{{ resources.handout_note | e }}</p>
{%- endblock body_header -%}
"""


class EditionError(ValueError):
    """A student edition or handout that cannot be written: a bad output folder or no lessons."""


# --- notebooks -------------------------------------------------------------------------------------------------


def is_solution(cell: NotebookNode) -> bool:
    """Whether a cell is a worked solution (a code cell tagged ``solution``)."""
    return cell.get("cell_type") == "code" and SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def strip_solutions(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` without its solution cells; every other cell unchanged and in order."""
    out = copy.deepcopy(nb)
    out.cells = [cell for cell in out.cells if not is_solution(cell)]
    return out


def clear_outputs(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` with no outputs, no execution counts and no stored widget state."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.get("cell_type") == "code":
            cell.outputs = []
            cell.execution_count = None
    out.metadata.pop(WIDGET_STATE_KEY, None)
    return out


def student_notebook(nb: NotebookNode) -> NotebookNode:
    """The student edition of one lesson: no solutions, no outputs, no widget state."""
    return clear_outputs(strip_solutions(nb))


def chart_description(output: NotebookNode) -> str:
    """The alternative text of a chart output: its plain-text form without the spec digest nbval checks."""
    text = output.get("data", {}).get("text/plain", "")
    text = "".join(text) if isinstance(text, list) else str(text)
    return re.sub(r"\s*\[spec [0-9a-f]+\]\s*$", "", text).strip() or "Chart"


def _static_output(output: NotebookNode) -> NotebookNode:
    # A widget view needs a kernel: its text/plain (the course widgets' note) is all a static page can show.
    # JavaScript outputs would run scripts, possibly from a CDN, so they go too.
    data = output.get("data", {})
    if WIDGET_VIEW in data:
        output.data = {"text/plain": STATIC_NOTE}
    elif JAVASCRIPT in data:
        data.pop(JAVASCRIPT)
    if SVG in data:
        output.setdefault("metadata", {})["alt"] = chart_description(output)
    return output


def static_widgets(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` in which every widget output is the plain-text note and no widget state is stored."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        for output in cell.get("outputs", []):
            _static_output(output)
    out.metadata.pop(WIDGET_STATE_KEY, None)
    return out


def lesson_title(nb: NotebookNode, fallback: str) -> str:
    """The text of the lesson's first top-level heading ('00 · Start here'), or ``fallback``."""
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            match = re.search(r"^# +(.+?)\s*$", cell.source, re.M)
            if match:
                return match.group(1)
    return fallback


def handout_notebook(nb: NotebookNode, with_solutions: bool = False) -> NotebookNode:
    """The notebook a handout is drawn from: static widgets, solutions only if asked for."""
    return static_widgets(nb if with_solutions else strip_solutions(nb))


def handout_note(title: str, with_solutions: bool) -> str:
    """The line at the top of a handout saying what it is and where the interactive parts are."""
    edition = "teacher's handout, with worked solutions" if with_solutions else "student handout"
    return (
        f"{title}: {edition}. A static copy: exercises, quizzes and other interactive parts "
        "work only when you run the lesson in JupyterLab."
    )


def handout_html(nb: NotebookNode, title: str, lesson_dir: Path, with_solutions: bool = False) -> str:
    """A self-contained HTML page for one lesson; ``lesson_dir`` is where its local images are found."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        embed_images=True,  # markdown images become data: URIs, so the file stands alone
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.raw_template = HANDOUT_TEMPLATE
    source = handout_notebook(nb, with_solutions)
    source.metadata["title"] = title  # the page title; the template escapes it
    resources = {
        "metadata": {"name": title, "path": str(lesson_dir)},
        "handout_note": handout_note(title, with_solutions),
    }
    html, _ = exporter.from_notebook_node(source, resources=resources)
    return html


# --- folders ---------------------------------------------------------------------------------------------------


def lesson_files(src_dir: Path) -> list[Path]:
    """The lesson notebooks in ``src_dir`` (``NN_slug.ipynb``), in order; none is an error."""
    src = Path(src_dir)
    if not src.is_dir():
        raise EditionError(f"the lessons folder {src} does not exist or is not a folder")
    paths = sorted(src.glob(LESSON_PATTERN))
    if not paths:
        raise EditionError(f"no lessons in {src}: lesson notebooks are named like 00_start_here.ipynb")
    return paths


def read_lesson(path: Path) -> NotebookNode:
    """One lesson notebook; a file that is not a readable notebook is an :class:`EditionError` naming it."""
    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError) as exc:  # nbformat's NotJSONError is a ValueError
        raise EditionError(f"{path} is not a readable notebook ({exc}); fix or remove it and try again") from exc


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output_folder(out_dir: Path, src_dir: Path, force: bool) -> Path:
    """The resolved output folder, after refusing the lessons folder, a file, or a non-empty folder without force."""
    out = Path(out_dir).expanduser().resolve()
    src = Path(src_dir).resolve()
    # Copies inside lessons/ would be collected as lessons (by nbval, by the course map) and could overwrite them.
    if _inside(out, src):
        raise EditionError(
            f"refusing to write into the lessons folder {src} (the output folder {out_dir} is, or is inside, it). "
            "Give a folder outside it, e.g. student-edition/ or handouts/."
        )
    if out.exists() and not out.is_dir():
        raise EditionError(f"the output folder {out_dir} is a file, not a folder. Give a folder (new or empty).")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise EditionError(
            f"the output folder {out_dir} is not empty. Give a new or empty folder, or pass --force "
            "to replace the lesson files in it (other files there are left alone)."
        )
    return out


def _write_all(
    src_dir: Path, out_dir: Path, force: bool, suffix: str, render: Callable[[Path, NotebookNode], str]
) -> list[Path]:
    # Check everything before writing anything, so a refusal leaves the output folder as it was.
    sources = lesson_files(src_dir)
    out = check_output_folder(out_dir, src_dir, force)
    texts = [(out / (path.stem + suffix), render(path, read_lesson(path))) for path in sources]
    out.mkdir(parents=True, exist_ok=True)
    for target, text in texts:
        target.write_text(text, encoding="utf-8")
    return [target for target, _ in texts]


def student_edition(src_dir: Path, out_dir: Path, force: bool = False) -> list[Path]:
    """Write the student edition of every lesson in ``src_dir`` into ``out_dir``; return the files written."""

    def render(_path: Path, nb: NotebookNode) -> str:
        student = student_notebook(nb)
        nbformat.validate(student)
        text = nbformat.writes(student)
        return text if text.endswith("\n") else text + "\n"  # as nbformat.write ends its files

    return _write_all(src_dir, out_dir, force, ".ipynb", render)


def handouts(src_dir: Path, out_dir: Path, force: bool = False, with_solutions: bool = False) -> list[Path]:
    """Write a standalone HTML handout of every lesson in ``src_dir`` into ``out_dir``; return the files written."""

    def render(path: Path, nb: NotebookNode) -> str:
        return handout_html(nb, lesson_title(nb, path.stem), path.parent, with_solutions)

    return _write_all(src_dir, out_dir, force, ".html", render)
