"""Issue 13: what the detectors flag never reaches the audit log in clear, wherever it was:
in a tool call's arguments (``audit.store_events``), the session id or the tool name."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import aimds
from aimds.audit.ocsf import record_to_ocsf
from aimds.audit.records import InputDigester, Masker, RecordBuilder, event_record, loads_body
from aimds.types import Evaluation, Event, EventKind, Finding, Severity, Subject

# A GitLab personal access token: the secrets detector knows its format, the audit log's
# built-in patterns do not.
TOKEN = "glpat-" + "Zq8xYv3Kp2Lm9Nw4Rt6B"


def _raw(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists())


def test_flagged_secret_in_an_argument_is_masked_with_store_events(tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    guard = aimds.Guard.from_policy(
        {"extends": "default", "audit": {"enabled": True, "db": str(db), "store_events": True}}
    )
    decision = guard.check_tool_call(
        "http_post", {"url": "https://example.com/x", "body": f"note {TOKEN} end"}
    )
    guard.close()
    assert "secret.gitlab_pat" in decision.rules
    assert TOKEN.encode() not in _raw(db)
    (body,) = sqlite3.connect(db).execute("SELECT body FROM audit_records").fetchone()
    event = json.loads(body)["event"]
    assert event["args"]["url"] == "https://example.com/x"  # the rest stays readable
    assert event["args"]["body"].startswith("note [MASKED:")


def test_argument_spans_come_from_their_own_argument() -> None:
    """A finding's span points into the argument its ``arg_path`` names (nested too), and
    an argument a finding names without a span is masked whole."""
    value = "x-secret-value-123"
    found = [
        Finding(rule="secret.custom", category="secret", severity=Severity.HIGH, message="m",
                span=(2, len(value)), details={"arg_path": "headers.auth"}),
        Finding(rule="pii.name", category="pii", severity=Severity.LOW, message="m",
                details={"arg_path": "items.1"}),
    ]
    args = {"headers": {"auth": value}, "items": ["keep", "Jane Roe"], "other": value}
    masked = Masker().args(args, found)
    assert masked["headers"]["auth"] == "x-[MASKED:secret]"
    assert masked["items"] == ["keep", "[MASKED:pii]"]
    assert masked["other"] == value  # no finding there, nothing the patterns know


def test_text_masking_ignores_argument_spans() -> None:
    finding = Finding(rule="secret.x", category="secret", severity=Severity.HIGH, message="m",
                      span=(0, 4), details={"arg_path": "a"})
    assert Masker().text("hello world", [finding]) == "hello world"


def _decision_body(subject: Subject, tool: str | None) -> dict[str, Any]:
    ev = Evaluation(
        event=Event(kind=EventKind.TOOL_CALL, subject=subject, tool=tool, args={TOKEN: "v"}),
        ts=1_700_000_000.0,
    )
    builder = RecordBuilder(masker=Masker(), digester=InputDigester(b"k" * 32))
    body: dict[str, Any] = loads_body(builder.decision(ev, "d1", "p@1", 1.0).body)
    return body


def test_session_tool_and_argument_names_are_masked() -> None:
    body = _decision_body(Subject(tenant="acme", agent="a1", session=TOKEN), TOKEN)
    text = json.dumps(body)
    assert TOKEN not in text
    assert body["subject"]["session"].startswith("[MASKED:")
    assert body["tool"].startswith("[MASKED:")
    ocsf = json.dumps(record_to_ocsf(body, seq=1))
    assert TOKEN not in ocsf


def test_ordinary_session_and_tool_stay_readable() -> None:
    body = _decision_body(Subject(tenant="acme", agent="a1", session="s-42"), "shell")
    assert body["subject"]["session"] == "s-42" and body["tool"] == "shell"


def test_event_records_mask_the_session() -> None:
    rec = event_record("quarantine", record_id="r1", subject=Subject(session=TOKEN),
                       data={}, masker=Masker())
    assert TOKEN not in rec.body



def test_phone_numbers_are_masked() -> None:
    masker = Masker()
    for phone in ("+1 (555) 123-4567", "tel:5551234567", "call 0044 20 7946 0958 now"):
        masked = masker.text(phone)
        assert "[MASKED:" in masked and "4567" not in masked and "0958" not in masked


_HEX = "0123456789abcdef"


@settings(max_examples=300)
@given(st.sampled_from([16, 32, 64]), st.integers(0, 4), st.data())
def test_hex_ids_and_digests_stay_readable(length: int, at: int, data: st.DataObject) -> None:
    """A key id, digest or record id whose hex holds ten digits in a row is no phone number:
    operators correlate records by them (identity key ids were masked about one time in
    twenty)."""
    run = data.draw(st.text("0123456789", min_size=10, max_size=length - 6))
    rest = data.draw(st.text(_HEX, min_size=length - len(run), max_size=length - len(run)))
    ident = rest[:at] + "c" + run + "d" + rest[at + 2:]
    masker = Masker()
    assert masker.text(ident) == ident
    assert masker.text(f"record {ident} stored") == f"record {ident} stored"
