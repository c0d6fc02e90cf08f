"""docs/integrations.md, the MCP gateway section: its example runs as written and prints
what the page says (files from ```python file=NAME blocks, then the ``$`` commands of its
```console blocks, in order); the policy and client-configuration snippets are valid."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from aimds import Guard

DOC = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"
SRC = Path(__file__).resolve().parents[2] / "src"
_BLOCK = re.compile(r"```(\w+)([^\n]*)\n(.*?)```", re.S)


def _section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start: end if end > 0 else None]


def _blocks(kind: str, title: str = "MCP gateway") -> list[tuple[str, str]]:
    return [(info.strip(), body) for lang, info, body in _BLOCK.findall(_section(title))
            if lang == kind]


def _bin_dir(tmp_path: Path) -> Path:
    """``aimds`` and ``python`` on PATH, as after ``pip install aimds``: both run this
    checkout's sources."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    aimds = bin_dir / "aimds"
    aimds.write_text(
        "#!/bin/sh\n"
        f'PYTHONPATH="{SRC}" exec "{sys.executable}" -c '
        '"import sys; from aimds.cli.main import main; sys.argv[0] = \'aimds\'; main()" "$@"\n'
    )
    aimds.chmod(0o755)
    python = bin_dir / "python"  # a wrapper, not a link: a link would lose the venv
    python.write_text(f'#!/bin/sh\nPYTHONPATH="{SRC}" exec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    return bin_dir


def _run_section(title: str, tmp_path: Path) -> Path:
    """Run the section's example in a fresh directory; that directory."""
    work = tmp_path / "work"
    work.mkdir()
    for info, body in _blocks("python", title):
        name = info.removeprefix("file=")
        (work / name).write_text(body, encoding="utf-8")
    env = dict(os.environ)
    env["PATH"] = f"{_bin_dir(tmp_path)}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    steps = 0
    for _, body in _blocks("console", title):
        for chunk in body.split("$ ")[1:]:
            command, _, expected = chunk.partition("\n")
            done = subprocess.run(command, shell=True, cwd=work, env=env, capture_output=True,
                                  text=True, timeout=120)
            if expected.strip():
                assert done.returncode == 0, done.stderr[-2000:]
                assert done.stdout.strip() == expected.strip()
            else:
                assert done.returncode in (0, 1), done.stderr[-2000:]
                assert "Traceback" not in done.stderr
            steps += 1
    assert steps, f"section {title!r} runs no command"
    return work


@pytest.mark.usefixtures("mcp_sdk")
def test_mcp_gateway_example_runs_as_written(tmp_path: Path) -> None:
    work = _run_section("MCP gateway", tmp_path)
    pins = json.loads((work / "pins.json").read_text())
    assert set(pins["servers"]["weather_server"]["tools"]) == {"forecast", "station_status"}


def test_policy_snippet_is_valid() -> None:
    (_, body), = [b for b in _blocks("yaml")]
    guard = Guard({"schema_version": 1, "name": "doc", "extends": "default",
                   **yaml.safe_load(body)})
    assert guard.policy.document.mcp.on_tool_change == "block"


def test_client_configuration_is_json() -> None:
    (_, body), = _blocks("json")
    config = json.loads(body)
    assert config["mcpServers"]["weather"]["args"][:2] == ["mcp", "proxy"]
