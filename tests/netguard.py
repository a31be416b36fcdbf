"""Socket guard for the test kernels: refuse and record every connection to a host that is not this machine.

tests/conftest.py copies this file into the startup folder of a private IPython profile and points
IPYTHONDIR at it, so every kernel nbval starts runs it before the lesson's first cell. A lesson that
reaches out then fails with an error naming the host, and the attempt is appended to the file named
by $SOFT_POWER_NETWORK_LOG, which conftest reads when the session ends (so even an attempt a lesson
catches and hides fails the run). Loopback stays open: the kernel talks to its runner over it.
"""

import os
import socket

_LOG = os.environ.get("SOFT_POWER_NETWORK_LOG")


class NetworkRefused(ConnectionRefusedError):
    """A connection outside loopback, refused because the course must work offline."""


def _is_local(host) -> bool:
    if not isinstance(host, (bytes, str)):  # e.g. a Unix socket path given as bytes-like
        return True
    host = host.decode() if isinstance(host, bytes) else host
    return host in ("", "localhost", "::1", "0.0.0.0") or host.startswith("127.")


def _refuse(target) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {target!r}\n")
    raise NetworkRefused(f"network access outside loopback is refused in the course's tests: {target!r}")


def _guarded(real):
    def connect(self, address, *args):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            _refuse(address)
        return real(self, address, *args)

    return connect


_real_getaddrinfo = socket.getaddrinfo


def _getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        _refuse(host)
    return _real_getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded(socket.socket.connect)
socket.socket.connect_ex = _guarded(socket.socket.connect_ex)
socket.getaddrinfo = _getaddrinfo
