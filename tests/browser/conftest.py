"""One JupyterLab server and one headless Chromium for the browser test, and its timing report.

The server runs from this Python (``sys.executable -m jupyter lab``) on 127.0.0.1 with a
random token, its root at a temporary copy of the lessons, and every Jupyter and
JupyterLab folder it would write to (config, data, runtime, settings, workspaces)
pointed into a temporary directory, so the committed notebooks and the user's own
set-up are never touched. Settings there turn autosave and the news pop-up off.

``SP_BROWSER_LESSONS=/some/folder`` runs the test on the notebooks of another folder
(used to check that the test catches a broken copy of a lesson); ``SP_CHROMIUM`` names
another Chromium binary.
"""

from __future__ import annotations

from helpers.__main__ import write_font_sizes, write_lab_settings
from helpers.lesson import lesson_notebooks

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from jupyterlab.commands import get_app_dir

from ..chromium import launched_chromium, require_chromium
from ..jupyterlab import free_port, lab_command

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LESSONS_ENV = "SP_BROWSER_LESSONS"
# JupyterLab settings for the test, on top of the course's own (written as `python -m helpers lab` does):
# no autosave (notebooks stay as committed).
OVERRIDES = {
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    # Every cell in the page, however long the lesson: the test counts outputs and reads solution cells.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}
# Every page load would otherwise ask the server whether JupyterLab's own front end needs a rebuild,
# which runs Node.js (about 1 s, 0.6 CPU-s): a check of the installation, not of the course.
PAGE_CONFIG = {"buildCheck": False, "buildAvailable": False}

# Seconds a server has to exit after /api/shutdown (it takes about 1 s when it does exit).
SHUTDOWN_GRACE = 5

# Per-lesson timings in seconds, filled by the test and reported at the end of the run.
TIMINGS: dict[str, dict[str, float]] = {}
SETUP_TIMINGS: dict[str, float] = {}


def lessons_dir() -> Path:
    return Path(os.environ.get(LESSONS_ENV) or ROOT / "lessons").resolve()


def lesson_paths() -> list[Path]:
    return lesson_notebooks(lessons_dir())


def require_browser_tools() -> str:
    """The Chromium to drive. Missing tools fail the test under CI=true and skip it elsewhere."""
    return require_chromium("Browser test")


class JupyterLab:
    """A JupyterLab server started and stopped by the test, reachable with its token."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.root = base / "lessons"
        self.log_path = base / "jupyterlab.log"
        self.token = secrets.token_hex(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = None

    def start(self, timeout: float = 90) -> None:
        shutil.copytree(lessons_dir(), self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        app_settings = self.base / "app-settings"
        app_settings.mkdir()
        (app_settings / "overrides.json").write_text(json.dumps(OVERRIDES, indent=1), encoding="utf-8")
        write_lab_settings(app_settings, Path(get_app_dir()))  # the course's: no news, fonts, keyboard-safe
        (app_settings / "page_config.json").write_text(json.dumps(PAGE_CONFIG), encoding="utf-8")
        env = dict(os.environ)
        for name, folder in (
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTERLAB_SETTINGS_DIR", "user-settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
            ("IPYTHONDIR", "ipython"),
        ):
            (self.base / folder).mkdir()
            env[name] = str(self.base / folder)
        write_font_sizes(self.base / "user-settings")  # as `python -m helpers lab` does: projector sizes
        # The kernel imports this checkout's helpers (which find data/ next to them), installed or not,
        # and runs with the Python of this environment.
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # a debugger warning on the kernel's stderr, not in cells
        env["SOFT_POWER_PROGRESS"] = str(self.base / "progress.json")  # quiz clicks never reach a real student's file
        for attempt in range(3):  # another process may take the free port before the server binds it
            if attempt:
                self.port = free_port()
                self.url = f"http://127.0.0.1:{self.port}"
            if self._launch(env, app_settings, timeout):
                return
        raise RuntimeError(f"JupyterLab found no free port in 3 attempts:\n{self.log_tail()}")

    def _launch(self, env: dict[str, str], app_settings: Path, timeout: float) -> bool:
        cmd = lab_command(
            self.port,
            self.token,
            self.root,
            f"--LabApp.app_settings_dir={app_settings}",
            f"--LabApp.user_settings_dir={self.base / 'user-settings'}",
            f"--LabApp.workspaces_dir={self.base / 'workspaces'}",
        )
        if self.log is not None:
            self.log.close()
        self.log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(
            cmd, cwd=self.root, env=env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                if "already in use" in self.log_tail():
                    return False
                raise RuntimeError(f"JupyterLab exited with code {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return True
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def api(self, method: str, path: str, timeout: float = 10) -> object:
        request = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_sessions(self) -> None:
        """Shut down every session and kernel, so the next lesson starts from a fresh kernel."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.shutdown_sessions()
                self.api("POST", "/api/shutdown")
                self.proc.wait(timeout=SHUTDOWN_GRACE)
            except (OSError, urllib.error.URLError, subprocess.TimeoutExpired):
                # Its kernels are shut down above. A server that has had a page open often never exits:
                # Python waits at exit for Jupyter Server's idle AnyIO worker threads, which nothing stops
                # (jupyterlab/jupyterlab#10442), and SIGTERM does not end that wait either. So: kill it.
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.log is not None:
            self.log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a temporary copy of the lessons; stopped (with its kernels) after the module."""
    started = time.perf_counter()
    server = JupyterLab(tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.start()
        SETUP_TIMINGS["JupyterLab start"] = time.perf_counter() - started
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def chromium_browser():
    """Headless Debian Chromium driven by Playwright; closed after the module."""
    started = time.perf_counter()
    with launched_chromium("Browser test") as browser:
        SETUP_TIMINGS["Chromium start"] = time.perf_counter() - started
        yield browser


@pytest.fixture(scope="module")
def browser_context(chromium_browser):
    """One browser context for all lessons, so JupyterLab's scripts come from its cache after the first."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 720})  # a classroom projector
    try:
        yield context
    finally:
        context.close()


def timing_report() -> str:
    if not TIMINGS:
        return ""
    phases = ["open", "run", "checks", "interact", "axe", "shot", "close", "total"]
    width = max(len("all lessons"), *(len(name) for name in TIMINGS)) + 2
    lines = [f"{'lesson':<{width}}" + "".join(f"{p:>9}" for p in phases)]
    for name, t in TIMINGS.items():
        lines.append(f"{name:<{width}}" + "".join(f"{t[p]:>8.1f}s" if p in t else f"{'-':>9}" for p in phases))
    total = sum(t["total"] for t in TIMINGS.values())
    setup = sum(SETUP_TIMINGS.values())
    lines.append(f"{'all lessons':<{width}}{'':>{9 * (len(phases) - 1)}}{total:>8.1f}s")
    lines.append(
        "set-up: "
        + ", ".join(f"{k} {v:.1f}s" for k, v in SETUP_TIMINGS.items())
        + f"; lessons plus set-up {total + setup:.1f}s"
    )
    return "\n".join(lines)


def pytest_terminal_summary(terminalreporter):
    report = timing_report()
    if report:
        terminalreporter.write_sep("-", "browser test: seconds per lesson")
        terminalreporter.write_line(report)
