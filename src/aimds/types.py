"""Core types of AIMDS: who acts, what crosses the boundary, what was found, what was decided.

This module imports nothing of ours; every other room imports it. All result types are
frozen, slotted, keyword-only dataclasses so they are cheap to build and safe to share.

The per-call :class:`Evaluation` is the one mutable object: the guard creates one for each
event and passes it through the stages, each of which appends findings to it. A stage is
anything that satisfies :class:`Stage`.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "ActionInfo",
    "Decision",
    "Evaluation",
    "Event",
    "EventKind",
    "Finding",
    "Services",
    "Severity",
    "Stage",
    "StageStatus",
    "StageOutcome",
    "Subject",
    "Verdict",
]


class _Ordered(str, enum.Enum):
    """A string enum ordered by declaration: later members are stronger."""

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def __lt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return _RANKS[self] < _RANKS[other]

    def __le__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return _RANKS[self] <= _RANKS[other]

    def __gt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return _RANKS[self] > _RANKS[other]

    def __ge__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return _RANKS[self] >= _RANKS[other]

    def __str__(self) -> str:
        return str(self.value)


class Verdict(_Ordered):
    """What happens to the event. Ordered: the strictest verdict of all findings wins."""

    ALLOW = "allow"
    WARN = "warn"
    REDACT = "redact"
    REVIEW = "review"
    BLOCK = "block"

    @property
    def permits(self) -> bool:
        """True where the event may take effect without a human (allow, warn, redact)."""
        return self is not Verdict.REVIEW and self is not Verdict.BLOCK


class Severity(_Ordered):
    """How bad a finding is. Ordered: info < low < medium < high < critical."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


_RANKS: dict[Any, int] = {m: i for i, m in enumerate(Verdict)} | {
    m: i for i, m in enumerate(Severity)
}


class EventKind(str, enum.Enum):
    """What crosses the agent's boundary."""

    PROMPT = "prompt"
    COMPLETION = "completion"
    TOOL_CALL = "tool_call"
    TOOL_RESULT = "tool_result"
    MESSAGE = "message"
    MEMORY_WRITE = "memory_write"
    MEMORY_READ = "memory_read"

    def __str__(self) -> str:
        return self.value


class StageOutcome(str, enum.Enum):
    """How a stage ran; kept apart from the verdict so an error never reads as "allowed"."""

    OK = "ok"
    SKIPPED = "skipped"
    DEGRADED = "degraded"
    ERROR = "error"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True, kw_only=True)
class Subject:
    """Who acts. With nothing given, the caller is an anonymous ``expert`` of tenant ``default``."""

    tenant: str = "default"
    agent: str = "anonymous"
    role: str = "expert"
    session: str = "default"
    user: str | None = None


DEFAULT_SUBJECT = Subject()


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One thing crossing the boundary.

    ``ts`` is the event's own time in seconds since the epoch; ``None`` means "now" and is
    filled from the guard's clock, so recorded traces replay with the timing they had.
    """

    kind: EventKind
    subject: Subject = DEFAULT_SUBJECT
    text: str = ""
    tool: str | None = None
    args: Mapping[str, Any] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)
    ts: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """Something a stage noticed.

    ``rule`` is a stable dotted id (``secret.github_token``, ``ASA-B-002``); ``category`` a
    stable family (``injection``, ``secret``, ``scope``, ``input``, ``error``...).
    ``action`` is the verdict the source rule asks for; ``None`` lets the policy map the
    severity to a verdict. ``hard`` findings come from hard rules that nothing may override.
    ``evidence`` is always already redacted; raw matched text never goes here.
    ``span`` is a ``(start, end)`` code-point range in the event's original text.
    """

    rule: str
    category: str
    severity: Severity
    message: str
    confidence: float = 1.0
    span: tuple[int, int] | None = None
    evidence: str | None = None
    action: Verdict | None = None
    hard: bool = False
    stage: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class StageStatus:
    """How one stage ran for one event."""

    stage: str
    outcome: StageOutcome
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionInfo:
    """What a tool call does, classified by the rules stage (``category:action`` type)."""

    type: str
    risk: Severity
    resources: tuple[str, ...] = ()
    destructive: bool = False
    outbound: bool = False
    tags: frozenset[str] = frozenset()

    @property
    def category(self) -> str:
        return self.type.partition(":")[0]


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """The guard's answer for one event."""

    id: str
    verdict: Verdict
    risk: Severity
    score: float
    findings: tuple[Finding, ...] = ()
    text: str | None = None
    args: Mapping[str, Any] | None = None
    approval: str | None = None
    policy: str = ""
    latency_us: float = 0.0
    kind: EventKind | None = None
    subject: Subject | None = None
    action: ActionInfo | None = None
    stages: tuple[StageStatus, ...] = ()

    @property
    def allowed(self) -> bool:
        """True where the event may take effect (allow, warn or redact)."""
        return self.verdict.permits

    @property
    def rules(self) -> tuple[str, ...]:
        """The ids of the rules that produced findings, in order, without repeats."""
        return tuple(dict.fromkeys(f.rule for f in self.findings))

    @property
    def errors(self) -> tuple[StageStatus, ...]:
        return tuple(s for s in self.stages if s.outcome is StageOutcome.ERROR)

    def explain(self) -> str:
        """A short account for humans: the verdict, which rules fired and why, what to do."""
        head = f"{self.verdict.value.upper()} (risk {self.risk.value}, score {self.score:.2f})"
        if self.action is not None:
            head += f" for {self.action.type}"
        lines = [head + f" under policy {self.policy}"]
        if not self.findings:
            lines.append("  no rule objected")
        for f in self.findings:
            flag = " [hard]" if f.hard else ""
            act = f" -> {f.action.value}" if f.action is not None else ""
            lines.append(f"  - {f.rule} ({f.category}, {f.severity.value}{act}){flag}: {f.message}")
        for s in self.stages:
            if s.outcome is not StageOutcome.OK:
                lines.append(f"  ! stage {s.stage} {s.outcome.value}: {s.detail}")
        lines.append("  next: " + _ADVICE[self.verdict])
        if self.approval:
            lines.append(f"  approval request: {self.approval}")
        return "\n".join(lines)


_ADVICE = {
    Verdict.ALLOW: "nothing to do.",
    Verdict.WARN: "the event may proceed; the findings are logged for review.",
    Verdict.REDACT: "proceed with the redacted text or arguments in this decision.",
    Verdict.REVIEW: "a human approver must decide before this event takes effect.",
    Verdict.BLOCK: "do not let this event take effect; change the request or the policy.",
}


@dataclass(slots=True, kw_only=True)
class Services:
    """Injected clock, id source and shared backends, so tests and replays are deterministic."""

    clock: Callable[[], float] = time.time
    new_id: Callable[[], str] | None = None
    store: Any = None
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True, kw_only=True)
class Evaluation:
    """The per-call scratch pad that stages read and append to.

    ``args`` starts as the event's arguments; the input check replaces it with a sanitised
    copy (bounded depth and size, no cycles) that later stages may walk safely. ``views`` is
    set by the normalize stage (text views for detectors); ``action`` by the rules stage;
    ``verdict``, ``risk`` and ``score`` by decide; ``text`` and ``redacted_args`` (the
    mitigated text and arguments) by respond. ``halted`` is set by a stage after which
    judging is pointless (``kill``): the guard then runs only the stages that make the
    event safe to record, decide, mitigate and audit it (see :mod:`aimds.halt`).
    """

    event: Event
    ts: float
    findings: list[Finding] = field(default_factory=list)
    statuses: list[StageStatus] = field(default_factory=list)
    views: Any = None
    action: ActionInfo | None = None
    verdict: Verdict = Verdict.BLOCK
    risk: Severity = Severity.INFO
    score: float = 0.0
    args: Mapping[str, Any] = field(default_factory=dict)
    text: str | None = None
    redacted_args: Mapping[str, Any] | None = None
    approval: str | None = None
    scratch: dict[str, Any] = field(default_factory=dict)
    halted: bool = False

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: Sequence[Finding]) -> None:
        self.findings.extend(findings)


@runtime_checkable
class Stage(Protocol):
    """One step of the pipeline. It reads the evaluation and appends findings.

    A stage must not raise on bad input: it reports an ``input.*`` or ``backend.*``
    finding instead. Should it raise all the same, the guard records an error finding
    that the policy's ``on_error`` verdict decides (closed by default).
    """

    name: str

    def __call__(self, ev: Evaluation) -> None: ...
