"""The library's shared switch (``open_kill_switch``) on real PostgreSQL and Redis: two
switches stand for two processes; one of them reaches Redis through a proxy the test cuts."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest

from aimds.kill import open_kill_switch
from aimds.respond.approvals import SqlDatabase

from .tcp_proxy import TcpProxy

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _within(seconds: float, probe: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + seconds
    while not probe():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def test_two_switches_on_postgres_and_redis(postgres_dsn: str, redis_url: str) -> None:
    tenant = "lib" + uuid.uuid4().hex[:10]
    prefix = "aimds-" + tenant
    host_port = redis_url.split("//", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    proxy = TcpProxy((host, int(port)))
    first = open_kill_switch(postgres_dsn, redis_url=redis_url, redis_prefix=prefix, poll_s=5)
    second = open_kill_switch(
        postgres_dsn,
        redis_url=redis_url.replace(host_port, f"127.0.0.1:{proxy.port}"),
        redis_prefix=prefix,
        poll_s=0.5,
    )
    try:
        time.sleep(0.3)  # both listeners subscribed
        # pub/sub carries it: the first polls only every 5 s, yet sees the second's kill
        outcome = second.kill(tenant=tenant, agent="bot-1", reason="x")
        assert outcome.stored and outcome.published
        assert _within(1.0, lambda: first.blocking(tenant, "bot-1") is not None)
        proxy.cut()  # the second loses Redis
        time.sleep(1.2)
        assert second.blocking(tenant, "bot-1") is not None
        # a kill made on the first reaches the second through the database (its poll)
        first.kill(tenant=tenant, agent="bot-2", reason="y")
        assert _within(1.0, lambda: second.blocking(tenant, "bot-2") is not None)
        # and a revive the same way; the revive message reached the first at once
        assert first.revive(tenant=tenant, agent="bot-1") is not None
        assert _within(1.0, lambda: second.blocking(tenant, "bot-1") is None)
        assert second.blocking(tenant, "bot-2") is not None
    finally:
        proxy.cut()
        first.close()
        second.close()
        db = SqlDatabase(postgres_dsn)
        db.execute("DELETE FROM aimds_kills WHERE tenant = ?", (tenant,))
        db.close()
