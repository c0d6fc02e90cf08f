"""The guard pipeline: fail-closed on stage errors, decide semantics, async twin."""

from __future__ import annotations

import asyncio

import pytest

import aimds
from aimds.decide import DecideStage
from aimds.guard import Guard
from aimds.policy import load_policy
from aimds.types import (
    Decision,
    Evaluation,
    Event,
    EventKind,
    Finding,
    Services,
    Severity,
    StageOutcome,
    Verdict,
)


class Boom:
    name = "boom"

    def __call__(self, ev: Evaluation) -> None:
        raise RuntimeError("secret-value-should-not-leak")


def test_guard_without_policy_uses_the_default_pack() -> None:
    guard = aimds.Guard()
    assert guard.policy.source == "builtin:default"
    assert guard.check_prompt("hello").policy == guard.policy.label


def test_decision_label_follows_a_replaced_policy() -> None:
    # the guard keeps the label of the policy it formatted it for; a replaced policy is
    # labelled anew, never with the label of the one before
    guard = Guard()
    before = guard.check_prompt("hello").policy
    guard.policy = load_policy({"name": "other", "version": "7"})
    after = guard.check_prompt("hello").policy
    assert after == guard.policy.label
    assert after.startswith("other@7+") and after != before


def test_a_failing_stage_fails_closed_and_names_itself_without_leaking() -> None:
    guard = aimds.Guard()
    guard.stages = (Boom(), *guard.stages)
    decision = guard.check_prompt("hello")
    assert decision.verdict is Verdict.BLOCK
    assert "stage.error" in decision.rules
    assert decision.errors[0].stage == "boom"
    assert "secret-value-should-not-leak" not in decision.explain()


def test_on_error_verdict_comes_from_the_policy() -> None:
    guard = aimds.Guard({"name": "lenient", "decide": {"on_error": "warn"}})
    guard.stages = (Boom(), *guard.stages)
    assert guard.check_prompt("hello").verdict is Verdict.WARN


def test_a_failing_decide_stage_still_fails_closed() -> None:
    guard = aimds.Guard()

    class BrokenDecide:
        name = "decide"

        def __call__(self, ev: Evaluation) -> None:
            raise ValueError("bug")

    guard.stages = tuple(BrokenDecide() if s.name == "decide" else s for s in guard.stages)
    assert guard.check_prompt("hello").verdict is Verdict.BLOCK


def _evaluate(policy: dict[str, object], kind: EventKind, *findings: Finding) -> Evaluation:
    ev = Evaluation(event=Event(kind=kind), ts=0.0)
    ev.findings.extend(findings)
    DecideStage(load_policy(policy))(ev)
    return ev


def _finding(severity: Severity, action: Verdict | None = None, confidence: float = 1.0) -> Finding:
    return Finding(
        rule="t.x",
        category="t",
        severity=severity,
        message="m",
        action=action,
        confidence=confidence,
    )


def test_decide_takes_the_strictest_verdict() -> None:
    ev = _evaluate(
        {"name": "p"},
        EventKind.PROMPT,
        _finding(Severity.LOW, Verdict.REVIEW),
        _finding(Severity.INFO, Verdict.WARN),
    )
    assert ev.verdict is Verdict.REVIEW
    assert ev.risk is Severity.LOW


def test_decide_maps_severity_when_a_finding_names_no_action() -> None:
    assert (
        _evaluate({"name": "p"}, EventKind.PROMPT, _finding(Severity.MEDIUM)).verdict
        is Verdict.WARN
    )
    assert (
        _evaluate({"name": "p"}, EventKind.PROMPT, _finding(Severity.HIGH)).verdict is Verdict.BLOCK
    )


def test_decide_severity_map_can_differ_per_event_kind() -> None:
    policy = {"name": "p", "decide": {"by_kind": {"tool_result": {"medium": "review"}}}}
    assert (
        _evaluate(policy, EventKind.TOOL_RESULT, _finding(Severity.MEDIUM)).verdict
        is Verdict.REVIEW
    )
    assert _evaluate(policy, EventKind.PROMPT, _finding(Severity.MEDIUM)).verdict is Verdict.WARN


def test_decide_score_is_severity_weighted_confidence() -> None:
    ev = _evaluate({"name": "p"}, EventKind.PROMPT, _finding(Severity.HIGH, confidence=0.5))
    assert ev.score == pytest.approx(0.375)


def test_a_tool_call_no_rule_looked_at_is_blocked() -> None:
    ev = _evaluate({"name": "p"}, EventKind.TOOL_CALL)
    assert ev.verdict is Verdict.BLOCK
    assert ev.findings[-1].rule == "rules.not_evaluated"


def test_no_findings_on_a_prompt_allows() -> None:
    assert _evaluate({"name": "p"}, EventKind.PROMPT).verdict is Verdict.ALLOW


def test_event_timestamp_defaults_to_the_injected_clock() -> None:
    seen: list[float] = []

    class Spy:
        name = "spy"

        def __call__(self, ev: Evaluation) -> None:
            seen.append(ev.ts)

    guard = aimds.Guard(services=Services(clock=lambda: 1234.5, new_id=lambda: "fixed-id"))
    guard.stages = (Spy(), *guard.stages)
    decision = guard.check_prompt("hi")
    guard.check(Event(kind=EventKind.PROMPT, text="hi", ts=99.0))
    assert seen == [1234.5, 99.0]
    assert decision.id == "fixed-id"


def test_acheck_means_the_same_as_check() -> None:
    guard = aimds.Guard()
    event = Event(kind=EventKind.PROMPT, text="hello")
    sync = guard.check(event)
    asynchronous = asyncio.run(guard.acheck(event))
    assert (sync.verdict, sync.rules) == (asynchronous.verdict, asynchronous.rules)


def test_tool_results_that_are_not_text_are_serialised() -> None:
    seen: list[str] = []

    class Spy:
        name = "spy"

        def __call__(self, ev: Evaluation) -> None:
            seen.append(ev.event.text)

    guard = aimds.Guard()
    guard.stages = (Spy(), *guard.stages)
    guard.check_tool_result("fetch", {"a": [1, 2]})
    guard.check_tool_result("fetch", b"bytes \xff")
    cyclic: list[object] = []
    cyclic.append(cyclic)
    decision = guard.check_tool_result("fetch", cyclic)
    assert seen[0] == '{"a": [1, 2]}'
    assert seen[1].startswith("bytes ")
    assert decision.stages == () or all(
        s.outcome is not StageOutcome.ERROR for s in decision.stages
    )


def test_a_failing_listener_does_not_change_or_lose_the_decision() -> None:
    guard = aimds.Guard()
    seen: list[str] = []

    def broken(event: Event, decision: aimds.Decision) -> None:
        raise RuntimeError("listener bug")

    guard.subscribe(broken)
    guard.subscribe(lambda event, decision: seen.append(decision.verdict.value))
    decision = guard.check_tool_call("shell", {"command": "rm -rf /"})
    assert decision.verdict is Verdict.BLOCK
    assert seen == ["block"]


def test_guard_can_be_subclassed_even_when_compiled() -> None:
    """The guard is compiled with mypyc where a compiler is present (setup.py); applications
    may still subclass it."""

    class Counting(Guard):
        calls = 0

        def check(self, event: Event, *, wait_for_approval: float | None = None) -> Decision:
            type(self).calls += 1
            return super().check(event, wait_for_approval=wait_for_approval)

    guard = Counting()
    assert guard.check_tool_call("shell", {"command": "rm -rf /"}).verdict is Verdict.BLOCK
    assert Counting.calls == 1
