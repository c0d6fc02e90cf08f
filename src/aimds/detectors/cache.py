"""Remembered findings of the pure detectors, for events that repeat.

Agents repeat themselves: the same ``shell {"command": "ls -la"}`` or ``read_file
{"path": "README.md"}`` arrives many times a minute, and a pure detector (one that says so
with :attr:`DetectorInfo.pure <aimds.detectors.base.DetectorInfo>`) finds the same things
in it every time. :func:`content_key` turns what those detectors read into a hashable key;
:class:`FindingsCache` maps keys to the findings they produced.

The key holds the event kind, the tenant, the tool, the event text and the arguments,
copied exactly: strings and the types and values of other scalars, dicts in their
iteration order, lists and tuples told apart. Contents that cannot be copied exactly or
cheaply get no key and are simply not cached: other types (a ``str`` or ``dict``
subclass may compare or iterate as it likes, an integer past 64 bits), more than
``max_chars`` characters in all (text, argument keys and strings, tool and tenant
names), more than :data:`MAX_NODES` values, or nesting deeper than :data:`MAX_DEPTH`.

The cache is bounded (``max_entries``, oldest forgotten first, a key stored only the
second time it is seen) and thread-safe: reads take no lock (an ``OrderedDict`` lookup
is as atomic as a ``dict``'s, and so are the set operations of admission), writes and
evictions (constant time, oldest first) hold one. Entries are tuples of frozen findings
shared by every hit, never copied.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from aimds.types import Event, Finding

__all__ = ["MAX_DEPTH", "MAX_NODES", "Entry", "FindingsCache", "content_key"]

MAX_DEPTH = 16
"""Argument nesting copied into a key; deeper arguments are not cached."""
MAX_NODES = 256
"""Argument values (containers and leaves) copied into a key; more are not cached."""

Entry = tuple[tuple[Finding, ...] | None, ...]
"""Per detector, in order: the findings of a pure detector, ``None`` for any other."""

_SCALARS = frozenset({int, float, bool, type(None)})
_BIG_INT = 2**64


class _Tag:
    """Marks a copied container in a key, so ``[x]``, ``(x,)`` and ``{...}`` never collide."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


_DICT = _Tag("dict")
_LIST = _Tag("list")
_TUPLE = _Tag("tuple")


class _TooBig(Exception):
    """Raised inside :func:`_copy` when the arguments cannot be copied into a key."""


def content_key(event: Event, max_chars: int) -> Hashable | None:
    """A key equal for two events exactly when a pure detector must see them as the same
    content, or ``None`` where the event is not to be cached (see the module docstring)."""
    text = event.text
    tool = event.tool
    tenant = event.subject.tenant
    if type(text) is not str or type(tenant) is not str:
        return None
    if tool is not None and type(tool) is not str:
        return None
    budget = max_chars - len(text) - len(tenant) - (len(tool) if tool is not None else 0)
    if budget < 0:
        return None
    kind = event.kind._value_  # a str: hashing the member itself runs Enum.__hash__ in Python
    args = event.args
    if type(args) is dict and len(args) <= MAX_NODES:  # the common call: flat strings
        items = tuple(args.items())
        left = budget
        for k, v in items:
            if type(k) is not str or type(v) is not str:
                break
            left -= len(k) + len(v)
        else:
            if left < 0:
                return None
            return (kind, tenant, tool, text, items)
    try:
        copied = _copy(args, 0, [budget, MAX_NODES])
    except _TooBig:
        return None
    return (kind, tenant, tool, text, copied)


def _copy(value: Any, depth: int, left: list[int]) -> Hashable:
    """``value`` as nested tuples; ``left`` holds the characters and values still allowed.
    A top-level dict of strings copies to the same key as the fast path above."""
    kind = type(value)
    if kind is str:
        left[0] -= len(value)
        if left[0] < 0:
            raise _TooBig
        return value  # type: ignore[no-any-return]
    left[1] -= 1
    if left[1] < 0 or depth > MAX_DEPTH:
        raise _TooBig
    if kind in _SCALARS:
        if kind is int and not -_BIG_INT < value < _BIG_INT:
            raise _TooBig  # its copy and hash would cost in proportion to its digits
        return (kind, value)
    if (kind is dict or kind is list or kind is tuple) and len(value) > left[1]:
        raise _TooBig
    if kind is dict:
        pairs = []
        for k, v in tuple(value.items()):
            if type(k) is not str:
                raise _TooBig
            left[0] -= len(k)
            if left[0] < 0:
                raise _TooBig
            pairs.append((k, _copy(v, depth + 1, left)))
        return tuple(pairs) if depth == 0 else (_DICT, tuple(pairs))
    if kind is list or kind is tuple:
        tag = _LIST if kind is list else _TUPLE
        return (tag, tuple(_copy(v, depth + 1, left) for v in tuple(value)))
    raise _TooBig


class FindingsCache:
    """At most ``max_entries`` keys, each mapped to a tuple of per-detector findings.

    A key is admitted on its second sighting only (:meth:`admit` remembers the hashes of
    the last few thousand keys seen once), so a stream of one-off events neither pays for
    storing its results nor pushes the repeated ones out.
    """

    __slots__ = ("_entries", "_lock", "_max", "_max_seen", "_seen")

    def __init__(self, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max = max_entries
        self._max_seen = 4 * max_entries
        self._lock = threading.Lock()
        self._seen: set[int] = set()
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()

    def admit(self, key: Hashable) -> bool:
        """Whether ``key`` (not cached) is worth caching: ``True`` when a key with its hash
        was seen before. A hash collision only admits a key early."""
        h = hash(key)
        seen = self._seen
        if h in seen:
            return True
        if len(seen) >= self._max_seen:
            seen.clear()  # forgets the one-offs; at worst a repeated key waits one more time
        seen.add(h)
        return False

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Entry | None:
        return self._entries.get(key)

    def put(self, key: Hashable, value: Entry) -> None:
        with self._lock:
            entries = self._entries
            entries[key] = value
            while len(entries) > self._max:
                entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._seen.clear()
