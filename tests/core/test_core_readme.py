"""Every example in the README runs as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aimds.cli.main import app

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")

PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)
CONSOLE_LINES = [
    line[2:]
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S)
    for line in block.splitlines()
    if line.startswith("$ ")
]


def test_readme_starts_with_the_two_setup_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, flags=re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands[:2] == ["make run", "make test"]


@pytest.mark.parametrize(
    "source", PYTHON_BLOCKS, ids=[f"python-{i}" for i in range(len(PYTHON_BLOCKS))]
)
def test_python_examples_run(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(source, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102


@pytest.mark.parametrize("command", CONSOLE_LINES)
def test_cli_examples_run(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    argv = shlex.split(command)
    assert argv[0] == "aimds"
    result = CliRunner().invoke(app, argv[1:])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output


def test_example_policy_cases_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(
        app, ["policy", "test", "examples/cases.yaml", "--policy", "examples/policy.yaml"]
    )
    assert result.exit_code == 0, result.output


def test_service_example_request_is_judged_by_the_real_default_policy(tmp_path: Path) -> None:
    import json
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from aimds.server.app import create_app
    from aimds.server.settings import ServerSettings

    body = re.search(r"-d '(\{.*?\})'", README)
    assert body is not None
    app = create_app(ServerSettings(data_dir=tmp_path))
    _, key = app.state.aimds.keys.create(role="agent", tenant="acme", agent="researcher-1")
    with TestClient(app) as client:
        answer = client.post(
            "/v1/evaluate",
            content=body.group(1),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
    assert answer.status_code == 200, answer.text
    decision = json.loads(answer.text)
    assert decision["verdict"] == "block"
    assert "hard.rm_root" in [f["rule"] for f in decision["findings"]]
