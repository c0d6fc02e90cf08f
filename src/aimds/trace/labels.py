"""Scoring a replay against a labels file: which attack sessions were caught, and in time,
and which benign sessions were flagged.

A labels file is JSONL, one session a line (the shape of ``traces_dev_labels.jsonl``)::

    {"session": "dev-spam-19", "attack": true, "pattern": "ASA-B-004", "complete_at": 39}
    {"session": "dev-benign-74", "attack": false}

``attack`` (or ``label``: 1/0) is required; ``pattern`` (the rule that should fire) and
``complete_at`` (the 0-based index in the session by which it should) are optional;
``tenant`` narrows the session id where several tenants reuse it. An attack session is
*caught* when its ``pattern`` fired (without one: any tracked rule), *in time* when that was
at or before ``complete_at``; a benign session is *flagged* when any tracked rule fired.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aimds.errors import InputError
from aimds.trace.replay import SessionSummary

__all__ = ["Label", "LabelScore", "read_labels", "score_sessions"]


@dataclass(frozen=True, slots=True)
class Label:
    session: str
    attack: bool
    tenant: str | None = None
    pattern: str | None = None
    complete_at: int | None = None


@dataclass(slots=True)
class LabelScore:
    """Counts of a scored replay; ``unlabelled`` sessions are left out of every rate."""

    attacks: int = 0
    caught: int = 0
    in_time: int = 0
    benign: int = 0
    flagged: int = 0
    unlabelled: int = 0
    missing: int = 0
    by_pattern: dict[str, dict[str, int]] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "attacks": self.attacks,
            "caught": self.caught,
            "caught_in_time": self.in_time,
            "recall": round(self.caught / self.attacks, 4) if self.attacks else None,
            "benign": self.benign,
            "flagged": self.flagged,
            "false_positive_rate": round(self.flagged / self.benign, 4) if self.benign else None,
            "unlabelled_sessions": self.unlabelled,
            "labels_without_session": self.missing,
            "by_pattern": self.by_pattern,
            "missed": self.missed,
            "false_alarms": self.false_alarms,
        }


def read_labels(path: Path) -> list[Label]:
    """The labels of ``path``; a bad line raises :class:`InputError` naming ``file:line``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read labels file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: labels file is not UTF-8 (byte {exc.start})") from None
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("session"), str):
            raise InputError(f"{where}: expected an object with a string 'session'")
        attack = row.get("attack", row.get("label"))
        if attack not in (True, False, 0, 1):
            raise InputError(f"{where}: 'attack' must be true or false (or 'label' 1 or 0)")
        complete_at = row.get("complete_at")
        if complete_at is not None and (not isinstance(complete_at, int) or complete_at < 0):
            raise InputError(f"{where}: 'complete_at' must be a non-negative integer")
        pattern = row.get("pattern")
        tenant = row.get("tenant")
        out.append(Label(
            session=row["session"],
            attack=bool(attack),
            tenant=tenant if isinstance(tenant, str) else None,
            pattern=pattern if isinstance(pattern, str) else None,
            complete_at=complete_at,
        ))
    return out


def score_sessions(sessions: Iterable[SessionSummary], labels: Iterable[Label]) -> LabelScore:
    """Score replayed ``sessions`` against ``labels`` (see the module docstring)."""
    by_key = {(lab.tenant, lab.session): lab for lab in labels}
    result = LabelScore()
    seen: set[tuple[str | None, str]] = set()
    for s in sessions:
        key = (s.tenant, s.session) if (s.tenant, s.session) in by_key else (None, s.session)
        label = by_key.get(key)
        if label is None:
            result.unlabelled += 1
            continue
        seen.add(key)
        if not label.attack:
            result.benign += 1
            if s.first:
                result.flagged += 1
                result.false_alarms.append(s.session)
            continue
        result.attacks += 1
        pattern = label.pattern or "any"
        counts = result.by_pattern.setdefault(pattern, {"sessions": 0, "caught": 0, "in_time": 0})
        counts["sessions"] += 1
        fired = s.first.get(label.pattern) if label.pattern else min(
            s.first.values(), key=lambda at: at[1], default=None
        )
        if fired is None:
            result.missed.append(s.session)
            continue
        result.caught += 1
        counts["caught"] += 1
        if label.complete_at is None or fired[1] <= label.complete_at:
            result.in_time += 1
            counts["in_time"] += 1
    result.missing = len(set(by_key) - seen)
    return result
