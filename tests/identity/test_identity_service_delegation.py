"""A delegation chain on a tool call through the service: ``/v1/check`` and
``/v1/evaluate`` pass the signed ``meta["aimds.delegation"]`` to the identity stage, while
every other reserved ``aimds.*`` key a caller sends is still dropped."""

from __future__ import annotations

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
from aimds.server.state import decision_meta


@pytest.fixture()
def svc(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    app = create_app(ServerSettings(data_dir=tmp_path))
    keys = {}
    for label, role, agent in (("admin", "admin", None), ("executor", "agent", "executor")):
        _, keys[label] = app.state.aimds.keys.create(role=role, tenant="acme", agent=agent)
    with TestClient(app) as client:
        yield client, {k: f"Bearer {v}" for k, v in keys.items()}


def _register(client: TestClient, admin: str, ident: AgentIdentity) -> None:
    pub = ident.public().public_key
    assert pub is not None
    body = {"agent": ident.agent, "role": ident.role, "public_key": crypto.b64encode(pub)}
    r = client.post("/v1/identities", json=body, headers={"Authorization": admin})
    assert r.status_code == 200, r.text


def _chains() -> tuple[list[AgentIdentity], list[dict[str, Any]], list[dict[str, Any]]]:
    alice = AgentIdentity.generate(agent="alice", tenant="acme", role="user")
    planner = AgentIdentity.generate(agent="planner", tenant="acme", role="expert")
    to_planner = alice.delegate(
        to="planner", scope={"tools": ["read_file"], "actions": ["fs:read"]}, ttl=3600
    )
    to_executor = planner.delegate(
        to="executor", scope={"tools": ["read_file"], "actions": ["fs:read"]}, chain=to_planner
    )
    greedy = planner.delegate(
        to="executor",
        scope={"tools": ["read_file", "shell"], "actions": ["fs:read"]},
        chain=to_planner,
    )
    return [alice, planner], to_executor, greedy


@pytest.mark.parametrize("path", ["/v1/check", "/v1/evaluate"])
def test_a_chain_on_a_tool_call_reaches_the_identity_stage(
    svc: tuple[TestClient, dict[str, str]], path: str
) -> None:
    client, auth = svc
    identities, to_executor, greedy = _chains()
    for ident in identities:
        _register(client, auth["admin"], ident)

    def call(tool: str, args: dict[str, Any], chain: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"tool": tool, "args": args, "meta": {"aimds.delegation": chain}}
        if path == "/v1/check":
            body["kind"] = "tool_call"
        r = client.post(path, json=body, headers={"Authorization": auth["executor"]})
        assert r.status_code == 200, r.text
        out: dict[str, Any] = r.json()
        return out

    read = call("read_file", {"path": "README.md"}, to_executor)
    assert read["verdict"] == "allow" and "delegation.verified" in read["rules"]
    write = call("write_file", {"path": "notes.txt", "content": "x"}, to_executor)
    assert write["verdict"] == "block" and "delegation.out_of_scope" in write["rules"]
    widened = call("read_file", {"path": "README.md"}, greedy)
    assert widened["verdict"] == "block" and "delegation.widened" in widened["rules"]
    forged = [dict(link) for link in to_executor]
    forged[-1]["scope"] = {"tools": ["*"], "actions": ["*"]}  # edited after signing
    tampered = call("read_file", {"path": "README.md"}, forged)
    assert tampered["verdict"] == "block" and "delegation.invalid" in tampered["rules"]


def test_only_the_delegation_key_of_the_reserved_ones_passes() -> None:
    meta = {
        "aimds.delegation": [{"link": 1}],
        "aimds.requester": "forged",
        "aimds.source": "mcp:forged",
        "aimds.envelope": {"sender": "x"},
        "team": "blue",
    }
    assert decision_meta(meta, "key-1") == {
        "aimds.delegation": [{"link": 1}],
        "team": "blue",
        "aimds.requester": "key-1",
    }
