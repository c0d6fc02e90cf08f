"""The service's audit log: decisions and approval transitions recorded, read per tenant,
the chain verified; the pipeline's metrics appear on /metrics."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

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
