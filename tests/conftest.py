"""Shared fixtures: real backing services and the shared datasets.

Locally a test whose service or data is absent skips with a loud reason; under CI=true it
fails instead, so a green CI always means the backends were really exercised.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Property tests explore new examples on every local run (that is how they find bugs); under
# CI they draw the same examples each time, so the run checked before submitting is the run
# CI repeats, and a red CI is never a coin toss. A failure prints its reproduction blob.
settings.register_profile("ci", derandomize=True, print_blob=True)
if IN_CI:
    settings.load_profile("ci")
REPO = Path(__file__).resolve().parents[1]
DATASETS = Path(os.environ.get("AIMDS_DATASETS", REPO.parent / "shared" / "datasets"))
REDIS_URL = os.environ.get("AIMDS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
POSTGRES_DSN = os.environ.get("AIMDS_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")


def _stale_extensions() -> list[str]:
    """Compiled modules (see setup.py) whose ``.py`` source changed after they were built:
    Python would import the old extension and the tests would judge old code."""
    from aimds.build import extension_files

    stale = []
    for module, path in extension_files().items():
        source = path.with_name(module.rpartition(".")[2] + ".py")
        if source.exists() and source.stat().st_mtime > path.stat().st_mtime:
            stale.append(str(source.relative_to(REPO)))
    return stale


def pytest_sessionstart(session: pytest.Session) -> None:
    stale = _stale_extensions()
    if stale:
        pytest.exit(
            "compiled extensions are older than their sources (" + ", ".join(stale[:5])
            + "): run `make install` to rebuild them, or `AIMDS_COMPILE=0 make install` for "
            "pure Python",
            returncode=4,
        )


def unavailable(reason: str) -> None:
    """Skip locally, fail under CI."""
    if IN_CI:
        pytest.fail(f"required in CI but unavailable: {reason}", pytrace=False)
    pytest.skip(f"!!! SKIPPED, {reason} !!!")


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def datasets_dir() -> Path:
    if not (DATASETS / "dev.jsonl").exists():
        unavailable(f"shared datasets not found at {DATASETS}")
    return DATASETS


@pytest.fixture(scope="session")
def redis_url() -> str:
    if not _port_open("127.0.0.1", 6379):
        unavailable("Redis is not running on 127.0.0.1:6379")
    return REDIS_URL


@pytest.fixture()
def redis_client(redis_url: str) -> Iterator[object]:
    """A client on a test database, flushed before and after each test."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    if not _port_open("127.0.0.1", 5432):
        unavailable("PostgreSQL is not running on 127.0.0.1:5432")
    return POSTGRES_DSN
