"""The pseudonym vault: per tenant and session, bounded, so a completion can be restored.

``Vault.session(tenant, session)`` gives the :class:`SessionVault` of one conversation; a
value always gets the same pseudonym (``<EMAIL_#1>``) there, and ``restore`` puts the values
back into a later text. Sessions never share entries: the key is ``(tenant, session)``.
Bounds: at most ``max_sessions`` sessions (least recently used go first, and any idle for
``ttl_seconds``) and ``max_entries`` values per session (oldest go first).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aimds.policy.sections.sensitive import VaultSettings
    from aimds.types import Services

__all__ = ["SessionVault", "Vault", "vault_for"]

_EXTRAS_KEY = "aimds.vault"
_TOKEN = re.compile(r"<[A-Z0-9_]{1,64}_#\d{1,9}>")


class SessionVault:
    def __init__(self, max_entries: int) -> None:
        self._max = max_entries
        self._lock = threading.Lock()
        self._by_value: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._by_token: dict[str, str] = {}
        self._counters: dict[str, int] = {}

    def pseudonym(self, label: str, value: str) -> str:
        with self._lock:
            token = self._by_value.get((label, value))
            if token is not None:
                self._by_value.move_to_end((label, value))
                return token
            n = self._counters.get(label, 0) + 1
            self._counters[label] = n
            token = f"<{label}_#{n}>"
            self._by_value[(label, value)] = token
            self._by_token[token] = value
            while len(self._by_value) > self._max:
                _, old = self._by_value.popitem(last=False)
                self._by_token.pop(old, None)
            return token

    def restore(self, text: str) -> str:
        """``text`` with every pseudonym this session knows replaced by its value."""
        with self._lock:
            table = dict(self._by_token)
        return _TOKEN.sub(lambda m: table.get(m.group(0), m.group(0)), text)

    def __len__(self) -> int:
        return len(self._by_value)


class Vault:
    def __init__(
        self,
        *,
        max_sessions: int,
        max_entries: int,
        ttl_seconds: float,
        clock: Callable[[], float],
    ) -> None:
        self._max_sessions = max_sessions
        self._max_entries = max_entries
        self._ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: OrderedDict[tuple[str, str], tuple[float, SessionVault]] = OrderedDict()

    def session(self, tenant: str, session: str) -> SessionVault:
        now = self._clock()
        key = (tenant, session)
        with self._lock:
            found = self._sessions.get(key)
            if found is not None and now - found[0] <= self._ttl:
                self._sessions[key] = (now, found[1])
                self._sessions.move_to_end(key)
                return found[1]
            fresh = SessionVault(self._max_entries)
            self._sessions[key] = (now, fresh)
            self._sessions.move_to_end(key)
            while len(self._sessions) > self._max_sessions:
                self._sessions.popitem(last=False)
            while self._sessions:
                oldest_key, (seen, _) = next(iter(self._sessions.items()))
                if now - seen <= self._ttl:
                    break
                del self._sessions[oldest_key]
            return fresh

    def peek(self, tenant: str, session: str) -> SessionVault | None:
        """The session's vault if one exists and is live, without creating one."""
        with self._lock:
            found = self._sessions.get((tenant, session))
        if found is None or self._clock() - found[0] > self._ttl:
            return None
        return found[1]


def vault_for(services: Services, settings: VaultSettings) -> Vault:
    """The guard's vault, created on first use inside ``services.extras``."""
    found = services.extras.get(_EXTRAS_KEY)
    if not isinstance(found, Vault):
        found = Vault(
            max_sessions=settings.max_sessions,
            max_entries=settings.max_entries,
            ttl_seconds=settings.ttl_seconds,
            clock=services.clock,
        )
        services.extras[_EXTRAS_KEY] = found
    return found
