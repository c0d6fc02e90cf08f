"""Policy section ``sensitive``: secrets, PII, prompt leaks, and what happens to them.

``actions`` chooses per event kind and finding category (``secret``, ``pii``,
``prompt_leak``) the verdict a finding asks for; a category not listed there lets the
severity map of ``decide`` choose. ``redaction`` chooses how a ``redact`` verdict rewrites
the text, per category or per rule id (``pii.email``).
"""

from __future__ import annotations

import enum
import re

from pydantic import Field, field_validator

from aimds.policy.fields import Regex, Section
from aimds.types import EventKind, Severity, Verdict

__all__ = [
    "CustomSecret",
    "PIIType",
    "PiiSettings",
    "PromptLeakSettings",
    "RedactionMode",
    "RedactionSettings",
    "SecretsSettings",
    "SensitiveSection",
    "SpotlightSettings",
    "VaultSettings",
]


class PIIType(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    US_SSN = "us_ssn"
    CREDIT_CARD = "credit_card"
    IBAN = "iban"
    IPV4 = "ipv4"
    IPV6 = "ipv6"
    DATE_OF_BIRTH = "date_of_birth"
    STREET_ADDRESS = "street_address"


class RedactionMode(enum.StrEnum):
    """``mask``: ``****``; ``placeholder``: ``<EMAIL_1>`` (stable within a decision);
    ``hash``: ``<EMAIL:1a2b3c4d5e6f>`` (keyed HMAC, so unlinkable across deployments);
    ``partial``: all but the last ``keep_last`` characters masked; ``pseudonymize``:
    ``<EMAIL_1>`` kept in a per-tenant, per-session vault so completions can be restored."""

    MASK = "mask"
    PLACEHOLDER = "placeholder"
    HASH = "hash"
    PARTIAL = "partial"
    PSEUDONYMIZE = "pseudonymize"


class CustomSecret(Section):
    """A deployment's own credential format (regex compiled with RE2, group ``v`` = secret)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    description: str = ""
    regex: Regex
    keywords: list[str] = Field(default_factory=list)
    min_entropy: float = Field(default=0.0, ge=0.0, le=8.0)
    severity: Severity = Severity.HIGH
    examples: list[str] = Field(default_factory=list)
    counterexamples: list[str] = Field(default_factory=list)


class SecretsSettings(Section):
    enabled: bool = True
    disabled_types: list[str] = Field(default_factory=list)
    min_entropy: float = Field(default=3.5, ge=0.0, le=8.0)
    """Bits per character a value behind a generic key name needs to count as a secret."""
    allow: list[Regex] = Field(default_factory=list)
    """Values (full match) that are never findings, e.g. a team's published test token."""
    custom: list[CustomSecret] = Field(default_factory=list)


class PiiSettings(Section):
    enabled: bool = True
    types: list[PIIType] = Field(default_factory=lambda: list(PIIType))
    allow_domains: list[str] = Field(default_factory=list)
    """E-mail domains that are not personal data here (on top of the reserved ones)."""
    allow: list[Regex] = Field(default_factory=list)
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)


class PromptLeakSettings(Section):
    enabled: bool = True
    min_chars: int = Field(default=60, ge=16, le=100_000)
    min_words: int = Field(default=12, ge=4, le=10_000)
    max_prompts: int = Field(default=64, ge=1, le=10_000)
    canary_severity: Severity = Severity.CRITICAL
    verbatim_severity: Severity = Severity.HIGH


class RedactionSettings(Section):
    default: RedactionMode = RedactionMode.PLACEHOLDER
    modes: dict[str, RedactionMode] = Field(default_factory=dict)
    """Mode per category (``secret``) or rule id (``pii.email``); the rule id wins."""
    keep_last: int = Field(default=4, ge=0, le=8)
    hash_key_env: str = Field(default="AIMDS_REDACTION_KEY", pattern=r"^[A-Z_][A-Z0-9_]*$")
    """Environment variable holding the HMAC key (read when the guard is built). Without
    it each guard draws a random key, so hashes are stable only within one process."""
    categories: list[str] = Field(default_factory=lambda: ["secret", "pii", "prompt_leak"])
    """Finding categories whose spans a ``redact`` verdict rewrites."""


class VaultSettings(Section):
    max_sessions: int = Field(default=10_000, ge=1, le=10_000_000)
    max_entries: int = Field(default=1_000, ge=1, le=1_000_000)
    """Values kept per tenant+session; the oldest go first."""
    ttl_seconds: float = Field(default=3600.0, gt=0)


class SpotlightSettings(Section):
    """Marking of tool results so the model can tell data from instructions."""

    mode: str = Field(default="off", pattern=r"^(off|delimit|datamark)$")
    marker: str = Field(default="^", min_length=1, max_length=4)


def _default_actions() -> dict[EventKind, dict[str, Verdict]]:
    return {
        EventKind.PROMPT: {"secret": Verdict.REDACT, "pii": Verdict.ALLOW},
        EventKind.MESSAGE: {"secret": Verdict.REDACT, "pii": Verdict.ALLOW},
        EventKind.TOOL_CALL: {
            "secret": Verdict.BLOCK,
            "pii": Verdict.WARN,
            "prompt_leak": Verdict.BLOCK,
        },
        EventKind.TOOL_RESULT: {"secret": Verdict.REDACT, "pii": Verdict.REDACT},
        EventKind.COMPLETION: {
            "secret": Verdict.REDACT,
            "pii": Verdict.REDACT,
            "prompt_leak": Verdict.BLOCK,
        },
    }


class SensitiveSection(Section):
    """Settings of the secrets, PII and prompt-leak detectors and of redaction."""

    secrets: SecretsSettings = Field(default_factory=SecretsSettings)
    pii: PiiSettings = Field(default_factory=PiiSettings)
    prompt_leak: PromptLeakSettings = Field(default_factory=PromptLeakSettings)
    actions: dict[EventKind, dict[str, Verdict]] = Field(default_factory=_default_actions)
    redaction: RedactionSettings = Field(default_factory=RedactionSettings)
    vault: VaultSettings = Field(default_factory=VaultSettings)
    spotlight: SpotlightSettings = Field(default_factory=SpotlightSettings)
    max_scan_chars: int = Field(default=1_000_000, ge=1_000, le=100_000_000)
    """Text beyond this many characters is not scanned (an ``input.too_large`` finding)."""

    @field_validator("actions")
    @classmethod
    def _known_categories(
        cls, value: dict[EventKind, dict[str, Verdict]]
    ) -> dict[EventKind, dict[str, Verdict]]:
        for kind, table in value.items():
            if kind in (EventKind.MEMORY_WRITE, EventKind.MEMORY_READ):
                raise ValueError(
                    f"actions.{kind.value}: memory content is scanned as a tool_result (or, "
                    "written from a trusted provenance, as a prompt); set those actions "
                    "(docs/memory-events.md)"
                )
            for category in table:
                if not re.fullmatch(r"secret|pii|prompt_leak", category):
                    raise ValueError(
                        f"actions.{kind.value}: unknown category {category!r} "
                        "(use secret, pii or prompt_leak)"
                    )
        return value

    def action(self, kind: EventKind, category: str) -> Verdict | None:
        return self.actions.get(kind, {}).get(category)
