"""The Redis state store (``pip install 'aimds[redis]'``) for many guard processes sharing state.

Each batch is **one** ``EVALSHA`` of a small Lua interpreter: the keys travel as ``KEYS`` and
the ops' arguments as one JSON array, the script applies them in order and returns every
result as one JSON array, so an event costs one round trip and one command with a handful of
arguments, applied atomically (a script runs alone on the server).
Windows are sorted sets scored by the events' timestamps and trimmed in the same script; every
key except a quarantine record carries a TTL, so state expires on its own. Quarantine records
are mirrored in the process (:class:`~aimds.behavior.quarantine.QuarantineMirror`), so they
hold while the server is down. Should the server
have lost its script cache (a restart, ``SCRIPT FLUSH``), the ``NOSCRIPT`` reply costs one
``EVAL`` that loads it again; nothing ran, so nothing is applied twice.

Timeouts come from the policy and retries are off: an unreachable or slow server raises
:class:`~aimds.errors.BackendError` within about ``timeout`` seconds, never hangs. Error
messages never include the URL (it may hold a password).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

from aimds.behavior import quarantine as q
from aimds.behavior.quarantine import QuarantineMirror
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
    Rate,
    Result,
    Set,
    SetAdd,
    Trust,
    Window,
)
from aimds.errors import BackendError, MissingExtraError

__all__ = ["RedisStore"]

# One letter per op; each reads its keys from KEYS and its arguments from ARGV in order.
_SCRIPT = """
local A = cjson.decode(ARGV[1])  -- the ops, flattened: code, then its arguments
local r, ki, i, n = {}, 1, 1, #A
local function expire(k, ms) if ms ~= '' then redis.call('PEXPIRE', k, ms) end end
while i <= n do
  local op, k = A[i], KEYS[ki]
  if op == 'W' then
    redis.call('ZADD', k, A[i + 2], A[i + 1])
    redis.call('ZREMRANGEBYSCORE', k, '-inf', A[i + 3])
    redis.call('ZREMRANGEBYRANK', k, 0, -tonumber(A[i + 4]) - 1)
    r[#r + 1] = redis.call('ZCARD', k)
    redis.call('PEXPIRE', k, A[i + 5])
    ki, i = ki + 1, i + 6
  elseif op == 'R' then
    redis.call('ZADD', k, A[i + 2], A[i + 1])
    redis.call('ZREMRANGEBYSCORE', k, '-inf', A[i + 3])
    redis.call('ZREMRANGEBYRANK', k, 0, -tonumber(A[i + 4]) - 1)
    local first = redis.call('ZRANGE', k, 0, 0, 'WITHSCORES')[2] or false
    r[#r + 1] = {redis.call('ZCARD', k), redis.call('ZCOUNT', k, A[i + 6], '+inf'), first}
    redis.call('PEXPIRE', k, A[i + 5])
    ki, i = ki + 1, i + 7
  elseif op == 'C' then
    r[#r + 1] = redis.call('ZCOUNT', k, A[i + 1], '+inf')
    ki, i = ki + 1, i + 2
  elseif op == 'F' then
    r[#r + 1] = redis.call('ZRANGE', k, 0, 0, 'WITHSCORES')[2] or false
    ki, i = ki + 1, i + 1
  elseif op == 'G' then
    r[#r + 1] = redis.call('GET', k)
    ki, i = ki + 1, i + 1
  elseif op == 'S' then
    if A[i + 2] == '' then redis.call('SET', k, A[i + 1])
    else redis.call('SET', k, A[i + 1], 'PX', A[i + 2]) end
    r[#r + 1] = false
    ki, i = ki + 1, i + 3
  elseif op == 'D' then
    redis.call('DEL', k)
    r[#r + 1] = false
    ki, i = ki + 1, i + 1
  elseif op == 'I' then
    if A[i + 1] == '1' then r[#r + 1] = redis.call('HINCRBY', k, A[i + 2], A[i + 3])
    else r[#r + 1] = redis.call('INCRBY', k, A[i + 3]) end
    expire(k, A[i + 4])
    ki, i = ki + 1, i + 5
  elseif op == 'H' then
    redis.call('HINCRBY', k, A[i + 1], 1)
    r[#r + 1] = redis.call('HGETALL', k)
    expire(k, A[i + 2])
    ki, i = ki + 1, i + 3
  elseif op == 'A' then
    local cap = tonumber(A[i + 3])
    if cap > 0 and redis.call('SISMEMBER', k, A[i + 1]) == 0
        and redis.call('SCARD', k) >= cap then
      redis.call('SPOP', k)
    end
    r[#r + 1] = redis.call('SADD', k, A[i + 1])
    expire(k, A[i + 2])
    ki, i = ki + 1, i + 4
  elseif op == 'M' then
    local count = tonumber(A[i + 1])
    r[#r + 1] = redis.call('HMGET', k, unpack(A, i + 2, i + 1 + count))
    ki, i = ki + 1, i + 2 + count
  elseif op == 'P' then
    local used, ok = 1, true
    if A[i + 1] == '1' then
      ok = redis.call('GET', KEYS[ki + used]) == A[i + 3]
      used = used + 1
    end
    local index = false
    if A[i + 2] == '1' then index = KEYS[ki + used]; used = used + 1 end
    local pairs = tonumber(A[i + 5])
    if ok then
      local prefix = ''
      if index then prefix = ((tonumber(redis.call('GET', index)) or 0) - 1) .. '|' end
      for j = i + 6, i + 5 + 2 * pairs, 2 do
        redis.call('HSET', k, A[j], prefix .. A[j + 1])
      end
      redis.call('PEXPIRE', k, A[i + 4])
      r[#r + 1] = 1
    else
      r[#r + 1] = 0
    end
    ki, i = ki + used, i + 6 + 2 * pairs
  elseif op == 'T' then
    local initial, half, now = tonumber(A[i + 1]), tonumber(A[i + 2]), tonumber(A[i + 3])
    local delta, write, ttl = tonumber(A[i + 4]), A[i + 5] == '1', A[i + 6]
    local recovery = tonumber(A[i + 7])
    local stored = redis.call('HMGET', k, 's', 't')
    local score, ts = initial, now
    if stored[1] then
      score, ts = tonumber(stored[1]), tonumber(stored[2])
      local h = half
      if score < initial and recovery > 0 then h = recovery end
      if now > ts then score = initial + (score - initial) * math.pow(0.5, (now - ts) / h) end
    end
    score = math.min(math.max(score + delta, 0), 1000)
    if write then
      redis.call('HSET', k, 's', string.format('%.17g', score), 't',
                 string.format('%.17g', math.max(now, ts)))
      expire(k, ttl)
    end
    r[#r + 1] = string.format('%.17g', score)
    ki, i = ki + 1, i + 8
  else
    return redis.error_reply('aimds: unknown op ' .. tostring(op))
  end
end
return cjson.encode(r)
"""
_SHA = hashlib.sha1(_SCRIPT.encode()).hexdigest()  # noqa: S324 - Redis names scripts by SHA-1


_QUARANTINE_INDEX = "b:quarantined"
"""A set naming every quarantine key, so each process refreshes its mirror in two commands."""


def _str(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


def _ttl(seconds: float | None) -> str | int:
    return "" if seconds is None else _ms(seconds)


class RedisStore:
    """A :class:`~aimds.behavior.store.Store` on Redis; thread-safe (redis-py pools connections).

    Give ``url`` (``redis://host:port/db``) or a ready ``client`` (``decode_responses`` on or
    off: the one reply is JSON either way). Quarantine records are mirrored locally
    (:attr:`quarantines`): from a scan at start, every batch that reads or writes one, and
    the index set of quarantine keys, read by a background thread every ``refresh_s`` seconds.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Any = None,
        timeout: float = 0.05,
        prefix: str = "aimds:",
        refresh_s: float = 2.0,
    ) -> None:
        if client is None:
            if not url:
                raise BackendError("behavior.redis_url is not set: give a redis:// URL")
            client = _connect(url, timeout)
        self._client = client
        self._prefix = prefix
        self._fresh = _Members()
        self._errors: tuple[type[BaseException], ...] = _redis_errors()
        self._no_script: tuple[type[BaseException], ...] = _no_script_error()
        self.quarantines = QuarantineMirror()
        """The quarantine records last seen here: they keep blocking while Redis is down
        (see :mod:`aimds.behavior.quarantine`)."""
        self._index = prefix + _QUARANTINE_INDEX
        self._stop = threading.Event()
        self._refresher = threading.Thread(
            target=self._refresh, args=(refresh_s,), name="aimds-quarantine-mirror", daemon=True
        )
        self._refresher.start()

    def _refresh(self, every: float) -> None:
        """The mirror's thread: a full scan first (records older than the index), then
        the index every ``every`` seconds; nobody waits for it."""
        scanned = self._load_quarantines(scan=True)
        while not self._stop.wait(every):
            if not scanned:
                scanned = self._load_quarantines(scan=True)
            else:
                self._load_quarantines()

    def _load_quarantines(self, *, scan: bool = False) -> bool:
        """Make the mirror what Redis holds now: the records the index set names (and,
        with ``scan``, every key that looks like one). False when the server did not
        answer; the mirror is then left as it was."""
        try:
            names = {_str(k) for k in self._client.smembers(self._index)}
            if scan:
                pattern = self._prefix.replace("*", "\\*") + "b:*:q:*"
                names.update(_str(k) for k in self._client.scan_iter(match=pattern, count=1000))
            ordered = sorted(names)
            values = self._client.mget(ordered) if ordered else []
        except Exception:  # noqa: BLE001 - server down, or the client closed under us
            return False
        if self._stop.is_set():
            return False
        cut = len(self._prefix)
        found = {
            name[cut:]: _str(value)
            for name, value in zip(ordered, values, strict=True)
            if value is not None and q.is_quarantine_key(name[cut:])
        }
        self.quarantines.replace(found)
        return True

    def execute(self, ops: Sequence[Op]) -> list[Result]:
        if not ops:
            return []
        keys: list[str] = []
        argv: list[str | int] = []
        prefix, fresh = self._prefix, self._fresh
        for op in ops:
            _ENCODE[type(op)](op, prefix, keys, argv, fresh)
        packed = json.dumps(argv, separators=(",", ":"))
        try:
            try:
                raw = self._client.execute_command("EVALSHA", _SHA, len(keys), *keys, packed)
            except self._no_script:
                raw = self._client.execute_command("EVAL", _SCRIPT, len(keys), *keys, packed)
        except self._errors as exc:
            raise BackendError(f"redis store unavailable ({type(exc).__name__})") from None
        replies = json.loads(raw)
        results = [_DECODE[type(op)](value) for op, value in zip(ops, replies, strict=True)]
        self._mirror(ops, results)
        return results

    def _mirror(self, ops: Sequence[Op], results: Sequence[Result]) -> None:
        """Keep :attr:`quarantines` in step with what this batch read and wrote, and the
        index set other processes refresh their mirrors from."""
        mirror = self.quarantines
        for op, result in zip(ops, results, strict=True):
            if isinstance(op, Get):
                if q.is_quarantine_key(op.key):
                    mirror.seen(op.key, result if isinstance(result, str) else None)
            elif isinstance(op, Set):
                if q.is_quarantine_key(op.key):
                    mirror.seen(op.key, op.value)
                    self._index_change(op.key, True)
            elif isinstance(op, Delete) and q.is_quarantine_key(op.key):
                mirror.seen(op.key, None)
                self._index_change(op.key, False)

    def _index_change(self, key: str, added: bool) -> None:
        """Name (or drop) a quarantine key in the index set; rare (an operator or a
        ``quarantine_on`` rule), so one more command is fine. A failure only delays other
        processes' mirrors until their next start-up scan."""
        name = self._prefix + key
        try:
            if added:
                self._client.sadd(self._index, name)
            else:
                self._client.srem(self._index, name)
        except self._errors:
            pass

    def close(self) -> None:
        self._stop.set()
        self._client.close()


class _Members:
    """Members for member-less window ops: unique across processes (a random prefix per store)
    and events (a counter; ``next`` on ``itertools.count`` is atomic under the GIL)."""

    __slots__ = ("_counter", "_prefix")

    def __init__(self) -> None:
        self._prefix = os.urandom(6).hex()
        self._counter = itertools.count()

    def __call__(self) -> str:
        return f"{self._prefix}{next(self._counter):x}"


# -- encoding: (op, key prefix, KEYS, ARGV, fresh members) -> None ---------------------------

_Argv = list[str | int]


def _enc_window(op: Window, p: str, keys: list[str], argv: _Argv, fresh: _Members) -> None:
    keys.append(p + op.key)
    member = fresh() if op.member is None else op.member
    argv += ("W", member, repr(op.score), f"({op.score - op.horizon!r}", op.cap, _ms(op.ttl))


def _enc_rate(op: Rate, p: str, keys: list[str], argv: _Argv, fresh: _Members) -> None:
    keys.append(p + op.key)
    argv += (
        "R",
        fresh(),
        repr(op.score),
        f"({op.score - op.horizon!r}",
        op.cap,
        _ms(op.ttl),
        repr(op.since),
    )


def _enc_count(op: Count, p: str, keys: list[str], argv: _Argv, fresh: _Members) -> None:
    keys.append(p + op.key)
    argv += ("C", repr(op.since))


def _enc_first(op: First, p: str, keys: list[str], argv: _Argv, fresh: _Members) -> None:
    keys.append(p + op.key)
    argv.append("F")


def _enc_get(op: Get, p: str, keys: list[str], argv: _Argv, fresh: _Members) -> None:
    keys.append(p + op.key)
    argv.append("G")


def _enc_set(op: Set, p: str, keys: list[str], argv: _Argv, fresh: _Members) -> None:
    keys.append(p + op.key)
    argv += ("S", op.value, _ttl(op.ttl))


def _enc_delete(op: Delete, p: str, keys: list[str], argv: _Argv, fresh: _Members) -> None:
    keys.append(p + op.key)
    argv.append("D")


def _enc_incr(op: Incr, p: str, keys: list[str], argv: _Argv, fresh: _Members) -> None:
    keys.append(p + op.key)
    hashed = op.field is not None
    argv += ("I", "1" if hashed else "0", op.field or "", op.amount, _ttl(op.ttl))


def _enc_hash_counts(op: HashCounts, p: str, keys: list[str], argv: _Argv, fresh: _Members) -> None:
    keys.append(p + op.key)
    argv += ("H", op.field, _ttl(op.ttl))


def _enc_set_add(op: SetAdd, p: str, keys: list[str], argv: _Argv, fresh: _Members) -> None:
    keys.append(p + op.key)
    argv += ("A", op.member, _ttl(op.ttl), op.cap)


def _enc_hash_get(op: HashGet, p: str, keys: list[str], argv: _Argv, fresh: _Members) -> None:
    keys.append(p + op.key)
    argv += ("M", len(op.fields), *op.fields)


def _enc_put_if(op: HashPutIf, p: str, keys: list[str], argv: _Argv, fresh: _Members) -> None:
    keys.append(p + op.key)
    if op.cond_key is not None:
        keys.append(p + op.cond_key)
    if op.index_key is not None:
        keys.append(p + op.index_key)
    argv += (
        "P",
        "0" if op.cond_key is None else "1",
        "0" if op.index_key is None else "1",
        op.cond_value,
        _ms(op.ttl),
        len(op.mapping),
    )
    for field, value in op.mapping.items():
        argv += (field, value)


def _enc_trust(op: Trust, p: str, keys: list[str], argv: _Argv, fresh: _Members) -> None:
    keys.append(p + op.key)
    argv += (
        "T",
        repr(op.initial),
        repr(op.half_life),
        repr(op.now),
        repr(op.delta),
        "1" if op.write else "0",
        _ttl(op.ttl),
        repr(op.recovery_half_life or 0.0),
    )


_ENCODE: dict[type, Callable[[Any, str, list[str], _Argv, _Members], None]] = {
    Window: _enc_window,
    Rate: _enc_rate,
    Count: _enc_count,
    First: _enc_first,
    Get: _enc_get,
    Set: _enc_set,
    Delete: _enc_delete,
    Incr: _enc_incr,
    HashCounts: _enc_hash_counts,
    SetAdd: _enc_set_add,
    HashGet: _enc_hash_get,
    HashPutIf: _enc_put_if,
    Trust: _enc_trust,
}

# -- decoding: one reply -> the op's result ---------------------------------------------------


def _text(value: Any) -> str | None:
    """A reply as text (``false``, the script's nil, as ``None``)."""
    return value if isinstance(value, str) else None


def _none(value: Any) -> Result:
    return None


def _opt_float(value: Any) -> Result:
    return None if value is False else float(value)


def _rate(value: Any) -> Result:
    return (int(value[0]), int(value[1]), None if value[2] is False else float(value[2]))


def _counts(value: Any) -> Result:
    return {str(value[j]): int(value[j + 1]) for j in range(0, len(value), 2)}


def _texts(value: Any) -> Result:
    return tuple(_text(x) for x in value)


def _flag(value: Any) -> Result:
    return bool(int(value))


_DECODE: dict[type, Callable[[Any], Result]] = {
    Window: int,
    Rate: _rate,
    Count: int,
    First: _opt_float,
    Get: _text,
    Set: _none,
    Delete: _none,
    Incr: int,
    HashCounts: _counts,
    SetAdd: _flag,
    HashGet: _texts,
    HashPutIf: _flag,
    Trust: float,
}


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


def _no_script_error() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import NoScriptError
    except ImportError:
        return ()
    return (NoScriptError,)
