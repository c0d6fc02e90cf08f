"""The Redis state store (``pip install 'aimds[redis]'``) for many guard processes sharing state.

Each batch is one MULTI/EXEC pipeline: one round trip, applied atomically. Windows are sorted
sets scored by the events' timestamps and trimmed in the same transaction; every key except a
quarantine record carries a TTL, so state expires on its own. The two read-modify-write ops
(conditional hash write, trust update) run as small Lua scripts sent with ``EVAL`` inside the
pipeline, so they cost no extra round trip and survive a server restart (no script cache).

Timeouts come from the policy and retries are off: an unreachable or slow server raises
:class:`~aimds.errors.BackendError` within about ``timeout`` seconds, never hangs. Error
messages never include the URL (it may hold a password).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from aimds.behavior.store import (
    Count,
    Delete,
    First,
    Get,
    HashCounts,
    HashGet,
    HashPutIf,
    Incr,
    Op,
    Result,
    Set,
    SetAdd,
    Trust,
    Window,
)
from aimds.errors import BackendError, MissingExtraError

__all__ = ["RedisStore"]

_PUT_IF = """
if KEYS[2] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
local prefix = ''
if KEYS[3] ~= '' then prefix = ((tonumber(redis.call('GET', KEYS[3])) or 0) - 1) .. '|' end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], prefix .. ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
"""

_TRUST = """
local initial, half, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local delta, write, ttl = tonumber(ARGV[4]), ARGV[5] == '1', tonumber(ARGV[6])
local stored = redis.call('HMGET', KEYS[1], 's', 't')
local score, ts = initial, now
if stored[1] then
  score, ts = tonumber(stored[1]), tonumber(stored[2])
  if now > ts then score = initial + (score - initial) * math.pow(0.5, (now - ts) / half) end
end
score = math.min(math.max(score + delta, 0), 1000)
if write then
  redis.call('HSET', KEYS[1], 's', string.format('%.17g', score), 't',
             string.format('%.17g', math.max(now, ts)))
  if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
end
return string.format('%.17g', score)
"""


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class RedisStore:
    """A :class:`~aimds.behavior.store.Store` on Redis; thread-safe (redis-py pools connections).

    Give ``url`` (``redis://host:port/db``) or a ready ``client`` (``decode_responses=True``).
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Any = None,
        timeout: float = 0.05,
        prefix: str = "aimds:",
    ) -> None:
        if client is None:
            if not url:
                raise BackendError("behavior.redis_url is not set: give a redis:// URL")
            client = _connect(url, timeout)
        self._client = client
        self._prefix = prefix
        self._errors: tuple[type[BaseException], ...] = _redis_errors()

    def execute(self, ops: Sequence[Op]) -> list[Result]:
        pipe = self._client.pipeline(transaction=True)
        decoders: list[Callable[[list[Any]], Result]] = []
        cursor = 0
        for op in ops:
            used, decode = self._queue(pipe, op, cursor)
            cursor += used
            decoders.append(decode)
        try:
            raw = pipe.execute()
        except self._errors as exc:
            raise BackendError(f"redis store unavailable ({type(exc).__name__})") from None
        return [decode(raw) for decode in decoders]

    def close(self) -> None:
        self._client.close()

    def _queue(self, pipe: Any, op: Op, at: int) -> tuple[int, Callable[[list[Any]], Result]]:
        """Queue the commands of ``op``; return how many and how to read its result."""
        key = self._prefix + op.key

        def nth(
            i: int, cast: Callable[[Any], Result] = lambda v: v
        ) -> Callable[[list[Any]], Result]:
            return lambda raw: cast(raw[at + i])

        if isinstance(op, Window):
            pipe.zadd(key, {op.member: op.score})
            pipe.zremrangebyscore(key, "-inf", f"({op.score - op.horizon!r}")
            pipe.zremrangebyrank(key, 0, -op.cap - 1)
            pipe.zcard(key)
            pipe.pexpire(key, _ms(op.ttl))
            return 5, nth(3, int)
        if isinstance(op, Count):
            pipe.zcount(key, repr(op.since), "+inf")
            return 1, nth(0, int)
        if isinstance(op, First):
            pipe.zrange(key, 0, 0, withscores=True)
            return 1, nth(0, lambda v: float(v[0][1]) if v else None)
        if isinstance(op, Get):
            pipe.get(key)
            return 1, nth(0, _text)
        if isinstance(op, Set):
            pipe.set(key, op.value, px=None if op.ttl is None else _ms(op.ttl))
            return 1, lambda raw: None
        if isinstance(op, Delete):
            pipe.delete(key)
            return 1, lambda raw: None
        if isinstance(op, Incr):
            if op.field is None:
                pipe.incrby(key, op.amount)
            else:
                pipe.hincrby(key, op.field, op.amount)
            return self._expire(pipe, key, op.ttl), nth(0, int)
        if isinstance(op, HashCounts):
            pipe.hincrby(key, op.field, 1)
            pipe.hgetall(key)
            used = 1 + self._expire(pipe, key, op.ttl)
            return used, nth(1, lambda v: {_text(k): int(n) for k, n in v.items()})
        if isinstance(op, SetAdd):
            pipe.sadd(key, op.member)
            return self._expire(pipe, key, op.ttl), nth(0, lambda v: bool(int(v)))
        if isinstance(op, HashGet):
            pipe.hmget(key, list(op.fields))
            return 1, nth(0, lambda v: tuple(_text(x) for x in v))
        if isinstance(op, HashPutIf):
            cond = "" if op.cond_key is None else self._prefix + op.cond_key
            index = "" if op.index_key is None else self._prefix + op.index_key
            flat = [x for pair in op.mapping.items() for x in pair]
            pipe.eval(_PUT_IF, 3, key, cond, index, _ms(op.ttl), op.cond_value, *flat)
            return 1, nth(0, lambda v: bool(int(v)))
        return self._queue_trust(pipe, key, op), nth(0, float)

    @staticmethod
    def _queue_trust(pipe: Any, key: str, op: Trust) -> int:
        ttl = 0 if op.ttl is None else _ms(op.ttl)
        pipe.eval(
            _TRUST,
            1,
            key,
            repr(op.initial),
            repr(op.half_life),
            repr(op.now),
            repr(op.delta),
            "1" if op.write else "0",
            ttl,
        )
        return 1

    @staticmethod
    def _expire(pipe: Any, key: str, ttl: float | None) -> int:
        if ttl is None:
            return 1
        pipe.pexpire(key, _ms(ttl))
        return 2


def _text(value: Any) -> str | None:
    """A reply as text whether or not the client decodes responses."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _connect(url: str, timeout: float) -> Any:
    try:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry
    except ImportError:
        raise MissingExtraError("redis", "redis") from None
    try:
        return redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            retry_on_timeout=False,
            health_check_interval=0,
        )
    except ValueError:
        raise BackendError("behavior.redis_url is not a valid redis:// URL") from None


def _redis_errors() -> tuple[type[BaseException], ...]:
    try:
        import redis
    except ImportError:
        return (OSError,)
    return (redis.RedisError, OSError)
