"""Shared fixtures: the repository's folders and the lesson notebooks."""

from __future__ import annotations

from helpers import data

import json
import os
import shutil
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


@pytest.fixture
def data_copy(tmp_path, monkeypatch) -> Path:
    """A private copy of data/ that a test may change or damage; the course reads it through SOFT_POWER_DATA."""
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    monkeypatch.setenv(data.DATA_ENV, str(copy))
    return copy
