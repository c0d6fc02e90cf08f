"""The service's audit log: decisions and approval transitions recorded, read per tenant,
the chain verified; the pipeline's metrics appear on /metrics."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from aimds.server.app import create_app
from aimds.server.settings import ServerSettings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

CANARY = "my landlord canary-77 phrase"


def test_audit_records_decisions_and_approvals_per_tenant(tmp_path: Path) -> None:
    app = create_app(ServerSettings(data_dir=tmp_path))
    keys = app.state.aimds.keys
    made: dict[str, str] = {}
    for label, role, tenant, agent in (("agent", "agent", "acme", "bot-1"),
                                       ("approver", "approver", "acme", None),
                                       ("auditor", "auditor", "acme", None),
                                       ("other", "auditor", "globex", None)):
        _, made[label] = keys.create(role=role, tenant=tenant, agent=agent)

    def h(who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {made[who]}"}

    with TestClient(app) as c:
        d = c.post("/v1/evaluate", json={"tool": "mystery_tool", "args": {"note": CANARY}},
                   headers=h("agent")).json()
        assert d["verdict"] == "review", d
        r = c.post(f"/v1/approvals/{d['approval']}/deny", json={"reason": "unknown tool"},
                   headers=h("approver"))
        assert r.status_code == 200
        rows: list[dict[str, Any]] = c.get("/v1/audit", headers=h("auditor")).json()
        text = str(rows)
        assert d["id"] in text and "approval.resolved" in text and "approval.requested" in text
        assert CANARY not in text
        assert c.get("/v1/audit", headers=h("other")).json() == []
        verified = c.get("/v1/audit/verify", headers=h("auditor")).json()
        assert verified["ok"] is True
        assert c.get("/v1/audit", headers=h("approver")).status_code == 403
        assert "aimds_decisions_total" in c.get("/metrics").text


TOKEN = "glpat-" + "Zq8xYv3Kp2Lm9Nw4Rt6B"


def _service(tmp_path: Path, policy: str | None = None) -> tuple[Any, dict[str, str]]:
    settings = ServerSettings(data_dir=tmp_path / "data")
    if policy is not None:
        path = tmp_path / "policy.yaml"
        path.write_text(policy)
        settings = ServerSettings(data_dir=tmp_path / "data", policy=str(path))
    app = create_app(settings)
    made: dict[str, str] = {}
    for label, role, agent in (("agent", "agent", "bot-1"), ("admin", "admin", None),
                               ("auditor", "auditor", None)):
        _, made[label] = app.state.aimds.keys.create(role=role, tenant="acme", agent=agent)
    return app, {k: f"Bearer {v}" for k, v in made.items()}


def _rows(c: Any, auth: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = c.get("/v1/audit", headers={"Authorization": auth["auditor"]},
                                       params={"limit": 1000}).json()
    return rows


def test_serve_honours_store_events_and_masks_what_was_flagged(tmp_path: Path) -> None:
    """Issue 13: ``aimds serve`` ignored the policy's ``store_events``; with it, a flagged
    secret in the arguments must still be masked, and so must a token used as session."""
    app, auth = _service(
        tmp_path, "name: events\nextends: default\naudit: {store_events: true}\n"
    )
    with TestClient(app) as c:
        r = c.post("/v1/evaluate", headers={"Authorization": auth["agent"]}, json={
            "tool": "http_post", "subject": {"session": TOKEN},
            "args": {"url": "https://example.com/x", "body": f"note {TOKEN} end"},
        })
        assert r.status_code == 200 and "secret.gitlab_pat" in r.json()["rules"]
        rows = _rows(c, auth)
    decision = next(row for row in rows if row["type"] == "decision")
    assert decision["event"]["args"]["url"] == "https://example.com/x"
    assert TOKEN not in str(rows)
    raw = b"".join(p.read_bytes() for p in (tmp_path / "data").glob("audit.db*"))
    assert TOKEN.encode() not in raw


def test_quarantine_and_release_through_the_api_are_audited(tmp_path: Path) -> None:
    app, auth = _service(tmp_path)
    admin = {"Authorization": auth["admin"]}
    with TestClient(app) as c:
        c.post("/v1/detect", json={"text": "hello"}, headers={"Authorization": auth["agent"]})
        assert c.get("/v1/agents/bot-1", headers=admin).json()["quarantine"] == {
            "quarantined": False}
        r = c.post("/v1/agents/bot-1/quarantine", json={"reason": "odd behaviour"},
                   headers=admin)
        assert r.status_code == 200
        shown = c.get("/v1/agents/bot-1", headers=admin).json()["quarantine"]
        assert shown["quarantined"] is True and shown["reason"] == "odd behaviour"
        assert c.post("/v1/agents/bot-1/release", headers=admin).status_code == 200
        rows = [row for row in _rows(c, auth) if row["type"] == "quarantine"]
    assert sorted(row["data"]["action"] for row in rows) == ["quarantine", "release"]
    assert all(row["subject"]["agent"] == "bot-1" for row in rows)


def test_the_service_log_writes_checkpoints_periodically_and_at_shutdown(
    tmp_path: Path,
) -> None:
    """Issue 13: the service's audit log wrote no checkpoints at all, so a truncated tail
    went unnoticed."""
    import time

    app, auth = _service(
        tmp_path,
        "name: cp\nextends: default\naudit: {checkpoints: {interval_s: 0.2}}\n",
    )
    audit = app.state.aimds.services.extras["audit"]
    with TestClient(app) as c:
        c.post("/v1/detect", json={"text": "hello"}, headers={"Authorization": auth["agent"]})
        deadline = time.monotonic() + 5
        while not audit.store.checkpoints("acme") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert audit.store.checkpoints("acme"), "no periodic checkpoint"
        assert c.get("/v1/audit/verify",
                     headers={"Authorization": auth["auditor"]}).json()["ok"] is True
        c.post("/v1/detect", json={"text": "bye"}, headers={"Authorization": auth["agent"]})
    # shutdown signed the last record
    from aimds.audit.sqlite import SqliteStore

    store = SqliteStore(tmp_path / "data" / "audit.db")
    try:
        last = store.checkpoints("acme")[-1]
        head = list(store.records("acme"))[-1]
        assert last.seq == head.seq and last.algorithm == "hmac-sha256"
    finally:
        store.close()


@pytest.mark.redis
def test_the_agent_view_shows_a_quarantine_while_redis_is_down(tmp_path: Path) -> None:
    import asyncio
    import shutil
    import socket
    import subprocess
    import time
    import types
    from concurrent.futures import ThreadPoolExecutor

    from aimds.guard import Guard
    from aimds.server.service_audit import quarantine_of

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not on PATH")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    proc = subprocess.Popen([binary, "--port", str(port), "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.02)
        policy = {"name": "q", "behavior": {"store": "redis",
                                            "redis_url": f"redis://127.0.0.1:{port}/0"}}
        with Guard(policy) as guard, ThreadPoolExecutor(1) as pool:
            state = types.SimpleNamespace(guard=guard, pool=pool)
            guard.quarantine("bot-1", tenant="acme", reason="incident")
            proc.kill()
            proc.wait(5)
            shown = asyncio.run(quarantine_of(state, "acme", "bot-1"))  # type: ignore[arg-type]
            assert shown["quarantined"] is True and shown["reason"] == "incident"
            unknown = asyncio.run(quarantine_of(state, "acme", "bot-2"))  # type: ignore[arg-type]
            assert unknown["quarantined"] is None and "error" in unknown
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(5)
