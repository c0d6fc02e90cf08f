"""Per-credential and per-tenant rate limits: fixed one-minute windows of cost units, in
memory or shared through Redis.

A request costs one unit plus one per ``cost_bytes`` of body (:func:`request_cost`), so a
limit bounds the work a caller can ask for, not only its number of calls: a 1 MiB scan
costs as much as 65 small tool calls. :class:`RateLimits` applies the credential's limit and
then its tenant's (all of a tenant's credentials together).

``hit(key, cost)`` returns ``None`` when the call may go ahead, else the seconds to wait
(the ``Retry-After`` of a 429). A Redis failure fails closed for that call (it is refused
with a short retry), never open.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

__all__ = [
    "MemoryRateLimiter",
    "RateLimiter",
    "RateLimits",
    "RedisRateLimiter",
    "build_limits",
    "hit_pair",
    "request_cost",
]

_WINDOW_S = 60


class RateLimiter(Protocol):
    def hit(self, key: str, cost: int = 1) -> float | None: ...


def request_cost(body_bytes: int, cost_bytes: int) -> int:
    """The units a request with a body of ``body_bytes`` costs."""
    return 1 + max(0, body_bytes) // max(1, cost_bytes)


def _retry(window: int, now: float) -> float:
    return max(1.0, math.ceil((window + 1) * _WINDOW_S - now))


class MemoryRateLimiter:
    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.time) -> None:
        self._limit = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._window = -1
        self._counts: dict[str, int] = {}

    def hit(self, key: str, cost: int = 1) -> float | None:
        if self._limit <= 0:
            return None
        cost = min(cost, self._limit)  # one request larger than the limit still fits alone
        now = self._clock()
        window = int(now // _WINDOW_S)
        with self._lock:
            if window != self._window:
                self._window = window
                self._counts = {}
            count = self._counts.get(key, 0) + cost
            self._counts[key] = count
        if count <= self._limit:
            return None
        return _retry(window, now)


class RedisRateLimiter:
    """The same windows in Redis, so every process of a cluster counts together."""

    def __init__(
        self, client: Any, per_minute: int, *, prefix: str, clock: Callable[[], float] = time.time
    ) -> None:
        self._client = client
        self._limit = per_minute
        self._prefix = prefix
        self._clock = clock

    def hit(self, key: str, cost: int = 1) -> float | None:
        if self._limit <= 0:
            return None
        cost = min(cost, self._limit)
        now = self._clock()
        window = int(now // _WINDOW_S)
        name = f"{self._prefix}:rl:{key}:{window}"
        try:
            pipe = self._client.pipeline()
            pipe.incrby(name, cost)
            pipe.expire(name, _WINDOW_S * 2)
            count = int(pipe.execute()[0])
        except Exception:  # noqa: BLE001 - backend down: refuse this call (fail closed)
            return 1.0
        if count <= self._limit:
            return None
        return _retry(window, now)


# The credential's window, then (only if it still has room) the tenant's: one round trip,
# and a call its credential may not make never uses up its tenant's budget.
_PAIR_SCRIPT = """
local c = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[5])
if c > tonumber(ARGV[2]) then return 1 end
local t = redis.call('INCRBY', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[5])
if t > tonumber(ARGV[4]) then return 1 end
return 0
"""


def hit_pair(
    credential: RedisRateLimiter, key: str, tenant: RedisRateLimiter, tenant_key: str, cost: int
) -> float | None:
    """:meth:`RedisRateLimiter.hit` on both, in one script call (both limits on)."""
    now = credential._clock()
    window = int(now // _WINDOW_S)
    try:
        over = credential._client.eval(
            _PAIR_SCRIPT, 2,
            f"{credential._prefix}:rl:{key}:{window}", f"{tenant._prefix}:rl:{tenant_key}:{window}",
            min(cost, credential._limit), credential._limit, min(cost, tenant._limit),
            tenant._limit, _WINDOW_S * 2,
        )
    except Exception:  # noqa: BLE001 - backend down: refuse this call (fail closed)
        return 1.0
    return _retry(window, now) if int(over) else None


class RateLimits:
    """The credential's limit, then its tenant's; one :class:`RateLimiter` each."""

    def __init__(self, credential: RateLimiter, tenant: RateLimiter, *, cost_bytes: int) -> None:
        self.credential = credential
        self.tenant = tenant
        self.cost_bytes = cost_bytes

    def hit(self, key: str, cost: int = 1, *, tenant: str | None = None) -> float | None:
        credential, shared = self.credential, self.tenant
        if (
            tenant is not None
            and isinstance(credential, RedisRateLimiter)
            and isinstance(shared, RedisRateLimiter)
            and credential._limit > 0
            and shared._limit > 0
        ):  # both windows in one round trip
            return hit_pair(credential, key, shared, "tenant:" + tenant, cost)
        retry = credential.hit(key, cost)
        if retry is None and tenant is not None:
            retry = shared.hit("tenant:" + tenant, cost)
        return retry

    def admit(self, key: str, tenant: str, body_bytes: int) -> float | None:
        """:meth:`hit` for a request with a body of ``body_bytes``."""
        return self.hit(key, request_cost(body_bytes, self.cost_bytes), tenant=tenant)


def build_limits(settings: Any, redis: Any = None) -> RateLimits:
    """The limits the service settings ask for, shared through ``redis`` when given."""

    def one(per_minute: int) -> RateLimiter:
        if redis is not None:
            return RedisRateLimiter(redis, per_minute, prefix=settings.redis_prefix)
        return MemoryRateLimiter(per_minute)

    return RateLimits(
        one(settings.rate_limit_per_minute),
        one(settings.tenant_rate_limit_per_minute),
        cost_bytes=settings.rate_cost_bytes,
    )
