"""Policy section ``detectors``: content detectors (injection, jailbreak, prompt leak).

Scores are calibrated probabilities in 0..1, one per category. ``thresholds`` maps each
event kind to the score at which a finding becomes ``warn``, ``review`` and ``block``;
data kinds (``tool_result``, ``message``) get lower thresholds than a user ``prompt``,
since any instruction addressed to the model inside data is suspicious while a user may
legitimately talk about instructions. ``tenants.<name>.thresholds`` overrides single
levels for one tenant; ``allow`` suppresses findings for known-good texts; ``cache``
bounds how many findings of repeated short events are remembered.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from aimds.policy.fields import Glob, Regex, Section
from aimds.policy.sections.normalize import NormalizeSettings

__all__ = [
    "AllowList",
    "CacheSettings",
    "DetectorsSection",
    "InjectionSettings",
    "KindName",
    "Levels",
    "PartialLevels",
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


def _default_thresholds() -> dict[KindName, Levels]:
    user = Levels(warn=0.5, review=0.85, block=0.97)
    data = Levels(warn=0.3, review=0.6, block=0.85)
    return {
        "prompt": user,
        "completion": user,
        "tool_call": user,
        "tool_result": data,
        "message": data,
    }


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


class TenantDetectors(Section):
    """Per-tenant settings of the content detectors."""

    thresholds: dict[KindName, PartialLevels] = Field(default_factory=dict)


class DetectorsSection(Section):
    """Settings of the content detectors; every field has a safe default."""

    normalize: NormalizeSettings = Field(default_factory=NormalizeSettings)
    injection: InjectionSettings = Field(default_factory=InjectionSettings)
    thresholds: dict[KindName, Levels] = Field(default_factory=_default_thresholds)
    allow: AllowList = Field(default_factory=AllowList)
    cache: CacheSettings = Field(default_factory=CacheSettings)
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
