"""The kill switch on a Prometheus ``/metrics`` page, read when scraped.

The switch counts its own store failures in a plain integer (``store_errors``) so the hot
path and the library need no metrics package; this collector turns that count into
Prometheus series at scrape time, so nothing is pushed per failure:

- ``aimds_kill_store_errors_total`` (counter): how often the kill store did not answer
  (a kill or revive not stored yet, a poll that failed). The kills known before hold, so
  rising errors mean "stale across processes", not "open".
- ``aimds_kill_store_down`` (gauge): 1 while the last poll of the store failed.
- ``aimds_kill_active`` (gauge): kill scopes in force in this process.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from aimds.kill.switch import KillSwitch

__all__ = ["KillSwitchCollector"]


class KillSwitchCollector:
    """A Prometheus collector of one :class:`KillSwitch` (register it on a registry)."""

    def __init__(self, switch: KillSwitch) -> None:
        self._switch = switch

    def collect(self) -> Iterator[Metric]:
        switch = self._switch
        yield CounterMetricFamily(
            "aimds_kill_store_errors",
            "Times the kill switch's store did not answer (kills held locally meanwhile)",
            value=switch.store_errors,
        )
        yield GaugeMetricFamily(
            "aimds_kill_store_down",
            "1 while the kill switch's last read of its store failed",
            value=1 if switch.store_down else 0,
        )
        yield GaugeMetricFamily(
            "aimds_kill_active", "Kill scopes in force in this process", value=switch.active_count
        )

    def describe(self) -> Iterator[Metric]:
        """Names only, so registering the collector does not read the switch."""
        yield CounterMetricFamily("aimds_kill_store_errors", "", value=0)
        yield GaugeMetricFamily("aimds_kill_store_down", "", value=0)
        yield GaugeMetricFamily("aimds_kill_active", "", value=0)
