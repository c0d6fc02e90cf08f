"""Recent decisions shared through the database: other processes and the CLI find them.

:class:`SharedRecentDecisions` keeps the in-process map of
:class:`~aimds.learn.recent.RecentDecisions` for the fast path and also writes every
record to the table ``aimds_learn_recent``, in the background: ``put`` only queues the
record (bounded: when ``queue_size`` records are waiting, new ones are dropped and
counted in ``dropped``, the decision itself is never slowed), a writer thread inserts
them in batches every ``flush_s`` and deletes rows older than the TTL or beyond
``max_decisions``. ``get`` reads the map first, then the table.

The rows hold what the map holds: masked excerpts, sketches, a keyed digest; never text.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from aimds.audit.metrics import NoopMetrics
from aimds.learn.recent import RecentDecision, RecentDecisions
from aimds.respond.approvals import SqlDatabase

__all__ = ["SharedRecentDecisions"]

log = logging.getLogger("aimds.learn")

_TABLE = "aimds_learn_recent"
_COLUMNS = "id, tenant, agent, kind, verdict, rules, sketches, digest, excerpt, created"
_BATCH = 200


class SharedRecentDecisions(RecentDecisions):
    def __init__(
        self,
        db: SqlDatabase,
        *,
        max_decisions: int = 10_000,
        ttl_s: float = 3600.0,
        queue_size: int = 10_000,
        flush_s: float = 0.25,
        wall: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(max_decisions=max_decisions, ttl_s=ttl_s)
        self.db = db
        self.dropped = 0
        self.metrics: Any = NoopMetrics()
        """Where drops and write failures are counted (the service's metrics)."""
        self._wall = wall
        self._flush_s = flush_s
        self._queue: queue.Queue[RecentDecision] = queue.Queue(maxsize=queue_size)
        self._stop = threading.Event()
        self._flushed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {_TABLE} (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, "
            "agent TEXT NOT NULL, kind TEXT NOT NULL, verdict TEXT NOT NULL, rules TEXT NOT NULL, "
            "sketches TEXT NOT NULL, digest TEXT NOT NULL, excerpt TEXT NOT NULL, "
            "created DOUBLE PRECISION NOT NULL)"
        )
        db.execute(f"CREATE INDEX IF NOT EXISTS {_TABLE}_created ON {_TABLE} (created)")

    def put(self, record: RecentDecision) -> None:
        super().put(record)
        if self._thread is None:
            self._start()
        try:
            self._queue.put_nowait(record)
        except queue.Full:
            self.dropped += 1
            self.metrics.dropped("learn_recent_queue_full")
            if self.dropped in (1, 100) or self.dropped % 10_000 == 0:
                log.warning("recent decisions: write queue full, %d dropped", self.dropped)

    def get(self, decision_id: str, *, tenant: str | None = None) -> RecentDecision | None:
        found = super().get(decision_id, tenant=tenant)
        if found is not None:
            return found
        where, params = "WHERE id = ? AND created >= ?", [decision_id, self._wall() - self.ttl_s]
        if tenant is not None:
            where += " AND tenant = ?"
            params.append(tenant)
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM {_TABLE} {where}", params)
        return _record(rows[0]) if rows else None

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until every record queued so far is written (tests, the CLI, close)."""
        deadline = time.monotonic() + timeout
        with self._flushed:
            while self._queue.unfinished_tasks and time.monotonic() < deadline:
                self._flushed.wait(0.05)

    def close(self) -> None:
        self.flush()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)

    # the writer ---------------------------------------------------------------------------

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="aimds-learn-recent", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            batch = self._take()
            if batch:
                try:
                    self._write(batch)
                except Exception as exc:  # noqa: BLE001 - the map still serves this process
                    log.error("recent decisions not written: %s", type(exc).__name__)
                    self.metrics.backend_failure("learn_recent")
                finally:
                    for _ in batch:
                        self._queue.task_done()
                    with self._flushed:
                        self._flushed.notify_all()

    def _take(self) -> list[RecentDecision]:
        try:
            first = self._queue.get(timeout=self._flush_s)
        except queue.Empty:
            return []
        batch = [first]
        while len(batch) < _BATCH:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _write(self, batch: Sequence[RecentDecision]) -> None:
        now = self._wall()
        marks = ", ".join("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" for _ in batch)
        params: list[Any] = []
        for r in batch:
            params += [
                r.id,
                r.tenant,
                r.agent,
                r.kind,
                r.verdict,
                json.dumps(list(r.rules)),
                json.dumps([list(s) for s in r.sketches]),
                r.digest,
                r.excerpt,
                now,
            ]
        self.db.execute(
            f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES {marks} ON CONFLICT (id) DO NOTHING",
            params,
        )
        self.db.execute(f"DELETE FROM {_TABLE} WHERE created < ?", (now - self.ttl_s,))
        self.db.execute(
            f"DELETE FROM {_TABLE} WHERE id IN (SELECT id FROM {_TABLE} "
            f"ORDER BY created DESC, id DESC LIMIT {_BATCH} OFFSET ?)",
            (self.max_decisions,),
        )


def _record(r: Sequence[Any]) -> RecentDecision:
    return RecentDecision(
        id=r[0],
        tenant=r[1],
        agent=r[2],
        kind=r[3],
        verdict=r[4],
        rules=tuple(json.loads(r[5])),
        sketches=tuple(tuple(s) for s in json.loads(r[6])),
        digest=r[7],
        excerpt=r[8],
        ts=float(r[9]),
    )
