"""Delegation chains on tool calls and on envelopes: the effective scope is the
intersection along the chain, and a broken, expired, revoked or widened chain blocks."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds import AgentIdentity, Verdict
from aimds.identity import Scope

from .conftest import TENANT, Agents, make_agents

READ_ONLY = {
    "tools": ["read_file", "search*"],
    "actions": ["fs:read", "net:*"],
    "channels": ["tasks"],
}


def _chain(agents: Agents, scope: dict | None = None, **kw) -> list[dict]:
    """alice (a user) -> planner -> executor."""
    first = agents.alice.delegate(to="planner", scope=READ_ONLY, ttl=600)
    return agents.planner.delegate(to="executor", scope=scope or READ_ONLY, chain=first, **kw)


def _call(agents: Agents, tool: str, args: dict, chain: list[dict]):
    return agents.guard.check_tool_call(
        tool, args, subject=agents.to(), meta={"aimds.delegation": chain}
    )


def test_a_call_inside_the_delegated_scope_is_allowed_and_explained(agents: Agents) -> None:
    d = _call(agents, "read_file", {"path": "README.md"}, _chain(agents))
    assert d.allowed, d.explain()
    found = next(f for f in d.findings if f.rule == "delegation.verified")
    assert found.details["path"] == ["alice", "planner", "executor"]
    assert found.details["scope"]["tools"] == ["read_file", "search*"]


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("write_file", {"path": "notes.txt", "content": "x"}),  # tool outside the scope
        ("search_and_delete", {"path": "/tmp/x"}),
    ],  # tool in scope, its action (fs:delete) not
)
def test_a_call_outside_the_effective_scope_is_blocked(
    agents: Agents, tool: str, args: dict
) -> None:
    d = _call(agents, tool, args, _chain(agents))
    assert d.verdict is Verdict.BLOCK and "delegation.out_of_scope" in d.rules, d.explain()


def test_the_narrowest_link_wins(agents: Agents) -> None:
    narrow = {"tools": ["read_file"], "actions": ["fs:read"], "channels": ["tasks"]}
    chain = _chain(agents, narrow)
    assert _call(agents, "read_file", {"path": "a.txt"}, chain).allowed
    d = _call(agents, "search_web", {"query": "x"}, chain)
    assert "delegation.out_of_scope" in d.rules


@pytest.mark.parametrize(
    "wider",
    [
        {
            "tools": ["read_file", "search*", "shell"],
            "actions": ["fs:read", "net:*"],
            "channels": ["tasks"],
        },
        {"tools": None, "actions": ["fs:read"], "channels": ["tasks"]},  # unrestricted
        {"tools": ["*"], "actions": ["fs:read"], "channels": ["tasks"]},
        {"tools": ["read_file"], "actions": ["fs:*"], "channels": ["tasks"]},
        {"tools": ["read_file"], "actions": ["fs:read"], "channels": ["tasks", "admin"]},
    ],
)
def test_a_sub_agent_never_gets_more_than_its_parent(agents: Agents, wider: dict) -> None:
    d = _call(agents, "read_file", {"path": "a.txt"}, _chain(agents, wider))
    assert d.verdict is Verdict.BLOCK and "delegation.widened" in d.rules, d.explain()


def test_outliving_the_parent_link_is_widening(agents: Agents) -> None:
    d = _call(agents, "read_file", {"path": "a"}, _chain(agents, ttl=3600))
    assert "delegation.widened" in d.rules


def test_narrowing_globs_is_not_widening() -> None:
    parent = Scope.parse({"tools": ["fs_*"], "actions": ["net:*", "fs:read"]})
    assert Scope.parse({"tools": ["fs_read*"], "actions": ["net:get"]}).widened_over(parent) is None
    assert Scope.parse({"tools": ["fs_?"], "actions": ["fs:read"]}).widened_over(parent) is None
    assert Scope.parse({"tools": ["f*"], "actions": ["fs:read"]}).widened_over(parent) == "tools"
    assert Scope.parse({"tools": ["fs_x"]}).widened_over(parent) == "actions"  # unrestricted
    odd = Scope.parse({"tools": ["fs_?"]})
    assert Scope.parse({"tools": ["fs_[ab]"]}).widened_over(odd) == "tools"  # not provable


_GLOB = st.text(alphabet="ab*?", min_size=1, max_size=4)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_GLOB, min_size=1, max_size=3),
    st.lists(_GLOB, min_size=1, max_size=3),
    st.text(alphabet="ab*?", max_size=6),
)
def test_a_scope_accepted_as_narrower_never_allows_more(
    parent: list[str], child: list[str], value: str
) -> None:
    p, c = Scope.parse({"tools": parent}), Scope.parse({"tools": child})
    if c.widened_over(p) is None and c.allows("tools", value):
        assert p.allows("tools", value)


def _invalid(agents: Agents, chain: list[dict], reason: str) -> None:
    d = _call(agents, "read_file", {"path": "a.txt"}, chain)
    assert d.verdict is Verdict.BLOCK and "delegation.invalid" in d.rules, d.explain()
    assert reason in d.explain()


def test_a_tampered_link_is_invalid(agents: Agents) -> None:
    chain = _chain(agents)
    chain[0] = {**chain[0], "scope": {**chain[0]["scope"], "tools": ["*"]}}
    _invalid(agents, chain, "bad signature")


def test_a_spliced_chain_is_broken(agents: Agents) -> None:
    other_root = agents.alice.delegate(to="planner", scope=READ_ONLY, ttl=599)
    chain = _chain(agents)
    _invalid(agents, [other_root[0], chain[1]], "broken chain")
    _invalid(agents, chain[1:], "no parent")


def test_a_chain_must_end_at_the_acting_agent(agents: Agents) -> None:
    chain = agents.alice.delegate(to="planner", scope=READ_ONLY)
    _invalid(agents, chain, "not to the acting agent")


def test_an_expired_link_is_invalid(agents: Agents) -> None:
    root = agents.alice.delegate(to="planner", scope=READ_ONLY, ttl=60, now=time.time() - 120)
    chain = agents.planner.delegate(
        to="executor", scope=READ_ONLY, ttl=30, chain=root, now=time.time() - 100
    )
    _invalid(agents, chain, "expired")


def test_a_revoked_delegator_invalidates_the_chain(agents: Agents) -> None:
    chain = _chain(agents)
    agents.guard.identities.revoke(agents.alice.key_id, tenant=TENANT)
    _invalid(agents, chain, "revoked")


def test_an_unregistered_delegator_is_invalid(agents: Agents) -> None:
    mallory = AgentIdentity.generate(agent="mallory", tenant=TENANT)
    chain = mallory.delegate(to="executor", scope=READ_ONLY)
    _invalid(agents, chain, "not registered")


def test_chains_longer_than_the_policy_allows_are_invalid() -> None:
    agents = make_agents(
        {"name": "d", "extends": "default", "messages": {"delegation_max_depth": 1}}
    )
    _invalid(agents, _chain(agents), "longer than")


def test_extending_a_chain_one_was_not_given_is_refused(agents: Agents) -> None:
    chain = agents.alice.delegate(to="planner", scope=READ_ONLY)
    with pytest.raises(Exception, match="not to 'executor'"):
        agents.executor.delegate(to="x", chain=chain)


def test_a_delegation_on_an_envelope_scopes_its_channel(agents: Agents) -> None:
    chain = agents.alice.delegate(to="planner", scope={"channels": ["tasks"]})
    ok = agents.planner.sign_message(to="executor", body="hi", channel="tasks", delegation=chain)
    d = agents.guard.check_message(ok, subject=agents.to())
    assert d.verdict is Verdict.ALLOW and "delegation.verified" in d.rules, d.explain()
    bad = agents.planner.sign_message(to="executor", body="hi", channel="admin", delegation=chain)
    d = agents.guard.check_message(bad, subject=agents.to())
    assert d.verdict is Verdict.BLOCK and "delegation.out_of_scope" in d.rules


def test_the_chain_on_an_envelope_is_covered_by_its_signature(agents: Agents) -> None:
    narrow = agents.alice.delegate(to="planner", scope={"channels": ["tasks"]})
    wide = agents.alice.delegate(to="planner", scope={"channels": None})
    env = agents.planner.sign_message(to="executor", body="hi", channel="admin", delegation=narrow)
    d = agents.guard.check_message({**env, "delegation": wide}, subject=agents.to())
    assert d.verdict is Verdict.BLOCK and "message.signature_invalid" in d.rules
