"""Cluster mode: follow Redis pub/sub for live events and approval transitions, and say
whether behaviour state is shared.

Each process publishes its decisions' live events and its approval transitions to Redis;
this bridge, one per process, feeds what arrives into the local broker and wakes local
approval waiters, so an approval made on one process releases a waiter on another.

Behaviour state is shared only when the policy keeps it in Redis (``behavior.store:
redis``), and data-flow fingerprints match across processes only with one
``behavior.fingerprint_key`` for all (``AIMDS_FINGERPRINT_KEY`` or ``..._FILE``):
:func:`behavior_sharing` says which holds (``/ready`` shows it) and
:func:`warn_unshared` logs what is missing at start-up.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING, Any

import orjson

from aimds.behavior.keys import fingerprint_key
from aimds.errors import AimdsError

if TYPE_CHECKING:
    from aimds.respond.approvals import ApprovalRequest
    from aimds.server.state import ServiceState

__all__ = [
    "approvals_channel",
    "behavior_sharing",
    "publish_transition",
    "start_redis_bridge",
    "warn_unshared",
]

log = logging.getLogger("aimds.server")


def approvals_channel(prefix: str) -> str:
    """The pub/sub channel that carries approval request ids after each transition."""
    return f"{prefix}:approvals"


def publish_transition(redis: Any, prefix: str, request_id: str) -> bool:
    """Tell every service process that ``request_id`` changed, so its waiters wake now.

    Returns whether the message went out; on failure waiters still see the change when
    they next re-read the store (within a second)."""
    try:
        redis.publish(approvals_channel(prefix), request_id.encode())
    except Exception as exc:  # noqa: BLE001 - the wake-up is an optimisation, not the record
        log.warning("approval wake-up publish failed: %s", type(exc).__name__)
        return False
    return True


async def start_redis_bridge(
    state: ServiceState, loop: asyncio.AbstractEventLoop, stop: threading.Event
) -> None:
    """Publish local approval transitions; listen for everyone's, and for live events."""
    prefix = state.settings.redis_prefix
    events_channel = f"{prefix}:events"
    wakeups = approvals_channel(prefix)
    redis = state.redis

    def publish(request: ApprovalRequest) -> None:
        publish_transition(redis, prefix, request.id)

    state.queue.add_listener(publish)

    def listen() -> None:
        pubsub = redis.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(events_channel, wakeups)
        try:
            while not stop.is_set():
                message = pubsub.get_message(timeout=0.5)
                if message is None:
                    continue
                channel = message["channel"].decode()
                if channel == wakeups:
                    state.queue.wake()
                    state.waiters.fire(message["data"].decode())
                else:
                    try:
                        event = orjson.loads(message["data"])
                    except orjson.JSONDecodeError:
                        continue
                    loop.call_soon_threadsafe(state.broker.deliver, event)
        finally:
            pubsub.close()

    await asyncio.to_thread(listen)


def behavior_sharing(state: ServiceState) -> dict[str, Any]:
    """``{"store", "shared", "fingerprint_key"}``: where behaviour state lives, whether
    every process of the deployment sees it, and where the fingerprint key comes from
    (``policy``, ``env``, ``file`` or ``per-process``)."""
    guard = state.guard
    try:
        behavior = guard.behavior
    except AimdsError:
        return {"store": None, "shared": False, "fingerprint_key": None}
    store = type(behavior.store).__name__
    shared = store == "RedisStore"
    source = fingerprint_key(guard.policy.document.behavior).source
    return {
        "store": "redis" if shared else "memory" if store == "MemoryStore" else store,
        "shared": shared,
        "fingerprint_key": source or "per-process",
    }


def warn_unshared(state: ServiceState) -> list[str]:
    """Log (and return) what keeps a cluster's behaviour checks from seeing every process."""
    settings = state.settings
    if settings.redis_url is None and settings.workers <= 1:
        return []
    sharing = behavior_sharing(state)
    problems: list[str] = []
    if sharing["store"] is not None and not sharing["shared"]:
        problems.append(
            "behaviour state (windows, trust, quarantine) is kept per process: set "
            "behavior.store: redis and behavior.redis_url in the policy"
        )
    elif sharing["shared"] and sharing["fingerprint_key"] == "per-process":
        problems.append(
            "behavior.fingerprint_key is not set: a credential read on one process and sent "
            "from another is not recognised; give every process the same key "
            "(AIMDS_FINGERPRINT_KEY or AIMDS_FINGERPRINT_KEY_FILE)"
        )
    for problem in problems:
        log.warning("cluster mode: %s", problem)
    return problems
