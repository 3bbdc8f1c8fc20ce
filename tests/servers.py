"""Whether a server a test needs is there: run when reachable, fail under CI=true, else skip."""

from __future__ import annotations

import os
import shutil
import socket

import pytest


def in_ci() -> bool:
    """True when running in CI, where every server the tests need must be present."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing(reason: str) -> None:
    """Fail the test under CI (the server must be there), skip it with *reason* elsewhere."""
    if in_ci():
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def tcp_reachable(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections at *host*:*port*."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_program(name: str, package: str) -> str:
    """Return the path of *name*, or fail/skip naming the Debian *package* that provides it."""
    path = shutil.which(name) or (f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None)
    if path is None:
        missing(f"{name} is not installed (apt-get install {package})")
    assert path is not None
    return path
