"""docs/identity.md runs as written: its Python examples in order (one namespace), its
policy as ``agents.yaml``, its CLI lines; its envelope and rule table match the code."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aimds import AgentIdentity
from aimds.cli.main import app
from aimds.identity import findings
from aimds.identity.envelope import ENVELOPE_FIELDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "identity.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_python_examples_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (policy,) = _blocks("yaml")
    (tmp_path / "agents.yaml").write_text(policy)
    namespace: dict[str, object] = {}
    blocks = _blocks("python")
    assert len(blocks) >= 5
    for i, block in enumerate(blocks):
        try:
            exec(compile(block, f"docs/identity.md python block {i + 1}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message names the block
            raise AssertionError(f"python block {i + 1} failed: {exc!r}") from exc


def test_the_cli_lines_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    (block,) = _blocks("sh")
    for line in block.strip().splitlines():
        args = shlex.split(line)
        assert args[0] == "aimds"
        result = runner.invoke(app, args[1:])
        assert result.exit_code == 0, (line, result.output)
    listed = json.loads(result.output)
    assert listed[0]["agent"] == "planner" and "private_key" not in result.output
    assert AgentIdentity.load(tmp_path / "planner.json").key_id == listed[0]["key_id"]


def test_the_documented_envelope_has_exactly_the_fields_of_the_code() -> None:
    (envelope,) = _blocks("json")
    assert set(json.loads(envelope)) == ENVELOPE_FIELDS


def test_every_rule_id_is_in_the_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    rules = [
        v for k, v in vars(findings).items() if k.isupper() and isinstance(v, str) and "." in v
    ]
    assert len(rules) >= 12
    assert [r for r in rules if f"`{r}`" not in text] == []
