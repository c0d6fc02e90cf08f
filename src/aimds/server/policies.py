"""Versioned policies in the service database, and the atomically swapped active guard.

``PUT /v1/policies/{name}`` validates the new text by building a whole guard from it; only
then is the version stored and the reference swapped. Requests in flight keep the guard
they started with, so no request is dropped or judged by a half-built policy. Other
processes notice the new version by polling the store (``policy_poll_s``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from aimds.errors import PolicyError
from aimds.guard import Guard
from aimds.policy import load_policy
from aimds.respond.approvals import SqlDatabase
from aimds.types import Services

__all__ = ["GuardHolder", "PolicyStore", "PolicyVersion"]

_TABLE = "aimds_policies"
_MAX_POLICY_CHARS = 1_000_000
_GRACE_S = 30.0


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyVersion:
    name: str
    version: int
    text: str
    label: str
    author: str
    created: float


class PolicyStore:
    def __init__(self, db: SqlDatabase, *, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self._clock = clock
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {_TABLE} (name TEXT NOT NULL, version INTEGER NOT NULL, "
            "text TEXT NOT NULL, label TEXT NOT NULL, author TEXT NOT NULL, "
            "created DOUBLE PRECISION NOT NULL, PRIMARY KEY (name, version))"
        )

    def latest(self, name: str) -> PolicyVersion | None:
        rows = self.db.execute(
            f"SELECT name, version, text, label, author, created FROM {_TABLE} WHERE name = ? "
            "ORDER BY version DESC LIMIT 1",
            (name,),
        )
        return _version(rows[0]) if rows else None

    def latest_number(self, name: str) -> int:
        rows = self.db.execute(f"SELECT MAX(version) FROM {_TABLE} WHERE name = ?", (name,))
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def names(self) -> list[tuple[str, int, str]]:
        rows = self.db.execute(
            f"SELECT name, MAX(version) FROM {_TABLE} GROUP BY name ORDER BY name"
        )
        out = []
        for name, version in rows:
            latest = self.latest(name)
            out.append((name, int(version), latest.label if latest else ""))
        return out

    def versions(self, name: str, *, limit: int = 50) -> list[PolicyVersion]:
        """The stored versions of ``name``, newest first."""
        rows = self.db.execute(
            f"SELECT name, version, text, label, author, created FROM {_TABLE} WHERE name = ? "
            f"ORDER BY version DESC LIMIT {int(limit)}",
            (name,),
        )
        return [_version(r) for r in rows]

    def save(self, name: str, text: str, *, label: str, author: str) -> PolicyVersion:
        """Store ``text`` as the next version of ``name`` (retrying a concurrent writer's race)."""
        for _ in range(5):
            number = self.latest_number(name) + 1
            try:
                self.db.execute(
                    f"INSERT INTO {_TABLE} (name, version, text, label, author, created) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (name, number, text, label, author, self._clock()),
                )
            except Exception:  # noqa: BLE001 - primary key race with another process: retry
                continue
            return PolicyVersion(
                name=name, version=number, text=text, label=label, author=author,
                created=self._clock(),
            )
        raise PolicyError("could not store the policy version (concurrent updates)", key=name)


def _version(r: Any) -> PolicyVersion:
    return PolicyVersion(
        name=r[0], version=int(r[1]), text=r[2], label=r[3], author=r[4], created=float(r[5])
    )


def parse_policy_text(text: str, name: str) -> dict[str, Any]:
    """YAML or JSON text of a policy document, as a mapping (raises :class:`PolicyError`)."""
    if len(text) > _MAX_POLICY_CHARS:
        raise PolicyError(f"policy is larger than {_MAX_POLICY_CHARS} characters", file=name)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PolicyError(
            "not valid YAML", file=name, line=mark.line + 1 if mark is not None else None
        ) from None
    if not isinstance(data, dict):
        raise PolicyError("a policy must be a mapping", file=name)
    return data


class GuardHolder:
    """The active guard of the service, swapped atomically when its policy changes."""

    def __init__(self, guard: Guard, *, name: str, version: int) -> None:
        self._guard = guard
        self.name = name
        self.version = version
        self._lock = threading.Lock()

    @property
    def guard(self) -> Guard:
        return self._guard

    def build(self, text: str, services: Services) -> Guard:
        """A guard for policy ``text``; raises :class:`PolicyError` when it is invalid."""
        data = parse_policy_text(text, self.name)
        return Guard(load_policy(data), services=services)

    def swap(self, guard: Guard, version: int) -> None:
        """Make ``guard`` active; the old one closes after a grace period, so requests still
        running on it finish first. A stale ``version`` is ignored (and its guard closed)."""
        with self._lock:
            if version <= self.version:
                old = guard
            else:
                old, self._guard, self.version = self._guard, guard, version
        timer = threading.Timer(_GRACE_S, old.close)
        timer.daemon = True
        timer.start()
