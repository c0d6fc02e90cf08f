"""Cluster mode: follow Redis pub/sub for live events and approval transitions.

Each process publishes its decisions' live events and its approval transitions to Redis;
this bridge, one per process, feeds what arrives into the local broker and wakes local
approval waiters, so an approval made on one process releases a waiter on another.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING

import orjson

if TYPE_CHECKING:
    from aimds.respond.approvals import ApprovalRequest
    from aimds.server.state import ServiceState

__all__ = ["start_redis_bridge"]

log = logging.getLogger("aimds.server")


async def start_redis_bridge(
    state: ServiceState, loop: asyncio.AbstractEventLoop, stop: threading.Event
) -> None:
    """Publish local approval transitions; listen for everyone's, and for live events."""
    prefix = state.settings.redis_prefix
    events_channel = f"{prefix}:events"
    approvals_channel = f"{prefix}:approvals"
    redis = state.redis

    def publish_transition(request: ApprovalRequest) -> None:
        try:
            redis.publish(approvals_channel, request.id.encode())
        except Exception as exc:  # noqa: BLE001 - waiters elsewhere fall back to re-reading
            log.warning("approval wake-up publish failed: %s", type(exc).__name__)

    state.queue.add_listener(publish_transition)

    def listen() -> None:
        pubsub = redis.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(events_channel, approvals_channel)
        try:
            while not stop.is_set():
                message = pubsub.get_message(timeout=0.5)
                if message is None:
                    continue
                channel = message["channel"].decode()
                if channel == approvals_channel:
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
