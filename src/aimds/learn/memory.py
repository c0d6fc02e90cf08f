"""The attack memory: confirmed attacks per tenant, durable in SQL, searched in memory.

Each entry holds the sketches of one confirmed attack (see :mod:`aimds.learn.sketch`) and
a masked excerpt for people to read; the raw text is never stored. The table is the truth
(SQLite by default, PostgreSQL in cluster mode, through
:class:`~aimds.respond.approvals.SqlDatabase`); each process keeps a
:class:`~aimds.learn.index.SketchIndex` per tenant, built from the table the first time
the tenant is looked up, and re-read when another process changed the tenant's entries
(checked at most every ``refresh_s`` seconds, one cheap query).

Bounded: each tenant keeps at most ``max_entries`` entries. Adding one beyond that
forgets the tenant's oldest entries first (by the time they were confirmed); the shipped
seeds are not entries and are never evicted.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aimds.learn.index import Hit, SketchIndex
from aimds.learn.sketch import Sketch
from aimds.respond.approvals import SqlDatabase

__all__ = ["ENTRY_PREFIX", "AttackMemory", "MemoryEntry"]

log = logging.getLogger("aimds.learn")

ENTRY_PREFIX = "mem_"
_TABLE = "aimds_attack_memory"
_COLUMNS = "id, tenant, created, source, decision_id, actor, note, kind, sketches, excerpt"


@dataclass(frozen=True, slots=True, kw_only=True)
class MemoryEntry:
    """One confirmed attack: who confirmed it, how, and a masked excerpt (never raw text)."""

    id: str
    tenant: str
    created: float
    source: str
    decision_id: str | None
    actor: str
    note: str
    kind: str | None
    sketches: tuple[Sketch, ...]
    excerpt: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tenant": self.tenant,
            "created": self.created,
            "source": self.source,
            "decision_id": self.decision_id,
            "actor": self.actor,
            "note": self.note,
            "kind": self.kind,
            "excerpt": self.excerpt,
            "windows": len(self.sketches),
        }


@dataclass(slots=True)
class _TenantIndex:
    index: SketchIndex
    count: int
    newest: float
    checked: float


class AttackMemory:
    """Confirmed attacks of every tenant. Thread-safe."""

    def __init__(
        self, db: SqlDatabase, *, clock: Callable[[], float] = time.time, refresh_s: float = 10.0
    ) -> None:
        self.db = db
        self._clock = clock
        self.refresh_s = refresh_s
        self._lock = threading.Lock()
        self._tenants: dict[str, _TenantIndex] = {}
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {_TABLE} (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, "
            "created DOUBLE PRECISION NOT NULL, source TEXT NOT NULL, decision_id TEXT, "
            "actor TEXT NOT NULL, note TEXT NOT NULL, kind TEXT, sketches TEXT NOT NULL, "
            "excerpt TEXT NOT NULL)"
        )
        db.execute(f"CREATE INDEX IF NOT EXISTS {_TABLE}_tenant ON {_TABLE} (tenant, created)")

    # reads -------------------------------------------------------------------------------

    def lookup(self, tenant: str, sketch: Sketch, threshold: float) -> Hit | None:
        """The tenant's closest entry at or above ``threshold`` (its id, without window)."""
        hit = self._index(tenant).index.best(sketch, threshold)
        if hit is None:
            return None
        return Hit(hit.entry.partition("#")[0], hit.similarity)

    def entries(self, tenant: str, *, limit: int = 100) -> list[MemoryEntry]:
        """The tenant's entries, newest first."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM {_TABLE} WHERE tenant = ? ORDER BY created DESC, id DESC "
            f"LIMIT {int(limit)}",
            (tenant,),
        )
        return [_entry(r) for r in rows]

    def get(self, tenant: str, entry_id: str) -> MemoryEntry | None:
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM {_TABLE} WHERE tenant = ? AND id = ?", (tenant, entry_id)
        )
        return _entry(rows[0]) if rows else None

    def by_decision(self, tenant: str, decision_id: str) -> MemoryEntry | None:
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM {_TABLE} WHERE tenant = ? AND decision_id = ? LIMIT 1",
            (tenant, decision_id),
        )
        return _entry(rows[0]) if rows else None

    def count(self, tenant: str) -> int:
        return int(
            self.db.execute(f"SELECT COUNT(*) FROM {_TABLE} WHERE tenant = ?", (tenant,))[0][0]
        )

    # writes ------------------------------------------------------------------------------

    def add(
        self,
        tenant: str,
        sketches: Sequence[Sketch],
        *,
        max_entries: int,
        source: str,
        actor: str,
        note: str = "",
        decision_id: str | None = None,
        kind: str | None = None,
        excerpt: str = "",
    ) -> tuple[MemoryEntry, int]:
        """Store a confirmed attack; returns it and how many old entries were evicted."""
        sketches = tuple(tuple(s) for s in sketches if s)
        if not sketches:
            raise ValueError("an attack memory entry needs at least one non-empty sketch")
        entry = MemoryEntry(
            id=ENTRY_PREFIX + uuid.uuid4().hex,
            tenant=tenant,
            created=self._clock(),
            source=source,
            decision_id=decision_id,
            actor=actor[:200],
            note=note[:1000],
            kind=kind,
            sketches=sketches,
            excerpt=excerpt,
        )
        self.db.execute(
            f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.id,
                tenant,
                entry.created,
                source,
                decision_id,
                entry.actor,
                entry.note,
                kind,
                json.dumps([list(s) for s in sketches]),
                excerpt,
            ),
        )
        evicted = self._evict(tenant, max_entries)
        with self._lock:
            found = self._tenants.get(tenant)
            if found is not None:  # keep this process's index in step without a reload
                for n, sk in enumerate(sketches):
                    found.index.add(f"{entry.id}#{n}", sk)
                self._forget(found, evicted)
                found.count, found.newest = self._summary(tenant)
        return entry, len(evicted)

    def _evict(self, tenant: str, max_entries: int) -> list[tuple[str, int]]:
        """Delete the tenant's oldest entries beyond ``max_entries``; returns their ids and
        window counts."""
        rows = self.db.execute(
            f"SELECT id, sketches FROM {_TABLE} WHERE tenant = ? "
            f"ORDER BY created DESC, id DESC LIMIT -1 OFFSET ?"
            if not self.db.postgres
            else f"SELECT id, sketches FROM {_TABLE} WHERE tenant = ? "
            "ORDER BY created DESC, id DESC OFFSET ?",
            (tenant, max(0, max_entries)),
        )
        gone = [(r[0], len(json.loads(r[1]))) for r in rows]
        for entry_id, _ in gone:
            self.db.execute(f"DELETE FROM {_TABLE} WHERE tenant = ? AND id = ?", (tenant, entry_id))
        return gone

    @staticmethod
    def _forget(found: _TenantIndex, gone: Sequence[tuple[str, int]]) -> None:
        for entry_id, windows in gone:
            for n in range(windows):
                found.index.remove(f"{entry_id}#{n}")

    def remove(self, tenant: str, entry_id: str) -> bool:
        """Forget one entry; ``False`` if the tenant has no such entry."""
        entry = self.get(tenant, entry_id)
        if entry is None:
            return False
        changed = self.db.execute_count(
            f"DELETE FROM {_TABLE} WHERE tenant = ? AND id = ?", (tenant, entry_id)
        )
        with self._lock:
            found = self._tenants.get(tenant)
            if found is not None:
                self._forget(found, [(entry_id, len(entry.sketches))])
                found.count, found.newest = self._summary(tenant)
        return bool(changed)

    # the in-memory index -----------------------------------------------------------------

    def _index(self, tenant: str) -> _TenantIndex:
        now = time.monotonic()
        found = self._tenants.get(tenant)
        if found is not None and now - found.checked < self.refresh_s:
            return found
        with self._lock:
            found = self._tenants.get(tenant)
            if found is not None and now - found.checked < self.refresh_s:
                return found
            count, newest = self._summary(tenant)
            if found is not None and (found.count, found.newest) == (count, newest):
                found.checked = now
                return found
            built = self._load(tenant, count, newest, now)
            self._tenants[tenant] = built
            return built

    def _summary(self, tenant: str) -> tuple[int, float]:
        row = self.db.execute(
            f"SELECT COUNT(*), MAX(created) FROM {_TABLE} WHERE tenant = ?", (tenant,)
        )[0]
        return int(row[0]), float(row[1] or 0.0)

    def _load(self, tenant: str, count: int, newest: float, now: float) -> _TenantIndex:
        index = SketchIndex()
        rows = self.db.execute(f"SELECT id, sketches FROM {_TABLE} WHERE tenant = ?", (tenant,))
        for entry_id, raw in rows:
            for n, sk in enumerate(json.loads(raw)):
                index.add(f"{entry_id}#{n}", tuple(sk))
        return _TenantIndex(index=index, count=count, newest=newest, checked=now)


def _entry(r: Sequence[Any]) -> MemoryEntry:
    return MemoryEntry(
        id=r[0],
        tenant=r[1],
        created=float(r[2]),
        source=r[3],
        decision_id=r[4],
        actor=r[5],
        note=r[6],
        kind=r[7],
        sketches=tuple(tuple(s) for s in json.loads(r[8])),
        excerpt=r[9],
    )
