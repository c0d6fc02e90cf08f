"""Fixtures for the kill switch: a service on embedded backends with a key per role."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's test client prefers httpx2
    from fastapi.testclient import TestClient

from aimds.server.app import create_app
from aimds.server.settings import ServerSettings

ROLES = (
    ("agent", "agent", "acme", "bot-1"),
    ("agent2", "agent", "acme", "bot-2"),
    ("approver", "approver", "acme", None),
    ("admin", "admin", "acme", None),
    ("auditor", "auditor", "acme", None),
    ("operator", "operator", "", None),
    ("other_agent", "agent", "globex", "bot-9"),
    ("other_admin", "admin", "globex", None),
)


@dataclass
class Service:
    client: TestClient
    keys: dict[str, str]
    app: Any

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"}

    def verdict(self, who: str, **body: Any) -> tuple[str, list[str]]:
        """The verdict and rules of one event (``/v1/check``) sent with ``who``'s key."""
        body = body or {
            "kind": "tool_call",
            "tool": "read_file",
            "args": {"path": "/tmp/notes.txt"},
        }
        r = self.client.post("/v1/check", json=body, headers=self.h(who))
        assert r.status_code == 200, r.text
        return r.json()["verdict"], r.json()["rules"]


@pytest.fixture()
def service(tmp_path: Path) -> Iterator[Service]:
    app = create_app(
        ServerSettings(data_dir=tmp_path, rate_limit_per_minute=0, tenant_rate_limit_per_minute=0)
    )
    keys = {}
    for label, role, tenant, agent in ROLES:
        _, keys[label] = app.state.aimds.keys.create(role=role, tenant=tenant, agent=agent)
    with TestClient(app) as client:
        yield Service(client=client, keys=keys, app=app)
