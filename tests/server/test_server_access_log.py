"""The access log: one line per request (fast path and framework alike), no query string,
no credential, no forged lines."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest

from aimds.server.access_log import ACCESS_LOGGER, log_config
from aimds.server.app import create_app
from aimds.server.settings import ServerSettings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def test_each_request_is_one_line_without_query_or_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(ServerSettings(data_dir=tmp_path))
    _, key = app.state.aimds.keys.create(role="agent", tenant="acme", agent="bot-1")
    h = {"Authorization": f"Bearer {key}"}
    with TestClient(app) as c, caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        c.post("/v1/evaluate", json={"tool": "shell", "args": {"command": "ls"}}, headers=h)
        c.get("/health?api_key=sk-live-SECRET123")
        c.get("/v1/agents/nobody%0AFORGED%20200", headers=h)  # decoded into scope["path"]
    lines = [r.getMessage() for r in caplog.records if r.name == ACCESS_LOGGER]
    assert len(lines) == 3
    assert lines[0].split()[1:4] == ["POST", "/v1/evaluate", "200"]
    assert " /health " in lines[1] and "SECRET123" not in "".join(lines)
    assert key not in "".join(lines)
    assert all("\n" not in line for line in lines) and "\\x0a" in lines[2]


def test_serve_log_config_turns_it_on_or_off() -> None:
    from uvicorn.config import LOGGING_CONFIG

    on = log_config(LOGGING_CONFIG, enabled=True)
    assert on["loggers"][ACCESS_LOGGER]["handlers"] == ["aimds_access"]
    assert "uvicorn" in on["loggers"]  # uvicorn's own loggers are kept
    off = log_config(LOGGING_CONFIG, enabled=False)
    assert off["loggers"][ACCESS_LOGGER]["handlers"] == []
