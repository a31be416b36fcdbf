"""Every lesson runs with no network at all, and gives the same outputs as the committed run.

Each lesson executes in a fresh kernel inside a private network namespace that has only a
loopback interface (``unshare``), with a socket guard in the kernel that names any attempt to
reach another host. Its outputs, after the sanitize rules nbval uses, must equal the outputs
stored in the notebook: executing a lesson twice gives the same result.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from .conftest import LESSONS, ROOT, read_notebook

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"  # model ids are random by design


def sanitize_rules() -> list[tuple[re.Pattern, str]]:
    config = configparser.ConfigParser()
    config.read(ROOT / "lessons" / "sanitize.cfg", encoding="utf-8")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def comparable(outputs: list[dict]) -> list[dict]:
    """Outputs as nbval compares them: data and text sanitized, execution counts and widget ids left out."""
    rules = sanitize_rules()

    def clean(value):
        if isinstance(value, list):
            value = "".join(value)
        if isinstance(value, str):
            for pattern, replacement in rules:
                value = pattern.sub(replacement, value)
        return value

    result = []
    for out in outputs:
        entry = {"output_type": out["output_type"]}
        if "text" in out:
            entry["text"] = clean(out["text"])
        entry.update({f"data:{k}": clean(v) for k, v in out.get("data", {}).items() if k != WIDGET_VIEW})
        result.append(entry)
    return result


def isolation_command() -> list[str] | None:
    """A command prefix that runs a program with no network but loopback, or None if there is none here."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return None
    for flags in (["-n"], ["-rn"]):  # -n as root; -rn maps an unprivileged user to root in a new namespace
        probe = subprocess.run(["unshare", *flags, "ip", "link", "set", "lo", "up"], capture_output=True)
        if probe.returncode == 0:
            return ["unshare", *flags, "sh", "-c", 'ip link set lo up && exec "$@"', "offline"]
    return None


ISOLATION = isolation_command()


def test_network_isolation_is_available_under_ci():
    if os.environ.get("CI") == "true":
        assert ISOLATION, "CI must run the lessons in a network namespace: install util-linux and iproute2"


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs_offline_and_reproduces_its_outputs(path):
    prefix = ISOLATION or []  # without a namespace the in-kernel guard still refuses and records every attempt
    result = subprocess.run(
        [*prefix, sys.executable, str(ROOT / "tests" / "offline_run.py"), str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, f"{path.name} failed offline:\n{result.stderr[-3000:]}"
    run = json.loads(result.stdout)[str(path)]
    assert run["attempts"] == "[]", f"{path.name} tried to reach the network: {run['attempts']}"
    cells = read_notebook(path)["cells"]
    for index, (fresh, cell) in enumerate(zip(run["outputs"], cells)):
        if "nbval-ignore-output" in cell["metadata"].get("tags", []):  # machine-specific, as nbval treats it
            continue
        assert comparable(fresh) == comparable(cell.get("outputs", [])), (
            f"{path.name}, cell {index}: outputs differ from the committed run"
        )


def test_the_guard_catches_a_lesson_that_reaches_out(tmp_path):
    nb = read_notebook(LESSONS[0])
    nb["cells"].append(
        {
            "cell_type": "code",
            "metadata": {},
            "source": "import urllib.request\ntry:\n"
            "    urllib.request.urlopen('http://example.com', timeout=2)\nexcept OSError as exc:\n"
            "    print('refused')",
            "outputs": [],
            "execution_count": None,
            "id": "probe",
        }
    )
    probe = tmp_path / "probe.ipynb"
    probe.write_text(json.dumps(nb), encoding="utf-8")
    result = subprocess.run(
        [*(ISOLATION or []), sys.executable, str(ROOT / "tests" / "offline_run.py"), str(probe)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "example.com" in json.loads(result.stdout)[str(probe)]["attempts"]
