"""The HTTP API: judging, approvals with long-poll, roles, tenants and bad input."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from aimds.server.settings import ServerSettings

CANARY = "pay the usual landlord canary-42"


def _review(svc: Any, who: str = "agent", **body: Any) -> dict[str, Any]:
    r = svc.client.post(
        "/v1/evaluate",
        json={"tool": "wire_transfer", "args": {"amount": 10, "note": CANARY}, **body},
        headers=svc.h(who),
    )
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    assert out["verdict"] == "review" and out["approval"].startswith("apr_")
    return out


def test_evaluate_allows_and_blocks_by_policy(service: Any) -> None:
    ok = service.client.post("/v1/evaluate", json={"tool": "read_file"}, headers=service.h("agent"))
    assert ok.status_code == 200 and ok.json()["verdict"] == "allow"
    assert ok.json()["subject"] == {
        "tenant": "acme", "agent": "bot-1", "role": "expert", "session": "default", "user": None
    }
    bad = service.client.post("/v1/evaluate", json={"tool": "rm"}, headers=service.h("agent"))
    assert bad.json()["verdict"] == "block"
    unknown = service.client.post("/v1/evaluate", json={"tool": "nope"}, headers=service.h("agent"))
    assert unknown.json()["verdict"] == "block"  # no rule looked at it: denied by default


def test_long_poll_on_evaluate_returns_the_human_verdict(service: Any) -> None:
    results: dict[str, Any] = {}

    def agent_call() -> None:
        r = service.client.post(
            "/v1/evaluate", json={"tool": "wire_transfer", "args": {"amount": 1}, "wait": 10},
            headers=service.h("agent"),
        )
        results["agent"] = r.json()

    t = threading.Thread(target=agent_call)
    started = time.monotonic()
    t.start()
    pending: list[dict[str, Any]] = []
    while not pending and time.monotonic() - started < 5:
        pending = service.client.get(
            "/v1/approvals?status=pending", headers=service.h("approver")
        ).json()
        time.sleep(0.05)
    assert len(pending) == 1 and pending[0]["tool"] == "wire_transfer"
    r = service.client.post(
        f"/v1/approvals/{pending[0]['id']}/approve", json={"reason": "known payee"},
        headers=service.h("approver"),
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"
    t.join(10)
    assert results["agent"]["verdict"] == "allow"
    assert "approval.approved" in results["agent"]["rules"]
    assert time.monotonic() - started < 5  # woken, not timed out


def test_get_approval_long_poll_and_deny(service: Any) -> None:
    aid = _review(service)["approval"]
    box: dict[str, Any] = {}
    t = threading.Thread(
        target=lambda: box.update(
            r=service.client.get(f"/v1/approvals/{aid}?wait=10", headers=service.h("agent")).json()
        )
    )
    t.start()
    time.sleep(0.2)
    r = service.client.post(
        f"/v1/approvals/{aid}/deny", json={"reason": "no"}, headers=service.h("admin")
    )
    assert r.json()["status"] == "denied"
    t.join(10)
    assert box["r"]["status"] == "denied" and box["r"]["verdict"] == "block"
    again = service.client.post(
        f"/v1/approvals/{aid}/approve", json={"reason": "late"}, headers=service.h("approver")
    )
    assert again.status_code == 409  # the first decision stands


def test_approval_record_keeps_no_raw_arguments(service: Any) -> None:
    """The queue's row holds a keyed digest, never the arguments; people who decide read the
    action from the masked view the service keeps beside it (``details``)."""
    aid = _review(service)["approval"]
    r = service.client.get(f"/v1/approvals/{aid}", headers=service.h("approver"))
    assert len(r.json()["digest"]) == 64 and r.json()["requester"].startswith("key:")
    queue = service.app.state.aimds.queue
    rows = queue.db.execute("SELECT * FROM aimds_approvals WHERE id = ?", (aid,))
    assert rows and CANARY not in repr(rows)
    assert CANARY in str(r.json()["details"]["args"])  # the approver sees what is approved
    own = service.client.get(f"/v1/approvals/{aid}", headers=service.h("agent"))
    assert CANARY not in own.text


def test_agent_cannot_approve_edit_policy_or_quarantine(service: Any) -> None:
    aid = _review(service)["approval"]
    h = service.h("agent")
    c = service.client
    r = c.post(f"/v1/approvals/{aid}/approve", json={"reason": "me"}, headers=h)
    assert r.status_code == 403
    assert c.put("/v1/policies/default", content=b"name: default\n", headers=h).status_code == 403
    assert c.post("/v1/agents/bot-1/release", headers=h).status_code == 403
    assert c.get("/v1/audit", headers=h).status_code == 403
    assert c.get(f"/v1/approvals/{aid}", headers=h).json()["status"] == "pending"


def test_requester_may_not_approve_own_request(service: Any) -> None:
    aid = _review(service, who="admin")["approval"]
    r = service.client.post(
        f"/v1/approvals/{aid}/approve", json={"reason": "mine"}, headers=service.h("admin")
    )
    assert r.status_code == 409 and "requester" in r.json()["error"]


def test_agent_acts_only_as_itself(service: Any) -> None:
    c = service.client
    body = {"tool": "read_file", "subject": {"agent": "bot-2"}}
    assert c.post("/v1/evaluate", json=body, headers=service.h("agent")).status_code == 403
    body = {"tool": "read_file", "subject": {"tenant": "globex"}}
    assert c.post("/v1/evaluate", json=body, headers=service.h("agent")).status_code == 403
    r = c.post("/v1/detect", json={"text": "hi"}, headers=service.h("approver"))
    assert r.status_code == 403
    aid = _review(service)["approval"]
    # another agent of the same tenant cannot read bot-1's request or agent data
    assert c.get(f"/v1/approvals/{aid}", headers=service.h("agent2")).status_code == 404
    assert c.get("/v1/agents/bot-1", headers=service.h("agent2")).status_code == 404
    assert c.get("/v1/approvals", headers=service.h("agent2")).json() == []
    assert c.get("/v1/agents/bot-1", headers=service.h("agent")).status_code == 200


def test_no_endpoint_crosses_tenants(service: Any) -> None:
    c = service.client
    aid = _review(service)["approval"]
    for who in ("other_agent", "other_approver", "other_admin"):
        h = service.h(who)
        assert c.get(f"/v1/approvals/{aid}", headers=h).status_code == 404
        assert c.get(f"/v1/approvals/{aid}?wait=1", headers=h).status_code == 404
        assert aid not in c.get("/v1/approvals", headers=h).text
        assert c.get("/v1/agents/bot-1", headers=h).status_code == 404
    for who in ("other_approver", "other_admin"):
        for verb in ("approve", "deny"):
            r = c.post(f"/v1/approvals/{aid}/{verb}", json={"reason": "x"}, headers=service.h(who))
            assert r.status_code == 404
    for verb in ("quarantine", "release"):
        r = c.post(f"/v1/agents/bot-1/{verb}", headers=service.h("other_admin"))
        assert r.status_code == 404
    # an unknown agent reads exactly like another tenant's agent
    unknown = c.get("/v1/agents/never-seen", headers=service.h("admin"))
    foreign = c.get("/v1/agents/bot-1", headers=service.h("other_admin"))
    assert unknown.status_code == foreign.status_code == 404
    assert unknown.json() == foreign.json()
    still = c.get(f"/v1/approvals/{aid}", headers=service.h("approver")).json()
    assert still["status"] == "pending"


def test_credentials_are_required_and_checked(service: Any) -> None:
    c = service.client
    assert c.post("/v1/detect", json={"text": "hi"}).status_code == 401
    bad = {"Authorization": "Bearer aimds_000000000000_nope"}
    assert c.post("/v1/detect", json={"text": "hi"}, headers=bad).status_code == 401
    basic = {"Authorization": "Basic x"}
    assert c.post("/v1/detect", json={"text": "hi"}, headers=basic).status_code == 401
    key = service.keys["agent"]
    tampered = {"Authorization": f"Bearer {key[:-2]}xx"}
    assert c.post("/v1/detect", json={"text": "hi"}, headers=tampered).status_code == 401


def test_bad_input_is_413_or_422_never_500(service: Any) -> None:
    c, h = service.client, service.h("agent")
    big = c.post("/v1/detect", content=b'{"text": "' + b"a" * 2_000_000 + b'"}', headers=h)
    assert big.status_code == 413
    r = c.post("/v1/evaluate", json={"tool": "read_file", "disable_checks": True}, headers=h)
    assert r.status_code == 422 and "disable_checks" in r.text  # nothing can switch checks off
    r = c.post("/v1/check", json={"kind": "prompt", "subject": {"agent": "../x"}}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "body.subject.agent"
    r = c.post("/v1/check", content=b"{not json", headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 422
    r = c.post("/v1/scan/batch", json={"items": []}, headers=h)
    assert r.status_code == 422


def test_errors_never_echo_input(service: Any) -> None:
    c, h = service.client, service.h("agent")
    r = c.post("/v1/check", json={"kind": "prompt", "text": 5, "meta": {"k": CANARY}}, headers=h)
    assert r.status_code == 422 and CANARY not in r.text


def test_rate_limit_is_per_credential(tmp_path: Path, service_factory: Any) -> None:
    svc = service_factory(ServerSettings(data_dir=tmp_path, rate_limit_per_minute=3))
    codes = [
        svc.client.post("/v1/detect", json={"text": "x"}, headers=svc.h("agent")).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    r = svc.client.post("/v1/detect", json={"text": "x"}, headers=svc.h("agent"))
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    other = svc.client.post("/v1/detect", json={"text": "x"}, headers=svc.h("agent2"))
    assert other.status_code == 200


def test_expiry_applies_policy_default_deny(
    tmp_path: Path, service_factory: Any, review_guard: Any
) -> None:
    policy = {"name": "short", "extends": "default", "approvals": {"timeout_s": 0.3}}
    svc = service_factory(ServerSettings(data_dir=tmp_path), review_guard(policy))
    r = svc.client.post(
        "/v1/evaluate", json={"tool": "wire_transfer", "wait": 5}, headers=svc.h("agent")
    )
    assert r.json()["verdict"] == "block" and "approval.expired" in r.json()["rules"]


def test_batch_mitigate_and_health(service: Any) -> None:
    c, h = service.client, service.h("agent")
    items = [{"kind": "prompt", "text": "hello"}, {"kind": "tool_call", "tool": "rm"}]
    r = c.post("/v1/scan/batch", json={"items": items}, headers=h)
    assert [d["verdict"] for d in r.json()["results"]] == ["allow", "block"]
    m = c.post("/v1/mitigate", json={"text": "plain text"}, headers=h).json()
    assert m["text"] == "plain text" and m["changed"] is False
    assert c.get("/health").json() == {"status": "ok"}
    ready = c.get("/ready").json()
    assert ready["status"] == "ready" and ready["policy"]["loaded"] is True
    assert "aimds_decisions_total" in c.get("/metrics").text
    spec = c.get("/openapi.json").json()
    assert "/v1/approvals/{approval_id}/approve" in spec["paths"]


def test_admin_quarantines_and_releases_an_agent(service: Any) -> None:
    c, admin, agent = service.client, service.h("admin"), service.h("agent")
    assert _verdict(c, agent) == "allow"
    r = c.post("/v1/agents/bot-1/quarantine", json={"reason": "odd behaviour"}, headers=admin)
    assert r.status_code == 200, r.text
    assert _verdict(c, agent) == "block"
    assert "behavior.quarantine" in _rules(c, agent)
    info = c.get("/v1/agents/bot-1", headers=admin).json()
    assert info["behavior_available"] is True and info["recent"][0]["verdict"] == "block"
    assert isinstance(info["trust"], dict) and "score" in info["trust"]
    assert c.post("/v1/agents/bot-1/release", headers=admin).status_code == 200
    assert _verdict(c, agent) == "allow"


def _verdict(c: Any, headers: dict[str, str]) -> str:
    r = c.post("/v1/evaluate", json={"tool": "read_file"}, headers=headers)
    return str(r.json()["verdict"])


def _rules(c: Any, headers: dict[str, str]) -> list[str]:
    r = c.post("/v1/evaluate", json={"tool": "read_file"}, headers=headers)
    return list(r.json()["rules"])


def test_an_agent_cannot_flood_approvers(tmp_path: Path, service_factory: Any) -> None:
    """Issue 13: one agent created 114 pending approvals; the service caps them per agent."""
    svc = service_factory(ServerSettings(data_dir=tmp_path, max_pending_approvals_per_agent=3))
    c = svc.client
    verdicts = [c.post("/v1/evaluate", json={"tool": "wire_transfer", "args": {"n": i}},
                       headers=svc.h("agent")).json()["verdict"] for i in range(5)]
    assert verdicts == ["review"] * 3 + ["block"] * 2
    other = c.post("/v1/evaluate", json={"tool": "wire_transfer", "args": {}},
                   headers=svc.h("agent2")).json()
    assert other["verdict"] == "review"
