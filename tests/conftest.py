"""Shared fixtures: the repository's folders and the lesson notebooks."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

# Quiz answers and exercise checks made while testing (also by the kernels nbval and the browser
# test start, which inherit this environment) go to a throwaway file, never to a real student's progress.
os.environ["SOFT_POWER_PROGRESS"] = str(Path(tempfile.mkdtemp(prefix="sp-test-progress-")) / "progress.json")

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(params=LESSONS, ids=[p.stem for p in LESSONS])
def notebook(request) -> tuple[Path, dict]:
    return request.param, read_notebook(request.param)
