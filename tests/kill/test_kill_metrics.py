"""The kill switch's store failures, outage state and active kills on the service's
/metrics, with Prometheus names."""

from __future__ import annotations

import re
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest

from aimds.errors import BackendError
from aimds.kill import KillRecord, KillSwitch
from aimds.kill.metrics import KillSwitchCollector
from aimds.kill.stage import switch_of


class DownStore:
    """A kill store whose database is unreachable (every call fails like the SQL one)."""

    def load(self) -> list[KillRecord]:
        raise BackendError("database error: OperationalError")

    def put(self, record: KillRecord) -> None:
        raise BackendError("database error: OperationalError")

    def delete(self, key: tuple[str, str]) -> KillRecord | None:
        raise BackendError("database error: OperationalError")


def _value(text: str, name: str) -> float:
    found = re.search(rf"^{name} ([0-9.e+-]+)$", text, re.M)
    assert found is not None, f"{name} not exported"
    return float(found.group(1))


def test_store_failures_are_exported_on_the_service_metrics(service: Any) -> None:
    metrics = service.client.get("/metrics").text
    assert _value(metrics, "aimds_kill_store_errors_total") == 0
    assert _value(metrics, "aimds_kill_store_down") == 0
    assert "# TYPE aimds_kill_store_errors_total counter" in metrics

    switch = switch_of(service.app.state.aimds.services)
    real = switch.store
    assert real is not None
    switch.attach(DownStore())  # type: ignore[arg-type]
    assert not switch.refresh()  # a poll during the outage
    r = service.client.post(
        "/v1/agents/bot-1/kill", json={"reason": "incident 42"}, headers=service.h("admin")
    )
    assert r.status_code == 200, r.text
    assert service.verdict("agent")[0] == "block"  # the kill holds without its store

    metrics = service.client.get("/metrics").text
    # the poll and the kill's write failed; the switch's background retry of the unstored
    # kill may have failed once more by now, so the count is at least those two
    errors = _value(metrics, "aimds_kill_store_errors_total")
    assert errors >= 2
    assert _value(metrics, "aimds_kill_store_down") == 1
    assert _value(metrics, "aimds_kill_active") == 1

    switch.attach(real)
    assert switch.refresh()
    metrics = service.client.get("/metrics").text
    assert _value(metrics, "aimds_kill_store_down") == 0
    assert _value(metrics, "aimds_kill_store_errors_total") >= errors  # a counter never goes back


def test_the_collector_reads_the_switch_when_scraped() -> None:
    switch = KillSwitch()
    registry = CollectorRegistry()
    registry.register(KillSwitchCollector(switch))
    switch.store_errors = 5
    switch.kill(tenant="acme", reason="r")
    text = generate_latest(registry).decode()
    assert _value(text, "aimds_kill_store_errors_total") == 5
    assert _value(text, "aimds_kill_active") == 1
