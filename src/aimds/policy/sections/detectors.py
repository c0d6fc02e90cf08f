"""Policy section ``detectors``: content detectors (injection, jailbreak, prompt leak).

Scores are calibrated probabilities in 0..1, one per category. ``thresholds`` maps each
event kind to the score at which a finding becomes ``warn``, ``review`` and ``block``;
data kinds (``tool_result``, ``message``) get lower thresholds than a user ``prompt``,
since any instruction addressed to the model inside data is suspicious while a user may
legitimately talk about instructions. ``tenants.<name>.thresholds`` overrides single
levels for one tenant; ``allow`` suppresses findings for known-good texts; ``cache``
bounds how many findings of repeated short events are remembered; ``semantic``
sets when the semantic tier runs.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from aimds.policy.fields import Glob, Regex, Section
from aimds.policy.sections.normalize import NormalizeSettings
from aimds.types import Verdict

__all__ = [
    "AllowList",
    "CacheSettings",
    "DetectorsSection",
    "FramedRequestSettings",
    "InjectionSettings",
    "KindName",
    "Levels",
    "PartialLevels",
    "SemanticMode",
    "SemanticSettings",
    "TenantDetectors",
]

KindName = Literal["prompt", "completion", "tool_call", "tool_result", "message"]


class Levels(Section):
    """Scores at which a finding asks for ``warn``, ``review`` and ``block``.

    A level above 1.0 switches that verdict off (scores never exceed 1.0).
    """

    warn: float = Field(default=0.5, ge=0.0, le=1.01)
    review: float = Field(default=0.8, ge=0.0, le=1.01)
    block: float = Field(default=0.95, ge=0.0, le=1.01)

    def verdict_for(self, score: float) -> Verdict | None:
        """The verdict a finding with ``score`` asks for, or ``None`` below ``warn``."""
        if score >= self.block:
            return Verdict.BLOCK
        if score >= self.review:
            return Verdict.REVIEW
        if score >= self.warn:
            return Verdict.WARN
        return None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.warn <= self.review <= self.block:
            raise ValueError(
                "levels must satisfy warn <= review <= block; raise 'block' or lower 'warn'"
            )
        return self


class PartialLevels(Section):
    """A tenant's override: levels left out keep the policy's value."""

    warn: float | None = Field(default=None, ge=0.0, le=1.01)
    review: float | None = Field(default=None, ge=0.0, le=1.01)
    block: float | None = Field(default=None, ge=0.0, le=1.01)

    def over(self, base: Levels) -> Levels:
        """``base`` with this override applied (raises ``ValueError`` if out of order)."""
        return Levels(
            warn=base.warn if self.warn is None else self.warn,
            review=base.review if self.review is None else self.review,
            block=base.block if self.block is None else self.block,
        )


def _by_kind(user: Levels, data: Levels) -> dict[KindName, Levels]:
    """``user`` for text a person or the model wrote, ``data`` for what tools and agents send."""
    return {
        "prompt": user,
        "completion": user,
        "tool_call": user,
        "tool_result": data,
        "message": data,
    }


def _default_thresholds() -> dict[KindName, Levels]:
    return _by_kind(
        Levels(warn=0.5, review=0.85, block=0.97), Levels(warn=0.3, review=0.6, block=0.85)
    )


class AllowList(Section):
    """Texts whose injection/jailbreak findings are suppressed (known-good content).

    ``exact`` compares the whole original text; ``glob`` matches the whole text
    (fnmatch, case-sensitive); ``regex`` (RE2) searches anywhere in it. Keep entries
    narrow: a match silences every injection, jailbreak and prompt-leak finding.
    """

    exact: list[str] = Field(default_factory=list, max_length=10_000)
    glob: list[Glob] = Field(default_factory=list, max_length=1_000)
    regex: list[Regex] = Field(default_factory=list, max_length=1_000)


class InjectionSettings(Section):
    """The injection/jailbreak detector: its layers and how much text it reads."""

    enabled: bool = True
    signatures: bool = True
    heuristics: bool = True
    classifier: bool = True
    window_chars: int = Field(default=2_000, ge=200, le=100_000)
    max_scan_chars: int = Field(default=1_000_000, ge=1_000, le=50_000_000)


def _framed_kinds() -> list[KindName]:
    return ["prompt", "message"]


def _framed_thresholds() -> dict[KindName, Levels]:
    # its scores are rule-based, not calibrated probabilities: a harm request with no frame
    # scores 0.4, a persona that only switches the rules off 0.55, a framed harm request
    # 0.7 to 0.99 (review from 0.85: realism or rule suspension on top of the frame)
    levels = Levels(warn=0.5, review=0.85, block=0.97)
    return _by_kind(levels, levels)


class FramedRequestSettings(Section):
    """The framed-request jailbreak detector (``detectors.framed_requests``): a harmful
    operational request inside a persona, fiction, hypothetical or pretext frame.
    ``kinds`` are the event kinds it reads (the frames it looks for are addressed by a user
    or an agent); ``thresholds`` turn its score into a verdict per kind (its own scale, so
    not ``detectors.thresholds``, which are calibrated to the injection classifier)."""

    enabled: bool = True
    kinds: list[KindName] = Field(default_factory=_framed_kinds, max_length=5)
    thresholds: dict[KindName, Levels] = Field(default_factory=_framed_thresholds)
    max_scan_chars: int = Field(default=20_000, ge=200, le=1_000_000)

    def levels_for(self, kind: KindName) -> Levels:
        """The levels of ``kind`` (kinds left out take the built-in default)."""
        found = self.thresholds.get(kind)
        return found if found is not None else _framed_thresholds()[kind]


class CacheSettings(Section):
    """Findings of repeated events, remembered so the same content is not scanned twice.

    Only detectors that declare themselves pure (all built-ins but ``prompt_leak``, whose
    canaries change at run time) are cached, and only events whose text and arguments
    together hold at most ``max_chars`` characters: short, repeated tool calls are the
    case this serves. An event is remembered the second time its content is seen, at most
    ``max_entries`` of them, the oldest forgotten first; memory stays below about
    ``max_entries`` times ``max_chars`` characters plus at most 32 findings each.
    ``enabled: false`` scans every event afresh.
    """

    enabled: bool = True
    max_entries: int = Field(default=1_024, ge=1, le=1_000_000)
    max_chars: int = Field(default=2_048, ge=1, le=65_536)


SemanticMode = Literal["data", "doubt", "always", "off"]


def _semantic_thresholds() -> dict[KindName, Levels]:
    # warn only, at about 1% (prompts) and 2% (data) of dev's benign rows
    return _by_kind(
        Levels(warn=0.92, review=1.01, block=1.01), Levels(warn=0.996, review=1.01, block=1.01)
    )


class SemanticSettings(Section):
    """The semantic tier (``detectors.semantic``): when it runs, how its score becomes a verdict.

    ``mode`` says when it runs: ``data`` on tool results and agent messages only; ``doubt``
    also on prompts, completions and tool calls whose fast-tier injection classifier score
    lies in ``[doubt_low, doubt_high)`` (clearly benign and clearly caught texts skip it);
    ``always`` on every event with text; ``off`` never (the default: on held-out sources
    it added false positives about as often as catches; the ``strict`` pack turns it on).
    ``thresholds`` turn its score into ``warn``/``review``/``block`` per event kind (a level
    above 1.0 switches that verdict off); the defaults only warn, at about 2% false positives
    on benign data of the dev set.

    ``relevance``: when an event's ``meta["user_request"]`` holds the user's request (the
    session does not keep it, so the caller passes it), a suspicious sentence of a tool result
    that is unrelated to the request scores higher: its decision value rises by
    ``relevance_gain * max(0, relevance_cutoff - cosine)``.
    """

    mode: SemanticMode = "off"
    thresholds: dict[KindName, Levels] = Field(default_factory=_semantic_thresholds)
    doubt_low: float = Field(default=0.05, ge=0.0, le=1.0)
    doubt_high: float = Field(default=0.97, ge=0.0, le=1.01)
    relevance: bool = True
    relevance_gain: float = Field(default=6.0, ge=0.0, le=20.0)
    relevance_cutoff: float = Field(default=0.7, ge=-1.0, le=1.0)
    max_scan_chars: int = Field(default=20_000, ge=200, le=1_000_000)

    def levels_for(self, kind: KindName) -> Levels:
        """The levels of ``kind`` (kinds left out take the built-in default)."""
        found = self.thresholds.get(kind)
        return found if found is not None else _semantic_thresholds()[kind]


class TenantDetectors(Section):
    """Per-tenant settings of the content detectors."""

    thresholds: dict[KindName, PartialLevels] = Field(default_factory=dict)


class DetectorsSection(Section):
    """Settings of the content detectors; every field has a safe default."""

    normalize: NormalizeSettings = Field(default_factory=NormalizeSettings)
    injection: InjectionSettings = Field(default_factory=InjectionSettings)
    framed_requests: FramedRequestSettings = Field(default_factory=FramedRequestSettings)
    thresholds: dict[KindName, Levels] = Field(default_factory=_default_thresholds)
    allow: AllowList = Field(default_factory=AllowList)
    cache: CacheSettings = Field(default_factory=CacheSettings)
    semantic: SemanticSettings = Field(default_factory=SemanticSettings)
    tenants: dict[str, TenantDetectors] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _tenant_levels_ordered(self) -> Self:
        for tenant, override in self.tenants.items():
            for kind, partial in override.thresholds.items():
                try:
                    partial.over(self.levels_for(kind))
                except ValueError:
                    raise ValueError(
                        f"tenants.{tenant}.thresholds.{kind}: levels must satisfy "
                        "warn <= review <= block after merging with detectors.thresholds"
                    ) from None
        return self

    def levels_for(self, kind: KindName) -> Levels:
        """The policy-wide levels of ``kind`` (kinds left out take the built-in default)."""
        found = self.thresholds.get(kind)
        return found if found is not None else _default_thresholds()[kind]
