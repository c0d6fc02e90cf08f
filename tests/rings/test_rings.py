"""Privilege rings: what each ring may do, escalation through an approval, how an agent
gets its ring, located policy errors, and the built-in packs left unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import aimds
from aimds.errors import PolicyError
from aimds.policy import PACKS
from aimds.respond.approvals import queue_of
from aimds.rules.rings import PRIVILEGED_TAGS, TYPE_RINGS, RingTable
from aimds.rules.taxonomy import ACTION_TYPES
from aimds.types import ActionInfo, Severity, Verdict

REPO = Path(__file__).resolve().parents[2]

# One representative call per ring, classified by the real taxonomy.
CALLS = {
    3: ("read_file", {"path": "README.md"}),  # fs:read
    2: ("write_file", {"path": "notes.txt", "content": "hi"}),  # fs:write
    1: ("http_get", {"url": "https://example.com"}),  # net:http_get (outbound)
    0: ("sql", {"query": "DROP TABLE users"}),  # db:admin
}


def _guard(ring: int, **extra: Any) -> aimds.Guard:
    """Everything in scope (permissive), so a verdict other than allow is the ring's."""
    rings = {"roles": {"expert": ring}} | extra
    return aimds.Guard({"name": "t", "extends": "permissive", "rings": rings})


@pytest.mark.parametrize("agent_ring", [0, 1, 2, 3])
@pytest.mark.parametrize("needed", [0, 1, 2, 3])
def test_each_ring_may_do_its_own_and_higher_rings_actions(agent_ring: int, needed: int) -> None:
    tool, args = CALLS[needed]
    decision = _guard(agent_ring).check_tool_call(tool, args)
    escalates = "ring.escalation" in decision.rules
    assert escalates is (needed < agent_ring)
    if escalates:
        finding = next(f for f in decision.findings if f.rule == "ring.escalation")
        assert finding.action is Verdict.REVIEW
        assert finding.details["agent_ring"] == agent_ring
        assert finding.details["required_ring"] == needed
        assert decision.verdict is Verdict.REVIEW


def test_escalation_goes_through_an_approval() -> None:
    guard = _guard(3)
    decision = guard.check_tool_call(*CALLS[2])
    assert decision.verdict is Verdict.REVIEW and decision.approval is not None
    queue = queue_of(guard.services)
    assert queue is not None
    queue.resolve(decision.approval, approve=True, approver="alice", reason="one-off")
    approved = guard.check(
        aimds.Event(kind=aimds.EventKind.TOOL_CALL, tool=CALLS[2][0], args=CALLS[2][1]),
        wait_for_approval=0,
    )
    # a new call needs its own approval: the ring did not change
    assert approved.verdict is Verdict.REVIEW and approved.approval != decision.approval
    from aimds.respond.approvals import await_decision

    assert await_decision(queue, decision, 1.0).verdict is Verdict.ALLOW


def test_on_escalation_block_never_lets_it_through() -> None:
    decision = _guard(3, on_escalation="block").check_tool_call(*CALLS[1])
    assert decision.verdict is Verdict.BLOCK and decision.approval is None


def test_a_ring_never_permits_what_the_rules_deny() -> None:
    guard = aimds.Guard({"name": "t", "extends": "default", "rings": {"roles": {"expert": 0}}})
    decision = guard.check_tool_call("shell", {"command": "cat ~/.aws/credentials"})
    assert decision.verdict is Verdict.BLOCK and "ring.escalation" not in decision.rules


def test_ring_from_agent_glob_then_role_then_default() -> None:
    guard = aimds.Guard(
        {
            "name": "t",
            "extends": "permissive",
            "rings": {
                "default": 3,
                "roles": {"architect": 0, "expert": 2},
                "agents": {"intern-*": 3, "ops-*": 0},
            },
        }
    )

    def may_write(agent: str, role: str) -> bool:
        who = aimds.Subject(agent=agent, role=role)
        return "ring.escalation" not in guard.check_tool_call(*CALLS[2], subject=who).rules

    assert may_write("coder", "expert")  # role: 2
    assert not may_write("intern-1", "expert")  # agent glob beats the role: 3
    assert may_write("x", "architect")  # role: 0
    assert not may_write("x", "observer")  # unmapped role: default 3
    # ring 0 by its name, yet an observer never acts: a ring does not permit
    observer = guard.check_tool_call(
        *CALLS[2], subject=aimds.Subject(agent="ops-1", role="observer")
    )
    assert observer.verdict is Verdict.BLOCK and "role.observer" in observer.rules
    custom = aimds.Guard(
        {
            "name": "t",
            "extends": "permissive",
            "roles": {
                "definitions": {
                    "support": {"kind": "expert", "scopes": [{"id": "s.all", "types": ["*"]}]}
                }
            },
            "rings": {"default": 3},
        }
    )
    who = aimds.Subject(agent="a", role="support")  # an unmapped role gets the default
    assert "ring.escalation" in custom.check_tool_call(*CALLS[2], subject=who).rules


def test_outbound_and_privileged_calls_need_lower_rings_than_their_type() -> None:
    table = RingTable(
        aimds.Guard({"name": "t", "extends": "default", "rings": {}}).policy.document.rings
    )  # type: ignore[arg-type]
    plain = ActionInfo(type="vcs:write", risk=Severity.MEDIUM)
    assert table.of_action(plain) == 2
    assert table.of_action(ActionInfo(type="vcs:write", risk=Severity.MEDIUM, outbound=True)) == 1
    tagged = ActionInfo(type="shell:exec", risk=Severity.MEDIUM, tags=frozenset({"persistence"}))
    assert table.of_action(tagged) == 0
    assert table.of_action(ActionInfo(type="made:up", risk=Severity.LOW)) == 0


def test_policy_types_override_the_table_but_not_privileged_tags() -> None:
    doc = aimds.Guard(
        {"name": "t", "extends": "default", "rings": {"types": {"net:*": 3, "shell:exec": 3}}}
    ).policy.document
    table = RingTable(doc.rings)  # type: ignore[arg-type]
    assert table.of_action(ActionInfo(type="net:http_get", risk=Severity.LOW, outbound=True)) == 3
    tagged = ActionInfo(
        type="shell:exec", risk=Severity.MEDIUM, tags=frozenset({"credential_access"})
    )
    assert table.of_action(tagged) == 0


def test_every_action_type_has_a_ring() -> None:
    assert set(TYPE_RINGS) == set(ACTION_TYPES)
    assert all(
        ACTION_TYPES[t].outbound is False or TYPE_RINGS[t] <= 1 or t == "unknown:read"
        for t in ACTION_TYPES
    )


@given(
    st.sampled_from(sorted(ACTION_TYPES)),
    st.booleans(),
    st.frozensets(st.sampled_from(sorted(PRIVILEGED_TAGS | {"recon", "has_payload"}))),
)
def test_facts_only_ever_lower_the_ring(type_id: str, outbound: bool, tags: frozenset[str]) -> None:
    """Per-call facts can make an action need more privilege, never less."""
    table = RingTable(aimds.policy.load_policy({"name": "t", "rings": {}}).document.rings)  # type: ignore[arg-type]
    base = table.of_action(ActionInfo(type=type_id, risk=Severity.LOW))
    with_facts = table.of_action(
        ActionInfo(type=type_id, risk=Severity.LOW, outbound=outbound, tags=tags)
    )
    assert with_facts <= base
    if tags & PRIVILEGED_TAGS:
        assert with_facts == 0


@pytest.mark.parametrize(
    ("rings", "key", "message"),
    [
        ({"roles": {"exprt": 2}}, "rings.roles.exprt", "did you mean 'expert'"),
        ({"types": {"fs:reed": 3}}, "rings.types.fs:reed", "did you mean 'fs:read'"),
        ({"default": 4}, "rings.default", "less than or equal to 3"),
        ({"on_escalation": "allow"}, "rings.on_escalation", ""),
        ({"ringz": 1}, "rings.ringz", ""),
    ],
)
def test_bad_sections_are_located_errors(
    tmp_path: Path, rings: Any, key: str, message: str
) -> None:
    import yaml

    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"name": "t", "extends": "default", "rings": rings}))
    with pytest.raises(PolicyError) as err:
        aimds.Guard.from_policy(str(path))
    text = str(err.value)
    assert "p.yaml:" in text and key in text and message in text


@pytest.mark.parametrize("pack", sorted(PACKS))
def test_builtin_packs_have_no_rings(pack: str) -> None:
    guard = aimds.Guard(pack)
    assert guard.policy.document.rings is None
    assert "rings" not in [s.name for s in guard.stages]


def test_enabled_false_switches_an_inherited_section_off() -> None:
    guard = aimds.Guard({"name": "t", "extends": "default", "rings": {"enabled": False}})
    assert "rings" not in [s.name for s in guard.stages]


def test_the_example_policy_passes_its_cases() -> None:
    from aimds.cli.main import app

    result = CliRunner().invoke(
        app,
        [
            "policy",
            "test",
            str(REPO / "examples/rings-cases.yaml"),
            "--policy",
            str(REPO / "examples/rings.yaml"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "5 passed, 0 failed" in result.output


def test_an_escalation_asks_a_human_and_costs_no_trust() -> None:
    """Like a scope's review, ``ring.escalation`` is the policy asking by design."""
    guard = aimds.Guard({"name": "t", "extends": "default", "rings": {"roles": {"expert": 2}}})
    who = aimds.Subject(agent="coder-1")
    before = guard.trust("coder-1").score
    for _ in range(10):
        decision = guard.check_tool_call("http_get", {"url": "https://example.com"}, subject=who)
        assert "ring.escalation" in decision.rules
    assert guard.trust("coder-1").score >= before
