"""The flat-arguments shortcut of ``sensitive_scan.plan`` gives exactly the general walk's
plan: same targets, truncation and character count."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.detectors import sensitive_scan
from aimds.detectors.sensitive_scan import plan
from aimds.types import Event, EventKind

flat = st.dictionaries(
    st.sampled_from(["", "command", "path", "password", "k"]),
    st.one_of(st.text(max_size=12), st.sampled_from(["", "ls -la", "x" * 20])),
    max_size=5,
)


def _general(event: Event, max_chars: int) -> Any:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sensitive_scan, "_flat", lambda args, budget: None)
        return plan(event, max_chars)


@settings(max_examples=400, deadline=None)
@given(flat, st.sampled_from(["", "hi", "a longer event text"]), st.integers(0, 40))
def test_flat_shortcut_equals_the_walk(args: dict[str, str], text: str, max_chars: int) -> None:
    event = Event(kind=EventKind.TOOL_CALL, tool="t", args=args, text=text)
    assert plan(event, max_chars) == _general(event, max_chars)


def test_shortcut_leaves_other_shapes_to_the_walk() -> None:
    event = Event(kind=EventKind.TOOL_CALL, tool="t", args={"a": ["x"], "n": 1, "b": "y"})
    scan = plan(event, 100)
    assert [(t.text, t.arg_path) for t in scan.targets] == [("a: x", "a.0"), ("b: y", "b")]


def test_one_plan_serves_one_evaluation_and_no_other() -> None:
    """The secrets and PII detectors share the plan of an evaluation; the same event checked
    again after its arguments changed is planned again (new views, new evaluation)."""
    from aimds.guard import Guard

    guard = Guard("default")
    args = {"command": "echo hello"}
    event = Event(kind=EventKind.TOOL_CALL, tool="shell", args=args)
    assert not any(f.category == "secret" for f in guard.check(event).findings)
    args["command"] = "echo 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"
    assert any(f.category == "secret" for f in guard.check(event).findings)
    planned = sensitive_scan._shared_plan(event, object(), 100)
    assert planned == plan(event, 100)
    assert sensitive_scan._shared_plan(event, object(), 100) is not planned
