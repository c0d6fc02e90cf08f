"""Policy section ``behavior``: state store, windows, attack sequences, data flow, baselines,
temporal rules, trust tiers and quarantine.

Only the shape is checked here; :mod:`aimds.behavior` compiles it (temporal rules included)
once per policy. Durations read ``"30s"``, ``"5m"``, ``"1h"``, ``"2d"`` or a number of seconds.
Every field has a safe default: the store is in-process memory, a backend failure fails
closed, and every named sequence is on.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from aimds.policy.fields import Glob, Section
from aimds.types import EventKind, Severity, Verdict

__all__ = [
    "BaselineSettings",
    "BehaviorSection",
    "BruteForce",
    "CommandSpam",
    "CredentialHarvest",
    "Duration",
    "Effects",
    "EventMatch",
    "Exfiltration",
    "ReconEscalation",
    "Sequences",
    "TemporalRule",
    "TierActions",
    "TrustSettings",
    "parse_duration",
]

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_MAX_DURATION = 30 * 86400.0
_ID = r"^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$"

TierName = Literal["untrusted", "probationary", "standard", "trusted", "verified"]


def parse_duration(value: Any) -> float:
    """Seconds of ``value`` (``"10m"``, ``"30s"``, ``90``); ``ValueError`` names the shape."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number of seconds or a string like '30s', '5m', '1h'")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (m := _DURATION.match(value)):
        seconds = float(m.group(1)) * _UNITS[m.group(2) or "s"]
    else:
        raise ValueError("a duration is a number of seconds or a string like '30s', '5m', '1h'")
    if not 0 < seconds <= _MAX_DURATION:
        raise ValueError("a duration must be above 0 and at most 30 days")
    return seconds


Duration = Annotated[float, BeforeValidator(parse_duration)]
"""Seconds, written as ``"30s"``, ``"5m"``, ``"1h"``, ``"2d"`` or a number."""


class _Pattern(Section):
    """What every named sequence shares: on/off, severity, verdict, optional own window."""

    enabled: bool = True
    severity: Severity = Severity.HIGH
    action: Verdict | None = Verdict.BLOCK
    window: Duration | None = None


class ReconEscalation(_Pattern):
    """ASA-B-001: ``min_recon`` distinct discovery actions, then a privilege change."""

    min_recon: int = Field(default=2, ge=1, le=1000)


class Exfiltration(_Pattern):
    """ASA-B-002: sensitive data read, then sent out (fingerprint match or secret in payload)."""

    severity: Severity = Severity.CRITICAL
    encodings: tuple[Literal["base64", "base32", "url", "hex"], ...] = (
        "base64",
        "base32",
        "url",
        "hex",
    )
    max_tokens: int = Field(default=256, ge=8, le=10_000)


class BruteForce(_Pattern):
    """ASA-B-003: ``min_failures`` failed logins, or ``min_credentials`` distinct credentials
    tried against one target, inside the window."""

    min_failures: int = Field(default=5, ge=2, le=10_000)
    min_credentials: int = Field(default=5, ge=2, le=10_000)


class CommandSpam(_Pattern):
    """ASA-B-004: ``min_identical`` near-identical *sends* (action types matching ``sends``:
    e-mails, chat messages, POSTs, uploads, pushes, payments) within ``burst``, or messages to
    ``min_recipients`` distinct recipients inside the window. Other repeated actions (polling
    ``ls``, a status GET, retries, bulk reads) count only with ``min_identical_other``; by
    default they are left to the rate budgets."""

    severity: Severity = Severity.HIGH
    burst: Duration = 60.0
    min_identical: int = Field(default=10, ge=2, le=100_000)
    min_identical_other: int | None = Field(default=None, ge=2, le=1_000_000)
    min_recipients: int = Field(default=10, ge=2, le=100_000)
    sends: tuple[Glob, ...] = (
        "email:send",
        "message:send",
        "net:http_post",
        "net:upload",
        "vcs:push",
        "payment:*",
    )


class CredentialHarvest(_Pattern):
    """ASA-B-005: reads of ``min_stores`` distinct credential stores inside the window."""

    severity: Severity = Severity.CRITICAL
    min_stores: int = Field(default=3, ge=2, le=1000)


class Sequences(Section):
    """Thresholds of the named attack sequences (see docs/behavior.md)."""

    recon_escalation: ReconEscalation = Field(default_factory=ReconEscalation)
    exfiltration: Exfiltration = Field(default_factory=Exfiltration)
    brute_force: BruteForce = Field(default_factory=BruteForce)
    command_spam: CommandSpam = Field(default_factory=CommandSpam)
    credential_harvest: CredentialHarvest = Field(default_factory=CredentialHarvest)


class BaselineSettings(Section):
    """Per-agent baselines. Findings are ``low`` with no action of their own by default, so the
    policy's severity map decides (``action: review`` turns them into a step-up). The
    first-use baseline remembers at most ``max_hosts`` destination hosts per agent (the least
    recently used is forgotten first)."""

    enabled: bool = True
    min_history: int = Field(default=50, ge=1, le=1_000_000)
    bucket: Duration = 60.0
    history_buckets: int = Field(default=30, ge=3, le=1440)
    z_threshold: float = Field(default=4.0, gt=0, le=100)
    min_spike: int = Field(default=10, ge=1)
    entropy_bits: float = Field(default=3.5, gt=0, le=16)
    entropy_min_events: int = Field(default=20, ge=2, le=10_000)
    first_use: bool = True
    max_hosts: int = Field(default=1000, ge=1, le=1_000_000)
    severity: Severity = Severity.LOW
    action: Verdict | None = None


class Effects(Section):
    """``injection.effect``: what a suspicious instruction planted in data made the agent do.

    A tool result or message with an injection finding at ``min_verdict`` or above has the
    values its instruction introduced (URLs, hosts, addresses, phone numbers, code, distinctive
    tokens) remembered as salted fingerprints for ``window``, with any reply language or
    encoding it asked for. Later events of the session are checked for them; each kind of
    effect has its verdict: ``tool_call`` (a call whose arguments carry such a value),
    ``completion`` (a reply repeating one), ``encoding`` (a reply carrying encoded text the
    user did not ask for), ``language`` (a reply switched to the requested language). At most
    ``max_values`` values per instruction and ``2 * max_results`` instructions per session
    are kept (the oldest half is dropped when full).
    """

    enabled: bool = True
    window: Duration = 3600.0
    min_verdict: Verdict = Verdict.WARN
    max_values: int = Field(default=64, ge=1, le=1024)
    max_results: int = Field(default=16, ge=1, le=1024)
    tool_call: Verdict = Verdict.BLOCK
    completion: Verdict = Verdict.REVIEW
    encoding: Verdict = Verdict.REVIEW
    language: Verdict = Verdict.WARN


class TrustSettings(Section):
    """Trust 0..1000 per agent; starts at ``initial``. A score above it fades back with
    ``half_life``, a penalised score below it recovers with ``recovery_half_life``; an event
    costs the penalty of its worst finding (see docs/behavior.md, "Trust")."""

    enabled: bool = True
    initial: float = Field(default=500.0, ge=0, le=1000)
    half_life: Duration = 86400.0
    recovery_half_life: Duration = 3600.0
    clean_gain: float = Field(default=1.0, ge=0, le=100)
    penalties: dict[Severity, float] = Field(
        default_factory=lambda: {
            Severity.LOW: 5.0,
            Severity.MEDIUM: 25.0,
            Severity.HIGH: 100.0,
            Severity.CRITICAL: 300.0,
        }
    )


class TierActions(Section):
    """Verdicts for agents of one trust tier: on ``outbound`` actions, or on ``any`` event."""

    outbound: Verdict | None = None
    any: Verdict | None = None


class EventMatch(Section):
    """Which events a temporal rule talks about; all given conditions must hold.

    ``type``, ``tool``: globs on the action type (``net:*``) and tool name; ``kind``: the
    event kind; ``tag``: an action tag; ``finding``: a finding category or rule id (glob) seen
    on the event; ``event``: a named event (``meta.event`` of the event, or a finding rule id,
    e.g. ``approval.granted``); ``outbound``: the action sends data out.
    """

    type: Glob | None = None
    tool: Glob | None = None
    kind: EventKind | None = None
    tag: str | None = None
    finding: Glob | None = None
    event: str | None = None
    outbound: bool | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> EventMatch:
        if all(getattr(self, name) is None for name in type(self).model_fields):
            raise ValueError(
                "an event match needs at least one of " + ", ".join(type(self).model_fields)
            )
        return self


class TemporalRule(Section):
    """One temporal rule, in one of three forms (checked when the rule compiles):

    * ``never: M, after: M, within: D`` - M1 may not follow M2 (within D).
    * ``require: M, before: M, within: D`` - M2 needs an earlier M1 (within D).
    * ``at_most: N, of: M, per: D`` - at most N events matching M per D.
    """

    id: str = Field(pattern=_ID)
    never: EventMatch | None = None
    after: EventMatch | None = None
    require: EventMatch | None = None
    before: EventMatch | None = None
    at_most: int | None = Field(default=None, ge=0, le=1_000_000)
    of: EventMatch | None = None
    per: Duration | None = None
    within: Duration | None = None
    scope: Literal["session", "agent", "tenant"] = "session"
    tiers: tuple[TierName, ...] = ()
    action: Verdict = Verdict.BLOCK
    severity: Severity = Severity.MEDIUM
    message: str = Field(default="", max_length=500)


class BehaviorSection(Section):
    """Settings of the stateful ``behavior`` stage (see docs/behavior.md)."""

    enabled: bool = True
    store: Literal["memory", "redis"] = "memory"
    redis_url: str | None = None
    timeout_ms: int = Field(default=50, ge=1, le=60_000)
    fail_mode: Literal["open", "closed"] = "closed"
    retry_after: Duration = 1.0
    window: Duration = 300.0
    scope: Literal["session", "agent"] = "session"
    state_ttl: Duration = 86400.0
    fingerprint_key: str | None = Field(default=None, min_length=16, repr=False)
    fingerprint_key_env: str = "AIMDS_FINGERPRINT_KEY"
    """Environment variable holding the fingerprint key (or ``<name>_FILE`` naming a file
    that holds it, e.g. a mounted secret); used when ``fingerprint_key`` is not set, so the
    key need not live in policy text. Every process sharing Redis needs the same key."""
    sequences: Sequences = Field(default_factory=Sequences)
    baselines: BaselineSettings = Field(default_factory=BaselineSettings)
    effects: Effects = Field(default_factory=Effects)
    trust: TrustSettings = Field(default_factory=TrustSettings)
    tiers: dict[TierName, TierActions] = Field(default_factory=dict)
    quarantine_on: tuple[str, ...] = ()
    temporal: list[TemporalRule] = Field(default_factory=list)
