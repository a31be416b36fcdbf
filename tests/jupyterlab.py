"""Starting a JupyterLab server for a test: a free loopback port and the command line."""

from __future__ import annotations

from helpers.__main__ import with_root_option

import socket
import sys
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_command(port: int, token: str, root: Path, *extra: str) -> list[str]:
    """`jupyter lab` of this environment on 127.0.0.1 only, with a token, serving ``root``."""
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        *extra,
    ]
    return with_root_option(cmd)
