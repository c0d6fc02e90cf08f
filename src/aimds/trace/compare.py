"""What-if replay: one trace under several policies, and traces rebuilt from the audit log.

:func:`compare_policies` runs the same events through a fresh guard per policy (fresh
in-process state, the events' own timestamps) and reports per policy the verdict counts and
block rate, the events whose verdict differs between policies, and the rules that fire
under a policy but never under the first one (the baseline).

:func:`events_from_audit` rebuilds events from audit records. The log keeps digests, not
raw input, so only records written with ``audit.store_events: true`` can be replayed, and
then with their *masked* text and arguments; every other record is counted as skipped with
the reason, never silently left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aimds.audit.store import AuditStore, Query
from aimds.trace.format import TraceEvent
from aimds.trace.replay import fresh_guard, replay
from aimds.types import Event, EventKind, Subject

if TYPE_CHECKING:
    from aimds.guard import Guard
    from aimds.policy import Policy

__all__ = [
    "AuditEvents",
    "Comparison",
    "PolicyRun",
    "VerdictChange",
    "compare_policies",
    "events_from_audit",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyRun:
    """One policy over the whole trace."""

    policy: str
    verdicts: tuple[str, ...]
    rules: tuple[tuple[str, ...], ...]

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(self.verdicts))

    @property
    def block_rate(self) -> float:
        if not self.verdicts:
            return 0.0
        return sum(v in ("block", "review") for v in self.verdicts) / len(self.verdicts)


@dataclass(frozen=True, slots=True, kw_only=True)
class VerdictChange:
    """An event whose verdict is not the same under every policy."""

    index: int
    kind: str
    tool: str | None
    verdicts: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    runs: tuple[PolicyRun, ...]
    indices: tuple[int, ...]
    changes: tuple[VerdictChange, ...]
    new_findings: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "events": len(self.indices),
            "policies": [
                {"policy": r.policy, "verdicts": r.counts, "block_rate": round(r.block_rate, 4)}
                for r in self.runs
            ],
            "changes": [
                {"index": c.index, "kind": c.kind, "tool": c.tool,
                 "verdicts": dict(zip((r.policy for r in self.runs), c.verdicts, strict=True))}
                for c in self.changes
            ],
            "new_findings": self.new_findings,
        }


def compare_policies(
    events: Sequence[Event | TraceEvent],
    policies: Sequence[Policy | Mapping[str, Any] | str],
    *,
    guard_factory: Callable[[Policy | Mapping[str, Any] | str], Guard] = fresh_guard,
) -> Comparison:
    """Run ``events`` under each policy (first = baseline) and compare the outcomes."""
    runs: list[PolicyRun] = []
    indices: list[int] = []
    plain: list[Event] = []
    for position, item in enumerate(events):
        if isinstance(item, TraceEvent):
            indices.append(item.index)
            plain.append(item.event)
        else:
            indices.append(position)
            plain.append(item)
    for policy in policies:
        with guard_factory(policy) as guard:
            steps = list(replay(_traced(indices, plain), guard))
            runs.append(
                PolicyRun(
                    policy=guard.policy.label,
                    verdicts=tuple(s.decision.verdict.value for s in steps),
                    rules=tuple(s.decision.rules for s in steps),
                )
            )
    changes = tuple(
        VerdictChange(index=indices[i], kind=plain[i].kind.value, tool=plain[i].tool,
                      verdicts=vs)
        for i, vs in enumerate(zip(*(r.verdicts for r in runs), strict=True))
        if len(set(vs)) > 1
    )
    baseline = {rule for rules in runs[0].rules for rule in rules} if runs else set()
    new: dict[str, dict[str, int]] = {}
    for run in runs[1:]:
        fresh: Counter[str] = Counter(
            rule for rules in run.rules for rule in rules if rule not in baseline
        )
        new[run.policy] = dict(sorted(fresh.items()))
    return Comparison(runs=tuple(runs), indices=tuple(indices), changes=changes,
                      new_findings=new)


def _traced(indices: Sequence[int], events: Sequence[Event]) -> Iterable[TraceEvent]:
    return [TraceEvent(index=i, event=e) for i, e in zip(indices, events, strict=True)]


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEvents:
    """Events rebuilt from the log, and how many records could not be replayed, why."""

    events: tuple[TraceEvent, ...]
    skipped: dict[str, int]

    @property
    def total(self) -> int:
        return len(self.events) + sum(self.skipped.values())


def events_from_audit(store: AuditStore, query: Query) -> AuditEvents:
    """Replayable events of the decision records matching ``query``, oldest first."""
    events: list[TraceEvent] = []
    skipped: Counter[str] = Counter()
    for n, rec in enumerate(store.query(query)):
        try:
            data = rec.data()
        except ValueError:
            skipped["unreadable record"] += 1
            continue
        if data.get("type") != "decision":
            skipped[f"not a decision ({data.get('type')})"] += 1
            continue
        stored = data.get("event")
        if not isinstance(stored, Mapping):
            skipped["no stored event (audit.store_events was off): digest only"] += 1
            continue
        subject = data.get("subject") or {}
        try:
            event = Event(
                kind=EventKind(data.get("kind", "prompt")),
                subject=Subject(
                    tenant=str(subject.get("tenant", "default")),
                    agent=str(subject.get("agent", "anonymous")),
                    role=str(subject.get("role", "expert")),
                    session=str(subject.get("session", "default")),
                ),
                text=str(stored.get("text", "")),
                tool=data.get("tool"),
                args=dict(stored.get("args") or {}),
                meta=dict(stored.get("meta") or {}),
                ts=float(data.get("ts", 0.0)),
            )
        except (ValueError, TypeError):
            skipped["malformed stored event"] += 1
            continue
        events.append(TraceEvent(index=n, event=event))
    return AuditEvents(events=tuple(events), skipped=dict(skipped))
