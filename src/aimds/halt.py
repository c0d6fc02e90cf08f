"""Halting the pipeline: what still runs after a stage sets ``ev.halted``.

A stage whose class says ``halts = True`` (today only ``kill``) may set ``ev.halted`` when
judging the event further is pointless: a killed agent is blocked whatever its text says,
so detectors, behaviour and the LLM judge would only spend time (and judge tokens) and
move the agent's behavioural state on events that never ran. The stages in
:data:`FINISHING` still run, in their usual order, because the block must be made safe,
decided, mitigated and recorded exactly as any other decision:

- ``inputs`` sanitises the arguments every later stage, and the audit record, walks;
- ``decide`` turns the findings into the verdict;
- ``respond`` and ``approvals`` mitigate and file reviews (a no-op for a block, but the
  guard does not assume it);
- ``record`` writes the audit record and counts the decision: never skipped.

Every other stage after the halting one gets a ``skipped`` status naming the halting stage,
so the decision and its audit record say what did not run and why.

The guard pays for this only after halting stages: :func:`plan` gives, per stage, ``None``
(the loop never looks at ``ev.halted``) or the :class:`Tail` to run once it is set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aimds.types import Stage, StageOutcome, StageStatus

__all__ = ["FINISHING", "Tail", "plan"]

FINISHING = frozenset({"inputs", "decide", "respond", "approvals", "record"})
"""Names of the stages that run even after the pipeline halted."""


@dataclass(frozen=True, slots=True)
class Tail:
    """What follows a halting stage once it has halted: the indexes (into the guard's
    stages) still to run, in order, and the ``skipped`` statuses of the others."""

    run: tuple[int, ...]
    skipped: tuple[StageStatus, ...]


def _name(stage: Stage) -> str:
    return str(getattr(stage, "name", type(stage).__name__))


def plan(stages: Sequence[Stage]) -> tuple[Tail | None, ...]:
    """Per stage, ``None`` when it cannot halt, else the :class:`Tail` that follows it."""
    tails: list[Tail | None] = []
    for i, stage in enumerate(stages):
        if not getattr(stage, "halts", False):
            tails.append(None)
            continue
        after = range(i + 1, len(stages))
        detail = f"the pipeline halted at stage {_name(stage)}"
        tails.append(
            Tail(
                run=tuple(j for j in after if _name(stages[j]) in FINISHING),
                skipped=tuple(
                    StageStatus(stage=_name(stages[j]), outcome=StageOutcome.SKIPPED, detail=detail)
                    for j in after
                    if _name(stages[j]) not in FINISHING
                ),
            )
        )
    return tuple(tails)
