"""OCSF mapping validated against the vendored Detection Finding schema; sinks deliver."""

from __future__ import annotations

import http.server
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from aimds.audit.ocsf import load_schema, record_to_ocsf
from aimds.audit.sinks import JsonlSink, StdoutSink, WebhookSink
from aimds.types import Finding, Severity, Verdict

VALIDATOR = jsonschema.Draft202012Validator(load_schema())


def _f(category: str, severity: Severity = Severity.HIGH) -> Finding:
    return Finding(rule=f"{category}.x", category=category, severity=severity, message="m")


@pytest.mark.parametrize(
    ("verdict", "findings", "etype", "action_id"),
    [
        (Verdict.ALLOW, (), "evaluation.allowed", 1),
        (Verdict.BLOCK, (_f("error"),), "evaluation.blocked", 2),
        (Verdict.BLOCK, (_f("sequence"),), "behavior.pattern_detected", 2),
        (Verdict.BLOCK, (_f("scope"),), "scope.violation", 2),
        (Verdict.WARN, (_f("injection", Severity.MEDIUM),), "content.policy_violation", 1),
        (Verdict.REVIEW, (_f("tool"),), "approval.requested", 2),
        (Verdict.ALLOW, (_f("pii", Severity.INFO),), "evaluation.allowed", 1),
    ],
)
def test_decisions_map_to_valid_detection_findings(
    make_log: Any, kit: Any, verdict: Verdict, findings: Any, etype: str, action_id: int
) -> None:
    log = make_log()
    log.record(kit.make_eval(verdict=verdict, findings=findings), decision_id="d", policy="p@1")
    [rec] = list(log.query())
    event = record_to_ocsf(rec.data(), seq=rec.seq)
    VALIDATOR.validate(event)
    assert event["class_uid"] == 2004 and event["type_uid"] == 200401
    assert event["finding_info"]["types"] == [etype]
    assert event["aimds"]["event_type"] == etype and event["action_id"] == action_id


@pytest.mark.parametrize(
    ("type_", "data", "disposition"),
    [
        ("approval.requested", {"approval": "a1"}, 99),
        ("approval.resolved", {"approval": "a1", "status": "approved"}, 1),
        ("approval.resolved", {"approval": "a1", "status": "denied"}, 2),
        ("quarantine", {"reason": "ASA-B-002"}, 3),
    ],
)
def test_events_map_to_valid_detection_findings(
    make_log: Any, type_: str, data: dict[str, Any], disposition: int
) -> None:
    log = make_log()
    assert log.append_event(type_, data=data).ok
    [rec] = list(log.query())
    event = record_to_ocsf(rec.data())
    VALIDATOR.validate(event)
    assert event["disposition_id"] == disposition and event["aimds"]["event_type"] == type_


def test_schema_rejects_an_event_missing_required_fields() -> None:
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate({"class_uid": 2004, "category_uid": 2})


def test_jsonl_sink_rotates(tmp_path: Path) -> None:
    sink = JsonlSink(tmp_path / "events.jsonl", max_bytes=1024, backups=2)
    for i in range(60):
        sink.emit([{"severity_id": 1, "n": i, "pad": "x" * 40}])
    sink.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["events.jsonl", "events.jsonl.1", "events.jsonl.2"]
    assert all(p.stat().st_size <= 1024 for p in tmp_path.iterdir())


def test_stdout_sink_filters_by_severity() -> None:
    out = io.StringIO()
    StdoutSink(stream=out, min_severity=4).emit([{"severity_id": 1}, {"severity_id": 4}])
    assert [json.loads(line)["severity_id"] for line in out.getvalue().splitlines()] == [4]


class _Receiver(http.server.BaseHTTPRequestHandler):
    batches: list[list[Any]] = []
    fail_first = 0

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if type(self).fail_first > 0:
            type(self).fail_first -= 1
            self.send_response(503)
            self.end_headers()
            return
        type(self).batches.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture()
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Handler", (_Receiver,), {"batches": [], "fail_first": 2})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    server.shutdown()
    server.server_close()


def test_webhook_batches_and_retries(receiver: tuple[str, type[_Receiver]]) -> None:
    url, handler = receiver
    sink = WebhookSink(url, batch=10, retries=3, backoff_s=0.01)
    sink.emit([{"severity_id": 1, "n": i} for i in range(25)])
    assert sink.flush(10)
    sink.close()
    got = [e["n"] for batch in handler.batches for e in batch]
    assert got == list(range(25)) and max(len(b) for b in handler.batches) <= 10
    assert sink.dropped == 0


def test_webhook_never_blocks_and_counts_overflow() -> None:
    sink = WebhookSink("http://127.0.0.1:9/unreachable", buffer=5, retries=0, backoff_s=0.01,
                       timeout_s=0.2)
    sink.emit([{"severity_id": 1, "n": i} for i in range(50)])
    sink.close()
    assert sink.dropped >= 45 and sink.sent == 0


def test_log_sends_committed_records_to_sinks(make_log: Any, kit: Any, tmp_path: Path) -> None:
    path = tmp_path / "ocsf.jsonl"
    log = make_log(sinks=[JsonlSink(path)])
    log.record(kit.make_eval(verdict=Verdict.BLOCK, findings=(kit.secret_finding(),)),
               decision_id="d1", policy="p")
    log.close()
    [event] = [json.loads(line) for line in path.read_text().splitlines()]
    VALIDATOR.validate(event)
    assert event["aimds"]["event_type"] == "content.policy_violation"
    assert event["aimds"]["seq"] == 1
