"""Quarantine (kill switch): a quarantined agent's every event is blocked until released.

The record lives in the state store without expiry, so with Redis it holds across guard
processes and restarts. It holds who or what set it and when, never event content.

A shared store keeps a local :class:`QuarantineMirror` of the records it has seen (loaded
when it connects, refreshed by every event's quarantine read, and by every quarantine and
release made through it), so a quarantine still blocks while the store is down, whatever
``behavior.fail_mode`` says for everyone else.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from aimds.behavior.findings import finding
from aimds.types import Finding, Severity, Verdict

__all__ = [
    "QUARANTINE_RULE",
    "QuarantineMirror",
    "QuarantineRecord",
    "blocked",
    "decode",
    "encode",
    "is_quarantine_key",
]

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


def is_quarantine_key(key: str) -> bool:
    """Whether ``key`` is a quarantine record's (``b:{tenant}:q:{agent}``, the segments
    escaped so they hold no ``:``; see :mod:`aimds.behavior.windows`)."""
    parts = key.split(":")
    return len(parts) == 4 and parts[0] == "b" and parts[2] == "q"


class QuarantineMirror:
    """The quarantine records a shared store last saw, by key; thread-safe.

    Bounded: quarantines are few, and past ``limit`` records the mirror keeps the newest
    and logs nothing (a deployment with that many quarantined agents has other problems);
    an agent it cannot hold is then decided by ``fail_mode`` alone while the store is down.
    """

    __slots__ = ("_limit", "_lock", "_records")

    def __init__(self, limit: int = 100_000) -> None:
        self._lock = threading.Lock()
        self._records: dict[str, str] = {}
        self._limit = limit

    def seen(self, key: str, raw: str | None) -> None:
        """The store answered ``raw`` (``None``: no record) for quarantine ``key``."""
        with self._lock:
            if raw is None:
                self._records.pop(key, None)
            else:
                self._records.pop(key, None)
                self._records[key] = raw
                if len(self._records) > self._limit:
                    del self._records[next(iter(self._records))]

    def replace(self, records: dict[str, str]) -> None:
        """Hold exactly ``records`` (a fresh read of every quarantine in the store)."""
        if len(records) > self._limit:
            records = dict(list(records.items())[-self._limit:])
        with self._lock:
            self._records = dict(records)

    def get(self, key: str) -> str | None:
        return self._records.get(key)

    def __len__(self) -> int:
        return len(self._records)
