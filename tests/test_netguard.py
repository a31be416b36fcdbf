"""The offline guarantee is checked inside nbval's own kernels: a positive control shows that
lesson-like cells trying to reach another host (by name or by address) fail there, name the
host and are recorded, while loopback (how a kernel talks to its runner) keeps working."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

from .conftest import ROOT

HOST = "offline-guard-control.invalid"


def notebook(*sources: str) -> str:
    cells = [
        {"cell_type": "code", "metadata": {}, "source": src, "outputs": [], "execution_count": None, "id": f"c{i}"}
        for i, src in enumerate(sources)
    ]
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    return json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5})


def test_cells_that_reach_out_fail_inside_nbvals_kernel(tmp_path):
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    path = tmp_path / "reaches_out.ipynb"
    path.write_text(
        notebook(
            f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=5).close()",  # loopback: allowed
            f"import urllib.request\nurllib.request.urlopen('http://{HOST}/', timeout=5)",
            "import socket\nsocket.socket().connect_ex(('192.0.2.1', 80))",
        ),
        encoding="utf-8",
    )
    # nbval as the suite runs lessons, with the suite's environment (so the same kernel start-up),
    # except that this run's attempts go to its own log: they are the test's, not a lesson's.
    log = tmp_path / "attempts.log"
    command = [sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "-o", "addopts="]
    command += ["--nbval-lax", "--nbval-current-env", "-q", str(path)]
    env = {**os.environ, "SOFT_POWER_NETWORK_LOG": str(log)}
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    server.close()
    report = result.stdout + result.stderr
    assert "2 failed, 1 passed" in report, report[-3000:]
    assert "network access outside loopback is refused" in report
    assert HOST in report and "192.0.2.1" in report
    recorded = log.read_text(encoding="utf-8")
    assert HOST in recorded and "192.0.2.1" in recorded and "127.0.0.1" not in recorded


def test_every_test_kernel_starts_with_the_guard():
    startup = os.path.join(os.environ["IPYTHONDIR"], "profile_default", "startup", "00-netguard.py")
    assert open(startup, encoding="utf-8").read() == (ROOT / "tests" / "netguard.py").read_text(encoding="utf-8")
