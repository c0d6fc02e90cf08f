"""The ``judge`` stage: between ``behavior`` and ``decide``, asks the LLM judge when in doubt.

Per event: :class:`~aimds.judge.gate.Gate` says whether to ask (never when the fast gates
already block); the request (the event's text, or the rendered tool call, with the user's
task from :class:`~aimds.judge.tasks.TaskMemory`) is looked up in the answer cache, else
sent to the judge, with the values of ``redact_categories`` findings (secrets) masked
(:mod:`aimds.judge.redact`). The stage only ever appends findings:

- ``judge.attack`` (verdict ``attack_verdict``, block by default) when the judge answers
  ``attack`` with at least ``min_confidence``; its ``details`` carry the judge's
  ``reason`` and ``confidence`` (the reason is model text about the reviewed data, so it is
  kept out of the finding's message, which the audit log records);
- ``judge.error`` (verdict ``on_error``) when the judge gives no usable answer; logged at
  error level (reason and a description, never the event's text or the API key), at most
  once per reason every :data:`LOG_EVERY_S` seconds with a count of the ones in between,
  and counted in metrics (``aimds_judge_errors_total{reason}``).

``decide`` takes the strictest verdict, so the judge can raise a decision but never lower
one. The stage never raises: anything unexpected from a judge implementation is a
``judge.error`` too.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aimds.judge.base import Judge, JudgeAnswer, JudgeFailed, JudgeRequest
from aimds.judge.cache import AnswerCache
from aimds.judge.gate import Gate
from aimds.judge.redact import mask_args, mask_text
from aimds.judge.tasks import TaskMemory
from aimds.types import (
    Evaluation,
    EventKind,
    Finding,
    Severity,
    StageOutcome,
    StageStatus,
    Verdict,
)

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.policy.sections.judge import JudgeSection
    from aimds.types import Services

__all__ = ["ATTACK", "ERROR", "JUDGE_KEY", "LOG_EVERY_S", "JudgeStage", "build_stage"]

log = logging.getLogger("aimds.judge")

ATTACK = "judge.attack"
ERROR = "judge.error"
JUDGE_KEY = "judge"
"""``Services.extras`` key of a :class:`~aimds.judge.base.Judge` to use instead of the HTTP
client the policy describes (replays, tests); the stage does not close an injected judge."""
LOG_EVERY_S = 10.0
_STAGE = "judge"
_ERROR_SEVERITY = {
    Verdict.ALLOW: Severity.LOW,
    Verdict.REVIEW: Severity.MEDIUM,
    Verdict.BLOCK: Severity.HIGH,
}


class JudgeStage:
    """Thread-safe: the cache, the task memory and the log limiter hold their own locks."""

    name = _STAGE

    def __init__(
        self,
        section: JudgeSection,
        *,
        gate: Gate,
        judge: Judge,
        owns_judge: bool,
        policy_label: str,
        metrics: Any = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.judge = judge
        self._owns_judge = owns_judge
        self._gate = gate
        self._label = policy_label
        self._timeout = section.timeout_s
        self._redact = frozenset(section.redact_categories)
        self._min_confidence = section.min_confidence
        self._attack_verdict = Verdict(section.attack_verdict)
        self._on_error = section.error_verdict
        self._attack_severity = (
            Severity.HIGH if self._attack_verdict is Verdict.BLOCK else Severity.MEDIUM
        )
        self.cache = AnswerCache(
            size=section.cache_size, ttl_s=section.cache_ttl_s, monotonic=monotonic
        )
        self.tasks = TaskMemory(monotonic=monotonic)
        # prompts are remembered as tasks only when the judge may see other kinds
        self._remember_tasks = any(k is not EventKind.PROMPT for k in gate.kinds)
        self._count_answer = getattr(metrics, "judge_answer", None)
        self._count_error = getattr(metrics, "judge_error", None)
        self._monotonic = monotonic
        self._log_lock = threading.Lock()
        self._logged: dict[str, tuple[float, int]] = {}
        self._warned_loop = False

    def __call__(self, ev: Evaluation) -> None:
        event = ev.event
        verdict, why = self._gate.select(event.kind, ev.findings, ev.action)
        if self._remember_tasks and event.kind is EventKind.PROMPT and verdict is not Verdict.BLOCK:
            self.tasks.remember(event)
        if why is None:
            return
        request = self._request(ev)
        if request is None:
            return
        key = request.cache_key(self._label)
        answer = self.cache.get(key)
        source = "cache"
        if answer is None:
            source = "endpoint"
            if not self._warned_loop:
                self._warn_if_on_loop()
            try:
                answer = self.judge.ask(request, timeout_s=self._timeout)
            except JudgeFailed as failure:
                self._failed(ev, failure, why)
                return
            except Exception as exc:  # noqa: BLE001 - a judge must not crash the guard
                self._failed(ev, JudgeFailed("internal", type(exc).__name__), why)
                return
            if not isinstance(answer, JudgeAnswer):
                self._failed(ev, JudgeFailed("internal", "the judge returned no answer"), why)
                return
            self.cache.put(key, answer)
        self._answered(ev, answer, source, why)

    def close(self) -> None:
        if self._owns_judge:
            self.judge.close()

    # -- internals -------------------------------------------------------------------------

    def _request(self, ev: Evaluation) -> JudgeRequest | None:
        event = ev.event
        action = ev.action.type if ev.action is not None else None
        if event.kind is EventKind.TOOL_CALL:
            text = _render_call(event.tool, mask_args(ev.args, ev.findings, self._redact))
        elif event.text:
            text = mask_text(event.text, ev.findings, self._redact)
        else:
            return None
        return JudgeRequest(
            kind=event.kind.value,
            text=text,
            task=self.tasks.task_for(event),
            tool=event.tool,
            action=action,
        )

    def _answered(self, ev: Evaluation, answer: JudgeAnswer, source: str, why: str) -> None:
        if self._count_answer is not None:
            self._count_answer(answer.verdict, source)
        detail = f"asked ({why}): {answer.verdict} {answer.confidence:.2f} from {source}"
        ev.statuses.append(StageStatus(stage=_STAGE, outcome=StageOutcome.OK, detail=detail))
        if not answer.attack or answer.confidence < self._min_confidence:
            return
        ev.findings.append(
            Finding(
                rule=ATTACK,
                category="judge",
                severity=self._attack_severity,
                confidence=answer.confidence,
                message=(
                    f"the LLM judge answered attack (confidence {answer.confidence:.2f}; "
                    f"asked because: {why})"
                ),
                action=self._attack_verdict,
                stage=_STAGE,
                details={
                    "reason": answer.reason,
                    "confidence": answer.confidence,
                    "source": source,
                    "asked": why,
                },
            )
        )

    def _failed(self, ev: Evaluation, failure: JudgeFailed, why: str) -> None:
        if self._count_error is not None:
            self._count_error(failure.reason)
        self._log_failure(ev, failure)
        message = (
            f"the LLM judge gave no usable answer ({failure.reason}: {failure.detail}); "
            f"judge.on_error: {self._on_error.value}"
        )
        ev.statuses.append(StageStatus(stage=_STAGE, outcome=StageOutcome.ERROR, detail=message))
        ev.findings.append(
            Finding(
                rule=ERROR,
                category="error",
                severity=_ERROR_SEVERITY[self._on_error],
                message=message,
                action=self._on_error,
                stage=_STAGE,
                details={"reason": failure.reason, "asked": why},
            )
        )

    def _warn_if_on_loop(self) -> None:
        """Warn once when a sync check waits on the judge on a thread running an event loop
        (the loop stalls for up to ``timeout_s``; ``await guard.acheck()`` avoids it)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        self._warned_loop = True
        log.warning(
            "guard.check() is waiting on the LLM judge on a thread that runs an asyncio event "
            "loop, which stalls for up to judge.timeout_s; use `await guard.acheck(...)`"
        )

    def _log_failure(self, ev: Evaluation, failure: JudgeFailed) -> None:
        """Error-level log, at most once per reason every ``LOG_EVERY_S`` seconds."""
        now = self._monotonic()
        with self._log_lock:
            last, skipped = self._logged.get(failure.reason, (-LOG_EVERY_S, 0))
            if now - last < LOG_EVERY_S:
                self._logged[failure.reason] = (last, skipped + 1)
                return
            self._logged[failure.reason] = (now, 0)
        more = f" ({skipped} more since the last report)" if skipped else ""
        log.error(
            "LLM judge failed (%s: %s) on a %s event of tenant %s; judge.on_error=%s applied%s",
            failure.reason,
            failure.detail,
            ev.event.kind.value,
            ev.event.subject.tenant,
            self._on_error.value,
            more,
        )


def _render_call(tool: str | None, args: Any) -> str:
    """A tool call as the judge reads it: the tool's name and its (sanitised) arguments."""
    try:
        rendered = json.dumps(args, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        rendered = repr(args)
    return f"{tool or '?'}({rendered})"


def build_stage(policy: Policy, services: Services) -> JudgeStage | None:
    """The judge stage when ``judge.enabled`` and ``judge.mode`` is not ``off``, else
    ``None`` (the pipeline then pays nothing for it)."""
    section = policy.document.judge
    if not section.active:
        return None
    injected = services.extras.get(JUDGE_KEY)
    if injected is not None:
        judge: Judge = injected
        owns = False
    else:
        from aimds.judge.client import OpenAIJudge

        judge = OpenAIJudge.from_section(section)
        owns = True
    return JudgeStage(
        section,
        gate=Gate(policy),
        judge=judge,
        owns_judge=owns,
        policy_label=policy.label,
        metrics=services.extras.get("metrics"),
    )
