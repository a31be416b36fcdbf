"""The course as a package: a wheel built from the repository carries the data and question banks,
and lesson 00 runs against it from a folder outside the repository, in a fresh environment.

The fresh environment is a new venv (no system site-packages) into which pip installs the course
wheel itself. Its dependencies are not downloaded and installed a second time: the venv reads the
test environment's site-packages as a plain path, and pip, installing the wheel with no package
index, must find every dependency the wheel declares satisfied there or fail. See fresh_environment.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


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


def dependency_paths() -> list[str]:
    """The test environment's site-packages folders, where the course's dependencies are installed."""
    paths = site.getsitepackages() + ([site.getusersitepackages()] if site.ENABLE_USER_SITE else [])
    return [p for p in dict.fromkeys(paths) if Path(p).is_dir()]


def fresh_environment(wheel: Path, where: Path) -> Path:
    """A new venv (no system site-packages) with the course wheel installed in it; returns its python.

    Why this is still a true test of the wheel, although its dependencies are the test environment's:
    - the venv's own site-packages holds the course (helpers and its data) and nothing else, and comes
      first on its sys.path; the test environment's folders follow as plain path entries, so their .pth
      files, among them the editable install that points at this checkout, are not read (the checkout
      is not importable: test_lesson_runs_... checks where helpers and its data come from);
    - pip installs the wheel with dependencies but with no package index, no configuration and nowhere to
      find files: its resolver reads the wheel's own metadata and must find each declared dependency (and theirs)
      installed at a version that satisfies it, or the install fails.
    """
    run(sys.executable, "-m", "venv", "--without-pip", where / "venv")  # pip comes from the test environment
    python = where / "venv" / "bin" / "python"
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout.strip()
    Path(purelib, "test-environment-dependencies.pth").write_text("\n".join(dependency_paths()) + "\n")
    # No configuration either: a find-links folder from pip.conf or $PIP_FIND_LINKS would be somewhere to find files.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")} | {"PIP_CONFIG_FILE": os.devnull}
    pip = [sys.executable, "-m", "pip", "--python", python]
    installed = run(*pip, "install", "--no-index", "--no-compile", wheel, env=env)
    assert "Successfully installed soft-power-companion" in installed.stdout, installed.stdout[-2000:]
    return python


def test_lesson_runs_from_a_wheel_install_outside_the_repository(wheel, tmp_path):
    python = fresh_environment(wheel, tmp_path)
    outside = tmp_path / "my lessons"
    outside.mkdir()
    lesson = shutil.copy(ROOT / "lessons" / "00_start_here.ipynb", outside)
    env = {k: v for k, v in os.environ.items() if k not in {"SOFT_POWER_DATA", "PYTHONPATH", "VIRTUAL_ENV"}}
    env["SOFT_POWER_PROGRESS"] = str(tmp_path / "progress.json")
    where = run(
        python,
        "-c",
        "import sys, helpers; print(helpers.__file__); print(helpers.data.data_dir()); print(*sys.path, sep='\\n')",
        cwd=outside,
        env=env,
    )
    module, data_dir, *path = where.stdout.splitlines()
    assert str(ROOT) not in path, f"the checkout is importable from the fresh environment: {path}"
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
    # The packaged data was found and checked, and no path of this machine is printed (data_dir is asserted above).
    assert "tables, all valid, in the course's data folder" in text and str(tmp_path) not in text
