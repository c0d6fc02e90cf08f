"""JSON-ready views of the core types, shared by the CLI, the service and the trace tools."""

from __future__ import annotations

from typing import Any

from aimds.types import ActionInfo, Decision, Finding, Subject

__all__ = ["action_to_dict", "decision_to_dict", "finding_to_dict", "subject_to_dict"]


def subject_to_dict(subject: Subject) -> dict[str, Any]:
    return {
        "tenant": subject.tenant,
        "agent": subject.agent,
        "role": subject.role,
        "session": subject.session,
        "user": subject.user,
    }


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """A finding as plain data. Evidence is already redacted by the detector that made it."""
    out: dict[str, Any] = {
        "rule": finding.rule,
        "category": finding.category,
        "severity": finding.severity.value,
        "confidence": round(finding.confidence, 4),
        "message": finding.message,
    }
    if finding.action is not None:
        out["action"] = finding.action.value
    if finding.hard:
        out["hard"] = True
    if finding.span is not None:
        out["span"] = list(finding.span)
    if finding.evidence is not None:
        out["evidence"] = finding.evidence
    if finding.stage:
        out["stage"] = finding.stage
    if finding.details:
        out["details"] = dict(finding.details)
    return out


def action_to_dict(action: ActionInfo) -> dict[str, Any]:
    return {
        "type": action.type,
        "risk": action.risk.value,
        "resources": list(action.resources),
        "destructive": action.destructive,
        "outbound": action.outbound,
        "tags": sorted(action.tags),
    }


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    """A decision as plain data (mitigated text and arguments included where present)."""
    out: dict[str, Any] = {
        "id": decision.id,
        "verdict": decision.verdict.value,
        "risk": decision.risk.value,
        "score": decision.score,
        "categories": sorted({f.category for f in decision.findings}),
        "rules": list(decision.rules),
        "findings": [finding_to_dict(f) for f in decision.findings],
        "policy": decision.policy,
        "latency_us": round(decision.latency_us, 1),
    }
    if decision.kind is not None:
        out["kind"] = decision.kind.value
    if decision.subject is not None:
        out["subject"] = subject_to_dict(decision.subject)
    if decision.action is not None:
        out["action"] = action_to_dict(decision.action)
    if decision.text is not None:
        out["text"] = decision.text
    if decision.args is not None:
        out["args"] = dict(decision.args)
    if decision.approval is not None:
        out["approval"] = decision.approval
    if decision.stages:
        out["stages"] = [
            {"stage": s.stage, "outcome": s.outcome.value, "detail": s.detail}
            for s in decision.stages
        ]
    return out
