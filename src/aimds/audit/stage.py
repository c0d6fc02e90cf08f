"""The ``record`` stage: the last step of the pipeline, writing the finished evaluation.

It is built when the policy enables ``audit``, when the application injects a log
(``Services(extras={"audit": AuditLog(...)})``) or a metrics object
(``extras={"metrics": create_metrics()}``). Decisions are counted into the injected
metrics, else the injected log's ``metrics``, else (a log the policy section built) new
Prometheus metrics. It sets ``ev.scratch["decision_id"]`` (the
guard uses it for the decision) so the record and the decision share one id.

Failures never raise: an unhealthy store (async) or a failed commit (sync) adds a
``backend.unavailable`` finding whose verdict ``audit.on_failure`` sets (``block`` by
default) and marks the stage degraded.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from aimds.audit.log import AuditLog, RecordStatus
from aimds.audit.metrics import Metrics, NoopMetrics, create_metrics
from aimds.audit.writer import SubmitStatus
from aimds.types import Evaluation, Finding, Severity, StageOutcome, StageStatus, Verdict

if TYPE_CHECKING:
    from collections.abc import Callable

    from aimds.policy import Policy
    from aimds.types import Services, Stage

__all__ = ["AuditStage", "build_stage"]

BACKEND_UNAVAILABLE = "backend.unavailable"

_now_ns = time.perf_counter_ns


class AuditStage:
    """Records each evaluation and counts it in the metrics."""

    name = "record"

    def __init__(
        self,
        *,
        audit: AuditLog | None,
        owns_audit: bool,
        policy_label: str,
        on_failure: str,
        metrics: Metrics,
        new_id: Callable[[], str],
    ) -> None:
        self.audit = audit
        self._owns = owns_audit
        self._policy = policy_label
        self._fail_verdict = Verdict.BLOCK if on_failure == "block" else Verdict.ALLOW
        self._metrics = metrics
        self._counted = not isinstance(metrics, NoopMetrics)
        self._observe_pipeline = metrics.latency_observer("pipeline")
        self._new_id = new_id
        # With a store, the stage queues the job :meth:`AuditLog.record` would queue on the
        # writer itself, through the writer's direct path (see AuditWriter.direct): no call
        # per decision while the queue has room.
        self._writer = audit.writer if audit is not None else None

    def __call__(self, ev: Evaluation) -> None:
        scratch = ev.scratch
        decision_id = scratch.get("decision_id")
        if not decision_id:
            decision_id = scratch["decision_id"] = self._new_id()
        start_ns = scratch.get("start_ns")
        latency_us = (_now_ns() - start_ns) / 1000.0 if start_ns else 0.0
        writer = self._writer
        if writer is not None:
            if not writer.healthy:
                self._failed(ev, "the audit store is failing; records are being retried")
            # aimds.audit.records.decision_job, inline (a call per decision is measurable).
            event = ev.event
            job: tuple[object, ...] = (
                event.kind, event.subject, event.text, event.tool, ev.args or None,
                event.meta or None, ev.ts, ev.findings or (), ev.statuses or (), ev.action,
                ev.verdict, ev.risk, ev.score or 0.0, decision_id, self._policy, latency_us,
            )
            queue = writer.queue
            if writer.direct and len(queue) < writer.queue_limit:
                queue.append(job)
                if len(queue) == writer.batch_size:
                    writer.kick()
            else:
                status, detail = writer.submit(job)
                if status is not SubmitStatus.QUEUED and status is not SubmitStatus.COMMITTED:
                    self._not_written(ev, status is SubmitStatus.FAILED, detail)
        elif self.audit is not None:  # sinks only: built and sent on this thread
            result = self.audit.record(
                ev, decision_id=decision_id, policy=self._policy, latency_us=latency_us
            )
            if not result.ok:
                self._not_written(ev, result.status is RecordStatus.FAILED, result.detail)
        if self._counted:
            self._metrics.decision(ev.verdict.value, {f.category for f in ev.findings})
            if latency_us:
                self._observe_pipeline(latency_us / 1e6)

    def _not_written(self, ev: Evaluation, failed: bool, detail: str) -> None:
        if failed:
            self._failed(ev, "the audit record could not be committed")
        else:
            ev.statuses.append(
                StageStatus(stage=self.name, outcome=StageOutcome.DEGRADED,
                            detail=f"audit record dropped: {detail}")
            )

    def _failed(self, ev: Evaluation, detail: str) -> None:
        if any(f.rule == BACKEND_UNAVAILABLE and f.stage == self.name for f in ev.findings):
            return
        ev.findings.append(
            Finding(
                rule=BACKEND_UNAVAILABLE,
                category="error",
                severity=Severity.HIGH,
                message=detail,
                action=self._fail_verdict,
                stage=self.name,
                details={"backend": "audit"},
            )
        )
        ev.statuses.append(StageStatus(stage=self.name, outcome=StageOutcome.ERROR, detail=detail))
        if self._fail_verdict > ev.verdict:
            ev.verdict = self._fail_verdict
        if ev.risk < Severity.HIGH:
            ev.risk = Severity.HIGH

    def flush(self, timeout: float | None = None) -> bool:
        return self.audit.flush(timeout) if self.audit is not None else True

    def close(self) -> None:
        """Close a log this stage built; only flush an injected one (its owner closes it)."""
        if self.audit is None:
            return
        if self._owns:
            self.audit.close()
        else:
            self.audit.flush()


def build_stage(policy: Policy, services: Services) -> Stage | None:
    """The stage for this policy, or ``None`` where nothing is audited or measured."""
    section = policy.document.audit
    injected = services.extras.get("audit")
    metrics = services.extras.get("metrics")
    if injected is None and not section.enabled and metrics is None:
        return None
    audit: AuditLog | None
    if isinstance(injected, AuditLog):
        # An injected log brings the application's metrics choice with it (its own
        # ``metrics``); counting into a registry nobody can read would only cost time.
        metrics = metrics if metrics is not None else injected.metrics
        audit, owns = injected, False
    elif section.enabled:
        metrics = metrics if metrics is not None else create_metrics()
        audit, owns = AuditLog.from_section(section, metrics=metrics), True
    else:
        metrics = metrics if metrics is not None else NoopMetrics()
        audit, owns = None, False
    return AuditStage(
        audit=audit,
        owns_audit=owns,
        policy_label=policy.label,
        on_failure=section.on_failure,
        metrics=metrics,
        new_id=services.new_id or _random_id,
    )


def _random_id() -> str:
    """128 random bits as 32 hex digits: the guard's own decision id source (the shape
    of ``uuid4().hex`` at a fifth of its cost, on every audited decision)."""
    return os.urandom(16).hex()
