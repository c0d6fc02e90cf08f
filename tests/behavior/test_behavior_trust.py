"""Trust scores and tiers, and quarantine through the library (stage handle and Guard)."""

from __future__ import annotations

import pytest
from behavior_kit import T0, Runner, act, build, rules_of
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds import Guard
from aimds.behavior.trust import decayed, tier_of, updated
from aimds.types import EventKind, Services, Severity, Subject, Verdict

SUDO = act("identity:privilege_change", "privilege_change")
RECON = act("shell:exec", "recon")
POST = act("net:http_post", "outbound", resources=("h.example",), outbound=True)
scores = st.floats(min_value=0, max_value=1000, allow_nan=False)


@settings(max_examples=200)
@given(score=scores, initial=scores, elapsed=st.floats(0, 1e7), half=st.floats(1, 1e6))
def test_decay_moves_toward_initial_and_never_overshoots(
    score: float, initial: float, elapsed: float, half: float
) -> None:
    after = decayed(score, 0.0, elapsed, initial=initial, half_life=half)
    assert min(score, initial) - 1e-6 <= after <= max(score, initial) + 1e-6
    assert abs(after - initial) <= abs(score - initial) + 1e-6


@settings(max_examples=200)
@given(score=scores, delta=st.floats(-5000, 5000))
def test_updates_stay_in_range(score: float, delta: float) -> None:
    assert 0 <= updated((score, 0.0), initial=500, half_life=60, now=0.0, delta=delta) <= 1000


def test_tiers_boundaries() -> None:
    assert [tier_of(s) for s in (0, 299.9, 300, 499, 500, 699, 700, 899, 900, 1000)] == [
        "untrusted",
        "untrusted",
        "probationary",
        "probationary",
        "standard",
        "standard",
        "trusted",
        "trusted",
        "verified",
        "verified",
    ]


def test_violations_lower_trust_by_severity_and_clean_history_raises_it() -> None:
    clock = [T0]
    stage = build({"trust": {"half_life": "30d"}})
    stage.behavior._clock = lambda: clock[0]  # the operator reads trust at the events' time
    r = Runner(stage)
    for i in range(10):
        assert r.call("ls", {"path": f"dir{'x' * i}"}, act("fs:list")) == []
    clock[0] = r.now
    assert stage.behavior.trust("agent-1", tenant="acme").score == pytest.approx(510.0, abs=0.01)
    r.call("shell", {"command": "id"}, RECON)
    r.call("shell", {"command": "uname"}, RECON)
    assert rules_of(r.call("shell", {"command": "sudo su"}, SUDO)) == ["ASA-B-001"]
    clock[0] = r.now
    info = stage.behavior.trust("agent-1", tenant="acme")
    assert 400 < info.score < 420 and info.tier == "probationary"  # -100 for a high finding


def test_untrusted_tier_gets_review_on_outbound_only() -> None:
    r = Runner(build({"trust": {"initial": 200}, "tiers": {"untrusted": {"outbound": "review"}}}))
    found = r.call("post", {}, POST)
    assert rules_of(found) == ["behavior.trust.tier"] and found[0].action is Verdict.REVIEW
    assert r.call("ls", {}, act("fs:list")) == []


def test_quarantine_on_policy_rule_blocks_later_events_until_release() -> None:
    stage = build({"quarantine_on": ["ASA-B-005"]})
    r = Runner(stage)
    for kind in ("aws", "ssh"):
        r.call("cat", {}, act("fs:read", "credential_access", f"credential_store:{kind}"))
    found = r.call("cat", {}, act("fs:read", "credential_access", "credential_store:kube"))
    assert rules_of(found) == ["ASA-B-005", "behavior.quarantine"]
    later = r.event(EventKind.PROMPT, text="hi")
    assert rules_of(later) == ["behavior.quarantine"] and later[0].hard
    assert later[0].action is Verdict.BLOCK and later[0].severity is Severity.CRITICAL
    other = r.event(EventKind.PROMPT, subject=Subject(tenant="acme", agent="b"))
    assert other == []
    assert stage.behavior.release("agent-1", tenant="acme")
    assert r.event(EventKind.PROMPT, text="hi") == []


def test_operator_quarantine_through_the_guard() -> None:
    who = Subject(tenant="acme", agent="bot", session="s")
    with Guard("default", services=Services()) as guard:
        assert guard.check_prompt("hello", subject=who).verdict is not Verdict.BLOCK
        guard.quarantine("bot", tenant="acme", reason="incident")
        decision = guard.check_prompt("hello", subject=who)
        assert decision.verdict is Verdict.BLOCK and "behavior.quarantine" in decision.rules
        assert "incident" not in decision.explain()  # the reason stays with the operator
        assert guard.release("bot", tenant="acme") is True
        assert guard.trust("bot", tenant="acme").tier in {"standard", "probationary"}
        assert guard.behavior.counts()["quarantined"] == 1


def test_quarantine_on_a_rule_of_an_earlier_stage_quarantines_the_agent() -> None:
    # the behaviour stage finds nothing itself on this event: the rules stage's hard-rule
    # finding is what the policy quarantines on (was silently ignored)
    who = Subject(tenant="acme", agent="reader", session="s")
    policy = {"name": "q", "extends": "default", "behavior": {"quarantine_on": ["hard.rm_root"]}}
    with Guard(policy, services=Services()) as guard:
        first = guard.check_tool_call("shell", {"command": "rm -rf /"}, subject=who)
        assert "behavior.quarantine" in first.rules
        later = guard.check_prompt("hello", subject=who)
        assert later.verdict is Verdict.BLOCK and "behavior.quarantine" in later.rules
        other = guard.check_prompt("hello", subject=Subject(tenant="acme", agent="other"))
        assert "behavior.quarantine" not in other.rules
