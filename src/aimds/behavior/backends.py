"""The state store a stage of this room uses: the one the caller shares through
``services.store``, else the one ``behavior.store`` names (memory or Redis).

The behaviour stage, the memory-event stage and the identity room's nonce memory all open
their store here, so a policy means the same backend for each of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aimds.behavior.memory import MemoryStore
from aimds.behavior.store import Store
from aimds.errors import BackendError

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.policy.sections.behavior import BehaviorSection
    from aimds.types import Services

__all__ = ["open_store", "store_for_policy"]

_NO_URL = "behavior.store is 'redis' but behavior.redis_url is not set; give a redis:// URL"


def open_store(section: BehaviorSection, services: Services) -> tuple[Store, bool]:
    """The store and whether the caller owns it (closes it); :class:`BackendError` when
    Redis is named without a URL or cannot be reached."""
    if isinstance(services.store, Store):
        return services.store, False
    if section.store == "memory":
        return MemoryStore(), True
    if not section.redis_url:
        raise BackendError(_NO_URL)
    from aimds.behavior.redis_store import RedisStore

    return RedisStore(section.redis_url, timeout=section.timeout_ms / 1000), True


def store_for_policy(policy: Policy, services: Services) -> tuple[Store, bool]:
    """:func:`open_store` for a policy being built: a failure is a policy error located at
    ``behavior.redis_url``."""
    try:
        return open_store(policy.document.behavior, services)
    except BackendError as exc:
        raise policy.error(str(exc), ("behavior", "redis_url")) from None
