"""Prometheus metrics when ``prometheus-client`` is installed; a no-op otherwise.

Each :class:`PrometheusMetrics` owns its own ``CollectorRegistry`` (no global state), so
several guards in one process, and tests, never collide. The service mounts
``render()`` at ``/metrics``; library users can read ``registry`` directly.

=====================================  =======  ===========================
name                                   type     labels
=====================================  =======  ===========================
``aimds_decisions_total``              counter  ``verdict``, ``category``
``aimds_stage_latency_seconds``        histo    ``stage``
``aimds_audit_queue_depth``            gauge    -
``aimds_audit_records_total``          counter  -
``aimds_audit_dropped_total``          counter  ``reason``
``aimds_backend_failures_total``       counter  ``backend``
``aimds_sink_events_total``            counter  ``sink``, ``outcome``
``aimds_judge_answers_total``          counter  ``verdict``, ``source``
``aimds_judge_errors_total``           counter  ``reason``
=====================================  =======  ===========================

``category`` is ``none`` for a decision without findings; a decision with findings in
several categories counts once per category.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

__all__ = ["Metrics", "NoopMetrics", "PrometheusMetrics", "create_metrics"]

_LATENCY_BUCKETS = (
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
    0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
)


class Metrics(Protocol):
    def decision(self, verdict: str, categories: Iterable[str]) -> None: ...

    def stage_latency(self, stage: str, seconds: float) -> None: ...

    def latency_observer(self, stage: str) -> Callable[[float], None]:
        """A callable recording one latency (seconds) of ``stage``, bound once."""
        ...

    def queue_depth(self, depth: int) -> None: ...

    def records_written(self, n: int) -> None: ...

    def dropped(self, reason: str) -> None: ...

    def backend_failure(self, backend: str) -> None: ...

    def sink_event(self, sink: str, outcome: str, n: int = 1) -> None: ...

    def judge_answer(self, verdict: str, source: str) -> None:
        """One LLM judge answer (``source``: ``endpoint`` or ``cache``)."""
        ...

    def judge_error(self, reason: str) -> None:
        """One LLM judge failure, by reason (see ``aimds.judge.base.FAILURE_REASONS``)."""
        ...

    def render(self) -> bytes: ...


class NoopMetrics:
    """Accepts every call and records nothing."""

    registry: Any = None
    content_type = "text/plain; version=0.0.4; charset=utf-8"

    def decision(self, verdict: str, categories: Iterable[str]) -> None:
        return None

    def stage_latency(self, stage: str, seconds: float) -> None:
        return None

    def latency_observer(self, stage: str) -> Callable[[float], None]:
        return _ignore

    def queue_depth(self, depth: int) -> None:
        return None

    def records_written(self, n: int) -> None:
        return None

    def dropped(self, reason: str) -> None:
        return None

    def backend_failure(self, backend: str) -> None:
        return None

    def sink_event(self, sink: str, outcome: str, n: int = 1) -> None:
        return None

    def judge_answer(self, verdict: str, source: str) -> None:
        return None

    def judge_error(self, reason: str) -> None:
        return None

    def render(self) -> bytes:
        return b""


class PrometheusMetrics:
    """The metrics above in a registry of their own."""

    def __init__(self, registry: Any = None) -> None:
        import prometheus_client as prom

        self._prom = prom
        self.registry = registry if registry is not None else prom.CollectorRegistry()
        self.content_type: str = prom.CONTENT_TYPE_LATEST
        r = self.registry
        self._decision_children: dict[tuple[str, str], Any] = {}
        self._decisions = prom.Counter(
            "aimds_decisions", "Decisions by verdict and finding category",
            ["verdict", "category"], registry=r,
        )
        self._latency = prom.Histogram(
            "aimds_stage_latency_seconds", "Time spent per pipeline stage",
            ["stage"], buckets=_LATENCY_BUCKETS, registry=r,
        )
        self._depth = prom.Gauge("aimds_audit_queue_depth", "Audit records waiting", registry=r)
        self._written = prom.Counter("aimds_audit_records", "Audit records committed", registry=r)
        self._dropped = prom.Counter(
            "aimds_audit_dropped", "Audit records lost, by reason", ["reason"], registry=r
        )
        self._backend = prom.Counter(
            "aimds_backend_failures", "Backend failures", ["backend"], registry=r
        )
        self._sink = prom.Counter(
            "aimds_sink_events", "Security events per sink and outcome",
            ["sink", "outcome"], registry=r,
        )
        self._judge_answers = prom.Counter(
            "aimds_judge_answers", "LLM judge answers by verdict and source (endpoint, cache)",
            ["verdict", "source"], registry=r,
        )
        self._judge_errors = prom.Counter(
            "aimds_judge_errors", "LLM judge failures by reason", ["reason"], registry=r
        )

    def decision(self, verdict: str, categories: Iterable[str]) -> None:
        seen = False
        for category in categories:
            seen = True
            self._decision_counter(verdict, category).inc()
        if not seen:
            self._decision_counter(verdict, "none").inc()

    def _decision_counter(self, verdict: str, category: str) -> Any:
        """The labelled child, looked up once per pair (``labels()`` takes a lock)."""
        key = (verdict, category)
        child = self._decision_children.get(key)
        if child is None:
            child = self._decision_children[key] = self._decisions.labels(verdict, category)
        return child

    def stage_latency(self, stage: str, seconds: float) -> None:
        self._latency.labels(stage).observe(seconds)

    def latency_observer(self, stage: str) -> Callable[[float], None]:
        observe: Callable[[float], None] = self._latency.labels(stage).observe
        return observe

    def queue_depth(self, depth: int) -> None:
        self._depth.set(depth)

    def records_written(self, n: int) -> None:
        self._written.inc(n)

    def dropped(self, reason: str) -> None:
        self._dropped.labels(reason).inc()

    def backend_failure(self, backend: str) -> None:
        self._backend.labels(backend).inc()

    def sink_event(self, sink: str, outcome: str, n: int = 1) -> None:
        self._sink.labels(sink, outcome).inc(n)

    def judge_answer(self, verdict: str, source: str) -> None:
        self._judge_answers.labels(verdict, source).inc()

    def judge_error(self, reason: str) -> None:
        self._judge_errors.labels(reason).inc()

    def render(self) -> bytes:
        data: bytes = self._prom.generate_latest(self.registry)
        return data


def _ignore(seconds: float) -> None:
    return None


def create_metrics(*, enabled: bool = True) -> Metrics:
    """Prometheus metrics when the client is installed and ``enabled``; else a no-op."""
    if not enabled:
        return NoopMetrics()
    try:
        import prometheus_client  # noqa: F401
    except ImportError:
        return NoopMetrics()
    return PrometheusMetrics()
