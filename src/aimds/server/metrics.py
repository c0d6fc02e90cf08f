"""Prometheus metrics of one service process, in its own registry (no global state)."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

__all__ = ["ServiceMetrics"]


class ServiceMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.decisions = Counter(
            "aimds_decisions_total", "Decisions made, by verdict and event kind",
            ["verdict", "kind"], registry=self.registry,
        )
        self.latency = Histogram(
            "aimds_decision_seconds", "Guard time per decision",
            buckets=(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5),
            registry=self.registry,
        )
        self.rejected = Counter(
            "aimds_http_rejected_total", "Requests refused before judging, by reason",
            ["reason"], registry=self.registry,
        )
        self.approvals = Counter(
            "aimds_approval_transitions_total", "Approval requests by new status",
            ["status"], registry=self.registry,
        )
        self.sse_subscribers = Gauge(
            "aimds_sse_subscribers", "Open live-event streams", registry=self.registry
        )
        self._decided: dict[tuple[str, str], Any] = {}

    def decided(self, verdict: str, kind: str, latency_us: float) -> None:
        """Count one decision (the labelled child is looked up once per verdict and kind)."""
        child = self._decided.get((verdict, kind))
        if child is None:
            child = self._decided[(verdict, kind)] = self.decisions.labels(verdict, kind)
        child.inc()
        self.latency.observe(latency_us / 1e6)

    def render(self) -> bytes:
        return generate_latest(self.registry)
