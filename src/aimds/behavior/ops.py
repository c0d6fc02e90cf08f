"""The ops of a state-store batch (see :mod:`aimds.behavior.store`).

Slotted dataclasses, neither frozen nor keyword-only, with a hand-written ``__init__``: a
tool call builds about ten of them per event, and this module is compiled (setup.py), where
an ``__init__`` of our own is native code (~40 ns) while the one ``dataclass`` generates
stays interpreted (~1 µs, twice that when frozen). The behaviour stage builds them
positionally (fields in the order declared here; defaults last), everything else by
keyword. A store only reads them and keeps nothing of them after ``execute``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
    "Trust",
    "Window",
]


@dataclass(slots=True, init=False)
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

    def __init__(
        self,
        key: str,
        member: str | None,
        score: float,
        horizon: float,
        ttl: float,
        cap: int = 10_000,
    ) -> None:
        self.key = key
        self.member = member
        self.score = score
        self.horizon = horizon
        self.ttl = ttl
        self.cap = cap


@dataclass(slots=True, init=False)
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

    def __init__(
        self,
        key: str,
        score: float,
        horizon: float,
        ttl: float,
        since: float,
        cap: int = 10_000,
    ) -> None:
        self.key = key
        self.score = score
        self.horizon = horizon
        self.ttl = ttl
        self.since = since
        self.cap = cap


@dataclass(slots=True, init=False)
class Count:
    """Result: members of window ``key`` scored at or after ``since`` (an ``int``)."""

    key: str
    since: float

    def __init__(self, key: str, since: float) -> None:
        self.key = key
        self.since = since


@dataclass(slots=True, init=False)
class First:
    """Result: the lowest score in window ``key`` (``float``), or ``None`` when empty."""

    key: str

    def __init__(self, key: str) -> None:
        self.key = key


@dataclass(slots=True, init=False)
class Get:
    """Result: the string at ``key`` or ``None``."""

    key: str

    def __init__(self, key: str) -> None:
        self.key = key


@dataclass(slots=True, init=False)
class Set:
    """Store ``value`` at ``key`` (``ttl`` ``None``: no expiry). Result: ``None``."""

    key: str
    value: str
    ttl: float | None = None

    def __init__(self, key: str, value: str, ttl: float | None = None) -> None:
        self.key = key
        self.value = value
        self.ttl = ttl


@dataclass(slots=True, init=False)
class Delete:
    """Remove ``key``. Result: ``None``."""

    key: str

    def __init__(self, key: str) -> None:
        self.key = key


@dataclass(slots=True, init=False)
class Incr:
    """Add ``amount`` to the integer at ``key`` (hash ``field`` where given). Result: the new
    value (an ``int``)."""

    key: str
    amount: int = 1
    field: str | None = None
    ttl: float | None = None

    def __init__(
        self,
        key: str,
        amount: int = 1,
        field: str | None = None,
        ttl: float | None = None,
    ) -> None:
        self.key = key
        self.amount = amount
        self.field = field
        self.ttl = ttl


@dataclass(slots=True, init=False)
class HashCounts:
    """Add 1 to ``field`` of hash ``key``. Result: the whole hash as ``dict[str, int]``."""

    key: str
    field: str
    ttl: float | None = None

    def __init__(self, key: str, field: str, ttl: float | None = None) -> None:
        self.key = key
        self.field = field
        self.ttl = ttl


@dataclass(slots=True, init=False)
class SetAdd:
    """Add ``member`` to set ``key``. Result: ``True`` if it was not there before.

    With ``cap`` (0: none) the set keeps at most ``cap`` members: adding a new one to a full
    set first drops one (in memory the least recently added or seen; in Redis a random one).
    """

    key: str
    member: str
    ttl: float | None = None
    cap: int = 0

    def __init__(self, key: str, member: str, ttl: float | None = None, cap: int = 0) -> None:
        self.key = key
        self.member = member
        self.ttl = ttl
        self.cap = cap


@dataclass(slots=True, init=False)
class HashGet:
    """Result: a tuple with the value (or ``None``) of each of ``fields`` of hash ``key``."""

    key: str
    fields: tuple[str, ...]

    def __init__(self, key: str, fields: tuple[str, ...]) -> None:
        self.key = key
        self.fields = fields


@dataclass(slots=True, init=False)
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

    def __init__(
        self,
        key: str,
        mapping: Mapping[str, str],
        ttl: float,
        cond_key: str | None = None,
        cond_value: str = "",
        index_key: str | None = None,
    ) -> None:
        self.key = key
        self.mapping = mapping
        self.ttl = ttl
        self.cond_key = cond_key
        self.cond_value = cond_value
        self.index_key = index_key


@dataclass(slots=True, init=False)
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

    def __init__(
        self,
        key: str,
        initial: float,
        half_life: float,
        now: float,
        delta: float = 0.0,
        write: bool = True,
        ttl: float | None = None,
        recovery_half_life: float | None = None,
    ) -> None:
        self.key = key
        self.initial = initial
        self.half_life = half_life
        self.now = now
        self.delta = delta
        self.write = write
        self.ttl = ttl
        self.recovery_half_life = recovery_half_life


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
