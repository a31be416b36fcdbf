"""The course as a static website, built offline from the committed executed lessons (``python -m helpers site``).

Sphinx with myst-nb and sphinx-book-theme (the engine of Jupyter Book 1) reads the lessons as they are stored:
nothing is executed again (``nb_execution_mode = "off"``). Each lesson goes through the same preparation as its
handout (:func:`helpers.editions.handout_notebook`), so interactive parts read on the site exactly as on paper
and no widget view is left as raw text. The student site has the student edition's wording and no solutions;
``--with-solutions`` keeps the worked solutions in closed dropdowns and adds the instructor guide.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import nbformat

from .data import data_dir
from .editions import (
    HIDE_INPUT_TAG,
    EditionError,
    handout_notebook,
    is_solution,
    lesson_files,
    lesson_title,
    read_lesson,
    student_notebook,
)

ROOT = Path(__file__).resolve().parent.parent
GUIDE = "INSTRUCTOR_GUIDE.md"
TARGET_PATH = "soft-power-companion"
"""The folder nbgitpuller pulls the course into on a hub (the same name as README, "Hosted classrooms")."""
SOLUTION_LABEL = "Show the worked solution"


class SiteError(ValueError):
    """Bad settings or input for the site build; the message says what was wrong and what is valid."""


@dataclass(frozen=True)
class Launch:
    """Where the launch links point: the course's git repository, its branch, and a school's JupyterHub."""

    repo: str = ""
    branch: str = "main"
    hub: str = ""

    def __post_init__(self) -> None:
        for name, url in (("--repo", self.repo), ("--hub", self.hub)):
            if url and urlsplit(url).scheme not in ("https", "http"):
                raise SiteError(f"{name} must be an http(s) address such as https://github.com/OWNER/REPO, not {url!r}")
        if not re.fullmatch(r"[A-Za-z0-9._/-]+", self.branch):
            raise SiteError(f"--branch must be a git branch name such as main, not {self.branch!r}")

    def binder(self, lesson: str) -> str:
        """mybinder.org's address that opens ``lessons/<lesson>`` of the repository in JupyterLab."""
        if not self.repo:
            return ""
        parts = urlsplit(self.repo)
        urlpath = quote(f"lab/tree/lessons/{lesson}", safe="")
        if parts.netloc == "github.com":
            slug = parts.path.strip("/").removesuffix(".git")
            return f"https://mybinder.org/v2/gh/{slug}/{self.branch}?urlpath={urlpath}"
        return f"https://mybinder.org/v2/git/{quote(self.repo, safe='')}/{self.branch}?urlpath={urlpath}"

    def hub_link(self, lesson: str) -> str:
        """The nbgitpuller address that copies the course into the student's hub folder and opens the lesson."""
        if not (self.repo and self.hub):
            return ""
        query = "&".join(
            f"{key}={quote(value, safe='')}"
            for key, value in (
                ("repo", self.repo),
                ("branch", self.branch),
                ("targetpath", TARGET_PATH),
                ("urlpath", f"lab/tree/{TARGET_PATH}/lessons/{lesson}"),
            )
        )
        return f"{self.hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


# --- text from data, made safe for Markdown ------------------------------------------------------------------------

_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md_escape(text: str) -> str:
    """Text shown literally in MyST Markdown: every ASCII punctuation mark backslash-escaped (CommonMark allows it)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))


def source_anchor(source_id: str) -> str:
    """The HTML id of a source's entry on the bibliography page (what Sphinx makes of the label ``src-<id>``)."""
    from docutils.nodes import make_id

    return make_id(f"src-{source_id}")


def link_citations(text: str, labels: dict[str, str], page: str = "bibliography.html") -> str:
    """``text`` with every inline citation of a known source (``[Laruelle & Luo 2020]``, ``[…, section 2]``)
    turned into a link to its entry on the bibliography page.

    ``labels`` maps source ids to their short labels (``citations.short_labels()``). Works on Markdown and on
    HTML alike: the link is an HTML ``<a>`` and the label is matched as it is written (``&`` or ``&amp;``).
    A bracket already followed by ``(`` is a Markdown link and is left alone.
    """
    by_label: dict[str, str] = {}
    for sid, label in labels.items():
        by_label[label] = sid
        by_label[html.escape(label, quote=False)] = sid
    if not by_label:
        return text
    names = "|".join(re.escape(label) for label in sorted(by_label, key=len, reverse=True))
    pattern = re.compile(rf"\[({names})((?:,[^\[\]<>\n]*)?)\](?!\()")

    def link(match: re.Match) -> str:
        sid = by_label[match.group(1)]
        label = html.escape(html.unescape(match.group(1)), quote=False)
        rest = html.escape(html.unescape(match.group(2)), quote=False)
        return f'<a class="sp-cite" href="{page}#{source_anchor(sid)}">[{label}{rest}]</a>'

    return pattern.sub(link, text)


# --- pages generated from data -----------------------------------------------------------------------------------


def _rows(name: str) -> list[dict[str, str]]:
    with open(data_dir() / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _md_link(url: str, text: str) -> str:
    safe = quote(url, safe=":/?#[]@!$&'*+,;=%~")
    return f"[{md_escape(text)}](<{safe.replace('<', '%3C').replace('>', '%3E')}>)"


def bibliography_page() -> str:
    """The bibliography as a MyST page: one entry per source, sorted by label, each with its own anchor."""
    rows = sorted(_rows("bibliography"), key=lambda r: r["short"].lower())
    lines = [
        "# Bibliography",
        "",
        "Every source the course cites, with its kind (official, press, academic, ...) and standing. Inline "
        "citations in the lessons, such as \\[Laruelle \\& Luo 2020\\], link here. The same list is in "
        "`data/bibliography.csv`.",
        "",
    ]
    for row in rows:
        url = f" {_md_link(row['url'], row['url'])}" if row["url"] else ""
        note = f" {md_escape(row['note'])}" if row["note"] else ""
        lines += [
            f"(src-{row['source_id']})=",
            f"**\\[{md_escape(row['short'])}\\]** {md_escape(row['authors'])} ({md_escape(row['date'] or 'n.d.')}). "
            f"*{md_escape(row['title'])}*. {md_escape(row['outlet'])}.{url} "
            f"({md_escape(row['kind'])}; {md_escape(row['standing'])}).{note}",
            "",
        ]
    return "\n".join(lines)


def glossary_page(labels: dict[str, str]) -> str:
    """The glossary as a MyST page: each term with its definition, its Chinese and Russian equivalents, its source."""
    rows = sorted(_rows("glossary"), key=lambda r: r["term"].lower())
    lines = [
        "# Glossary",
        "",
        "The course's key terms, with their usual Chinese and Russian equivalents. The same list is in "
        "`data/glossary.csv`.",
        "",
    ]
    for row in rows:
        equivalents = []
        if row.get("chinese"):
            equivalents.append(f"Chinese {md_escape(row['chinese'])} ({md_escape(row.get('pinyin', ''))})")
        if row.get("russian"):
            equivalents.append(f"Russian {md_escape(row['russian'])} ({md_escape(row.get('transliteration', ''))})")
        cited = [sid for sid in (row.get("source_id"), row.get("terms_source_id")) if sid]
        sources = "; ".join(f"[{md_escape(labels.get(sid, sid))}](#src-{sid})" for sid in dict.fromkeys(cited))
        lines += [
            f"**{md_escape(row['term'])}**",
            f": {md_escape(row['definition'])}" + (f" {'; '.join(equivalents)}." if equivalents else ""),
            *([f"  Sources: {sources}."] if sources else []),
            "",
        ]
    return "\n".join(lines)


def course_map(lessons: list[tuple[str, str]]) -> str:
    """The landing page: the course map of README.md (lesson, what you will be able to do, time), linked to pages."""
    rows = _readme_course_map()
    lines = [
        "# Soft Power Companion",
        "",
        "A course in nine lessons on soft power: Nye's theory, Russian soft power in China, Russia's turn toward "
        "Chinese ideas, and the China-Russia Years of Culture 2024-2025. Each lesson is a Jupyter notebook; this "
        "site shows them as they were last run, with their charts and tables. The quizzes, exercises and "
        "explorers run in JupyterLab: every lesson page has links to open it there or to download it.",
        "",
        "## Course map",
        "",
        "| # | Lesson | What you will be able to do | Time |",
        "|---|---|---|---|",
    ]
    for stem, title in lessons:
        number = stem[:2]
        what, minutes = rows.get(number, ("", ""))
        lines.append(f"| {number} | [{md_escape(title)}]({stem}.ipynb) | {md_escape(what)} | {md_escape(minutes)} |")
    lines += ["", "See also the [glossary](glossary.md) and the [bibliography](bibliography.md).", ""]
    return "\n".join(lines)


_MAP_ROW = re.compile(r"^\|\s*(\d\d)\s*\|\s*\[[^\]]*\]\(lessons/[^)]+\)\s*\|([^|]*)\|([^|]*)\|", re.M)


def _readme_course_map() -> dict[str, tuple[str, str]]:
    """What each lesson lets a student do, and its time, from the README's course map (the one place they live)."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    return {m.group(1): (m.group(2).strip(), m.group(3).strip()) for m in _MAP_ROW.finditer(text)}


# --- lessons -------------------------------------------------------------------------------------------------------


def launch_cell(lesson: str, launch: Launch, download: str) -> nbformat.NotebookNode:
    """The Markdown cell under a lesson's title: where to run it, and a download of the notebook."""
    links = []
    if launch.binder(lesson):
        links.append(f"[Open it on Binder]({launch.binder(lesson)}) (free, nothing to install; work is not kept)")
    if launch.hub_link(lesson):
        links.append(f"[Open it on the school's JupyterHub]({launch.hub_link(lesson)})")
    links.append(f"{{download}}`Download the notebook <{download}>` and open it in JupyterLab")
    text = (
        "**Run this lesson.** This page shows the lesson as it was last run; its quizzes, exercises and explorers "
        "work in JupyterLab. " + "; ".join(links) + "."
    )
    return nbformat.v4.new_markdown_cell(text, metadata={"tags": ["sp-launch"]})


def site_notebook(nb: nbformat.NotebookNode, with_solutions: bool, labels: dict[str, str]) -> nbformat.NotebookNode:
    """One lesson as the site shows it: the handout's printed forms and wording, solutions in closed dropdowns,
    citations linked, and the cells whose code only makes a widget shown by their output alone."""
    out = handout_notebook(nb, with_solutions=with_solutions)
    for cell in out.cells:
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if cell.get("cell_type") == "markdown":
            cell.source = link_citations(cell.source, labels)
            continue
        if cell.get("cell_type") != "code":
            continue
        if HIDE_INPUT_TAG in tags:
            tags.append("remove-input")
        if is_solution(cell):
            tags.append("hide-cell")
            cell.metadata["mystnb"] = {"code_prompt_show": SOLUTION_LABEL, "code_prompt_hide": "Hide the solution"}
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                data["text/html"] = link_citations("".join(data["text/html"]), labels)
    return out


def insert_after_title(nb: nbformat.NotebookNode, cell: nbformat.NotebookNode) -> None:
    """Put ``cell`` just after the first Markdown cell (the one with the lesson's title)."""
    first = next((i for i, c in enumerate(nb.cells) if c.get("cell_type") == "markdown"), -1)
    nb.cells.insert(first + 1, cell)


# --- the build -----------------------------------------------------------------------------------------------------

CONF = """\
# Written by `python -m helpers site` for one build; see helpers/site.py.
project = "Soft Power Companion"
author = "Soft Power Companion"
copyright = "the authors; MIT licence"
extensions = ["myst_nb", "sphinx_book_theme"]
html_theme = "sphinx_book_theme"
html_title = {title!r}
exclude_patterns = ["_build", "downloads/**", "**.ipynb_checkpoints"]
nb_execution_mode = "off"          # the committed outputs, as they are
nb_ipywidgets_js = {{}}             # no widget state is kept, and no script from a CDN
nb_merge_streams = True
myst_enable_extensions = ["deflist"]
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_js_files = ["course.js"]
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {{
    "use_download_button": False,  # its own download offers the page's source; each lesson links its notebook
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}}
suppress_warnings = ["mystnb.unknown_mime_type"]
"""

# Darker link and note colours than the theme's for WCAG AA contrast on its light background. On a phone, code
# and long identifiers wrap instead of widening the page; a wide table scrolls inside its output, which
# course.js then makes reachable by keyboard (axe: scrollable-region-focusable).
CSS = """\
html[data-theme="light"] { --pst-color-link: #1a5a9e; --pst-color-link-hover: #0d3a6b;
  --pst-color-primary: #1a5a9e; --pst-color-text-muted: #4d5561; }
.bd-content .cell_output { overflow-x: auto; max-width: 100%; }
.bd-content div.highlight pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.bd-content code.literal, .bd-content code.literal span.pre { white-space: normal; overflow-wrap: anywhere; }
.bd-content td, .bd-content th { overflow-wrap: anywhere; }
.bd-content svg, .bd-content img { max-width: 100%; height: auto; }
@media print { .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header, .prev-next-area { display: none !important; } }
"""
JS = """\
// An output wider than the page scrolls sideways: give it a name and a place in the tab order.
document.addEventListener("DOMContentLoaded", () => {
  for (const el of document.querySelectorAll(".bd-content .cell_output")) {
    if (el.scrollWidth > el.clientWidth + 1) {
      el.tabIndex = 0;
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", "Wide output: scroll sideways");
    }
  }
});
"""


def write_sources(src: Path, lessons_dir: Path, with_solutions: bool, launch: Launch) -> list[str]:
    """Write the Sphinx sources of the site into ``src``; the documents in order."""
    from .citations import short_labels

    labels = short_labels()
    (src / "_static").mkdir(parents=True)
    (src / "downloads").mkdir()
    (src / "_static" / "course.css").write_text(CSS, encoding="utf-8")
    (src / "_static" / "course.js").write_text(JS, encoding="utf-8")
    title = "Soft Power Companion" + (" (teacher's edition)" if with_solutions else "")
    (src / "conf.py").write_text(CONF.format(title=title), encoding="utf-8")
    lessons = []
    for path in lesson_files(lessons_dir):
        nb = read_lesson(path)
        title_text = lesson_title(nb, path.stem)
        download = nb if with_solutions else student_notebook(nb)
        nbformat.write(download, src / "downloads" / path.name)
        page = site_notebook(nb, with_solutions, labels)
        insert_after_title(page, launch_cell(path.name, launch, f"downloads/{path.name}"))
        nbformat.write(page, src / path.name)
        lessons.append((path.stem, title_text))
    docs = [stem for stem, _ in lessons] + ["glossary", "bibliography"]
    (src / "glossary.md").write_text(glossary_page(labels).replace("](#src-", "](bibliography.md#src-"), "utf-8")
    (src / "bibliography.md").write_text(bibliography_page(), encoding="utf-8")
    if with_solutions:
        shutil.copyfile(lessons_dir / GUIDE, src / "instructor_guide.md")
        docs.append("instructor_guide")
    toctree = ["```{toctree}", ":hidden:", ":maxdepth: 1", "", *docs, "```", ""]
    (src / "index.md").write_text(course_map(lessons) + "\n" + "\n".join(toctree), encoding="utf-8")
    return ["index", *docs]


def check_site_folder(out_dir: Path, force: bool) -> Path:
    out = Path(out_dir).resolve()
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out} is a file; give a new or empty folder for the site")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise SiteError(f"{out} is not empty; give a new or empty folder, or add --force to replace its content")
    lessons = (ROOT / "lessons").resolve()
    if out == lessons or lessons in out.parents:
        raise SiteError(f"{out} is inside lessons/; write the site outside the lessons folder")
    return out


def build_site(
    out_dir: Path,
    with_solutions: bool = False,
    launch: Launch = Launch(),
    lessons_dir: Path | None = None,
    force: bool = False,
    quiet: bool = True,
) -> float:
    """Build the site into ``out_dir`` (open ``index.html``); the seconds it took. Nothing is executed."""
    from sphinx.application import Sphinx

    started = time.perf_counter()
    out = check_site_folder(out_dir, force)
    lessons_dir = Path(lessons_dir or ROOT / "lessons")
    with tempfile.TemporaryDirectory(prefix="soft-power-site-") as tmp:
        src = Path(tmp) / "src"
        write_sources(src, lessons_dir, with_solutions, launch)
        html_dir = Path(tmp) / "html"
        app = Sphinx(
            str(src),
            str(src),
            str(html_dir),
            str(Path(tmp) / "doctrees"),
            "html",
            status=None if quiet else sys.stdout,
            warning=None if quiet else sys.stderr,
            freshenv=True,
            keep_going=True,
        )
        app.build()
        if app.statuscode:
            raise SiteError(f"Sphinx stopped with status {app.statuscode}")
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(html_dir, out)
    return time.perf_counter() - started


# --- checking the result -------------------------------------------------------------------------------------------

_HREF = re.compile(r"""\s(?:href|src)=["']([^"']*)["']""", re.I)
_ID = re.compile(r"""\sid=["']([^"']+)["']""", re.I)


def _is_external(href: str) -> bool:
    parts = urlsplit(href)
    return not href or bool(parts.scheme or parts.netloc) or href.startswith(("mailto:", "javascript:", "data:"))


def _link_target(page: Path, path: str) -> Path:
    """The file a relative link of ``page`` names: the page itself for a bare anchor, index.html for a folder."""
    target = (page.parent / unquote(path)).resolve() if path else page
    return target / "index.html" if target.is_dir() else target


def broken_links(site: Path) -> list[str]:
    """Every internal link or resource of the site's HTML pages that points at a missing file or anchor."""
    site = Path(site)
    ids: dict[Path, set[str]] = {}

    def anchors(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = set(_ID.findall(page.read_text(encoding="utf-8", errors="replace")))
        return ids[page]

    problems = []
    # Pages, not the theme's template fragments that Sphinx copies into _static/ as they are.
    for page in sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts):
        for href in map(html.unescape, _HREF.findall(page.read_text(encoding="utf-8", errors="replace"))):
            if _is_external(href):
                continue
            parts = urlsplit(href)
            target = _link_target(page, parts.path)
            where = f"{page.relative_to(site)}: {href}"
            if not target.is_file():
                problems.append(f"{where} (no such file)")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in anchors(target):
                problems.append(f"{where} (no such anchor)")
    return problems


__all__ = ["Launch", "SiteError", "EditionError", "build_site", "broken_links", "link_citations"]
