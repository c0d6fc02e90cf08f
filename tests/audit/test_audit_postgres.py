"""PostgreSQL store against the real server: concurrent writer processes, dropped links."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Generator, Iterator
from typing import Any, cast

import pytest

from aimds.audit import AuditLog, HmacSigner
from aimds.audit.postgres import PostgresStore
from aimds.audit.verify import verify_store
from aimds.types import Evaluation, Event, EventKind, Subject, Verdict

pytestmark = pytest.mark.postgres

KEY = b"p" * 32


@pytest.fixture()
def schema(postgres_dsn: str) -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    name = f"aimds_test_{uuid.uuid4().hex[:10]}"
    yield name
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def _eval(i: int, tenant: str) -> Evaluation:
    ev = Evaluation(
        event=Event(kind=EventKind.PROMPT, subject=Subject(tenant=tenant), text=f"t{i}"),
        ts=1_700_000_000.0 + i,
    )
    ev.verdict = Verdict.ALLOW
    return ev


_WRITER = """
import sys
from aimds.audit import AuditLog, HmacSigner
from aimds.audit.postgres import PostgresStore
from aimds.types import Evaluation, Event, EventKind, Subject, Verdict
dsn, schema, worker, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
log = AuditLog(PostgresStore(dsn, schema=schema), batch_size=7, signer=HmacSigner(b"p" * 32),
               checkpoint_every=20, digest_key=b"d" * 32)
for i in range(n):
    tenant = "shared" if i % 2 else f"w{worker}"
    ev = Evaluation(event=Event(kind=EventKind.PROMPT, subject=Subject(tenant=tenant)), ts=1.0 + i)
    ev.verdict = Verdict.ALLOW
    log.record(ev, decision_id=f"{worker}-{i}", policy="p@1")
log.close()
"""


def test_concurrent_writer_processes_keep_each_chain_linear(
    postgres_dsn: str, schema: str
) -> None:
    PostgresStore(postgres_dsn, schema=schema).close()
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, postgres_dsn, schema, str(w), "60"])
        for w in range(4)
    ]
    for p in procs:
        assert p.wait(60) == 0
    store = PostgresStore(postgres_dsn, schema=schema)
    try:
        result = verify_store(store, signer=HmacSigner(KEY))
        assert result.ok, result.to_dict()
        counts = {r.chain: r.checked for r in result.reports}
        assert counts["shared"] == 4 * 30
        assert all(counts[f"w{w}"] == 30 for w in range(4))
        assert store.count() == 240
    finally:
        store.close()


def test_terminated_connection_is_reported_then_recovers(postgres_dsn: str, schema: str) -> None:
    psycopg = pytest.importorskip("psycopg")
    store = PostgresStore(postgres_dsn, schema=schema)
    log = AuditLog(store, durability="sync", signer=HmacSigner(KEY), digest_key=b"d" * 32)
    try:
        assert log.record(_eval(0, "t"), decision_id="a", policy="p").ok
        pid = store.backend_pid()
        with psycopg.connect(postgres_dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        failed = log.record(_eval(1, "t"), decision_id="b", policy="p")
        assert not failed.ok and "PostgreSQL" in failed.detail
        assert not log.healthy
        again = log.record(_eval(2, "t"), decision_id="c", policy="p")
        assert again.ok, again.detail
        assert log.healthy
        result = log.verify()
        assert result.ok and result.checked == 2
    finally:
        log.close()


def test_prune_keeps_the_chain_verifiable(postgres_dsn: str, schema: str) -> None:
    log = AuditLog(PostgresStore(postgres_dsn, schema=schema), batch_size=1,
                   signer=HmacSigner(KEY), checkpoint_every=5, digest_key=b"d" * 32)
    try:
        for i in range(20):
            log.record(_eval(i, "t"), decision_id=str(i), policy="p")
        log.flush()
        assert log.store is not None
        [pruned] = log.store.prune(1_700_000_000.0 + 12)
        assert pruned.deleted == 10 and pruned.anchor_seq == 11
        result = log.verify()
        assert result.ok, result.to_dict()
        assert result.checked == 10
    finally:
        log.close()




def _filled(postgres_dsn: str, schema: str, n: int) -> PostgresStore:
    store = PostgresStore(postgres_dsn, schema=schema)
    log = AuditLog(store, batch_size=500, signer=HmacSigner(KEY), checkpoint_every=1000,
                   digest_key=b"d" * 32)
    for i in range(n):
        log.record(_eval(i, "t"), decision_id=str(i), policy="p")
    log.flush()
    log.close()
    return PostgresStore(postgres_dsn, schema=schema)


@pytest.mark.parametrize(
    ("edit", "kind", "seq"),
    [
        ("UPDATE {t} SET body = replace(body, '\"policy\":\"p\"', '\"policy\":\"q\"') "
         "WHERE seq = 2100", "modified", 2100),
        ("DELETE FROM {t} WHERE seq = 2100", "deleted", 2101),
        ("UPDATE {t} SET agent = 'someone-else' WHERE seq = 2300", "modified", 2300),
    ],
)
def test_tampering_past_the_first_page_is_named(
    postgres_dsn: str, schema: str, edit: str, kind: str, seq: int
) -> None:
    """Verification reads pages ahead on a thread; a problem on a later page stops it early
    and must still be named, with its record."""
    psycopg = pytest.importorskip("psycopg")
    store = _filled(postgres_dsn, schema, 4_500)
    try:
        with psycopg.connect(postgres_dsn, autocommit=True) as admin:
            admin.execute(edit.format(t=f"{schema}.audit_records"))
        result = verify_store(store, signer=HmacSigner(KEY))
        [report] = result.reports
        assert report.problem is not None, report.to_dict()
        assert (report.problem.kind, report.problem.seq) == (kind, seq)
    finally:
        store.close()


def test_a_scan_left_early_stops_its_reader(postgres_dsn: str, schema: str) -> None:
    import threading

    store = _filled(postgres_dsn, schema, 4_500)
    try:
        pages = cast("Generator[list[tuple[Any, ...]], None, None]", store.scan("t"))
        first = next(pages)
        assert [row[0] for row in first[:3]] == [1, 2, 3]
        pages.close()
        assert not any(t.name == "aimds-audit-scan" for t in threading.enumerate())
        assert verify_store(store, signer=HmacSigner(KEY)).ok
    finally:
        store.close()
