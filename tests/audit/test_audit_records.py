"""Records are masked: canary secrets and PII never reach the database, logs or sinks."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.audit.records import (
    InputDigester,
    Masker,
    MaskingError,
    RecordBuilder,
    decision_record,
    event_record,
    index_columns,
    index_prefix,
    loads_body,
)
from aimds.types import Evaluation, Event, EventKind, Finding, Severity, Subject, Verdict

MASK_CASES = [
    ("mail me at bob.smith@example.com today", "bob.smith@example.com"),
    ("key AKIAABCDEFGHIJKLMNOP here", "AKIAABCDEFGHIJKLMNOP"),
    ("Authorization: Bearer abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz"),
    ("password = hunter2hunter2", "hunter2hunter2"),
    ("card 4111 1111 1111 1111 exp", "4111 1111 1111 1111"),
    ("call +1 (555) 123-4567 now", "123-4567"),
    ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
]

HARD_NEGATIVES = [
    "the meeting is in room 42 at 10am",
    "version 2.3.1 released in 2024",
    "ratio 3:2 and x = 4",
]


@pytest.mark.parametrize(("text", "secret"), MASK_CASES)
def test_masker_hides_secrets_and_pii(text: str, secret: str) -> None:
    masked = Masker().text(text)
    assert secret not in masked and "[MASKED:" in masked


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_masker_leaves_ordinary_text_readable(text: str) -> None:
    masked = Masker().text(text)
    assert "room 42" in masked or "2024" in masked or "ratio" in masked


def test_masker_masks_detector_spans_and_sensitive_keys() -> None:
    m = Masker(sensitive_keys=["password"], patterns=[r"acct-\d+"])
    f = Finding(rule="r", category="pii", severity=Severity.LOW, message="m", span=(6, 11))
    assert m.text("hello world acct-991", [f]) == "hello [MASKED:pii] [MASKED:custom0]"
    assert m.value({"user": "x", "DB_PASSWORD": "s3cret", "n": [1, {"password": 2}]}) == {
        "user": "x",
        "DB_PASSWORD": "[MASKED]",
        "n": [1, {"password": "[MASKED]"}],
    }


def test_digest_is_keyed_and_stable() -> None:
    a, b = InputDigester(b"a" * 32), InputDigester(b"b" * 32)
    d1 = a.digest(kind="prompt", tool=None, text="x", args={})
    assert d1 == a.digest(kind="prompt", tool=None, text="x", args={})
    assert d1 != b.digest(kind="prompt", tool=None, text="x", args={})


@settings(max_examples=150, deadline=None)
@given(key=st.binary(max_size=100), text=st.text(max_size=40),
       tool=st.none() | st.text(max_size=8),
       args=st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=3))
def test_digest_is_standard_hmac_sha256(
    key: bytes, text: str, tool: str | None, args: dict[str, Any]
) -> None:
    """The precomputed-pad digest equals the stdlib HMAC, for keys shorter and longer than
    the SHA-256 block, so old records' digests still match new ones."""
    payload = f"prompt\x00{tool or ''}\x00{text}"
    if args:
        payload += "\x00" + json.dumps(args, sort_keys=True, ensure_ascii=False, default=repr)
    expected = hmac.new(key, payload.encode("utf-8", "replace"), hashlib.sha256).hexdigest()
    got = InputDigester(key).digest(kind="prompt", tool=tool, text=text, args=args)
    assert got == expected


def test_record_never_holds_raw_input(kit: Any) -> None:
    ev = kit.make_eval(text=f"use {kit.canary} and mail eve@corp.example")
    rec = decision_record(ev, decision_id="1", policy="p", latency_us=1.0, masker=Masker(),
                          digester=InputDigester(b"k" * 32), store_event=True)
    assert kit.canary not in rec.body and "eve@corp.example" not in rec.body
    assert '"text_len":' in rec.body and '"digest":' in rec.body


def test_masking_failure_drops_the_record_and_counts_it(
    make_log: Any, kit: Any, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(Masker):
        def text(self, text: str, findings: Any = ()) -> str:
            raise MaskingError("boom")

    log = make_log(masker=Broken())
    with caplog.at_level(logging.ERROR, logger="aimds.audit"):
        ev = kit.make_eval(text=kit.canary, findings=(kit.secret_finding(),))
        log.record(ev, decision_id="x", policy="p")
        log.flush()
    assert log.store.count() == 0
    assert log.stats()["dropped"] == {"masking_failed": 1}
    assert kit.canary not in caplog.text


def test_canary_never_reaches_the_database_file(make_log: Any, kit: Any) -> None:
    log = make_log(store_events=True)
    ev = kit.make_eval(text=f"my key is {kit.canary}", findings=(kit.secret_finding(),))
    log.record(ev, decision_id="c", policy="p")
    log.append_event("approval.requested", data={"note": f"key={kit.canary}"})
    log.close()
    files = [Path(log.store.url), Path(log.store.url + "-wal")]
    raw = b"".join(p.read_bytes() for p in files if p.exists())
    assert kit.canary.encode() not in raw
    db = sqlite3.connect(log.store.url)
    rows = db.execute("SELECT body FROM audit_records").fetchall()
    db.close()
    assert len(rows) == 2


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=150, deadline=None)
@given(
    tenant=_TEXT, agent=_TEXT, rules=st.lists(st.sampled_from(["a.b", "c", "ASA-B-002"])),
    ts=st.floats(min_value=0, max_value=4e9), verdict=st.sampled_from(list(Verdict)),
)
def test_index_columns_follow_from_the_body(
    tenant: str, agent: str, rules: list[str], ts: float, verdict: Verdict
) -> None:
    """The columns a record is stored with are exactly what its body implies, and the
    body leads with them (what verify's fast path relies on)."""
    ev = Evaluation(event=Event(kind=EventKind.TOOL_CALL, tool="t", args={"k": 1},
                                subject=Subject(tenant=tenant, agent=agent)), ts=ts)
    ev.verdict = verdict
    ev.findings.extend(Finding(rule=r, category="c", severity=Severity.LOW, message="m")
                       for r in rules)
    builder = RecordBuilder(masker=Masker(), digester=InputDigester(b"k" * 32))
    other = event_record("approval.resolved", record_id="r", subject=Subject(tenant=tenant),
                         data={"x": 1}, masker=Masker(), ts=ts, verdict="block", rules=rules)
    for rec in (builder.decision(ev, "id-1", "p@1", 2.0), other):
        columns = (rec.chain, rec.ts, rec.type, rec.decision_id, rec.agent, rec.verdict,
                   rec.rules)
        assert index_columns(loads_body(rec.body)) == columns
        assert rec.body.encode().startswith(index_prefix(columns))
