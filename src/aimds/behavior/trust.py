"""Trust scores: 0..1000 per agent, tiers, and the pure update rule both stores share.

An agent starts at ``initial`` (500). Each event first lets the stored score decay toward
``initial`` (exponentially, ``half_life``), then moves it: violations subtract a penalty in
proportion to their severity and confidence, a clean event adds ``clean_gain``. So one
critical finding costs far more than many clean events repay, and old history fades.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aimds.types import Finding, Severity

__all__ = ["TIERS", "TrustInfo", "decayed", "delta_for", "tier_of", "updated"]

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


def decayed(score: float, since: float, now: float, *, initial: float, half_life: float) -> float:
    """``score`` as of ``now``: its distance to ``initial`` halves every ``half_life`` seconds."""
    elapsed = now - since
    if elapsed <= 0:
        return score
    return initial + (score - initial) * math.pow(0.5, elapsed / half_life)


def updated(
    stored: tuple[float, float] | None,
    initial: float,
    half_life: float,
    now: float,
    delta: float,
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
            base = initial + (score - initial) * math.pow(0.5, elapsed / half_life)
    return min(max(base + delta, 0.0), MAX_SCORE)


def delta_for(
    findings: Iterable[Finding], *, penalties: Mapping[Severity, float], clean_gain: float
) -> float:
    """The score change one event earns: minus the penalties of its findings, or the gain.

    Each finding costs ``penalties[severity] * confidence``; ``info`` findings cost nothing.
    """
    total = 0.0
    for f in findings:
        total += penalties.get(f.severity, 0.0) * f.confidence
    return -total if total > 0 else clean_gain
