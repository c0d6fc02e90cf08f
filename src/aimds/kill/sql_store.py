"""Kills in the service database: the truth every process of a deployment reads.

Why the database and not a Redis key: it is durable (a Redis without persistence, or with
an eviction policy, can lose a key; a kill must not vanish), it is where the approvals and
keys of the deployment already live, and it stays readable while Redis is down, which is
exactly the failure the switch must survive. Redis only carries the "look now" message.
SQLite in the data dir in embedded mode, PostgreSQL in cluster mode (one table, a row per
active kill; a revive deletes the row and the audit log keeps the history).
"""

from __future__ import annotations

from typing import Any

from aimds.kill.records import KillRecord

__all__ = ["SqlKillStore"]

_TABLE = "aimds_kills"


class SqlKillStore:
    """:class:`~aimds.kill.switch.KillStore` on a :class:`~aimds.respond.approvals.SqlDatabase`."""

    def __init__(self, db: Any) -> None:
        self.db = db
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {_TABLE} (tenant TEXT NOT NULL, agent TEXT NOT NULL, "
            "reason TEXT NOT NULL, by_id TEXT NOT NULL, by_role TEXT NOT NULL, "
            "ts DOUBLE PRECISION NOT NULL, PRIMARY KEY (tenant, agent))"
        )

    @classmethod
    def open(cls, url: str) -> SqlKillStore:
        """A store on its own connection to ``url`` (``sqlite:///...`` or ``postgresql://``)."""
        from aimds.respond.approvals import SqlDatabase

        return cls(SqlDatabase(url))

    def load(self) -> list[KillRecord]:
        rows = self.db.execute(
            f"SELECT tenant, agent, reason, by_id, by_role, ts FROM {_TABLE} ORDER BY ts"
        )
        return [_record(row) for row in rows]

    def put(self, record: KillRecord) -> None:
        self.db.execute(
            f"INSERT INTO {_TABLE} (tenant, agent, reason, by_id, by_role, ts) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, agent) DO UPDATE SET "
            "reason = excluded.reason, by_id = excluded.by_id, by_role = excluded.by_role, "
            "ts = excluded.ts",
            (record.tenant, record.agent, record.reason, record.by, record.by_role, record.ts),
        )

    def delete(self, key: tuple[str, str]) -> KillRecord | None:
        rows = self.db.execute(
            f"DELETE FROM {_TABLE} WHERE tenant = ? AND agent = ? "
            "RETURNING tenant, agent, reason, by_id, by_role, ts",
            key,
        )
        return _record(rows[0]) if rows else None

    def close(self) -> None:
        self.db.close()


def _record(row: tuple[Any, ...]) -> KillRecord:
    tenant, agent, reason, by, by_role, ts = row
    return KillRecord(
        tenant=str(tenant),
        agent=str(agent),
        reason=str(reason),
        by=str(by),
        by_role=str(by_role),
        ts=float(ts),
    )
