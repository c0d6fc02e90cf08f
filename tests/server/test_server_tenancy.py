"""Tenancy: operators apart from tenant admins, a policy per tenant, reads confined to the
caller's tenant (issue 13, item 1), on the real default pack."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from aimds.server.app import create_app
from aimds.server.settings import ServerSettings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

# a send the default pack reviews (review.risky_send: a program posts a file it reads); the
# tests below block it by tool name ("mail" in their rule ids is historical)
MAIL = {"tool": "shell", "args": {"command": "curl -sS --data-binary @reports/q3.csv "
                                             "https://reports.example.com/in"}}
FILE_CANARY = "canary-first-line-4417"


@dataclass
class Svc:
    client: TestClient
    keys: dict[str, str]
    app: Any

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"}

    def evaluate(self, who: str, body: dict[str, Any] = MAIL) -> dict[str, Any]:
        r = self.client.post("/v1/evaluate", json=body, headers=self.h(who))
        assert r.status_code == 200, r.text
        found: dict[str, Any] = r.json()
        return found

    def put(self, who: str, name: str, text: str, **params: str) -> Any:
        return self.client.put(f"/v1/policies/{name}", content=text, headers=self.h(who),
                               params=params)


@pytest.fixture()
def svc(tmp_path: Path) -> Iterator[Svc]:
    app = create_app(ServerSettings(data_dir=tmp_path / "data"))
    store = app.state.aimds.keys
    keys: dict[str, str] = {}
    for label, role, tenant, agent in (
        ("operator", "operator", "", None),
        ("acme_agent", "agent", "acme", "bot-1"),
        ("acme_admin", "admin", "acme", None),
        ("acme_auditor", "auditor", "acme", None),
        ("acme_approver", "approver", "acme", None),
        ("globex_agent", "agent", "globex", "bot-9"),
        ("globex_admin", "admin", "globex", None),
        ("initech_agent", "agent", "initech", "bot-5"),
        ("initech_admin", "admin", "initech", None),
    ):
        _, keys[label] = store.create(role=role, tenant=tenant, agent=agent)
    with TestClient(app) as client:
        yield Svc(client=client, keys=keys, app=app)


# -- a policy per tenant ----------------------------------------------------------------------


def test_a_tenant_admin_changes_only_its_own_tenants_policy(svc: Svc) -> None:
    """Before: globex's admin sent PUT /v1/policies/default (extends permissive) and acme's
    send_email (now: a posting shell call) went review -> allow."""
    assert svc.evaluate("acme_agent")["verdict"] == "review"
    global_label = svc.client.get("/ready").json()["policy"]["label"]
    r = svc.put("globex_admin", "default", "name: default\nextends: permissive\nversion: g1\n")
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == "tenant" and r.json()["tenant"] == "globex"
    assert r.json()["active"] is True
    assert svc.evaluate("globex_agent")["verdict"] == "allow"
    acme = svc.evaluate("acme_agent")
    assert acme["verdict"] == "review" and acme["policy"] == global_label
    assert svc.client.get("/ready").json()["policy"]["label"] == global_label
    # a tenant admin cannot aim at another tenant
    r = svc.put("globex_admin", "default", "name: default\nextends: permissive\n",
                tenant="acme")
    assert r.status_code == 403
    assert svc.evaluate("acme_agent")["verdict"] == "review"
    # each tenant's listing shows its own version active, never another tenant's
    mine = svc.client.get("/v1/policies", headers=svc.h("globex_admin")).json()
    assert [p for p in mine if p["active"]] == [
        {"name": "default", "version": 1, "label": mine[0]["label"], "active": True,
         "scope": "tenant", "tenant": "globex"}]
    theirs = svc.client.get("/v1/policies", headers=svc.h("acme_admin")).json()
    assert all(p.get("tenant") is None for p in theirs)
    assert "g1" not in str(theirs)
    # the operator's overview names the tenants that run a version of their own
    overview = svc.client.get("/v1/policies", headers=svc.h("operator")).json()
    assert [p["tenant"] for p in overview if p["scope"] == "tenant"] == ["globex"]
    assert [p["name"] for p in mine if p["scope"] == "global"] == ["default"]


def test_only_an_operator_changes_the_global_policy(svc: Svc) -> None:
    rule = ("name: default\nextends: default\nversion: op1\nrules:\n"
            "  - {id: op.no-mail, tools: [shell], action: block}\n")
    # initech has a version of its own that builds on "default" (the pack, so far)
    r = svc.put("initech_admin", "default", "name: default\nextends: default\nversion: i1\n")
    assert r.status_code == 200, r.text
    assert svc.evaluate("initech_agent")["verdict"] == "review"
    r = svc.put("operator", "default", rule)
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == "global"
    assert svc.client.get("/ready").json()["policy"]["label"].startswith("default@op1+")
    # every tenant without its own runs it ...
    assert svc.evaluate("acme_agent")["verdict"] == "block"
    # ... and a tenant's own version that extends it is rebuilt on it
    initech = svc.evaluate("initech_agent")
    assert initech["verdict"] == "block" and initech["policy"].startswith("default@i1+")
    # an operator sets one tenant's policy by naming it
    r = svc.put("operator", "default", "name: default\nextends: permissive\n", tenant="acme")
    assert r.status_code == 200 and r.json()["tenant"] == "acme"
    assert svc.evaluate("acme_agent")["verdict"] == "allow"
    assert svc.evaluate("globex_agent")["verdict"] == "block"


def test_other_processes_take_in_tenant_versions(svc: Svc) -> None:
    """A version stored by another process (cluster mode) is picked up by polling."""
    policies = svc.app.state.aimds.tenant_policies
    policies.store.save("default", "name: default\nextends: permissive\nversion: x\n",
                        label="x", author="elsewhere", tenant="acme")
    assert policies.refresh() == ["acme"]
    assert svc.evaluate("acme_agent")["verdict"] == "allow"
    assert svc.evaluate("globex_agent")["verdict"] == "review"
    assert policies.refresh() == []


# -- extends: packs and stored policies only ---------------------------------------------------


@pytest.mark.parametrize("who", ["acme_admin", "operator"])
def test_extends_never_reads_a_file(svc: Svc, tmp_path: Path, who: str) -> None:
    """Before: ``extends: /etc/shadow`` answered 422 quoting the file's first line."""
    secret = tmp_path / "secret.yaml"
    secret.write_text(f"{FILE_CANARY}: x\n")
    valid = tmp_path / "valid.yaml"
    valid.write_text("name: valid\nextends: permissive\n")
    refs = [str(secret), str(valid), "/etc/passwd", "/etc/shadow", "../secret.yaml",
            "valid.yaml", "/nonexistent/file.yaml"]
    for ref in refs:
        r = svc.put(who, "default", f"name: default\nextends: {ref}\n")
        assert r.status_code == 422, (ref, r.text)
        assert FILE_CANARY not in r.text and "root:" not in r.text
        assert "no such pack or stored policy" in r.json()["detail"], r.text
    # the file that is a valid policy was not used either
    assert svc.evaluate("acme_agent")["verdict"] == "review"


def test_extends_finds_own_and_global_stored_policies_but_not_another_tenants(svc: Svc) -> None:
    base = ("name: mail-block\nextends: default\nrules:\n"
            "  - {id: acme.no-mail, tools: [shell], action: block}\n")
    r = svc.put("acme_admin", "mail-block", base)
    assert r.status_code == 200 and r.json()["active"] is False
    assert svc.evaluate("acme_agent")["verdict"] == "review"  # stored, not active
    r = svc.put("acme_admin", "default", "name: default\nextends: mail-block\n")
    assert r.status_code == 200, r.text
    assert svc.evaluate("acme_agent")["verdict"] == "block"
    # globex cannot build on acme's policy, nor learn that it exists
    r = svc.put("globex_admin", "default", "name: default\nextends: mail-block\n")
    assert r.status_code == 422 and "no such pack or stored policy" in r.text
    assert "acme" not in r.text
    assert svc.client.get("/v1/policies/mail-block",
                          headers=svc.h("globex_admin")).status_code == 404
    # a global stored policy is there for everyone to extend
    r = svc.put("operator", "shared", "name: shared\nextends: permissive\n")
    assert r.status_code == 200
    r = svc.put("globex_admin", "default", "name: default\nextends: shared\n")
    assert r.status_code == 200, r.text
    assert svc.evaluate("globex_agent")["verdict"] == "allow"


def test_policy_errors_keep_their_location(svc: Svc) -> None:
    r = svc.put("acme_admin", "default", "name: default\nextends: default\napprovals:\n"
                "  timeout_s: -1\n")
    assert r.status_code == 422
    assert r.json()["detail"].startswith("policy:acme/default:4: approvals.timeout_s")


def test_get_policy_answers_for_the_active_policy_and_packs(svc: Svc) -> None:
    """Before: GET /v1/policies/default said "no stored policy" though it was listed."""
    for name in [p["name"] for p in svc.client.get("/v1/policies",
                                                    headers=svc.h("acme_auditor")).json()]:
        r = svc.client.get(f"/v1/policies/{name}", headers=svc.h("acme_auditor"))
        assert r.status_code == 200, (name, r.text)
        assert r.json()["text"]
    active = svc.client.get("/v1/policies/default", headers=svc.h("acme_auditor")).json()
    assert active["active"] is True and "rules" in active["text"]
    assert svc.client.get("/v1/policies/nope", headers=svc.h("acme_admin")).status_code == 404


# -- reads confined to the tenant ------------------------------------------------------------


def _traffic(svc: Svc) -> dict[str, str]:
    """One pending approval in acme and one in globex; their ids."""
    ids = {}
    for tenant in ("acme", "globex"):
        d = svc.evaluate(f"{tenant}_agent", {"tool": "mystery_tool", "args": {"n": 1}})
        assert d["verdict"] == "review"
        ids[tenant] = d["approval"]
    return ids


def test_audit_and_its_verification_are_the_callers_tenants(svc: Svc) -> None:
    """Before: a tenant's admin saw every tenant's audit chain through /v1/audit/verify."""
    _traffic(svc)
    verified = svc.client.get("/v1/audit/verify", headers=svc.h("acme_auditor")).json()
    assert [c["chain"] for c in verified["chains"]] == ["acme"] and verified["ok"] is True
    assert "globex" not in str(verified)
    everyone = svc.client.get("/v1/audit/verify", headers=svc.h("operator")).json()
    assert {c["chain"] for c in everyone["chains"]} == {"acme", "globex"}
    narrowed = svc.client.get("/v1/audit/verify", params={"tenant": "globex"},
                              headers=svc.h("operator")).json()
    assert [c["chain"] for c in narrowed["chains"]] == ["globex"]
    rows = svc.client.get("/v1/audit", headers=svc.h("acme_admin")).json()
    assert rows and {r["subject"]["tenant"] for r in rows if "subject" in r} == {"acme"}
    rows = svc.client.get("/v1/audit", headers=svc.h("operator")).json()
    assert {r["subject"]["tenant"] for r in rows if "subject" in r} == {"acme", "globex"}
    for path in ("/v1/audit", "/v1/audit/verify"):
        r = svc.client.get(path, params={"tenant": "globex"}, headers=svc.h("acme_admin"))
        assert r.status_code == 403


def test_dashboard_audit_page_shows_only_the_tenants_chain(svc: Svc) -> None:
    _traffic(svc)
    c = svc.client
    c.post("/ui/login", data={"api_key": svc.keys["acme_admin"]})
    page = c.get("/ui/audit")
    assert page.status_code == 200 and "acme" in page.text
    assert "globex" not in page.text
    c.cookies.clear()
    c.post("/ui/login", data={"api_key": svc.keys["operator"]})
    page = c.get("/ui/audit")
    assert "globex" in page.text and "acme" in page.text


def test_approvals_are_the_callers_tenants_and_an_operator_sees_and_resolves_all(
    svc: Svc,
) -> None:
    ids = _traffic(svc)
    mine = svc.client.get("/v1/approvals", headers=svc.h("acme_approver")).json()
    assert [a["id"] for a in mine] == [ids["acme"]]
    r = svc.client.get(f"/v1/approvals/{ids['globex']}", headers=svc.h("acme_approver"))
    assert r.status_code == 404
    r = svc.client.get("/v1/approvals", params={"tenant": "globex"},
                       headers=svc.h("acme_approver"))
    assert r.status_code == 403
    every = svc.client.get("/v1/approvals", headers=svc.h("operator")).json()
    assert {a["id"] for a in every} == set(ids.values())
    one = svc.client.get("/v1/approvals", params={"tenant": "globex"},
                         headers=svc.h("operator")).json()
    assert [a["id"] for a in one] == [ids["globex"]]
    r = svc.client.post(f"/v1/approvals/{ids['globex']}/approve", json={"reason": "ok"},
                        headers=svc.h("operator"))
    assert r.status_code == 200 and r.json()["status"] == "approved"
    # and the dashboard's queue shows the operator both tenants' requests
    svc.client.post("/ui/login", data={"api_key": svc.keys["operator"]})
    assert ids["acme"] in svc.client.get("/ui/approvals").text


def test_agents_are_listed_per_tenant(svc: Svc) -> None:
    """Before: GET /v1/agents (listed in the README) was 404."""
    svc.evaluate("acme_agent")
    listed = svc.client.get("/v1/agents", headers=svc.h("acme_admin")).json()
    assert [(a["tenant"], a["agent"]) for a in listed] == [("acme", "bot-1")]
    assert listed[0]["last_seen"] is not None and listed[0]["recent_decisions"] == 1
    own = svc.client.get("/v1/agents", headers=svc.h("acme_agent")).json()
    assert [a["agent"] for a in own] == ["bot-1"]
    every = svc.client.get("/v1/agents", headers=svc.h("operator")).json()
    assert {a["tenant"] for a in every} == {"acme", "globex", "initech"}
    assert svc.client.get("/v1/agents", params={"tenant": "globex"},
                          headers=svc.h("acme_admin")).status_code == 403
    # one agent: an operator names the tenant
    assert svc.client.get("/v1/agents/bot-9", headers=svc.h("acme_admin")).status_code == 404
    assert svc.client.get("/v1/agents/bot-9", headers=svc.h("operator")).status_code == 422
    r = svc.client.get("/v1/agents/bot-9", params={"tenant": "globex"},
                       headers=svc.h("operator"))
    assert r.status_code == 200 and r.json()["tenant"] == "globex"
    r = svc.client.post("/v1/agents/bot-9/quarantine", params={"tenant": "globex"},
                        headers=svc.h("operator"))
    assert r.status_code == 200 and r.json()["tenant"] == "globex"
    assert "behavior.quarantine" in svc.evaluate("globex_agent")["rules"]
    assert "behavior.quarantine" not in svc.evaluate("acme_agent")["rules"]


def test_events_stream_scope(live_server: Any) -> None:
    import httpx

    from aimds.server.sse import Broker

    # (a real server: a test client would wait for the end of a stream that was let through)
    with httpx.stream("GET", live_server.url + "/v1/events/stream",
                      params={"tenant": "globex"}, timeout=5,
                      headers={"Authorization": f"Bearer {live_server.keys['admin']}"}) as r:
        assert r.status_code == 403
    broker = Broker()
    everyone = broker.subscribe(None, {})
    acme = broker.subscribe("acme", {})
    broker.deliver({"tenant": "globex", "agent": "bot-9"})
    assert everyone.queue.qsize() == 1 and acme.queue.qsize() == 0


def test_metrics_carry_no_tenant_label(svc: Svc) -> None:
    """/metrics answers without credentials, so it must not name tenants or agents."""
    _traffic(svc)
    body = svc.client.get("/metrics").text
    assert "aimds_decisions_total" in body
    assert "acme" not in body and "globex" not in body and "bot-1" not in body


# -- the operator credential -------------------------------------------------------------------


def test_operator_keys_belong_to_no_tenant_and_act_only_in_a_named_one(svc: Svc) -> None:
    from aimds.errors import InputError
    from aimds.server.auth import ALL_TENANTS, Role

    store = svc.app.state.aimds.keys
    record, key = store.create(role="operator", tenant="acme")
    assert record.tenant == ALL_TENANTS
    who = store.verify(key)
    assert who is not None and who.role is Role.OPERATOR and who.operator
    with pytest.raises(InputError, match="tenant"):
        store.create(role="admin")
    with pytest.raises(InputError, match="agent"):
        store.create(role="operator", agent="bot-1")
    r = svc.client.post("/v1/detect", json={"text": "hello"}, headers=svc.h("operator"))
    assert r.status_code == 422 and "subject.tenant" in r.text
    r = svc.client.post("/v1/detect", json={"text": "hello", "subject": {"tenant": "acme"}},
                        headers=svc.h("operator"))
    assert r.status_code == 200 and r.json()["subject"]["tenant"] == "acme"
    # tenant credentials still cannot name another tenant
    r = svc.client.post("/v1/detect", json={"text": "hello", "subject": {"tenant": "globex"}},
                        headers=svc.h("acme_admin"))
    assert r.status_code == 403


def test_operator_jwt(tmp_path: Path) -> None:
    import time

    import jwt

    secret = "s" * 40
    app = create_app(ServerSettings(data_dir=tmp_path, jwt_algorithm="HS256",
                                    jwt_secret=secret))
    token = jwt.encode({"sub": "ops", "role": "operator", "exp": int(time.time()) + 60},
                       secret, algorithm="HS256")
    with TestClient(app) as c:
        r = c.get("/v1/approvals", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200
        r = c.get("/v1/audit/verify", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200


def test_dashboard_policy_save_is_the_tenants_own(svc: Svc) -> None:
    """The dashboard's policy form saved the global policy for any tenant admin."""
    import re

    c = svc.client
    global_label = c.get("/ready").json()["policy"]["label"]
    c.post("/ui/login", data={"api_key": svc.keys["globex_admin"]})
    found = re.search(r'name="csrf" value="([^"]+)"', c.get("/ui/approvals").text)
    assert found is not None
    # (the page this answers with is the dashboard's; whether it renders is tested there)
    with contextlib.suppress(Exception):
        c.post("/ui/policies", data={"text": "name: default\nextends: permissive\n",
                                     "csrf": found.group(1), "save": "1"})
    assert c.get("/ready").json()["policy"]["label"] == global_label
    assert svc.evaluate("acme_agent")["verdict"] == "review"
    assert svc.evaluate("globex_agent")["verdict"] == "allow"


def test_the_operators_hard_rules_are_every_tenants_floor(svc: Svc) -> None:
    """A tenant's policy written from scratch would drop the hard rules every pack has."""
    bare = "name: default\nrules:\n  - {id: allow-all, tools: ['*'], action: allow}\n"
    r = svc.put("acme_admin", "default", bare)
    assert r.status_code == 422 and "hard rule 'hard." in r.json()["detail"]
    rm = {"tool": "shell", "args": {"command": "rm -rf /"}}
    assert svc.evaluate("acme_agent", rm)["verdict"] == "block"
    # acme builds on the permissive pack (its hard rules are the same) ...
    r = svc.put("acme_admin", "default", "name: default\nextends: permissive\nversion: a1\n")
    assert r.status_code == 200, r.text
    assert svc.evaluate("acme_agent")["verdict"] == "allow"
    # ... until the operator adds a hard rule of its own: acme's version no longer keeps
    # the floor, so acme runs the operator's policy
    r = svc.put("operator", "default", "name: default\nextends: default\nversion: op2\nrules:\n"
                "  - {id: op.mail, tools: [shell], action: block, hard: true}\n")
    assert r.status_code == 200, r.text
    d = svc.evaluate("acme_agent")
    assert d["verdict"] == "block" and d["policy"].startswith("default@op2+")
    r = svc.put("acme_admin", "default", "name: default\nextends: permissive\nversion: a2\n")
    assert r.status_code == 422 and "op.mail" in r.text
    r = svc.put("acme_admin", "default", "name: default\nextends: default\nversion: a3\n")
    assert r.status_code == 200, r.text
    assert svc.evaluate("acme_agent")["policy"].startswith("default@a3+")


def test_policy_versions_are_listed_per_namespace(svc: Svc) -> None:
    for v in ("a1", "a2"):
        assert svc.put("acme_admin", "default",
                       f"name: default\nextends: default\nversion: {v}\n").status_code == 200
    r = svc.client.get("/v1/policies/default/versions", headers=svc.h("acme_auditor"))
    assert [(v["version"], v["tenant"]) for v in r.json()] == [(2, "acme"), (1, "acme")]
    assert "version: a2" in r.json()[0]["text"] and r.json()[0]["author"].startswith("key:")
    r = svc.client.get("/v1/policies/default/versions", headers=svc.h("globex_admin"))
    assert r.status_code == 404  # globex has none, nor a global stored one


def test_tenants_read_the_operators_policy_without_its_secrets(svc: Svc) -> None:
    secret = "fp-KEY-0123456789-canary"
    text = ("name: default\nextends: default\nversion: s1\n"
            f"behavior: {{fingerprint_key: {secret}}}\n")
    assert svc.put("operator", "default", text).status_code == 200
    for path in ("/v1/policies/default", "/v1/policies/default/versions"):
        shown = svc.client.get(path, headers=svc.h("acme_auditor"))
        assert shown.status_code == 200 and secret not in shown.text
        assert "fingerprint_key" in shown.text
        assert secret in svc.client.get(path, headers=svc.h("operator")).text
    # and a tenant's policy built on it still runs with it
    r = svc.put("acme_admin", "default", "name: default\nextends: default\nversion: a1\n")
    assert r.status_code == 200
    guard = svc.app.state.aimds.guard_for("acme")
    assert guard.policy.document.behavior.fingerprint_key == secret


def test_masked_policy_text() -> None:
    from aimds.server.policies import masked_policy_text

    plain = "name: x\n# a comment\nrules: []\n"
    assert masked_policy_text(plain) == plain
    shown = masked_policy_text(
        "name: x\nbehavior: {store: redis, redis_url: 'redis://:pw-canary@h:6379/0',"
        " fingerprint_key: abcdefghijklmnopq}\njudge: {api_key_env: OPENAI_KEY}\n")
    assert "pw-canary" not in shown and "abcdefghijklmnopq" not in shown
    assert "redis://***@h:6379/0" in shown and "OPENAI_KEY" in shown
