"""One red-team campaign: generate the cases, run them through a guard, summarise.

This is what ``aimds redteam`` and library users call; the pieces it joins
(:mod:`~aimds.redteam.generate`, :mod:`~aimds.redteam.runner`,
:mod:`~aimds.redteam.report`) are usable on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from aimds.redteam.cases import GOALS, TECHNIQUE_GROUPS, TECHNIQUES, resolve
from aimds.redteam.generate import generate
from aimds.redteam.report import summarize
from aimds.redteam.runner import CaseResult, run

if TYPE_CHECKING:
    from aimds.guard import Guard

__all__ = ["campaign", "plan"]


def plan(
    goals: Iterable[str] | None, techniques: Iterable[str] | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The goals and techniques a user named (groups expanded; all when none named).

    Raises :class:`~aimds.errors.InputError` naming an unknown name and the closest one.
    """
    return (
        resolve(goals, GOALS, what="goal"),
        resolve(techniques, TECHNIQUES, what="technique", groups=TECHNIQUE_GROUPS),
    )


def campaign(
    guard: Guard,
    *,
    seed: int = 0,
    goals: Iterable[str] | None = None,
    techniques: Iterable[str] | None = None,
    count: int = 10,
    fail_above: float | None = None,
    on_start: Callable[[int], None] | None = None,
    on_case: Callable[[CaseResult], None] | None = None,
) -> dict[str, Any]:
    """Generate, run and summarise; returns the report (see :func:`summarize`).

    ``on_start`` gets the number of cases before the first runs; ``on_case`` each result.
    """
    chosen_goals, chosen_techniques = plan(goals, techniques)
    cases = generate(seed=seed, goals=chosen_goals, techniques=chosen_techniques, count=count)
    if on_start is not None:
        on_start(len(cases))
    results, duration = run(cases, guard=guard, on_case=on_case)
    return summarize(
        results,
        policy=guard.policy.label,
        seed=seed,
        count=count,
        goals=chosen_goals,
        techniques=chosen_techniques,
        duration_s=duration,
        fail_above=fail_above,
    )
