"""Shared fixtures: the repository's folders and the lesson notebooks."""

from __future__ import annotations

from helpers import data
from helpers.lesson import lesson_notebooks

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# Quiz answers and exercise checks made while testing (also by the kernels nbval and the browser
# test start, which inherit this environment) go to a throwaway file, never to a real student's progress.
os.environ["SOFT_POWER_PROGRESS"] = str(Path(tempfile.mkdtemp(prefix="sp-test-progress-")) / "progress.json")

ROOT = Path(__file__).resolve().parent.parent

# The offline guarantee, checked in the kernels nbval (and the browser test) start: they inherit
# IPYTHONDIR, so each runs tests/netguard.py at start-up and refuses and records any connection
# outside loopback. setdefault: pytest-xdist's workers inherit the paths the controller chose.
os.environ.setdefault("IPYTHONDIR", tempfile.mkdtemp(prefix="sp-test-ipython-"))
os.environ.setdefault("SOFT_POWER_NETWORK_LOG", str(Path(os.environ["IPYTHONDIR"]) / "network-attempts.log"))
_startup = Path(os.environ["IPYTHONDIR"]) / "profile_default" / "startup"
_startup.mkdir(parents=True, exist_ok=True)
shutil.copyfile(Path(__file__).with_name("netguard.py"), _startup / "00-netguard.py")


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if any kernel tried the network, even where a lesson caught the error."""
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller reports once
        return
    log = Path(os.environ["SOFT_POWER_NETWORK_LOG"])
    attempts = log.read_text(encoding="utf-8").splitlines() if log.is_file() else []
    if attempts:
        print("\nKernels tried to reach the network (pid, target):\n" + "\n".join(attempts), file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


LESSONS = lesson_notebooks(ROOT / "lessons")


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
