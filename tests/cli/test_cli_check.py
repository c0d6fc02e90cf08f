"""``aimds check tool|prompt``: output, --json and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aimds.cli.main import app

runner = CliRunner()


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("pack", ["default", "strict", "permissive"])
@pytest.mark.parametrize("role", ["architect", "expert", "observer"])
def test_rm_rf_root_blocks_with_hard_rule_under_every_pack_and_role(pack: str, role: str) -> None:
    code, out, _ = invoke(
        "check", "tool", "shell", "--arg", "command=rm -rf /", "--policy", pack,
        "--role", role, "--session", f"cli-{pack}-{role}", "--json",
    )
    assert code == 1
    data = json.loads(out)
    assert data["verdict"] == "block"
    hard = [f for f in data["findings"] if f.get("hard")]
    assert any(f["rule"] == "hard.rm_root" for f in hard)


def test_table_output_names_verdict_and_rule() -> None:
    code, out, _ = invoke("check", "tool", "shell", "--arg", "command=rm -rf /")
    assert code == 1
    assert "BLOCK" in out and "hard.rm_root" in out and "[hard]" in out


def test_allowed_call_exits_zero() -> None:
    code, out, _ = invoke(
        "check", "tool", "read_file", "--arg", "path=README.md", "--policy", "permissive",
        "--json",
    )
    data = json.loads(out)
    assert data["action"]["type"] == "fs:read"
    assert code == (0 if data["verdict"] in ("allow", "warn", "redact") else 1)
    assert "scope.all" in data["rules"]


def test_args_json_and_arg_overlay() -> None:
    code, out, _ = invoke(
        "check", "tool", "shell", "--args-json", '{"command": "ls", "n": 3}',
        "--arg", "command=rm -rf /", "--json",
    )
    assert code == 1 and "hard.rm_root" in json.loads(out)["rules"]


def test_subject_options_reach_the_decision() -> None:
    _, out, _ = invoke(
        "check", "tool", "read_file", "--arg", "path=a.txt", "--agent", "bot-1",
        "--role", "observer", "--tenant", "acme", "--session", "s9", "--json",
    )
    data = json.loads(out)
    assert data["subject"] == {
        "tenant": "acme", "agent": "bot-1", "role": "observer", "session": "s9", "user": None
    }
    assert "role.observer" in data["rules"]


@pytest.mark.parametrize(
    "args",
    [
        ["--arg", "no-equals-sign"],
        ["--args-json", "{not json"],
        ["--args-json", "[1, 2]"],
    ],
)
def test_usage_errors_exit_two(args: list[str]) -> None:
    code, _, err = invoke("check", "tool", "shell", *args)
    assert code == 2
    assert "error:" in err


def test_policy_errors_exit_three(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nrules:\n  - id: r\n    action: nope\n")
    code, _, err = invoke("check", "tool", "shell", "--policy", str(bad))
    assert code == 3
    assert f"{bad}:4: rules[r].action" in err.replace("\n", "")
    code, _, _ = invoke("check", "tool", "shell", "--policy", "no-such-pack")
    assert code == 3


def test_check_prompt_json_and_stdin() -> None:
    code, out, _ = invoke("check", "prompt", "What is the capital of France?", "--json")
    data = json.loads(out)
    assert data["kind"] == "prompt"
    assert code == (0 if data["verdict"] in ("allow", "warn", "redact") else 1)
    code2, out2, _ = invoke("check", "prompt", "-", "--json", input="hello there")
    assert json.loads(out2)["kind"] == "prompt"
    assert code2 in (0, 1)
