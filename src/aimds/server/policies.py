"""Versioned policies in the service database.

Two namespaces share one table: the operator's global policies (stored by name) and each
tenant's own (stored as ``TENANT/NAME``; ``/`` is in neither a tenant's nor a policy's
name, so the two never collide). Which of them runs where is
:mod:`aimds.server.tenant_policies`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from aimds.errors import PolicyError
from aimds.respond.approvals import SqlDatabase

__all__ = ["MASK", "PolicyStore", "PolicyVersion", "masked_policy_text", "policy_key"]

_TABLE = "aimds_policies"


def policy_key(name: str, tenant: str | None) -> str:
    """The stored name of policy ``name``: as is for the global one, else ``TENANT/NAME``."""
    return name if tenant is None else f"{tenant}/{name}"


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyVersion:
    name: str
    version: int
    text: str
    label: str
    author: str
    created: float
    tenant: str | None = None


class PolicyStore:
    """Policy versions; ``tenant=None`` is the operator's global namespace."""

    def __init__(self, db: SqlDatabase, *, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self._clock = clock
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {_TABLE} (name TEXT NOT NULL, version INTEGER NOT NULL, "
            "text TEXT NOT NULL, label TEXT NOT NULL, author TEXT NOT NULL, "
            "created DOUBLE PRECISION NOT NULL, PRIMARY KEY (name, version))"
        )

    def latest(self, name: str, *, tenant: str | None = None) -> PolicyVersion | None:
        rows = self.db.execute(
            f"SELECT name, version, text, label, author, created FROM {_TABLE} WHERE name = ? "
            "ORDER BY version DESC LIMIT 1",
            (policy_key(name, tenant),),
        )
        return _version(rows[0]) if rows else None

    def latest_number(self, name: str, *, tenant: str | None = None) -> int:
        rows = self.db.execute(
            f"SELECT MAX(version) FROM {_TABLE} WHERE name = ?", (policy_key(name, tenant),)
        )
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def heads(self) -> dict[str, int]:
        """The newest version of every stored policy of every namespace, by stored name."""
        rows = self.db.execute(f"SELECT name, MAX(version) FROM {_TABLE} GROUP BY name")
        return {str(name): int(version) for name, version in rows}

    def names(self, *, tenant: str | None = None) -> list[tuple[str, int, str]]:
        """``(name, newest version, its label)`` of each policy in one namespace."""
        out = []
        for key, version in sorted(self.heads().items()):
            owner, _, name = key.rpartition("/")
            if (owner or None) != tenant:
                continue
            latest = self.latest(name, tenant=tenant)
            out.append((name, version, latest.label if latest else ""))
        return out

    def history(self, name: str, *, tenant: str | None = None) -> list[PolicyVersion]:
        """Every version of one policy, newest first."""
        rows = self.db.execute(
            f"SELECT name, version, text, label, author, created FROM {_TABLE} WHERE name = ? "
            "ORDER BY version DESC",
            (policy_key(name, tenant),),
        )
        return [_version(r) for r in rows]

    def save(
        self, name: str, text: str, *, label: str, author: str, tenant: str | None = None
    ) -> PolicyVersion:
        """Store ``text`` as the next version of ``name`` (retrying a concurrent writer's race)."""
        key = policy_key(name, tenant)
        for _ in range(5):
            number = self.latest_number(name, tenant=tenant) + 1
            try:
                self.db.execute(
                    f"INSERT INTO {_TABLE} (name, version, text, label, author, created) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (key, number, text, label, author, self._clock()),
                )
            except Exception:  # noqa: BLE001 - primary key race with another process: retry
                continue
            return PolicyVersion(
                name=name, version=number, text=text, label=label, author=author,
                created=self._clock(), tenant=tenant,
            )
        raise PolicyError("could not store the policy version (concurrent updates)", key=name)


def _version(r: Any) -> PolicyVersion:
    owner, _, name = str(r[0]).rpartition("/")
    return PolicyVersion(
        name=name, version=int(r[1]), text=r[2], label=r[3], author=r[4], created=float(r[5]),
        tenant=owner or None,
    )


_SECRET_KEY = re.compile(r"(?:^|_)(?:key|secret|password|token)$", re.IGNORECASE)
_URL_USER = re.compile(r"(?<=://)[^/@\s]+@")
MASK = "***"


def masked_policy_text(text: str) -> str:
    """``text`` as shown to a tenant reading the operator's policy: the values of secret
    settings (``behavior.fingerprint_key``, any ``*_key``/``*secret``/``*password``/
    ``*token``) and credentials in URLs (``redis://:pw@host``) replaced with ``***``. The
    text is returned as is when it holds none; else re-dumped (comments are lost)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return MASK  # stored policies parse; never show what does not
    changed = False

    def walk(value: Any, key: str = "") -> Any:
        nonlocal changed
        if isinstance(value, dict):
            return {k: walk(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, str) and _SECRET_KEY.search(key):
            changed = True
            return MASK
        if isinstance(value, str) and _URL_USER.search(value):
            changed = True
            return _URL_USER.sub(MASK + "@", value)
        return value

    shown = walk(data)
    if not changed:
        return text
    return "# secret values are masked\n" + yaml.safe_dump(shown, sort_keys=False)
