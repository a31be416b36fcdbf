"""Hosted classrooms: the binder/ configuration that Binder (repo2docker) and a JupyterHub build from.

repo2docker reads binder/runtime.txt (the Python version), installs binder/requirements.txt
from the repository root, then runs binder/postBuild. These checks keep the three consistent
with pyproject.toml and the lessons, run postBuild into a throwaway prefix, and start
JupyterLab with the resulting settings to see that it opens lesson 00.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from .conftest import ROOT
from .jupyterlab import free_port, lab_command

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

BINDER = ROOT / "binder"
SERVER_CONFIG = BINDER / "jupyter-config" / "jupyter_server_config.json"
FIRST_LESSON = "lessons/00_start_here.ipynb"


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def requirement_lines() -> list[str]:
    lines = (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def test_runtime_pins_a_python_the_course_supports():
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    match = re.fullmatch(r"python-(3\.\d+)", runtime)
    assert match, f"binder/runtime.txt must read like 'python-3.11' (repo2docker's format), not {runtime!r}"
    requires = pyproject()["project"]["requires-python"]
    assert Version(match.group(1)) in SpecifierSet(requires), f"{runtime} does not satisfy requires-python {requires}"


def test_requirements_install_this_course_from_the_repository_root():
    # repo2docker runs pip from the repository root, so '.' there is this repository.
    local = [line for line in requirement_lines() if re.fullmatch(r"((-e|--editable)[\s=]+)?\./?", line)]
    assert len(local) == 1 and local[0].startswith(("-e", "--editable")), (
        f"binder/requirements.txt must install the course once, editable ('-e .'); found {local}"
    )
    assert pyproject()["project"]["name"] == "soft-power-companion"
    # Editable, because helpers finds data/ next to the package in the repository (helpers.data.data_dir).
    assert (ROOT / "helpers" / "__init__.py").is_file() and (ROOT / "data" / "datapackage.json").is_file()
    others = [line for line in requirement_lines() if line.startswith(("-r", "-c", "--requirement", "--constraint"))]
    assert not others, f"binder/requirements.txt must stand alone: {others}"


def test_default_url_opens_lesson_00_in_jupyterlab_and_leaves_a_hub_its_own():
    config = json.loads(SERVER_CONFIG.read_text(encoding="utf-8"))
    assert config["LabApp"]["default_url"] == f"/lab/tree/{FIRST_LESSON}"
    assert (ROOT / FIRST_LESSON).is_file()
    # jupyterhub-singleuser prefers ServerApp.default_url from a config file to the hub's
    # c.Spawner.default_url; a hub's students have the lessons elsewhere (tests/test_hub.py).
    assert "default_url" not in config.get("ServerApp", {}), "a ServerApp.default_url overrides every hub's"


def test_post_build_is_an_executable_bash_script_using_the_settings():
    script = BINDER / "postBuild"
    text = script.read_text(encoding="utf-8")
    assert os.access(script, os.X_OK), "binder/postBuild must be executable (chmod +x)"
    assert text.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in text
    assert str(SERVER_CONFIG.relative_to(ROOT)) in text


def run_post_build(prefix: Path, user_settings: Path | None = None) -> subprocess.CompletedProcess:
    """Run binder/postBuild as repo2docker would, from the repository root, into a throwaway prefix."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed here; repo2docker runs postBuild with bash on Linux")
    env = dict(os.environ, NB_PYTHON_PREFIX=str(prefix))
    # JupyterLab's user settings go here, not into the home folder of whoever runs the test.
    env["JUPYTERLAB_SETTINGS_DIR"] = str(user_settings or prefix / "user-settings")
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return subprocess.run(
        ["bash", str(BINDER / "postBuild")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_post_build_merges_the_default_url_into_existing_settings(tmp_path):
    target = tmp_path / "etc" / "jupyter" / "jupyter_server_config.json"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps({"ServerApp": {"terminals_enabled": False}}), encoding="utf-8")
    for _ in range(2):  # running it again changes nothing
        result = run_post_build(tmp_path, user_settings=tmp_path / "user-settings")
        assert result.returncode == 0, result.stdout + result.stderr
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["ServerApp"] == {"terminals_enabled": False}
    assert written["LabApp"] == {"default_url": f"/lab/tree/{FIRST_LESSON}"}
    # The classroom font sizes as user settings, where JupyterLab 4.6 applies them.
    from helpers.__main__ import FONT_SIZES, THEMES_SETTINGS

    themes = json.loads((tmp_path / "user-settings" / THEMES_SETTINGS).read_text(encoding="utf-8"))
    assert themes["overrides"] == FONT_SIZES
    course = json.loads((tmp_path / "share/jupyter/lab/settings/overrides.d/soft-power-companion.json").read_text())
    assert course["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    [startup] = tmp_path.glob("lib/python3*/site-packages/soft_power_companion_startup.pth")
    assert startup.read_text(encoding="utf-8").startswith('import sys; sys.modules.setdefault("rfc3987_syntax", None)')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _redirect_of(url: str, proc: subprocess.Popen, timeout: float = 60) -> str:
    """Where the server sends a visitor of ``url``, once it answers."""
    opener = urllib.request.build_opener(_NoRedirect)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {proc.returncode}")
        try:
            opener.open(url, timeout=5)
            return ""
        except urllib.error.HTTPError as exc:
            return exc.headers.get("Location", "")
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s")


def test_jupyterlab_with_these_settings_opens_lesson_00(tmp_path):
    prefix = tmp_path / "prefix"
    assert run_post_build(prefix).returncode == 0
    root = tmp_path / "home"
    (root / "lessons").mkdir(parents=True)
    shutil.copy2(ROOT / FIRST_LESSON, root / FIRST_LESSON)
    env = dict(os.environ, JUPYTER_CONFIG_PATH=str(prefix / "etc" / "jupyter"))
    for name in (
        "JUPYTER_CONFIG_DIR",
        "JUPYTER_DATA_DIR",
        "JUPYTER_RUNTIME_DIR",
        "JUPYTERLAB_SETTINGS_DIR",
        "JUPYTERLAB_WORKSPACES_DIR",
    ):
        env[name] = str(tmp_path / name.lower())
    token, port = secrets.token_hex(16), free_port()
    cmd = lab_command(port, token, root)
    log = tmp_path / "jupyterlab.log"
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        try:
            location = _redirect_of(f"http://127.0.0.1:{port}/?token={token}", proc)
        except RuntimeError as exc:
            pytest.fail(f"{exc}:\n{log.read_text(encoding='utf-8')[-3000:]}")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
    assert location.split("?")[0].endswith(f"/lab/tree/{FIRST_LESSON}"), f"/ redirects to {location!r}"
