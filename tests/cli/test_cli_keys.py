"""``aimds keys``: create prints a working key once; list never shows secrets; revoke."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from aimds.cli.main import app
from aimds.respond.approvals import SqlDatabase
from aimds.server.auth import KeyStore, Role
from aimds.server.settings import ServerSettings

runner = CliRunner()


def _store(data: Path) -> KeyStore:
    return KeyStore(SqlDatabase(ServerSettings(data_dir=data).resolved_database_url()))


def test_create_prints_a_key_that_verifies(tmp_path: Path) -> None:
    r = runner.invoke(app, ["keys", "create", "--role", "approver", "--tenant", "acme",
                            "--data-dir", str(tmp_path)])
    assert r.exit_code == 0, r.output
    key = r.output.strip()
    who = _store(tmp_path).verify(key)
    assert who is not None and who.role is Role.APPROVER and who.tenant == "acme"


def test_list_shows_no_secret_and_revoke_works(tmp_path: Path) -> None:
    r = runner.invoke(app, ["keys", "create", "--role", "agent", "--tenant", "acme",
                            "--agent", "bot-1", "--data-dir", str(tmp_path), "--json"])
    created = json.loads(r.output)
    secret = created["key"].split("_", 2)[2]
    listed = runner.invoke(app, ["keys", "list", "--data-dir", str(tmp_path), "--json"])
    assert secret not in listed.output
    assert json.loads(listed.output)[0]["agent"] == "bot-1"
    assert secret not in (tmp_path / "aimds.db").read_bytes().decode("latin-1")
    r = runner.invoke(app, ["keys", "revoke", created["id"], "--data-dir", str(tmp_path)])
    assert r.exit_code == 0
    assert _store(tmp_path).verify(created["key"]) is None


def test_bad_role_and_missing_location_exit_2(tmp_path: Path) -> None:
    r = runner.invoke(app, ["keys", "create", "--role", "root", "--tenant", "acme",
                            "--data-dir", str(tmp_path)])
    assert r.exit_code == 2 and "role" in r.output
    r = runner.invoke(app, ["keys", "create", "--role", "admin", "--tenant", "acme"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["keys", "create", "--role", "admin", "--tenant", "a b",
                            "--data-dir", str(tmp_path)])
    assert r.exit_code == 2 and "tenant" in r.output


def test_agent_role_is_kept_with_the_key(tmp_path: Path) -> None:
    r = runner.invoke(app, ["keys", "create", "--role", "agent", "--tenant", "acme",
                            "--agent-role", "architect", "--data-dir", str(tmp_path), "--json"])
    assert r.exit_code == 0, r.output
    who = _store(tmp_path).verify(json.loads(r.output)["key"])
    assert who is not None and who.agent_role == "architect"
    listed = runner.invoke(app, ["keys", "list", "--data-dir", str(tmp_path)])
    assert "(architect)" in listed.output
    r = runner.invoke(app, ["keys", "create", "--role", "admin", "--tenant", "acme",
                            "--agent-role", "architect", "--data-dir", str(tmp_path)])
    assert r.exit_code == 2 and "agent_role" in r.output


def test_operator_keys_name_no_tenant_and_others_must(tmp_path: Path) -> None:
    r = runner.invoke(app, ["keys", "create", "--role", "operator", "--data-dir", str(tmp_path),
                            "--json"])
    assert r.exit_code == 0, r.output
    who = _store(tmp_path).verify(json.loads(r.output)["key"])
    assert who is not None and who.role is Role.OPERATOR and who.tenant == "*"
    r = runner.invoke(app, ["keys", "create", "--role", "operator", "--tenant", "acme",
                            "--data-dir", str(tmp_path)])
    assert r.exit_code == 2 and "--tenant" in r.output
    r = runner.invoke(app, ["keys", "create", "--role", "admin", "--data-dir", str(tmp_path)])
    assert r.exit_code == 2 and "--tenant" in r.output


def test_a_data_dir_the_cli_creates_is_private(tmp_path: Path) -> None:
    """Keys and identities live in the data directory: one the CLI makes is 0700, as the
    service makes it, whatever the umask."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        for command, folder in (
            (["keys", "create", "--role", "approver", "--tenant", "acme"], "keys"),
            (["identities", "list"], "identities"),
        ):
            data = tmp_path / folder / "data"
            r = runner.invoke(app, [*command, "--data-dir", str(data)])
            assert r.exit_code == 0, r.output
            assert stat.S_IMODE(data.stat().st_mode) == 0o700, command
    finally:
        os.umask(old)
