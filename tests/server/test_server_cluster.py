"""Cluster mode: two ``aimds serve`` processes sharing one Redis and one PostgreSQL.

Configuration only: the same command with ``AIMDS_DATABASE_URL`` and ``AIMDS_REDIS_URL``.
A rate window counts requests to both; an approval made on one wakes the waiter on the
other; a policy update on one is served by the other; live events fan out to both;
quarantine (behaviour state in Redis) set on one holds on the other.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from aimds.respond.approvals import SqlDatabase
from aimds.server.auth import KeyStore
from aimds.server.policies import PolicyStore
from aimds.server.settings import ServerSettings

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str, postgres_dsn: str
) -> Iterator[dict[str, Any]]:
    """Two processes, started once for this module (each start costs seconds)."""
    tmp_path = tmp_path_factory.mktemp("cluster")
    tenant = "t" + uuid.uuid4().hex[:10]
    policy = tmp_path / "cluster.yaml"
    policy.write_text(
        f"name: cluster\nextends: default\nbehavior: {{store: redis, redis_url: '{redis_url}'}}\n"
    )
    data = tmp_path / "data"
    settings = ServerSettings(data_dir=data)
    settings.secret("digest")  # one shared data dir: both processes key digests alike
    db = SqlDatabase(postgres_dsn)
    keys = KeyStore(db)
    made = {}
    for label, role, agent in (("agent", "agent", "bot-1"), ("agent2", "agent", "bot-2"),
                               ("approver", "approver", None), ("admin", "admin", None)):
        _, made[label] = keys.create(role=role, tenant=tenant, agent=agent)
    PolicyStore(db).db.execute("DELETE FROM aimds_policies WHERE name = ?", ("cluster",))
    db.close()
    env = {
        **os.environ,
        "AIMDS_DATABASE_URL": postgres_dsn,
        "AIMDS_REDIS_URL": redis_url,
        "AIMDS_REDIS_PREFIX": "aimds-" + tenant,
        "AIMDS_RATE_LIMIT_PER_MINUTE": "6",
        "AIMDS_SESSION_SECRET": "s" * 40,
        "AIMDS_POLICY_POLL_S": "0.3",
        "AIMDS_BOOTSTRAP_ADMIN": "false",
    }
    exe = str(Path(sys.executable).parent / "aimds")
    ports = [_port(), _port()]
    procs = []
    for p in ports:
        with (tmp_path / f"serve-{p}.log").open("wb") as log:
            procs.append(subprocess.Popen(
                [exe, "serve", "--port", str(p), "--data-dir", str(data), "--policy",
                 str(policy)],
                env=env, stdout=subprocess.DEVNULL, stderr=log,
            ))
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    deadline = time.monotonic() + 60
    for url in urls:
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
                pytest.fail(f"cluster processes did not become ready: {logs}")
            time.sleep(0.1)
    try:
        yield {"a": urls[0], "b": urls[1], "keys": made, "tenant": tenant,
               "redis_url": redis_url}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(10)


def _h(cluster: dict[str, Any], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {cluster['keys'][who]}"}


def test_rate_window_counts_requests_to_both(cluster: dict[str, Any]) -> None:
    # The limiter counts in fixed one-minute windows: warm both processes up (their first
    # request loads the detectors' weights) with another key, then start the seven
    # requests well inside a window, so they never straddle two of them.
    # Generous timeouts: on a loaded machine a request can take seconds, and a timeout would
    # read as a failure of the shared window rather than of the machine.
    for url in (cluster["a"], cluster["b"]):
        httpx.post(url + "/v1/detect", json={"text": "hi"}, headers=_h(cluster, "agent"),
                   timeout=30)
    for _attempt in range(3):
        if time.time() % 60 > 30:
            time.sleep(60.5 - time.time() % 60)
        window = int(time.time() // 60)
        codes = []
        for i in range(7):
            url = cluster["a"] if i % 2 else cluster["b"]
            r = httpx.post(url + "/v1/detect", json={"text": "hi"},
                           headers=_h(cluster, "agent2"), timeout=30)
            codes.append(r.status_code)
        if int(time.time() // 60) == window:
            break
        # the seven straddled two windows (a very loaded machine): count again in a fresh one
        time.sleep(60.5 - time.time() % 60)
    assert codes[:6] == [200] * 6 and codes[6] == 429, codes


def test_approval_on_one_wakes_the_waiter_on_the_other(cluster: dict[str, Any]) -> None:
    box: dict[str, Any] = {}

    def agent() -> None:
        r = httpx.post(cluster["a"] + "/v1/evaluate",
                       json={"tool": "mystery_tool", "args": {}, "wait": 20},
                       headers=_h(cluster, "agent"), timeout=30)
        box["decision"] = r.json()
        box["done"] = time.monotonic()

    t = threading.Thread(target=agent)
    t.start()
    pending: list[Any] = []
    deadline = time.monotonic() + 10
    while not pending and time.monotonic() < deadline:
        pending = httpx.get(cluster["b"] + "/v1/approvals?status=pending",
                            headers=_h(cluster, "approver")).json()
        time.sleep(0.05)
    assert pending, "the review never reached the shared approvals table"
    r = httpx.post(cluster["b"] + f"/v1/approvals/{pending[0]['id']}/approve",
                   json={"reason": "fine"}, headers=_h(cluster, "approver"))
    approved = time.monotonic()
    assert r.status_code == 200
    t.join(20)
    assert box["decision"]["verdict"] == "allow"
    assert box["done"] - approved < 2.0


def test_policy_update_on_one_is_served_by_the_other(
    cluster: dict[str, Any], postgres_dsn: str
) -> None:
    text = (
        "name: cluster\nextends: default\nversion: '42'\n"
        f"behavior: {{store: redis, redis_url: '{cluster['redis_url']}'}}\n"
    )
    r = httpx.put(cluster["a"] + "/v1/policies/cluster", content=text,
                  headers=_h(cluster, "admin"))
    assert r.status_code == 200, r.text
    assert r.json()["tenant"] == cluster["tenant"]  # a tenant admin's change is its tenant's
    # the tenant's decisions on the other process show it (asked with a key of its own:
    # the cluster allows 6 requests a minute per credential)
    db = SqlDatabase(postgres_dsn)
    _, key = KeyStore(db).create(role="agent", tenant=cluster["tenant"], agent="poller")
    db.close()
    label = ""
    for _ in range(5):
        time.sleep(0.8)
        label = httpx.post(cluster["b"] + "/v1/evaluate", json={"tool": "read_file"},
                           headers={"Authorization": f"Bearer {key}"}).json()["policy"]
        if label.startswith("cluster@42"):
            break
    assert label.startswith("cluster@42")


def test_quarantine_and_live_events_span_processes(cluster: dict[str, Any]) -> None:
    got: list[str] = []
    ready = threading.Event()

    def listen() -> None:
        try:
            with httpx.stream("GET", cluster["b"] + "/v1/events/stream",
                              headers=_h(cluster, "admin"), timeout=8) as r:
                ready.set()
                for line in r.iter_lines():
                    if line.startswith("data: "):
                        got.append(line)
                        return
        except httpx.ReadTimeout:
            return

    t = threading.Thread(target=listen)
    t.start()
    ready.wait(5)
    time.sleep(0.3)
    r = httpx.post(cluster["a"] + "/v1/evaluate", json={"tool": "read_file",
                   "args": {"path": "/tmp/x"}}, headers=_h(cluster, "agent"))
    assert "behavior.quarantine" not in r.json()["rules"]
    t.join(10)
    assert got and '"agent":"bot-1"' in got[0]
    q = httpx.post(cluster["a"] + "/v1/agents/bot-1/quarantine", json={"reason": "test"},
                   headers=_h(cluster, "admin"))
    assert q.status_code == 200, q.text
    r = httpx.post(cluster["b"] + "/v1/evaluate", json={"tool": "read_file",
                   "args": {"path": "/tmp/x"}}, headers=_h(cluster, "agent"))
    assert r.json()["verdict"] == "block" and "behavior.quarantine" in r.json()["rules"]
