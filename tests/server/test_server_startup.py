"""Start-up: replicas starting together on a fresh database, and start-up failures that are
clean messages (no traceback, no admin key printed before the failure)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aimds.cli.main import app

_STARTER = """
import sys, time
from aimds.audit.postgres import PostgresStore
from aimds.respond.approvals import ApprovalQueue
from aimds.server.auth import KeyStore
from aimds.server.policies import PolicyStore
dsn, at = sys.argv[1], float(sys.argv[2])
time.sleep(max(0.0, at - time.time()))
queue = ApprovalQueue(dsn)
KeyStore(queue.db)
PolicyStore(queue.db)
PostgresStore(dsn).close()
queue.close()
print("ok")
"""


@pytest.fixture()
def fresh_database(postgres_dsn: str) -> Iterator[str]:
    import psycopg

    name = "aimds_fresh_" + uuid.uuid4().hex[:10]
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield postgres_dsn.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(postgres_dsn, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.postgres
def test_replicas_starting_together_on_a_fresh_database_all_start(fresh_database: str) -> None:
    """Issue 13: of two processes started at the same moment, one exited with
    ``database error: UniqueViolation`` (concurrent CREATE TABLE IF NOT EXISTS)."""
    at = time.time() + 2.0
    procs = [
        subprocess.Popen([sys.executable, "-c", _STARTER, fresh_database, str(at)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0 and out.strip() == "ok", err[-2000:]


def test_a_broken_policy_fails_before_any_key_is_printed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nextends: default\nbehavior: {fail_mode: sideways}\n")
    result = CliRunner().invoke(
        app, ["serve", "--data-dir", str(tmp_path / "data"), "--policy", str(bad)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 3, result.output
    assert "aimds_" not in result.output and "admin API key" not in result.output
    assert "Traceback" not in result.output and "fail_mode" in result.output


def test_an_unusable_data_dir_is_a_clean_error(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("a file, not a directory")
    result = CliRunner().invoke(app, ["serve", "--data-dir", str(taken / "data")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "data" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_data_files_are_private(tmp_path: Path) -> None:
    from aimds.server.app import create_app
    from aimds.server.settings import ServerSettings

    data = tmp_path / "data"
    app_ = create_app(ServerSettings(data_dir=data))
    app_.state.aimds.close()
    made = sorted(p.name for p in data.iterdir())
    assert "aimds.db" in made and "audit.db" in made
    for path in data.iterdir():
        assert path.stat().st_mode & 0o077 == 0, (path.name, oct(path.stat().st_mode))
    assert data.stat().st_mode & 0o777 == 0o700
    assert os.path.exists(data / "aimds.db")


def _policy_file(tmp_path: Path, behavior: str) -> str:
    path = tmp_path / "policy.yaml"
    path.write_text(f"name: shared\nextends: default\nbehavior: {behavior}\n")
    return str(path)


def _ready(settings: object) -> dict[str, object]:
    import warnings

    from aimds.server.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    with TestClient(create_app(settings)) as c:  # type: ignore[arg-type]
        body: dict[str, object] = c.get("/ready").json()
    return body


def test_ready_says_behaviour_state_is_per_process_when_embedded(tmp_path: Path) -> None:
    from aimds.server.settings import ServerSettings

    body = _ready(ServerSettings(data_dir=tmp_path))
    assert body["behavior"] == {"store": "memory", "shared": False,
                                "fingerprint_key": "per-process"}


@pytest.mark.redis
def test_cluster_mode_warns_without_a_shared_fingerprint_key(
    tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from aimds.server.settings import ServerSettings

    monkeypatch.delenv("AIMDS_FINGERPRINT_KEY", raising=False)
    policy = _policy_file(tmp_path, f"{{store: redis, redis_url: '{redis_url}'}}")
    settings = ServerSettings(data_dir=tmp_path / "d", redis_url=redis_url, policy=policy,
                              redis_prefix="aimds-startup-" + uuid.uuid4().hex[:8])
    with caplog.at_level("WARNING", logger="aimds.server"):
        body = _ready(settings)
    assert body["behavior"] == {"store": "redis", "shared": True,
                                "fingerprint_key": "per-process"}
    assert "fingerprint_key is not set" in caplog.text
    caplog.clear()
    monkeypatch.setenv("AIMDS_FINGERPRINT_KEY", "f" * 32)
    with caplog.at_level("WARNING", logger="aimds.server"):
        body = _ready(settings)
    assert body["behavior"] == {"store": "redis", "shared": True, "fingerprint_key": "env"}
    assert "fingerprint_key" not in caplog.text


@pytest.mark.redis
def test_cluster_mode_warns_when_behaviour_state_is_not_in_redis(
    tmp_path: Path, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    from aimds.server.settings import ServerSettings

    settings = ServerSettings(data_dir=tmp_path / "d", redis_url=redis_url,
                              redis_prefix="aimds-startup-" + uuid.uuid4().hex[:8])
    with caplog.at_level("WARNING", logger="aimds.server"):
        body = _ready(settings)
    assert body["behavior"]["shared"] is False  # type: ignore[index]
    assert "kept per process" in caplog.text


def test_cluster_docs_and_manifests_give_every_replica_the_shared_keys() -> None:
    """Issue 13: the cluster section and the Kubernetes manifests omitted
    ``behavior.fingerprint_key``; the keys every replica must share come from the Secret."""
    import yaml

    repo = Path(__file__).resolve().parents[2]
    secret = yaml.safe_load((repo / "deploy/kubernetes/secret.yaml").read_text())
    shared = {"AIMDS_FINGERPRINT_KEY", "AIMDS_AUDIT_KEY", "AIMDS_AUDIT_CHECKPOINT_KEY",
              "AIMDS_SESSION_SECRET"}
    assert shared <= set(secret["stringData"])
    deployment = (repo / "deploy/kubernetes/deployment.yaml").read_text()
    assert "secretRef: {name: aimds-secrets}" in deployment
    cluster = (repo / "docs/operations.md").read_text().split("## Cluster")[1].split("\n## ")[0]
    for name in shared:
        assert name in cluster


def test_a_policy_stored_only_in_the_database_still_starts(tmp_path: Path) -> None:
    from aimds.respond.approvals import SqlDatabase
    from aimds.server.app import create_app
    from aimds.server.policies import PolicyStore
    from aimds.server.settings import ServerSettings

    settings = ServerSettings(data_dir=tmp_path, policy="house")
    db = SqlDatabase(settings.resolved_database_url())
    PolicyStore(db).save("house", "name: house\nextends: default\n", label="house@1",
                         author="test")
    db.close()
    app_ = create_app(settings)
    try:
        assert app_.state.aimds.holder.name == "house"
        assert app_.state.aimds.services.extras["audit"] is not None
    finally:
        app_.state.aimds.close()
