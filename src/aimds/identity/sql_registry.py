"""The service's identity registry: a table of the service database (SQLite in the data
dir, PostgreSQL in cluster mode), HMAC secrets sealed (:mod:`aimds.identity.sealing`).

Verification reads records through a small in-process cache (:data:`CACHE_S` seconds,
misses included, so unknown key ids cannot make every message a database read). A
revocation takes effect at once in the process that made it and within :data:`CACHE_S`
seconds in every other process sharing the database.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from aimds.errors import BackendError, ConfigError, InputError
from aimds.identity import crypto
from aimds.identity.identity import PublicIdentity
from aimds.identity.registry import IdentityRegistry
from aimds.identity.sealing import ENV, Sealer

__all__ = ["CACHE_S", "SqlIdentityRegistry"]

CACHE_S = 5.0
_CACHE_SIZE = 10_000
_TABLE = "aimds_identities"
_COLUMNS = "tenant, key_id, agent, role, algorithm, public_key, secret, created, expires, revoked"


class SqlIdentityRegistry(IdentityRegistry):
    """``db`` is a :class:`~aimds.respond.approvals.SqlDatabase` (shared, not closed here)."""

    def __init__(
        self,
        db: Any,
        sealer: Sealer,
        *,
        cache_s: float = CACHE_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.db = db
        self._sealer = sealer
        self._cache_s = cache_s
        self._monotonic = monotonic
        self._cache: collections.OrderedDict[tuple[str, str], tuple[float, Any]] = (
            collections.OrderedDict()
        )
        self._cache_lock = threading.Lock()
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {_TABLE} (tenant TEXT NOT NULL, key_id TEXT NOT NULL, "
            "agent TEXT NOT NULL, role TEXT, algorithm TEXT NOT NULL, public_key TEXT, "
            "secret TEXT, created DOUBLE PRECISION NOT NULL, expires DOUBLE PRECISION, "
            "revoked INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (tenant, key_id))"
        )

    def _insert(self, record: PublicIdentity) -> None:
        sealed = None
        if record.secret is not None:
            persistent = not str(getattr(self.db, "url", "")).endswith(":memory:")
            if persistent and not self._sealer.stable:
                raise ConfigError(
                    f"hmac-sha256 identities need a stable key to seal their secrets: set "
                    f"{ENV} (every replica the same) or run with a data dir"
                )
            sealed = self._sealer.seal(
                record.secret, context=_context(record.tenant, record.key_id)
            )
        if self._fetch(record.tenant, record.key_id) is not None:
            raise InputError(
                f"key_id: {record.key_id} is already registered in tenant {record.tenant}"
            )
        try:
            self.db.execute(
                f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (
                    record.tenant,
                    record.key_id,
                    record.agent,
                    record.role,
                    record.algorithm,
                    crypto.b64encode(record.public_key) if record.public_key else None,
                    sealed,
                    record.created,
                    record.expires,
                ),
            )
        except BackendError:
            if self._fetch(record.tenant, record.key_id) is not None:  # another process won
                raise InputError(
                    f"key_id: {record.key_id} is already registered in tenant {record.tenant}"
                ) from None
            raise
        self._forget(record.tenant, record.key_id)

    def _mark_revoked(self, tenant: str, key_id: str) -> PublicIdentity | None:
        changed = self.db.execute_count(
            f"UPDATE {_TABLE} SET revoked = 1 WHERE tenant = ? AND key_id = ? AND revoked = 0",
            (tenant, key_id),
        )
        self._forget(tenant, key_id)
        return self._fetch(tenant, key_id) if changed else None

    def _read(self, tenant: str, key_id: str) -> PublicIdentity | None:
        return self._fetch(tenant, key_id)

    def lookup(self, tenant: str, key_id: str) -> PublicIdentity | None:
        key = (tenant, key_id)
        now = self._monotonic()
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] > now:
                self._cache.move_to_end(key)
                found: PublicIdentity | None = hit[1]
                return found
        record = self._fetch(tenant, key_id)
        with self._cache_lock:
            self._cache[key] = (now + self._cache_s, record)
            self._cache.move_to_end(key)
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return record

    def _rows(self, tenant: str | None) -> Iterable[PublicIdentity]:
        where, params = ("WHERE tenant = ?", (tenant,)) if tenant is not None else ("", ())
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM {_TABLE} {where} ORDER BY created", params)
        return [self._record(r) for r in rows]

    def _fetch(self, tenant: str, key_id: str) -> PublicIdentity | None:
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM {_TABLE} WHERE tenant = ? AND key_id = ?", (tenant, key_id)
        )
        return self._record(rows[0]) if rows else None

    def _record(self, r: Any) -> PublicIdentity:
        tenant, key_id = str(r[0]), str(r[1])
        secret = (
            self._sealer.open(str(r[6]), context=_context(tenant, key_id))
            if r[6] is not None
            else None
        )
        return PublicIdentity(
            tenant=tenant,
            key_id=key_id,
            agent=str(r[2]),
            role=r[3],
            algorithm=str(r[4]),
            public_key=crypto.b64decode(r[5], field="public_key") if r[5] else None,
            secret=secret,
            created=float(r[7]),
            expires=float(r[8]) if r[8] is not None else None,
            revoked=bool(r[9]),
        )

    def _forget(self, tenant: str, key_id: str) -> None:
        with self._cache_lock:
            self._cache.pop((tenant, key_id), None)


def _context(tenant: str, key_id: str) -> str:
    return f"{tenant}:{key_id}"
