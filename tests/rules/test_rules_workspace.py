"""Relative paths resolve in the agents' workspace: ``paths.cwd``, else ``AIMDS_WORKSPACE``
(set by ``aimds serve``), else the process's own working directory (issue 13)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aimds
from aimds.cli.main import app


def _resources(guard: aimds.Guard, path: str) -> tuple[str, ...]:
    who = aimds.Subject(tenant="t", agent="ws", role="expert", session="ws")
    decision = guard.check_tool_call("read_file", {"path": path}, subject=who)
    assert decision.action is not None
    return decision.action.resources


def test_a_relative_path_resolves_in_the_declared_workspace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIMDS_WORKSPACE", "/srv/agents/ws-1")
    assert "/srv/agents/ws-1/src/app.py" in _resources(aimds.Guard(), "src/app.py")


def test_without_a_declared_workspace_the_process_directory_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AIMDS_WORKSPACE", raising=False)
    assert os.getcwd().rstrip("/") + "/src/app.py" in _resources(aimds.Guard(), "src/app.py")


def test_serve_declares_the_workspace_for_its_workers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from aimds.cli import serve as serve_mod

    monkeypatch.delenv("AIMDS_WORKSPACE", raising=False)
    monkeypatch.setattr(serve_mod, "_startup", lambda settings: None)
    monkeypatch.setattr(serve_mod, "_bootstrap", lambda settings: None)
    monkeypatch.setattr(serve_mod, "_run", lambda *args: None)
    result = CliRunner().invoke(app, ["serve", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert os.environ["AIMDS_WORKSPACE"] == "/workspace"  # not the server's cwd
