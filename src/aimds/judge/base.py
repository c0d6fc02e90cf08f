"""What the judge is asked, what it answers, how it fails, and the protocol a judge meets.

A :class:`Judge` answers a :class:`JudgeRequest` with a :class:`JudgeAnswer` or raises
:class:`JudgeFailed` naming one of :data:`FAILURE_REASONS`. The HTTP client
(:mod:`aimds.judge.client`), the replay stubs and recorders (:mod:`aimds.judge.replay`) and
any test double meet the same protocol; the stage (:mod:`aimds.judge.stage`) turns answers
and failures into findings.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from aimds.errors import AimdsError

__all__ = [
    "FAILURE_REASONS",
    "Judge",
    "JudgeAnswer",
    "JudgeFailed",
    "JudgeRequest",
    "VerdictName",
]

VerdictName = Literal["attack", "benign"]

FAILURE_REASONS = (
    "timeout",  # no complete answer within timeout_s (slow server, slow stream, no slot)
    "http",  # the endpoint answered with a status other than 2xx
    "transport",  # connection refused, reset, DNS, TLS
    "bad_answer",  # not a chat completion, or its content is not the JSON object asked for
    "refusal",  # the model refused (a refusal field, or finish_reason content_filter)
    "overloaded",  # max_concurrency calls in flight for the whole timeout
    "unavailable",  # the breaker is open after repeated failures
    "config",  # the env var named by api_key_env is not set
    "not_recorded",  # replay playback: no recorded answer for this request
    "internal",  # a judge implementation raised something other than JudgeFailed
)


@dataclass(frozen=True, slots=True, kw_only=True)
class JudgeRequest:
    """The data or action under review and the user's task it should serve.

    ``text`` is what the judge reads: the event's text, or the rendered tool call.
    ``task`` is the user's request when known (``meta["user_request"]`` or the session's
    last prompt), else ``None``.
    """

    kind: str
    text: str
    task: str | None = None
    tool: str | None = None
    action: str | None = None

    @property
    def digest(self) -> str:
        """sha256 of (task, kind, tool, action, text): names a request without its text
        (replay recordings are keyed by it)."""
        return _sha256(
            "request", self.task or "", self.kind, self.tool or "", self.action or "", self.text
        )

    def cache_key(self, policy_label: str) -> str:
        """sha256 of (policy label, task, kind, tool, action, text): two policies never
        share answers. One pass over the text (this runs on every cache lookup)."""
        return _sha256(
            "cache",
            policy_label,
            self.task or "",
            self.kind,
            self.tool or "",
            self.action or "",
            self.text,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class JudgeAnswer:
    """The judge's verdict, its confidence (0..1) and its reason (model text, bounded)."""

    verdict: VerdictName
    confidence: float
    reason: str = ""

    @property
    def attack(self) -> bool:
        return self.verdict == "attack"


class JudgeFailed(AimdsError):
    """The judge gave no usable answer. ``reason`` is one of :data:`FAILURE_REASONS`;
    the message describes the failure (status, exception type), never the request text,
    the answer's text or a credential."""

    def __init__(self, reason: str, detail: str) -> None:
        if reason not in FAILURE_REASONS:
            raise ValueError(f"unknown judge failure reason {reason!r}")
        self.reason = reason
        self.detail = detail
        super().__init__(f"judge {reason}: {detail}")


@runtime_checkable
class Judge(Protocol):
    """Anything that answers judge requests. ``ask`` and ``aask`` mean exactly the same;
    both raise :class:`JudgeFailed` and nothing else, and return within ``timeout_s``."""

    def ask(self, request: JudgeRequest, *, timeout_s: float) -> JudgeAnswer: ...

    async def aask(self, request: JudgeRequest, *, timeout_s: float) -> JudgeAnswer: ...

    def close(self) -> None: ...


def _sha256(*parts: str) -> str:
    """sha256 of the parts, each prefixed by its length (no two tuples share a digest)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(b"%d:" % len(data))
        h.update(data)
    return h.hexdigest()
