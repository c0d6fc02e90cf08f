"""The background writer: a bounded queue drained by one thread in group commits.

Durability modes:

- ``async``: ``submit`` returns once the record is queued. Up to ``queue_size`` records
  (plus one batch in flight) can be lost if the process dies without ``close()``; that is
  the loss window. ``close()`` (``guard.close()``) flushes, as do the opt-in atexit and
  SIGTERM handlers of :meth:`aimds.audit.AuditLog.install_signal_handlers`.
- ``sync``: ``submit`` returns after the record's transaction committed. Concurrent
  callers still share one commit (group commit), so throughput scales with threads.

When the queue is full, ``on_full="block"`` makes ``submit`` wait for room and
``on_full="drop"`` loses the record, counted as ``queue_full`` and logged (rate limited) —
never silently. A failing store marks the writer unhealthy (the stage then reports
``backend.unavailable``); async batches are retried with backoff, then dropped and counted
as ``backend_error``.
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

from aimds.audit.chain import StoredRecord
from aimds.audit.checkpoints import CheckpointSigner
from aimds.audit.metrics import Metrics, NoopMetrics
from aimds.audit.records import MaskingError, PendingRecord
from aimds.audit.store import AuditStore
from aimds.errors import BackendError

__all__ = ["AuditWriter", "SubmitStatus"]

log = logging.getLogger("aimds.audit")

_RETRY_DELAYS = (0.05, 0.25, 1.0)

Job = PendingRecord | Callable[[], PendingRecord]


class SubmitStatus(enum.StrEnum):
    """What became of one submitted record."""

    COMMITTED = "committed"
    QUEUED = "queued"
    DROPPED = "dropped"
    FAILED = "failed"

    def __str__(self) -> str:
        return self.value


class _Waiter:
    __slots__ = ("done", "error")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.error: str | None = None


class AuditWriter:
    """Owns the queue and the writer thread for one store."""

    def __init__(
        self,
        store: AuditStore,
        *,
        durability: str = "async",
        queue_size: int = 10_000,
        batch_size: int = 512,
        flush_interval_s: float = 0.05,
        on_full: str = "block",
        signer: CheckpointSigner | None = None,
        checkpoint_every: int = 1000,
        checkpoint_file: str | None = None,
        on_committed: Callable[[Sequence[StoredRecord]], None] | None = None,
        metrics: Metrics | None = None,
        sync_timeout_s: float = 30.0,
    ) -> None:
        if durability not in ("sync", "async"):
            raise ValueError("durability must be 'sync' or 'async'")
        if on_full not in ("block", "drop"):
            raise ValueError("on_full must be 'block' or 'drop'")
        self.store = store
        self.sync = durability == "sync"
        self._max = queue_size
        self._batch = batch_size
        self._interval = flush_interval_s
        self._block_when_full = on_full == "block"
        self._signer = signer
        self._cp_every = checkpoint_every
        self._cp_file = Path(checkpoint_file) if checkpoint_file else None
        self._on_committed = on_committed
        self._metrics = metrics or NoopMetrics()
        self._sync_timeout = sync_timeout_s
        self._queue: collections.deque[tuple[Job, _Waiter | None]] = collections.deque()
        self._cond = threading.Condition()
        self._submitted = 0
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
        return len(self._queue)

    def submit(self, record: Job) -> tuple[SubmitStatus, str]:
        """Queue ``record`` (or a callable building it on the writer thread, which keeps
        masking and serialising off the caller's path); in sync mode wait for its commit.
        Never raises."""
        waiter = _Waiter() if self.sync else None
        with self._cond:
            if self._closed:
                self._drop("closed")
                return SubmitStatus.DROPPED, "the audit log is closed"
            while len(self._queue) >= self._max:
                if not self._block_when_full:
                    self._drop("queue_full")
                    return SubmitStatus.DROPPED, "the audit queue is full"
                self._cond.wait(0.1)
                if self._closed:
                    self._drop("closed")
                    return SubmitStatus.DROPPED, "the audit log is closed"
            self._queue.append((record, waiter))
            self._submitted += 1
            self._metrics.queue_depth(len(self._queue))
            self._cond.notify_all()
        if waiter is None:
            return SubmitStatus.QUEUED, ""
        if not waiter.done.wait(self._sync_timeout):
            return SubmitStatus.FAILED, "the audit commit timed out"
        if waiter.error is not None:
            return SubmitStatus.FAILED, waiter.error
        return SubmitStatus.COMMITTED, ""

    def count_drop(self, reason: str) -> None:
        """Count a record lost before it reached the queue (e.g. masking failed)."""
        with self._cond:
            self._drop(reason)

    def _drop(self, reason: str) -> None:
        self.dropped[reason] += 1
        self._metrics.dropped(reason)
        now = time.monotonic()
        if now - self._last_drop_log > 5.0:
            self._last_drop_log = now
            log.warning(
                "audit record dropped (%s); drops so far: %s", reason, dict(self.dropped)
            )

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything submitted so far is written (or given up). True if so."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            target = self._submitted
            self._cond.notify_all()
            while self._finished < target:
                if not self._thread.is_alive():
                    return False
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(0.05 if left is None else min(left, 0.05))
        return True

    def close(self, timeout: float | None = 30.0) -> None:
        """Flush, sign a final checkpoint per chain written, stop the thread. Idempotent."""
        with self._cond:
            if self._closed:
                return
        self.flush(timeout)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout)
        for chain in list(self._heads):
            self._checkpoint(chain, force=True)

    # -- the writer thread ------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait(self._interval)
                if not self._queue and self._closed:
                    return
                batch = [self._queue.popleft() for _ in range(min(self._batch, len(self._queue)))]
                self._metrics.queue_depth(len(self._queue))
                self._cond.notify_all()
            self._write(batch)
            with self._cond:
                self._finished += len(batch)  # jobs taken, written or dropped
                self._cond.notify_all()

    def _write(self, jobs: list[tuple[Job, _Waiter | None]]) -> None:
        batch: list[tuple[PendingRecord, _Waiter | None]] = []
        for job, waiter in jobs:
            try:
                batch.append((job if isinstance(job, PendingRecord) else job(), waiter))
            except MaskingError as exc:
                log.error("audit record dropped: %s", exc)
                with self._cond:
                    self._drop("masking_failed")
                if waiter is not None:
                    waiter.error = "masking failed; the record was not written"
                    waiter.done.set()
        records = [r for r, _ in batch]
        if not records:
            return
        error = ""
        stored: list[StoredRecord] = []
        attempts = 1 if self.sync else 1 + len(_RETRY_DELAYS)
        for attempt in range(attempts):
            try:
                stored = self.store.append(records)
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
            with self._cond:
                for _ in records:
                    self._drop("backend_error")
        else:
            if not self.healthy:
                log.warning("audit store recovered")
            self.healthy = True
            self.last_error = ""
        for _, waiter in batch:
            if waiter is not None:
                waiter.error = error or None
                waiter.done.set()
        if error:
            return
        self._metrics.records_written(len(stored))
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
                self._cp_file.parent.mkdir(parents=True, exist_ok=True)
                with self._cp_file.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(cp.to_dict(), sort_keys=True) + "\n")
            except OSError as exc:
                log.error("audit checkpoint file not written: %s", type(exc).__name__)

    def stats(self) -> dict[str, Any]:
        return {
            "queued": self.depth,
            "submitted": self._submitted,
            "finished": self._finished,
            "dropped": dict(self.dropped),
            "healthy": self.healthy,
            "last_error": self.last_error,
        }
