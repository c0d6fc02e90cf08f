"""The kill switch: stop every event of an agent, a tenant or everyone, at once.

``guard.kill(tenant=..., agent=..., reason=...)`` / ``guard.revive(...)`` in the library;
``aimds kill`` / ``aimds revive`` on the command line; ``POST /v1/agents/{id}/kill`` on the
service. See ``docs/kill-switch.md``.
"""

from __future__ import annotations

from aimds.kill.records import KILL_RULE, KillRecord
from aimds.kill.switch import KillOutcome, KillStore, KillSwitch

__all__ = ["KILL_RULE", "KillOutcome", "KillRecord", "KillStore", "KillSwitch", "open_kill_switch"]


def open_kill_switch(
    database_url: str,
    *,
    redis_url: str | None = None,
    redis_prefix: str = "aimds",
    poll_s: float = 1.0,
) -> KillSwitch:
    """A switch kept in the database at ``database_url`` (the truth, read every ``poll_s``)
    and told of changes by Redis pub/sub when ``redis_url`` is given. Started; give it to
    guards as ``Services(extras={"kill": switch})`` and ``close()`` it at the end."""
    from aimds.kill.sql_store import SqlKillStore

    store = SqlKillStore.open(database_url)
    switch = KillSwitch(store)
    switch.on_close(store.close)
    if redis_url is not None:
        attach_redis(switch, _redis_client(redis_url), redis_prefix)
    switch.start(poll_s)
    return switch


def attach_redis(switch: KillSwitch, client: object, prefix: str) -> None:
    """Publish this switch's changes on ``client`` and, once the switch starts, follow
    everyone else's."""
    from aimds.kill.redis_sync import RedisKillSync, redis_publisher

    switch.publish = redis_publisher(client, prefix)
    sync = RedisKillSync(switch, client, prefix)
    switch.follow_with(sync.start, sync.close)


def _redis_client(url: str) -> object:
    try:
        import redis
    except ImportError as exc:  # pragma: no cover - depends on the install
        from aimds.errors import MissingExtraError

        raise MissingExtraError("redis", "redis") from exc
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
