"""``aimds kill|revive|kills``: the service database is written, the running service obeys
within a second, every change is audited, bad input exits 2 with a message."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aimds.cli.main import app

runner = CliRunner()


def _cli(*args: str) -> Any:
    return runner.invoke(app, list(args))


def test_kill_json_revive_and_list(tmp_path: Path) -> None:
    r = _cli(
        "kill",
        "--tenant",
        "acme",
        "--agent",
        "bot-1",
        "--reason",
        "rogue",
        "--data-dir",
        str(tmp_path),
        "--json",
        "--as",
        "alice",
    )
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert body["scope"] == "agent" and body["by"] == "cli:alice" and body["stored"] is True
    assert body["audited"] is True
    listed = json.loads(_cli("kills", "--data-dir", str(tmp_path), "--json").stdout)
    assert [(k["tenant"], k["agent"]) for k in listed] == [("acme", "bot-1")]
    assert (
        _cli(
            "revive", "--tenant", "acme", "--agent", "bot-1", "--data-dir", str(tmp_path)
        ).exit_code
        == 0
    )
    again = _cli("revive", "--tenant", "acme", "--agent", "bot-1", "--data-dir", str(tmp_path))
    assert again.exit_code == 2 and "no kill" in again.output
    assert json.loads(_cli("kills", "--data-dir", str(tmp_path), "--json").stdout) == []


def test_every_change_lands_in_the_audit_log(tmp_path: Path) -> None:
    _cli("kill", "--tenant", "acme", "--reason", "incident", "--data-dir", str(tmp_path))
    _cli("revive", "--tenant", "acme", "--data-dir", str(tmp_path))
    from aimds.audit import Query
    from aimds.audit.store import open_store

    store = open_store(str(tmp_path / "audit.db"))
    try:
        rows = [r.data() for r in store.query(Query(type="kill", limit=10))]
    finally:
        store.close()
    assert sorted(r["data"]["action"] for r in rows) == ["kill", "revive"]
    assert all(r["data"]["scope"] == "tenant" for r in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenant", "a*b", "--reason", "x"], "tenant"),
        (["--reason", "x"], "tenant"),
        (["--all-tenants", "--tenant", "acme", "--reason", "x"], "all_tenants"),
        (["--tenant", "acme"], "reason"),
    ],
)
def test_bad_input_exits_2_naming_the_problem(
    tmp_path: Path, args: list[str], message: str
) -> None:
    r = _cli("kill", *args, "--data-dir", str(tmp_path))
    assert r.exit_code == 2
    assert message in r.output


def test_without_a_database_it_says_where_to_find_one(tmp_path: Path) -> None:
    r = _cli("kill", "--tenant", "acme", "--reason", "x")
    assert r.exit_code == 2 and "--data-dir" in r.output


def test_a_running_service_obeys_a_cli_kill_within_a_second(tmp_path: Path) -> None:
    """The embedded service reads its database every half second: no Redis needed."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from aimds.server.app import create_app
    from aimds.server.settings import ServerSettings

    app = create_app(
        ServerSettings(data_dir=tmp_path, rate_limit_per_minute=0, tenant_rate_limit_per_minute=0)
    )
    _, key = app.state.aimds.keys.create(role="agent", tenant="acme", agent="bot-1")
    event = {"kind": "prompt", "text": "hello"}
    headers = {"Authorization": f"Bearer {key}"}
    with TestClient(app) as client:
        assert client.post("/v1/check", json=event, headers=headers).json()["verdict"] == "allow"
        exe = str(Path(sys.executable).parent / "aimds")
        done = subprocess.run(
            [
                exe,
                "kill",
                "--tenant",
                "acme",
                "--agent",
                "bot-1",
                "--reason",
                "from the shell",
                "--data-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        issued = time.monotonic()
        verdict = ""
        while time.monotonic() - issued < 1.0:
            verdict = client.post("/v1/check", json=event, headers=headers).json()["verdict"]
            if verdict == "block":
                break
            time.sleep(0.02)
        assert verdict == "block"
    with sqlite3.connect(tmp_path / "aimds.db") as db:
        assert db.execute("SELECT by_role FROM aimds_kills").fetchall() == [("cli",)]
