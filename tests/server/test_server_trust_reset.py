"""``POST /v1/agents/{id}/trust/reset``: admins only, the score back to the initial one,
an audit record naming who did it."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from aimds.server.app import create_app
from aimds.server.settings import ServerSettings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def test_admin_resets_trust_and_the_reset_is_audited(tmp_path: Path) -> None:
    app = create_app(ServerSettings(data_dir=tmp_path))
    made: dict[str, str] = {}
    for label, role, tenant, agent in (("agent", "agent", "acme", "bot-1"),
                                       ("approver", "approver", "acme", None),
                                       ("auditor", "auditor", "acme", None),
                                       ("admin", "admin", "acme", None),
                                       ("other_admin", "admin", "globex", None)):
        _, made[label] = app.state.aimds.keys.create(role=role, tenant=tenant, agent=agent)

    def h(who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {made[who]}"}

    def trust() -> dict[str, Any]:
        return dict(c.get("/v1/agents/bot-1", headers=h("admin")).json()["trust"])

    with TestClient(app) as c:
        call = {"tool": "shell", "args": {"command": "rm -rf /"}}
        assert c.post("/v1/evaluate", json=call, headers=h("agent")).json()["verdict"] == "block"
        assert trust()["score"] < 500
        for who in ("agent", "approver", "auditor"):
            assert c.post("/v1/agents/bot-1/trust/reset", headers=h(who)).status_code == 403
        assert c.post("/v1/agents/bot-1/trust/reset", headers=h("other_admin")).status_code == 404
        r = c.post("/v1/agents/bot-1/trust/reset", headers=h("admin"))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["changed"] is True and body["trust"]["score"] == 500.0
        assert body["before"]["score"] < 500 and body["before"]["tier"] == "untrusted"
        assert trust()["score"] == 500.0
        app.state.aimds.services.extras["audit"].flush(5)
        rows = c.get("/v1/audit", headers=h("auditor")).json()
        resets = [row for row in rows if "trust.reset" in str(row)]
        assert resets and "key:" in str(resets[0])
