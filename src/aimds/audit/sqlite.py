"""The embedded audit store: one SQLite file in WAL mode.

Writers (threads of one process or several processes) serialise on ``BEGIN IMMEDIATE``; the
chain head is read inside that transaction, so links stay linear. A committed transaction
survives a killed process. With WAL and ``synchronous=NORMAL`` (the default) a commit is
not fsynced (only WAL checkpoints are), which is what makes group commits cheap: a power
cut may lose the last commits but never breaks the chain; pass ``synchronous="FULL"`` to
fsync every commit (sync durability on a machine that must survive power loss). Long
reads (verify, export) stream through their own connection, so they never hold
the writer's lock.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from aimds._files import private_dir, private_file
from aimds.audit.chain import GENESIS, Checkpoint, StoredRecord, link_hash
from aimds.audit.records import PendingRecord
from aimds.audit.store import PruneResult, Query
from aimds.errors import BackendError

__all__ = ["WRITE_TIMEOUT_S", "SqliteStore"]

WRITE_TIMEOUT_S = 0.5
"""How long an append waits for a lock another connection holds before it fails."""


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_records (
    chain TEXT NOT NULL,
    seq INTEGER NOT NULL,
    ts REAL NOT NULL,
    type TEXT NOT NULL,
    decision_id TEXT NOT NULL,
    agent TEXT NOT NULL,
    verdict TEXT NOT NULL,
    rules TEXT NOT NULL,
    body TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS audit_records_ts ON audit_records (ts);
CREATE TABLE IF NOT EXISTS audit_checkpoints (
    chain TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    ts REAL NOT NULL,
    algorithm TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
);
CREATE TABLE IF NOT EXISTS audit_anchors (
    chain TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    prev TEXT NOT NULL
);
"""

_COLS = "chain, seq, body, prev, hash"
_NCOLS = 11
_SCAN_PAGE = 8192
# The index prefix as aimds.audit.records.index_prefix builds it (json_array renders like
# orjson for the strings we write; where it does not, verify falls back to parsing).
_SCAN_SQL = (
    "SELECT seq, prev, hash, CAST(prev || char(10) || body AS BLOB), "
    "instr(body, '{\"_index\":' || json_array(chain, CAST(round(ts * 1000000) AS INTEGER), "
    "type, decision_id, agent, verdict, rules) || ',') = 1 "
    "FROM audit_records WHERE chain=? AND seq>=? ORDER BY seq"
)
# Rows per INSERT at most (22,528 parameters where SQLite allows them). Statements have a
# power-of-two number of rows, so a connection prepares at most twelve of them: a prepared
# statement costs about 1.4 KB per row, and one per batch size seen could pile up hundreds
# of megabytes in the connection's statement cache.
_MAX_ROWS = 2048
_ROW = "(" + ",".join("?" * _NCOLS) + ")"
_INSERT = (
    "INSERT INTO audit_records (chain, seq, ts, type, decision_id, agent, verdict, rules, "
    "body, prev, hash) VALUES "
)


@functools.lru_cache(maxsize=16)
def _insert_sql(rows: int) -> str:
    """One INSERT of ``rows`` rows (a power of two)."""
    return _INSERT + ",".join([_ROW] * rows)


def _chunks(n: int, largest: int) -> list[int]:
    """``n`` rows as power-of-two statement sizes, largest first, none over ``largest``."""
    sizes = []
    size = largest
    while n:
        while size > n:
            size //= 2
        sizes.append(size)
        n -= size
    return sizes


def _linked(
    records: Sequence[PendingRecord], heads: dict[str, tuple[int, str]], all_records: bool
) -> tuple[list[StoredRecord], dict[str, tuple[int, str]], list[Any]]:
    """Chain ``records`` onto ``heads`` (``chain -> (seq, hash)``, left unchanged): the
    stored records (when ``all_records``), the new heads and the flat INSERT parameters."""
    out: list[StoredRecord] = []
    new_heads: dict[str, tuple[int, str]] = {}
    values: list[Any] = []
    for rec in records:
        chain = rec.chain
        head = new_heads.get(chain) or heads[chain]
        seq, prev = head[0] + 1, head[1]
        body = rec.body
        digest = link_hash(prev, body)
        new_heads[chain] = (seq, digest)
        values += (chain, seq, rec.ts, rec.type, rec.decision_id, rec.agent, rec.verdict,
                   rec.rules, body, prev, digest)
        if all_records:
            out.append(StoredRecord(chain=chain, seq=seq, body=body, prev=prev, hash=digest))
    return out, new_heads, values


def _record(row: Sequence[Any]) -> StoredRecord:
    return StoredRecord(chain=row[0], seq=row[1], body=row[2], prev=row[3], hash=row[4])


def _heads_only(heads: dict[str, tuple[int, str]]) -> list[StoredRecord]:
    """Each chain's new head, as ``append(all_records=False)`` returns it (no body)."""
    return [StoredRecord(chain=c, seq=s, body="", prev="", hash=h) for c, (s, h) in heads.items()]


def _checkpoint(row: Sequence[Any]) -> Checkpoint:
    return Checkpoint(
        chain=row[0],
        seq=row[1],
        hash=row[2],
        ts=row[3],
        algorithm=row[4],
        key_id=row[5],
        signature=row[6],
    )


class SqliteStore:
    """Audit records in a SQLite file (created on first use)."""

    def __init__(
        self,
        path: str | Path,
        *,
        timeout: float = 30.0,
        write_timeout: float = WRITE_TIMEOUT_S,
        synchronous: str = "NORMAL",
    ) -> None:
        self.url = str(path)
        self._timeout = timeout
        if self.url == ":memory:" or self.url.startswith("file:"):
            raise BackendError("the SQLite audit store needs a file path, not an in-memory db")
        try:
            private_dir(Path(path).parent)
            private_file(Path(path))
            self._db = sqlite3.connect(
                str(path), timeout=timeout, isolation_level=None, check_same_thread=False
            )
            # 16 KiB pages suit ~700-byte records in a clustered table (fewer splits);
            # only takes effect on a new file.
            self._db.execute("PRAGMA page_size=16384")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={synchronous}")
            self._db.executescript(_SCHEMA)
            # Appends wait at most this long for another connection's lock: a database
            # held by another process must fail the write (and, with ``on_failure:
            # block``, the decisions) at once, not after the 30 s readers may wait.
            self._db.execute(f"PRAGMA busy_timeout={int(write_timeout * 1000)}")
        except (sqlite3.Error, OSError) as exc:
            raise BackendError(
                f"audit database {self.url!r} cannot be opened: {_reason(exc)}; check the "
                "path, its permissions and free disk space"
            ) from None
        self._lock = threading.Lock()
        # Each chain's head as this connection last committed it: appends link onto it
        # without reading it back (see ``append``). Cleared whenever a write fails.
        self._heads: dict[str, tuple[int, str]] = {}
        limit = self._db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        self._max_rows = _chunks(max(1, min(_MAX_ROWS, limit // _NCOLS)), _MAX_ROWS)[0]

    def _fail(self, action: str, exc: sqlite3.Error) -> BackendError:
        return BackendError(f"audit database {self.url!r}: {action} failed: {exc}")

    def append(
        self, records: Sequence[PendingRecord], *, all_records: bool = True
    ) -> list[StoredRecord]:
        if not records:
            return []
        with self._lock:
            try:
                known = self._heads
                n = len(records)
                if _chunks(n, self._max_rows) == [n] and all(r.chain in known for r in records):
                    try:
                        out, heads, values = _linked(records, known, all_records)
                        # One statement is its own transaction: no BEGIN, no head query, no
                        # COMMIT. The primary key (chain, seq) refuses the rows should another
                        # writer have appended since this connection's last commit.
                        self._db.execute(_insert_sql(n), values)
                    except sqlite3.IntegrityError:
                        known.clear()  # someone else moved a head: read them afresh below
                    else:
                        known.update(heads)
                        return out if all_records else _heads_only(heads)
                return self._append_in_transaction(records, all_records)
            except sqlite3.Error as exc:
                self._heads.clear()  # a failed commit may or may not have landed
                raise self._fail("appending records", exc) from None

    def _append_in_transaction(
        self, records: Sequence[PendingRecord], all_records: bool
    ) -> list[StoredRecord]:
        """The general path: the heads read inside ``BEGIN IMMEDIATE`` (so concurrent writers
        serialise), the rows inserted in power-of-two statements."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            start: dict[str, tuple[int, str]] = {}
            for chain in dict.fromkeys(r.chain for r in records):
                start[chain] = self._head_locked(chain) or (0, GENESIS)
            out, heads, values = _linked(records, start, all_records)
            pos = 0
            for rows in _chunks(len(records), self._max_rows):
                db.execute(_insert_sql(rows), values[pos * _NCOLS:(pos + rows) * _NCOLS])
                pos += rows
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._heads.update(heads)
        return out if all_records else _heads_only(heads)

    def _head_locked(self, chain: str) -> tuple[int, str] | None:
        """The newest record's ``(seq, hash)``; where pruning removed every record, the
        anchor's predecessor (so the chain goes on from the anchor, not from genesis)."""
        row = self._db.execute(
            "SELECT seq, hash FROM audit_records WHERE chain=? ORDER BY seq DESC LIMIT 1",
            (chain,),
        ).fetchone()
        if row is None:
            row = self._db.execute(
                "SELECT seq - 1, prev FROM audit_anchors WHERE chain=?", (chain,)
            ).fetchone()
        return (row[0], row[1]) if row else None

    def records(self, chain: str, *, from_seq: int | None = None) -> Iterator[StoredRecord]:
        sql = f"SELECT {_COLS} FROM audit_records WHERE chain=? AND seq>=? ORDER BY seq"
        yield from self._iter(sql, (chain, from_seq or 0))

    def scan(self, chain: str, *, from_seq: int | None = None) -> Iterator[list[tuple[Any, ...]]]:
        """Pages of raw rows for verification (see :data:`aimds.audit.store.SCAN_COLUMNS`).

        SQLite joins ``prev``, a newline and the body into the exact bytes that were
        hashed, and compares the index columns with the body's ``_index`` prefix, so
        Python neither decodes bodies nor builds the columns of each row."""
        try:
            con = sqlite3.connect(self.url, timeout=self._timeout, check_same_thread=False)
        except sqlite3.Error as exc:
            raise self._fail("opening a reader", exc) from None
        try:
            cur = con.execute(_SCAN_SQL, (chain, from_seq or 0))
            while batch := cur.fetchmany(_SCAN_PAGE):
                yield batch
        except sqlite3.Error as exc:
            raise self._fail("reading records", exc) from None
        finally:
            con.close()

    def index_row(self, chain: str, seq: int) -> tuple[Any, ...] | None:
        """``(chain, ts, type, decision_id, agent, verdict, rules)`` of one record."""
        with self._lock:
            row = self._db.execute(
                "SELECT chain, ts, type, decision_id, agent, verdict, rules FROM audit_records "
                "WHERE chain=? AND seq=?",
                (chain, seq),
            ).fetchone()
        return tuple(row) if row else None

    def _iter(self, sql: str, params: Sequence[Any]) -> Iterator[StoredRecord]:
        """Stream rows in pages through a reader connection of its own."""
        try:
            con = sqlite3.connect(self.url, timeout=self._timeout, check_same_thread=False)
        except sqlite3.Error as exc:
            raise self._fail("opening a reader", exc) from None
        try:
            cur = con.execute(sql, tuple(params))
            while batch := cur.fetchmany(4096):
                for row in batch:
                    yield _record(row)
        except sqlite3.Error as exc:
            raise self._fail("reading records", exc) from None
        finally:
            con.close()

    def chains(self) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT chain FROM audit_records UNION "
                "SELECT DISTINCT chain FROM audit_checkpoints ORDER BY 1"
            ).fetchall()
        return [r[0] for r in rows]

    def find_seq(self, chain: str, hash_: str) -> int | None:
        """Only used to name a broken link, so a scan (no index to maintain) is fine."""
        with self._lock:
            row = self._db.execute(
                "SELECT seq FROM audit_records WHERE chain=? AND hash=?", (chain, hash_)
            ).fetchone()
        return int(row[0]) if row else None

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        cp = checkpoint
        with self._lock:
            try:
                self._db.execute(
                    "INSERT OR IGNORE INTO audit_checkpoints VALUES (?,?,?,?,?,?,?)",
                    (cp.chain, cp.seq, cp.hash, cp.ts, cp.algorithm, cp.key_id, cp.signature),
                )
            except sqlite3.Error as exc:
                raise self._fail("writing a checkpoint", exc) from None

    def checkpoints(self, chain: str) -> list[Checkpoint]:
        with self._lock:
            rows = self._db.execute(
                "SELECT chain, seq, hash, ts, algorithm, key_id, signature "
                "FROM audit_checkpoints WHERE chain=? ORDER BY seq",
                (chain,),
            ).fetchall()
        return [_checkpoint(r) for r in rows]

    def anchor(self, chain: str) -> tuple[int, str] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT seq, prev FROM audit_anchors WHERE chain=?", (chain,)
            ).fetchone()
        return (row[0], row[1]) if row else None

    def query(self, q: Query) -> Iterator[StoredRecord]:
        where, params = _where(q)
        order = "DESC" if q.newest_first else "ASC"
        sql = f"SELECT {_COLS} FROM audit_records{where} ORDER BY ts {order}, seq {order}"
        if q.limit is not None:
            sql += f" LIMIT {int(q.limit)}"
        yield from self._iter(sql, params)

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM audit_records").fetchone()[0])

    def prune(self, before: float) -> list[PruneResult]:
        """Delete records older than ``before`` up to the newest checkpoint among them.

        The checkpoint just before the first kept record becomes the chain's anchor, so the
        rest still verifies from a signed point. A chain without such a checkpoint keeps
        everything (reported in ``note``).
        """
        results: list[PruneResult] = []
        for chain in self.chains():
            with self._lock:
                db = self._db
                try:
                    db.execute("BEGIN IMMEDIATE")
                    try:
                        results.append(self._prune_chain(chain, before))
                        db.execute("COMMIT")
                    except BaseException:
                        db.execute("ROLLBACK")
                        raise
                except sqlite3.Error as exc:
                    raise self._fail("pruning", exc) from None
        return results

    def _prune_chain(self, chain: str, before: float) -> PruneResult:
        db = self._db
        row = db.execute(
            "SELECT MAX(seq) FROM audit_records WHERE chain=? AND ts<?", (chain, before)
        ).fetchone()
        old_max = row[0] if row else None
        if old_max is None:
            return PruneResult(chain=chain, deleted=0, anchor_seq=None, note="nothing older")
        cp = db.execute(
            "SELECT seq, hash FROM audit_checkpoints WHERE chain=? AND seq<=? "
            "ORDER BY seq DESC LIMIT 1",
            (chain, old_max),
        ).fetchone()
        if cp is None:
            return PruneResult(
                chain=chain, deleted=0, anchor_seq=None,
                note="no signed checkpoint among the old records; nothing pruned",
            )
        cur = db.execute("DELETE FROM audit_records WHERE chain=? AND seq<=?", (chain, cp[0]))
        db.execute(
            "INSERT INTO audit_anchors (chain, seq, prev) VALUES (?,?,?) "
            "ON CONFLICT(chain) DO UPDATE SET seq=excluded.seq, prev=excluded.prev",
            (chain, cp[0] + 1, cp[1]),
        )
        db.execute("DELETE FROM audit_checkpoints WHERE chain=? AND seq<?", (chain, cp[0]))
        return PruneResult(chain=chain, deleted=cur.rowcount, anchor_seq=cp[0] + 1)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _where(q: Query) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column, op, value in (
        ("ts", ">=", q.since),
        ("ts", "<", q.until),
        ("chain", "=", q.tenant),
        ("agent", "=", q.agent),
        ("verdict", "=", q.verdict),
        ("type", "=", q.type),
    ):
        if value is not None:
            clauses.append(f"{column} {op} ?")
            params.append(value)
    if q.rule is not None:
        clauses.append("instr(rules, ?) > 0")
        params.append(f" {q.rule} ")
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params
