"""Two service processes' worth of state sharing real PostgreSQL and Redis: an identity
registered through one is trusted by the other, and an envelope accepted by one is a
replay at the other."""

from __future__ import annotations

import uuid
import warnings
from pathlib import Path

import pytest

from aimds import AgentIdentity
from aimds.identity import crypto
from aimds.server.app import create_app
from aimds.server.settings import ServerSettings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.mark.redis
@pytest.mark.postgres
def test_identities_and_nonces_are_shared_across_services(
    tmp_path: Path,
    postgres_dsn: str,
    redis_url: str,
    redis_client: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIMDS_IDENTITY_KEY", "cluster-wide-identity-key-0123456789")
    policy = tmp_path / "cluster.yaml"
    policy.write_text(
        f"name: cluster\nextends: default\nbehavior:\n  store: redis\n  redis_url: {redis_url}\n"
    )
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    settings = ServerSettings(database_url=postgres_dsn, redis_url=redis_url, policy=str(policy))
    one, two = create_app(settings), create_app(settings)
    keys = {}
    for name, app in (("one", one), ("two", two)):
        state = app.state.aimds
        _, keys[name + "_admin"] = state.keys.create(role="admin", tenant=tenant)
        _, keys[name + "_bot"] = state.keys.create(role="agent", tenant=tenant, agent="bot-1")

    def h(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {keys[name]}"}

    planner = AgentIdentity.generate(agent="planner", tenant=tenant, role="expert")
    pub = planner.public().public_key
    assert pub is not None
    with TestClient(one) as a, TestClient(two) as b:
        r = a.post(
            "/v1/identities",
            headers=h("one_admin"),
            json={"agent": "planner", "public_key": crypto.b64encode(pub)},
        )
        assert r.status_code == 200, r.text
        hmac = a.post(
            "/v1/identities",
            headers=h("one_admin"),
            json={"agent": "reporter", "algorithm": "hmac-sha256"},
        ).json()
        env = planner.sign_message(to="bot-1", body="ship release 4.2", channel="tasks")
        first = b.post("/v1/messages/check", headers=h("two_bot"), json={"envelope": env})
        assert first.json()["verdict"] == "allow", first.text  # registered via the other
        again = a.post("/v1/messages/check", headers=h("one_bot"), json={"envelope": env})
        rules = [f["rule"] for f in again.json()["findings"]]
        assert again.json()["verdict"] == "block" and "message.replay" in rules
        reporter = AgentIdentity.from_secret(agent="reporter", tenant=tenant, secret=hmac["secret"])
        note = reporter.sign_message(to="bot-1", body="nightly: green")
        out = b.post("/v1/messages/check", headers=h("two_bot"), json={"envelope": note})
        assert out.json()["verdict"] == "allow", out.text  # the sealed secret opens there
        listed = b.get("/v1/identities", headers=h("two_admin")).json()
        assert {i["agent"] for i in listed} == {"planner", "reporter"}
        assert hmac["secret"] not in str(listed)
