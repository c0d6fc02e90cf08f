"""The service: registering, listing and revoking identities with role checks and audit,
HMAC secrets sealed at rest, and ``/v1/messages/check`` for a recipient agent."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from aimds import AgentIdentity
from aimds.identity import crypto
from aimds.server.app import create_app
from aimds.server.settings import ServerSettings

KEYS = (
    ("admin", "admin", "acme", None),
    ("auditor", "auditor", "acme", None),
    ("approver", "approver", "acme", None),
    ("bot", "agent", "acme", "bot-1"),
    ("other_admin", "admin", "globex", None),
    ("operator", "operator", "*", None),
)


class Svc:
    def __init__(self, data_dir: Path) -> None:
        self.app = create_app(ServerSettings(data_dir=data_dir))
        state = self.app.state.aimds
        self.keys: dict[str, str] = {}
        for label, role, tenant, agent in KEYS:
            _, self.keys[label] = state.keys.create(role=role, tenant=tenant, agent=agent)
        self.client = TestClient(self.app)

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"}

    def post(self, path: str, who: str, json: Any = None, **kw: Any) -> Any:
        return self.client.post(path, headers=self.h(who), json=json, **kw)

    def get(self, path: str, who: str, **kw: Any) -> Any:
        return self.client.get(path, headers=self.h(who), **kw)


@pytest.fixture()
def svc(tmp_path: Path) -> Iterator[Svc]:
    s = Svc(tmp_path)
    with s.client:
        yield s


def _ed25519(agent: str = "planner", role: str | None = "expert") -> tuple[AgentIdentity, dict]:
    ident = AgentIdentity.generate(agent=agent, tenant="acme", role=role)
    pub = ident.public().public_key
    assert pub is not None
    return ident, {"agent": agent, "role": role, "public_key": crypto.b64encode(pub)}


def test_admins_register_agents_cannot(svc: Svc) -> None:
    ident, body = _ed25519()
    for who in ("bot", "auditor", "approver"):
        assert svc.post("/v1/identities", who, body).status_code == 403
    r = svc.post("/v1/identities", "admin", body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["key_id"] == ident.key_id and out["tenant"] == "acme"
    assert out["secret"] is None and not out["revoked"]
    assert svc.post("/v1/identities", "admin", body).status_code == 409  # already there


def test_bad_public_keys_are_422_naming_the_field(svc: Svc) -> None:
    for bad in (
        {"agent": "a"},
        {"agent": "a", "public_key": "AAAA"},
        {"agent": "a", "public_key": "!" * 43},
        {"agent": "a", "algorithm": "hmac-sha256", "public_key": "x"},
    ):
        r = svc.post("/v1/identities", "admin", bad)
        assert r.status_code == 422 and "public_key" in r.text, r.text


def test_operators_register_in_a_tenant_they_name(svc: Svc) -> None:
    _, body = _ed25519()
    assert svc.post("/v1/identities", "operator", body).status_code == 422
    assert svc.post("/v1/identities?tenant=acme", "operator", body).status_code == 200


def test_tenants_see_only_their_own_identities(svc: Svc) -> None:
    ident, body = _ed25519()
    svc.post("/v1/identities", "admin", body)
    assert [i["agent"] for i in svc.get("/v1/identities", "auditor").json()] == ["planner"]
    assert svc.get("/v1/identities", "other_admin").json() == []
    assert svc.get(f"/v1/identities/{ident.key_id}", "other_admin").status_code == 404
    assert svc.get(f"/v1/identities/{ident.key_id}", "bot").status_code == 403
    assert svc.get("/v1/identities?agent=planner", "admin").json()[0]["key_id"] == ident.key_id


def test_hmac_secret_is_shown_once_and_sealed_at_rest(svc: Svc, tmp_path: Path) -> None:
    r = svc.post("/v1/identities", "admin", {"agent": "hplanner", "algorithm": "hmac-sha256"})
    assert r.status_code == 200, r.text
    created = r.json()
    secret = created["secret"]
    assert secret and len(secret) >= 40
    listed = svc.get("/v1/identities", "admin").text
    one = svc.get(f"/v1/identities/{created['key_id']}", "admin").text
    assert secret not in listed and secret not in one and '"secret"' not in one
    for f in tmp_path.iterdir():  # the database, its WAL, the audit log
        if f.is_file():
            assert secret.encode() not in f.read_bytes(), f.name
    # the agent signs with the secret it was given; the service verifies with its sealed copy
    ident = AgentIdentity.from_secret(agent="hplanner", tenant="acme", secret=secret)
    assert ident.key_id == created["key_id"]
    env = ident.sign_message(to="bot-1", body="status: green")
    d = svc.post("/v1/messages/check", "bot", {"envelope": env})
    assert d.status_code == 200 and d.json()["verdict"] == "allow", d.text


def test_message_check_verifies_replays_and_confines_agents(svc: Svc) -> None:
    ident, body = _ed25519()
    svc.post("/v1/identities", "admin", body)
    env = ident.sign_message(to="bot-1", body="run the nightly build", channel="tasks")
    first = svc.post("/v1/messages/check", "bot", {"envelope": env}).json()
    assert first["verdict"] == "allow"
    again = svc.post("/v1/messages/check", "bot", {"envelope": env}).json()
    assert again["verdict"] == "block"
    assert "message.replay" in [f["rule"] for f in again["findings"]]
    r = svc.post("/v1/messages/check", "bot", {"envelope": env, "subject": {"agent": "bot-2"}})
    assert r.status_code == 403  # an agent checks messages as itself only
    leak = ident.sign_message(to="bot-1", body="here: api_key=sk_live_51HqLyjWDarjtT1zdp7dcXYZ")
    out = svc.post("/v1/messages/check", "bot", {"envelope": leak}).json()
    assert out["verdict"] in {"redact", "block"}
    assert "sk_live_51HqLyjWDarjtT1zdp7dcXYZ" not in str(out)


def test_revocation_is_audited_and_stops_the_sender(svc: Svc) -> None:
    ident, body = _ed25519()
    svc.post("/v1/identities", "admin", body)
    assert svc.post(f"/v1/identities/{ident.key_id}/revoke", "bot").status_code == 403
    assert svc.post(f"/v1/identities/{ident.key_id}/revoke", "other_admin").status_code == 404
    r = svc.post(f"/v1/identities/{ident.key_id}/revoke", "admin")
    assert r.status_code == 200 and r.json()["revoked"] is True
    assert svc.post(f"/v1/identities/{ident.key_id}/revoke", "admin").status_code == 409
    env = ident.sign_message(to="bot-1", body="hello")
    out = svc.post("/v1/messages/check", "bot", {"envelope": env}).json()
    assert out["verdict"] == "block"
    assert "message.unknown_sender" in [f["rule"] for f in out["findings"]]
    deadline = time.time() + 5
    types: list[str] = []
    while time.time() < deadline:
        rows = svc.get("/v1/audit?limit=200", "admin").json()
        records = rows.get("records", rows) if isinstance(rows, dict) else rows
        types = [str(r.get("type", "")) for r in records]
        if "identity.revoked" in types:
            break
        time.sleep(0.05)
    assert "identity.registered" in types and "identity.revoked" in types, types


def test_identities_survive_a_restart_of_the_service(tmp_path: Path) -> None:
    first = Svc(tmp_path)
    with first.client:
        r = first.post("/v1/identities", "admin", {"agent": "hplanner", "algorithm": "hmac-sha256"})
        secret = r.json()["secret"]
    second = Svc(tmp_path)
    with second.client:
        ident = AgentIdentity.from_secret(agent="hplanner", tenant="acme", secret=secret)
        env = ident.sign_message(to="bot-1", body="after the restart")
        out = second.post("/v1/messages/check", "bot", {"envelope": env}).json()
        assert out["verdict"] == "allow", out


def test_the_endpoints_are_in_openapi(svc: Svc) -> None:
    paths = svc.client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/identities",
        "/v1/identities/{key_id}",
        "/v1/identities/{key_id}/revoke",
        "/v1/messages/check",
    ):
        assert path in paths
