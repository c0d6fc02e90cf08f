"""``aimds agents trust|reset-trust`` against a live service."""

from __future__ import annotations

import json
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aimds.cli.main import app as cli
from aimds.server.app import create_app
from aimds.server.settings import ServerSettings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import httpx


@pytest.fixture()
def live(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    import uvicorn

    app = create_app(ServerSettings(data_dir=tmp_path))
    keys = {}
    for label, role, agent in (("agent", "agent", "bot-1"), ("admin", "admin", None),
                               ("auditor", "auditor", None)):
        _, keys[label] = app.state.aimds.keys.create(role=role, tenant="acme", agent=agent)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield f"http://127.0.0.1:{port}", keys
    server.should_exit = True
    thread.join(10)


def test_reset_trust_through_the_cli(live: tuple[str, dict[str, str]]) -> None:
    url, keys = live
    call: dict[str, Any] = {"tool": "shell", "args": {"command": "rm -rf /"}}
    r = httpx.post(f"{url}/v1/evaluate", json=call,
                   headers={"Authorization": f"Bearer {keys['agent']}"})
    assert r.json()["verdict"] == "block"
    runner = CliRunner()
    env = {"AIMDS_API_KEY": keys["admin"]}
    shown = runner.invoke(cli, ["agents", "trust", "bot-1", "--url", url, "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["trust"]["tier"] == "untrusted"
    res = runner.invoke(cli, ["agents", "reset-trust", "bot-1", "--url", url, "--json"], env=env)
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    assert body["changed"] is True and body["trust"]["score"] == 500.0
    text = runner.invoke(cli, ["agents", "reset-trust", "bot-1", "--url", url], env=env)
    assert "500.0/1000 (standard)" in text.stdout


def test_reset_trust_needs_an_admin_key(live: tuple[str, dict[str, str]]) -> None:
    url, keys = live
    runner = CliRunner()
    res = runner.invoke(cli, ["agents", "reset-trust", "bot-1", "--url", url],
                        env={"AIMDS_API_KEY": keys["auditor"]})
    assert res.exit_code == 2 and "403" in res.output
    res = runner.invoke(cli, ["agents", "reset-trust", "bot-1", "--url", url],
                        env={"AIMDS_API_KEY": ""})
    assert res.exit_code == 2 and "AIMDS_API_KEY" in res.output
    assert keys["auditor"] not in res.output
