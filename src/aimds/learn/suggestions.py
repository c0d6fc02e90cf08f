"""Allow-list suggestions from confirmed false positives, and the ones an admin applied.

Feedback ``benign`` on a decision that raised findings files a *suggestion*: the tenant,
the rule ids that fired, a masked excerpt, and a keyed digest of the exact text. Nothing
changes until an admin applies it (:meth:`Suggestions.apply`); then that exact text (same
digest) no longer raises the content findings listed in :data:`ALLOWABLE` for that
tenant (the memory stage removes them and notes ``memory.allowed``). Near-duplicates are
*not* allowed: an attacker could otherwise pad an attack to look like an allowed text.
A dismissed suggestion changes nothing. Every transition is audited by the caller.

::

    pending ──apply────► applied    (the exact text is allowed for the tenant)
       └─────dismiss──► dismissed
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from aimds.errors import InputError
from aimds.respond.approvals import SqlDatabase

__all__ = ["ALLOWABLE", "Suggestion", "SuggestionStatus", "Suggestions"]

ALLOWABLE = frozenset({"injection", "jailbreak", "prompt_leak"})
"""Finding categories an applied suggestion silences for its exact text (never secrets,
PII, tool-call rules or hard rules)."""

_TABLE = "aimds_learn_suggestions"
_META = "aimds_learn_meta"
_COLUMNS = (
    "id, tenant, created, decision_id, actor, note, kind, rules, digest, excerpt, status, "
    "decided_by, decided"
)


class SuggestionStatus(enum.StrEnum):
    PENDING = "pending"
    APPLIED = "applied"
    DISMISSED = "dismissed"


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    id: str
    tenant: str
    created: float
    decision_id: str
    actor: str
    note: str
    kind: str
    rules: tuple[str, ...]
    digest: str
    excerpt: str
    status: SuggestionStatus = SuggestionStatus.PENDING
    decided_by: str | None = None
    decided: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tenant": self.tenant,
            "created": self.created,
            "decision_id": self.decision_id,
            "actor": self.actor,
            "note": self.note,
            "kind": self.kind,
            "rules": list(self.rules),
            "excerpt": self.excerpt,
            "status": self.status.value,
            "decided_by": self.decided_by,
            "decided": self.decided,
        }


class Suggestions:
    """Suggestions of every tenant, and each tenant's applied digests (cached). Thread-safe."""

    def __init__(
        self, db: SqlDatabase, *, clock: Callable[[], float] = time.time, refresh_s: float = 10.0
    ) -> None:
        self.db = db
        self._clock = clock
        self._refresh_s = refresh_s
        self._lock = threading.Lock()
        self._applied: dict[str, tuple[float, frozenset[str]]] = {}
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {_TABLE} (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, "
            "created DOUBLE PRECISION NOT NULL, decision_id TEXT NOT NULL, actor TEXT NOT NULL, "
            "note TEXT NOT NULL, kind TEXT NOT NULL, rules TEXT NOT NULL, digest TEXT NOT NULL, "
            "excerpt TEXT NOT NULL, status TEXT NOT NULL, decided_by TEXT, "
            "decided DOUBLE PRECISION)"
        )
        db.execute(f"CREATE INDEX IF NOT EXISTS {_TABLE}_tenant ON {_TABLE} (tenant, status)")
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {_META} (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
        )
        db.execute(
            f"INSERT INTO {_META} (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            ("digest_key", secrets.token_hex(32)),
        )
        self._key = bytes.fromhex(
            db.execute(f"SELECT value FROM {_META} WHERE name = ?", ("digest_key",))[0][0]
        )

    def digest(self, tenant: str, text: str) -> str:
        """Keyed digest of a tenant's exact text (the key stays in the database)."""
        msg = tenant.encode("utf-8") + b"\0" + text.encode("utf-8", "surrogatepass")
        return hmac.new(self._key, msg, hashlib.sha256).hexdigest()

    # reads -------------------------------------------------------------------------------

    def list(
        self, tenant: str, *, status: SuggestionStatus | None = None, limit: int = 100
    ) -> list[Suggestion]:
        where, params = "WHERE tenant = ?", [tenant]
        if status is not None:
            where += " AND status = ?"
            params.append(status.value)
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM {_TABLE} {where} ORDER BY created DESC, id DESC "
            f"LIMIT {int(limit)}",
            params,
        )
        return [_row(r) for r in rows]

    def get(self, tenant: str, suggestion_id: str) -> Suggestion | None:
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM {_TABLE} WHERE tenant = ? AND id = ?", (tenant, suggestion_id)
        )
        return _row(rows[0]) if rows else None

    def allowed(self, tenant: str, digest_of: Callable[[], str]) -> bool:
        """Whether the tenant applied a suggestion for this exact text. ``digest_of`` is
        called only when the tenant has applied any (most have none)."""
        now = time.monotonic()
        cached = self._applied.get(tenant)
        if cached is None or now - cached[0] >= self._refresh_s:
            rows = self.db.execute(
                f"SELECT digest FROM {_TABLE} WHERE tenant = ? AND status = ?",
                (tenant, SuggestionStatus.APPLIED.value),
            )
            cached = (now, frozenset(r[0] for r in rows))
            with self._lock:
                self._applied[tenant] = cached
        return bool(cached[1]) and digest_of() in cached[1]

    # writes ------------------------------------------------------------------------------

    def add(
        self,
        *,
        tenant: str,
        decision_id: str,
        actor: str,
        note: str,
        kind: str,
        rules: Sequence[str],
        digest: str,
        excerpt: str,
    ) -> Suggestion:
        found = self.db.execute(
            f"SELECT {_COLUMNS} FROM {_TABLE} WHERE tenant = ? AND decision_id = ? LIMIT 1",
            (tenant, decision_id),
        )
        if found:  # one suggestion per decision: repeated feedback changes nothing
            return _row(found[0])
        suggestion = Suggestion(
            id="sug_" + uuid.uuid4().hex,
            tenant=tenant,
            created=self._clock(),
            decision_id=decision_id,
            actor=actor[:200],
            note=note[:1000],
            kind=kind,
            rules=tuple(rules),
            digest=digest,
            excerpt=excerpt,
        )
        self.db.execute(
            f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                suggestion.id,
                tenant,
                suggestion.created,
                decision_id,
                suggestion.actor,
                suggestion.note,
                kind,
                json.dumps(list(rules)),
                digest,
                excerpt,
                SuggestionStatus.PENDING.value,
                None,
                None,
            ),
        )
        return suggestion

    def decide(self, tenant: str, suggestion_id: str, *, apply: bool, actor: str) -> Suggestion:
        """Apply or dismiss a pending suggestion (first decision wins).

        Raises ``LookupError`` when the tenant has no such suggestion and
        :class:`InputError` when it was already decided.
        """
        current = self.get(tenant, suggestion_id)
        if current is None:
            raise LookupError(suggestion_id)
        status = SuggestionStatus.APPLIED if apply else SuggestionStatus.DISMISSED
        now = self._clock()
        changed = self.db.execute_count(
            f"UPDATE {_TABLE} SET status = ?, decided_by = ?, decided = ? "
            "WHERE tenant = ? AND id = ? AND status = ?",
            (status.value, actor[:200], now, tenant, suggestion_id, SuggestionStatus.PENDING.value),
        )
        if not changed:
            latest = self.get(tenant, suggestion_id)
            state = latest.status.value if latest is not None else "gone"
            raise InputError(f"suggestion {suggestion_id}: already {state}")
        with self._lock:
            self._applied.pop(tenant, None)
        return replace(current, status=status, decided_by=actor[:200], decided=now)


def _row(r: Sequence[Any]) -> Suggestion:
    return Suggestion(
        id=r[0],
        tenant=r[1],
        created=float(r[2]),
        decision_id=r[3],
        actor=r[4],
        note=r[5],
        kind=r[6],
        rules=tuple(json.loads(r[7])),
        digest=r[8],
        excerpt=r[9],
        status=SuggestionStatus(r[10]),
        decided_by=r[11],
        decided=float(r[12]) if r[12] is not None else None,
    )
