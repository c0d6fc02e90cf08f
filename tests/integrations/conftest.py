"""Fixtures for the MCP gateway tests: the SDK (skip locally, fail in CI when missing),
the test servers under ``mcp_servers/`` and HTTP servers started as subprocesses."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SERVERS = Path(__file__).parent / "mcp_servers"
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="session")
def mcp_sdk() -> None:
    try:
        import mcp  # noqa: F401
    except ImportError:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("required in CI but unavailable: the mcp extra", pytrace=False)
        pytest.skip("!!! SKIPPED, the mcp extra is not installed: pip install 'aimds[mcp]' !!!")


@pytest.fixture(scope="session")
def server_command() -> Callable[[str], list[str]]:
    """``python mcp_servers/NAME.py`` as a command list."""
    return lambda name: [sys.executable, str(SERVERS / f"{name}.py")]


@pytest.fixture(scope="session")
def child_env() -> dict[str, str]:
    """The environment for subprocesses: this checkout's sources first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


@pytest.fixture()
def spawn_http(
    child_env: dict[str, str],
) -> Iterator[Callable[[Callable[[int], list[str]]], int]]:
    """Start ``make(port)`` on a free port and wait until it listens; the port. Each
    process is stopped (by its pid) after the test."""
    procs: list[subprocess.Popen[bytes]] = []

    def spawn(make: Callable[[int], list[str]]) -> int:
        port = free_port()
        proc = subprocess.Popen(make(port), env=child_env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        procs.append(proc)
        wait_for_port(port, proc)
        return port

    yield spawn
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
