"""The kill switch on the service: every event kind blocked, scopes, roles, audit."""

from __future__ import annotations

from typing import Any

import pytest

from aimds.kill.stage import switch_of

EVENTS: list[dict[str, Any]] = [
    {"kind": "prompt", "text": "What is the capital of France?"},
    {"kind": "completion", "text": "Paris."},
    {"kind": "tool_call", "tool": "read_file", "args": {"path": "/tmp/notes.txt"}},
    {"kind": "tool_result", "tool": "read_file", "text": "meeting at noon"},
    {"kind": "message", "text": "hello from bot-1"},
    {"kind": "memory_write", "text": "the user prefers short answers"},
    {"kind": "memory_read", "text": "the user prefers short answers"},
]


@pytest.mark.parametrize("event", EVENTS, ids=[e["kind"] for e in EVENTS])
def test_kill_blocks_every_event_kind_and_revive_restores_it(service: Any, event: Any) -> None:
    assert service.verdict("agent", **event)[0] != "block"
    r = service.client.post(
        "/v1/agents/bot-1/kill", json={"reason": "exfiltration"}, headers=service.h("approver")
    )
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == "agent" and r.json()["stored"] is True
    verdict, rules = service.verdict("agent", **event)
    assert verdict == "block" and "kill.active" in rules
    assert service.verdict("agent2", **event)[0] != "block"  # its neighbour runs on
    r = service.client.post("/v1/agents/bot-1/revive", headers=service.h("admin"))
    assert r.status_code == 200, r.text
    verdict, rules = service.verdict("agent", **event)
    assert verdict != "block" and "kill.active" not in rules


def test_tenant_kill_stops_every_agent_of_the_tenant_only(service: Any) -> None:
    r = service.client.post("/v1/kill", json={"reason": "incident 7"}, headers=service.h("admin"))
    assert r.status_code == 200 and r.json()["scope"] == "tenant" and r.json()["tenant"] == "acme"
    assert service.verdict("agent")[0] == "block"
    assert service.verdict("agent2")[0] == "block"
    assert service.verdict("other_agent")[0] != "block"  # another tenant
    # lifting one agent's (absent) kill lifts nothing: the tenant's kill still holds
    r = service.client.post("/v1/agents/bot-1/revive", headers=service.h("admin"))
    assert r.status_code == 404
    assert service.verdict("agent")[0] == "block"
    r = service.client.post("/v1/revive", headers=service.h("admin"))
    assert r.status_code == 200
    assert service.verdict("agent")[0] != "block"


def test_global_kill_is_for_operators_and_stops_every_tenant(service: Any) -> None:
    body = {"reason": "platform incident", "all_tenants": True}
    assert service.client.post("/v1/kill", json=body, headers=service.h("admin")).status_code == 403
    r = service.client.post("/v1/kill", json=body, headers=service.h("operator"))
    assert r.status_code == 200 and r.json()["scope"] == "global"
    assert service.verdict("agent")[0] == "block"
    assert service.verdict("other_agent")[0] == "block"
    # a tenant admin sees the global kill but cannot lift it
    kills = service.client.get("/v1/kills", headers=service.h("auditor")).json()
    assert [k["scope"] for k in kills] == ["global"]
    denied = service.client.post(
        "/v1/revive", json={"all_tenants": True}, headers=service.h("admin")
    )
    assert denied.status_code == 403
    r = service.client.post("/v1/revive", json={"all_tenants": True}, headers=service.h("operator"))
    assert r.status_code == 200
    assert service.verdict("other_agent")[0] != "block"


@pytest.mark.parametrize(
    ("who", "path", "body", "status"),
    [
        ("agent", "/v1/agents/bot-1/kill", {"reason": "x"}, 403),  # agents never pull it
        ("auditor", "/v1/agents/bot-1/kill", {"reason": "x"}, 403),  # auditors only read
        ("approver", "/v1/kill", {"reason": "x"}, 403),  # a whole tenant: admins
        ("approver", "/v1/agents/bot-1/kill", {"reason": "x"}, 200),
        ("admin", "/v1/agents/bot-1/kill", {"reason": "x"}, 200),
    ],
)
def test_who_may_kill(service: Any, who: str, path: str, body: Any, status: int) -> None:
    r = service.client.post(path, json=body, headers=service.h(who))
    assert r.status_code == status, r.text
    assert (service.verdict("agent")[0] == "block") is (status == 200)


def test_revive_is_for_admins_and_platform_kills_for_operators(service: Any) -> None:
    service.client.post(
        "/v1/agents/bot-1/kill", json={"reason": "x"}, headers=service.h("approver")
    )
    for who in ("approver", "auditor", "agent"):
        r = service.client.post("/v1/agents/bot-1/revive", headers=service.h(who))
        assert r.status_code == 403, who
    assert service.verdict("agent")[0] == "block"
    # an operator's kill outranks the tenant's admin
    service.client.post(
        "/v1/agents/bot-2/kill?tenant=acme", json={"reason": "x"}, headers=service.h("operator")
    )
    r = service.client.post("/v1/agents/bot-2/revive", headers=service.h("admin"))
    assert r.status_code == 403 and "operator" in r.json()["error"]
    r = service.client.post("/v1/agents/bot-2/revive?tenant=acme", headers=service.h("operator"))
    assert r.status_code == 200


def test_a_tenant_cannot_kill_or_see_another_tenants_agents(service: Any) -> None:
    r = service.client.post(
        "/v1/agents/bot-9/kill?tenant=globex", json={"reason": "x"}, headers=service.h("admin")
    )
    assert r.status_code == 403
    service.client.post(
        "/v1/agents/bot-9/kill", json={"reason": "x"}, headers=service.h("other_admin")
    )
    assert service.verdict("other_agent")[0] == "block"
    assert service.client.get("/v1/kills", headers=service.h("admin")).json() == []
    r = service.client.post("/v1/agents/bot-9/revive", headers=service.h("admin"))
    assert r.status_code == 404  # acme's bot-9 is not killed; globex's is not acme's to see


def test_kill_and_revive_are_audited_without_event_content(service: Any) -> None:
    service.client.post(
        "/v1/agents/bot-1/kill",
        json={"reason": "tried to mail the CRM dump"},
        headers=service.h("approver"),
    )
    service.client.post("/v1/agents/bot-1/revive", headers=service.h("admin"))
    rows = service.client.get("/v1/audit?limit=50", headers=service.h("admin")).json()
    kills = [r for r in rows if r.get("type") == "kill"]
    actions = sorted(r["data"]["action"] for r in kills)
    assert actions == ["kill", "revive"], kills
    by = {r["data"]["action"]: r["data"]["by"] for r in kills}
    assert by["kill"].startswith("key:") and by["kill"] != by["revive"]
    assert all(r["subject"]["agent"] == "bot-1" for r in kills)


def test_bad_input_is_a_clear_422(service: Any) -> None:
    r = service.client.post("/v1/agents/bot-1/kill", json={}, headers=service.h("admin"))
    assert r.status_code == 422 and "reason" in r.text
    r = service.client.post(
        "/v1/agents/bot-1/kill", json={"reason": "x", "why": 1}, headers=service.h("admin")
    )
    assert r.status_code == 422
    r = service.client.post(
        "/v1/kill?tenant=acme",
        json={"reason": "x", "all_tenants": True},
        headers=service.h("operator"),
    )
    assert r.status_code == 422


def test_kills_survive_a_restart_of_the_service(service: Any) -> None:
    """The database is the truth: a new app on the same data dir starts with the kill."""
    from aimds.server.app import create_app

    service.client.post("/v1/agents/bot-1/kill", json={"reason": "x"}, headers=service.h("admin"))
    state = service.app.state.aimds
    again = create_app(state.settings)
    try:
        assert switch_of(again.state.aimds.services).covering("acme", "bot-1") is not None
    finally:
        switch_of(again.state.aimds.services).close()
        again.state.aimds.close()


def test_openapi_lists_the_kill_routes(service: Any) -> None:
    paths = service.client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/agents/{agent_id}/kill",
        "/v1/agents/{agent_id}/revive",
        "/v1/kill",
        "/v1/revive",
        "/v1/kills",
    ):
        assert path in paths


def test_a_cli_kill_is_a_platform_kill_only_an_operator_revives(service: Any) -> None:
    from typer.testing import CliRunner

    from aimds.cli.main import app

    data_dir = str(service.app.state.aimds.settings.data_dir)
    done = CliRunner().invoke(
        app,
        [
            "kill",
            "--tenant",
            "acme",
            "--agent",
            "bot-2",
            "--reason",
            "from the shell",
            "--data-dir",
            data_dir,
        ],
    )
    assert done.exit_code == 0, done.output
    # the revive reads the database first: no waiting for the next poll
    r = service.client.post("/v1/agents/bot-2/revive", headers=service.h("admin"))
    assert r.status_code == 403 and "cli" in r.json()["error"]
    assert service.verdict("agent2")[0] == "block"
    r = service.client.post("/v1/agents/bot-2/revive?tenant=acme", headers=service.h("operator"))
    assert r.status_code == 200
    assert service.verdict("agent2")[0] != "block"


def test_the_killed_agent_is_not_told_the_reason(service: Any) -> None:
    reason = "suspected compromise via leaked key 7f3a"
    service.client.post(
        "/v1/agents/bot-1/kill", json={"reason": reason}, headers=service.h("admin")
    )
    r = service.client.post(
        "/v1/check", json={"kind": "prompt", "text": "hi"}, headers=service.h("agent")
    )
    assert r.json()["verdict"] == "block" and "7f3a" not in r.text
    kills = service.client.get("/v1/kills", headers=service.h("auditor")).json()
    assert kills[0]["reason"] == reason  # the tenant's people see it
