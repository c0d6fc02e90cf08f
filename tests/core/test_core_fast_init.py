"""The guard's direct constructors of Event and Decision (see aimds.guard) set every field
of the dataclass, in its order, to exactly what the dataclass ``__init__`` would."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import aimds
from aimds import guard as guard_module
from aimds.rules.understanding import facts as facts_module
from aimds.types import (
    ActionInfo,
    Decision,
    Evaluation,
    Event,
    EventKind,
    Finding,
    Severity,
    StageOutcome,
    StageStatus,
    Subject,
    Verdict,
)

_FINDING = Finding(rule="r.x", category="test", severity=Severity.LOW, message="m")
_DECISION_VALUES: dict[str, Any] = {
    "id": "d-1",
    "verdict": Verdict.REVIEW,
    "risk": Severity.HIGH,
    "score": 0.75,
    "findings": (_FINDING,),
    "text": "mitigated",
    "args": {"a": "b"},
    "approval": "ap-1",
    "policy": "p@1",
    "latency_us": 12.5,
    "kind": EventKind.TOOL_CALL,
    "subject": Subject(tenant="t", agent="a", session="s"),
    "action": ActionInfo(type="shell:exec", risk=Severity.MEDIUM),
    "stages": (StageStatus(stage="x", outcome=StageOutcome.ERROR, detail="d"),),
}
_EVENT_VALUES: dict[str, Any] = {
    "kind": EventKind.PROMPT,
    "subject": Subject(tenant="t"),
    "text": "hello",
    "tool": "shell",
    "args": {"command": "ls"},
    "meta": {"m": 1},
    "ts": 3.5,
}
_ACTION_VALUES: dict[str, Any] = {
    "type": "fs:delete",
    "risk": Severity.HIGH,
    "resources": ("/tmp/x",),
    "destructive": True,
    "outbound": False,
    "tags": frozenset({"destructive"}),
}


@pytest.mark.parametrize(
    ("cls", "build", "values"),
    [
        (Decision, guard_module._new_decision, _DECISION_VALUES),
        (Event, guard_module._new_event, _EVENT_VALUES),
        (ActionInfo, facts_module.new_action_info, _ACTION_VALUES),
    ],
    ids=["Decision", "Event", "ActionInfo"],
)
def test_direct_constructors_match_the_dataclass(cls: Any, build: Any, values: Any) -> None:
    names = [f.name for f in dataclasses.fields(cls)]
    assert set(names) == set(values), "a field was added or removed: update aimds.guard"
    assert not hasattr(cls, "__post_init__")  # the direct constructors would skip it
    made = build(*[values[n] for n in names])  # positional, in field order
    assert type(made) is cls
    assert made == cls(**values)
    for name in names:  # the very objects given (a float compiled code may rebox: equal)
        value = getattr(made, name)
        assert value is values[name] or (type(value) is float and value == values[name])
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, names[0], values[names[0]])


def test_the_direct_evaluation_is_the_dataclass_default() -> None:
    event = Event(kind=EventKind.TOOL_CALL, tool="t", args={"a": "b"})
    made = guard_module._new_evaluation(event, 7.0)
    expected = Evaluation(event=event, ts=7.0, args=event.args)
    for f in dataclasses.fields(Evaluation):  # every field set, to the dataclass's value
        assert getattr(made, f.name) == getattr(expected, f.name), f.name
    assert made.args is event.args
    fresh = guard_module._new_evaluation(event, 7.0)
    assert fresh.findings is not made.findings and fresh.scratch is not made.scratch


def test_a_guards_decision_and_event_are_complete() -> None:
    seen: list[Event] = []
    guard = aimds.Guard()
    guard.subscribe(lambda event, decision: seen.append(event))
    decision = guard.check_tool_call("shell", {"command": "ls -la"})
    assert seen[0] == Event(
        kind=EventKind.TOOL_CALL, tool="shell", args={"command": "ls -la"}, ts=None
    )
    # every field readable, and the decision rebuilt through the dataclass is equal
    rebuilt = Decision(**{f.name: getattr(decision, f.name) for f in dataclasses.fields(Decision)})
    assert rebuilt == decision and hash(rebuilt.id) == hash(decision.id)
    assert decision.kind is EventKind.TOOL_CALL and decision.latency_us > 0
