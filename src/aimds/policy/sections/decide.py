"""Policy section ``decide``: how findings without an action of their own become verdicts."""

from __future__ import annotations

from pydantic import Field

from aimds.policy.fields import Section
from aimds.types import EventKind, Severity, Verdict

__all__ = ["DecideSection"]


def _default_map() -> dict[Severity, Verdict]:
    return {
        Severity.INFO: Verdict.ALLOW,
        Severity.LOW: Verdict.ALLOW,
        Severity.MEDIUM: Verdict.WARN,
        Severity.HIGH: Verdict.BLOCK,
        Severity.CRITICAL: Verdict.BLOCK,
    }


class DecideSection(Section):
    """``on_error``: the verdict when a stage fails (fail closed by default).

    ``severity_verdicts`` maps a finding's severity to a verdict when the finding names no
    action; ``by_kind`` overrides that map per event kind (only the severities listed).
    """

    on_error: Verdict = Verdict.BLOCK
    severity_verdicts: dict[Severity, Verdict] = Field(default_factory=_default_map)
    by_kind: dict[EventKind, dict[Severity, Verdict]] = Field(default_factory=dict)
