"""What every audit store offers, the query filters, and opening a store from a path or URL.

A store owns the chain links: ``append`` reads each chain's head and links the new records
inside one transaction under the store's lock (SQLite ``BEGIN IMMEDIATE``; PostgreSQL a row
lock on the chain head), so any number of writers, threads or processes, keep every chain
linear.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from aimds.audit.chain import Checkpoint, StoredRecord
from aimds.audit.records import PendingRecord

__all__ = ["SCAN_COLUMNS", "AuditStore", "PruneResult", "Query", "open_store"]

# What ``AuditStore.scan`` yields per row, in this order. ``hashed`` holds the bytes the
# record's hash covers (``prev``, a newline, the body), so verifying needs no re-encoding;
# ``indexed`` is true where the body starts with the index columns' ``_index`` prefix
# (:func:`aimds.audit.records.index_prefix`), compared by the database.
SCAN_COLUMNS = ("seq", "prev", "hash", "hashed", "indexed")


@dataclass(frozen=True, slots=True, kw_only=True)
class Query:
    """Filters for ``query``: all optional, combined with AND. Times in epoch seconds."""

    since: float | None = None
    until: float | None = None
    tenant: str | None = None
    agent: str | None = None
    verdict: str | None = None
    rule: str | None = None
    type: str | None = None
    limit: int | None = None
    newest_first: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PruneResult:
    """Per chain: records deleted, and the anchor (first kept ``seq``) or why none."""

    chain: str
    deleted: int
    anchor_seq: int | None
    note: str = ""


class AuditStore(Protocol):
    """An append-only, hash-chained record store."""

    url: str

    def append(
        self, records: Sequence[PendingRecord], *, all_records: bool = True
    ) -> list[StoredRecord]:
        """Link and commit ``records``; the stored records, or with ``all_records=False``
        only each chain's new head (without its body), which is all the writer needs
        when no sink consumes the records."""
        ...

    def records(self, chain: str, *, from_seq: int | None = None) -> Iterator[StoredRecord]: ...

    def scan(self, chain: str, *, from_seq: int | None = None) -> Iterator[list[tuple[Any, ...]]]:
        """Pages of raw rows in ``seq`` order, columns as :data:`SCAN_COLUMNS`."""
        ...

    def index_row(self, chain: str, seq: int) -> tuple[Any, ...] | None:
        """``(chain, ts, type, decision_id, agent, verdict, rules)`` of one record."""
        ...

    def chains(self) -> list[str]: ...

    def find_seq(self, chain: str, hash_: str) -> int | None: ...

    def add_checkpoint(self, checkpoint: Checkpoint) -> None: ...

    def checkpoints(self, chain: str) -> list[Checkpoint]: ...

    def anchor(self, chain: str) -> tuple[int, str] | None: ...

    def query(self, q: Query) -> Iterator[StoredRecord]: ...

    def count(self) -> int: ...

    def prune(self, before: float) -> list[PruneResult]: ...

    def close(self) -> None: ...


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def open_store(target: str, *, schema: str | None = None) -> AuditStore:
    """A SQLite store for a file path, a PostgreSQL store for a ``postgresql://`` URL."""
    if is_postgres_url(target):
        from aimds.audit.postgres import PostgresStore

        return PostgresStore(target, schema=schema or "aimds_audit")
    from aimds.audit.sqlite import SqliteStore

    return SqliteStore(target)
