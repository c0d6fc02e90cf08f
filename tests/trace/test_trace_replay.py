"""The trace format (reading, writing, line-numbered errors) and library replay."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from aimds.errors import InputError
from aimds.trace.format import event_to_record, iter_trace, parse_line, read_trace, write_trace
from aimds.trace.replay import SessionTracker, fresh_guard, replay, step_record
from aimds.types import Event, EventKind, Subject

CANARY = "sk_live_51HqW8eJk2LmN4oP6qR8sT0uV2wX4yZ6aB8c"


def test_defaults_and_timestamps() -> None:
    e = parse_line('{"ts": "2026-03-02T09:00:09.5Z", "text": "hi"}')
    assert e.kind is EventKind.PROMPT and e.subject == Subject() and e.ts == 1772442009.5
    assert parse_line('{"tool": "x", "args": {"a": 1}}').kind is EventKind.TOOL_CALL
    assert parse_line('{"tool": "x", "text": {"rows": 2}}').text == '{"rows": 2}'
    assert parse_line('{"kind": "tool_result", "ts": 12}').ts == 12.0
    assert parse_line("{}").ts is None


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("not json " + CANARY, "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"kind": "banana"}', "field 'kind'"),
        ('{"args": "' + CANARY + '"}', "field 'args'"),
        ('{"ts": "yesterday"}', "field 'ts'"),
        ('{"agent": 5}', "field 'agent'"),
        ('{"colour": "' + CANARY + '"}', "unknown field 'colour'"),
    ],
)
def test_bad_lines_name_file_line_and_field_never_content(
    tmp_path: Path, line: str, needle: str
) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"text": "ok"}\n\n' + line + "\n")
    with pytest.raises(InputError) as info:
        read_trace(path)
    assert f"{path}:3:" in str(info.value) and needle in str(info.value)
    assert CANARY not in str(info.value)


def test_indices_are_physical_lines_and_records_round_trip() -> None:
    events = [
        Event(
            kind=EventKind.TOOL_CALL,
            subject=Subject(agent="a", session="s"),
            tool="t",
            args={"k": [1, "v"]},
            ts=5.0,
        ),
        Event(kind=EventKind.TOOL_RESULT, tool="t", text="out", ts=6.0, meta={"m": 1}),
    ]
    buf = io.StringIO()
    assert write_trace(events, buf) == 2
    lines = buf.getvalue().splitlines()
    lines.insert(1, "   ")
    read = list(iter_trace(lines))
    assert [t.index for t in read] == [0, 2]
    assert [t.event for t in read] == events
    assert event_to_record(read[0].event)["args"] == {"k": [1, "v"]}


def test_replay_keeps_event_time_and_summarises_sessions() -> None:
    who = {"tenant": "acme", "agent": "a1", "role": "expert", "session": "s1"}
    rows = [
        {
            "ts": 100.0 + i,
            "kind": "tool_call",
            "tool": "bash",
            "args": {"command": f"cat {p}"},
            **who,
        }
        for i, p in enumerate(["~/.aws/credentials", "~/.ssh/id_rsa", "~/.netrc"])
    ]
    rows.insert(0, {"ts": 99.0, "kind": "prompt", "text": "hi", **who, "session": "other"})
    events = list(iter_trace(json.dumps(r) for r in rows))
    tracker = SessionTracker()
    with fresh_guard("default") as guard:
        steps = list(replay(events, guard))
    for step in steps:
        tracker.add(step)
    by_session = {s.session: s for s in tracker.sessions()}
    assert by_session["s1"].first["ASA-B-005"] == (3, 2)
    assert by_session["other"].first == {}
    record = step_record(steps[3])
    assert record["index"] == 3 and record["verdict"] == "block"
    assert {"rule": "ASA-B-005", "category": "behavior", "severity": "critical"} in record[
        "findings"
    ]
    assert set(record) == {"index", "verdict", "risk", "findings"}


def test_replay_uses_a_fresh_store_each_time() -> None:
    rows = [
        json.dumps({"ts": 1.0 + i, "tool": "bash", "args": {"command": f"cat {p}"}})
        for i, p in enumerate(["~/.aws/credentials", "~/.ssh/id_rsa"])
    ]
    for _ in range(2):
        with fresh_guard("default") as guard:
            assert all("ASA-B-005" not in s.decision.rules for s in replay(iter_trace(rows), guard))
