"""``aimds identities``: create hands over the private identity once (or a 0600 file) and
registers only the public part; a service on the same data dir trusts it; list and revoke;
every change audited."""

from __future__ import annotations

import json
import stat
import warnings
from pathlib import Path

from typer.testing import CliRunner

from aimds import AgentIdentity
from aimds.cli.main import app
from aimds.server.app import create_app
from aimds.server.settings import ServerSettings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, ["identities", *args])
    return r.exit_code, r.output


def _check_in_service(data: Path, ident: AgentIdentity, body: str = "hello") -> dict:
    service = create_app(ServerSettings(data_dir=data))
    _, key = service.state.aimds.keys.create(role="agent", tenant="acme", agent="bot-1")
    _, admin = service.state.aimds.keys.create(role="admin", tenant="acme")
    with TestClient(service) as client:
        env = ident.sign_message(to="bot-1", body=body)
        r = client.post(
            "/v1/messages/check", json={"envelope": env}, headers={"Authorization": f"Bearer {key}"}
        )
        audit = client.get("/v1/audit?limit=100", headers={"Authorization": f"Bearer {admin}"})
        return {"decision": r.json(), "audit": audit.json()}


def test_create_writes_a_0600_identity_the_service_then_trusts(tmp_path: Path) -> None:
    data, key_file = tmp_path / "data", tmp_path / "planner.json"
    code, output = _run(
        "create",
        "--agent",
        "planner",
        "--tenant",
        "acme",
        "--role",
        "expert",
        "--out",
        str(key_file),
        "--data-dir",
        str(data),
        "--json",
    )
    assert code == 0, output
    shown = json.loads(output)
    assert shown["private"] is None and shown["identity"]["agent"] == "planner"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    ident = AgentIdentity.load(key_file)
    assert ident.key_id == shown["identity"]["key_id"]
    result = _check_in_service(data, ident)
    assert result["decision"]["verdict"] == "allow", result["decision"]
    records = result["audit"]
    records = records.get("records", records) if isinstance(records, dict) else records
    registered = [r for r in records if r.get("type") == "identity.registered"]
    assert registered and "private_key" not in json.dumps(registered)
    code, output = _run(
        "create",
        "--agent",
        "planner",
        "--tenant",
        "acme",
        "--out",
        str(key_file),
        "--data-dir",
        str(data),
    )
    assert code == 2 and "exists" in output  # never overwrites a key file


def test_an_hmac_identity_made_by_the_cli_opens_in_the_service(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, output = _run(
        "create",
        "--agent",
        "hplanner",
        "--tenant",
        "acme",
        "--algorithm",
        "hmac-sha256",
        "--data-dir",
        str(data),
        "--json",
    )
    assert code == 0, output
    private = json.loads(output)["private"]
    secret = private["secret"]
    assert secret.encode() not in (data / "aimds.db").read_bytes()
    ident = AgentIdentity.from_private_dict(private)
    assert _check_in_service(data, ident)["decision"]["verdict"] == "allow"


def test_list_never_shows_key_material_and_revoke_sticks(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, output = _run(
        "create",
        "--agent",
        "planner",
        "--tenant",
        "acme",
        "--expires-in",
        "30d",
        "--data-dir",
        str(data),
    )
    assert code == 0 and "shown once" in output
    private = json.loads(output.strip().splitlines()[-1])
    code, listed = _run("list", "--data-dir", str(data), "--json")
    assert code == 0 and private["private_key"] not in listed
    (record,) = json.loads(listed)
    assert record["expires"] > record["created"] + 29 * 86400
    code, output = _run("revoke", record["key_id"], "--tenant", "acme", "--data-dir", str(data))
    assert code == 0 and "revoked" in output
    code, listed = _run("list", "--data-dir", str(data))
    assert "revoked" in listed
    code, output = _run("revoke", record["key_id"], "--tenant", "acme", "--data-dir", str(data))
    assert code == 2 and "no active identity" in output
    ident = AgentIdentity.from_private_dict(private)
    decision = _check_in_service(data, ident)["decision"]
    assert decision["verdict"] == "block"


def test_usage_errors_exit_2_with_the_option(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    assert _run("create", "--agent", "a", "--algorithm", "rsa", "--data-dir", data)[0] == 2
    code, output = _run("create", "--agent", "a", "--expires-in", "soon", "--data-dir", data)
    assert code == 2 and "--expires-in" in output
    code, output = _run("create", "--agent", "bad agent", "--data-dir", data)
    assert code == 2 and "agent:" in output
    assert _run("list")[0] == 2  # neither --data-dir nor --database-url
