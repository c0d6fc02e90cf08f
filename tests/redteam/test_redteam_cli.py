"""``aimds redteam``: table, JSON, report files, --fail-above and usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from aimds.cli.main import app

runner = CliRunner()

SMALL = ["--goals", "destructive,prompt_leak", "--techniques", "plain,encoding", "--count", "2"]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The report goes to ./aimds-redteam by default: keep it in tmp."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture()
def detectors_off(tmp_path: Path) -> Path:
    path = tmp_path / "off.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "schema_version": 1,
                "name": "detectors-off",
                "version": "1",
                "detectors": {
                    "injection": {"enabled": False},
                    "normalize": {"obfuscation_findings": False},
                },
            }
        )
    )
    return path


def test_table_and_report_files(tmp_path: Path) -> None:
    result = runner.invoke(app, ["redteam", *SMALL, "--policy", "strict"])
    assert result.exit_code == 0, result.output
    for name in ("By technique", "By goal", "base64", "prompt_leak", "ASR", "FPR", "p99"):
        assert name in result.stdout
    out = tmp_path / "aimds-redteam"
    report = json.loads((out / "report.json").read_text())
    assert report["policy"].startswith("strict@")
    assert report["techniques"] == ["plain", "base64", "hex", "rot13", "url"]
    assert report["totals"]["attacks"] == report["totals"]["controls"] == 2 * 5 * 2
    md = (out / "report.md").read_text()
    assert "# AIMDS red-team report: policy `strict@" in md and "![ASR and FPR" in md
    assert (out / "chart.svg").read_text().startswith("<svg")


def test_json_goes_to_stdout_alone(tmp_path: Path) -> None:
    result = runner.invoke(app, ["redteam", *SMALL, "--json", "--output", "out", "--seed", "3"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["seed"] == 3 and report["count"] == 2
    assert set(report["per_goal"]) == {"destructive", "prompt_leak"}
    assert report == json.loads((tmp_path / "out" / "report.json").read_text())


def test_the_same_seed_gives_the_same_report_numbers() -> None:
    first = json.loads(runner.invoke(app, ["redteam", *SMALL, "--json"]).stdout)
    again = json.loads(runner.invoke(app, ["redteam", *SMALL, "--json"]).stdout)
    for key in ("totals", "per_goal", "per_technique", "matrix", "successful_attacks"):
        if key == "totals":
            first[key].pop("events"), again[key].pop("events")
        assert first[key] == again[key]


def test_fail_above_exits_1_when_the_rate_is_above_it(detectors_off: Path) -> None:
    failing = runner.invoke(
        app, ["redteam", *SMALL, "--policy", str(detectors_off), "--fail-above", "0.99"]
    )
    assert failing.exit_code == 1, failing.output
    assert "FAILED" in failing.stdout and "ASR 100.0%" in failing.stdout
    passing = runner.invoke(
        app, ["redteam", *SMALL, "--policy", str(detectors_off), "--fail-above", "1"]
    )
    assert passing.exit_code == 0, passing.output
    strict = runner.invoke(
        app, ["redteam", *SMALL, "--policy", "strict", "--fail-above", "0.6", "--json"]
    )
    assert strict.exit_code == 0, strict.output
    report = json.loads(strict.stdout)
    assert report["failed"] is False and report["totals"]["asr"] <= 0.6
    zero = runner.invoke(app, ["redteam", *SMALL, "--policy", "strict", "--fail-above", "0"])
    assert zero.exit_code == (1 if report["totals"]["asr"] > 0 else 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--goals", "exfil"], "did you mean 'exfiltration'"),
        (["--techniques", "base46"], "did you mean 'base64'"),
        (["--count", "0"], "--count"),
        (["--fail-above", "1.5"], "--fail-above"),
        (["--fail-above", "-0.1"], "--fail-above"),
    ],
)
def test_usage_errors_exit_2_with_a_message(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["redteam", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_an_unwritable_output_exits_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(
        app,
        [
            "redteam",
            "--goals",
            "destructive",
            "--techniques",
            "plain",
            "--count",
            "1",
            "--output",
            str(blocker / "sub"),
        ],
    )
    assert result.exit_code == 2
    assert "--output: cannot write" in result.stderr


def test_a_bad_policy_exits_3(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nname: bad\nversion: '1'\ndefaults:\n  unknown_tol: allow\n")
    result = runner.invoke(app, ["redteam", "--policy", str(bad), "--count", "1"])
    assert result.exit_code == 3
    assert "bad.yaml:5" in result.stderr
