"""Fixtures of the OWASP Agentic Top 10 tests (docs/owasp-agentic.md).

Each risk module plays the attack through the public API and asserts the control (verdict
and rule ids), next to a benign twin that must not be stopped. Every test builds its own
guard on the built-in ``default`` pack (or a child of it), so the state of one scenario
(trust, windows, quarantine) never leaks into another.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import aimds

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's test client prefers httpx2
    from fastapi.testclient import TestClient


def who(agent: str, session: str = "s1", *, role: str = "expert", tenant: str = "acme") -> Any:
    """A subject of tenant ``acme``."""
    return aimds.Subject(tenant=tenant, agent=agent, role=role, session=session)


@pytest.fixture()
def guard() -> Iterator[aimds.Guard]:
    g = aimds.Guard()
    yield g
    g.close()


@dataclass
class Service:
    client: TestClient
    keys: dict[str, str]

    def h(self, label: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[label]}"}


@pytest.fixture()
def service(tmp_path: Path) -> Iterator[Service]:
    """The service on the default pack, with keys of two agents and an admin of ``acme``."""
    from aimds.server.app import create_app
    from aimds.server.settings import ServerSettings

    app = create_app(ServerSettings(data_dir=tmp_path, max_wait_s=5), aimds.Guard())
    state = app.state.aimds
    keys: dict[str, str] = {}
    for label, role, agent in (
        ("bot-1", "agent", "bot-1"),
        ("bot-2", "agent", "bot-2"),
        ("admin", "admin", None),
    ):
        _, keys[label] = state.keys.create(role=role, tenant="acme", agent=agent)
    with TestClient(app) as client:
        yield Service(client=client, keys=keys)
