"""``aimds replay``: summary table and JSON, ``--output`` lines, exit codes, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from aimds.cli.main import app

runner = CliRunner()
WHO = {"tenant": "acme", "agent": "a1", "role": "expert", "session": "s1"}


def _trace(tmp_path: Path) -> Path:
    rows = [{"ts": 100.0, "kind": "prompt", "text": "clean up my home dir", **WHO}]
    for i, path in enumerate(["~/.aws/credentials", "~/.ssh/id_rsa", "~/.netrc"]):
        rows.append(
            {
                "ts": 101.0 + i,
                "kind": "tool_call",
                "tool": "bash",
                "args": {"command": f"cat {path}"},
                **WHO,
            }
        )
    trace = tmp_path / "t.jsonl"
    trace.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return trace


def test_table_and_output_file(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["replay", str(_trace(tmp_path)), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "s1" in result.output and "ASA-B-005" in result.output
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["index"] for x in lines] == [0, 1, 2, 3]
    assert lines[3]["verdict"] == "block"
    assert any(f["rule"] == "ASA-B-005" for f in lines[3]["findings"])


def test_json_summary(tmp_path: Path) -> None:
    result = runner.invoke(app, ["replay", str(_trace(tmp_path)), "--json", "--policy", "strict"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (session,) = data["sessions"]
    assert session["session"] == "s1" and session["events"] == 4
    assert "ASA-B-005" in session["fired"]


def test_bad_trace_line_exits_2_with_line_number(tmp_path: Path) -> None:
    trace = tmp_path / "bad.jsonl"
    trace.write_text('{"text": "ok"}\n{"kind": 3}\n')
    result = runner.invoke(app, ["replay", str(trace)])
    assert result.exit_code == 2
    assert f"{trace}:2" in result.output and "Traceback" not in result.output


def test_missing_trace_and_bad_policy(tmp_path: Path) -> None:
    assert runner.invoke(app, ["replay", str(tmp_path / "nope.jsonl")]).exit_code == 2
    policy = tmp_path / "p.yaml"
    policy.write_text("name: p\nbehavior:\n  window: forever\n")
    result = runner.invoke(app, ["replay", str(_trace(tmp_path)), "--policy", str(policy)])
    assert result.exit_code == 3 and ":3" in result.output


def _two_sessions(tmp_path: Path) -> Path:
    trace = _trace(tmp_path)
    benign = {**WHO, "session": "s2"}
    rows = [{"ts": 200.0 + i, "kind": "tool_call", "tool": "bash",
             "args": {"command": "ls -la /tmp"}, **benign} for i in range(12)]
    with trace.open("a") as fh:
        fh.write("\n".join(json.dumps(r) for r in rows) + "\n")
    return trace


def test_totals_row_and_json_totals(tmp_path: Path) -> None:
    trace = _two_sessions(tmp_path)
    result = runner.invoke(app, ["replay", str(trace)])
    assert result.exit_code == 0, result.output
    total = [line for line in result.output.splitlines() if "total" in line]
    assert total and "16" in total[0]  # 4 + 12 events
    data = json.loads(runner.invoke(app, ["replay", str(trace), "--json"]).stdout)
    assert data["totals"]["sessions"] == 2 and data["totals"]["events"] == 16
    assert data["totals"]["sessions_by_rule"] == {"ASA-B-005": 1}


def test_labels_score_the_sessions(tmp_path: Path) -> None:
    trace = _two_sessions(tmp_path)
    labels = tmp_path / "labels.jsonl"
    labels.write_text(
        '{"session": "s1", "attack": true, "pattern": "ASA-B-005", "complete_at": 2}\n'
        '{"session": "s2", "attack": false}\n{"session": "gone", "label": 0}\n'
    )
    result = runner.invoke(app, ["replay", str(trace), "--labels", str(labels), "--json"])
    assert result.exit_code == 0, result.output
    scored = json.loads(result.stdout)["labels"]
    assert scored["caught"] == 1 and scored["caught_in_time"] == 0  # fired at index 3 > 2
    assert scored["flagged"] == 0 and scored["false_positive_rate"] == 0.0
    assert scored["labels_without_session"] == 1
    text = runner.invoke(app, ["replay", str(trace), "--labels", str(labels)])
    assert "1/1 attack sessions caught" in text.output


def test_a_bad_labels_line_names_file_and_line(tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"session": "s1", "attack": true}\n{"session": "s2", "attack": "maybe"}\n')
    result = runner.invoke(app, ["replay", str(_trace(tmp_path)), "--labels", str(labels)])
    assert result.exit_code == 2 and f"{labels}:2" in result.output.replace("\n", "")
