"""Request and response bodies of the HTTP API (pydantic: this is the edge).

Every request model forbids unknown fields, so nothing in a body can switch a check off:
there is simply no field that would. Sizes are bounded here and by the body limit.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ApprovalOut",
    "BatchIn",
    "BatchOut",
    "CheckIn",
    "DecisionOut",
    "DetectIn",
    "EvaluateIn",
    "MitigateIn",
    "MitigateOut",
    "PolicyOut",
    "ResolveIn",
    "SubjectIn",
]

_NAME = r"^[A-Za-z0-9_.:@-]{1,128}$"
Kind = Literal["prompt", "completion", "tool_call", "tool_result", "message"]
TextKind = Literal["prompt", "completion", "tool_result", "message"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SubjectIn(_In):
    """Who acts. An agent credential may only name itself; missing fields come from it."""

    tenant: str | None = Field(default=None, pattern=_NAME)
    agent: str | None = Field(default=None, pattern=_NAME)
    role: str | None = Field(default=None, pattern=_NAME)
    session: str | None = Field(default=None, max_length=256)
    user: str | None = Field(default=None, max_length=256)


class CheckIn(_In):
    """Any event. ``wait`` (seconds) holds a ``review`` answer until a human decides."""

    kind: Kind
    subject: SubjectIn = Field(default_factory=SubjectIn)
    text: str = Field(default="", max_length=1_000_000)
    tool: str | None = Field(default=None, max_length=256)
    args: dict[str, Any] = Field(default_factory=dict)
    meta: dict[str, Any] = Field(default_factory=dict)
    wait: float = Field(default=0.0, ge=0, le=3600)


class DetectIn(_In):
    text: str = Field(max_length=1_000_000)
    kind: TextKind = "prompt"
    subject: SubjectIn = Field(default_factory=SubjectIn)


class EvaluateIn(_In):
    tool: str = Field(min_length=1, max_length=256)
    args: dict[str, Any] = Field(default_factory=dict)
    subject: SubjectIn = Field(default_factory=SubjectIn)
    meta: dict[str, Any] = Field(default_factory=dict)
    wait: float = Field(default=0.0, ge=0, le=3600)


class MitigateIn(_In):
    text: str = Field(max_length=1_000_000)
    kind: TextKind = "tool_result"
    tool: str | None = Field(default=None, max_length=256)
    subject: SubjectIn = Field(default_factory=SubjectIn)


class BatchIn(_In):
    items: list[CheckIn] = Field(min_length=1, max_length=100)


class ResolveIn(_In):
    reason: str = Field(min_length=1, max_length=1000)


class QuarantineIn(_In):
    reason: str = Field(default="quarantined by an administrator", min_length=1, max_length=500)


class FindingOut(BaseModel):
    rule: str
    category: str
    severity: str
    confidence: float
    message: str
    action: str | None = None
    hard: bool | None = None
    span: list[int] | None = None
    evidence: str | None = None
    stage: str | None = None
    details: dict[str, Any] | None = None


class DecisionOut(BaseModel):
    id: str
    verdict: Literal["allow", "warn", "redact", "review", "block"]
    risk: str
    score: float
    categories: list[str]
    rules: list[str]
    findings: list[FindingOut]
    policy: str
    latency_us: float
    kind: str | None = None
    subject: dict[str, Any] | None = None
    action: dict[str, Any] | None = None
    text: str | None = None
    args: dict[str, Any] | None = None
    approval: str | None = None
    stages: list[dict[str, Any]] | None = None


class MitigateOut(BaseModel):
    text: str
    changed: bool
    decision: DecisionOut


class BatchOut(BaseModel):
    results: list[DecisionOut]


class ApprovalOut(BaseModel):
    id: str
    tenant: str
    agent: str
    requester: str
    kind: str
    tool: str | None
    action: str | None
    digest: str
    rules: list[str]
    risk: str
    decision_id: str
    policy: str
    created: float
    expires: float
    on_expiry: str
    status: Literal["pending", "approved", "denied", "expired"]
    verdict: str
    approver: str | None
    reason: str | None
    decided: float | None


class PolicyOut(BaseModel):
    name: str
    version: int
    label: str
    active: bool
    text: str | None = None
    scope: Literal["tenant", "global", "pack"] = "global"
    tenant: str | None = None


class ErrorOut(BaseModel):
    error: str
    detail: Any = None
