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

from aimds.audit import records
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


_FINDINGS = st.lists(
    st.builds(
        Finding,
        rule=st.sampled_from(["secret.api_key", "pii.email", "ASA-B-002"]),
        category=st.sampled_from(["secret", "pii", "scope"]),
        severity=st.sampled_from(list(Severity)),
        message=st.sampled_from(["an API key", "mail bob@corp.example", "scope"]),
        confidence=st.floats(min_value=0, max_value=1),
        action=st.none() | st.sampled_from(list(Verdict)),
        hard=st.booleans(),
        stage=st.sampled_from(["", "detectors"]),
        evidence=st.none() | st.just("sk-l****"),
    ),
    max_size=3,
)


def _reference_body(ev: Evaluation, digest: str, store_event: bool) -> dict[str, Any]:
    """Schema v1 as the module docstring describes it, built the plain way."""
    masker = Masker()
    ts = round(ev.ts, 6)
    rules = [f.rule for f in ev.findings]
    joined = f" {' '.join(dict.fromkeys(rules))} " if rules else ""
    body: dict[str, Any] = {
        "_index": [ev.event.subject.tenant, round(ts * 1e6), "decision", "d-1",
                   ev.event.subject.agent, ev.verdict.value, joined],
        "v": 1, "type": "decision", "id": "d-1", "ts": ts,
        "subject": {"tenant": ev.event.subject.tenant, "agent": ev.event.subject.agent,
                    "role": ev.event.subject.role,
                    "session": masker.text(ev.event.subject.session),
                    "user": masker.text(ev.event.subject.user) if ev.event.subject.user
                    is not None else None},
        "kind": ev.event.kind.value,
        "tool": masker.text(ev.event.tool) if ev.event.tool is not None else None,
        "input": {"digest": digest, "key_id": InputDigester(b"k" * 32).key_id,
                  "text_len": len(ev.event.text), "arg_keys": sorted(ev.event.args)},
        "verdict": ev.verdict.value, "risk": ev.risk.value, "score": ev.score,
        "findings": [
            {"rule": f.rule, "category": f.category, "severity": f.severity.value,
             "confidence": round(f.confidence, 4), "message": masker.text(f.message),
             **({"action": f.action.value} if f.action is not None else {}),
             **({"hard": True} if f.hard else {}), **({"stage": f.stage} if f.stage else {}),
             **({"evidence": masker.text(f.evidence)} if f.evidence is not None else {})}
            for f in ev.findings
        ],
        "policy": "p@1",
        "stages": [{"stage": s.stage, "outcome": s.outcome.value,
                    "detail": masker.text(s.detail)}
                   for s in ev.statuses],
        "latency_us": round(12.34, 1),
    }
    if ev.action is not None:
        body["action"] = {"type": ev.action.type, "risk": ev.action.risk.value,
                          "destructive": ev.action.destructive,
                          "outbound": ev.action.outbound}
    if store_event:
        body["event"] = {"text": masker.text(ev.event.text, ev.findings),
                         "args": masker.args(ev.event.args, ev.findings), "meta": {}}
    return body


@settings(max_examples=200, deadline=None)
@given(
    found=_FINDINGS,
    ts=st.floats(min_value=0, max_value=4e9),
    tool=st.none() | st.just("shell"),
    args=st.dictionaries(st.sampled_from(["cmd", "path", "token"]), st.text(max_size=8),
                         max_size=2),
    user=st.none() | st.just("eve@corp.example"),
    action=st.booleans(),
    statuses=st.booleans(),
    store_event=st.booleans(),
)
def test_decision_body_is_schema_v1_in_canonical_json(
    found: list[Finding], ts: float, tool: str | None, args: dict[str, str],
    user: str | None, action: bool, statuses: bool, store_event: bool,
) -> None:
    """The writer's one-frame builder writes exactly schema v1: the same content as a
    plain reference construction (time within its microsecond, digest equal to
    :meth:`InputDigester.digest`), serialised with sorted keys and no spaces, so records
    written before and after it read, verify and replay alike."""
    from aimds.types import ActionInfo, StageOutcome, StageStatus

    ev = Evaluation(
        event=Event(kind=EventKind.TOOL_CALL if tool else EventKind.PROMPT, tool=tool,
                    args=args, text="mail bob@corp.example",
                    subject=Subject(tenant="acme", agent="a1", user=user)),
        ts=ts,
        args=args,
    )
    ev.findings.extend(found)
    if statuses:
        ev.statuses.append(StageStatus(stage="judge", outcome=StageOutcome.SKIPPED,
                                       detail="token=abc123"))
    if action:
        ev.action = ActionInfo(type="shell:exec", risk=Severity.HIGH, destructive=True)
    digester = InputDigester(b"k" * 32)
    rec = RecordBuilder(masker=Masker(), digester=digester, store_event=store_event).decision(
        ev, "d-1", "p@1", 12.34
    )
    body = loads_body(rec.body)
    digest = digester.digest(kind=ev.event.kind.value, tool=tool, text=ev.event.text,
                             args=args)
    expected = _reference_body(ev, digest, store_event)
    assert abs(body["ts"] - expected["ts"]) <= 2e-6 and abs(body["_index"][1] - expected[
        "_index"][1]) <= 1
    body["ts"], body["_index"][1] = expected["ts"], expected["_index"][1]
    # confidences are rounded to 4 places; on an exact tie the builder may round the other
    # way than round() (see records._rounded)
    for got, want in zip(body["findings"], expected["findings"], strict=True):
        assert abs(got["confidence"] - want["confidence"]) <= 1.0001e-4
        got["confidence"] = want["confidence"]
    assert body == expected
    assert rec.body == records._dumps(loads_body(rec.body))  # sorted keys, compact
    assert "bob@corp.example" not in rec.body and "abc123" not in rec.body
