"""Run red-team cases through a guard and say which attacks got through.

**Definitions** (the report and docs/redteam.md use exactly these):

- An event is *stopped* when its verdict is ``review`` or ``block`` (it does not take
  effect without a human); ``allow``, ``warn`` and ``redact`` let it through.
- An attack *succeeds* when its decisive event (the last of the case: the injected text,
  the tool result carrying the planted instruction, or the harmful tool call) is not
  stopped. Earlier events of a multi-turn session are fed first so the guard's state sees
  them; their verdicts are recorded (``stopped_at``) but do not decide success.
- A benign control is a *false positive* when any of its events is stopped: a session
  interrupted anywhere costs its user.
- ASR = successful attacks / attacks; FPR = false positives / controls.

Every case runs as its own agent and session (``redteam-<case id>``), so the guard's
behaviour state (windows, trust, sequences) is fresh for each case without building a new
guard per case; ``guard_factory`` builds one per case instead where even that is not enough
(a test checks both give the same verdicts).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aimds.redteam.cases import Case
from aimds.types import Subject, Verdict

if TYPE_CHECKING:
    from aimds.guard import Guard

__all__ = ["CaseResult", "run", "run_case"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseResult:
    """What the guard did with one case."""

    case: Case
    verdicts: tuple[Verdict, ...]
    latencies_us: tuple[float, ...]
    rules: tuple[str, ...]
    """Rule ids of the decisive event's decision (of the first stopped event for a
    control that was stopped earlier)."""
    decision_ids: tuple[str, ...]

    @property
    def stopped_at(self) -> int | None:
        """Index of the first stopped event, ``None`` when every event went through."""
        for i, verdict in enumerate(self.verdicts):
            if not verdict.permits:
                return i
        return None

    @property
    def decisive_verdict(self) -> Verdict:
        return self.verdicts[-1]

    @property
    def succeeded(self) -> bool:
        """For an attack: its decisive event went through (allow, warn or redact)."""
        return self.case.label == "attack" and self.decisive_verdict.permits

    @property
    def false_positive(self) -> bool:
        """For a control: some event of it was stopped (review or block)."""
        return self.case.label == "benign" and self.stopped_at is not None


def run_case(guard: Guard, case: Case, *, tenant: str = "redteam") -> CaseResult:
    """Feed ``case``'s events, in order, to ``guard.check`` as the case's own subject."""
    who = Subject(tenant=tenant, agent=f"redteam-{case.id}", session=case.id)
    decisions = [guard.check(dataclasses.replace(e, subject=who)) for e in case.events]
    decisive = decisions[-1]
    if case.label == "benign":
        decisive = next((d for d in decisions if not d.verdict.permits), decisive)
    return CaseResult(
        case=case,
        verdicts=tuple(d.verdict for d in decisions),
        latencies_us=tuple(d.latency_us for d in decisions),
        rules=decisive.rules,
        decision_ids=tuple(d.id for d in decisions),
    )


def run(
    cases: Iterable[Case],
    *,
    guard: Guard | None = None,
    guard_factory: Callable[[], Guard] | None = None,
    on_case: Callable[[CaseResult], None] | None = None,
    tenant: str = "redteam",
) -> tuple[list[CaseResult], float]:
    """Run every case; returns the results and the wall time in seconds.

    Pass ``guard`` (shared, each case its own subject) or ``guard_factory`` (a new guard
    per case, closed after it). ``on_case`` is called after each case (progress bars).
    """
    if (guard is None) == (guard_factory is None):
        raise ValueError("pass exactly one of guard and guard_factory")
    results: list[CaseResult] = []
    start = time.perf_counter()
    for case in cases:
        if guard_factory is not None:
            fresh = guard_factory()
            try:
                result = run_case(fresh, case, tenant=tenant)
            finally:
                fresh.close()
        elif guard is not None:
            result = run_case(guard, case, tenant=tenant)
        results.append(result)
        if on_case is not None:
            on_case(result)
    return results, time.perf_counter() - start
