"""The audit log: mask -> queue -> hash-chain -> store -> OCSF sinks, behind one object.

Build it from the policy (``audit:`` section, :meth:`AuditLog.from_section`) or directly,
and inject it with ``Services(extras={"audit": log})``; an injected log wins over the
section's store settings. The HTTP service uses the same object to list, verify and record
approval transitions (:meth:`append_event`).
"""

from __future__ import annotations

import atexit
import logging
import os
import secrets
import signal
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aimds.audit.chain import StoredRecord
from aimds.audit.checkpoints import CheckpointSigner, signer_from_settings
from aimds.audit.metrics import Metrics, NoopMetrics
from aimds.audit.ocsf import record_to_ocsf
from aimds.audit.records import (
    InputDigester,
    Masker,
    MaskingError,
    PendingRecord,
    RecordBuilder,
    decision_job,
    event_record,
    loads_body,
)
from aimds.audit.sinks import Sink, build_sinks
from aimds.audit.store import AuditStore, Query, open_store
from aimds.audit.verify import VerifyResult, load_checkpoint_file, verify_store
from aimds.audit.writer import AuditWriter, SubmitStatus
from aimds.policy.sections.audit import AuditSection
from aimds.types import Decision, Evaluation, Event, Subject

__all__ = ["AuditLog", "RecordResult", "RecordStatus"]

log = logging.getLogger("aimds.audit")


RecordStatus = SubmitStatus
"""What became of a record: written (sync), queued (async), dropped or failed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordResult:
    status: RecordStatus
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status in (RecordStatus.COMMITTED, RecordStatus.QUEUED)


class AuditLog:
    """A hash-chained audit log over one store (or sinks only, when ``store`` is None)."""

    def __init__(
        self,
        store: AuditStore | None,
        *,
        durability: str = "async",
        queue_size: int = 10_000,
        batch_size: int = 2_048,
        flush_interval_s: float = 0.05,
        on_full: str = "block",
        signer: CheckpointSigner | None = None,
        checkpoint_every: int = 1000,
        checkpoint_interval_s: float | None = 60.0,
        checkpoint_file: str | None = None,
        digest_key: bytes | None = None,
        masker: Masker | None = None,
        store_events: bool = False,
        sinks: Sequence[Sink] = (),
        metrics: Metrics | None = None,
    ) -> None:
        self.store = store
        self.metrics = metrics or NoopMetrics()
        self.masker = masker or Masker()
        if digest_key is None:
            log.warning(
                "no audit digest key configured: input digests use a random per-process key "
                "and cannot be matched across processes"
            )
            self.digester = InputDigester(secrets.token_bytes(32), key_id="ephemeral")
        else:
            self.digester = InputDigester(digest_key)
        self.store_events = store_events
        self._builder = RecordBuilder(
            masker=self.masker, digester=self.digester, store_event=store_events
        )
        self.signer = signer
        self.checkpoint_file = checkpoint_file
        self.sinks = tuple(sinks)
        self._lock = threading.Lock()
        self._closed = False
        self._prev_sigterm: Any = None
        self.writer: AuditWriter | None = None
        if store is not None:
            self.writer = AuditWriter(
                store,
                build=self._builder.from_job,
                durability=durability,
                queue_size=queue_size,
                batch_size=batch_size,
                flush_interval_s=flush_interval_s,
                on_full=on_full,
                signer=signer,
                checkpoint_every=checkpoint_every,
                checkpoint_interval_s=checkpoint_interval_s,
                checkpoint_file=checkpoint_file,
                on_committed=self._dispatch if self.sinks else None,
                metrics=self.metrics,
            )

    # -- construction -----------------------------------------------------------------

    @classmethod
    def open(cls, target: str, **options: Any) -> AuditLog:
        """A log on a SQLite path or a ``postgresql://`` URL; options as ``__init__``."""
        schema = options.pop("schema", None)
        return cls(open_store(target, schema=schema), **options)

    @classmethod
    def from_section(
        cls,
        section: AuditSection,
        *,
        metrics: Metrics | None = None,
        environ: Mapping[str, str] | None = None,
        store: AuditStore | None = None,
        digest_key: bytes | None = None,
        signer: CheckpointSigner | None = None,
        signal_handlers: bool = True,
    ) -> AuditLog:
        """The log an ``audit:`` section describes (keys read from the environment now).

        ``store``, ``digest_key`` and ``signer`` stand in for the section's where given
        (the service keeps its own store and keys); the section's environment variables
        still win over a given key or signer."""
        env = os.environ if environ is None else environ
        key = env.get(section.digest_key_env)
        cps = section.checkpoints
        if store is None and section.db:
            store = open_store(section.db)
        if signer is None or env.get(cps.key_env) or cps.algorithm != "auto":
            signer = signer_from_settings(cps.algorithm, cps.key_env, environ=env)
        audit = cls(
            store,
            durability=section.durability,
            queue_size=section.queue_size,
            batch_size=section.batch_size,
            flush_interval_s=section.flush_interval_s,
            on_full=section.on_full,
            signer=signer,
            checkpoint_every=cps.every,
            checkpoint_interval_s=cps.interval_s,
            checkpoint_file=cps.file,
            digest_key=key.encode() if key else digest_key,
            masker=Masker(patterns=section.mask_patterns, sensitive_keys=section.sensitive_keys),
            store_events=section.store_events,
            sinks=build_sinks(section.sinks, metrics=metrics),
            metrics=metrics,
        )
        if section.install_signal_handlers and signal_handlers:
            audit.install_signal_handlers()
        return audit

    # -- writing ----------------------------------------------------------------------

    @property
    def healthy(self) -> bool:
        return self.writer is None or self.writer.healthy

    @property
    def last_error(self) -> str:
        return self.writer.last_error if self.writer is not None else ""

    def record(
        self, ev: Evaluation, *, decision_id: str, policy: str, latency_us: float = 0.0
    ) -> RecordResult:
        """Record a finished evaluation. Never raises; a masking failure drops the record.

        With a store, masking and serialising run on the writer thread, so an async caller
        only pays for one queue append of the evaluation's parts (:func:`decision_job`; a
        finished evaluation no longer changes, and queueing its parts rather than itself
        frees its text views and scratch).
        """
        writer = self.writer
        if writer is not None:
            status, detail = writer.submit(
                decision_job(ev, decision_id, policy, latency_us)
            )
            if status is SubmitStatus.QUEUED:
                return _QUEUED
            return RecordResult(status=status, detail=detail)
        try:
            rec = self._builder.decision(ev, decision_id, policy, latency_us)
        except MaskingError as exc:
            return self._masking_dropped(str(exc))
        return self._submit(rec)

    def record_decision(self, decision: Decision, event: Event) -> RecordResult:
        """Record a decision made elsewhere (replays, the service) for ``event``."""
        ev = Evaluation(
            event=event,
            ts=event.ts if event.ts is not None else time.time(),
            findings=list(decision.findings),
            statuses=list(decision.stages),
            action=decision.action,
            verdict=decision.verdict,
            risk=decision.risk,
            score=decision.score,
            args=event.args,
        )
        return self.record(
            ev, decision_id=decision.id, policy=decision.policy, latency_us=decision.latency_us
        )

    def append_event(
        self,
        type_: str,
        *,
        subject: Subject | None = None,
        data: Mapping[str, Any] | None = None,
        record_id: str | None = None,
        verdict: str = "",
        rules: Sequence[str] = (),
        ts: float | None = None,
    ) -> RecordResult:
        """Record a non-decision event: ``approval.requested``, ``approval.resolved``
        (``data={"approval": id, "status": "approved"|"denied", "by": who}``),
        ``quarantine``... ``data`` is masked like everything else."""
        try:
            rec = event_record(
                type_,
                record_id=record_id or uuid.uuid4().hex,
                subject=subject or Subject(),
                data=data or {},
                masker=self.masker,
                ts=ts,
                verdict=verdict,
                rules=rules,
            )
        except MaskingError as exc:
            return self._masking_dropped(str(exc))
        return self._submit(rec)

    def _masking_dropped(self, detail: str) -> RecordResult:
        if self.writer is not None:
            self.writer.count_drop("masking_failed")
        else:
            self.metrics.dropped("masking_failed")
        log.error("audit record dropped: %s", detail)
        return RecordResult(status=RecordStatus.DROPPED, detail=detail)

    def _submit(self, rec: PendingRecord) -> RecordResult:
        if self.writer is None:
            self._dispatch_pending(rec)
            return RecordResult(status=RecordStatus.COMMITTED)
        status, detail = self.writer.submit(rec)
        return RecordResult(status=status, detail=detail)

    def _dispatch(self, stored: Sequence[StoredRecord]) -> None:
        events = [record_to_ocsf(r.data(), seq=r.seq) for r in stored]
        for sink in self.sinks:
            sink.emit(events)

    def _dispatch_pending(self, rec: PendingRecord) -> None:
        if self.sinks:
            event = record_to_ocsf(loads_body(rec.body))
            for sink in self.sinks:
                sink.emit([event])

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every record submitted so far is committed (or given up)."""
        return self.writer.flush(timeout) if self.writer is not None else True

    def close(self) -> None:
        """Flush, sign final checkpoints, close sinks and the store. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self.writer is not None:
            self.writer.close()
        for sink in self.sinks:
            sink.close()
        if self.store is not None:
            self.store.close()

    def install_signal_handlers(self) -> None:
        """Opt-in: flush on interpreter exit and on SIGTERM (main thread only).

        The SIGTERM handler closes the log, then hands over to the previous handler (or
        exits with status 143 when there was none).
        """
        atexit.register(self.close)
        if threading.current_thread() is not threading.main_thread():
            log.warning("audit SIGTERM handler not installed: not on the main thread")
            return
        self._prev_sigterm = signal.getsignal(signal.SIGTERM)

        def _on_term(signum: int, frame: Any) -> None:
            self.close()
            prev = self._prev_sigterm
            if callable(prev):
                prev(signum, frame)
            else:
                raise SystemExit(128 + signum)

        signal.signal(signal.SIGTERM, _on_term)

    # -- reading ----------------------------------------------------------------------

    def _need_store(self) -> AuditStore:
        if self.store is None:
            from aimds.errors import ConfigError

            raise ConfigError("this audit log has no store (audit.db is not set)")
        return self.store

    def verify(
        self,
        *,
        chain: str | None = None,
        from_seq: int | None = None,
        checkpoint_file: str | None = None,
    ) -> VerifyResult:
        """Verify the chain(s), checking checkpoint signatures with this log's key."""
        self.flush()
        mirror = checkpoint_file or self.checkpoint_file
        extra = load_checkpoint_file(mirror) if mirror and os.path.exists(mirror) else []
        return verify_store(
            self._need_store(),
            chain=chain,
            from_seq=from_seq,
            signer=self.signer,
            extra_checkpoints=extra,
        )

    def query(self, q: Query | None = None) -> Iterator[StoredRecord]:
        """Records matching ``q`` (all, oldest first, by default)."""
        self.flush()
        return self._need_store().query(q or Query())

    def stats(self) -> dict[str, Any]:
        return self.writer.stats() if self.writer is not None else {"healthy": True}


_QUEUED = RecordResult(status=RecordStatus.QUEUED)
