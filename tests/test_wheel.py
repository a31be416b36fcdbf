"""The course as a package: a wheel built from the repository carries the data and question banks,
and lesson 00 runs against it from a folder outside the repository, in a fresh environment.

The fresh environment gets the course wheel and its dependencies (at the pinned versions of
constraints.txt) from a local wheelhouse, so the test runs offline once that is filled: the first
run fills build/wheelhouse (or $SOFT_POWER_WHEELHOUSE) from the package index, later runs reuse it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

WHEELHOUSE = Path(os.environ.get("SOFT_POWER_WHEELHOUSE", ROOT / "build" / "wheelhouse"))
# What the test itself needs in the fresh environment besides the course: a kernel and a runner.
RUNNER = ["ipykernel", "nbclient"]


def run(*cmd, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, cmd))}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # No build isolation: hatchling comes from the test extra, so the build needs no network.
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", out, ROOT)
    (built,) = out.glob("soft_power_companion-*.whl")
    return built


def test_wheel_carries_the_data_and_question_banks(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    data = sorted(p.relative_to(ROOT / "data").as_posix() for p in (ROOT / "data").rglob("*") if p.is_file())
    missing = [f for f in data if f"helpers/_data/{f}" not in names]
    assert not missing, f"not in the wheel: {missing}"
    assert "helpers/_data/lessons/00.toml" in names


def fresh_environment(wheel: Path, where: Path) -> Path:
    """A new venv (no system site-packages) with the course wheel and its dependencies; returns its python."""
    run(sys.executable, "-m", "venv", where / "venv")
    python = where / "venv" / "bin" / "python"
    pins = ["-c", ROOT / "constraints.txt"]
    install = [
        python,
        "-m",
        "pip",
        "install",
        "-q",
        "--no-compile",
        "--no-index",
        "--find-links",
        WHEELHOUSE,
        *pins,
        wheel,
        *RUNNER,
    ]
    if subprocess.run([str(c) for c in install], capture_output=True).returncode:
        # The wheelhouse lacks a pinned dependency: fill it from the package index once, then install offline.
        run(sys.executable, "-m", "pip", "wheel", "-q", *pins, "-w", WHEELHOUSE, wheel, *RUNNER)
        run(*install)
    return python


def test_lesson_runs_from_a_wheel_install_outside_the_repository(wheel, tmp_path):
    python = fresh_environment(wheel, tmp_path)
    outside = tmp_path / "my lessons"
    outside.mkdir()
    lesson = shutil.copy(ROOT / "lessons" / "00_start_here.ipynb", outside)
    env = {k: v for k, v in os.environ.items() if k not in {"SOFT_POWER_DATA", "PYTHONPATH", "VIRTUAL_ENV"}}
    env["SOFT_POWER_PROGRESS"] = str(tmp_path / "progress.json")
    where = run(
        python, "-c", "import helpers; print(helpers.__file__); print(helpers.data.data_dir())", cwd=outside, env=env
    )
    module, data_dir = where.stdout.split("\n")[:2]
    assert str(tmp_path / "venv") in module and ROOT.as_posix() not in module
    assert data_dir.endswith("helpers/_data") and str(tmp_path / "venv") in data_dir
    script = (
        "import sys, nbformat; from nbclient import NotebookClient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "NotebookClient(nb, timeout=300, kernel_name='python3', resources={'metadata': {'path': '.'}}).execute()\n"
        "nbformat.write(nb, sys.argv[1])\n"
    )
    run(python, "-c", script, lesson, cwd=outside, env=env)
    import nbformat

    outputs = [o for c in nbformat.read(lesson, as_version=4).cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "All checks passed." in text, text[-2000:]
    assert "_data" in text  # the environment check names the packaged data folder it found
