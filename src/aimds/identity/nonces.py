"""Nonce memory for replay detection, in the behaviour state store.

Each accepted envelope's nonce becomes one key (``aimds:msg:nonce:<tenant>:<key id>:<nonce>``)
incremented atomically with a lifetime of the freshness window: the first use reads 1, any
replay within the window more, and a replay after the window is already
``message.expired``. With ``behavior.store: redis`` every guard process sharing the
server sees every other's nonces. The store is the one ``services.store`` holds, else one
opened on first use from the ``behavior`` section (so a guard that never sees a signed
message opens nothing).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from aimds.behavior.store import Incr, Store
from aimds.errors import BackendError

if TYPE_CHECKING:
    from aimds.policy.sections.behavior import BehaviorSection
    from aimds.types import Services

__all__ = ["NonceMemory"]


class NonceMemory:
    def __init__(self, section: BehaviorSection, services: Services, *, ttl: float) -> None:
        self._section = section
        self._services = services
        self._ttl = ttl
        self._store: Store | None = None
        self._owned = False
        self._lock = threading.Lock()

    def first_use(self, tenant: str, key_id: str, nonce: str) -> bool:
        """Record the nonce; ``True`` when it was not seen within the window.
        Raises :class:`BackendError` when the store cannot answer."""
        key = f"aimds:msg:nonce:{tenant}:{key_id}:{nonce}"
        try:
            (count,) = self._open().execute([Incr(key, 1, None, self._ttl)])
        except BackendError:
            raise
        except Exception as exc:  # noqa: BLE001 - a store bug is an unavailable store
            raise BackendError(f"state store raised {type(exc).__name__}") from None
        return count == 1

    def _open(self) -> Store:
        store = self._store
        if store is not None:
            return store
        with self._lock:
            if self._store is None:
                self._store, self._owned = self._build()
            return self._store

    def _build(self) -> tuple[Store, bool]:
        from aimds.behavior.backends import open_store

        return open_store(self._section, self._services)

    def close(self) -> None:
        with self._lock:
            if self._store is not None and self._owned:
                self._store.close()
            self._store = None
