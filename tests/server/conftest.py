"""Fixtures for the service: a guard whose tool rules are a small table, keys per role.

The rules room decides tool calls in production; these tests stand in a fixed table (as the
rules stage would set ``ev.action`` and findings) so the service is tested on its own:
``wire_transfer`` needs review, ``read_file`` is allowed, ``rm`` is blocked.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

with warnings.catch_warnings():
    # starlette's test client warns that it prefers httpx2; httpx is what we install.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from aimds.guard import Guard
from aimds.server.app import create_app
from aimds.server.settings import ServerSettings
from aimds.types import ActionInfo, Evaluation, Finding, Severity, Verdict

TABLE = {
    "wire_transfer": ("payment:transfer", Verdict.REVIEW),
    "read_file": ("file:read", None),
    "rm": ("file:delete", Verdict.BLOCK),
}


class TableRules:
    name = "rules"

    def __call__(self, ev: Evaluation) -> None:
        tool = ev.event.tool
        if tool is None or tool not in TABLE:
            return
        action, verdict = TABLE[tool]
        ev.action = ActionInfo(type=action, risk=Severity.LOW)
        if verdict is not None:
            ev.add(
                Finding(
                    rule=f"test.{tool}", category="scope", severity=Severity.HIGH,
                    message=f"{tool} needs {verdict.value}", action=verdict, stage="rules",
                )
            )


def table_guard(policy: Any = "default") -> Guard:
    guard = Guard(policy)
    # The content detectors are tested in their own room; here they would only add noise.
    stages = [s for s in guard.stages if getattr(s, "name", "") not in {"rules", "detectors"}]
    at = next(i for i, s in enumerate(stages) if getattr(s, "name", "") == "decide")
    stages.insert(at, TableRules())
    guard.stages = tuple(stages)
    return guard


@dataclass
class Service:
    client: TestClient
    keys: dict[str, str]
    app: Any

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"}


def make_service(settings: ServerSettings, guard: Guard | None = None) -> Iterator[Service]:
    app = create_app(settings, guard if guard is not None else table_guard())
    state = app.state.aimds
    keys: dict[str, str] = {}
    for label, role, tenant, agent in (
        ("agent", "agent", "acme", "bot-1"),
        ("agent2", "agent", "acme", "bot-2"),
        ("approver", "approver", "acme", None),
        ("admin", "admin", "acme", None),
        ("auditor", "auditor", "acme", None),
        ("other_agent", "agent", "globex", "bot-9"),
        ("other_approver", "approver", "globex", None),
        ("other_admin", "admin", "globex", None),
    ):
        _, keys[label] = state.keys.create(role=role, tenant=tenant, agent=agent)
    with TestClient(app) as client:
        yield Service(client=client, keys=keys, app=app)


@pytest.fixture()
def service(tmp_path: Any) -> Iterator[Service]:
    yield from make_service(ServerSettings(data_dir=tmp_path, max_wait_s=10))


@pytest.fixture()
def service_factory() -> Iterator[Any]:
    """``factory(settings, guard=None) -> Service``; services close at teardown."""
    opened: list[Iterator[Service]] = []

    def factory(settings: ServerSettings, guard: Guard | None = None) -> Service:
        gen = make_service(settings, guard)
        opened.append(gen)
        return next(gen)

    yield factory
    for gen in opened:
        with contextlib.suppress(StopIteration):
            next(gen)


@pytest.fixture()
def review_guard() -> Any:
    """``review_guard(policy)``: a guard using the fixed tool table above."""
    return table_guard


@dataclass
class LiveServer:
    url: str
    keys: dict[str, str]
    app: Any


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def live_server(tmp_path: Any) -> Iterator[LiveServer]:
    """The service on a real loopback port (uvicorn in a thread), with keys per role."""
    import threading
    import time

    import uvicorn

    app = create_app(ServerSettings(data_dir=tmp_path, max_wait_s=60), table_guard())
    state = app.state.aimds
    keys = {}
    for label, role, agent in (("agent", "agent", "bot-1"), ("approver", "approver", None),
                               ("admin", "admin", None)):
        _, keys[label] = state.keys.create(role=role, tenant="acme", agent=agent)
    port = _free_port()
    from aimds.server.transport import CoalescingHttpToolsProtocol

    server = uvicorn.Server(uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", http=CoalescingHttpToolsProtocol,
        ws="none",
    ))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the test server did not start"
    yield LiveServer(url=f"http://127.0.0.1:{port}", keys=keys, app=app)
    server.should_exit = True
    thread.join(10)
