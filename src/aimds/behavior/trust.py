"""Trust scores: 0..1000 per agent, tiers, and the pure update rule both stores share.

An agent starts at ``initial`` (500). Each event first lets the stored score decay toward
``initial`` (exponentially), then moves it: an event with violations subtracts the penalty
of its *worst* finding (severity penalty times confidence; several findings about one action
are one violation, not several), a clean event adds ``clean_gain``.

The two directions fade at different speeds: trust *earned* above ``initial`` fades with
``half_life`` (a day: a good record is kept), a *penalty* below ``initial`` fades with
``recovery_half_life`` (an hour: one bad call does not mark an agent for days). With the
defaults one critical finding (-300) drops a new agent to 200 (``untrusted``); it is back
in ``probationary`` (300) after about 35 minutes, sooner with clean calls, and repeated
violations keep it down because each costs another penalty. Operators reset a score with
``guard.reset_trust(...)`` (API ``POST /v1/agents/{id}/trust/reset``, CLI
``aimds agents reset-trust``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aimds.types import Finding, Severity, Verdict

__all__ = [
    "TIERS",
    "TrustInfo",
    "decayed",
    "delta_for",
    "is_violation",
    "tier_of",
    "updated",
    "worst_penalty",
]

MAX_SCORE = 1000.0

TIERS: tuple[tuple[float, str], ...] = (
    (300.0, "untrusted"),
    (500.0, "probationary"),
    (700.0, "standard"),
    (900.0, "trusted"),
)
"""Upper bounds (exclusive) of each tier; at or above 900 an agent is ``verified``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustInfo:
    """An agent's trust score and tier, as read from the store."""

    tenant: str
    agent: str
    score: float
    tier: str


def tier_of(score: float) -> str:
    for bound, name in TIERS:
        if score < bound:
            return name
    return "verified"


def decayed(
    score: float,
    since: float,
    now: float,
    *,
    initial: float,
    half_life: float,
    recovery_half_life: float | None = None,
) -> float:
    """``score`` as of ``now``: its distance to ``initial`` halves every ``half_life`` seconds
    above ``initial`` and every ``recovery_half_life`` (default: ``half_life``) below it."""
    elapsed = now - since
    if elapsed <= 0:
        return score
    half = half_life if score >= initial or not recovery_half_life else recovery_half_life
    return initial + (score - initial) * math.pow(0.5, elapsed / half)


def updated(
    stored: tuple[float, float] | None,
    initial: float,
    half_life: float,
    now: float,
    delta: float,
    recovery_half_life: float | None = None,
) -> float:
    """The new score from the stored ``(score, ts)`` (``None``: a new agent), clamped 0..1000.

    Positional arguments allowed: the memory store calls this once per event."""
    if stored is None:
        base = initial
    else:
        score, since = stored
        elapsed = now - since
        # decayed(), inlined
        if elapsed <= 0:
            base = score
        else:
            half = half_life if score >= initial or not recovery_half_life else recovery_half_life
            base = initial + (score - initial) * math.pow(0.5, elapsed / half)
    return min(max(base + delta, 0.0), MAX_SCORE)


def delta_for(
    findings: Iterable[Finding], *, penalties: Mapping[Severity, float], clean_gain: float
) -> float:
    """The score change one event earns: minus the penalty of its worst violation
    (:func:`is_violation`), or the gain.

    A finding costs ``penalties[severity] * confidence``; ``info`` findings cost nothing.
    """
    return -worst if (worst := worst_penalty(findings, penalties)) > 0 else clean_gain


_NOT_VIOLATIONS = frozenset({"error", "quarantine", "kill"})
_STEP_UP_CATEGORIES = frozenset({"policy", "scope", "ring"})
TIER_RULE = "behavior.trust.tier"


def is_violation(f: Finding) -> bool:
    """Whether ``f`` counts against the agent's trust. Not: stage errors, quarantine, kill
    switch and tier findings (consequences, not deeds), and a policy's step-up
    (``review.send``, ``defaults.unknown_tool``, ``ring.escalation``: the policy asks a human
    by design; an agent that sends e-mail all day is doing its job)."""
    if f.category in _NOT_VIOLATIONS or f.rule == TIER_RULE:
        return False
    return not (f.action is Verdict.REVIEW and f.category in _STEP_UP_CATEGORIES)


def worst_penalty(findings: Iterable[Finding], penalties: Mapping[Severity, float]) -> float:
    """The largest ``penalties[severity] * confidence`` among ``findings`` (0 for none)."""
    worst = 0.0
    for f in findings:
        cost = penalties.get(f.severity, 0.0) * f.confidence
        if cost > worst and is_violation(f):
            worst = cost
    return worst
