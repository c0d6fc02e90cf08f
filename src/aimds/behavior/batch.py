"""One event's store batch: components queue ops and the checks that read their results.

Every component (quarantine, trust, sequences, data flow, baselines, temporal rules) plans
against the same :class:`Batch`, so an event costs one store round trip; the checks then run
in planning order on the results and return findings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aimds.behavior.indicators import Indicators
from aimds.behavior.store import Op, Result
from aimds.behavior.windows import Keys
from aimds.types import Evaluation, Finding

__all__ = ["Batch", "Check", "Ctx"]

Check = Callable[["Ctx", list[Result]], Finding | None]


@dataclass(slots=True, init=False)
class Ctx:
    """What every component needs about the event being judged."""

    ev: Evaluation
    ind: Indicators
    keys: Keys
    ts: float
    tier: str | None = None
    index: int = -1

    def __init__(
        self,
        ev: Evaluation,
        ind: Indicators,
        keys: Keys,
        ts: float,
        tier: str | None = None,
        index: int = -1,
    ) -> None:
        self.ev = ev
        self.ind = ind
        self.keys = keys
        self.ts = ts
        self.tier = tier
        self.index = index


class Batch:
    """Ops to run, and checks to call with the results, in order."""

    __slots__ = ("checks", "ops")

    def __init__(self, ops: list[Op] | None = None) -> None:
        self.ops: list[Op] = [] if ops is None else ops
        self.checks: list[Check] = []

    def add(self, op: Op) -> int:
        """Queue ``op`` (after any ops the batch started with); return its result's index."""
        self.ops.append(op)
        return len(self.ops) - 1

    def check(self, fn: Check) -> None:
        self.checks.append(fn)

    def judge(self, ctx: Ctx, results: list[Result], found: list[Finding]) -> None:
        """Append what the checks find to ``found`` (a loop, not a generator: cheaper
        compiled, and this runs on every tool call)."""
        for fn in self.checks:
            finding = fn(ctx, results)
            if finding is not None:
                found.append(finding)
