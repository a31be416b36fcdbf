"""A class on JupyterHub, end to end, on this machine.

A real JupyterHub with configurable-http-proxy (hub/jupyterhub_config.py), the course installed
as the README tells a hub administrator (an image built from binder/), and a local bare git
repository as the source of the nbgitpuller link. Two students each: log in without a link and
land on an existing lesson; follow the link and land on lesson 00; run it in their own server
with no error; edit it; after an upstream change, click the link again and keep the edit.

Everything is started and stopped here, also when a step fails. A missing part (JupyterHub,
nbgitpuller, configurable-http-proxy, git) skips the test on a developer's machine with a message
saying what to install, and fails it in CI.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from . import hubclass
from .conftest import ROOT

pytestmark = pytest.mark.hub

FOLDER = "soft-power-companion"
LESSON_00 = "lessons/00_start_here.ipynb"
LESSON_01 = "lessons/01_what_is_soft_power.ipynb"
STUDENTS = ("ada", "bo")
EDIT = "My notes from class: soft power works through attraction, not payment."
UPSTREAM = "Updated by the course team after class."


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    try:
        proxy = hubclass.check_parts()
    except hubclass.MissingPart as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the hub test cannot run in CI: {exc}")
        pytest.skip(str(exc))
    base = tmp_path_factory.mktemp("hub")
    image_python = hubclass.build_image(base)
    bare, work = hubclass.make_upstream(base)
    running = hubclass.start_hub(base / "state", image_python, bare, proxy)
    running.upstream_work = work
    running.image_python = image_python
    try:
        yield running
    finally:
        hubclass.stop_hub(running)


def markdown_sources(notebook: dict) -> str:
    return "\n".join(
        cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for cell in notebook["cells"]
        if cell["cell_type"] == "markdown"
    )


def first_visit(hub, name: str) -> dict:
    """Log in, follow the link, run lesson 00, save an edit: what the student saw at each step."""
    student = hubclass.Student(hub, name)
    seen = {"landing": student.log_in()}
    seen["landing_status"] = student.contents(seen["landing"].removeprefix("/lab/tree/")).status_code
    events, target = student.follow_link(hubclass.link_query(hub, FOLDER, LESSON_00))
    seen["pull"], seen["target"] = events, target
    seen["target_status"] = student.contents(target.removeprefix("lab/tree/")).status_code
    failures, channel, session_id = hubclass.run_notebook(student, f"{FOLDER}/{LESSON_00}")
    seen["failures"] = failures
    # Which helpers a notebook imports: from lessons/ (the kernel's folder), and from the pulled
    # repository's root, where its own helpers/ folder comes first on sys.path.
    channel.execute(
        "import os, json, helpers\nfrom importlib.machinery import PathFinder\n"
        "here = {'cwd': os.getcwd(), 'helpers': helpers.__file__, 'data': str(helpers.data_dir())}\n"
        "os.chdir('..'); here['at_root'] = PathFinder.find_spec('helpers').origin\nprint(json.dumps(here))"
    )
    seen["paths"] = json.loads(channel.last_stdout)
    # The student answers lesson 00's first question and hands in from the progress view, as in class.
    channel.execute(
        "import json, helpers as h\nquiz = h.Lesson('00').quiz()\nq = quiz.questions[0]\nquiz.answer(0, q.answer)\n"
        f"view = h.Lesson('00').progress()\nview.handin_name.value = {name!r}\nview.hand_in()\n"
        "print(json.dumps({'question': q.id, 'status': view.handin_status.value}))"
    )
    seen["handin"] = json.loads(channel.last_stdout)
    channel.close()
    student.close_session(session_id)
    notebook = student.notebook(f"{FOLDER}/{LESSON_00}")
    notebook["cells"].append({"cell_type": "markdown", "id": "my-notes", "metadata": {}, "source": EDIT})
    student.save_notebook(f"{FOLDER}/{LESSON_00}", notebook)
    seen["student"] = student
    return seen


@pytest.fixture(scope="module")
def class_session(hub):
    """Both students' first visit (at the same time), then an upstream change and a second click."""
    with ThreadPoolExecutor(len(STUDENTS)) as pool:
        visits = dict(zip(STUDENTS, pool.map(lambda name: first_visit(hub, name), STUDENTS)))
    lesson = hub.upstream_work / LESSON_01
    notebook = nbformat.read(lesson, as_version=4)
    first_markdown = next(cell for cell in notebook.cells if cell.cell_type == "markdown")
    first_markdown.source += f"\n\n{UPSTREAM}"
    nbformat.write(notebook, lesson)
    hubclass.push_change(hub.upstream_work, Path(hub.repo), "Lesson 01: a note after class")
    for seen in visits.values():
        student = seen["student"]
        seen["repull"], seen["retarget"] = student.follow_link(hubclass.link_query(hub, FOLDER, LESSON_00))
        seen["after_00"] = markdown_sources(student.notebook(f"{FOLDER}/{LESSON_00}"))
        seen["after_01"] = markdown_sources(student.notebook(f"{FOLDER}/{LESSON_01}"))
    return visits


@pytest.mark.parametrize("name", STUDENTS)
def test_a_plain_login_lands_on_an_existing_lesson(class_session, name):
    seen = class_session[name]
    assert seen["landing"] == f"/lab/tree/{FOLDER}/{LESSON_00}", seen["landing"]
    assert seen["landing_status"] == 200, f"the default URL {seen['landing']} names a missing file"


@pytest.mark.parametrize("name", STUDENTS)
def test_the_link_pulls_the_course_and_lands_on_lesson_00(class_session, hub, name):
    seen = class_session[name]
    assert seen["pull"][-1]["phase"] == "finished", seen["pull"]
    assert seen["target"] == f"lab/tree/{FOLDER}/{LESSON_00}"
    assert seen["target_status"] == 200
    home = hub.home(name)
    assert (home / FOLDER / LESSON_00).is_file() and (home / FOLDER / ".git").is_dir()
    assert not (home / "soft-power-companion.git").exists(), "the repository URL's .git leaked into the folder name"


@pytest.mark.parametrize("name", STUDENTS)
def test_lesson_00_runs_in_the_students_server(class_session, name):
    assert class_session[name]["failures"] == []


def test_the_kernel_uses_the_installed_course_not_the_pulled_copy(class_session, hub):
    paths = class_session[STUDENTS[0]]["paths"]
    home = hub.home(STUDENTS[0])
    assert Path(paths["cwd"]) == home / FOLDER / "lessons"
    # The image's course: its helpers and data, whatever the student pulled.
    assert home not in Path(paths["helpers"]).parents, paths
    assert home not in Path(paths["data"]).parents, paths
    assert ROOT not in Path(paths["helpers"]).parents, "the image must use its own copy, not this checkout"
    # The pitfall the README warns about: a notebook at the pulled repository's root would import
    # the pulled helpers/ (the notebook's folder comes before site-packages on sys.path).
    assert Path(paths["at_root"]) == home / FOLDER / "helpers" / "__init__.py", paths


@pytest.mark.parametrize("name", STUDENTS)
def test_a_second_click_brings_updates_and_keeps_the_students_edit(class_session, name):
    seen = class_session[name]
    assert seen["repull"][-1]["phase"] == "finished", seen["repull"]
    assert seen["retarget"] == f"lab/tree/{FOLDER}/{LESSON_00}"
    assert EDIT in seen["after_00"], "the student's edit to lesson 00 was lost"
    assert UPSTREAM in seen["after_01"], "the upstream change to lesson 01 did not arrive"


def test_servers_and_kernels_are_culled_when_idle(class_session, hub):
    log = hub.log.read_text(encoding="utf-8")
    assert "Starting managed service idle-culler" in log, hub.log_tail()
    assert hub.process.poll() is None
    # Each student's server runs the image's Python and shuts down its own idle kernels.
    spawns = [line for line in log.splitlines() if "Spawning" in line and "jupyterhub.singleuser" in line]
    assert len(spawns) == len(STUDENTS), spawns
    for line in spawns:
        assert f"{hub.image_python} -m jupyterhub.singleuser" in line
        assert "--MappingKernelManager.cull_idle_timeout=1200" in line


def test_servers_in_the_image_skip_the_slow_optional_grammar(hub):
    # binder/postBuild's .pth file: jupyter-events' jsonschema would otherwise compile rfc3987_syntax's
    # grammar in every student's server at start-up (tests/BENCHMARK.md, "JupyterHub").
    probe = "import sys, jupyter_events.logger; print(sys.modules.get('rfc3987_syntax', 'never imported'))"
    result = subprocess.run([str(hub.image_python), "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "None", result.stdout + result.stderr


def test_students_hand_in_to_the_shared_folder_and_the_report_counts_them(class_session, hub, tmp_path):
    for name in STUDENTS:
        assert "Handed in." in class_session[name]["handin"]["status"], class_session[name]["handin"]["status"]
    folder = hub.state / "handin"
    assert sorted(p.name for p in folder.glob("*.json")) == [f"handin-{name}.json" for name in STUDENTS]
    out, grades = tmp_path / "report.html", tmp_path / "grades.csv"
    done = subprocess.run(
        [str(hub.image_python), "-m", "helpers", "class-report", str(folder), "--out", str(out), "--csv", str(grades)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert f"{len(STUDENTS)} students counted" in done.stdout, done.stdout
    rows = list(csv.DictReader(grades.open(encoding="utf-8")))
    column = f"00.quiz.{class_session[STUDENTS[0]]['handin']['question']}"
    assert sorted(r["student"] for r in rows) == sorted(STUDENTS)
    assert all(r[column] == "1" for r in rows), rows
    assert f"{len(STUDENTS)} students' hand-ins" in out.read_text(encoding="utf-8")
