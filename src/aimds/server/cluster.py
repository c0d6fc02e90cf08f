"""Cluster mode: follow Redis pub/sub for live events and approval transitions.

Each process publishes its decisions' live events and its approval transitions to Redis;
this bridge, one per process, feeds what arrives into the local broker and wakes local
approval waiters, so an approval made on one process releases a waiter on another.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from aimds.respond.approvals import ApprovalRequest
    from aimds.server.state import ServiceState

__all__ = ["approvals_channel", "publish_transition", "start_redis_bridge"]

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
