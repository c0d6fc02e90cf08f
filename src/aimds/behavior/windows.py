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

__all__ = ["Keys", "SortedWindow", "quarantine_key", "trust_key"]


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

    def first(self) -> float | None:
        """The lowest score, or ``None`` when empty."""
        return self._entries[0][0] if self._entries else None

    def __len__(self) -> int:
        return len(self._entries)


class Keys:
    """State keys of one subject, built from escaped segments (see :func:`part`).

    ``scope`` is ``agent/session``, or the agent id where the policy keeps sequences per agent.
    The fixed keys and prefixes are built once, so naming a key per op is one concatenation.
    Immutable; equal when tenant, agent and scope are.
    """

    __slots__ = (
        "_agent_prefix",
        "_scoped_prefix",
        "agent",
        "quarantine",
        "scope",
        "tenant",
        "trust",
    )

    def __init__(self, tenant: str, agent: str, scope: str) -> None:
        setter = object.__setattr__
        setter(self, "tenant", tenant)
        setter(self, "agent", agent)
        setter(self, "scope", scope)
        setter(self, "quarantine", f"b:{tenant}:q:{agent}")
        setter(self, "trust", f"b:{tenant}:t:{agent}")
        setter(self, "_agent_prefix", f"b:{tenant}:a:{agent}:")
        setter(self, "_scoped_prefix", f"b:{tenant}:s:{scope}:")

    tenant: str
    agent: str
    scope: str
    quarantine: str
    trust: str
    _agent_prefix: str
    _scoped_prefix: str

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Keys is immutable; cannot set {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Keys):
            return NotImplemented
        return (self.tenant, self.agent, self.scope) == (other.tenant, other.agent, other.scope)

    def __hash__(self) -> int:
        return hash((self.tenant, self.agent, self.scope))

    def __repr__(self) -> str:
        return f"Keys(tenant={self.tenant!r}, agent={self.agent!r}, scope={self.scope!r})"

    def agent_key(self, name: str) -> str:
        return self._agent_prefix + name

    def scoped(self, name: str) -> str:
        return self._scoped_prefix + name

    def for_scope(self, scope: str, name: str) -> str:
        """A key of the given scope (``session``, ``agent`` or ``tenant``) for temporal rules."""
        if scope == "tenant":
            return f"b:{self.tenant}:x:{name}"
        if scope == "agent":
            return self.agent_key(name)
        return self.scoped(name)

    @classmethod
    def of(cls, tenant: str, agent: str, session: str | None) -> Keys:
        """Keys of a subject; ``session`` ``None`` scopes sequences to the agent."""
        t, a = part(tenant), part(agent)
        return cls(t, a, a if session is None else f"{a}/{part(session)}")


def quarantine_key(tenant: str, agent: str) -> str:
    return Keys.of(tenant, agent, None).quarantine


def trust_key(tenant: str, agent: str) -> str:
    return Keys.of(tenant, agent, None).trust
