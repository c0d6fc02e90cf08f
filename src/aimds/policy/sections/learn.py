"""Policy section ``attack_memory``: recall of known attacks by near-duplicate similarity.

Every scanned text (``kinds``) is sketched (word shingles over its folded view, see
:mod:`aimds.learn.sketch`) and compared with the tenant's attack memory: the shipped
``seeds`` (sketches of the training set's attacks, no texts) and the attacks people
confirmed through feedback. A text whose estimated similarity to an entry reaches
``threshold`` gets the finding ``memory.similar`` (category ``injection``) with
``severity`` and the verdict ``verdict``.

Each tenant keeps at most ``max_entries`` confirmed attacks; beyond that the oldest are
forgotten first. ``recent`` bounds what the guard keeps of its decisions so that
feedback can name one later: at most ``max_decisions`` masked excerpts, each for
``ttl_s`` seconds. ``enabled: false`` turns recall, recording and feedback off.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from aimds.policy.fields import Section
from aimds.types import Severity, Verdict

__all__ = ["AttackMemorySection", "RecentSettings"]

MemoryKind = Literal["prompt", "completion", "tool_call", "tool_result", "message"]
_DEFAULT_KINDS: tuple[MemoryKind, ...] = ("prompt", "completion", "tool_result", "message")


class RecentSettings(Section):
    """What the guard keeps of recent decisions for feedback (masked excerpts only)."""

    max_decisions: int = Field(default=10_000, ge=1, le=1_000_000)
    ttl_s: float = Field(default=3600.0, gt=0, le=30 * 86400)
    excerpt_chars: int = Field(default=2_000, ge=64, le=65_536)


class AttackMemorySection(Section):
    """Settings of the ``attack_memory`` section; off unless a pack or policy turns it on."""

    enabled: bool = False
    threshold: float = Field(default=0.6, gt=0.0, le=1.0)
    """Estimated Jaccard similarity of word shingles at which a text is a near-duplicate."""
    min_words: int = Field(default=4, ge=1, le=1_000)
    """Texts (and decoded segments) with fewer words are not compared."""
    verdict: Verdict = Verdict.REVIEW
    severity: Severity = Severity.HIGH
    seeds: bool = True
    max_entries: int = Field(default=10_000, ge=1, le=1_000_000)
    kinds: list[MemoryKind] = Field(default_factory=lambda: list(_DEFAULT_KINDS))
    recent: RecentSettings = Field(default_factory=RecentSettings)
