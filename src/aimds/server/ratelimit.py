"""Per-credential rate limits: fixed one-minute windows, in memory or shared through Redis.

``hit(key)`` returns ``None`` when the call may go ahead, else the seconds to wait (the
``Retry-After`` of a 429). A Redis failure fails closed for that call (it is refused with a
short retry), never open.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["MemoryRateLimiter", "RateLimiter", "RedisRateLimiter"]

_WINDOW_S = 60


class RateLimiter(Protocol):
    def hit(self, key: str) -> float | None: ...


class MemoryRateLimiter:
    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.time) -> None:
        self._limit = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._window = -1
        self._counts: dict[str, int] = {}

    def hit(self, key: str) -> float | None:
        if self._limit <= 0:
            return None
        now = self._clock()
        window = int(now // _WINDOW_S)
        with self._lock:
            if window != self._window:
                self._window = window
                self._counts = {}
            count = self._counts.get(key, 0) + 1
            self._counts[key] = count
        if count <= self._limit:
            return None
        return max(1.0, math.ceil((window + 1) * _WINDOW_S - now))


class RedisRateLimiter:
    """The same windows in Redis, so every process of a cluster counts together."""

    def __init__(
        self, client: Any, per_minute: int, *, prefix: str, clock: Callable[[], float] = time.time
    ) -> None:
        self._client = client
        self._limit = per_minute
        self._prefix = prefix
        self._clock = clock

    def hit(self, key: str) -> float | None:
        if self._limit <= 0:
            return None
        now = self._clock()
        window = int(now // _WINDOW_S)
        name = f"{self._prefix}:rl:{key}:{window}"
        try:
            pipe = self._client.pipeline()
            pipe.incr(name)
            pipe.expire(name, _WINDOW_S * 2)
            count = int(pipe.execute()[0])
        except Exception:  # noqa: BLE001 - backend down: refuse this call (fail closed)
            return 1.0
        if count <= self._limit:
            return None
        return max(1.0, math.ceil((window + 1) * _WINDOW_S - now))
