"""Execute lesson notebooks with a socket guard in the kernel; print what happened as JSON.

Run by tests/test_offline.py, inside a network namespace that has only loopback. The guard
records (and refuses) every attempt to reach a host that is not this machine, so a lesson
that tries the network is named, not just slow or failing.
"""

from __future__ import annotations

import json
import sys

import nbformat
from nbclient import NotebookClient

GUARD = r"""
import socket as _socket

_network_attempts = []
def _is_local(host):
    if not isinstance(host, (bytes, str)):  # e.g. a Unix socket path given as bytes-like
        return True
    host = host.decode() if isinstance(host, bytes) else host
    return host in ("", "localhost", "::1", "0.0.0.0") or host.startswith("127.")

def _guard(real):
    def guarded(self, address, *args):
        if isinstance(address, tuple) and not _is_local(address[0]):
            _network_attempts.append(repr(address))
            raise OSError("network access is disabled in the offline test")
        return real(self, address, *args)
    return guarded

_socket.socket.connect = _guard(_socket.socket.connect)
_socket.socket.connect_ex = _guard(_socket.socket.connect_ex)
_real_getaddrinfo = _socket.getaddrinfo

def _getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        _network_attempts.append(repr(host))
        raise _socket.gaierror("network access is disabled in the offline test")
    return _real_getaddrinfo(host, *args, **kwargs)

_socket.getaddrinfo = _getaddrinfo
"""


def run(path: str) -> dict:
    nb = nbformat.read(path, as_version=4)
    original = len(nb.cells)
    nb.cells.insert(0, nbformat.v4.new_code_cell(GUARD))
    nb.cells.append(nbformat.v4.new_code_cell("_network_attempts"))
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path).rsplit("/", 1)[0]}},
    ).execute()
    attempts = nb.cells[-1].outputs[0]["data"]["text/plain"]
    lesson_cells = nb.cells[1 : original + 1]
    return {"attempts": attempts, "outputs": [c.get("outputs", []) for c in lesson_cells]}


if __name__ == "__main__":
    json.dump({path: run(path) for path in sys.argv[1:]}, sys.stdout)
