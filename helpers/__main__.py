"""Command line for students, teachers and course authors.

``python -m helpers lab [JUPYTERLAB OPTION ...]`` opens the course in JupyterLab, set for a classroom.
``python -m helpers lab-settings [--user-settings DIR] [--app-dir DIR] [--user-only]`` writes those settings
without starting JupyterLab (binder/postBuild and the hub's spawn hook use it).
``python -m helpers execute [LESSON ...]`` re-runs lessons and stores their outputs.
``python -m helpers student-edition OUT_DIR [--force]`` writes the lessons without solutions or outputs.
``python -m helpers handouts OUT_DIR [--force] [--with-solutions]`` writes one offline HTML handout per lesson.
``python -m helpers new-lesson NN slug "Title" [--source ID ...]`` starts a new lesson (see AUTHORING.md).
``python -m helpers progress export FILE --name NAME`` writes a student's answers to hand in.
``python -m helpers class-report IN ... --out report.html [--csv grades.csv]`` writes the teacher's class report.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .files import write_text_atomically
from .lesson import lesson_notebooks

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"


def lesson_paths(names: list[str]) -> list[Path]:
    """The lesson notebooks named (all of them when none is named); unknown names are an error."""
    if not names:
        return lesson_notebooks(LESSONS)
    paths = [Path(n) for n in names]
    missing = [str(p) for p in paths if not p.is_file() or p.suffix != ".ipynb"]
    if missing:
        raise SystemExit(
            f"not a notebook: {', '.join(missing)}. Lessons: {', '.join(p.name for p in lesson_paths([]))}"
        )
    return paths


def execute(path: Path, timeout: int = 300) -> float:
    """Run a notebook top to bottom in a fresh kernel and save it with its outputs; return seconds taken."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    # The kernel inherits this: the solution and quiz runs must not land in the author's own progress.
    os.environ["SOFT_POWER_PROGRESS"] = os.path.join(tempfile.mkdtemp(prefix="sp-execute-"), "progress.json")
    start = time.perf_counter()
    # record_timing=False keeps per-cell timestamps out of the committed file; widget state is not stored
    # because nothing reads it (a widget shows only once its cell runs) and it was most of a lesson's bytes.
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        store_widget_state=False,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def with_root_option(cmd: list[str], is_root: bool | None = None) -> list[str]:
    """``cmd`` (a `jupyter lab` command line) with --allow-root once when run as root: JupyterLab refuses
    to start as root without it. ``is_root`` defaults to whether this process runs as root."""
    is_root = running_as_root() if is_root is None else is_root
    return [*cmd, "--allow-root"] if is_root and "--allow-root" not in cmd else cmd


def first_lesson() -> Path:
    """The lesson a newcomer starts with (lesson 00)."""
    return lesson_notebooks(LESSONS)[0]


def lab_command(extra: list[str], is_root: bool | None = None) -> list[str]:
    """`jupyter lab` on the lessons folder, opening lesson 00 (not the Launcher), set for whoever runs it."""
    # LabApp.default_url, as binder/postBuild sets it: a URL asked for on the command line still wins.
    start = f"--LabApp.default_url=/lab/tree/{first_lesson().name}"
    return with_root_option(
        [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={LESSONS}", start, *extra], is_root
    )


NEXT_STEP = (
    "Opening lesson 00 ({name}) in your browser. Next: Run > Run All Cells, then read from the top. "
    "Ctrl+C here stops JupyterLab."
)


# JupyterLab settings the course's launcher adds, as a namespaced file in the settings folder's overrides.d/:
# JupyterLab reads those before the folder's own overrides.json and the user's settings, so both still win.
COURSE_SETTINGS = "soft-power-companion.json"
# Sizes for a classroom projector at 1280x720 (JupyterLab's defaults: 14 px text, 13 px code and interface).
# Widget text (ipywidgets' --jp-widgets-font-size) follows the interface size, citation tags are 85 % of the text.
FONT_SIZES = {"content-font-size1": "18px", "code-font-size": "16px", "ui-font-size1": "15px"}
# JupyterLab 4.6 applies the themes plugin's "overrides" (CSS variables) from the user's settings only: its
# ThemeManager.loadCSSOverrides reads `settings.user.overrides`, never the composite with defaults, so the
# same key in overrides.d/ or overrides.json is accepted by the server and has no effect in the page.
THEMES_SETTINGS = Path("@jupyterlab") / "apputils-extension" / "themes.jupyterlab-settings"
# JupyterLab's command-mode shortcuts fire on any focused element of a notebook, a menu or choice of a
# course widget included: there an arrow key would move to another cell instead of changing the answer.
FOCUSED = ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus"
FOCUSED_NOT_A_CONTROL = FOCUSED + ":not(select):not(input):not(textarea)"


def control_safe_shortcuts(app_dir: Path) -> list[dict]:
    """Each notebook shortcut on FOCUSED disabled and bound again everywhere but on form controls."""
    schema = app_dir / "schemas" / "@jupyterlab" / "notebook-extension" / "tracker.json"
    if not schema.is_file():
        return []
    shortcuts = json.loads(schema.read_text(encoding="utf-8")).get("jupyter.lab.shortcuts", [])
    mine = [s for s in shortcuts if s.get("selector") == FOCUSED]
    return [{**s, "disabled": True} for s in mine] + [{**s, "selector": FOCUSED_NOT_A_CONTROL} for s in mine]


def lab_overrides(app_dir: Path) -> dict:
    """The course's JupyterLab settings: no news or update pop-ups, projector-sized text, keyboard-safe widgets."""
    return {
        "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/apputils-extension:themes": {"overrides": FONT_SIZES},
        # Long code lines wrap inside the cell instead of running off it at 1280x720 with the side bar open.
        "@jupyterlab/notebook-extension:tracker": {"codeCellConfig": {"lineWrap": True}},
        "@jupyterlab/shortcuts-extension:shortcuts": {"shortcuts": control_safe_shortcuts(app_dir)},
    }


def write_lab_settings(settings_dir: Path, app_dir: Path) -> Path:
    """Write the course's settings into ``settings_dir``/overrides.d/ (nothing else there is touched)."""
    path = settings_dir / "overrides.d" / COURSE_SETTINGS
    path.parent.mkdir(parents=True, exist_ok=True)
    # In one step: JupyterLab starting meanwhile (a second launch) must not read half a settings file.
    return write_text_atomically(path, json.dumps(lab_overrides(app_dir), indent=1) + "\n")


def write_font_sizes(user_settings_dir: Path) -> Path:
    """Add FONT_SIZES to the user's theme settings in ``user_settings_dir``; sizes the user set stay as they are."""
    import json5  # JupyterLab's settings files are JSON5 (they may carry comments)

    path = user_settings_dir / THEMES_SETTINGS
    try:
        settings = json5.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except ValueError as exc:
        raise SystemExit(f"cannot read JupyterLab's theme settings {path}: {exc}; fix or delete that file") from exc
    overrides = settings.setdefault("overrides", {})
    for key, size in FONT_SIZES.items():
        if overrides.get(key) is None:  # JupyterLab writes null for "not set"
            overrides[key] = size
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_text_atomically(path, json.dumps(settings, indent=1) + "\n")


def lab_settings_options() -> list[str]:
    """Install the course's settings for JupyterLab; options for `jupyter lab` if they had to go elsewhere."""
    from jupyterlab.commands import get_app_dir, get_user_settings_dir

    app_dir = Path(get_app_dir())
    write_font_sizes(Path(get_user_settings_dir()))
    try:
        write_lab_settings(app_dir / "settings", app_dir)
        return []
    except OSError:  # a read-only installation (a shared image): a copy of its settings folder, plus ours
        own = Path(tempfile.mkdtemp(prefix="soft-power-lab-settings-"))
        if (app_dir / "settings").is_dir():
            shutil.copytree(app_dir / "settings", own, dirs_exist_ok=True)
        write_lab_settings(own, app_dir)
        return [f"--LabApp.app_settings_dir={own}"]


def lab_settings(user_settings: Path | None, app_dir: Path | None, user_only: bool) -> int:
    """Write the course's settings for a JupyterLab started elsewhere (Binder, a hub); say where."""
    from jupyterlab.commands import get_app_dir, get_user_settings_dir

    fonts = write_font_sizes(user_settings or Path(get_user_settings_dir()))
    print(f"classroom font sizes in {fonts}", flush=True)
    if not user_only:
        app_dir = app_dir or Path(get_app_dir())
        print(f"course settings in {write_lab_settings(app_dir / 'settings', app_dir)}", flush=True)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m helpers`` parser with its subcommands."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("lab", help="open the course in JupyterLab (other options are passed to jupyter lab)")
    settings = sub.add_parser(
        "lab-settings", help="write the course's JupyterLab settings (font sizes, no pop-ups) without starting it"
    )
    settings.add_argument("--user-settings", type=Path, help="the user settings folder (default: JupyterLab's)")
    settings.add_argument("--app-dir", type=Path, help="JupyterLab's application folder (default: this environment's)")
    settings.add_argument(
        "--user-only", action="store_true", help="only the user's font sizes (the environment's settings exist)"
    )
    run = sub.add_parser("execute", help="re-run lessons in place so their stored outputs are current")
    run.add_argument("lessons", nargs="*", help="notebook paths (default: every lesson)")
    student = sub.add_parser(
        "student-edition", help="write every lesson without solution cells, outputs or widget state into OUT_DIR"
    )
    handout = sub.add_parser(
        "handouts", help="write a standalone HTML handout of every lesson (no kernel, no internet) into OUT_DIR"
    )
    for command in (student, handout):
        command.add_argument("out_dir", metavar="OUT_DIR", type=Path, help="a new or empty folder outside lessons/")
        command.add_argument(
            "--force", action="store_true", help="write into a non-empty folder, replacing only the lesson files"
        )
    handout.add_argument("--with-solutions", action="store_true", help="keep the worked solutions (for teachers)")
    site = sub.add_parser(
        "site", help="build the course as a static website into OUT_DIR from the stored outputs (README, The website)"
    )
    site.add_argument("out_dir", metavar="OUT_DIR", type=Path, help="a new or empty folder outside lessons/")
    site.add_argument("--force", action="store_true", help="replace the content of a non-empty folder")
    site.add_argument(
        "--with-solutions", action="store_true", help="the teacher's site: worked solutions and the instructor guide"
    )
    site.add_argument("--repo", default="", help="the course's git repository, for the launch links (https://...)")
    site.add_argument("--branch", default="main", help="its branch the launch links open (default: main)")
    site.add_argument("--hub", default="", help="the school's JupyterHub address, for nbgitpuller links (https://...)")
    new = sub.add_parser(
        "new-lesson",
        help="start lesson NN: notebook, question bank, instructor guide section and README row (see AUTHORING.md)",
    )
    new.add_argument("number", metavar="NN", help="the next free two-digit number (lessons run without gaps)")
    new.add_argument("slug", help="the file name's part after the number: lowercase letters, digits, underscores")
    new.add_argument("title", help="the lesson's title, in quotes")
    new.add_argument(
        "--source",
        dest="sources",
        metavar="ID",
        action="append",
        default=[],
        help="a source_id of data/bibliography.csv the lesson draws on; repeat for more "
        "(the placeholders cite the first; default: nye_2004)",
    )
    add_class_commands(sub)
    return parser


def add_class_commands(sub: argparse._SubParsersAction) -> None:
    """The hand-in (students) and class report (teachers) commands."""
    prog = sub.add_parser("progress", help="your own progress: export it to hand in")
    export = prog.add_subparsers(dest="action", required=True).add_parser(
        "export", help="write your answers to FILE, a small JSON file to hand in"
    )
    export.add_argument("file", metavar="FILE", type=Path, help="the file to write, e.g. handin.json")
    export.add_argument("--name", required=True, help="your name or a pseudonym your teacher will recognise")
    report = sub.add_parser("class-report", help="the teacher's report (HTML, offline) from students' hand-ins")
    report.add_argument("inputs", metavar="IN", nargs="+", help="hand-in files and/or folders of them")
    report.add_argument("--out", required=True, type=Path, help="the HTML report to write")
    report.add_argument("--csv", type=Path, help="also write a grade book: one row per student, one column per item")


def class_command(args: argparse.Namespace) -> int:
    """Run `progress export` or `class-report`; a clear message and exit code 2 when it cannot."""
    from .handin import HandinError, export

    try:
        if args.command == "progress":
            path = export(args.file, args.name)
            print(f"wrote your hand-in to {path}: send this file to your teacher", flush=True)
            return 0
        from .classreport import build

        results, notes = build(args.inputs, args.out, args.csv)
    except (HandinError, OSError) as exc:
        print(f"python -m helpers {args.command}: error: {exc}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"{len(results.students)} students counted; report written to {args.out}", flush=True)
    if args.csv:
        print(f"grade book written to {args.csv}", flush=True)
    return 0


def new_lesson(args: argparse.Namespace) -> int:
    """Scaffold a lesson in this checkout and run it, or say what was wrong and write nothing."""
    from .data import DATA_ENV
    from .scaffold import ScaffoldError
    from .scaffold import new_lesson as scaffold

    # This checkout's data and package, for the checks here and for the kernel that runs the new lesson
    # (it inherits the environment), whichever copy of the course the environment has installed.
    os.environ[DATA_ENV] = str(ROOT / "data")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    try:
        written = scaffold(ROOT, args.number, args.slug, args.title, args.sources, run=execute)
    except ScaffoldError as exc:
        print(f"python -m helpers new-lesson: error: {exc}", file=sys.stderr)
        return 2
    print(f"lesson {args.number} started; placeholders to replace are marked TODO in:", flush=True)
    for path in written:
        print(f"  {path.relative_to(ROOT)}", flush=True)
    print("next: AUTHORING.md, from step 2 (sources first)", flush=True)
    return 0


def build_site_command(args: argparse.Namespace) -> int:
    """Build the website, or say what was wrong."""
    from .editions import EditionError
    from .site import Launch, SiteError, build_site

    try:
        seconds = build_site(
            args.out_dir, args.with_solutions, Launch(args.repo, args.branch, args.hub), force=args.force
        )
    except (SiteError, EditionError) as exc:
        print(f"python -m helpers site: error: {exc}", file=sys.stderr)
        return 2
    if not args.repo:
        print("no --repo given: the lesson pages offer the notebook download but no Binder or hub link", flush=True)
    print(f"site written to {args.out_dir} in {seconds:.1f} s; open {args.out_dir / 'index.html'}", flush=True)
    return 0


def _report(written: list[Path], out_dir: Path) -> None:
    print(f"wrote {len(written)} file(s) to {out_dir}:", flush=True)
    for path in written:
        print(f"  {path.name}", flush=True)


def start_lab(extra: list[str]) -> int:
    """Write the classroom settings, say what to do next, and hand this process over to JupyterLab."""
    cmd = lab_command(lab_settings_options() + extra)
    print(NEXT_STEP.format(name=first_lesson().name), flush=True)
    os.execv(cmd[0], cmd)  # JupyterLab takes over this process, so Ctrl+C stops it as usual
    return 0  # reached only where execv is replaced (a test)


def main(argv: list[str] | None = None) -> int:
    args, extra = build_parser().parse_known_args(argv)
    if args.command == "lab":
        return start_lab(extra)
    if extra:
        build_parser().error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "lab-settings":
        return lab_settings(args.user_settings, args.app_dir, args.user_only)
    handlers = {
        "new-lesson": new_lesson,
        "progress": class_command,
        "class-report": class_command,
        "site": build_site_command,
    }
    if args.command in handlers:
        return handlers[args.command](args)
    if args.command == "execute":
        for path in lesson_paths(args.lessons):
            print(f"{path.name}: {execute(path):.1f} s", flush=True)
        return 0
    return write_editions(args)


def write_editions(args: argparse.Namespace) -> int:
    """The student edition or the handouts, as the command line asks; exit code 2 when nothing was written."""
    from .editions import EditionError, handouts, student_edition

    try:
        if args.command == "student-edition":
            written = student_edition(LESSONS, args.out_dir, force=args.force)
        else:
            written = handouts(LESSONS, args.out_dir, force=args.force, with_solutions=args.with_solutions)
    except EditionError as exc:
        # Exit code 2, as argparse uses for a bad command line: nothing was written.
        print(f"python -m helpers {args.command}: error: {exc}", file=sys.stderr)
        return 2
    _report(written, args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
