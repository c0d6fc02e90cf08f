"""Policy updates (validate, version, atomic swap) and the live event stream."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import orjson

GOOD = "name: default\nextends: default\nversion: '2'\napprovals: {timeout_s: 60}\n"


def operator(service: Any) -> dict[str, str]:
    _, key = service.app.state.aimds.keys.create(role="operator")
    return {"Authorization": f"Bearer {key}"}


def test_put_validates_versions_and_swaps(service: Any) -> None:
    c, op = service.client, operator(service)
    before = c.get("/ready").json()["policy"]["label"]
    r = c.put("/v1/policies/default", content=GOOD, headers=op)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 1 and r.json()["active"] is True
    assert r.json()["scope"] == "global"
    after = c.get("/ready").json()["policy"]
    assert after["label"] != before and after["label"].startswith("default@2+")
    r = c.put("/v1/policies/default", content=GOOD.replace("'2'", "'3'"), headers=op)
    assert r.json()["version"] == 2
    listed = c.get("/v1/policies", headers=service.h("auditor")).json()
    assert listed[0] == {"name": "default", "version": 2, "label": listed[0]["label"],
                         "active": True, "scope": "global"}
    assert [p["name"] for p in listed[1:]] == ["default", "permissive", "strict"]
    assert {p["scope"] for p in listed[1:]} == {"pack"}
    assert "version: '3'" in c.get("/v1/policies/default", headers=service.h("admin")).json()[
        "text"]


def test_invalid_policy_is_422_with_location_and_keeps_serving(service: Any) -> None:
    c, admin = service.client, operator(service)
    label = c.get("/ready").json()["policy"]["label"]
    bad = "name: default\napprovals:\n  timeout_s: -1\n"
    r = c.put("/v1/policies/default", content=bad, headers=admin)
    assert r.status_code == 422 and "approvals.timeout_s" in r.json()["detail"]
    r = c.put("/v1/policies/default", content="name: [unclosed\n", headers=admin)
    assert r.status_code == 422
    r = c.put("/v1/policies/default", content="name: other\n", headers=admin)
    assert r.status_code == 422 and "name" in r.json()["error"]
    assert c.get("/ready").json()["policy"]["label"] == label


def test_only_admins_edit_and_test_policies(service: Any) -> None:
    c = service.client
    for who in ("agent", "approver", "auditor"):
        r = c.put("/v1/policies/default", content=GOOD, headers=service.h(who))
        assert r.status_code == 403
    body = {"kind": "tool_call", "tool": "shell", "args": {"command": "ls"}}
    r = c.post("/v1/policies/strict/test", json=body, headers=service.h("agent"))
    assert r.status_code == 403
    r = c.post("/v1/policies/strict/test", json=body, headers=service.h("admin"))
    assert r.status_code == 200 and r.json()["policy"].startswith("strict@")
    assert c.post("/v1/policies/nope/test", json=body,
                  headers=service.h("admin")).status_code == 404


def test_swap_drops_no_requests(service: Any) -> None:
    c = service.client
    codes: list[int] = []

    def hammer() -> None:
        for _ in range(40):
            codes.append(c.post("/v1/evaluate", json={"tool": "read_file"},
                                headers=service.h("agent")).status_code)

    workers = [threading.Thread(target=hammer) for _ in range(3)]
    for w in workers:
        w.start()
    op = operator(service)
    for v in range(2, 6):
        r = c.put("/v1/policies/default", content=GOOD.replace("'2'", f"'{v}'"),
                  headers=service.h("admin") if v % 2 else op)
        assert r.status_code == 200
    for w in workers:
        w.join()
    assert codes == [200] * 120


def test_event_stream_is_confined_to_the_tenant(live_server: Any) -> None:
    from aimds.server.auth import Role

    state = live_server.app.state.aimds
    _, other = state.keys.create(role=Role.ADMIN, tenant="globex")
    _, other_agent = state.keys.create(role=Role.AGENT, tenant="globex", agent="bot-g")
    got: dict[str, list[dict[str, Any]]] = {"acme": [], "globex": []}
    ready = threading.Barrier(3)

    def listen(tenant: str, key: str) -> None:
        with httpx.stream("GET", live_server.url + "/v1/events/stream?kind=tool_call",
                          headers={"Authorization": f"Bearer {key}"}, timeout=10) as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            lines = r.iter_lines()
            next(lines)  # ": connected"
            ready.wait(5)
            for line in lines:
                if line.startswith("data: "):
                    got[tenant].append(orjson.loads(line[6:]))
                    return

    threads = [threading.Thread(target=listen, args=("acme", live_server.keys["admin"])),
               threading.Thread(target=listen, args=("globex", other))]
    for t in threads:
        t.start()
    ready.wait(5)
    auth = {"Authorization": f"Bearer {live_server.keys['agent']}"}
    httpx.post(live_server.url + "/v1/check", json={"kind": "prompt", "text": "hi"}, headers=auth)
    httpx.post(live_server.url + "/v1/evaluate", json={"tool": "rm", "args": {"path": "/x"}},
               headers=auth)
    # then one event in the other tenant: live events arrive in order, so globex's first
    # event is its own only if it was shown none of acme's
    httpx.post(live_server.url + "/v1/evaluate", json={"tool": "read_file"},
               headers={"Authorization": f"Bearer {other_agent}"})
    for t in threads:
        t.join(10)
    event = got["acme"][0]
    assert event["kind"] == "tool_call" and event["verdict"] == "block"
    assert event["agent"] == "bot-1" and "args" not in event and "text" not in event
    assert [e["agent"] for e in got["globex"]] == ["bot-g"]  # never acme's events


def test_quarantine_survives_a_policy_swap(tmp_path: Any) -> None:
    import warnings

    from aimds.server.app import create_app
    from aimds.server.settings import ServerSettings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    app = create_app(ServerSettings(data_dir=tmp_path))
    keys = app.state.aimds.keys
    _, admin = keys.create(role="admin", tenant="acme")
    _, agent = keys.create(role="agent", tenant="acme", agent="bot-1")
    ha, hg = {"Authorization": f"Bearer {admin}"}, {"Authorization": f"Bearer {agent}"}
    with TestClient(app) as c:
        c.post("/v1/evaluate", json={"tool": "read_file", "args": {"path": "/a"}}, headers=hg)
        assert c.post("/v1/agents/bot-1/quarantine", headers=ha).status_code == 200
        r = c.put("/v1/policies/default", content=GOOD, headers=ha)
        assert r.status_code == 200
        d = c.post("/v1/evaluate", json={"tool": "read_file", "args": {"path": "/a"}},
                   headers=hg).json()
        assert d["policy"].startswith("default@2+") and "behavior.quarantine" in d["rules"]
