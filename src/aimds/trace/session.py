"""Session recording: every event and decision through one guard inside a ``with`` block.

::

    with guard.session("nightly-run") as s:
        agent.run()                       # every guard check is recorded, from any thread
    s.export("trace.jsonl")               # the trace format of ARCHITECTURE.md
    print(s.summary().render())

The session subscribes to the guard's decisions on enter and unsubscribes on exit; it keeps
raw events (that is what a trace is for), so export it only where such data may go.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aimds.errors import InputError
from aimds.trace.format import write_trace
from aimds.types import Decision, Event

__all__ = ["RecordedStep", "Session", "SessionSummary"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordedStep:
    event: Event
    decision: Decision


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockedOperation:
    index: int
    kind: str
    tool: str | None
    verdict: str
    rules: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionSummary:
    """Counts and the operations that were stopped, with their reasons."""

    name: str
    events: int
    verdicts: dict[str, int]
    kinds: dict[str, int]
    blocked: tuple[BlockedOperation, ...]
    total_latency_ms: float
    p50_latency_us: float
    wall_s: float
    extra: dict[str, Any] = field(default_factory=dict)

    def render(self) -> str:
        lines = [
            f"session {self.name}: {self.events} events in {self.wall_s:.2f}s "
            f"(guard time {self.total_latency_ms:.1f} ms, p50 {self.p50_latency_us:.0f} µs)",
            "  verdicts: " + (", ".join(f"{k}={v}" for k, v in sorted(self.verdicts.items()))
                              or "none"),
            "  kinds: " + (", ".join(f"{k}={v}" for k, v in sorted(self.kinds.items())) or "none"),
        ]
        if self.blocked:
            lines.append("  stopped:")
            for b in self.blocked:
                what = f"{b.kind}" + (f" {b.tool}" if b.tool else "")
                lines.append(
                    f"    #{b.index} {what}: {b.verdict} ({', '.join(b.rules) or 'no rule'})"
                )
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "events": self.events,
            "verdicts": dict(self.verdicts),
            "kinds": dict(self.kinds),
            "blocked": [
                {"index": b.index, "kind": b.kind, "tool": b.tool, "verdict": b.verdict,
                 "rules": list(b.rules)}
                for b in self.blocked
            ],
            "total_latency_ms": round(self.total_latency_ms, 3),
            "p50_latency_us": round(self.p50_latency_us, 1),
            "wall_s": round(self.wall_s, 3),
        }


class Session:
    """Records what one guard decides while the session is open. Thread-safe."""

    def __init__(
        self,
        name: str,
        subscribe: Callable[[Callable[[Event, Decision], None]], Callable[[], None]],
        *,
        clock: Callable[[], float],
    ) -> None:
        self.name = name
        self._subscribe = subscribe
        self._clock = clock
        self._lock = threading.Lock()
        self._steps: list[RecordedStep] = []
        self._unsubscribe: Callable[[], None] | None = None
        self._started = 0.0
        self._ended: float | None = None

    def __enter__(self) -> Session:
        if self._unsubscribe is not None:
            raise InputError(f"session {self.name!r} is already open")
        self._started = self._clock()
        self._ended = None
        self._unsubscribe = self._subscribe(self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._ended = self._clock()

    def _record(self, event: Event, decision: Decision) -> None:
        with self._lock:
            self._steps.append(RecordedStep(event=event, decision=decision))

    @property
    def steps(self) -> tuple[RecordedStep, ...]:
        with self._lock:
            return tuple(self._steps)

    def export(self, path: str | Path) -> int:
        """Write the recorded events as a trace file; returns how many lines."""
        steps = self.steps
        try:
            with open(path, "w", encoding="utf-8") as fh:
                return write_trace((s.event for s in steps), fh)
        except OSError as exc:
            raise InputError(f"cannot write trace {str(path)!r}: {exc.strerror}") from None

    def summary(self) -> SessionSummary:
        steps = self.steps
        verdicts: Counter[str] = Counter(s.decision.verdict.value for s in steps)
        kinds: Counter[str] = Counter(s.event.kind.value for s in steps)
        blocked = tuple(
            BlockedOperation(index=i, kind=s.event.kind.value, tool=s.event.tool,
                             verdict=s.decision.verdict.value, rules=s.decision.rules)
            for i, s in enumerate(steps)
            if not s.decision.allowed
        )
        latencies = sorted(s.decision.latency_us for s in steps)
        end = self._ended if self._ended is not None else self._clock()
        return SessionSummary(
            name=self.name,
            events=len(steps),
            verdicts=dict(verdicts),
            kinds=dict(kinds),
            blocked=blocked,
            total_latency_ms=sum(latencies) / 1000.0,
            p50_latency_us=latencies[len(latencies) // 2] if latencies else 0.0,
            wall_s=max(0.0, end - self._started),
        )
