"""Per-stage observation: ``aimds_stage_latency_seconds{stage}`` and OpenTelemetry spans.

The guard asks :func:`build_observer` once, when it is built. With nothing to report to it
gets ``None`` and runs its plain stage loop, so an unobserved guard pays nothing. Reports
go to:

- the metrics injected with ``Services(extras={"metrics": create_metrics()})``: one
  histogram observation per stage (label ``stage``: ``inputs``, ``normalize``...);
- OpenTelemetry, when ``opentelemetry`` is installed (``pip install 'aimds[otel]'``) and
  either a tracer is injected (``extras={"tracer": provider.get_tracer("aimds")}``) or the
  application has set a global tracer provider before building the guard: one
  ``aimds.check`` span per event with one ``aimds.stage.<name>`` child per stage.

Span attributes carry names, kinds, verdicts and counts only — never scanned text,
arguments or finding messages. A stage that raises gets an error status on its span and
is handled by the guard exactly as without observation (the decision fails closed).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from aimds.audit.metrics import Metrics
from aimds.halt import plan
from aimds.types import Evaluation, Services, Stage

__all__ = ["StageObserver", "build_observer", "global_tracer"]

Failed = Callable[[Evaluation, Stage, Exception], None]


class StageObserver:
    """Runs the stages of one guard, timing each and tracing when a tracer is set."""

    __slots__ = ("_status", "_timed", "_tracer")

    def __init__(
        self, stages: Sequence[Stage], *, metrics: Metrics | None, tracer: Any | None
    ) -> None:
        def _ignore(seconds: float) -> None:
            return None

        self._timed = tuple(
            (
                stage,
                _stage_name(stage),
                metrics.latency_observer(_stage_name(stage)) if metrics is not None else _ignore,
                tail,
            )
            for stage, tail in zip(stages, plan(stages), strict=True)
        )
        self._tracer = tracer
        self._status: Any = None
        if tracer is not None:
            from opentelemetry.trace import Status, StatusCode

            self._status = Status(StatusCode.ERROR, "the stage raised; the guard failed closed")

    def run(self, ev: Evaluation, failed: Failed) -> None:
        """Run every stage on ``ev``; a stage that raises goes to ``failed``."""
        if self._tracer is None:
            clock = time.perf_counter_ns
            for stage, _, observe, tail in self._timed:
                start = clock()
                try:
                    stage(ev)
                except Exception as exc:  # noqa: BLE001 - the guard turns it into a finding
                    failed(ev, stage, exc)
                observe((clock() - start) / 1e9)
                if tail is not None and ev.halted:  # see aimds.halt
                    ev.statuses.extend(tail.skipped)
                    for i in tail.run:
                        stage, _, observe, _ = self._timed[i]
                        start = clock()
                        try:
                            stage(ev)
                        except Exception as exc:  # noqa: BLE001 - as above
                            failed(ev, stage, exc)
                        observe((clock() - start) / 1e9)
                    return
            return
        self._run_traced(ev, failed)

    def _run_traced(self, ev: Evaluation, failed: Failed) -> None:
        tracer: Any = self._tracer
        event = ev.event
        attributes = {
            "aimds.kind": event.kind.value,
            "aimds.tenant": event.subject.tenant,
            "aimds.agent": event.subject.agent,
        }
        if event.tool:
            attributes["aimds.tool"] = event.tool
        clock = time.perf_counter_ns
        with tracer.start_as_current_span("aimds.check", attributes=attributes) as check:
            order: Sequence[int] = range(len(self._timed))
            position = 0
            while position < len(order):
                index = order[position]
                position += 1
                stage, name, observe, tail = self._timed[index]
                with tracer.start_as_current_span(f"aimds.stage.{name}") as span:
                    before = len(ev.findings)
                    start = clock()
                    try:
                        stage(ev)
                    except Exception as exc:  # noqa: BLE001 - the guard turns it into a finding
                        failed(ev, stage, exc)
                        span.set_status(self._status)
                        span.set_attribute("aimds.error", type(exc).__name__)
                    observe((clock() - start) / 1e9)
                    span.set_attribute("aimds.findings", len(ev.findings) - before)
                if tail is not None and ev.halted:  # see aimds.halt: only the tail runs on
                    ev.statuses.extend(tail.skipped)
                    order = tail.run
                    position = 0
                    check.set_attribute("aimds.halted_at", name)
            check.set_attribute("aimds.verdict", ev.verdict.value)
            check.set_attribute("aimds.risk", ev.risk.value)
            check.set_attribute("aimds.findings", len(ev.findings))
            rules = sorted({f.rule for f in ev.findings})
            if rules:
                check.set_attribute("aimds.rules", rules)


def _stage_name(stage: Stage) -> str:
    return str(getattr(stage, "name", type(stage).__name__))


def global_tracer() -> Any | None:
    """The application's OpenTelemetry tracer for ``aimds``, or ``None`` when the package
    is not installed or no SDK tracer provider has been set (spans would go nowhere)."""
    try:
        from opentelemetry import trace
    except ImportError:
        return None
    provider = trace.get_tracer_provider()
    if isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider):
        return None
    return provider.get_tracer("aimds")


def build_observer(stages: Sequence[Stage], services: Services) -> StageObserver | None:
    """The observer for a guard's stages, or ``None`` when there is nothing to report to.

    ``services.extras["metrics"]`` (a :class:`~aimds.audit.metrics.Metrics`) turns on the
    per-stage histogram; ``services.extras["tracer"]`` (an OpenTelemetry tracer) or a
    global tracer provider turns on spans; ``extras["tracer"] = None`` turns spans off
    even when a global provider is set.
    """
    metrics = services.extras.get("metrics")
    tracer = services.extras["tracer"] if "tracer" in services.extras else global_tracer()
    if metrics is None and tracer is None:
        return None
    return StageObserver(stages, metrics=metrics, tracer=tracer)
