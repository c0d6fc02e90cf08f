"""The shared audit store: PostgreSQL via psycopg 3 (``pip install 'aimds[postgres]'``).

Many guard processes can write one log. Each chain (tenant) has a row in ``audit_heads``;
``append`` locks the head rows of the chains in its batch (``SELECT ... FOR UPDATE``, in
sorted order so writers never deadlock), links the records, inserts them and moves the
heads in one transaction, so every chain stays linear under concurrent writers.

All tables live in one schema (``aimds_audit`` by default; tests use a unique one). A
dropped connection is reported as :class:`BackendError` and reopened on the next call.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from aimds.audit.chain import GENESIS, Checkpoint, StoredRecord, link_hash
from aimds.audit.records import PendingRecord
from aimds.audit.store import PruneResult, Query
from aimds.errors import BackendError, ConfigError, MissingExtraError

__all__ = ["PostgresStore"]

_PAGE = 10_000
_SCAN_PAGE = 2_000  # small enough that fetching the next page overlaps hashing this one
_SCAN_SQL = (
    "SELECT seq, prev, hash, convert_to(prev || E'\\n' || body, 'UTF8'), "
    "strpos(body, '{{\"_index\":[' || to_json(chain)::text || ',' || "
    "round(ts * 1000000)::bigint::text || ',' || to_json(type)::text || ',' || "
    "to_json(decision_id)::text || ',' || to_json(agent)::text || ',' || "
    "to_json(verdict)::text || ',' || to_json(rules)::text || '],') = 1 "
    "FROM {table} WHERE chain=%s AND seq>=%s ORDER BY seq"
)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise MissingExtraError("postgres", "psycopg") from None
    return psycopg


def _schema_sql(s: str) -> list[str]:
    return [
        f"CREATE SCHEMA IF NOT EXISTS {s}",
        f"""CREATE TABLE IF NOT EXISTS {s}.audit_records (
            chain TEXT NOT NULL, seq BIGINT NOT NULL, ts DOUBLE PRECISION NOT NULL,
            type TEXT NOT NULL, decision_id TEXT NOT NULL, agent TEXT NOT NULL,
            verdict TEXT NOT NULL, rules TEXT NOT NULL, body TEXT NOT NULL,
            prev TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (chain, seq))""",
        f"CREATE INDEX IF NOT EXISTS audit_records_ts ON {s}.audit_records (ts)",
        f"""CREATE TABLE IF NOT EXISTS {s}.audit_heads (
            chain TEXT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL)""",
        f"""CREATE TABLE IF NOT EXISTS {s}.audit_checkpoints (
            chain TEXT NOT NULL, seq BIGINT NOT NULL, hash TEXT NOT NULL,
            ts DOUBLE PRECISION NOT NULL, algorithm TEXT NOT NULL, key_id TEXT NOT NULL,
            signature TEXT NOT NULL, PRIMARY KEY (chain, seq))""",
        f"""CREATE TABLE IF NOT EXISTS {s}.audit_anchors (
            chain TEXT PRIMARY KEY, seq BIGINT NOT NULL, prev TEXT NOT NULL)""",
    ]


class PostgresStore:
    """Audit records in PostgreSQL, safe for many concurrent writer processes."""

    def __init__(self, dsn: str, *, schema: str = "aimds_audit", connect_timeout: int = 5) -> None:
        if not schema.replace("_", "").isalnum() or not schema[:1].isalpha():
            raise ConfigError(
                f"audit schema name {schema!r} must be letters, digits and underscores"
            )
        self.url = dsn
        self.schema = schema
        self._timeout = connect_timeout
        self._lock = threading.Lock()
        self._conn: Any = None
        with self._lock:
            conn = self._connection()
            try:
                with conn.transaction():
                    conn.execute("SET LOCAL lock_timeout = '30s'")  # start-up may wait
                    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"aimds:{schema}",))
                    for stmt in _schema_sql(schema):
                        conn.execute(stmt)
            except _psycopg().Error as exc:
                raise self._fail("creating the tables", exc) from None

    def _connection(self) -> Any:
        if self._conn is None or self._conn.closed:
            psycopg = _psycopg()
            try:
                self._conn = psycopg.connect(
                    self.url, autocommit=True, connect_timeout=self._timeout
                )
                # A lock held elsewhere fails the write within a second (and the decisions,
                # with ``on_failure: block``) instead of stalling the writer indefinitely.
                self._conn.execute("SET lock_timeout = '1s'")
            except psycopg.Error as exc:
                raise BackendError(
                    f"audit database (PostgreSQL) unreachable: {type(exc).__name__}; check the "
                    "URL, the server and its credentials"
                ) from None
        return self._conn

    def _fail(self, action: str, exc: Exception) -> BackendError:
        if self._conn is not None and (self._conn.closed or self._conn.broken):
            self._conn = None  # reconnect on the next call
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return BackendError(f"audit database (PostgreSQL): {action} failed: {first}")

    def _t(self, table: str) -> str:
        return f"{self.schema}.{table}"

    def append(
        self, records: Sequence[PendingRecord], *, all_records: bool = True
    ) -> list[StoredRecord]:
        if not records:
            return []
        psycopg = _psycopg()
        with self._lock:
            try:
                conn = self._connection()
                with conn.transaction():
                    heads: dict[str, tuple[int, str]] = {}
                    for chain in sorted({r.chain for r in records}):
                        conn.execute(
                            f"INSERT INTO {self._t('audit_heads')} VALUES (%s, 0, %s) "
                            "ON CONFLICT (chain) DO NOTHING",
                            (chain, GENESIS),
                        )
                        row = conn.execute(
                            f"SELECT seq, hash FROM {self._t('audit_heads')} WHERE chain=%s "
                            "FOR UPDATE",
                            (chain,),
                        ).fetchone()
                        heads[chain] = (int(row[0]), str(row[1]))
                    rows: list[tuple[Any, ...]] = []
                    out: list[StoredRecord] = []
                    for rec in records:
                        seq0, prev = heads[rec.chain]
                        digest = link_hash(prev, rec.body)
                        heads[rec.chain] = (seq0 + 1, digest)
                        rows.append((rec.chain, seq0 + 1, rec.ts, rec.type, rec.decision_id,
                                     rec.agent, rec.verdict, rec.rules, rec.body, prev, digest))
                        if all_records:
                            out.append(StoredRecord(chain=rec.chain, seq=seq0 + 1,
                                                    body=rec.body, prev=prev, hash=digest))
                    with conn.cursor() as cur:
                        # COPY: one stream per batch, the fastest bulk path PostgreSQL has.
                        with cur.copy(
                            f"COPY {self._t('audit_records')} (chain, seq, ts, type, "
                            "decision_id, agent, verdict, rules, body, prev, hash) FROM STDIN"
                        ) as copy:
                            for row in rows:
                                copy.write_row(row)
                        cur.executemany(
                            f"UPDATE {self._t('audit_heads')} SET seq=%s, hash=%s WHERE chain=%s",
                            [(s, h, c) for c, (s, h) in heads.items()],
                        )
                if not all_records:
                    out = [StoredRecord(chain=c, seq=s, body="", prev="", hash=h)
                           for c, (s, h) in heads.items()]
                return out
            except psycopg.Error as exc:
                raise self._fail("appending records", exc) from None

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        psycopg = _psycopg()
        with self._lock:
            try:
                rows: list[tuple[Any, ...]] = self._connection().execute(sql, params).fetchall()
                return rows
            except psycopg.Error as exc:
                raise self._fail("reading", exc) from None

    def records(self, chain: str, *, from_seq: int | None = None) -> Iterator[StoredRecord]:
        """Stream in keyset pages, so neither side holds a large result."""
        after = (from_seq or 1) - 1
        while True:
            rows = self._fetch(
                f"SELECT chain, seq, body, prev, hash FROM {self._t('audit_records')} "
                f"WHERE chain=%s AND seq>%s ORDER BY seq LIMIT {_PAGE}",
                (chain, after),
            )
            for r in rows:
                yield StoredRecord(chain=r[0], seq=int(r[1]), body=r[2], prev=r[3], hash=r[4])
            if len(rows) < _PAGE:
                return
            after = int(rows[-1][1])

    def scan(self, chain: str, *, from_seq: int | None = None) -> Iterator[list[tuple[Any, ...]]]:
        """Pages of raw rows for verification through a server-side cursor on a connection
        of its own (binary transfer; the server joins ``prev``, a newline and the body into
        the exact bytes that were hashed and compares the index columns with the body's
        ``_index`` prefix).

        A thread fetches the next page while the caller hashes this one (psycopg waits for
        the server without the GIL), so the server's work and the client's overlap instead
        of taking turns: verification runs at the pace of the slower side."""
        psycopg = _psycopg()
        try:
            conn = psycopg.connect(self.url, connect_timeout=self._timeout)
        except psycopg.Error as exc:
            raise BackendError(
                f"audit database (PostgreSQL) unreachable: {type(exc).__name__}; check the "
                "URL, the server and its credentials"
            ) from None
        reader = _PageReader(conn, _SCAN_SQL.format(table=self._t("audit_records")),
                             (chain, from_seq or 0))
        try:
            while (page := reader.next_page()) is not None:
                yield page
        except psycopg.Error as exc:
            raise self._fail("reading records", exc) from None
        finally:
            reader.stop()
            conn.close()

    def index_row(self, chain: str, seq: int) -> tuple[Any, ...] | None:
        """``(chain, ts, type, decision_id, agent, verdict, rules)`` of one record."""
        rows = self._fetch(
            f"SELECT chain, ts, type, decision_id, agent, verdict, rules FROM "
            f"{self._t('audit_records')} WHERE chain=%s AND seq=%s",
            (chain, seq),
        )
        return tuple(rows[0]) if rows else None

    def chains(self) -> list[str]:
        rows = self._fetch(
            f"SELECT chain FROM {self._t('audit_heads')} UNION "
            f"SELECT DISTINCT chain FROM {self._t('audit_checkpoints')} ORDER BY 1",
            (),
        )
        return [r[0] for r in rows]

    def find_seq(self, chain: str, hash_: str) -> int | None:
        rows = self._fetch(
            f"SELECT seq FROM {self._t('audit_records')} WHERE chain=%s AND hash=%s",
            (chain, hash_),
        )
        return int(rows[0][0]) if rows else None

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        cp = checkpoint
        psycopg = _psycopg()
        with self._lock:
            try:
                self._connection().execute(
                    f"INSERT INTO {self._t('audit_checkpoints')} VALUES (%s,%s,%s,%s,%s,%s,%s) "
                    "ON CONFLICT DO NOTHING",
                    (cp.chain, cp.seq, cp.hash, cp.ts, cp.algorithm, cp.key_id, cp.signature),
                )
            except psycopg.Error as exc:
                raise self._fail("writing a checkpoint", exc) from None

    def checkpoints(self, chain: str) -> list[Checkpoint]:
        rows = self._fetch(
            f"SELECT chain, seq, hash, ts, algorithm, key_id, signature FROM "
            f"{self._t('audit_checkpoints')} WHERE chain=%s ORDER BY seq",
            (chain,),
        )
        return [
            Checkpoint(chain=r[0], seq=int(r[1]), hash=r[2], ts=float(r[3]), algorithm=r[4],
                       key_id=r[5], signature=r[6])
            for r in rows
        ]

    def anchor(self, chain: str) -> tuple[int, str] | None:
        rows = self._fetch(
            f"SELECT seq, prev FROM {self._t('audit_anchors')} WHERE chain=%s", (chain,)
        )
        return (int(rows[0][0]), rows[0][1]) if rows else None

    def query(self, q: Query) -> Iterator[StoredRecord]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, op, value in (
            ("ts", ">=", q.since), ("ts", "<", q.until), ("chain", "=", q.tenant),
            ("agent", "=", q.agent), ("verdict", "=", q.verdict), ("type", "=", q.type),
        ):
            if value is not None:
                clauses.append(f"{column} {op} %s")
                params.append(value)
        if q.rule is not None:
            clauses.append("strpos(rules, %s) > 0")
            params.append(f" {q.rule} ")
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        order = "DESC" if q.newest_first else "ASC"
        sql = (f"SELECT chain, seq, body, prev, hash FROM {self._t('audit_records')}{where} "
               f"ORDER BY ts {order}, seq {order}")
        if q.limit is not None:
            sql += f" LIMIT {int(q.limit)}"
        for r in self._fetch(sql, params):
            yield StoredRecord(chain=r[0], seq=int(r[1]), body=r[2], prev=r[3], hash=r[4])

    def count(self) -> int:
        return int(self._fetch(f"SELECT COUNT(*) FROM {self._t('audit_records')}", ())[0][0])

    def prune(self, before: float) -> list[PruneResult]:
        """As :meth:`SqliteStore.prune`: up to the newest checkpoint older than ``before``."""
        psycopg = _psycopg()
        results: list[PruneResult] = []
        for chain in self.chains():
            with self._lock:
                try:
                    conn = self._connection()
                    with conn.transaction():
                        results.append(self._prune_chain(conn, chain, before))
                except psycopg.Error as exc:
                    raise self._fail("pruning", exc) from None
        return results

    def _prune_chain(self, conn: Any, chain: str, before: float) -> PruneResult:
        conn.execute(
            f"SELECT 1 FROM {self._t('audit_heads')} WHERE chain=%s FOR UPDATE", (chain,)
        )
        old_max = conn.execute(
            f"SELECT MAX(seq) FROM {self._t('audit_records')} WHERE chain=%s AND ts<%s",
            (chain, before),
        ).fetchone()[0]
        if old_max is None:
            return PruneResult(chain=chain, deleted=0, anchor_seq=None, note="nothing older")
        cp = conn.execute(
            f"SELECT seq, hash FROM {self._t('audit_checkpoints')} WHERE chain=%s AND seq<=%s "
            "ORDER BY seq DESC LIMIT 1",
            (chain, old_max),
        ).fetchone()
        if cp is None:
            return PruneResult(chain=chain, deleted=0, anchor_seq=None,
                               note="no signed checkpoint among the old records; nothing pruned")
        cur = conn.execute(
            f"DELETE FROM {self._t('audit_records')} WHERE chain=%s AND seq<=%s", (chain, cp[0])
        )
        conn.execute(
            f"INSERT INTO {self._t('audit_anchors')} VALUES (%s,%s,%s) ON CONFLICT (chain) "
            "DO UPDATE SET seq=excluded.seq, prev=excluded.prev",
            (chain, int(cp[0]) + 1, cp[1]),
        )
        conn.execute(
            f"DELETE FROM {self._t('audit_checkpoints')} WHERE chain=%s AND seq<%s", (chain, cp[0])
        )
        return PruneResult(chain=chain, deleted=cur.rowcount, anchor_seq=int(cp[0]) + 1)

    def backend_pid(self) -> int | None:
        """The server process of this store's connection (tests terminate it)."""
        rows = self._fetch("SELECT pg_backend_pid()", ())
        return int(rows[0][0]) if rows else None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class _PageReader:
    """Fetches pages of one query on a thread of its own, one page ahead of the consumer.

    ``next_page`` returns the next page, ``None`` at the end, or raises what the fetch
    raised; ``stop`` ends the fetch early (the consumer found a broken link) and waits for
    the thread, so the connection can be closed after it."""

    def __init__(self, conn: Any, sql: str, params: Sequence[Any]) -> None:
        self._pages: queue.Queue[list[tuple[Any, ...]] | BaseException | None] = queue.Queue(
            maxsize=1
        )
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._fetch, args=(conn, sql, params), name="aimds-audit-scan", daemon=True
        )
        self._thread.start()

    def _fetch(self, conn: Any, sql: str, params: Sequence[Any]) -> None:
        item: list[tuple[Any, ...]] | BaseException | None = None
        try:
            with conn.transaction(), conn.cursor(name="aimds_scan", binary=True) as cur:
                cur.execute(sql, params)
                while not self._stopped.is_set() and (rows := cur.fetchmany(_SCAN_PAGE)):
                    self._put(rows)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            item = exc
        self._put(item)

    def _put(self, item: list[tuple[Any, ...]] | BaseException | None) -> None:
        while not self._stopped.is_set():
            try:
                self._pages.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def next_page(self) -> list[tuple[Any, ...]] | None:
        item = self._pages.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()
