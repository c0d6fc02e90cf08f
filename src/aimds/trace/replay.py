"""Replay a recorded trace through a guard, and summarise what fired in each session.

The events keep their own timestamps (``Event.ts``), so windows and temporal rules see the
timing the trace had. Give the guard a fresh state store (``Services(store=MemoryStore())``)
so earlier runs do not leak into this one; :func:`fresh_guard` does that.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aimds.behavior.memory import MemoryStore
from aimds.trace.format import TraceEvent
from aimds.types import Decision, Event, Services

if TYPE_CHECKING:
    from aimds.guard import Guard
    from aimds.judge.base import Judge
    from aimds.policy import Policy

__all__ = [
    "ReplayStep",
    "SessionSummary",
    "SessionTracker",
    "fresh_guard",
    "replay",
    "step_record",
]

TRACKED_PREFIXES = ("ASA-B-", "temporal.", "behavior.quarantine")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplayStep:
    """One replayed event: its 0-based line in the trace, the event, and the decision."""

    index: int
    event: Event
    decision: Decision


@dataclass(slots=True, kw_only=True)
class SessionSummary:
    """What happened in one session: event count, verdicts, and for each tracked rule the
    first event that fired it (``(trace index, index within the session)``)."""

    tenant: str
    agent: str
    session: str
    events: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    first: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def patterns(self) -> tuple[str, ...]:
        return tuple(self.first)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "agent": self.agent,
            "session": self.session,
            "events": self.events,
            "verdicts": dict(self.verdicts),
            "fired": {
                rule: {"index": at[0], "session_index": at[1]} for rule, at in self.first.items()
            },
        }


class SessionTracker:
    """Folds replay steps into per-session summaries, in order of first appearance."""

    def __init__(self) -> None:
        self._sessions: dict[tuple[str, str], SessionSummary] = {}

    def add(self, step: ReplayStep) -> None:
        s = step.event.subject
        key = (s.tenant, s.session)
        summary = self._sessions.get(key)
        if summary is None:
            summary = SessionSummary(tenant=s.tenant, agent=s.agent, session=s.session)
            self._sessions[key] = summary
        position = summary.events
        summary.events += 1
        verdict = step.decision.verdict.value
        summary.verdicts[verdict] = summary.verdicts.get(verdict, 0) + 1
        for rule in step.decision.rules:
            if rule.startswith(TRACKED_PREFIXES) and rule not in summary.first:
                summary.first[rule] = (step.index, position)

    def sessions(self) -> list[SessionSummary]:
        return list(self._sessions.values())


def replay(events: Iterable[Event | TraceEvent], guard: Guard) -> Iterator[ReplayStep]:
    """Check each event with ``guard``, in order; a plain :class:`Event` gets its position as
    index. Never raises on an event: the guard turns problems into findings."""
    for position, item in enumerate(events):
        if isinstance(item, TraceEvent):
            index, event = item.index, item.event
        else:
            index, event = position, item
        yield ReplayStep(index=index, event=event, decision=guard.check(event))


def fresh_guard(policy: Policy | Mapping[str, Any] | str, *, judge: Judge | None = None) -> Guard:
    """A guard for ``policy`` with a fresh in-process state store, whatever the policy's
    ``behavior.store`` says (a replay must not read or write live state). ``judge`` answers
    in place of the policy's LLM judge endpoint (a stub, a recorder or a recording; see
    :mod:`aimds.judge.replay`); the caller closes it."""
    from aimds.guard import Guard
    from aimds.judge.stage import JUDGE_KEY

    services = Services(store=MemoryStore())
    if judge is not None:
        services.extras[JUDGE_KEY] = judge
    return Guard(policy, services=services)


def step_record(step: ReplayStep) -> dict[str, Any]:
    """The ``--output`` line of a step (see ARCHITECTURE.md)."""
    d = step.decision
    return {
        "index": step.index,
        "verdict": d.verdict.value,
        "risk": d.risk.value,
        "findings": [
            {"rule": f.rule, "category": f.category, "severity": f.severity.value}
            for f in d.findings
        ],
    }

