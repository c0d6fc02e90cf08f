"""Tamper detection: every kind of change to the stored chain is detected and named."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aimds.audit import AuditLog, HmacSigner, UnsignedSigner
from aimds.audit.chain import GENESIS, StoredRecord, canonical_json, link_hash, verify_chain
from aimds.audit.sqlite import SqliteStore
from aimds.audit.store import Query
from aimds.audit.verify import verify_store
from aimds.types import Verdict


def _db(log: AuditLog) -> sqlite3.Connection:
    assert log.store is not None
    log.flush()
    return sqlite3.connect(log.store.url, isolation_level=None)


def _verify(path: str, **kw: Any) -> Any:
    store = SqliteStore(path)
    try:
        return verify_store(store, signer=HmacSigner(b"k" * 32), **kw)
    finally:
        store.close()


def test_intact_chain_verifies(make_log: Any, kit: Any) -> None:
    log = make_log(checkpoint_every=5)
    kit.fill(log, 30)
    result = log.verify()
    assert result.ok, result.to_dict()
    assert result.checked == 30
    assert result.reports[0].checkpoints >= 5


def test_modified_body_is_named(make_log: Any, kit: Any) -> None:
    log = make_log()
    kit.fill(log, 10)
    db = _db(log)
    db.execute("UPDATE audit_records SET body=replace(body,'\"allow\"','\"block\"') WHERE seq=4")
    problem = _verify(log.store.url).problem
    assert problem is not None and (problem.seq, problem.kind) == (4, "modified")


@pytest.mark.parametrize(
    ("column", "value", "named"),
    [
        ("verdict", "'allow'", "verdict"),  # a block made to look allowed in queries
        ("agent", "'someone-else'", "agent"),
        ("rules", "''", "rules"),  # hide a record from `--rule` queries
        ("ts", "ts + 86400", "ts"),  # move it out of a `--since` window
        ("type", "'approval.resolved'", "type"),
        ("decision_id", "'forged'", "decision_id"),
    ],
)
def test_edited_index_column_is_named(
    make_log: Any, kit: Any, column: str, value: str, named: str
) -> None:
    """Columns are not hashed themselves; verify proves they equal the hashed body."""
    log = make_log()
    for i in range(6):
        findings = (kit.secret_finding(),) if i == 3 else ()
        log.record(kit.make_eval(i, verdict=Verdict.BLOCK if i == 3 else Verdict.ALLOW,
                                 findings=findings), decision_id=f"d{i}", policy="p@1")
    db = _db(log)
    assert log.verify().ok
    db.execute(f"UPDATE audit_records SET {column}={value} WHERE seq=4")
    result = _verify(log.store.url)
    problem = result.problem
    assert problem is not None and problem.kind == "modified", result.to_dict()
    assert problem.seq == 4 and named in problem.detail


def test_record_moved_to_another_tenant_breaks_both_chains(make_log: Any, kit: Any) -> None:
    log = make_log()
    kit.fill(log, 6)
    _db(log).execute("UPDATE audit_records SET chain='other' WHERE seq=4")
    reports = {r.chain: r for r in _verify(log.store.url).reports}
    assert reports["acme"].problem is not None and reports["acme"].problem.seq == 5
    assert reports["other"].problem is not None


def test_untouched_columns_of_event_records_verify(make_log: Any) -> None:
    log = make_log()
    log.append_event("approval.resolved", data={"status": "denied"}, verdict="block",
                     rules=["ASA-B-002", "ASA-B-002", "secret.api_key"])
    log.append_event("quarantine", data={"agent": "a"})
    assert log.verify().ok
    [rec] = list(log.query(Query(rule="secret.api_key")))
    assert rec.data()["type"] == "approval.resolved"


def test_deleted_record_is_named(make_log: Any, kit: Any) -> None:
    log = make_log()
    kit.fill(log, 10)
    _db(log).execute("DELETE FROM audit_records WHERE seq=6")
    problem = _verify(log.store.url).problem
    assert problem is not None and (problem.seq, problem.kind) == (7, "deleted")


def test_reordered_records_are_named(make_log: Any, kit: Any) -> None:
    log = make_log()
    kit.fill(log, 10)
    db = _db(log)
    db.execute("UPDATE audit_records SET seq=-1 WHERE seq=3")
    db.execute("UPDATE audit_records SET seq=3 WHERE seq=4")
    db.execute("UPDATE audit_records SET seq=4 WHERE seq=-1")
    problem = _verify(log.store.url).problem
    assert problem is not None and (problem.seq, problem.kind) == (3, "reordered")


def test_far_reordering_is_named(make_log: Any, kit: Any) -> None:
    log = make_log()
    kit.fill(log, 12)
    db = _db(log)
    db.execute("UPDATE audit_records SET seq=-1 WHERE seq=2")
    db.execute("UPDATE audit_records SET seq=2 WHERE seq=9")
    db.execute("UPDATE audit_records SET seq=9 WHERE seq=-1")
    problem = _verify(log.store.url).problem
    assert problem is not None and problem.kind == "reordered"


def test_inserted_record_is_named(make_log: Any, kit: Any) -> None:
    log = make_log()
    kit.fill(log, 10)
    db = _db(log)
    db.execute("UPDATE audit_records SET seq=-seq-1 WHERE seq>=5")  # make room at 5
    db.execute("UPDATE audit_records SET seq=-seq WHERE seq<0")
    prev = db.execute("SELECT hash FROM audit_records WHERE seq=4").fetchone()[0]
    body = canonical_json({"v": 1, "type": "decision", "verdict": "allow", "id": "forged"})
    db.execute(
        "INSERT INTO audit_records VALUES ('acme',5,0,'decision','forged','a','allow','',?,?,?)",
        (body, prev, link_hash(prev, body)),
    )
    problem = _verify(log.store.url).problem
    assert problem is not None and (problem.seq, problem.kind) == (5, "inserted")


def test_truncated_tail_is_named_by_the_checkpoint(make_log: Any, kit: Any) -> None:
    log = make_log(checkpoint_every=5)
    kit.fill(log, 20)
    log.close()
    db = sqlite3.connect(log.store.url, isolation_level=None)
    db.execute("DELETE FROM audit_records WHERE seq>12")
    problem = _verify(log.store.url).problem
    assert problem is not None and problem.kind == "truncated"
    assert "ends at record 12" in problem.detail


def test_rewritten_chain_is_caught_by_signed_checkpoint(make_log: Any, kit: Any) -> None:
    """An attacker who recomputes every hash still cannot re-sign the checkpoints."""
    log = make_log(checkpoint_every=5)
    kit.fill(log, 10)
    log.close()
    db = sqlite3.connect(log.store.url, isolation_level=None)
    rows = db.execute("SELECT seq, body, verdict FROM audit_records ORDER BY seq").fetchall()
    prev = GENESIS
    for seq, body, verdict in rows:
        if seq == 3:  # a careful attacker keeps the index column in step with the body
            body, verdict = body.replace('"allow"', '"warn"'), "warn"
        digest = link_hash(prev, body)
        db.execute(
            "UPDATE audit_records SET body=?, verdict=?, prev=?, hash=? WHERE seq=?",
            (body, verdict, prev, digest, seq),
        )
        prev = digest
    problem = _verify(log.store.url).problem
    assert problem is not None and problem.kind == "modified" and problem.seq == 5


def test_forged_checkpoint_signature_is_named(make_log: Any, kit: Any) -> None:
    log = make_log(checkpoint_every=5)
    kit.fill(log, 10)
    log.close()
    db = sqlite3.connect(log.store.url, isolation_level=None)
    db.execute("UPDATE audit_checkpoints SET signature='00' WHERE seq=5")
    problem = _verify(log.store.url).problem
    assert problem is not None and problem.kind == "checkpoint"
    assert "invalid signature" in problem.detail


def test_checkpoint_mirror_catches_truncation_with_checkpoints_deleted(
    make_log: Any, kit: Any, tmp_path: Path
) -> None:
    mirror = tmp_path / "cp.jsonl"
    log = make_log(checkpoint_every=5, checkpoint_file=str(mirror))
    kit.fill(log, 20)
    log.close()
    db = sqlite3.connect(log.store.url, isolation_level=None)
    db.execute("DELETE FROM audit_records WHERE seq>10")
    db.execute("DELETE FROM audit_checkpoints WHERE seq>10")
    assert _verify(log.store.url).ok  # the database alone cannot tell
    from aimds.audit.verify import load_checkpoint_file

    problem = _verify(log.store.url, extra_checkpoints=load_checkpoint_file(mirror)).problem
    assert problem is not None and problem.kind == "truncated"


def test_from_seq_verifies_a_suffix(make_log: Any, kit: Any) -> None:
    log = make_log()
    kit.fill(log, 10)
    _db(log).execute("UPDATE audit_records SET body=body||' ' WHERE seq=2")
    assert not _verify(log.store.url).ok
    assert _verify(log.store.url, from_seq=5).ok


def test_chains_per_tenant_are_independent(make_log: Any, kit: Any) -> None:
    log = make_log()
    kit.fill(log, 5, tenant="a")
    kit.fill(log, 7, tenant="b")
    result = log.verify()
    assert result.ok and {r.chain: r.checked for r in result.reports} == {"a": 5, "b": 7}


def test_unsigned_checkpoints_detect_accidental_truncation(make_log: Any, kit: Any) -> None:
    log = make_log(signer=UnsignedSigner(), checkpoint_every=3)
    kit.fill(log, 9)
    log.close()
    sqlite3.connect(log.store.url, isolation_level=None).execute(
        "DELETE FROM audit_records WHERE seq>4"
    )
    store = SqliteStore(log.store.url)
    assert verify_store(store).problem.kind == "truncated"  # type: ignore[union-attr]
    store.close()


def _chain(n: int) -> list[StoredRecord]:
    out, prev = [], GENESIS
    for i in range(1, n + 1):
        body = canonical_json({"id": i, "verdict": "allow", "note": "x" * (i % 5)})
        digest = link_hash(prev, body)
        out.append(StoredRecord(chain="c", seq=i, body=body, prev=prev, hash=digest))
        prev = digest
    return out


_FIELDS = st.sampled_from(["body", "prev", "hash", "seq"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(min_value=1, max_value=12),
    data=st.data(),
)
def test_every_single_record_change_is_detected(n: int, data: st.DataObject) -> None:
    records = _chain(n)
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    field = data.draw(_FIELDS)
    rec = records[index]
    if field == "seq":
        new_seq = data.draw(st.integers(min_value=-5, max_value=50).filter(lambda s: s != rec.seq))
        changed = StoredRecord(chain="c", seq=new_seq, body=rec.body, prev=rec.prev, hash=rec.hash)
        records[index] = changed
        records.sort(key=lambda r: r.seq)
    else:
        old = getattr(rec, field)
        new = data.draw(st.text(min_size=1, max_size=70).filter(lambda s, o=old: s != o))
        values: dict[str, Any] = {
            "chain": "c", "seq": rec.seq, "body": rec.body, "prev": rec.prev, "hash": rec.hash
        }
        values[field] = new
        records[index] = StoredRecord(**values)
    report = verify_chain("c", records)
    assert not report.ok


def test_genuine_chain_always_verifies() -> None:
    for n in (0, 1, 2, 50):
        assert verify_chain("c", _chain(n)).ok
