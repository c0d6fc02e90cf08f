"""Trust that recovers: one bad call costs its worst finding once, the penalty fades with
``recovery_half_life``, clean calls help, and an operator can reset a score."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds import Guard
from aimds.behavior.trust import decayed, delta_for, updated
from aimds.types import Finding, Services, Severity, Subject, Verdict

WHO = Subject(tenant="acme", agent="builder", session="s1")


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def _guard(clock: Clock, **trust: object) -> Guard:
    behavior: dict[str, object] = {"tiers": {"untrusted": {"any": "review"}}}
    if trust:
        behavior["trust"] = trust
    return Guard.from_policy(
        {"name": "t", "version": "1", "extends": "default", "behavior": behavior},
        services=Services(clock=clock),
    )


def test_one_destructive_call_costs_its_worst_finding_once() -> None:
    clock = Clock()
    guard = _guard(clock)
    d = guard.check_tool_call("shell", {"command": "rm -rf /"}, subject=WHO)
    assert d.verdict is Verdict.BLOCK and len(d.findings) >= 2  # several findings, one act
    assert guard.trust("builder", tenant="acme").score == pytest.approx(200.0, abs=0.5)


def test_penalty_fades_within_hours_and_clean_calls_help() -> None:
    clock = Clock()
    guard = _guard(clock)
    guard.check_tool_call("shell", {"command": "rm -rf /"}, subject=WHO)
    clock.now += 60
    benign = guard.check_tool_call("shell", {"command": "ls -la /tmp"}, subject=WHO)
    assert benign.verdict is Verdict.REVIEW  # untrusted right after the attempt (policy: any)
    clock.now += 3600  # one recovery half-life
    assert guard.trust("builder", tenant="acme").tier == "probationary"
    benign = guard.check_tool_call("shell", {"command": "ls -la /tmp"}, subject=WHO)
    assert benign.verdict is Verdict.ALLOW
    clock.now += 4 * 3600
    assert guard.trust("builder", tenant="acme").score > 480


def test_earned_trust_still_fades_slowly() -> None:
    assert decayed(
        900.0, 0.0, 3600.0, initial=500.0, half_life=86400.0, recovery_half_life=3600.0
    ) == pytest.approx(500 + 400 * 0.5 ** (1 / 24))


def test_repeated_violations_keep_the_agent_down() -> None:
    clock = Clock()
    guard = _guard(clock)
    for _ in range(3):
        guard.check_tool_call("shell", {"command": "rm -rf /"}, subject=WHO)
        clock.now += 600
    assert guard.trust("builder", tenant="acme").tier == "untrusted"


def test_operator_reset_brings_back_the_initial_score() -> None:
    clock = Clock()
    guard = _guard(clock)
    guard.check_tool_call("shell", {"command": "rm -rf /"}, subject=WHO)
    before = guard.reset_trust("builder", tenant="acme")
    assert before.tier == "untrusted"
    after = guard.trust("builder", tenant="acme")
    assert after.score == 500.0 and after.tier == "standard"
    assert guard.check_tool_call("shell", {"command": "ls"}, subject=WHO).verdict is Verdict.ALLOW


def test_reset_of_an_unknown_agent_is_harmless_and_ids_are_checked() -> None:
    guard = _guard(Clock())
    assert guard.reset_trust("nobody", tenant="acme").score == 500.0
    with pytest.raises(ValueError, match="agent"):
        guard.reset_trust("", tenant="acme")


def _f(severity: Severity, confidence: float) -> Finding:
    return Finding(rule="x", category="c", severity=severity, confidence=confidence, message="m")


PENALTIES = {Severity.LOW: 5.0, Severity.HIGH: 100.0, Severity.CRITICAL: 300.0}


@settings(max_examples=100)
@given(
    st.lists(
        st.tuples(st.sampled_from(list(PENALTIES)), st.floats(0.01, 1.0)), min_size=1, max_size=8
    )
)
def test_an_event_costs_no_more_than_its_worst_finding(found: list[tuple[Severity, float]]) -> None:
    findings = [_f(s, c) for s, c in found]
    worst = max(PENALTIES[s] * c for s, c in found)
    assert delta_for(findings, penalties=PENALTIES, clean_gain=1.0) == pytest.approx(-worst)


@settings(max_examples=200)
@given(
    score=st.floats(0, 1000),
    elapsed=st.floats(0, 1e6),
    half=st.floats(1, 1e6),
    recovery=st.floats(1, 1e6),
)
def test_recovery_moves_toward_initial_without_overshoot(
    score: float, elapsed: float, half: float, recovery: float
) -> None:
    after = updated((score, 0.0), 500.0, half, elapsed, 0.0, recovery)
    assert min(score, 500.0) - 1e-6 <= after <= max(score, 500.0) + 1e-6
