"""``aimds policy check|show|test``: output, --json and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from aimds.cli.main import app

runner = CliRunner()
BROKEN = Path(__file__).parents[1] / "policy" / "broken"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_valid_pack_and_file(tmp_path: Path) -> None:
    code, out, _ = invoke("policy", "check", "default")
    assert code == 0 and out.startswith("OK default@1+")
    child = tmp_path / "p.yaml"
    child.write_text("name: team\nextends: strict\nrules:\n  - id: allow.x\n    action: allow\n")
    code, out, _ = invoke("policy", "check", str(child), "--json")
    data = json.loads(out)
    assert code == 0 and data["ok"] is True
    assert data["policy"].startswith("team@1+") and data["hard_rules"] >= 8


def test_check_broken_policy_exits_three_with_location() -> None:
    path = BROKEN / "unknown_operator.yaml"
    code, _, err = invoke("policy", "check", str(path))
    assert code == 3
    assert f"{path}:8: rules[r1].when.args.command.matchs: unknown key" in err.replace("\n", "")
    code, out, _ = invoke("policy", "check", str(path), "--json")
    data = json.loads(out)
    assert code == 3 and data["ok"] is False
    assert data["error"]["line"] == 8
    assert data["error"]["key"] == "rules[r1].when.args.command.matchs"


def test_check_compile_step_error_is_located() -> None:
    code, out, _ = invoke("policy", "check", str(BROKEN / "unknown_type.yaml"), "--json")
    assert code == 3 and json.loads(out)["error"]["key"] == "taxonomy.tools.my_tool"


def test_show_prints_merged_yaml_and_json(tmp_path: Path) -> None:
    child = tmp_path / "p.yaml"
    child.write_text("name: team\nextends: default\nnetwork:\n  deny_hosts: [evil.example]\n")
    code, out, _ = invoke("policy", "show", str(child))
    assert code == 0 and out.startswith("# team@1+")
    doc = yaml.safe_load(out)
    assert doc["network"]["deny_hosts"] == ["evil.example"]
    assert any(r["id"] == "hard.rm_root" for r in doc["rules"])  # merged from the parent
    code, out, _ = invoke("policy", "show", str(child), "--json")
    data = json.loads(out)
    assert data["rules"] == len(data["document"]["rules"]) and data["name"] == "team"


def test_show_broken_exits_three() -> None:
    code, _, _ = invoke("policy", "show", str(BROKEN / "bad_action.yaml"))
    assert code == 3


def _cases(tmp_path: Path, cases: list[dict[str, object]], policy: str = "default") -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(yaml.safe_dump({"policy": policy, "cases": cases}))
    return path


PASSING = {
    "name": "rm root",
    "event": {"tool": "shell", "args": {"command": "rm -rf /"}, "role": "architect"},
    "expect": {"verdict": "block", "rules": ["hard.rm_root"], "not_rules": ["scope.denied"]},
}
FAILING = {
    "name": "wrong expectation",
    "event": {"kind": "tool_call", "tool": "shell", "args": {"command": "rm -rf /"}},
    "expect": {"verdict": "allow", "rules": ["no.such.rule"]},
}


def test_test_command_passes(tmp_path: Path) -> None:
    code, out, _ = invoke("policy", "test", str(_cases(tmp_path, [PASSING])))
    assert code == 0
    assert "PASS rm root" in out and "1 passed, 0 failed" in out


def test_test_command_reports_failures_with_diff(tmp_path: Path) -> None:
    path = _cases(tmp_path, [PASSING, FAILING])
    code, out, _ = invoke("policy", "test", str(path))
    assert code == 1
    assert "FAIL wrong expectation" in out
    assert "verdict: expected allow, got block" in out
    assert "no.such.rule" in out and "1 passed, 1 failed" in out
    code, out, _ = invoke("policy", "test", str(path), "--json")
    data = json.loads(out)
    assert code == 1 and data["passed"] == 1 and data["failed"] == 1
    failed = data["results"][1]
    assert failed["expected"]["verdict"] == "allow" and failed["actual"]["verdict"] == "block"


def test_test_command_policy_override(tmp_path: Path) -> None:
    case = {
        "name": "unknown tool under strict",
        "event": {"tool": "frobnicate"},
        "expect": {"verdict": "block", "rules": ["defaults.unknown_tool"]},
    }
    path = _cases(tmp_path, [case], policy="permissive")
    assert invoke("policy", "test", str(path))[0] == 1
    assert invoke("policy", "test", str(path), "--policy", "strict")[0] == 0


def test_test_command_bad_case_file_exits_two(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cases:\n  - event: {kind: nope}\n")
    code, _, err = invoke("policy", "test", str(bad))
    assert code == 2 and "kind" in err
    missing = invoke("policy", "test", str(tmp_path / "missing.yaml"))
    assert missing[0] == 2


def test_check_shows_every_problem_in_file_order(tmp_path: Path) -> None:
    bad = tmp_path / "two.yaml"
    bad.write_text(
        "name: two\nversion: 1\nextends: default\nbehavior:\n  window: 5x\n  scope: weird\n"
        "detectors:\n  thresholds:\n    prompt: {warn: 2}\n"
    )
    code, _, err = invoke("policy", "check", str(bad))
    assert code == 3 and "3 problems" in err and "more problem" not in err
    lines = [line for line in err.replace(str(bad), "FILE").splitlines() if "FILE:" in line]
    assert [line.split(":")[1] for line in lines] == ["5", "6", "9"]  # version: 1 is fine
    code, out, _ = invoke("policy", "check", str(bad), "--json")
    data = json.loads(out)
    assert [e["key"] for e in data["errors"]] == [
        "behavior.window", "behavior.scope", "detectors.thresholds.prompt.warn"
    ]


def test_integer_version_is_accepted(tmp_path: Path) -> None:
    ok = tmp_path / "v.yaml"
    ok.write_text("name: v\nversion: 3\nextends: default\n")
    code, out, _ = invoke("policy", "check", str(ok), "--json")
    assert code == 0 and json.loads(out)["version"] == "3"


def test_child_rule_is_named_by_its_id_and_re2_stays_quiet(
    tmp_path: Path, capfd: object
) -> None:
    child = tmp_path / "child.yaml"
    child.write_text(
        'name: child\nversion: "1"\nextends: default\nrules:\n  - id: my.rule\n'
        '    tools: ["shell"]\n    when: {args.command: {matches: "(?<=x)abc"}}\n'
        "    action: block\n"
    )
    code, _, err = invoke("policy", "check", str(child))
    assert code == 3
    assert f"{child}:7: rules[my.rule].when.args.command.matches:" in err.replace("\n", "")
    assert "b'" not in err
    captured = capfd.readouterr()  # type: ignore[attr-defined]
    assert "re2.cc" not in captured.err and "absl" not in captured.err
