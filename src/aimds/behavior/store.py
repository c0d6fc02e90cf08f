"""The state-store protocol: a batch of small operations executed in order, in one round trip.

The behaviour stage turns each event into one batch (window updates, counters, reads) and the
store runs it atomically: the in-process :class:`~aimds.behavior.memory.MemoryStore` under a
lock, :class:`~aimds.behavior.redis_store.RedisStore` as one Lua script call. Results come
back in op order. Keys are plain strings built by :mod:`aimds.behavior.windows`; stores may
prefix them. Window scores are the events' own timestamps (seconds), so replays keep their
timing; key lifetimes (``ttl``, seconds) run on the store's own clock.

Ops are slotted dataclasses, neither frozen nor keyword-only: a tool call builds about ten of
them per event, a frozen one costs twice as much to build (each field set through
``object.__setattr__``), and on CPython 3.11 a call with keywords costs twice one with
positions (~280 against ~120 ns for a :class:`Window`), so the behaviour stage's per-event
code builds them positionally (fields in the order declared here; defaults last) and
everything else by keyword. A store only reads them and keeps nothing of them after
``execute``.

Windows that count *events* take no member (``member=None``): the store gives the event a
member no other event has (in memory none at all: such a window is only a sorted list of
times; in Redis a process-unique id), so a caller never invents ids and the in-process
window costs one float per event.

A store that cannot answer raises :class:`aimds.errors.BackendError` (never hangs beyond its
timeout); the stage turns that into a ``backend.unavailable`` finding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

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


@dataclass(slots=True)
class Window:
    """Add ``member`` at ``score``, drop members scored before ``score - horizon``, keep at most
    ``cap`` newest, refresh ``ttl``. Result: how many members remain (an ``int``).

    A member per value counts distinct values (re-adding one moves it to the new score);
    ``member=None`` adds a member no other event has, so the window counts events.
    """

    key: str
    member: str | None
    score: float
    horizon: float
    ttl: float
    cap: int = 10_000


@dataclass(slots=True)
class Rate:
    """:class:`Window` with ``member=None``, then :class:`Count` since ``since`` and
    :class:`First` of the same window, fused: one op where a rate check needs three.

    Result: ``(remaining, counted since "since", lowest score)`` (``int``, ``int``, ``float``).
    """

    key: str
    score: float
    horizon: float
    ttl: float
    since: float
    cap: int = 10_000


@dataclass(slots=True)
class Count:
    """Result: members of window ``key`` scored at or after ``since`` (an ``int``)."""

    key: str
    since: float


@dataclass(slots=True)
class First:
    """Result: the lowest score in window ``key`` (``float``), or ``None`` when empty."""

    key: str


@dataclass(slots=True)
class Get:
    """Result: the string at ``key`` or ``None``."""

    key: str


@dataclass(slots=True)
class Set:
    """Store ``value`` at ``key`` (``ttl`` ``None``: no expiry). Result: ``None``."""

    key: str
    value: str
    ttl: float | None = None


@dataclass(slots=True)
class Delete:
    """Remove ``key``. Result: ``None``."""

    key: str


@dataclass(slots=True)
class Incr:
    """Add ``amount`` to the integer at ``key`` (hash ``field`` where given). Result: the new
    value (an ``int``)."""

    key: str
    amount: int = 1
    field: str | None = None
    ttl: float | None = None


@dataclass(slots=True)
class HashCounts:
    """Add 1 to ``field`` of hash ``key``. Result: the whole hash as ``dict[str, int]``."""

    key: str
    field: str
    ttl: float | None = None


@dataclass(slots=True)
class SetAdd:
    """Add ``member`` to set ``key``. Result: ``True`` if it was not there before.

    With ``cap`` (0: none) the set keeps at most ``cap`` members: adding a new one to a full
    set first drops one (in memory the least recently added or seen; in Redis a random one).
    """

    key: str
    member: str
    ttl: float | None = None
    cap: int = 0


@dataclass(slots=True)
class HashGet:
    """Result: a tuple with the value (or ``None``) of each of ``fields`` of hash ``key``."""

    key: str
    fields: tuple[str, ...]


@dataclass(slots=True)
class HashPutIf:
    """Where string ``cond_key`` equals ``cond_value`` (or ``cond_key`` is ``None``), write
    ``mapping`` into hash ``key`` and refresh ``ttl``. Result: ``True`` if written.

    With ``index_key`` (a counter :class:`Incr` earlier in the batch), each stored value is
    prefixed ``"{counter - 1}|"``: the position of the event in its session.
    """

    key: str
    mapping: Mapping[str, str]
    ttl: float
    cond_key: str | None = None
    cond_value: str = ""
    index_key: str | None = None


@dataclass(slots=True)
class Trust:
    """Read-modify-write of a trust score kept as ``(score, ts)`` at ``key``.

    The stored score first decays toward ``initial`` over ``now - ts`` (``half_life`` above
    it, ``recovery_half_life`` below it; ``None``: ``half_life``), then moves by ``delta`` and
    is clamped to 0..1000. Result: the new score (``float``). A ``delta`` of 0 with
    ``write=False`` only reads.
    """

    key: str
    initial: float
    half_life: float
    now: float
    delta: float = 0.0
    write: bool = True
    ttl: float | None = None
    recovery_half_life: float | None = None


Op = (
    Window
    | Rate
    | Count
    | First
    | Get
    | Set
    | Delete
    | Incr
    | HashCounts
    | SetAdd
    | HashGet
    | HashPutIf
    | Trust
)
Result = object


@runtime_checkable
class Store(Protocol):
    """Runs a batch of ops atomically and in order; results are in op order."""

    def execute(self, ops: Sequence[Op]) -> list[Result]: ...

    def close(self) -> None: ...
