"""Live decisions as Server-Sent Events: an in-process fan-out with bounded queues.

Publishers never wait on subscribers: a subscriber whose queue is full loses the event and
the loss is counted (``dropped``). In cluster mode the app publishes through Redis pub/sub
and feeds what arrives into :meth:`Broker.deliver`, so every process streams every event.
Events carry ids, verdicts, rule ids and categories, never the event's text or arguments.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

__all__ = ["Broker", "Subscription", "sse_stream"]

_QUEUE = 1000
_KEEPALIVE_S = 15.0


@dataclass(slots=True, kw_only=True, eq=False)
class Subscription:
    """``tenant`` ``None``: every tenant's events (an operator's stream)."""

    tenant: str | None
    filters: Mapping[str, str]
    queue: asyncio.Queue[Mapping[str, Any]] = field(
        default_factory=lambda: asyncio.Queue(maxsize=_QUEUE)
    )

    def wants(self, event: Mapping[str, Any]) -> bool:
        if self.tenant is not None and event.get("tenant") != self.tenant:
            return False
        return all(str(event.get(key)) == value for key, value in self.filters.items())


class Broker:
    """Fan-out of live events to subscribers of the same tenant (or of every tenant, for
    an operator). Runs on the event loop."""

    def __init__(self) -> None:
        self._subs: set[Subscription] = set()
        self.dropped = 0
        self.published = 0

    def subscribe(self, tenant: str | None, filters: Mapping[str, str]) -> Subscription:
        sub = Subscription(tenant=tenant, filters=dict(filters))
        self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self._subs.discard(sub)

    @property
    def subscribers(self) -> int:
        return len(self._subs)

    def deliver(self, event: Mapping[str, Any]) -> None:
        """Hand ``event`` to every matching subscriber (call on the loop's thread)."""
        self.published += 1
        for sub in tuple(self._subs):
            if sub.wants(event):
                try:
                    sub.queue.put_nowait(event)
                except asyncio.QueueFull:
                    self.dropped += 1


async def sse_stream(
    broker: Broker, sub: Subscription, is_disconnected: Callable[[], Any]
) -> AsyncIterator[bytes]:
    """The ``text/event-stream`` body for one subscription; ends when the client leaves."""
    try:
        yield b": connected\n\n"
        while True:
            try:
                event = await asyncio.wait_for(sub.queue.get(), timeout=_KEEPALIVE_S)
            except TimeoutError:
                if await is_disconnected():
                    return
                yield b": keep-alive\n\n"
                continue
            yield b"event: decision\ndata: " + orjson.dumps(event) + b"\n\n"
    finally:
        broker.unsubscribe(sub)
