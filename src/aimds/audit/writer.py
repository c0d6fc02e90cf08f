"""The background writer: a bounded queue drained by one thread in group commits.

Durability modes:

- ``async``: ``submit`` appends the job to the queue and returns; it takes no lock and
  wakes nobody until a batch is full, so the caller pays for one ``deque.append``. The
  writer thread wakes every ``flush_interval_s`` (or when a batch is full), builds the
  records (masking, digests, serialising), links and commits them in one transaction.
  Up to ``queue_size`` records (plus one batch in flight) can be lost if the process dies
  without ``close()``; that is the loss window. On SQLite a committed transaction is not
  fsynced (WAL with ``synchronous=NORMAL``): a power cut can also lose the last commits,
  never break the chain. ``close()`` (``guard.close()``) flushes, as do the opt-in atexit
  and SIGTERM handlers of :meth:`aimds.audit.AuditLog.install_signal_handlers`.
- ``sync``: ``submit`` returns after the record's transaction committed. Concurrent
  callers still share one commit (group commit), so throughput scales with threads.

When the queue is full, ``on_full="block"`` makes ``submit`` wait for room and
``on_full="drop"`` loses the record, counted as ``queue_full`` and logged (rate limited) —
never silently. Checkpoints are signed every ``checkpoint_every`` records, every
``checkpoint_interval_s`` seconds when records were written since the last, and on close.
A failing store marks the writer unhealthy (the stage then reports
``backend.unavailable``); async batches are retried with backoff, then dropped and counted
as ``backend_error``. A store locked elsewhere fails an append within its write timeout
(0.5 s on SQLite, 1 s on PostgreSQL), so that happens at once, never after minutes.
"""

from __future__ import annotations

import collections
import enum
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from aimds._files import private_dir, private_file
from aimds.audit.chain import StoredRecord
from aimds.audit.checkpoints import CheckpointSigner
from aimds.audit.metrics import Metrics, NoopMetrics
from aimds.audit.records import MaskingError, PendingRecord
from aimds.audit.store import AuditStore
from aimds.errors import BackendError

__all__ = ["AuditWriter", "Job", "SubmitStatus"]

log = logging.getLogger("aimds.audit")

_RETRY_DELAYS = (0.05, 0.25, 1.0)

# A job is a finished record, or the fields of one as a tuple: the writer thread calls
# its ``build(job)`` to get the record, which keeps masking and serialising off the caller.
Job = PendingRecord | tuple[Any, ...]


class SubmitStatus(enum.StrEnum):
    """What became of one submitted record."""

    COMMITTED = "committed"
    QUEUED = "queued"
    DROPPED = "dropped"
    FAILED = "failed"

    def __str__(self) -> str:
        return self.value


class _Waiter:
    """A queue item someone waits on: a sync job, or (``job`` None) a flush marker."""

    __slots__ = ("done", "error", "job")

    def __init__(self, job: Job | None) -> None:
        self.job = job
        self.done = threading.Event()
        self.error: str | None = None


_QUEUED = (SubmitStatus.QUEUED, "")


class AuditWriter:
    """Owns the queue and the writer thread for one store."""

    def __init__(
        self,
        store: AuditStore,
        *,
        build: Callable[[tuple[Any, ...]], PendingRecord],
        durability: str = "async",
        queue_size: int = 10_000,
        batch_size: int = 2_048,
        flush_interval_s: float = 0.05,
        on_full: str = "block",
        signer: CheckpointSigner | None = None,
        checkpoint_every: int = 1000,
        checkpoint_interval_s: float | None = 60.0,
        checkpoint_file: str | None = None,
        on_committed: Callable[[Sequence[StoredRecord]], None] | None = None,
        metrics: Metrics | None = None,
        sync_timeout_s: float = 5.0,
    ) -> None:
        if durability not in ("sync", "async"):
            raise ValueError("durability must be 'sync' or 'async'")
        if on_full not in ("block", "drop"):
            raise ValueError("on_full must be 'block' or 'drop'")
        self.store = store
        self._build = build
        self.sync = durability == "sync"
        self._interval = flush_interval_s
        self._block_when_full = on_full == "block"
        self._signer = signer
        self._cp_every = checkpoint_every
        self._cp_interval = checkpoint_interval_s
        self._cp_due = time.monotonic() + (checkpoint_interval_s or 0.0)
        self._cp_file = Path(checkpoint_file) if checkpoint_file else None
        self._on_committed = on_committed
        self._metrics = metrics or NoopMetrics()
        self._sync_timeout = sync_timeout_s
        # Producers append, the writer thread pops: deque appends and pops are atomic, so
        # the async fast path needs no lock. An async job is queued as it is (no wrapper
        # to allocate and keep per decision); sync jobs and flush markers as a _Waiter.
        self.queue: collections.deque[Job | _Waiter] = collections.deque()
        # The producer fast path, for a caller on every decision (the record stage) that
        # cannot afford a call: while ``direct`` is true it may append a job to ``queue``
        # itself when ``len(queue) < queue_limit``, and must call :meth:`kick` when its
        # append made the length ``batch_size``. Anything else goes through :meth:`submit`
        # (a full queue, sync mode, a closed writer).
        self.direct = not self.sync
        self.queue_limit = queue_size
        self.batch_size = batch_size
        self._wake = threading.Event()  # "work is ready now": batch full, sync, flush, close
        self._room = threading.Condition()  # producers blocked on a full queue wait here
        self._stats_lock = threading.Lock()
        self._finished = 0
        self._closed = False
        self._heads: dict[str, tuple[int, str]] = {}
        self._last_cp: dict[str, int] = {}
        self._last_drop_log = 0.0
        self.healthy = True
        self.last_error = ""
        self.dropped: collections.Counter[str] = collections.Counter()
        self._thread = threading.Thread(target=self._run, name="aimds-audit-writer", daemon=True)
        self._thread.start()

    # -- producer side ----------------------------------------------------------------

    @property
    def depth(self) -> int:
        return len(self.queue)

    def kick(self) -> None:
        """Wake the writer thread: a batch is ready (see ``direct``)."""
        self._wake.set()

    def submit(self, record: Job) -> tuple[SubmitStatus, str]:
        """Queue ``record`` (or a job of fields for ``build``, run on the writer thread); in
        sync mode wait for its commit. Never raises."""
        queue = self.queue
        if self._closed:
            return self._dropped("closed", "the audit log is closed")
        if len(queue) >= self.queue_limit:
            full = self._wait_for_room()
            if full is not None:
                return full
        if not self.sync:
            queue.append(record)
            if len(queue) >= self.batch_size and not self._wake.is_set():
                self._wake.set()
            return _QUEUED
        waiter = _Waiter(record)
        queue.append(waiter)
        self._wake.set()
        if not waiter.done.wait(self._sync_timeout):
            return SubmitStatus.FAILED, "the audit commit timed out"
        if waiter.error is not None:
            return SubmitStatus.FAILED, waiter.error
        return SubmitStatus.COMMITTED, ""

    def _wait_for_room(self) -> tuple[SubmitStatus, str] | None:
        """The slow path of a full queue: drop, or wait until the writer made room."""
        if not self._block_when_full:
            return self._dropped("queue_full", "the audit queue is full")
        self._wake.set()
        with self._room:
            while len(self.queue) >= self.queue_limit:
                if self._closed or not self._thread.is_alive():
                    return self._dropped("closed", "the audit log is closed")
                self._room.wait(0.1)
        return None

    def _dropped(self, reason: str, detail: str) -> tuple[SubmitStatus, str]:
        self.count_drop(reason)
        return SubmitStatus.DROPPED, detail

    def count_drop(self, reason: str, n: int = 1) -> None:
        """Count records lost (queue full, closed, masking failed, store failing); logged
        at most every five seconds, never silent."""
        with self._stats_lock:
            self.dropped[reason] += n
            now = time.monotonic()
            should_log = now - self._last_drop_log > 5.0
            if should_log:
                self._last_drop_log = now
                counts = dict(self.dropped)
        for _ in range(n):
            self._metrics.dropped(reason)
        if should_log:
            log.warning("audit record dropped (%s); drops so far: %s", reason, counts)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything submitted so far is written (or given up). True if so.

        A marker goes into the queue behind every job submitted before it; the writer
        releases it once everything ahead of it is committed."""
        if not self._thread.is_alive():
            return not self.queue
        marker = _Waiter(None)
        self.queue.append(marker)
        self._wake.set()
        deadline = None if timeout is None else time.monotonic() + timeout
        while not marker.done.wait(0.05):
            if not self._thread.is_alive():
                return False
            if deadline is not None and time.monotonic() >= deadline:
                return False
        return True

    def close(self, timeout: float | None = 30.0) -> None:
        """Flush, sign a final checkpoint per chain written, stop the thread. Idempotent."""
        if self._closed:
            return
        self.direct = False
        self.flush(timeout)
        self._closed = True
        self._wake.set()
        self._thread.join(timeout)
        left = 0
        while self.queue:  # submitted while closing: lost, and counted
            item = self.queue.popleft()
            if isinstance(item, _Waiter):
                item.error = "the audit log is closed"
                item.done.set()
                left += item.job is not None
            else:
                left += 1
        if left:
            self.count_drop("closed", left)
        for chain in list(self._heads):
            self._checkpoint(chain, force=True)

    # -- the writer thread ------------------------------------------------------------

    def _run(self) -> None:
        queue = self.queue
        wake = self._wake
        while True:
            if len(queue) < self.batch_size and not self._closed:
                wake.wait(self._interval)
            wake.clear()
            n = min(self.batch_size, len(queue))
            if self._cp_interval is not None and time.monotonic() >= self._cp_due:
                # A time-based checkpoint too, so a quiet log's tail is not left unsigned
                # until the next thousand records.
                self._cp_due = time.monotonic() + self._cp_interval
                for chain in list(self._heads):
                    self._checkpoint(chain, force=True)
            if n == 0:
                if self._closed:
                    return
                continue
            batch = [queue.popleft() for _ in range(n)]
            self._metrics.queue_depth(len(queue))
            with self._room:
                self._room.notify_all()
            markers = [w for w in batch if isinstance(w, _Waiter) and w.job is None]
            try:
                self._write(batch)
            finally:
                with self._stats_lock:
                    self._finished += n - len(markers)
                for marker in markers:
                    marker.done.set()

    def _write(self, items: list[Job | _Waiter]) -> None:
        records: list[PendingRecord] = []
        waiters: list[_Waiter] = []  # sync jobs whose record is in ``records``
        for item in items:
            waiter: _Waiter | None = None
            if isinstance(item, _Waiter):
                if item.job is None:
                    continue
                waiter, job = item, item.job
            else:
                job = item
            try:
                records.append(job if isinstance(job, PendingRecord) else self._build(job))
            except MaskingError as exc:
                log.error("audit record dropped: %s", exc)
                self.count_drop("masking_failed")
                if waiter is not None:
                    waiter.error = "masking failed; the record was not written"
                    waiter.done.set()
                continue
            if waiter is not None:
                waiters.append(waiter)
        if not records:
            return
        error = ""
        stored: list[StoredRecord] = []
        attempts = 1 if self.sync else 1 + len(_RETRY_DELAYS)
        for attempt in range(attempts):
            try:
                stored = self.store.append(records, all_records=self._on_committed is not None)
                error = ""
                break
            except BackendError as exc:
                error = str(exc)
            except Exception as exc:  # noqa: BLE001 - the writer thread must never die
                error = f"audit store failed: {type(exc).__name__}"
            self._mark_unhealthy(error)
            if attempt < attempts - 1:
                time.sleep(_RETRY_DELAYS[attempt])
        if error:
            self._metrics.backend_failure("audit")
            self.count_drop("backend_error", len(records))
        else:
            if not self.healthy:
                log.warning("audit store recovered")
            self.healthy = True
            self.last_error = ""
        for waiter in waiters:
            waiter.error = error or None
            waiter.done.set()
        if error:
            return
        self._metrics.records_written(len(records))
        for rec in stored:
            self._heads[rec.chain] = (rec.seq, rec.hash)
        for chain in {r.chain for r in stored}:
            self._checkpoint(chain, force=False)
        if self._on_committed is not None:
            try:
                self._on_committed(stored)
            except Exception as exc:  # noqa: BLE001 - sinks never break the writer
                log.error("audit sink dispatch failed: %s", type(exc).__name__)

    def _mark_unhealthy(self, error: str) -> None:
        if self.healthy:
            log.error("audit store failing: %s", error)
        self.healthy = False
        self.last_error = error

    def _checkpoint(self, chain: str, *, force: bool) -> None:
        if self._signer is None:
            return
        head = self._heads.get(chain)
        if head is None:
            return
        last = self._last_cp.get(chain)
        if last is None:
            try:
                existing = self.store.checkpoints(chain)
            except BackendError:
                existing = []
            last = existing[-1].seq if existing else 0
            self._last_cp[chain] = last
        if head[0] <= last or (not force and head[0] - last < self._cp_every):
            return
        cp = self._signer.sign(chain, head[0], head[1])
        try:
            self.store.add_checkpoint(cp)
        except BackendError as exc:
            self._mark_unhealthy(str(exc))
            return
        self._last_cp[chain] = head[0]
        if self._cp_file is not None:
            try:
                private_dir(self._cp_file.parent)
                private_file(self._cp_file)
                with self._cp_file.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(cp.to_dict(), sort_keys=True) + "\n")
            except OSError as exc:
                log.error("audit checkpoint file not written: %s", type(exc).__name__)

    def stats(self) -> dict[str, Any]:
        queued = sum(
            1 for item in list(self.queue) if not isinstance(item, _Waiter) or item.job is not None
        )
        return {
            "queued": queued,
            "submitted": self._finished + queued,
            "finished": self._finished,
            "dropped": dict(self.dropped),
            "healthy": self.healthy,
            "last_error": self.last_error,
        }
