"""``aimds serve`` starts the service, prints the dashboard URL and an operator key (and
what it can do), never a key for a start that fails."""

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
        while not any("aimds keys create --role admin --tenant" in line for line in lines):
            lines.append(proc.stdout.readline())
        said = " ".join(lines)
        assert "Operator API key" in said and "every tenant" in said
        base = f"http://127.0.0.1:{port}"
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        r = httpx.get(base + "/v1/approvals", headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 200
        r = httpx.post(base + "/v1/detect", json={"text": "hello", "subject": {"tenant": "acme"}},
                       headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 200 and r.json()["subject"]["tenant"] == "acme"
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()
    # a second start on the same data dir keeps the keys and prints no new one
    r = CliRunner().invoke(app, ["keys", "list", "--data-dir", str(tmp_path), "--json"])
    assert r.output.count('"role": "operator"') == 1 and '"role": "admin"' not in r.output


def test_serve_rejects_bad_settings(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["serve", "--port", "70000", "--data-dir", str(tmp_path)])
    assert r.exit_code == 2 and "port" in r.output


def test_a_start_that_fails_prints_no_key(tmp_path: Path) -> None:
    """Before: with a broken policy file the first key was printed, then start-up failed."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\nrules: 7\n")
    r = CliRunner().invoke(app, ["serve", "--port", str(_free_port()), "--policy", str(broken),
                                 "--data-dir", str(tmp_path / "data")])
    assert r.exit_code == 3, r.output
    assert "aimds_" not in r.output and "rules" in r.output
    listed = CliRunner().invoke(app, ["keys", "list", "--data-dir", str(tmp_path / "data"),
                                      "--json"])
    assert listed.output.strip() == "[]"


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
