"""The kill switch: a local set of active kills read on every event, kept true to a store.

Reading is lock-free: the active kills live in a dict that is replaced whole on every
change, so the per-event check is one attribute load and, only while something is killed,
up to three dict lookups (global, tenant, agent).

Where a :class:`KillStore` is given (the service's database: SQLite embedded, PostgreSQL in
cluster mode) it is the truth: :meth:`KillSwitch.refresh` (every ``poll_s`` in the
follower thread, and at once when a pub/sub message arrives) replaces the local set with
what the store holds. The rules that make the switch hold when a backend fails:

- a kill applies locally *before* it is written, so it stops this process's agents even
  when the store is down; one that could not be written is kept as *pending*, held
  locally and retried on every refresh until the store has it;
- a refresh that cannot read the store changes nothing: the last known set holds;
- a kill applied while a refresh was in flight is not dropped by that refresh's (older)
  snapshot, and a revive made here is not undone by one;
- a revive must reach the store (:class:`~aimds.errors.BackendError` otherwise): a revive
  that only happened locally would be undone by the next refresh anyway, and an admin must
  know the switch did not flip;
- pub/sub (Redis) only makes other processes look sooner: losing it never un-kills.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from aimds.errors import BackendError
from aimds.kill.records import ANY, GLOBAL_KEY, MAX_REASON, KillRecord, scope_key
from aimds.types import Finding

__all__ = ["KillOutcome", "KillStore", "KillSwitch", "Publisher"]

log = logging.getLogger("aimds.kill")

Key = tuple[str, str]


@runtime_checkable
class KillStore(Protocol):
    """Durable kills. Every method raises :class:`BackendError` when it cannot answer."""

    def load(self) -> list[KillRecord]: ...

    def put(self, record: KillRecord) -> None: ...

    def delete(self, key: Key) -> KillRecord | None: ...


Publisher = Callable[[str, KillRecord], bool]
"""``publish(op, record) -> sent``: tells other processes (``op`` is ``kill`` or
``revive``); best effort, never raises."""


@dataclass(frozen=True, slots=True, kw_only=True)
class KillOutcome:
    """What :meth:`KillSwitch.kill` did: the record, whether the durable store holds it
    (``False`` for a switch without a store, or while the write is pending and retried)
    and whether other processes were told at once."""

    record: KillRecord
    stored: bool
    published: bool

    def as_dict(self) -> dict[str, object]:
        return {**self.record.as_dict(), "stored": self.stored, "published": self.published}


class KillSwitch:
    """Active kills of one process; thread-safe. Without a store, kills live in memory."""

    def __init__(
        self,
        store: KillStore | None = None,
        *,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        publish: Publisher | None = None,
    ) -> None:
        self.store = store
        self.publish = publish
        self._clock = clock
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._records: dict[Key, KillRecord] = {}
        self._active: dict[Key, Finding] = {}  # replaced whole; read without the lock
        self._pending: dict[Key, KillRecord] = {}
        self._applied_at: dict[Key, float] = {}
        self._revived_at: dict[Key, float] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._closers: list[Callable[[], None]] = []
        self._followers: list[tuple[Callable[[], None], Callable[[], None]]] = []
        self.store_errors = 0
        """How often the store did not answer (a number a metrics exporter can read)."""
        self._store_down = False

    @property
    def store_down(self) -> bool:
        """True while the last read of the store failed (the known kills hold meanwhile)."""
        return self._store_down

    @property
    def active_count(self) -> int:
        """How many kill scopes are in force here (every tenant)."""
        return len(self._active)

    # -- the hot path --------------------------------------------------------------------

    def blocking(self, tenant: str, agent: str) -> Finding | None:
        """The ``kill.active`` finding if a kill covers ``agent`` of ``tenant``, else ``None``."""
        active = self._active
        if not active:
            return None
        return active.get(GLOBAL_KEY) or active.get((tenant, ANY)) or active.get((tenant, agent))

    # -- operator calls ------------------------------------------------------------------

    def kill(
        self,
        *,
        tenant: str | None = None,
        agent: str | None = None,
        reason: str,
        all_tenants: bool = False,
        by: str = "library",
        by_role: str = "library",
    ) -> KillOutcome:
        """Stop every event of ``agent`` of ``tenant`` (``agent=None``: the whole tenant;
        ``all_tenants=True``: everyone). Effective here at once, whatever the backends do."""
        key = scope_key(tenant=tenant, agent=agent, all_tenants=all_tenants)
        record = KillRecord(
            tenant=key[0],
            agent=key[1],
            reason=str(reason)[:MAX_REASON],
            by=by,
            by_role=by_role,
            ts=self._clock(),
        )
        with self._lock:
            self._records[key] = record
            self._applied_at[key] = self._monotonic()
            self._revived_at.pop(key, None)
            self._install()
        stored = self.store is not None
        if self.store is not None:
            try:
                self.store.put(record)
            except BackendError as exc:
                stored = False
                self.store_errors += 1
                with self._lock:
                    self._pending[key] = record
                log.error(
                    "kill of %s/%s holds locally but is not stored yet (%s); retrying",
                    key[0],
                    key[1],
                    type(exc).__name__,
                )
        published = self._publish("kill", record)
        return KillOutcome(record=record, stored=stored, published=published)

    def revive(
        self, *, tenant: str | None = None, agent: str | None = None, all_tenants: bool = False
    ) -> KillRecord | None:
        """Lift exactly this scope's kill (a narrower or wider one still holds); returns
        the record lifted, or ``None`` when there was none. Raises :class:`BackendError`
        when the store cannot be changed (the kill then still holds)."""
        key = scope_key(tenant=tenant, agent=agent, all_tenants=all_tenants)
        removed = self.store.delete(key) if self.store is not None else None
        with self._lock:
            local = self._records.pop(key, None)
            pending = self._pending.pop(key, None)
            self._applied_at.pop(key, None)
            self._revived_at[key] = self._monotonic()
            self._install()
        found = removed or local or pending
        if found is not None:
            self._publish("revive", found)
        return found

    def get(
        self, *, tenant: str | None = None, agent: str | None = None, all_tenants: bool = False
    ) -> KillRecord | None:
        """The kill of exactly this scope, or ``None``."""
        return self._records.get(scope_key(tenant=tenant, agent=agent, all_tenants=all_tenants))

    def covering(self, tenant: str, agent: str) -> KillRecord | None:
        """The kill that stops ``agent`` of ``tenant`` (the widest scope first), or ``None``."""
        records = self._records
        return records.get(GLOBAL_KEY) or records.get((tenant, ANY)) or records.get((tenant, agent))

    def active(self, tenant: str | None = None) -> list[KillRecord]:
        """Active kills (of ``tenant`` and the global one, when given), oldest first."""
        found = [
            r for r in list(self._records.values()) if tenant is None or r.tenant in (tenant, ANY)
        ]
        return sorted(found, key=lambda r: r.ts)

    @property
    def pending(self) -> list[KillRecord]:
        """Kills that hold here but are not in the durable store yet."""
        return list(self._pending.values())

    # -- keeping true to the store -------------------------------------------------------

    def attach(self, store: KillStore) -> None:
        """Keep kills in ``store`` from now on; the kills held so far are written to it
        on the next :meth:`refresh` (pending until then), so none is lost."""
        with self._lock:
            self.store = store
            self._pending.update(self._records)

    def refresh(self) -> bool:
        """Write pending kills, then replace the local set with the store's. ``False``
        (and nothing changed) when the store cannot answer."""
        store = self.store
        if store is None:
            return True
        started = self._monotonic()
        try:
            for key, record in list(self._pending.items()):
                store.put(record)
                with self._lock:
                    if self._pending.get(key) is record:
                        del self._pending[key]
            rows = store.load()
        except BackendError as exc:
            self.store_errors += 1
            if not self._store_down:  # once per outage: the follower retries every poll
                self._store_down = True
                log.warning(
                    "kill switch: the store did not answer (%s); the last known kills hold",
                    type(exc).__name__,
                )
            return False
        if self._store_down:
            self._store_down = False
            log.warning("kill switch: the store answers again")
        with self._lock:
            fresh = {r.key: r for r in rows}
            for key, record in self._records.items():
                if key not in fresh and self._applied_at.get(key, -1.0) >= started:
                    fresh[key] = record  # applied after this snapshot was taken
            for key, at in list(self._revived_at.items()):
                if at >= started:
                    fresh.pop(key, None)  # revived here after this snapshot was taken
                elif started - at > 60:
                    del self._revived_at[key]
            fresh.update(self._pending)
            self._records = fresh
            for key in [k for k in self._applied_at if k not in fresh]:
                del self._applied_at[key]
            self._install()
        return True

    def apply(self, op: str, record: KillRecord) -> None:
        """A message from another process: a kill applies at once; any message makes the
        follower read the store now (a revive takes effect only from the store, so a
        forged or stale message can never un-kill)."""
        if op == "kill":
            with self._lock:
                self._records[record.key] = record
                self._applied_at[record.key] = self._monotonic()
                self._install()
        self._wake.set()

    def wake(self) -> None:
        """Make the follower read the store now."""
        self._wake.set()

    def start(self, poll_s: float = 1.0) -> None:
        """Follow the store: read it now, then every ``poll_s`` (and when woken)."""
        if self.store is None or self._thread is not None:
            return
        self._stop.clear()  # a service's lifespan may run more than once
        self.refresh()
        for start, _ in self._followers:
            start()

        def follow() -> None:
            while not self._stop.is_set():
                self._wake.wait(poll_s)
                self._wake.clear()
                if self._stop.is_set():
                    return
                try:
                    self.refresh()
                except Exception as exc:  # noqa: BLE001 - the follower must not die
                    log.error("kill switch refresh raised %s", type(exc).__name__)

        self._thread = threading.Thread(target=follow, name="aimds-kill", daemon=True)
        self._thread.start()

    def follow_with(self, start: Callable[[], None], stop: Callable[[], None]) -> None:
        """Run ``start`` (a listener's) whenever the switch starts, ``stop`` when it closes."""
        self._followers.append((start, stop))

    def on_close(self, closer: Callable[[], None]) -> None:
        """Run ``closer`` (a listener's or a connection's) when the switch closes."""
        self._closers.append(closer)

    def close(self) -> None:
        """Stop following the store (:meth:`start` may follow it again) and release what
        was handed over with :meth:`on_close`. The kills held stay readable."""
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(5)
        closers, self._closers = [stop for _, stop in self._followers] + self._closers, []
        for closer in closers:
            try:
                closer()
            except Exception as exc:  # noqa: BLE001 - closing must not raise
                log.warning("kill switch: closing raised %s", type(exc).__name__)

    # -- internals -----------------------------------------------------------------------

    def _install(self) -> None:
        """Rebuild the lock-free read view (callers hold the lock)."""
        self._active = {key: record.finding() for key, record in self._records.items()}

    def _publish(self, op: str, record: KillRecord) -> bool:
        if self.publish is None:
            return False
        try:
            return self.publish(op, record)
        except Exception as exc:  # noqa: BLE001 - the message is a speed-up, never the record
            log.warning("kill switch: could not tell other processes (%s)", type(exc).__name__)
            return False
