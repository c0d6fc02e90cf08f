"""Building the findings of the behaviour stage (category ``behavior`` unless told)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aimds.types import Finding, Severity, Verdict

__all__ = ["STAGE", "finding"]

STAGE = "behavior"


def finding(
    rule: str,
    message: str,
    *,
    severity: Severity,
    action: Verdict | None,
    details: Mapping[str, Any] | None = None,
    category: str = "behavior",
    hard: bool = False,
    confidence: float = 1.0,
) -> Finding:
    """A behaviour finding. ``message`` and ``details`` describe counts and times only, never
    the values involved (they may be secrets or PII)."""
    return Finding(
        rule=rule,
        category=category,
        severity=severity,
        message=message,
        action=action,
        hard=hard,
        confidence=confidence,
        stage=STAGE,
        details=details or {},
    )
