"""Kill across two ``aimds serve`` processes sharing real Redis and PostgreSQL.

A kill made through one process blocks on the other within a second; when the other
process loses Redis it keeps every kill it knew, a kill made through it while Redis is
down still holds there and reaches the first process through the database, and a revive
reaches it the same way.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from aimds.respond.approvals import SqlDatabase
from aimds.server.auth import KeyStore

from .tcp_proxy import TcpProxy

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str, postgres_dsn: str
) -> Iterator[dict[str, Any]]:
    """Process ``a`` talks to Redis directly, process ``b`` through a proxy the test cuts."""
    tmp_path = tmp_path_factory.mktemp("killcluster")
    tenant = "k" + uuid.uuid4().hex[:10]
    db = SqlDatabase(postgres_dsn)
    keys = KeyStore(db)
    made = {}
    for label, role, agent in (
        ("bot1", "agent", "bot-1"),
        ("bot2", "agent", "bot-2"),
        ("bot3", "agent", "bot-3"),
        ("admin", "admin", None),
        ("approver", "approver", None),
    ):
        _, made[label] = keys.create(role=role, tenant=tenant, agent=agent)
    db.close()
    host_port = redis_url.split("//", 1)[1].split("/", 1)[0]
    redis_host, redis_port = host_port.rsplit(":", 1)
    proxy = TcpProxy((redis_host, int(redis_port)))
    proxied = redis_url.replace(host_port, f"127.0.0.1:{proxy.port}")
    base = {
        **os.environ,
        "AIMDS_DATABASE_URL": postgres_dsn,
        "AIMDS_REDIS_PREFIX": "aimds-" + tenant,
        "AIMDS_RATE_LIMIT_PER_MINUTE": "0",
        "AIMDS_TENANT_RATE_LIMIT_PER_MINUTE": "0",
        "AIMDS_SESSION_SECRET": "s" * 40,
        "AIMDS_BOOTSTRAP_ADMIN": "false",
    }
    exe = str(Path(sys.executable).parent / "aimds")
    urls, procs = {}, []
    for name, redis in (("a", redis_url), ("b", proxied)):
        port = _port()
        with (tmp_path / f"serve-{name}.log").open("wb") as log:
            procs.append(
                subprocess.Popen(
                    [exe, "serve", "--port", str(port), "--data-dir", str(tmp_path / name)],
                    env={**base, "AIMDS_REDIS_URL": redis},
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                )
            )
        urls[name] = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    for url in urls.values():
        while True:
            try:
                if httpx.get(url + "/ready").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                for proc in procs:
                    proc.terminate()
                logs = [f.read_text()[-2000:] for f in tmp_path.glob("serve-*.log")]
                pytest.fail(f"the processes did not become ready: {logs}")
            time.sleep(0.1)
    try:
        yield {**urls, "keys": made, "tenant": tenant, "proxy": proxy}
    finally:
        proxy.cut()
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(10)
        db = SqlDatabase(postgres_dsn)
        db.execute("DELETE FROM aimds_kills WHERE tenant = ?", (tenant,))
        db.close()


def _h(cluster: dict[str, Any], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {cluster['keys'][who]}"}


def _verdict(cluster: dict[str, Any], url: str, who: str) -> str:
    r = httpx.post(
        cluster[url] + "/v1/check",
        json={"kind": "prompt", "text": "status?"},
        headers=_h(cluster, who),
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return str(r.json()["verdict"])


def _within(seconds: float, probe: Callable[[], bool]) -> float | None:
    """How long until ``probe()`` held (polling), or ``None`` if not within ``seconds``."""
    start = time.monotonic()
    while True:
        if probe():
            return time.monotonic() - start
        if time.monotonic() - start > seconds:
            return None
        time.sleep(0.01)


def test_kill_on_one_process_blocks_on_the_other_within_a_second(cluster: Any) -> None:
    for url in ("a", "b"):  # warm up (the first request loads the detectors)
        assert _verdict(cluster, url, "bot1") == "allow"
    r = httpx.post(
        cluster["a"] + "/v1/agents/bot-1/kill",
        json={"reason": "rogue"},
        headers=_h(cluster, "approver"),
    )
    assert r.status_code == 200 and r.json()["stored"] and r.json()["published"], r.text
    took = _within(1.0, lambda: _verdict(cluster, "b", "bot1") == "block")
    assert took is not None, "process b did not block the killed agent within 1 s"
    assert _verdict(cluster, "b", "bot2") == "allow"


def test_redis_down_keeps_kills_and_new_kills_reach_everyone_through_the_database(
    cluster: Any,
) -> None:
    assert _verdict(cluster, "b", "bot1") == "block"  # killed by the test before
    cluster["proxy"].cut()  # process b loses Redis
    time.sleep(1.5)  # several store polls and pub/sub reconnect attempts
    for _ in range(5):
        assert _verdict(cluster, "b", "bot1") == "block"
    # a kill issued through b while its Redis is down holds there at once ...
    r = httpx.post(
        cluster["b"] + "/v1/agents/bot-2/kill",
        json={"reason": "while down"},
        headers=_h(cluster, "admin"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["stored"] is True and r.json()["published"] is False
    assert _verdict(cluster, "b", "bot2") == "block"
    # ... and reaches a through the database
    assert _within(1.0, lambda: _verdict(cluster, "a", "bot2") == "block") is not None
    # a revive made on a reaches b through the database too (b polls it)
    r = httpx.post(cluster["a"] + "/v1/agents/bot-1/revive", headers=_h(cluster, "admin"))
    assert r.status_code == 200, r.text
    assert _within(1.5, lambda: _verdict(cluster, "b", "bot1") == "allow") is not None
    assert _verdict(cluster, "b", "bot2") == "block"
    assert _verdict(cluster, "b", "bot3") == "allow"
