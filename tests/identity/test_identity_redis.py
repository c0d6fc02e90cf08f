"""Replays are caught across processes: two guards sharing one Redis (real server)."""

from __future__ import annotations

import pytest

import aimds
from aimds import AgentIdentity, Subject, Verdict

from .conftest import TENANT


@pytest.mark.redis
def test_a_replay_to_another_guard_sharing_redis_is_blocked(redis_url: str, redis_client) -> None:
    policy = {
        "name": "r",
        "extends": "default",
        "behavior": {"store": "redis", "redis_url": redis_url},
    }
    first, second = aimds.Guard(policy), aimds.Guard(policy)
    try:
        planner = AgentIdentity.generate(agent="planner", tenant=TENANT)
        for guard in (first, second):
            guard.identities.register(planner.public())
        env = planner.sign_message(to="executor", body="pay invoice 42", channel="tasks")
        who = Subject(tenant=TENANT, agent="executor")
        assert first.check_message(env, subject=who).verdict is Verdict.ALLOW
        d = second.check_message(env, subject=who)
        assert d.verdict is Verdict.BLOCK and "message.replay" in d.rules
        keys = [k.decode() for k in redis_client.keys("*msg:nonce*")]
        assert len(keys) == 1 and env["nonce"] in keys[0]
        assert 0 < redis_client.pttl(keys[0]) <= (300 + 30 + 1) * 1000
    finally:
        first.close()
        second.close()


@pytest.mark.redis
def test_an_unreachable_store_fails_closed_for_signed_messages() -> None:
    policy = {
        "name": "r",
        "extends": "default",
        "behavior": {"store": "redis", "redis_url": "redis://127.0.0.1:1/0", "timeout_ms": 50},
    }
    try:
        guard = aimds.Guard(policy)
    except aimds.PolicyError:
        pytest.skip("this build checks Redis when the policy loads")
    planner = AgentIdentity.generate(agent="planner", tenant=TENANT)
    guard.identities.register(planner.public())
    env = planner.sign_message(to="executor", body="hi")
    d = guard.check_message(env, subject=Subject(tenant=TENANT, agent="executor"))
    assert d.verdict is Verdict.BLOCK and "backend.unavailable" in d.rules
    guard.close()
