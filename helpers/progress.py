"""A student's progress, kept on their own machine: quiz answers, exercise results, activities.

Progress lives in one small JSON file in a per-user data folder (or wherever
``$SOFT_POWER_PROGRESS`` points). Writes are atomic (a temporary file, then a
rename), so a crash never leaves half a file. A file that is corrupt or is not
a course progress file is set aside under a new name, never deleted, and the
course starts a fresh one. Recording never raises into a lesson: if the file
cannot be written, the widget still works and the progress view says why.
Nothing is sent anywhere.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .display import Rich, esc

PROGRESS_ENV = "SOFT_POWER_PROGRESS"
FORMAT = "soft-power-companion-progress"
VERSION = 1

last_problem: str | None = None
"""Why the last read or write did not work as planned (shown by the progress view)."""


def default_path() -> Path:
    """The per-user file: $SOFT_POWER_PROGRESS, else the platform's user data folder."""
    override = os.environ.get(PROGRESS_ENV)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "soft-power-companion" / "progress.json"


def empty() -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "lessons": {}}


def _set_aside(path: Path, why: str) -> None:
    global last_problem
    target = path.with_name(f"{path.name}.set-aside-{time.strftime('%Y%m%d-%H%M%S')}")
    counter = 1
    while target.exists():
        target = target.with_name(f"{target.name}-{counter}")
        counter += 1
    path.rename(target)
    last_problem = f"{path} was {why}; it was kept as {target.name} and a new progress file was started."


def read(path: Path | None = None) -> dict[str, Any]:
    """The stored progress; a missing file is empty progress, a bad one is set aside."""
    path = path or default_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return empty()
    except OSError as exc:
        _note(f"could not read {path}: {exc.strerror or exc}")
        return empty()
    try:
        store = json.loads(raw)
    except ValueError:
        _set_aside(path, "not valid JSON")
        return empty()
    if not isinstance(store, dict) or store.get("format") != FORMAT or not isinstance(store.get("lessons"), dict):
        _set_aside(path, "not a Soft Power Companion progress file")
        return empty()
    return store


def write(store: dict[str, Any], path: Path | None = None) -> bool:
    """Save atomically; return False (and note why) if the file cannot be written."""
    path = path or default_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(store, f, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except OSError as exc:
        _note(f"progress could not be saved to {path}: {exc.strerror or exc}")
        return False
    return True


def _note(problem: str) -> None:
    global last_problem
    last_problem = problem


def _update(lesson: str, section: str, key: str, entry: dict[str, Any]) -> None:
    store = read()
    store["lessons"].setdefault(lesson, {}).setdefault(section, {})[key] = entry
    write(store)


def record_question(lesson: str, question_id: str, choice: str, correct: bool) -> None:
    _update(lesson, "quiz", question_id, {"answer": choice, "correct": correct})


def record_exercise(lesson: str, exercise_id: str, status: str) -> None:
    _update(lesson, "exercises", exercise_id, {"status": status})


def record_activity(lesson: str, activity_id: str, correct: int, total: int) -> None:
    _update(lesson, "activities", activity_id, {"correct": correct, "total": total})


def reset(lesson: str | None = None) -> None:
    """Forget the progress of one lesson, or of all of them."""
    store = read()
    if lesson is None:
        store = empty()
    else:
        store["lessons"].pop(lesson, None)
    write(store)


def summary(store: dict[str, Any], lessons: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per lesson: what is done, out of what, and which questions were missed.

    ``lessons`` maps a lesson number to its material (see :mod:`helpers.material`).
    """
    rows = []
    for number, mat in lessons.items():
        done = store["lessons"].get(number, {})
        quiz = done.get("quiz", {})
        exercises = done.get("exercises", {})
        activities = done.get("activities", {})
        missed = [q.prompt for q in mat.questions if q.id in quiz and not quiz[q.id]["correct"]]
        rows.append(
            {
                "lesson": number,
                "title": mat.title,
                "quiz": f"{sum(1 for q in mat.questions if quiz.get(q.id, {}).get('correct'))} / {len(mat.questions)}",
                "exercises": f"{sum(1 for e in mat.exercises if exercises.get(e.id, {}).get('status') == 'correct')}"
                f" / {len(mat.exercises)}",
                "activities": f"{sum(1 for a in mat.activities if a.id in activities)} / {len(mat.activities)}",
                "missed": missed,
            }
        )
    return rows


def report(rows: list[dict[str, Any]]) -> Rich:
    """The summary as a table (HTML and text); missed questions are listed to review."""
    head = "<tr><th>lesson</th><th>quiz correct</th><th>exercises correct</th><th>activities done</th></tr>"
    body = "".join(
        f"<tr><td>{esc(r['lesson'])} · {esc(r['title'])}</td><td>{esc(r['quiz'])}</td>"
        f"<td>{esc(r['exercises'])}</td><td>{esc(r['activities'])}</td></tr>"
        for r in rows
    )
    missed = [f"<li>{esc(r['lesson'])}: {esc(q)}</li>" for r in rows for q in r["missed"]]
    review = f"<p><b>To review</b> (answered wrongly last time):</p><ul>{''.join(missed)}</ul>" if missed else ""
    text = "\n".join(
        f"{r['lesson']} {r['title']}: quiz {r['quiz']}, exercises {r['exercises']}, activities {r['activities']}"
        for r in rows
    )
    return Rich(f"<table class='sp-progress'>{head}{body}</table>{review}", text)
