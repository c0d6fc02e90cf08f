"""Quarantine (kill switch): a quarantined agent's every event is blocked until released.

The record lives in the state store without expiry, so with Redis it holds across guard
processes and restarts. It holds who or what set it and when, never event content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from aimds.behavior.findings import finding
from aimds.types import Finding, Severity, Verdict

__all__ = ["QUARANTINE_RULE", "QuarantineRecord", "blocked", "decode", "encode"]

QUARANTINE_RULE = "behavior.quarantine"
_MAX_REASON = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class QuarantineRecord:
    """Why and when an agent was quarantined; ``by`` is ``operator`` or ``rule:<id>``."""

    by: str
    reason: str
    ts: float


def encode(record: QuarantineRecord) -> str:
    return json.dumps(
        {"by": record.by, "reason": record.reason[:_MAX_REASON], "ts": record.ts},
        separators=(",", ":"),
    )


def decode(raw: str) -> QuarantineRecord:
    """The stored record; a record that cannot be read still quarantines (fail closed)."""
    try:
        data = json.loads(raw)
        return QuarantineRecord(
            by=str(data["by"]), reason=str(data["reason"]), ts=float(data["ts"])
        )
    except (ValueError, KeyError, TypeError):
        return QuarantineRecord(by="unknown", reason="unreadable quarantine record", ts=0.0)


def blocked(record: QuarantineRecord) -> Finding:
    """The hard finding that blocks every event of a quarantined agent."""
    return finding(
        QUARANTINE_RULE,
        f"agent is quarantined (by {record.by}); an operator must release it",
        severity=Severity.CRITICAL,
        action=Verdict.BLOCK,
        category="quarantine",
        hard=True,
        details={"by": record.by, "since": record.ts},
    )
