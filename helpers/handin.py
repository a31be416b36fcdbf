"""Handing in: a student's answers as one small JSON file, and reading a class's files back.

A hand-in holds a format marker and version, the name or pseudonym the student chose, the course
version, and per item (lesson, kind, id) the answer and whether it was right. Nothing else: no
path, no user name, no time, nothing of the computer. The teacher reads the files on their own
machine (:mod:`helpers.classreport`); nothing is sent anywhere.

On a hub, ``$SOFT_POWER_HANDIN`` names the shared hand-in folder the hub admin set up (see
hub/README.md); without it, the progress view writes into the folder the lesson is open in, where
JupyterLab's file browser shows it to download and send.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from . import progress
from .files import write_text_atomically

FORMAT = "soft-power-companion-handin"
VERSION = 1
HANDIN_ENV = "SOFT_POWER_HANDIN"
KINDS = ("quiz", "exercise", "sorter")
MAX_NAME = 60


class HandinError(ValueError):
    """A hand-in that cannot be written or read; the message says what was wrong."""


def course_version() -> str:
    try:
        return metadata.version("soft-power-companion")
    except metadata.PackageNotFoundError:
        return "unknown"


def clean_name(name: str) -> str:
    """The student's chosen name, trimmed; an empty or overlong name is an error saying what is valid."""
    name = " ".join(str(name).split())
    if not name:
        raise HandinError(
            "give a name or pseudonym (any name your teacher will recognise; it need not be your real name)"
        )
    if len(name) > MAX_NAME:
        raise HandinError(f"the name is {len(name)} characters long; keep it to {MAX_NAME}")
    return name


def items_of(store: dict[str, Any]) -> list[dict[str, Any]]:
    """The store's answers as hand-in items: quiz answers, exercise answers, and each sorter item placed
    (its id is the activity's id and the item's number, 1 up)."""
    items = []
    for lesson, sections in sorted(store["lessons"].items()):
        for qid, entry in sorted(sections.get("quiz", {}).items()):
            items.append(_item(lesson, "quiz", qid, entry.get("answer"), bool(entry.get("correct"))))
        for eid, entry in sorted(sections.get("exercises", {}).items()):
            items.append(_item(lesson, "exercise", eid, entry.get("answer"), entry.get("status") == "correct"))
        for aid, entry in sorted(sections.get("activities", {}).items()):
            for number, placed in enumerate(entry.get("items", []), start=1):
                items.append(
                    _item(lesson, "sorter", f"{aid}-{number}", placed.get("answer"), bool(placed.get("correct")))
                )
    return items


def _item(lesson: str, kind: str, item_id: str, answer: Any, correct: bool) -> dict[str, Any]:
    return {"lesson": lesson, "kind": kind, "id": item_id, "answer": answer, "correct": correct}


def handin(name: str, store: dict[str, Any] | None = None) -> dict[str, Any]:
    """The hand-in of the progress store (the student's own, by default) under the chosen name."""
    store = progress.read() if store is None else store
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": clean_name(name),
        "course_version": course_version(),
        "items": items_of(store),
    }


def export(path: str | os.PathLike[str], name: str, store: dict[str, Any] | None = None) -> Path:
    """Write the hand-in to ``path`` (one step: never half a file) and return the path."""
    data = handin(name, store)
    return write_text_atomically(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def file_name(name: str) -> str:
    """A file name made from the chosen name: letters, digits and dashes only."""
    slug = re.sub(r"[^\w-]+", "-", clean_name(name), flags=re.ASCII).strip("-").lower()
    return f"handin-{slug or 'student'}.json"


def handin_folder() -> Path:
    """Where the progress view writes a hand-in: the hub's shared folder, else the lesson's own folder."""
    shared = os.environ.get(HANDIN_ENV)
    return Path(shared).expanduser() if shared else Path.cwd()


def hand_in(name: str) -> Path:
    """Write the student's hand-in into :func:`handin_folder`; a clear HandinError when that fails."""
    folder = handin_folder()
    target = folder / file_name(name)
    try:
        return export(target, name)
    except PermissionError as exc:
        raise HandinError(
            f"could not write {target.name} into the hand-in folder ({exc.strerror}): another student may have "
            "handed in under this name; choose another name, or ask your teacher"
        ) from exc
    except OSError as exc:
        raise HandinError(f"could not write the hand-in into {folder} ({exc.strerror or exc})") from exc


# Reading a class's hand-ins -------------------------------------------------------------------------------


@dataclass
class Handin:
    """One student's hand-in as read: the name shown in the report, the file, and the items."""

    name: str
    source: str
    course_version: str
    items: list[dict[str, Any]] = field(default_factory=list)


def _check_item(index: int, item: Any) -> str | None:
    """What is wrong with one item, or None."""
    if not isinstance(item, dict):
        return f"item {index + 1} is not an object"
    for key in ("lesson", "kind", "id"):
        if not isinstance(item.get(key), str):
            return f"item {index + 1} has no text '{key}'"
    if item["kind"] not in KINDS:
        return f"item {index + 1} has kind {item['kind']!r}; valid kinds: {', '.join(KINDS)}"
    if not isinstance(item.get("correct"), bool):
        return f"item {index + 1} has no true/false 'correct'"
    return None


def parse(raw: bytes, source: str) -> Handin:
    """One hand-in from a file's bytes; a HandinError naming what is wrong otherwise."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise HandinError("not a text file (it is not UTF-8): damaged, or not a hand-in") from None
    except ValueError as exc:
        raise HandinError(f"not valid JSON ({exc}): the file is damaged or cut short") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise HandinError(f'JSON, but not a Soft Power Companion hand-in (its "format" is not {FORMAT!r})')
    if data.get("version") != VERSION:
        raise HandinError(f"hand-in version {data.get('version')!r}; this course reads version {VERSION}")
    try:
        name = clean_name(data.get("name") or "")
    except HandinError as exc:
        raise HandinError(f"the student's name is missing or invalid: {exc}") from None
    return Handin(name, source, str(data.get("course_version", "unknown")), _items(data))


def _items(data: dict[str, Any]) -> list[dict[str, Any]]:
    items = data.get("items")
    if not isinstance(items, list):
        raise HandinError("it has no list of 'items'")
    for index, item in enumerate(items):
        problem = _check_item(index, item)
        if problem:
            raise HandinError(f"damaged: {problem}")
    return items


def files_in(inputs: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[str]]:
    """The hand-in files named, folders read for their *.json files (sorted); a missing path is a problem."""
    found, problems = [], []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            problems.append(f"{path}: no such file or folder")
    return found, problems


def load(inputs: Iterable[str | os.PathLike[str]]) -> tuple[list[Handin], list[str]]:
    """Every readable hand-in among ``inputs`` and a message per file that was skipped or renamed.

    A file whose content repeats one already read (the same student handed in twice, or a file copied into
    two folders) is counted once. Two different hand-ins under one name are both kept, the second as
    "NAME (2)", and the message says so: the teacher decides, nothing is silently dropped.
    """
    paths, problems = files_in(inputs)
    handins: list[Handin] = []
    seen: dict[str, str] = {}
    names: dict[str, int] = {}
    for path in paths:
        try:
            raw = path.read_bytes()
            handin = parse(raw, str(path))
        except OSError as exc:
            problems.append(f"{path}: could not be read ({exc.strerror or exc}); skipped")
            continue
        except HandinError as exc:
            problems.append(f"{path}: {exc}; skipped")
            continue
        content = json.dumps({"name": handin.name, "items": handin.items}, sort_keys=True)
        if content in seen:
            problems.append(f"{path}: the same hand-in as {seen[content]} ({handin.name}); counted once")
            continue
        seen[content] = str(path)
        names[handin.name] = names.get(handin.name, 0) + 1
        if names[handin.name] > 1:
            shown = f"{handin.name} ({names[handin.name]})"
            problems.append(
                f"{path}: a second, different hand-in named {handin.name!r}; counted as {shown!r} "
                "(remove one file if it is the same student)"
            )
            handin.name = shown
        handins.append(handin)
    return handins, problems
