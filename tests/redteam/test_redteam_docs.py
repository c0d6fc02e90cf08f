"""docs/redteam.md: its shell and Python examples, and the CI snippet's command, run as
written (in a temporary directory), and the example report is what the CLI writes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "redteam.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def _env() -> dict[str, str]:
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return {**os.environ, "PATH": path, "PYTHONPATH": os.pathsep.join(sys.path), "COLUMNS": "120"}


def _sh(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_the_shell_examples_run_as_written(tmp_path: Path) -> None:
    first, ci = _blocks("sh")
    done = _sh(first, tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "rt-report" / "report.json").read_text())
    assert report["goals"] == ["destructive", "credential_theft"]
    assert len(report["techniques"]) == 7 and report["totals"]["attacks"] == 2 * 7 * 3
    for name in ("report.md", "chart.svg"):
        assert (tmp_path / "rt-report" / name).exists()
    done = _sh(ci, tmp_path)
    assert done.returncode == 0, done.stderr
    assert re.search(r"exit code [01] ", done.stdout)
    assert (tmp_path / "ci-report" / "report.json").exists()


def test_the_python_example_runs_as_written(tmp_path: Path) -> None:
    (code,) = _blocks("python")
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1 + 4  # the rates, then one line per case (2 attacks, 2 controls)
    assert lines[1].startswith("destructive.tool_call.a000 attack [")


@pytest.mark.slow
def test_the_ci_snippet_command_runs_on_a_policy_extending_default(tmp_path: Path) -> None:
    (yml,) = _blocks("yaml")
    (command,) = [
        line.strip().removeprefix("- run: ") for line in yml.splitlines() if "aimds redteam" in line
    ]
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "prod.yaml").write_text(
        "schema_version: 1\nname: prod\nversion: '1'\nextends: default\n"
    )
    done = _sh(command, tmp_path)
    report = json.loads((tmp_path / "redteam-report" / "report.json").read_text())
    assert report["policy"].startswith("prod@")
    assert done.returncode == (1 if report["totals"]["asr"] > 0.30 else 0), done.stderr
    assert report["totals"]["attacks"] == 6 * 16 * 10


def test_the_example_report_is_the_default_packs_full_run() -> None:
    example = REPO / "docs" / "redteam-example"
    report = json.loads((example / "report.json").read_text())
    assert report["policy"].startswith("default@") and report["seed"] == 0
    assert report["count"] == 10 and len(report["techniques"]) == 16
    md = (example / "report.md").read_text()
    assert f"{report['totals']['asr']:.1%}" in md
    assert (example / "chart.svg").read_text().startswith("<svg")
    assert f"{report['totals']['asr']:.1%}" in DOC.read_text()
