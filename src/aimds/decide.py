"""The ``decide`` stage: the only place where findings become a verdict.

Strictest wins (``allow < warn < redact < review < block``). A finding carries the verdict
its rule asks for, or none, in which case the policy's severity map for the event kind
decides. A tool call that no action rule looked at is blocked: "no rules evaluated" is
never an allow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aimds.types import Evaluation, EventKind, Finding, Severity, Verdict

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.types import Services

__all__ = ["DecideStage", "build_stage", "severity_weight"]

_WEIGHTS = {
    Severity.INFO: 0.0,
    Severity.LOW: 0.25,
    Severity.MEDIUM: 0.5,
    Severity.HIGH: 0.75,
    Severity.CRITICAL: 1.0,
}

NOT_EVALUATED = "rules.not_evaluated"

_VERDICTS = tuple(Verdict)
_SEVERITIES = tuple(Severity)
_RANK: dict[Verdict | Severity, int] = {v: v.rank for v in _VERDICTS} | {
    s: s.rank for s in _SEVERITIES
}


def severity_weight(severity: Severity) -> float:
    """The share of the 0..1 score scale a severity stands for."""
    return _WEIGHTS[severity]


class DecideStage:
    name = "decide"

    def __init__(self, policy: Policy) -> None:
        section = policy.document.decide
        base = dict(section.severity_verdicts)
        self._maps: dict[EventKind, dict[Severity, Verdict]] = {
            kind: base | dict(section.by_kind.get(kind, {})) for kind in EventKind
        }
        self.on_error = section.on_error

    def __call__(self, ev: Evaluation) -> None:
        if ev.event.kind is EventKind.TOOL_CALL and ev.action is None:
            ev.findings.append(
                Finding(
                    rule=NOT_EVALUATED,
                    category="error",
                    severity=Severity.HIGH,
                    message="no action rule evaluated this tool call; denied by default",
                    action=Verdict.BLOCK,
                    stage=self.name,
                )
            )
        severity_map = self._maps[ev.event.kind]
        # Compared by rank (ints), not through the enums' Python-level comparison methods:
        # this loop runs on every event.
        rank = _RANK
        verdict_rank = 0
        risk_rank = 0
        score = 0.0
        for f in ev.findings:
            severity = f.severity
            wanted = rank[f.action if f.action is not None else severity_map[severity]]
            if wanted > verdict_rank:
                verdict_rank = wanted
            severity_rank = rank[severity]
            if severity_rank > risk_rank:
                risk_rank = severity_rank
            weighted = _WEIGHTS[severity] * f.confidence
            if weighted > score:
                score = weighted
        verdict = _VERDICTS[verdict_rank]
        risk = _SEVERITIES[risk_rank]
        action = ev.action
        if action is not None and rank[action.risk] > risk_rank and verdict is not Verdict.ALLOW:
            risk = action.risk
        ev.verdict = verdict
        ev.risk = risk
        ev.score = round(min(max(score, 0.0), 1.0), 4)

def build_stage(policy: Policy, services: Services) -> DecideStage:
    return DecideStage(policy)
