"""The course data: find it, load a table typed by its schema, validate everything.

Tables are CSV files in ``data/`` described by ``data/datapackage.json``, a
standard Frictionless Data Package (``frictionless validate data/datapackage.json``
checks it; the test suite runs that validator). ``load(name)`` reads one table,
checks every cell against the schema and returns a typed DataFrame; any problem
is a :class:`DataError` naming the file, the row, the column and what was expected.

Why this module checks the data itself rather than calling Frictionless: every
lesson loads tables, and Frictionless is a heavy dependency that is slow to import
(it stays in the test extra). The checks below apply the same descriptor rules
(types, required, enum, pattern, minimum/maximum, unique and primary keys, foreign
keys) and say more than Frictionless in two places, marked where they are:
a partial date must exist on the calendar (a pattern cannot reject 2025-02-30), and
every message is written for a student, naming file, row and column.
"""

from __future__ import annotations

import calendar
import csv
import json
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ._names import UnknownNameError

DATA_ENV = "SOFT_POWER_DATA"
"""Environment variable that points the course at another copy of ``data/``."""

PARTIAL_DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
"""The Table Schema ``pattern`` of a date that may be partial: YYYY, YYYY-MM or YYYY-MM-DD."""

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


class DataError(ValueError):
    """A data file that does not match its schema."""


@dataclass(frozen=True)
class Problem:
    """One cell, row or file that breaks the schema."""

    file: str
    row: int | None  # 1-based data row (the header is row 0); None for the whole file
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row} (line {self.row + 1})"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


PACKAGED_DATA = Path(__file__).resolve().parent / "_data"
"""Where a wheel or non-editable install puts the data (pyproject.toml force-includes ``data/`` there)."""

CHECKOUT_DATA = Path(__file__).resolve().parent.parent / "data"
"""The repository's ``data/``, used by an editable install or a checkout, so edits show at once."""


def data_dir() -> Path:
    """The folder holding the course data: ``$SOFT_POWER_DATA``, the packaged copy or the checkout's ``data/``."""
    override = os.environ.get(DATA_ENV)
    if override:
        path = Path(override).expanduser()
        if not (path / "datapackage.json").is_file():
            raise DataError(
                f"{DATA_ENV}={override!r} does not point at a course data folder "
                "(no datapackage.json there). Unset it to use the course's own data/."
            )
        return path
    for path in (PACKAGED_DATA, CHECKOUT_DATA):
        if (path / "datapackage.json").is_file():
            return path
    raise DataError(
        f"the course data was found neither at {CHECKOUT_DATA} nor at {PACKAGED_DATA}. Reinstall the "
        "course (pip install -e . from a copy of the repository, or pip install of its wheel), or set "
        f"{DATA_ENV} to the folder that holds datapackage.json."
    )


Stamp = tuple[tuple[str, int, int], ...]
"""Which files a cached result was made from, each as (path, modification time in ns, size)."""


def _stamp(*paths: Path) -> Stamp:
    """The files' identity for a cache: a changed (or touched) file has a new stamp; a missing one has -1s."""
    stamps = []
    for path in paths:
        try:
            info = path.stat()
            stamps.append((str(path), info.st_mtime_ns, info.st_size))
        except OSError:
            stamps.append((str(path), -1, -1))
    return tuple(stamps)


@lru_cache(maxsize=8)
def _descriptor(path: Path, stamp: Stamp) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def descriptor() -> dict[str, Any]:
    """The parsed ``datapackage.json`` (read again only when the file changes)."""
    path = data_dir() / "datapackage.json"
    return _descriptor(path, _stamp(path))


class TableNames(list):
    """Table names (a list of str) that show in a notebook as a short list of names with their titles."""

    def __init__(self, resources: list[dict[str, Any]]) -> None:
        super().__init__(r["name"] for r in resources)
        self.titles = {r["name"]: r.get("title") or "" for r in resources}

    def _lines(self) -> list[str]:
        return [f"{name}: {self.titles.get(name, '')}".rstrip(": ") for name in self]

    def __repr__(self) -> str:
        return f"{len(self)} tables (open one with h.load(name)):\n" + "\n".join(f"  {line}" for line in self._lines())

    def _repr_html_(self) -> str:
        from .display import esc

        items = "".join(f"<li><code>{esc(name)}</code>: {esc(self.titles.get(name, ''))}</li>" for name in self)
        return f"<p>{len(self)} tables (open one with <code>h.load(name)</code>):</p><ul>{items}</ul>"


def tables() -> TableNames:
    """Names of all tables, in the order the descriptor lists them (a list that shows their titles too)."""
    return TableNames(descriptor()["resources"])


def resource(name: str) -> dict[str, Any]:
    """The descriptor entry of one table; unknown names get the list of valid ones."""
    if not isinstance(name, str):
        raise TypeError(f"a table name is a string such as 'polls', not {type(name).__name__}")
    for r in descriptor()["resources"]:
        if r["name"] == name:
            return r
    raise UnknownNameError("table", name, tables())


def schema(name: str) -> dict[str, Any]:
    """The schema (fields, keys) of one table."""
    return resource(name)["schema"]


def _check_partial_date(text: str) -> str | None:
    m = _PARTIAL_DATE.match(text)
    if not m:
        return "expected a date as YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = (int(g) if g else None for g in m.groups())
    if month is not None and not 1 <= month <= 12:
        return f"month {month} does not exist"
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return f"day {day} does not exist in {year}-{month:02d}"
    return None


def _integer(text: str) -> tuple[Any, str | None]:
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text), None
    return None, f"expected a whole number, got {text!r}"


def _float(text: str) -> tuple[Any, str | None]:
    try:
        value = float(text)
    except ValueError:
        return None, f"expected a number, got {text!r}"
    if math.isnan(value) or math.isinf(value):
        return None, f"expected a finite number, got {text!r}"
    return value, None


def _boolean(text: str) -> tuple[Any, str | None]:
    if text.lower() in _TRUE:
        return True, None
    if text.lower() in _FALSE:
        return False, None
    return None, f"expected true or false, got {text!r}"


def _date(text: str) -> tuple[Any, str | None]:
    problem = _check_partial_date(text)
    if problem is None and len(text) != 10:
        problem = "expected a full date YYYY-MM-DD"
    return (text if problem is None else None), problem and f"{problem}, got {text!r}"


def _partial_date(text: str) -> tuple[Any, str | None]:
    # More than Frictionless: the pattern alone accepts days that do not exist (2025-02-30).
    problem = _check_partial_date(text)
    return (text if problem is None else None), problem and f"{problem}, got {text!r}"


_CONVERTERS = {"integer": _integer, "number": _float, "boolean": _boolean, "date": _date}
"""Each Table Schema type the course uses, other than string, and how a cell's text becomes its value."""


def _convert(text: str, field: dict[str, Any]) -> tuple[Any, str | None]:
    """Convert one cell's text to its typed value, or say what was expected."""
    kind = field.get("type", "string")
    if kind in _CONVERTERS:
        return _CONVERTERS[kind](text)
    if _is_partial_date(field):
        return _partial_date(text)
    return text, None


def _is_partial_date(field: dict[str, Any]) -> bool:
    return field.get("constraints", {}).get("pattern") == PARTIAL_DATE_PATTERN


def _check_constraints(value: Any, field: dict[str, Any]) -> str | None:
    c = field.get("constraints", {})
    if "enum" in c and value not in c["enum"]:
        allowed = ", ".join(repr(v) for v in c["enum"])
        return f"{value!r} is not an allowed value; allowed: {allowed}"
    if "pattern" in c and not _is_partial_date(field) and not re.fullmatch(c["pattern"], str(value)):
        return f"{value!r} does not match the pattern {c['pattern']}"
    if "minimum" in c and value < c["minimum"]:
        return f"{value!r} is below the minimum {c['minimum']}"
    if "maximum" in c and value > c["maximum"]:
        return f"{value!r} is above the maximum {c['maximum']}"
    return None


def _keys(spec: str | list[str]) -> list[str]:
    return [spec] if isinstance(spec, str) else list(spec)


class _Unreadable(DataError):
    """A table file that cannot be read at all (missing, not UTF-8): one problem for the whole file."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _read_rows(name: str) -> tuple[str, list[str], list[dict[str, str]]]:
    res = resource(name)
    path = data_dir() / res["path"]
    if not path.is_file():
        raise _Unreadable(Problem(res["path"], None, None, f"the file is missing from {data_dir()}"))
    try:
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = list(reader.fieldnames or [])
    except UnicodeDecodeError as exc:
        raise _Unreadable(
            Problem(res["path"], None, None, f"not valid UTF-8 ({exc.reason} at byte {exc.start})")
        ) from exc
    return res["path"], header, rows


def _typed_rows(name: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Read a table and check every cell; return typed rows and the problems found."""
    file, header, rows = _read_rows(name)
    fields = schema(name)["fields"]
    names = [f["name"] for f in fields]
    problems = [Problem(file, None, col, "the column is missing") for col in names if col not in header]
    problems += [
        Problem(file, None, col, f"unexpected column; the schema has {', '.join(names)}")
        for col in header
        if col not in names
    ]
    if problems:
        return [], problems
    typed: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        if None in row:  # more cells than header columns
            problems.append(
                Problem(file, number, None, f"has {len(header) + len(row[None])} cells, expected {len(header)}")
            )
            continue
        out: dict[str, Any] = {}
        for field in fields:
            col = field["name"]
            text = (row.get(col) or "").strip()
            if text == "":
                if field.get("constraints", {}).get("required"):
                    problems.append(Problem(file, number, col, "a value is required here"))
                out[col] = None
                continue
            value, problem = _convert(text, field)
            problem = problem or _check_constraints(value, field)
            if problem:
                problems.append(Problem(file, number, col, problem))
            out[col] = value
        typed.append(out)
    problems += _key_problems(name, file, typed)
    return typed, problems


def _key_problems(name: str, file: str, rows: list[dict[str, Any]]) -> list[Problem]:
    sch = schema(name)
    problems: list[Problem] = []
    key = _keys(sch.get("primaryKey", []))
    unique_fields = [f["name"] for f in sch["fields"] if f.get("constraints", {}).get("unique")]
    for cols in ([key] if key else []) + [[u] for u in unique_fields if [u] != key]:
        seen: dict[tuple, int] = {}
        for number, row in enumerate(rows, start=1):
            value = tuple(row.get(c) for c in cols)
            if value in seen:
                problems.append(
                    Problem(file, number, ", ".join(cols), f"duplicate key {value} (first at row {seen[value]})")
                )
            else:
                seen[value] = number
    return problems


def _foreign_key_problems(name: str, rows: list[dict[str, Any]]) -> list[Problem]:
    problems: list[Problem] = []
    file = resource(name)["path"]
    for fk in schema(name).get("foreignKeys", []):
        col = _keys(fk["fields"])[0]
        target = fk["reference"]["resource"]
        target_col = _keys(fk["reference"]["fields"])[0]
        valid = _key_values(target, target_col)
        if valid is None:
            target_file = resource(target)["path"]
            problems.append(
                Problem(file, None, col, f"cannot be checked because {target_file} cannot be read (see its problems)")
            )
            continue
        for number, row in enumerate(rows, start=1):
            value = row.get(col)
            if value is not None and value not in valid:
                problems.append(
                    Problem(file, number, col, f"{value!r} is not a {target_col} in {resource(target)['path']}")
                )
    return problems


def _key_values(name: str, column: str) -> set[Any] | None:
    """The values a foreign key may point at; None when the target table cannot be read.

    A target with broken cells still offers the keys it has, so one bad row there does not
    turn every reference to it into a problem: its own problems are reported under its name.
    """
    try:
        rows, found = _typed_rows(name)
    except _Unreadable:
        return None
    if any(p.row is None for p in found):  # a missing or unexpected column: no rows were read
        return None
    return {r[column] for r in rows if r.get(column) is not None}


def _checked_rows(name: str) -> list[dict[str, Any]]:
    rows, problems = _typed_rows(name)
    if problems:
        raise DataError(_report(problems))
    return rows


def _report(problems: list[Problem], limit: int = 10) -> str:
    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"... and {len(problems) - limit} more problems")
    return "\n".join(lines)


def problems(name: str) -> list[Problem]:
    """Every schema, key and foreign-key problem in one table (empty when it is valid); never raises for bad data."""
    try:
        rows, found = _typed_rows(name)
    except _Unreadable as exc:
        return [exc.problem]
    return found + _foreign_key_problems(name, rows)


_DTYPES = {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": "string"}


def require_columns(frame: Any, *columns: str | None) -> None:
    """Check that ``frame`` is a DataFrame with each named column (None is skipped); an error names the
    missing column and the columns the table has."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, not {type(frame).__name__}")
    for column in columns:
        if column is not None and column not in frame.columns:
            raise UnknownNameError("column", column, [str(c) for c in frame.columns])


def table_stamp(name: str) -> Stamp:
    """What a loaded table depends on: the descriptor, the table's file and the files its foreign keys
    point at. A new stamp (a file edited or touched) means the table must be read and checked again."""
    folder = data_dir()
    targets = [fk["reference"]["resource"] for fk in schema(name).get("foreignKeys", [])]
    files = [resource(n)["path"] for n in dict.fromkeys([name, *targets])]
    return _stamp(folder / "datapackage.json", *(folder / f for f in files))


def course_stamp() -> Stamp:
    """What every course table depends on: the descriptor and each table's file. A cache of results that
    may read any table (an explorer's kept views) is stale when this changes."""
    folder = data_dir()
    return _stamp(folder / "datapackage.json", *(folder / r["path"] for r in descriptor()["resources"]))


def load(name: str) -> pd.DataFrame:
    """Load one course table as a DataFrame typed by its schema.

    >>> polls = load("polls")

    Integers are ``Int64``, numbers ``Float64``, true/false ``boolean`` and
    everything else (dates too, which may be partial: ``2025`` or ``2025-05``)
    ``string``; empty cells are missing values. An unknown name raises an error
    listing the valid tables; a file that breaks its schema raises
    :class:`DataError` naming the file, row and column.

    A table is read and checked once per change of its files (see :func:`table_stamp`); each call returns
    a copy, so a caller that changes its frame changes nobody else's.
    """
    return _load(name, table_stamp(name)).copy()


@lru_cache(maxsize=64)
def _load(name: str, stamp: Stamp) -> pd.DataFrame:
    rows = _checked_rows(name)
    found = _foreign_key_problems(name, rows)
    if found:
        raise DataError(_report(found))
    fields = schema(name)["fields"]
    frame = pd.DataFrame(rows, columns=[f["name"] for f in fields])
    return frame.astype({f["name"]: _DTYPES.get(f.get("type", "string"), "string") for f in fields})


def records(name: str) -> list[dict[str, Any]]:
    """One table's rows as dicts, with None (not pandas' NA) where a cell is empty."""
    frame = load(name)
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def validate_all() -> dict[str, list[Problem]]:
    """Problems per table, for every table (an empty list means valid).

    It reports rather than raises: a broken table (even one others refer to) gets its own
    problems, and a descriptor that cannot be read is reported under ``datapackage.json``.
    """
    try:
        names = tables()
    except (DataError, OSError, ValueError, KeyError, TypeError) as exc:
        return {"datapackage.json": [_descriptor_problem(exc)]}
    found: dict[str, list[Problem]] = {}
    for name in names:
        try:
            found[name] = problems(name)
        except (KeyError, TypeError) as exc:  # this table's entry in the descriptor is malformed
            found[name] = [_descriptor_problem(exc, name)]
    return found


def _descriptor_problem(exc: Exception, table: str | None = None) -> Problem:
    if isinstance(exc, DataError):
        return Problem("datapackage.json", None, None, str(exc))
    where = f"the entry of table {table!r}" if table else "the file"
    return Problem("datapackage.json", None, None, f"{where} cannot be read as a data package ({exc!r})")
