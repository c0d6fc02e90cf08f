"""Sliding windows and state keys.

:class:`SortedWindow` is the in-process twin of a Redis sorted set scored by timestamp: add,
trim everything older than the horizon, cap the size, count. :class:`Keys` names every piece
of state of one subject, so the memory and Redis backends share one layout::

    b:{tenant}:q:{agent}            quarantine record (no expiry)
    b:{tenant}:t:{agent}            trust score
    b:{tenant}:a:{agent}:...        per-agent baselines
    b:{tenant}:s:{scope}:...        per-session (or per-agent, by policy) windows and state
"""

from __future__ import annotations

import bisect
from typing import NamedTuple

__all__ = ["Keys", "SortedWindow", "Tally", "quarantine_key", "trust_key"]

_COMPACT_AT = 64
_new_tuple = tuple.__new__


def part(value: str) -> str:
    """``value`` made safe as one key segment (``%`` and ``:`` escaped), so ids never collide."""
    if "%" in value or ":" in value:
        return value.replace("%", "%25").replace(":", "%3A")
    return value


class SortedWindow:
    """Members scored by time, kept sorted. Re-adding a member moves it to the new score.

    Events mostly arrive in time order, so inserts land at the end and trimming cuts a prefix;
    counting since a time is one bisection. Not thread-safe: the store holds a lock.
    """

    __slots__ = ("_entries", "_scores")

    def __init__(self) -> None:
        self._entries: list[tuple[float, str]] = []
        self._scores: dict[str, float] = {}

    def add(self, member: str, score: float) -> None:
        entries = self._entries
        old = self._scores.get(member)
        if old is not None:
            del entries[bisect.bisect_left(entries, (old, member))]
        self._scores[member] = score
        if not entries or entries[-1] <= (score, member):
            entries.append((score, member))
        else:
            bisect.insort(entries, (score, member))

    def trim(self, before: float) -> None:
        """Drop members scored strictly before ``before``."""
        cut = bisect.bisect_left(self._entries, (before, ""))
        if cut:
            for _, member in self._entries[:cut]:
                del self._scores[member]
            del self._entries[:cut]

    def cap(self, size: int) -> None:
        """Keep only the ``size`` newest members."""
        extra = len(self._entries) - size
        if extra > 0:
            for _, member in self._entries[:extra]:
                del self._scores[member]
            del self._entries[:extra]

    def count_since(self, since: float) -> int:
        return len(self._entries) - bisect.bisect_left(self._entries, (since, ""))

    def push(self, member: str, score: float, before: float, size: int) -> int:
        """:meth:`add`, :meth:`trim` and :meth:`cap` in one call; how many members remain."""
        self.add(member, score)
        self.trim(before)
        self.cap(size)
        return len(self._entries)

    def first(self) -> float | None:
        """The lowest score, or ``None`` when empty."""
        return self._entries[0][0] if self._entries else None

    def __len__(self) -> int:
        return len(self._entries)


class Tally:
    """A window of anonymous members (one per event): only their scores, kept sorted.

    The in-process form of a window whose members are all unique (``Window(member=None)``):
    what :class:`SortedWindow` would answer for such members (count, count since, first,
    trim, cap), without a member string and a dict entry per event. Dropped scores are cut
    lazily (a start index; the list is compacted once the dead prefix is half of it), so
    trimming and capping a long window are amortised O(1), not a shift of the whole list.
    Not thread-safe: the store holds a lock.
    """

    __slots__ = ("_scores", "_start")

    def __init__(self) -> None:
        self._scores: list[float] = []
        self._start = 0

    def add(self, score: float) -> None:
        scores = self._scores
        if not scores or scores[-1] <= score:
            scores.append(score)
        else:
            bisect.insort(scores, score, self._start)

    def push(self, score: float, before: float, size: int) -> int:
        """:meth:`add`, :meth:`trim` and :meth:`cap` in one call; how many scores remain."""
        scores = self._scores
        if not scores or scores[-1] <= score:
            scores.append(score)
        else:
            bisect.insort(scores, score, self._start)
        start = self._start
        if scores[start] < before:
            start = bisect.bisect_left(scores, before, start)
        extra = len(scores) - start - size
        if extra > 0:
            start += extra
        if start != self._start:
            self._start = start
            self._compact()
        return len(scores) - self._start

    def trim(self, before: float) -> None:
        """Drop scores strictly before ``before``."""
        scores, start = self._scores, self._start
        if start < len(scores) and scores[start] < before:
            self._start = bisect.bisect_left(scores, before, start)
            self._compact()

    def cap(self, size: int) -> None:
        """Keep only the ``size`` newest scores."""
        extra = len(self._scores) - self._start - size
        if extra > 0:
            self._start += extra
            self._compact()

    def count_since(self, since: float) -> int:
        scores = self._scores
        return len(scores) - bisect.bisect_left(scores, since, self._start)

    def first(self) -> float | None:
        """The lowest score, or ``None`` when empty."""
        scores, start = self._scores, self._start
        return scores[start] if start < len(scores) else None

    def scores(self) -> list[float]:
        """The live scores, oldest first."""
        return self._scores[self._start :]

    def __len__(self) -> int:
        return len(self._scores) - self._start

    def _compact(self) -> None:
        start = self._start
        if start >= _COMPACT_AT and start * 2 >= len(self._scores):
            del self._scores[:start]
            self._start = 0


class Keys(NamedTuple):
    """State keys of one subject, built from escaped segments (see :func:`part`).

    ``scope`` is ``agent/session``, or the agent id where the policy keeps sequences per agent.
    The fixed keys and prefixes are built once, so naming a key per op is one concatenation;
    the keys of a session derive from its agent's (:meth:`with_session`) with one format.
    Immutable (a named tuple); equal when tenant, agent and scope are (the rest derives from
    them).
    """

    tenant: str
    agent: str
    scope: str
    quarantine: str
    trust: str
    agent_prefix: str
    scoped_prefix: str

    def agent_key(self, name: str) -> str:
        return self.agent_prefix + name

    def scoped(self, name: str) -> str:
        return self.scoped_prefix + name

    def for_scope(self, scope: str, name: str) -> str:
        """A key of the given scope (``session``, ``agent`` or ``tenant``) for temporal rules."""
        if scope == "tenant":
            return f"b:{self.tenant}:x:{name}"
        if scope == "agent":
            return self.agent_prefix + name
        return self.scoped_prefix + name

    def with_session(self, session: str) -> Keys:
        """The keys of ``session`` of this agent (``self`` being the agent-scoped keys)."""
        tenant, agent = self.tenant, self.agent
        scope = f"{agent}/{part(session)}"
        # tuple.__new__ directly: a third of the named tuple's own constructor, once per session
        return _new_tuple(
            Keys,
            (
                tenant,
                agent,
                scope,
                self.quarantine,
                self.trust,
                self.agent_prefix,
                f"b:{tenant}:s:{scope}:",
            ),
        )

    @classmethod
    def of(cls, tenant: str, agent: str, session: str | None) -> Keys:
        """Keys of a subject; ``session`` ``None`` scopes sequences to the agent."""
        t, a = part(tenant), part(agent)
        keys = cls(t, a, a, f"b:{t}:q:{a}", f"b:{t}:t:{a}", f"b:{t}:a:{a}:", f"b:{t}:s:{a}:")
        return keys if session is None else keys.with_session(session)


def quarantine_key(tenant: str, agent: str) -> str:
    return Keys.of(tenant, agent, None).quarantine


def trust_key(tenant: str, agent: str) -> str:
    return Keys.of(tenant, agent, None).trust
