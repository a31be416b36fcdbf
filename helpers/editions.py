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

import ast
import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from .lesson import lesson_notebooks
from .widgets import STATIC_NOTE

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
{#- After JupyterLab's own styles, so that the handout's print, contrast and link rules win. -#}
{%- block html_head_css -%}
<style type="text/css">
{{ resources.handout_css }}
</style>
{%- endblock html_head_css -%}
{%- block body_header -%}
{{ super() }}
<p class="sp-handout-note">{{ resources.handout_note | e }}</p>
{%- endblock body_header -%}
"""

# Print and small screens. JupyterLab's styles are made for a wide browser window: they keep code on one
# line, fix table layouts and let wide outputs scroll, all of which cut content on paper and on a phone.
HANDOUT_CSS = """
:root {
  /* Syntax colours at 4.5:1 or more on the code background (#f7f7f7 / white): WCAG 2.1 AA for text. */
  --jp-mirror-editor-keyword-color: #007020;
  --jp-mirror-editor-atom-color: #1a1aa6;
  --jp-mirror-editor-number-color: #006a2b;
  --jp-mirror-editor-def-color: #0044aa;
  --jp-mirror-editor-variable-color: #1b1b1b;
  --jp-mirror-editor-variable-2-color: #1a4a7a;
  --jp-mirror-editor-variable-3-color: #006a2b;
  --jp-mirror-editor-punctuation-color: #0044aa;
  --jp-mirror-editor-property-color: #0044aa;
  --jp-mirror-editor-operator-color: #8a1fa8;
  --jp-mirror-editor-comment-color: #3d6b6b;
  --jp-mirror-editor-string-color: #a11a1a;
  --jp-mirror-editor-string-2-color: #8a3b00;
  --jp-mirror-editor-meta-color: #8a1fa8;
  --jp-mirror-editor-qualifier-color: #555555;
  --jp-mirror-editor-builtin-color: #007020;
  --jp-mirror-editor-bracket-color: #555555;
  --jp-mirror-editor-tag-color: #007020;
  --jp-mirror-editor-attribute-color: #1a1aa6;
  --jp-mirror-editor-header-color: #0044aa;
  --jp-mirror-editor-quote-color: #006a2b;
  --jp-mirror-editor-link-color: #0044aa;
  --jp-mirror-editor-error-color: #b00000;
}
.sp-handout-note { margin: 0 0 1em; padding: 6px 12px; border-left: 4px solid #35506b; background: #eef2f7;
  color: #1b1b1b; font-family: var(--jp-content-font-family, sans-serif); font-size: 90%; }
/* Links told apart from the text around them without relying on colour. */
a[href] { text-decoration: underline !important; }
/* Nothing wider than the page or the phone: images scale, code and text wrap, tables shrink and wrap. */
html, body { max-width: 100%; overflow-wrap: break-word; }
img, svg, video, canvas, .sp-chart-image { max-width: 100% !important; height: auto !important; }
figure.sp-chart { margin: 0.5em 0; max-width: 100%; }
.jp-RenderedSVG, .jp-RenderedImage, .jp-RenderedHTML, .jp-OutputArea-output { overflow: visible !important;
  max-width: 100%; }
.jp-RenderedSVG svg { max-width: 100%; height: auto; }
pre, code, .highlight pre, .jp-RenderedText pre { white-space: pre-wrap !important; overflow-wrap: anywhere;
  word-break: break-word; }
:not(pre) > code { white-space: normal !important; }
.jp-InputArea-editor, .jp-Editor, .cm-editor { overflow: visible !important; max-width: 100%; }
/* Table cells wrap between words only: a word (a year, "Russia", "percent") never breaks; a long token
   (a URL, an identifier: class sp-long) may break anywhere, so it cannot push the table off the page. */
.jp-RenderedHTMLCommon table, .sp-print-table { table-layout: auto !important; max-width: 100%;
  overflow-wrap: normal; word-break: normal; hyphens: manual; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th, .sp-print-table td, .sp-print-table th {
  overflow-wrap: normal !important; word-break: normal !important; }
.sp-long { overflow-wrap: anywhere; word-break: normal; }
.sp-whole { white-space: nowrap; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { white-space: normal !important; max-width: none; }
.jp-Notebook, .jp-Cell, .jp-Cell-inputWrapper, .jp-Cell-outputWrapper, .jp-OutputArea, .jp-OutputArea-child,
.jp-InputArea, .jp-Cell-inputArea, .jp-RenderedHTMLCommon { min-width: 0; max-width: 100%; }
.jp-OutputArea-child, .jp-InputArea { display: block; }
/* The printed forms of the quiz, sorter, exercises and rubric. */
.sp-print { font-family: var(--jp-content-font-family, sans-serif); color: #1b1b1b; line-height: 1.4; }
.sp-print-questions > li { margin: 0 0 0.8em; }
.sp-print-questions p { margin: 0 0 0.2em; }
.sp-print-choices { margin: 0; }
.sp-print-table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; }
.sp-print-table th, .sp-print-table td { border: 1px solid #555; padding: 4px 6px; text-align: left !important;
  vertical-align: top; }
.sp-print-blank { min-width: 6em; height: 2.2em; }
.sp-print-wide { min-width: 10em; }
.sp-print-lines div { border-bottom: 1px solid #555; height: 2em; }
.sp-print-note { font-style: italic; }
.sp-print-key { border-top: 2px solid #35506b; margin-top: 1em; }
/* Narrow pages and screens: tables get smaller type and tighter cells, and a cell may break inside a word
   (identifiers carry break points after their underscores) rather than push the table off the page. */
@media (max-width: 760px) {
  .jp-Notebook { padding: 4px !important; }
  .jp-RenderedHTMLCommon { padding-right: 0 !important; }
  .jp-OutputArea-output.jp-RenderedHTMLCommon { padding-left: 0 !important; }
  .jp-RenderedHTMLCommon table, .sp-print-table { font-size: 11px; }
  .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th, .sp-print-table td, .sp-print-table th {
    padding: 2px 3px !important; }
  table[data-sp-wide] { font-size: 8px !important; }
  table[data-sp-wide] td, table[data-sp-wide] th { padding: 1px !important; }
}
@page {
  margin: 16mm 14mm 18mm;
  @top-left { content: "__PAGE_TITLE__"; font: 9pt sans-serif; color: #333; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9pt sans-serif; color: #333; }
}
@media print {
  .sp-handout-note { display: none; }
  body, .jp-Notebook { padding: 0 !important; margin: 0 !important; }
  .jp-Notebook { font-size: 10pt; }
  /* JupyterLab lays cells out as flex boxes, inside which Chromium ignores break-after: avoid. */
  .jp-Cell, .jp-Cell-inputWrapper, .jp-Cell-outputWrapper, .jp-InputArea, .jp-OutputArea,
  .jp-OutputArea-child { display: block !important; }
  /* A chart, a table, a question stays whole on one page; a heading stays with what follows it. */
  /* Code blocks too; markdown cells may break between their paragraphs. */
  figure, table, img, .jp-RenderedSVG, .jp-RenderedImage, .sp-print-question, .sp-print-exercise,
  .jp-CodeCell .jp-InputArea { break-inside: avoid; }
  /* JupyterLab keeps each whole output on one page; a printed quiz or a source list may run over pages. */
  .jp-OutputArea-child { break-inside: auto !important; }
  p, li { orphans: 2; widows: 2; }
  /* A closed "The data behind this chart" is a dead toggle on paper (it stays on screen). */
  details.sp-chart-data { display: none !important; }
  /* The sources in small type, closer together: a reference list, not pages of it. */
  .sp-sources { font-size: 8pt; line-height: 1.25; }
  .sp-sources li { margin: 0 0 2px; }
  .sp-sources ul { padding-left: 1.2em; }
  h1, h2, h3, h4, h5, h6 { break-after: avoid; }
}
"""


def css_string(text: str) -> str:
    """``text`` as a CSS string literal that is also safe inside an HTML <style> element."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return '"' + body.replace("<", "\\3c ").replace(">", "\\3e ") + '"'


def handout_css(title: str) -> str:
    """The handout's stylesheet, with ``title`` as the running header of every printed page."""
    return HANDOUT_CSS.replace('"__PAGE_TITLE__"', css_string(title))


class EditionError(ValueError):
    """A student edition or handout that cannot be written: a bad output folder or no lessons."""


# --- notebooks -------------------------------------------------------------------------------------------------

# Passages of lesson text that speak of the worked solutions are marked in the markdown, so that each edition
# reads consistently:  <!-- teacher-only -->...<!-- /teacher-only -->  is left out of the student edition, and
# <!-- student-only: ... -->  is the student edition's wording (an HTML comment, so the lessons never show it).
TEACHER_ONLY = re.compile(r"<!--\s*teacher-only\s*-->(.*?)<!--\s*/teacher-only\s*-->", re.S)
STUDENT_ONLY = re.compile(r"<!--\s*student-only:(.*?)-->", re.S)
SETUP_LESSON = re.compile(r"""\bLesson\((["'])(\d\d)\1\)""")
"""The setup cell's ``h.Lesson("NN")``, which the student edition turns into ``h.Lesson("NN", edition="student")``."""
LESSON_CALL = re.compile(r"""\bLesson\((["'])(\d\d)\1""")
"""A ``Lesson("NN", ...)`` call in either edition: which lesson's material a notebook uses."""


def is_solution(cell: NotebookNode) -> bool:
    """Whether a cell is a worked solution (a code cell tagged ``solution``)."""
    return cell.get("cell_type") == "code" and SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def strip_solutions(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` without its solution cells; every other cell unchanged and in order."""
    out = copy.deepcopy(nb)
    out.cells = [cell for cell in out.cells if not is_solution(cell)]
    return out


def edition_text(text: str, student: bool) -> str:
    """Markdown for one edition: the student's drops teacher-only passages and reveals its own wording."""
    if not student:
        return TEACHER_ONLY.sub(r"\1", text)
    return STUDENT_ONLY.sub(lambda m: m.group(1).strip(), TEACHER_ONLY.sub("", text))


def removed_passages(nb: NotebookNode) -> list[str]:
    """The teacher-only passages of a lesson's markdown: what its student edition leaves out."""
    return [
        m.group(1).strip()
        for cell in nb.cells
        if cell.get("cell_type") == "markdown"
        for m in TEACHER_ONLY.finditer(cell.source)
    ]


def student_text(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` whose markdown is the student edition's, and whose lesson material is too."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.get("cell_type") == "markdown":
            cell.source = edition_text(cell.source, student=True)
        elif "setup" in cell.get("metadata", {}).get("tags", []):
            # The quiz reads its questions when the lesson runs: the student edition asks for the student wording.
            cell.source = SETUP_LESSON.sub(r'Lesson(\1\2\1, edition="student")', cell.source)
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
    """The student edition of one lesson: no solutions, the student wording, no outputs, no widget state."""
    return clear_outputs(student_text(strip_solutions(nb)))


def chart_description(output: NotebookNode) -> str:
    """The alternative text of a chart output: its plain-text form without the spec digest nbval checks."""
    text = output.get("data", {}).get("text/plain", "")
    text = "".join(text) if isinstance(text, list) else str(text)
    return re.sub(r"\s*\[spec [0-9a-f]+\]\s*$", "", text).strip() or "Chart"


def lesson_title(nb: NotebookNode, fallback: str) -> str:
    """The text of the lesson's first top-level heading ('00 · Start here'), or ``fallback``."""
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            match = re.search(r"^# +(.+?)\s*$", cell.source, re.M)
            if match:
                return match.group(1)
    return fallback


# --- handouts: what each interactive cell becomes on paper --------------------------------------------------------

MACHINE_SPECIFIC_TAG = "nbval-ignore-output"
"""Cells whose output depends on the computer (nbval skips comparing them): a handout prints a sentence instead."""
HIDE_INPUT_TAG = "sp-handout-hide-input"
"""Set on cells whose code only makes a widget: nbconvert's TagRemovePreprocessor drops their input."""
MACHINE_NOTE = (
    "When you run this cell in JupyterLab, it lists what is installed on your computer and whether the "
    "course's data and charts work there; its output is left out of the handout because it differs from "
    "one computer to the next."
)
WIDGET_LINES = {
    "progress": "In JupyterLab, this cell shows your own progress through the course: it is saved on your "
    "computer only, so it is left out of the handout.",
    "widget_probe": "In JupyterLab, this cell shows a green box saying Widgets work when the interactive parts "
    "of the course can run.",
}
"""What a handout prints for the widgets that show something of the reader's own computer."""


@dataclass(frozen=True)
class Interactive:
    """An interactive part recognised in a code cell: ``kind`` (quiz, sorter, check, explorer, ...) and details."""

    kind: str
    ident: str = ""
    controls: tuple[str, ...] = ()


_CALLS = {"quiz", "sorter", "check", "Explorer", "progress", "widget_probe"}


def printable_widget(name: str) -> Any:
    """The lesson widget ``h.<name>`` if the package exports one with a printed form (``paper_form``), else None.

    A topic's widget prints itself (``h.Rubric``, ``h.IndexBuilder``), so the editions know no particular lesson.
    """
    import helpers

    if name not in helpers.__all__:
        return None
    widget = getattr(helpers, name)
    return widget if callable(getattr(widget, "paper_form", None)) else None


def interactive_part(cell: NotebookNode) -> Interactive | None:
    """Which course widget or check a code cell makes, read from its code with Python's own parser.

    The course API is the mark: ``lesson.quiz()``, ``lesson.sorter("id")``, ``lesson.check("id", answer)``,
    ``h.Explorer(view, control=...)``, ``lesson.progress()``, ``h.widget_probe()``, and the package's
    widgets with a printed form, such as ``h.IndexBuilder()`` and ``h.Rubric()`` (see :func:`printable_widget`).
    Parsing (not pattern matching) ignores comments and strings.
    """
    if cell.get("cell_type") != "code" or is_solution(cell):
        return None
    try:
        tree = ast.parse(cell.source)
    except SyntaxError:
        return None
    calls = sorted(
        (node for node in ast.walk(tree) if isinstance(node, ast.Call)), key=lambda n: (n.lineno, n.col_offset)
    )
    for call in calls:
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        if name.endswith("_explorer"):  # a ready-made explorer from the package, e.g. h.events_explorer
            name = "Explorer"
        elif name not in _CALLS and printable_widget(name) is None:
            continue
        first = call.args[0] if call.args else None
        ident = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
        kind = "explorer" if name == "Explorer" else name
        return Interactive(kind, ident, tuple(k.arg for k in call.keywords if k.arg))
    return None


def _spoken_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def explorer_line(part: Interactive) -> str:
    """The one line that stands for an explorer on paper, naming its controls."""
    named = _spoken_list([c.replace("_", " ") for c in part.controls]) if part.controls else ""
    controls = f"the {named}" if named else "its settings"
    return (
        f"In JupyterLab, this explorer lets you change {controls} and redraws its chart or table at once; "
        "run the lesson to explore beyond what is printed here."
    )


def _html_output(html: str) -> NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": ""})


def _static_output(output: NotebookNode) -> NotebookNode:
    # A widget view needs a kernel. If the widget left a static HTML form beside it, that is what prints;
    # otherwise its text/plain (the course widgets' note). JavaScript outputs would run scripts, possibly
    # from a CDN, so they go too.
    data = output.get("data", {})
    if WIDGET_VIEW in data:
        output.data = {"text/html": data["text/html"]} if "text/html" in data else {"text/plain": STATIC_NOTE}
    elif JAVASCRIPT in data:
        data.pop(JAVASCRIPT)
    if SVG in data:
        output.setdefault("metadata", {})["alt"] = chart_description(output)
    if "text/html" in output.get("data", {}):
        output.data["text/html"] = long_tokens(breakable_identifiers(output.data["text/html"]))
    return output


EMPTY_HEADER = re.compile(r"<th(?:\s[^>]*)?>\s*(?:&nbsp;)?\s*</th>")


def labelled_table_headers(html: str) -> str:
    """Turn empty header cells (pandas' above an index, a markdown table's blank corner) into plain cells.

    A header cell with no text tells a screen reader nothing (axe: empty-table-header); an empty data cell is
    just a gap. Both writers make these cells in a fixed form (no content, or a lone &nbsp;), so a pattern
    is enough here.
    """
    return EMPTY_HEADER.sub("<td></td>", html)


IDENTIFIER_BREAK = re.compile(r"([_/])(?=[^<>]*<)")


def breakable_identifiers(html: str) -> str:
    """Let long identifiers in text (source_id values, file paths) wrap after their underscores and slashes.

    Only text between tags changes (the lookahead finds a ``<`` before any ``>``), never a tag or attribute.
    """
    return IDENTIFIER_BREAK.sub(r"\1<wbr>", html)


# A whole token (it starts after a space or a tag, and is taken whole: the possessive quantifier never
# backtracks), in text rather than in a tag. Without both, a long data: URI in an attribute took quadratic time.
# A whole token (it starts after a space or a tag, and is taken whole: the possessive quantifier never
# backtracks), in text rather than in a tag. Without both, a long data: URI in an attribute took quadratic time.
TOKEN = re.compile(r"(?<![^<>\s])([^<>\s]{2,}+)(?=[^<>]*(?:<|$))")
LONGEST_WHOLE = 14  # letters: a word shorter than this ("unfavourable", "international") never breaks in a table
WIDE_TABLE = 6  # columns from which a table gets smaller type on a narrow page
TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.S | re.I)


def _token(match: re.Match) -> str:
    token = match.group(1)
    # A URL, an identifier may break anywhere rather than overflow; its length as read (&quot; is one letter).
    if len(unescape(token)) >= LONGEST_WHOLE:
        return f"<span class='sp-long'>{token}</span>"
    if "-" in token:  # a date (2025-05-07), a range (2024-2025): kept on one line
        return f"<span class='sp-whole'>{token}</span>"
    return token


def _table(match: re.Match) -> str:
    attributes, body = match.groups()
    if len(re.findall(r"<th\b", body.split("</tr>", 1)[0])) < WIDE_TABLE:
        return match.group(0)
    return f"<table{attributes} data-sp-wide='1'>{body}</table>"


def long_tokens(html: str) -> str:
    """Mark tokens of LONGEST_WHOLE letters or more (a URL, an identifier) as ``sp-long``, the only ones that
    may break anywhere, and shorter ones with a hyphen as ``sp-whole`` (never broken), so that a narrow
    column breaks a long token rather than "Rus/sia", "2/0/1/3" or "2025-05-/07"; tables of WIDE_TABLE
    columns or more are marked for smaller type on a narrow page."""
    # Style and script blocks (pandas writes a <style>) are code, not text: left as they are.
    pieces = re.split(r"(<(?:style|script)\b.*?</(?:style|script)>)", html, flags=re.S | re.I)
    html = "".join(piece if i % 2 else TOKEN.sub(_token, piece) for i, piece in enumerate(pieces))
    return TABLE.sub(_table, html)


HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.I)
MARKDOWN_HEADING = re.compile(r"^(#{1,6}) ", re.M)


def fit_headings(html: str, deepest: int) -> str:
    """Headings in an output one level at most below the section they sit in (axe: heading-order)."""
    return HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)), deepest)}", html)


def static_widgets(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` in which every widget output is static (its HTML form or the note); no widget state.

    Headings inside outputs (a sources block, a widget's title) are fitted under the lesson's last heading.
    """
    out = copy.deepcopy(nb)
    section = 1
    for cell in out.cells:
        if cell.get("cell_type") == "markdown":
            levels = [len(m.group(1)) for m in MARKDOWN_HEADING.finditer(cell.source)]
            section = levels[-1] if levels else section
        for output in cell.get("outputs", []):
            _static_output(output)
            if "text/html" in output.get("data", {}):
                output.data["text/html"] = fit_headings(output.data["text/html"], section + 1)
    out.metadata.pop(WIDGET_STATE_KEY, None)
    return out


def lesson_material(nb: NotebookNode, student: bool):
    """The material (questions, exercises, activities) of the lesson ``nb`` loads in its setup cell, or None."""
    from .material import material

    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            match = LESSON_CALL.search(cell.source)
            if match:
                found = material(match.group(2))
                return found.student_edition() if student else found
    return None


def _paper_outputs(cell: NotebookNode, part: Interactive, found) -> list[NotebookNode] | None:
    """The outputs a recognised interactive cell prints, or None to leave it to the generic rules."""
    from . import printed

    if part.kind == "quiz" and found is not None and found.questions:
        return [_html_output(printed.quiz(found.questions))]
    if part.kind == "sorter" and found is not None and part.ident:
        return [_html_output(printed.sorter(found.activity(part.ident)))]
    if part.kind == "check" and found is not None and part.ident:
        return [_html_output(printed.exercise(found.exercise(part.ident)))]
    if part.kind == "explorer":
        kept = [o for o in cell.outputs if WIDGET_VIEW not in o.get("data", {}) or "text/html" in o.get("data", {})]
        return kept + [_html_output(printed.note(explorer_line(part)))]
    widget = printable_widget(part.kind)
    if widget is not None:
        return [_html_output(widget.paper_form())]
    if part.kind in WIDGET_LINES:
        return [_html_output(printed.note(WIDGET_LINES[part.kind]))]
    return None


def paper_forms(nb: NotebookNode, with_solutions: bool) -> NotebookNode:
    """A copy of ``nb`` in which each interactive part has its printed form; the teacher's gets an answer key."""
    from . import printed

    out = copy.deepcopy(nb)
    found = lesson_material(out, student=not with_solutions)
    parts = []
    for cell in out.cells:
        part = _print_cell(cell, found) if cell.get("cell_type") == "code" else None
        if part is not None:
            parts.append(part)
    if with_solutions and found is not None:
        activities = [part.ident for part in parts if part.kind == "sorter"]
        exercises = [part.ident for part in parts if part.kind == "check"]
        key = nbformat.v4.new_code_cell("", metadata={"tags": [HIDE_INPUT_TAG]})
        key.outputs = [_html_output(printed.answer_key(found, activities, exercises))]
        out.cells.append(key)
    return out


def _print_cell(cell: NotebookNode, found: Any) -> Interactive | None:
    """Give one code cell its printed form, in place; the interactive part it holds, if it printed one."""
    from . import printed

    tags = cell.setdefault("metadata", {}).setdefault("tags", [])
    if MACHINE_SPECIFIC_TAG in tags and cell.get("outputs"):
        cell.outputs = [_html_output(printed.note(MACHINE_NOTE))]
        return None
    part = interactive_part(cell)
    paper = _paper_outputs(cell, part, found) if part else None
    if paper is None:
        return None
    cell.outputs = paper
    if part.kind != "explorer" and HIDE_INPUT_TAG not in tags:  # the others' code is one call
        tags.append(HIDE_INPUT_TAG)
    return part


# A paragraph that tells a reader on screen what to click: a handout prints the question with its own lead
# ("Circle one answer for each question.") instead.
SCREEN_ONLY = re.compile(
    r"^[^\n]*(?:press \*\*Check|\*\*Check my sorting\*\*|\*Try again\*|\*Start again\*|Run > Run All|"
    r"Run the setup cell)[^\n]*\n?",
    re.M,
)
# The names a lesson's plumbing calls through: the course package and the lesson's own object.
HELPER_NAMES = {"h", "lesson"}


def paper_text(markdown: str) -> str:
    """A markdown cell's text for paper: paragraphs of screen-only instructions left out."""
    return SCREEN_ONLY.sub("", markdown)


def _helper_call(node: ast.AST) -> bool:
    """``h.bar(...)``, ``lesson.sources()``, ``h.show_table(frame[...])``: a call of the course's helpers."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if isinstance(node.func.value, ast.Name):
            return node.func.value.id in HELPER_NAMES
        node = node.func.value
    return False


def _is_blank_answer(node: ast.AST) -> bool:
    """``answer_2_1 = ...``: the place a student types an answer on screen; paper prints the exercise's blank."""
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def teaches_code(cell: NotebookNode) -> bool:
    """Whether a handout prints a code cell's code: not for the setup cell, nor for a cell whose code only
    calls the course's helpers to show something (a chart, a table, the sources): on paper that code says
    nothing the output does not. Code that works on the data itself (pandas, arithmetic) is what a lesson
    teaches, and it prints."""
    if "setup" in cell.get("metadata", {}).get("tags", []):
        return False
    try:
        statements = ast.parse(cell.source).body
    except SyntaxError:
        return True
    values = [getattr(stmt, "value", None) for stmt in statements]
    plumbing = (
        statements
        and all(isinstance(stmt, (ast.Expr, ast.Assign, ast.Import, ast.ImportFrom)) for stmt in statements)
        and all(v is None or _helper_call(v) or _is_blank_answer(v) for v in values)
    )
    return not plumbing


def handout_notebook(nb: NotebookNode, with_solutions: bool = False) -> NotebookNode:
    """The notebook a handout is drawn from: printed forms, static widgets, the edition's text and solutions,
    no screen-only instructions, and code only where the lesson teaches code (:func:`teaches_code`)."""
    source = nb if with_solutions else student_text(strip_solutions(nb))
    source = copy.deepcopy(source)
    for cell in source.cells:
        if cell.get("cell_type") == "markdown":
            text = edition_text(cell.source, student=False) if with_solutions else cell.source
            cell.source = paper_text(text)
        elif cell.get("cell_type") == "code" and not is_solution(cell) and not teaches_code(cell):
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if HIDE_INPUT_TAG not in tags:
                tags.append(HIDE_INPUT_TAG)
    return static_widgets(paper_forms(source, with_solutions))


def handout_note(title: str, with_solutions: bool) -> str:
    """The line at the top of a handout saying what it is and where the interactive parts are."""
    edition = "teacher's handout, with worked solutions and an answer key" if with_solutions else "student handout"
    return (
        f"{title}: {edition}. A printable copy: the quiz, the exercises and the sorting activities are printed "
        "as questions to answer on paper; run the lesson in JupyterLab to use them interactively."
    )


def handout_html(nb: NotebookNode, title: str, lesson_dir: Path, with_solutions: bool = False) -> str:
    """A self-contained HTML page for one lesson; ``lesson_dir`` is where its local images are found."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="lab",
        embed_images=True,  # markdown images become data: URIs, so the file stands alone
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={HIDE_INPUT_TAG}), enabled=True)
    exporter.raw_template = HANDOUT_TEMPLATE
    source = handout_notebook(nb, with_solutions)
    source.metadata["title"] = title  # the page title; the template escapes it
    resources = {
        "metadata": {"name": title, "path": str(lesson_dir)},
        "handout_note": handout_note(title, with_solutions),
        "handout_css": handout_css(title),
    }
    html, _ = exporter.from_notebook_node(source, resources=resources)
    return labelled_table_headers(html)  # pandas' tables and markdown tables alike


# --- folders ---------------------------------------------------------------------------------------------------


def lesson_files(src_dir: Path) -> list[Path]:
    """The lesson notebooks in ``src_dir`` (``NN_slug.ipynb``), in order; none is an error."""
    src = Path(src_dir)
    if not src.is_dir():
        raise EditionError(f"the lessons folder {src} does not exist or is not a folder")
    paths = lesson_notebooks(src)
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
