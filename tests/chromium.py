"""Headless Debian Chromium for the tests that need a real browser (JupyterLab, handouts).

Chromium comes from apt and is driven through Playwright from PyPI; Playwright's own browser
download is never used. A missing or broken browser fails the test under CI=true and skips it,
with install instructions, everywhere else.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM_ENV = "SP_CHROMIUM"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    "install Chromium (Debian/Ubuntu: sudo apt-get install chromium) and the test tools "
    '(pip install -e ".[test]"); do not run `playwright install`'
)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def unavailable(check: str, problem: str) -> None:
    """Fail under CI, skip elsewhere, saying what is missing and how to install it."""
    message = f"{check} cannot run: {problem}. To run it, {INSTALL_HINT}."
    if in_ci():
        pytest.fail(message + " (CI=true: a missing browser is a failure.)", pytrace=False)
    pytest.skip(message)


def find_chromium() -> str | None:
    for candidate in (
        os.environ.get(CHROMIUM_ENV),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def require_chromium(check: str) -> str:
    """The Chromium to drive, after checking that Playwright is installed too."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Playwright (the Python package) is not installed")
    executable = find_chromium()
    if executable is None:
        missing.append(f"Chromium was not found (looked at ${CHROMIUM_ENV}, /usr/bin/chromium and on PATH)")
    if missing:
        unavailable(check, "; ".join(missing))
    return executable


@contextmanager
def launched_chromium(check: str) -> Iterator:
    """A headless Chromium browser, closed together with Playwright whatever happens inside."""
    executable = require_chromium(check)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        try:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        except Exception as exc:  # a Chromium that does not start counts as a missing one
            unavailable(check, f"Chromium at {executable} did not start ({exc})")
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
