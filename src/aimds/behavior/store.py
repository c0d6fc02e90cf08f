"""The state-store protocol: a batch of small operations executed in order, in one round trip.

The behaviour stage turns each event into one batch (window updates, counters, reads) and the
store runs it atomically: the in-process :class:`~aimds.behavior.memory.MemoryStore` under a
lock, :class:`~aimds.behavior.redis_store.RedisStore` as one Lua script call. Results come
back in op order. Keys are plain strings built by :mod:`aimds.behavior.windows`; stores may
prefix them. Window scores are the events' own timestamps (seconds), so replays keep their
timing; key lifetimes (``ttl``, seconds) run on the store's own clock.

The ops live in :mod:`aimds.behavior.ops` (compiled; re-exported here).

Windows that count *events* take no member (``member=None``): the store gives the event a
member no other event has (in memory none at all: such a window is only a sorted list of
times; in Redis a process-unique id), so a caller never invents ids and the in-process
window costs one float per event.

A store that cannot answer raises :class:`aimds.errors.BackendError` (never hangs beyond its
timeout); the stage turns that into a ``backend.unavailable`` finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from aimds.behavior.ops import (
    Count,
    Delete,
    First,
    Get,
    HashCounts,
    HashGet,
    HashPutIf,
    Incr,
    Op,
    Rate,
    Result,
    Set,
    SetAdd,
    Trust,
    Window,
)

__all__ = [
    "Count",
    "Delete",
    "First",
    "Get",
    "HashCounts",
    "HashGet",
    "HashPutIf",
    "Incr",
    "Op",
    "Rate",
    "Result",
    "Set",
    "SetAdd",
    "Store",
    "Trust",
    "Window",
]


@runtime_checkable
class Store(Protocol):
    """Runs a batch of ops atomically and in order; results are in op order."""

    def execute(self, ops: Sequence[Op]) -> list[Result]: ...

    def close(self) -> None: ...
