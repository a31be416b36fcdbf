"""Shared fixtures: the repository's folders and the lesson notebooks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(params=LESSONS, ids=[p.stem for p in LESSONS])
def notebook(request) -> tuple[Path, dict]:
    return request.param, read_notebook(request.param)
