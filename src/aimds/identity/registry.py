"""Who a guard trusts to sign: the identity registry.

``guard.identities`` is the registry of the guard's :class:`~aimds.types.Services` (key
``services.extras["identities"]``), so guards sharing services share it. A library guard
gets a :class:`MemoryRegistry`; the service puts a
:class:`~aimds.identity.sql_registry.SqlIdentityRegistry` there (SQLite in its data dir,
PostgreSQL in cluster mode). Both notify listeners of every change; the audit listener
writes ``identity.registered`` and ``identity.revoked`` records (key id, agent, role,
algorithm, who; never key material).

Keys are identified per tenant by key id. Revocation is final: a revoked key id cannot be
registered again (issue a new key instead).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aimds.errors import InputError
from aimds.identity import crypto
from aimds.identity.identity import AgentIdentity, PublicIdentity
from aimds.types import Services, Subject

__all__ = [
    "EXTRAS_KEY",
    "IdentityRegistry",
    "Listener",
    "MemoryRegistry",
    "audit_listener",
    "registry_of",
]

log = logging.getLogger("aimds.identity")

EXTRAS_KEY = "identities"
Listener = Callable[[str, PublicIdentity, str], None]
"""``listener(change, identity, by)`` with ``change`` ``registered`` or ``revoked``."""
_KEY_CACHE = 4096


class IdentityRegistry:
    """Register, revoke, get and list identities; look one up and verify its signatures.

    Subclasses store the records (:meth:`_insert`, :meth:`_mark_revoked`, :meth:`_read`,
    :meth:`_rows`); this class holds what is common: argument checks, listeners and a
    bounded cache of parsed verification keys (building one costs more than a check).
    """

    def __init__(self) -> None:
        self._listeners: tuple[Listener, ...] = ()
        self._keys: dict[tuple[str, str, bytes], Any] = {}
        self._lock = threading.Lock()

    # -- the public operations -----------------------------------------------------------

    def register(
        self, identity: PublicIdentity | Mapping[str, Any], *, by: str = "library"
    ) -> PublicIdentity:
        """Trust ``identity`` (``identity.public()``, or its ``as_dict(include_secret=True)``)
        to sign for its agent. :class:`InputError` when its key id is already registered
        (or was revoked)."""
        if isinstance(identity, AgentIdentity):
            raise InputError("identity: register identity.public(), not the private identity")
        record = (
            identity if isinstance(identity, PublicIdentity) else PublicIdentity.from_dict(identity)
        )
        if record.revoked:
            raise InputError("identity: a revoked identity cannot be registered")
        self._insert(record)
        self._notify("registered", record, by)
        return record

    def revoke(self, key_id: str, *, tenant: str = "default", by: str = "library") -> bool:
        """Stop trusting key ``key_id`` of ``tenant``; ``False`` if it was unknown or
        already revoked. Takes effect at once in this process (see the SQL registry for
        other processes)."""
        record = self._mark_revoked(tenant, key_id)
        if record is None:
            return False
        self._notify("revoked", record, by)
        return True

    def get(self, key_id: str, *, tenant: str = "default") -> PublicIdentity | None:
        return self._read(tenant, key_id)

    def list(self, *, tenant: str | None = None, agent: str | None = None) -> list[PublicIdentity]:
        """Identities (revoked ones included), oldest first, optionally of one tenant/agent."""
        return [r for r in self._rows(tenant) if (agent is None or r.agent == agent)]

    def lookup(self, tenant: str, key_id: str) -> PublicIdentity | None:
        """The record that verifies a signature (the hot path; subclasses may cache)."""
        return self._read(tenant, key_id)

    def verify(self, identity: PublicIdentity, signature: bytes, data: bytes) -> bool:
        """Whether ``signature`` over ``data`` was made by ``identity``'s key."""
        if identity.algorithm == crypto.HMAC_SHA256:
            assert identity.secret is not None  # guaranteed by PublicIdentity
            return crypto.hmac_verify(identity.secret, signature, data)
        assert identity.public_key is not None
        cache_key = (identity.tenant, identity.key_id, identity.public_key)
        key = self._keys.get(cache_key)
        if key is None:
            key = crypto.ed25519_public_key(identity.public_key)
            if len(self._keys) >= _KEY_CACHE:
                self._keys.clear()
            self._keys[cache_key] = key
        return crypto.ed25519_verify(key, signature, data)

    def add_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners = (*self._listeners, listener)

    # -- storage (subclasses) ------------------------------------------------------------

    def _insert(self, record: PublicIdentity) -> None:
        raise NotImplementedError

    def _mark_revoked(self, tenant: str, key_id: str) -> PublicIdentity | None:
        raise NotImplementedError

    def _read(self, tenant: str, key_id: str) -> PublicIdentity | None:
        raise NotImplementedError

    def _rows(self, tenant: str | None) -> Iterable[PublicIdentity]:
        raise NotImplementedError

    def _notify(self, change: str, record: PublicIdentity, by: str) -> None:
        log.info(
            "identity %s: %s/%s key %s by %s",
            change,
            record.tenant,
            record.agent,
            record.key_id,
            by,
        )
        for listener in self._listeners:
            try:
                listener(change, record, by)
            except Exception as exc:  # noqa: BLE001 - a listener must not undo the change
                log.error("identity listener raised %s", type(exc).__name__)


class MemoryRegistry(IdentityRegistry):
    """Identities in this process only (a library guard's default)."""

    def __init__(self) -> None:
        super().__init__()
        self._records: dict[tuple[str, str], PublicIdentity] = {}

    def _insert(self, record: PublicIdentity) -> None:
        with self._lock:
            key = (record.tenant, record.key_id)
            if key in self._records:
                raise InputError(
                    f"key_id: {record.key_id} is already registered in tenant {record.tenant}"
                )
            self._records[key] = record

    def _mark_revoked(self, tenant: str, key_id: str) -> PublicIdentity | None:
        with self._lock:
            record = self._records.get((tenant, key_id))
            if record is None or record.revoked:
                return None
            from dataclasses import replace

            revoked = replace(record, revoked=True)
            self._records[(tenant, key_id)] = revoked
            return revoked

    def _read(self, tenant: str, key_id: str) -> PublicIdentity | None:
        return self._records.get((tenant, key_id))

    def _rows(self, tenant: str | None) -> Iterable[PublicIdentity]:
        with self._lock:
            rows = list(self._records.values())
        return [r for r in rows if tenant is None or r.tenant == tenant]


def audit_listener(audit: Any) -> Listener:
    """A listener writing each change to ``audit`` (an :class:`~aimds.audit.AuditLog`)."""

    def record(change: str, identity: PublicIdentity, by: str) -> None:
        result = audit.append_event(
            f"identity.{change}",
            subject=Subject(tenant=identity.tenant, agent=identity.agent),
            data={
                "key_id": identity.key_id,
                "algorithm": identity.algorithm,
                "role": identity.role,
                "expires": identity.expires,
                "by": by,
            },
            verdict="allow" if change == "registered" else "block",
        )
        if not getattr(result, "ok", True):
            log.error("identity change not audited: %s", getattr(result, "detail", ""))

    return record


def registry_of(services: Services, audit: Any = None) -> IdentityRegistry:
    """The registry of ``services`` (an in-memory one, made on first use, that audits to
    ``audit`` or ``services.extras["audit"]`` when there is one)."""
    found = services.extras.get(EXTRAS_KEY)
    if isinstance(found, IdentityRegistry):
        return found
    registry = MemoryRegistry()
    sink = audit if audit is not None else services.extras.get("audit")
    if sink is not None and hasattr(sink, "append_event"):
        registry.add_listener(audit_listener(sink))
    current = services.extras.setdefault(EXTRAS_KEY, registry)
    assert isinstance(current, IdentityRegistry)
    return current
