"""The service examples of README.md and docs/service.md run as written, in a shell, against
a real ``aimds serve`` started the way ``make run`` starts it, with the operator key it
printed (only the port and the data directory differ)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]


def _blocks(path: Path, after: str = "") -> list[str]:
    text = path.read_text(encoding="utf-8")
    text = text[text.index(after):] if after else text
    return re.findall(r"```sh\n(.*?)```", text, flags=re.S)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("curl") is None, reason="the examples use curl")
def test_service_examples_run_as_written(tmp_path: Path) -> None:
    readme = _blocks(REPO / "README.md", after="## Quick start: the service")[0]
    docs = _blocks(REPO / "docs" / "service.md")
    # what ``make run`` runs, but for the port and the data directory
    assert "aimds serve --host 127.0.0.1 --port 8080 --data-dir .aimds" in (
        REPO / "Makefile").read_text()
    port, data = _port(), tmp_path / "aimds"
    binary = Path(sys.executable).parent / "aimds"
    server = subprocess.Popen(
        [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir",
         str(data)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        assert server.stdout is not None
        key, deadline, printed = None, time.monotonic() + 30, []
        while key is None and time.monotonic() < deadline:
            printed.append(server.stdout.readline())
            if found := re.search(r"(aimds_[0-9a-f]{12}_\S+)", printed[-1]):
                key = found.group(1)
        assert key, printed
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        script = "\n".join([readme, *docs])
        assert "export OPERATOR_KEY=aimds_..." in script
        script = script.replace("export OPERATOR_KEY=aimds_...", f"export OPERATOR_KEY={key}")
        script = script.replace("127.0.0.1:8080", f"127.0.0.1:{port}")
        script = script.replace("--data-dir .aimds", f"--data-dir {data}")
        env = {**os.environ, "PATH": f"{binary.parent}{os.pathsep}{os.environ['PATH']}"}
        ran = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=120)
    finally:
        server.terminate()
        server.wait(10)
        if server.stdout is not None:
            server.stdout.close()
    out = ran.stdout
    assert ran.returncode == 0, ran.stderr + out
    # README: the hard rule blocks, the e-mail waits for a human, the operator sees it
    assert '"verdict":"block"' in out and '"verdict":"review"' in out
    assert '"status":"pending"' in out and '"tool":"send_email"' in out
    # docs/service.md: acme's own policy, another tenant refused, the operator's views
    assert '"scope":"tenant","tenant":"acme"' in out
    assert re.search(r"\D403\n", out)
    assert '"agent":"researcher-1"' in out and '"chain":"acme"' in out
    assert '"action":"quarantine"' in out
