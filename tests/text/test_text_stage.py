"""The normalize stage: views per event, tool-call arguments, oversized texts."""

from __future__ import annotations

from aimds.policy import load_policy
from aimds.text.stage import argument_text, build_stage
from aimds.types import Evaluation, Event, EventKind, Services, Verdict


def _stage(normalize: dict[str, object] | None = None):  # type: ignore[no-untyped-def]
    policy = load_policy({"name": "t", "detectors": {"normalize": normalize or {}}})
    return build_stage(policy, Services())


def test_views_for_text_events() -> None:
    ev = Evaluation(event=Event(kind=EventKind.PROMPT, text="ig\u200bnore"), ts=0.0)
    _stage()(ev)
    assert ev.views.normalized == "ignore"
    assert ev.findings == []


def test_views_for_tool_call_arguments() -> None:
    args = {"path": "/tmp/x", "opts": {"q": ["1gn0r3 this", 3]}, "n": 5}
    ev = Evaluation(event=Event(kind=EventKind.TOOL_CALL, tool="t", args=args), ts=0.0, args=args)
    _stage()(ev)
    assert "ignore this" in ev.views.folded
    assert argument_text(args, 5) == "/tmp/"


def test_oversized_text_is_reported_once() -> None:
    stage = _stage({"max_chars": 1000, "oversize_action": "review"})
    ev = Evaluation(event=Event(kind=EventKind.PROMPT, text="a" * 1500), ts=0.0)
    stage(ev)
    (f,) = ev.findings
    assert f.rule == "input.too_large" and f.action is Verdict.REVIEW
    assert len(ev.views.original) == 1000


def test_disabled_and_empty() -> None:
    assert _stage({"enabled": False}) is None
    ev = Evaluation(event=Event(kind=EventKind.PROMPT, text=""), ts=0.0)
    _stage()(ev)
    assert ev.views is None


def test_argument_text_walks_nested_values_within_depth_and_limit() -> None:
    deep: dict[str, object] = {"leaf": "deep"}
    for _ in range(40):
        deep = {"n": deep, "s": "y"}
    text = argument_text(deep, 10_000)
    assert "deep" not in text and text.count("y") == 32  # strings deeper than 32 are left out
    args = {"a": "one", "b": [{"c": "two"}, ("three", 4, None)], "d": "four"}
    assert argument_text(args, 10_000) == "one\ntwo\nthree\nfour"
    assert argument_text(args, 6) == "one\ntw"
