"""The in-process state store (embedded default): dicts and sorted windows under one lock.

Expiry runs on an injected monotonic clock; expired keys are dropped when touched and by a
sweep every few thousand operations, so memory stays bounded by what is live.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from aimds.behavior import trust as trust_math
from aimds.behavior.store import (
    Count,
    Delete,
    First,
    Get,
    HashCounts,
    HashGet,
    HashPutIf,
    Incr,
    Op,
    Result,
    Set,
    SetAdd,
    Trust,
    Window,
)
from aimds.behavior.windows import SortedWindow

__all__ = ["MemoryStore"]

_SWEEP_EVERY = 4096


class MemoryStore:
    """Thread-safe; one instance may be shared by several guards of one process."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._data: dict[str, Any] = {}
        self._expiry: dict[str, float] = {}
        self._ops = 0

    def execute(self, ops: Sequence[Op]) -> list[Result]:
        with self._lock:
            now = self._clock()
            self._ops += len(ops)
            if self._ops >= _SWEEP_EVERY:
                self._ops = 0
                self._sweep(now)
            dispatch = self._dispatch
            return [dispatch[type(op)](self, op, now) for op in ops]

    def close(self) -> None:
        with self._lock:
            self._data.clear()
            self._expiry.clear()

    def __len__(self) -> int:
        """How many keys are held (expired ones included until swept)."""
        return len(self._data)

    # -- one op ----------------------------------------------------------------------------

    def _window(self, op: Window, now: float) -> Result:
        win = self._live(op.key, now)
        if not isinstance(win, SortedWindow):
            win = SortedWindow()
            self._data[op.key] = win
        win.add(op.member, op.score)
        win.trim(op.score - op.horizon)
        win.cap(op.cap)
        self._expiry[op.key] = now + op.ttl
        return len(win)

    def _count(self, op: Count, now: float) -> Result:
        win = self._live(op.key, now)
        return win.count_since(op.since) if isinstance(win, SortedWindow) else 0

    def _first(self, op: First, now: float) -> Result:
        win = self._live(op.key, now)
        return win.first() if isinstance(win, SortedWindow) else None

    def _get(self, op: Get, now: float) -> Result:
        value = self._live(op.key, now)
        return value if isinstance(value, str) else None

    def _set(self, op: Set, now: float) -> Result:
        self._data[op.key] = op.value
        if op.ttl is None:
            self._expiry.pop(op.key, None)
        else:
            self._expiry[op.key] = now + op.ttl
        return None

    def _delete(self, op: Delete, now: float) -> Result:
        self._data.pop(op.key, None)
        self._expiry.pop(op.key, None)
        return None

    def _hash_counts(self, op: HashCounts, now: float) -> Result:
        table = self._table(op.key, now)
        table[op.field] = int(table.get(op.field, 0)) + 1
        self._touch(op.key, op.ttl, now)
        return dict(table)

    def _set_add(self, op: SetAdd, now: float) -> Result:
        members = self._live(op.key, now)
        if not isinstance(members, set):
            members = set()
            self._data[op.key] = members
        added = op.member not in members
        members.add(op.member)
        self._touch(op.key, op.ttl, now)
        return added

    def _hash_get(self, op: HashGet, now: float) -> Result:
        table = self._live(op.key, now)
        if not isinstance(table, dict):
            return tuple(None for _ in op.fields)
        return tuple(table.get(f) for f in op.fields)

    def _hash_put_if(self, op: HashPutIf, now: float) -> Result:
        if op.cond_key is not None and self._live(op.cond_key, now) != op.cond_value:
            return False
        table = self._table(op.key, now)
        if op.index_key is None:
            table.update(op.mapping)
        else:
            counter = self._live(op.index_key, now)
            prefix = f"{(counter if isinstance(counter, int) else 0) - 1}|"
            table.update({k: prefix + v for k, v in op.mapping.items()})
        self._expiry[op.key] = now + op.ttl
        return True

    def _table(self, key: str, now: float) -> dict[str, Any]:
        table = self._live(key, now)
        if not isinstance(table, dict):
            table = {}
            self._data[key] = table
        return table

    def _incr(self, op: Incr, now: float) -> int:
        if op.field is None:
            current = self._live(op.key, now)
            value = (current if isinstance(current, int) else 0) + op.amount
            self._data[op.key] = value
        else:
            table = self._table(op.key, now)
            value = int(table.get(op.field, 0)) + op.amount
            table[op.field] = value
        self._touch(op.key, op.ttl, now)
        return value

    def _trust(self, op: Trust, now: float) -> float:
        stored = self._live(op.key, now)
        prior = stored if isinstance(stored, tuple) else None
        score = trust_math.updated(
            prior, initial=op.initial, half_life=op.half_life, now=op.now, delta=op.delta
        )
        if op.write:
            self._data[op.key] = (score, max(op.now, prior[1]) if prior else op.now)
            self._touch(op.key, op.ttl, now)
        return score

    # -- keys and expiry -------------------------------------------------------------------

    def _live(self, key: str, now: float) -> Any:
        deadline = self._expiry.get(key)
        if deadline is not None and deadline <= now:
            self._data.pop(key, None)
            del self._expiry[key]
            return None
        return self._data.get(key)

    def _touch(self, key: str, ttl: float | None, now: float) -> None:
        if ttl is not None:
            self._expiry[key] = now + ttl

    _dispatch: ClassVar[dict[type, Callable[[Any, Any, float], Result]]] = {
        Window: _window,
        Count: _count,
        First: _first,
        Get: _get,
        Set: _set,
        Delete: _delete,
        Incr: _incr,
        HashCounts: _hash_counts,
        SetAdd: _set_add,
        HashGet: _hash_get,
        HashPutIf: _hash_put_if,
        Trust: _trust,
    }

    def _sweep(self, now: float) -> None:
        for key in [k for k, deadline in self._expiry.items() if deadline <= now]:
            del self._expiry[key]
            self._data.pop(key, None)
