"""A student's progress, kept on their own machine: quiz answers, exercise results, activities.

Progress lives in a small SQLite database (Python's standard ``sqlite3``) in a per-user data
folder, or wherever ``$SOFT_POWER_PROGRESS`` points. Why SQLite: a student with two lessons
open records answers from two kernels at once, and a read-modify-write of one JSON file lets
one kernel overwrite the other's answer. SQLite writes one row per answer inside a
transaction and makes a second writer wait for the first (a busy timeout) instead of
losing either, so nothing is lost and a crash never leaves half a record; it needs no lock
files of ours and no extra package. A progress.json from earlier versions of the course is
imported once and kept beside it (renamed, never deleted). A file that is corrupt or is not
a course progress store is set aside under a new name, never deleted, and the course starts
a fresh one. Recording never raises into a lesson: if the store cannot be written, the
record functions return why (None when all went well), the widget still works and shows it, and
the progress view shows what :func:`read` found. Nothing is sent anywhere; no state is kept here
between calls.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from .display import Rich, esc

PROGRESS_ENV = "SOFT_POWER_PROGRESS"
FORMAT = "soft-power-companion-progress"
VERSION = 2
BUSY_TIMEOUT = 30.0
"""Seconds a kernel waits for another kernel's write to finish before giving up (and saying so)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    lesson TEXT NOT NULL, section TEXT NOT NULL, key TEXT NOT NULL,
    entry TEXT NOT NULL, recorded REAL NOT NULL,
    PRIMARY KEY (lesson, section, key)
);
CREATE TABLE IF NOT EXISTS course (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_SQLITE_HEADER = b"SQLite format 3\x00"


def default_path() -> Path:
    """The per-user store: $SOFT_POWER_PROGRESS, else the platform's user data folder."""
    override = os.environ.get(PROGRESS_ENV)
    if override:
        return Path(override).expanduser()
    return _user_folder() / "progress.sqlite3"


def _user_folder() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "soft-power-companion"


def empty() -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "lessons": {}}


def _aside_name(path: Path, label: str) -> Path:
    target = path.with_name(f"{path.name}.{label}-{time.strftime('%Y%m%d-%H%M%S')}")
    counter = 1
    while target.exists():
        target = target.with_name(f"{target.name}-{counter}")
        counter += 1
    return target


def _set_aside(path: Path, why: str, notes: list[str]) -> None:
    target = _aside_name(path, "set-aside")
    path.rename(target)
    notes.append(f"{path} was {why}; it was kept as {target.name} and a new progress file was started.")


def _legacy_entries(raw: str) -> list[tuple[str, str, str, dict]] | None:
    """The answers in a progress.json of earlier versions, or None if it is not one."""
    try:
        store = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(store, dict) or store.get("format") != FORMAT or not isinstance(store.get("lessons"), dict):
        return None
    return [
        (lesson, section, key, entry)
        for lesson, sections in store["lessons"].items()
        for section, entries in sections.items()
        for key, entry in entries.items()
    ]


def _legacy_in_place(path: Path, notes: list[str]) -> list[tuple[str, str, str, dict]]:
    """The answers of a JSON progress file found where the store should be (it is then kept aside, renamed);
    a file there that is neither the store nor such a file is set aside."""
    raw = path.read_bytes().decode("utf-8", errors="replace")
    found = _legacy_entries(raw)
    if found is None:
        _set_aside(path, "not valid JSON" if _not_json(raw) else "not a Soft Power Companion progress file", notes)
        return []
    kept = _aside_name(path, "imported")
    path.rename(kept)
    notes.append(f"progress from {path.name} was imported; the old file is kept as {kept.name}.")
    return found


def _legacy_default() -> list[tuple[str, str, str, dict]]:
    """The answers in progress.json, where earlier versions kept progress by default (then renamed)."""
    old = _user_folder() / "progress.json"
    if not old.is_file():
        return []
    legacy = _legacy_entries(old.read_text(encoding="utf-8", errors="replace")) or []
    if legacy:
        old.rename(_aside_name(old, "imported"))
    return legacy


def _legacy(path: Path, notes: list[str]) -> list[tuple[str, str, str, dict]]:
    """Answers from earlier versions' JSON progress to import into a store opened at ``path``."""
    if path.is_file() and path.stat().st_size and not path.read_bytes()[:16] == _SQLITE_HEADER:
        return _legacy_in_place(path, notes)
    if not path.exists() and path == _user_folder() / "progress.sqlite3":
        return _legacy_default()
    return []


def _open(path: Path, notes: list[str]) -> sqlite3.Connection:
    """A connection to a ready store; a JSON progress file in its place is imported, anything else set aside
    (each with a line in ``notes`` for the student)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    legacy = _legacy(path, notes)
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    try:
        db.executescript(_SCHEMA)
        db.execute("INSERT OR IGNORE INTO course VALUES ('format', ?)", (FORMAT,))
        if db.execute("SELECT value FROM course WHERE name = 'format'").fetchone()[0] != FORMAT:
            raise sqlite3.DatabaseError("another program's database")
        if legacy:
            with _transaction(db):
                for lesson, section, key, entry in legacy:
                    _put(db, lesson, section, key, entry)
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


@contextmanager
def _transaction(db: sqlite3.Connection):
    """All or nothing; IMMEDIATE takes the write lock at once, so a second kernel waits rather than fails."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _not_json(raw: str) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return True
    return False


def _put(db: sqlite3.Connection, lesson: str, section: str, key: str, entry: dict[str, Any]) -> None:
    db.execute(
        "INSERT INTO answers VALUES (?, ?, ?, ?, ?) ON CONFLICT (lesson, section, key) "
        "DO UPDATE SET entry = excluded.entry, recorded = excluded.recorded",
        (lesson, section, key, json.dumps(entry, ensure_ascii=False, sort_keys=True), time.time()),
    )


def _connect(path: Path, notes: list[str]) -> sqlite3.Connection:
    """Open the store; a database that is damaged or not ours is set aside once and a fresh one started."""
    try:
        return _open(path, notes)
    except sqlite3.DatabaseError as exc:
        if not path.is_file():
            raise
        _set_aside(path, f"not a readable course progress store ({exc})", notes)
        return _open(path, notes)


def read(path: Path | None = None) -> dict[str, Any]:
    """The stored progress as {"lessons": {lesson: {section: {key: entry}}}, "problems": [...]}.

    ``problems`` says what did not go as planned (a file set aside, a store that cannot be read: then the
    lessons are empty), for the progress view to show.
    """
    path = path or default_path()
    store = {**empty(), "problems": []}
    try:
        with closing(_connect(path, store["problems"])) as db:
            rows = db.execute("SELECT lesson, section, key, entry FROM answers ORDER BY lesson, section, key")
            for lesson, section, key, entry in rows:
                store["lessons"].setdefault(lesson, {}).setdefault(section, {})[key] = json.loads(entry)
    except (OSError, sqlite3.Error, ValueError) as exc:
        store["problems"].append(f"could not read progress from {path}: {exc}")
    return store


def _write(action: str, change) -> str | None:
    """Run one change in a transaction. Returns what the student should know (it could not be saved, or a
    file was set aside), or None when all went well; never raises into a widget."""
    path = default_path()
    notes: list[str] = []
    try:
        with closing(_connect(path, notes)) as db, _transaction(db):
            change(db)
    except (OSError, sqlite3.Error) as exc:
        notes.append(f"progress could not be saved to {path} ({action}): {getattr(exc, 'strerror', None) or exc}")
    return " ".join(notes) or None


def _update(lesson: str, section: str, key: str, entry: dict[str, Any]) -> str | None:
    return _write(f"{section} {key}", lambda db: _put(db, lesson, section, key, entry))


def record_question(lesson: str, question_id: str, choice: str, correct: bool) -> str | None:
    """Keep a quiz answer; returns a problem to show, or None."""
    return _update(lesson, "quiz", question_id, {"answer": choice, "correct": correct})


def answer_text(answer: Any) -> str:
    """An exercise answer as short text for the store: the class report counts the common wrong answers.
    A set or list is sorted so that the same answer in another order reads the same."""
    if isinstance(answer, (set, frozenset, list, tuple)):
        return ", ".join(sorted(str(a) for a in answer))
    return str(answer)[:200]


def record_exercise(lesson: str, exercise_id: str, status: str, answer: Any = None) -> str | None:
    """Keep an exercise's result (and the answer, as text); returns a problem to show, or None."""
    entry = {"status": status} if answer is None else {"status": status, "answer": answer_text(answer)}
    return _update(lesson, "exercises", exercise_id, entry)


def record_activity(
    lesson: str, activity_id: str, correct: int, total: int, items: list[dict[str, Any]] | None = None
) -> str | None:
    """Keep a sorting activity's score and, per item, where it was placed and whether that was right
    ({"answer": {dimension: option}, "correct": bool}); returns a problem to show, or None."""
    entry: dict[str, Any] = {"correct": correct, "total": total}
    if items is not None:
        entry["items"] = items
    return _update(lesson, "activities", activity_id, entry)


def reset(lesson: str | None = None) -> str | None:
    """Forget the progress of one lesson, or of all of them; returns a problem to show, or None."""
    if lesson is None:
        return _write("reset", lambda db: db.execute("DELETE FROM answers"))
    return _write(f"reset {lesson}", lambda db: db.execute("DELETE FROM answers WHERE lesson = ?", (lesson,)))


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
