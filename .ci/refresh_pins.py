"""Write the exact versions of the running environment to constraints.txt and binder/requirements.txt.

Run it with the python of a fresh venv in which the suite has just passed (README, "For developers"):

    python3 -m venv /tmp/pins && /tmp/pins/bin/pip install -e ".[test]" \
      && /tmp/pins/bin/python -m pytest && /tmp/pins/bin/python .ci/refresh_pins.py

constraints.txt gets every installed distribution except the course itself (CI and the README's
commands install with -c constraints.txt). binder/requirements.txt gets the course, nbgitpuller
and the pinned versions of what the course needs at run time, without the test tools.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "soft-power-companion"
# Binder's own addition: hosted classrooms copy the lessons with it (README, "Hosted classrooms").
BINDER_EXTRA = {"nbgitpuller": "1.3.0"}
BINDER_HEADER = """\
# Binder (repo2docker) and a JupyterHub image built from this repository read this file.
# repo2docker runs pip from the repository root after copying the whole repository: the course is
# installed editable, so the lessons find the helpers package and data/ next to it.
# nbgitpuller lets a JupyterHub built from this image copy the lessons into each student's home
# folder (see README, "Hosted classrooms"); Binder itself does not need it.
# The versions below are the ones the test suite passed with (written by .ci/refresh_pins.py).
-e .
"""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def frozen() -> dict[str, str]:
    """Every installed distribution and its version, except the course itself."""
    out = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"], capture_output=True, text=True, check=True
    ).stdout
    pins = dict(line.split("==", 1) for line in out.splitlines() if "==" in line)
    return {name: version for name, version in pins.items() if canonical(name) != PROJECT}


def runtime_closure() -> set[str]:
    """Canonical names of the course's run-time dependencies and theirs, as installed here."""
    seen: set[str] = set()
    todo = [PROJECT]
    while todo:
        name = todo.pop()
        for line in metadata.requires(name) or []:
            req = Requirement(line)
            if req.marker and not req.marker.evaluate({"extra": ""}):
                continue
            dep = canonical(req.name)
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def main() -> None:
    pins = frozen()
    lines = [f"{name}=={version}" for name, version in sorted(pins.items(), key=lambda p: canonical(p[0]))]
    (ROOT / "constraints.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    needed = runtime_closure()
    runtime = {name: version for name, version in pins.items() if canonical(name) in needed}
    runtime |= BINDER_EXTRA
    body = [f"{name}=={version}" for name, version in sorted(runtime.items(), key=lambda p: canonical(p[0]))]
    (ROOT / "binder" / "requirements.txt").write_text(BINDER_HEADER + "\n".join(body) + "\n", encoding="utf-8")
    print(f"constraints.txt: {len(lines)} pins; binder/requirements.txt: {len(body)} pins")


if __name__ == "__main__":
    main()
