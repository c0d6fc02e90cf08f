"""``aimds serve`` starts the service, prints the dashboard URL and a first admin key."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from aimds.cli.main import app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_prints_url_and_first_key_and_answers(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "aimds"), "serve", "--port", str(port),
         "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        lines: list[str] = []
        key = None
        deadline = time.monotonic() + 30
        assert proc.stdout is not None
        while key is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if found := re.search(r"(aimds_[0-9a-f]{12}_\S+)", line):
                key = found.group(1)
        assert key, lines
        assert any(f"http://127.0.0.1:{port}/ui" in line for line in lines)
        base = f"http://127.0.0.1:{port}"
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        r = httpx.post(base + "/v1/detect", json={"text": "hello"},
                       headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 200 and r.json()["subject"]["tenant"] == "default"
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()
    # a second start on the same data dir keeps the keys and prints no new one
    r = CliRunner().invoke(app, ["keys", "list", "--data-dir", str(tmp_path), "--json"])
    assert r.output.count('"role": "admin"') == 1


def test_serve_rejects_bad_settings(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["serve", "--port", "70000", "--data-dir", str(tmp_path)])
    assert r.exit_code == 2 and "port" in r.output


def test_several_workers_without_redis_warn_loudly(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    """Each embedded worker would keep its own quarantine and trust: say so on stderr before
    anything starts (the run itself is stubbed)."""
    from aimds.cli import serve as serve_mod

    ran: list[int] = []
    monkeypatch.setattr(serve_mod, "_bootstrap", lambda settings: None)
    monkeypatch.setattr(serve_mod, "_run", lambda settings, *rest: ran.append(settings.workers))
    result = CliRunner().invoke(app, ["serve", "--workers", "2", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert ran == [2]
    assert "WARNING" in result.stderr and "--redis-url" in result.stderr
    one = CliRunner().invoke(app, ["serve", "--workers", "1", "--data-dir", str(tmp_path)])
    assert "WARNING" not in one.stderr
