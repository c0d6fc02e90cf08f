"""Core types: ordering, immutability, explain()."""

from __future__ import annotations

import dataclasses

import pytest

from aimds.types import (
    ActionInfo,
    Decision,
    Event,
    EventKind,
    Finding,
    Severity,
    StageOutcome,
    StageStatus,
    Subject,
    Verdict,
)


def test_verdicts_are_ordered_from_allow_to_block() -> None:
    order = [Verdict.ALLOW, Verdict.WARN, Verdict.REDACT, Verdict.REVIEW, Verdict.BLOCK]
    assert sorted(reversed(order)) == order
    assert max(order) is Verdict.BLOCK
    assert Verdict.REVIEW > Verdict.REDACT


def test_severities_are_ordered_from_info_to_critical() -> None:
    order = [Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]
    assert sorted(reversed(order)) == order


def test_verdict_and_severity_do_not_compare_with_each_other() -> None:
    with pytest.raises(TypeError):
        _ = Verdict.BLOCK < Severity.HIGH  # type: ignore[operator]


def test_only_allow_warn_redact_permit() -> None:
    assert [v for v in Verdict if v.permits] == [Verdict.ALLOW, Verdict.WARN, Verdict.REDACT]


def test_core_types_are_frozen() -> None:
    event = Event(kind=EventKind.PROMPT, text="hi")
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.text = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Subject().role = "architect"  # type: ignore[misc]


def test_default_subject_is_an_anonymous_expert() -> None:
    subject = Event(kind=EventKind.PROMPT).subject
    assert (subject.tenant, subject.agent, subject.role) == ("default", "anonymous", "expert")


def test_each_event_gets_its_own_args_mapping() -> None:
    a, b = Event(kind=EventKind.TOOL_CALL), Event(kind=EventKind.TOOL_CALL)
    assert a.args is not b.args


def _decision(**kw: object) -> Decision:
    base: dict[str, object] = dict(
        id="d1", verdict=Verdict.BLOCK, risk=Severity.CRITICAL, score=1.0, policy="p@1+abc"
    )
    base.update(kw)
    return Decision(**base)  # type: ignore[arg-type]


def test_explain_names_rules_hard_flags_failed_stages_and_advice() -> None:
    findings = (
        Finding(
            rule="hard.rm_rf_root",
            category="hard_rule",
            severity=Severity.CRITICAL,
            message="deletes the root file system",
            action=Verdict.BLOCK,
            hard=True,
        ),
    )
    decision = _decision(
        findings=findings,
        action=ActionInfo(type="shell:exec", risk=Severity.CRITICAL),
        stages=(StageStatus(stage="behavior", outcome=StageOutcome.ERROR, detail="redis down"),),
    )
    text = decision.explain()
    assert text.startswith("BLOCK (risk critical")
    assert "shell:exec" in text and "p@1+abc" in text
    assert "hard.rm_rf_root" in text and "[hard]" in text
    assert "stage behavior error: redis down" in text
    assert "do not let this event take effect" in text
    assert decision.rules == ("hard.rm_rf_root",)
    assert decision.errors[0].stage == "behavior"
    assert not decision.allowed


def test_rules_are_listed_once_in_order() -> None:
    f = Finding(rule="a", category="c", severity=Severity.LOW, message="m")
    g = Finding(rule="b", category="c", severity=Severity.LOW, message="m")
    assert _decision(findings=(f, g, f)).rules == ("a", "b")


def test_action_category_is_the_part_before_the_colon() -> None:
    assert ActionInfo(type="fs:read", risk=Severity.LOW).category == "fs"
