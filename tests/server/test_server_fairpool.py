"""Issue 13: eight concurrent ~1 MB scans from one agent made every other request of every
tenant wait 35 s. Heavy requests now run at most ``heavy_threads`` at a time, taken from the
tenants' queues in turn, so the rest of the pool stays free for everyone else."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from aimds.server.fairpool import Busy, FairPool


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_a_freed_slot_goes_to_the_tenant_with_fewest_running() -> None:
    order: list[str] = []
    gate = threading.Event()

    def job(name: str) -> str:
        if name == "a1":
            gate.wait(5)
        order.append(name)
        return name

    async def scenario() -> list[str]:
        fair = FairPool(ThreadPoolExecutor(4), slots=1, per_tenant=10)
        first = asyncio.create_task(fair.run("acme", "k1", job, "a1"))
        await asyncio.sleep(0.05)
        rest = [asyncio.create_task(fair.run("acme", "k1", job, "a2")),
                asyncio.create_task(fair.run("acme", "k2", job, "a3")),
                asyncio.create_task(fair.run("globex", "k9", job, "g1"))]
        await asyncio.sleep(0.05)
        assert fair.running == 1 and fair.waiting() == 3
        gate.set()
        results = await asyncio.gather(first, *rest)
        assert results == ["a1", "a2", "a3", "g1"]
        return order

    # globex had nothing running: it goes before acme's second; then acme's other credential
    assert _run(scenario()) == ["a1", "g1", "a3", "a2"]


def test_a_full_tenant_queue_is_refused_and_others_still_queue() -> None:
    gate = threading.Event()

    async def scenario() -> None:
        fair = FairPool(ThreadPoolExecutor(2), slots=1, per_tenant=2)
        running = asyncio.create_task(fair.run("acme", "k", gate.wait, 5))
        await asyncio.sleep(0.05)
        queued = [asyncio.create_task(fair.run("acme", "k", time.sleep, 0)) for _ in range(2)]
        await asyncio.sleep(0.05)
        with pytest.raises(Busy):
            await fair.run("acme", "k", time.sleep, 0)
        other = asyncio.create_task(fair.run("globex", "k", time.sleep, 0))
        await asyncio.sleep(0.05)
        assert fair.waiting("globex") == 1
        gate.set()
        await asyncio.gather(running, other, *queued)
        assert fair.running == 0 and fair.waiting() == 0

    _run(scenario())


def test_a_cancelled_waiter_gives_its_place_back() -> None:
    gate = threading.Event()

    async def scenario() -> None:
        fair = FairPool(ThreadPoolExecutor(2), slots=1, per_tenant=5)
        running = asyncio.create_task(fair.run("acme", "k", gate.wait, 5))
        await asyncio.sleep(0.05)
        waiter = asyncio.create_task(fair.run("acme", "k", time.sleep, 0))
        await asyncio.sleep(0.05)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert fair.waiting() == 0
        gate.set()
        await running
        assert await fair.run("acme", "k", len, "ok") == 2 and fair.running == 0

    _run(scenario())


# -- through the service ---------------------------------------------------------------------

HOLD = threading.Event()


class Hold:
    """A stage that holds events whose text starts with HOLD until the test lets go."""

    name = "hold"

    def __call__(self, ev: Any) -> None:
        if ev.event.text.startswith("HOLD"):
            HOLD.wait(30)


@pytest.fixture()
def held_server(tmp_path: Any) -> Iterator[tuple[str, dict[str, str]]]:
    import socket

    import uvicorn

    from aimds.guard import Guard
    from aimds.server.app import create_app
    from aimds.server.settings import ServerSettings

    guard = Guard("default")
    stages = list(guard.stages)
    stages.insert(0, Hold())
    guard.stages = tuple(stages)
    app = create_app(ServerSettings(data_dir=tmp_path, threads=4), guard)
    keys = {}
    for label, tenant, agent in (("heavy", "acme", "bot-1"), ("light", "globex", "bot-2")):
        _, keys[label] = app.state.aimds.keys.create(role="agent", tenant=tenant, agent=agent)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    HOLD.clear()
    try:
        yield f"http://127.0.0.1:{port}", keys
    finally:
        HOLD.set()
        server.should_exit = True
        thread.join(10)


def test_one_agents_large_scans_leave_threads_for_everyone_else(
    held_server: tuple[str, dict[str, str]],
) -> None:
    url, keys = held_server
    big = "HOLD " + "lorem ipsum dolor sit amet " * 2000  # ~54 KB: heavy

    def post(key: str, text: str) -> httpx.Response:
        return httpx.post(url + "/v1/detect", json={"text": text}, timeout=30,
                          headers={"Authorization": f"Bearer {keys[key]}"})

    with ThreadPoolExecutor(8) as clients:
        heavy = [clients.submit(post, "heavy", big) for _ in range(6)]
        time.sleep(0.5)  # all six arrived: two run (held), four wait in acme's queue
        light = clients.submit(post, "light", "a question of about five kilobytes " * 150)
        try:
            answer = light.result(timeout=15)
        finally:
            HOLD.set()
        assert answer.status_code == 200
        assert all(f.result(timeout=30).status_code == 200 for f in heavy)
