"""Code style and CI wiring: ruff finds nothing, and .ci/run runs exactly the README's test command."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_finds_nothing_in_code_tests_or_lessons(command):
    # The notebooks are checked too: ruff reads the code cells of every lesson.
    paths = ["helpers", "tests", "lessons"]
    result = subprocess.run([sys.executable, "-m", "ruff", *command, *paths], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def readme_test_command() -> str:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    marker = next(i for i, line in enumerate(lines) if line.startswith("<!-- test-command"))
    assert lines[marker + 1] == "```bash", "the test command's code block must follow the marker"
    return lines[marker + 2]


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip().splitlines()
    assert "pytest" in readme_test_command()
    assert ci[-1] == readme_test_command()
