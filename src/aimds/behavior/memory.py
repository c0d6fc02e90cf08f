"""The in-process state store (embedded default): dicts and sorted windows under one lock.

Expiry runs on an injected monotonic clock. A read never sees an expired key (every op checks
the key's deadline first); memory is reclaimed incrementally: a key entering the expiry table
is queued, in creation order, on a FIFO of its TTL (so deadlines along one queue mostly rise),
and each batch that finds a queue head due checks a bounded number of queued keys, dropping
the expired ones and queueing again those refreshed since. No call ever scans the whole store;
memory stays bounded by what is live plus what expired since the last few batches.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections import deque
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
    Rate,
    Result,
    Set,
    SetAdd,
    Trust,
    Window,
)
from aimds.behavior.windows import SortedWindow, Tally

__all__ = ["MemoryStore"]

_EXPIRE_MIN = 32  # queued keys a due batch checks at least (twice its op count if more)
_MAX_QUEUES = 64  # distinct TTLs with a queue of their own; others share the last one
_SHARED = -1.0
_NEVER = math.inf


class MemoryStore:
    """Thread-safe; one instance may be shared by several guards of one process.

    Each key maps to one entry ``[value, deadline]`` (``math.inf``: no expiry), so an op finds
    its value and checks its deadline with one lookup, and a new key is one insert.
    """

    _dispatch: ClassVar[dict[type, Callable[[Any, Any, float], Result]]]

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._data: dict[str, list[Any]] = {}
        # TTL -> (deadline when queued, key), oldest first; see the module docstring
        self._queues: dict[float, deque[tuple[float, str]]] = {}
        self._next_due = _NEVER
        self._anon = itertools.count()

    def execute(self, ops: Sequence[Op]) -> list[Result]:
        with self._lock:
            now = self._clock()
            if now >= self._next_due:
                self._expire(now, max(_EXPIRE_MIN, 2 * len(ops)))
            dispatch = self._dispatch
            return [dispatch[type(op)](self, op, now) for op in ops]

    def close(self) -> None:
        with self._lock:
            self._data.clear()
            self._queues.clear()
            self._next_due = _NEVER

    def __len__(self) -> int:
        """How many keys are held (expired ones included until reclaimed)."""
        return len(self._data)

    # -- one op ----------------------------------------------------------------------------
    # An op first drops its key if expired; a key that gains a deadline (new, or kept without
    # expiry until now) is queued for reclaiming.

    def _window(self, op: Window, now: float) -> Result:
        key, member, data = op.key, op.member, self._data
        entry = data.get(key)
        if entry is not None and entry[1] <= now:
            del data[key]
            entry = None
        win = None if entry is None else entry[0]
        score = op.score
        if member is None:
            if isinstance(win, SortedWindow):
                n = win.push(self._anonymous(), score, score - op.horizon, op.cap)
            else:
                if not isinstance(win, Tally):
                    win = Tally()
                n = win.push(score, score - op.horizon, op.cap)
        else:
            if isinstance(win, Tally):
                win = self._named(win)
            elif not isinstance(win, SortedWindow):
                win = SortedWindow()
            n = win.push(member, score, score - op.horizon, op.cap)
        if entry is None:
            entry = data[key] = [win, _NEVER]
        else:
            entry[0] = win
        self._expire_in(entry, key, op.ttl, now)
        return n

    def _rate(self, op: Rate, now: float) -> Result:
        key, data = op.key, self._data
        entry = data.get(key)
        if entry is not None and entry[1] <= now:
            del data[key]
            entry = None
        win = None if entry is None else entry[0]
        score = op.score
        if isinstance(win, SortedWindow):
            n = win.push(self._anonymous(), score, score - op.horizon, op.cap)
        else:
            if not isinstance(win, Tally):
                win = Tally()
            n = win.push(score, score - op.horizon, op.cap)
        if entry is None:
            entry = data[key] = [win, _NEVER]
        else:
            entry[0] = win
        self._expire_in(entry, key, op.ttl, now)
        return (n, win.count_since(op.since), win.first())

    def _count(self, op: Count, now: float) -> Result:
        win = self._live(op.key, now)
        return win.count_since(op.since) if isinstance(win, Tally | SortedWindow) else 0

    def _first(self, op: First, now: float) -> Result:
        win = self._live(op.key, now)
        return win.first() if isinstance(win, Tally | SortedWindow) else None

    def _get(self, op: Get, now: float) -> Result:
        entry = self._data.get(op.key)
        if entry is None:
            return None
        if entry[1] <= now:
            del self._data[op.key]
            return None
        value = entry[0]
        return value if isinstance(value, str) else None

    def _set(self, op: Set, now: float) -> Result:
        key, ttl = op.key, op.ttl
        entry = self._data.get(key)
        if entry is None:
            entry = self._data[key] = [op.value, _NEVER]
        else:
            entry[0] = op.value
        if ttl is None:
            entry[1] = _NEVER
        else:
            self._expire_in(entry, key, ttl, now)
        return None

    def _delete(self, op: Delete, now: float) -> Result:
        self._data.pop(op.key, None)
        return None

    def _hash_counts(self, op: HashCounts, now: float) -> Result:
        entry = self._entry(op.key, now, dict)
        table = entry[0]
        table[op.field] = int(table.get(op.field, 0)) + 1
        if op.ttl is not None:
            self._expire_in(entry, op.key, op.ttl, now)
        return dict(table)

    def _set_add(self, op: SetAdd, now: float) -> Result:
        entry = self._entry(op.key, now, dict)  # a dict as an insertion-ordered set
        members = entry[0]
        member, cap = op.member, op.cap
        added = member not in members
        if added:
            if cap and len(members) >= cap:
                del members[next(iter(members))]  # the least recently added or seen
            members[member] = None
        elif cap:
            del members[member]  # seen again: the newest
            members[member] = None
        if op.ttl is not None:
            self._expire_in(entry, op.key, op.ttl, now)
        return added

    def _hash_get(self, op: HashGet, now: float) -> Result:
        table = self._live(op.key, now)
        if not isinstance(table, dict):
            return (None,) * len(op.fields)  # no generator: every fresh session asks
        return tuple(table.get(f) for f in op.fields)

    def _hash_put_if(self, op: HashPutIf, now: float) -> Result:
        if op.cond_key is not None and self._live(op.cond_key, now) != op.cond_value:
            return False
        entry = self._entry(op.key, now, dict)
        table = entry[0]
        if op.index_key is None:
            table.update(op.mapping)
        else:
            counter = self._live(op.index_key, now)
            prefix = f"{(counter if isinstance(counter, int) else 0) - 1}|"
            table.update({k: prefix + v for k, v in op.mapping.items()})
        self._expire_in(entry, op.key, op.ttl, now)
        return True

    def _incr(self, op: Incr, now: float) -> int:
        key, data = op.key, self._data
        entry = data.get(key)
        if entry is not None and entry[1] <= now:
            del data[key]
            entry = None
        if op.field is None:
            if entry is None:
                value = op.amount
                entry = data[key] = [value, _NEVER]
            else:
                current = entry[0]
                value = (current if isinstance(current, int) else 0) + op.amount
                entry[0] = value
        else:
            if entry is None or not isinstance(entry[0], dict):
                entry = data[key] = [{}, _NEVER if entry is None else entry[1]]
            table = entry[0]
            value = int(table.get(op.field, 0)) + op.amount
            table[op.field] = value
        if op.ttl is not None:
            self._expire_in(entry, key, op.ttl, now)
        return value

    def _trust(self, op: Trust, now: float) -> float:
        stored = self._live(op.key, now)
        prior = stored if isinstance(stored, tuple) else None
        score = trust_math.updated(
            prior, op.initial, op.half_life, op.now, op.delta, op.recovery_half_life
        )
        if op.write:
            value = (score, max(op.now, prior[1]) if prior else op.now)
            entry = self._data.get(op.key)
            if entry is None:
                entry = self._data[op.key] = [value, _NEVER]
            else:
                entry[0] = value
            if op.ttl is not None:
                self._expire_in(entry, op.key, op.ttl, now)
        return score

    # -- keys and expiry -------------------------------------------------------------------

    def _live(self, key: str, now: float) -> Any:
        """The value at ``key``, or ``None`` (absent or expired: then dropped)."""
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry[1] <= now:
            del self._data[key]
            return None
        return entry[0]

    def _entry(self, key: str, now: float, kind: type) -> list[Any]:
        """The live entry at ``key`` holding a ``kind`` (a new empty one replaces anything
        else, keeping the deadline of a live entry)."""
        entry = self._data.get(key)
        if entry is not None and entry[1] <= now:
            entry = None
        if entry is None:
            entry = self._data[key] = [kind(), _NEVER]
        elif not isinstance(entry[0], kind):
            entry[0] = kind()
        return entry

    def _expire_in(self, entry: list[Any], key: str, ttl: float, now: float) -> None:
        deadline = now + ttl
        if entry[1] == _NEVER:
            self._queue(key, ttl, deadline)
        entry[1] = deadline

    def _queue(self, key: str, ttl: float, deadline: float) -> None:
        """Queue a key that just gained a deadline on the FIFO of its TTL."""
        queue = self._queues.get(ttl)
        if queue is None:
            if len(self._queues) >= _MAX_QUEUES:
                ttl = _SHARED
                queue = self._queues.get(ttl)
            if queue is None:
                queue = self._queues[ttl] = deque()
        if not queue and deadline < self._next_due:
            self._next_due = deadline
        queue.append((deadline, key))

    def _expire(self, now: float, budget: int) -> None:
        """Check up to ``budget`` queued keys whose queued deadline has passed."""
        data = self._data
        for queue in self._queues.values():
            while budget and queue and queue[0][0] <= now:
                budget -= 1
                _, key = queue.popleft()
                entry = data.get(key)
                if entry is None or entry[1] == _NEVER:
                    continue  # deleted, or kept without expiry since it was queued
                if entry[1] <= now:
                    del data[key]
                else:
                    queue.append((entry[1], key))  # refreshed since: check again then
        self._next_due = min((q[0][0] for q in self._queues.values() if q), default=_NEVER)

    def _anonymous(self) -> str:
        """A member no event has, for a member-less op on a window that has named members."""
        return f"\x00{next(self._anon)}"

    def _named(self, tally: Tally) -> SortedWindow:
        """A member-less window turned into one with named members (a named op arrived)."""
        win = SortedWindow()
        for score in tally.scores():
            win.add(self._anonymous(), score)
        return win


# Built after the class: a class body referring to its own functions does not compile
# with mypyc (see setup.py), and the table is the same either way.
MemoryStore._dispatch = {
    Window: MemoryStore._window,
    Rate: MemoryStore._rate,
    Count: MemoryStore._count,
    First: MemoryStore._first,
    Get: MemoryStore._get,
    Set: MemoryStore._set,
    Delete: MemoryStore._delete,
    Incr: MemoryStore._incr,
    HashCounts: MemoryStore._hash_counts,
    SetAdd: MemoryStore._set_add,
    HashGet: MemoryStore._hash_get,
    HashPutIf: MemoryStore._hash_put_if,
    Trust: MemoryStore._trust,
}
