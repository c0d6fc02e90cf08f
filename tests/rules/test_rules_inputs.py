"""The inputs stage: a bounded, JSON-like copy of the arguments and input.* findings."""

from __future__ import annotations

import enum
import json
import math
from pathlib import PurePosixPath
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.policy import load_policy
from aimds.policy.sections.actions import LimitsSection
from aimds.rules.inputs import InputsStage, sanitize_args
from aimds.types import Evaluation, Event, EventKind, Verdict

CANARY = "sk-canary-7f3a9e2b1c"


def run(args: Any, limits: LimitsSection | None = None, text: Any = "") -> Evaluation:
    stage = InputsStage(limits or LimitsSection())
    event = Event(kind=EventKind.TOOL_CALL, tool="t", args=args, text=text)
    ev = Evaluation(event=event, ts=0.0, args=event.args if isinstance(args, dict) else {})
    stage(ev)
    return ev


def by_rule(ev: Evaluation) -> dict[str, Verdict | None]:
    return {f.rule: f.action for f in ev.findings}


def test_plain_arguments_pass_unchanged_without_findings() -> None:
    args = {"command": "ls -la", "n": 3, "f": 1.5, "ok": True, "none": None, "l": [1, "a"]}
    ev = run(args)
    assert ev.findings == []
    assert ev.args == args and ev.args is not args


def test_cycle_is_blocked_and_cut() -> None:
    args: dict[str, Any] = {"a": 1}
    args["self"] = args
    inner: list[Any] = []
    inner.append(inner)
    ev = run({"x": args, "y": inner})
    assert by_rule(ev)["input.cyclic"] is Verdict.BLOCK
    json.dumps(ev.args)  # walkable and serialisable


def test_too_deep_is_blocked() -> None:
    deep: Any = "leaf"
    for _ in range(50):
        deep = [deep]
    ev = run({"d": deep}, LimitsSection(max_depth=10))
    assert by_rule(ev)["input.too_deep"] is Verdict.BLOCK
    depth, node = 0, ev.args["d"]
    while isinstance(node, list):
        depth, node = depth + 1, node[0]
    assert depth < 10


@pytest.mark.parametrize(
    ("args", "limits"),
    [
        ({"s": "x" * 101}, LimitsSection(max_string_chars=100)),
        ({"l": list(range(50))}, LimitsSection(max_items=10)),
        ({"a": "x" * 60, "b": "y" * 60}, LimitsSection(max_args_chars=100)),
    ],
)
def test_too_large_is_blocked(args: dict[str, Any], limits: LimitsSection) -> None:
    ev = run(args, limits)
    assert by_rule(ev)["input.too_large"] is Verdict.BLOCK


def test_long_text_is_too_large() -> None:
    ev = run({}, LimitsSection(max_text_chars=10), text="z" * 11)
    assert by_rule(ev)["input.too_large"] is Verdict.BLOCK
    assert "text" in ev.findings[0].message


def test_bytes_are_decoded_and_warned() -> None:
    ev = run({"b": b"hello \xff", "ba": bytearray(b"hi")})
    assert by_rule(ev) == {"input.bytes": Verdict.WARN}
    assert ev.args["b"] == "hello \ufffd" and ev.args["ba"] == "hi"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_blocked_and_nulled(value: float) -> None:
    ev = run({"n": value})
    assert by_rule(ev)["input.non_finite"] is Verdict.BLOCK
    assert ev.args["n"] is None


def test_non_json_objects_become_type_placeholders() -> None:
    class Secretive:
        def __repr__(self) -> str:
            return CANARY

    ev = run({"o": Secretive()})
    assert by_rule(ev)["input.invalid_type"] is Verdict.BLOCK
    assert ev.args["o"] == "<Secretive>"
    assert CANARY not in repr(ev.findings) and CANARY not in repr(ev.args)


def test_friendly_types_are_converted_without_findings() -> None:
    class Color(enum.Enum):
        RED = "red"

    ev = run({"p": PurePosixPath("/tmp/a"), "c": Color.RED, "t": (1, 2), "s": frozenset({1})})
    assert ev.findings == []
    assert ev.args == {"p": "/tmp/a", "c": "red", "t": [1, 2], "s": [1]}


def test_non_string_keys() -> None:
    ev = run({"m": {1: "a", False: "b", (1, 2): "c", None: "d"}})
    assert by_rule(ev)["input.invalid_key"] is Verdict.BLOCK
    assert set(ev.args["m"]) == {"1", "false", "null"}


def test_non_mapping_args() -> None:
    ev = run(["not", "a", "mapping"])
    assert by_rule(ev)["input.invalid_type"] is Verdict.BLOCK
    assert ev.args == {}


def test_actions_are_configurable_in_limits() -> None:
    pol = load_policy({"name": "x", "limits": {"actions": {"bytes": "block", "cyclic": "warn"}}})
    stage = InputsStage(pol.document.limits)
    event = Event(kind=EventKind.TOOL_CALL, tool="t", args={"b": b"x"})
    ev = Evaluation(event=event, ts=0.0, args=event.args)
    stage(ev)
    assert ev.findings[0].action is Verdict.BLOCK


def test_messages_never_contain_values() -> None:
    args: dict[str, Any] = {"k": CANARY * 10, "n": math.nan, "b": CANARY.encode(), CANARY: 1}
    args["cyc"] = args
    ev = run(args, LimitsSection(max_string_chars=5, max_key_chars=4))
    assert ev.findings
    for f in ev.findings:
        assert CANARY not in f.message and CANARY not in repr(f.details)


json_like = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
        st.binary(max_size=10),
    ),
    lambda inner: st.lists(inner, max_size=5)
    | st.tuples(inner, inner)
    | st.dictionaries(st.one_of(st.text(max_size=8), st.integers()), inner, max_size=5),
    max_leaves=15,
)


@settings(max_examples=120, deadline=None)
@given(args=st.dictionaries(st.text(max_size=10), json_like, max_size=4))
def test_sanitised_copy_is_always_bounded_json(args: dict[str, Any]) -> None:
    limits = LimitsSection(max_depth=4, max_items=30, max_string_chars=20)
    safe, problems = sanitize_args(args, limits)
    text = json.dumps(safe, allow_nan=False)  # plain JSON: no NaN, bytes or odd keys
    assert json.loads(text) == safe

    def depth(node: Any) -> int:
        if isinstance(node, dict):
            return 1 + max((depth(v) for v in node.values()), default=0)
        if isinstance(node, list):
            return 1 + max((depth(v) for v in node), default=0)
        return 0

    assert depth(safe) <= limits.max_depth
    assert all(len(s) <= 20 for s in _strings(safe))
    assert set(problems) <= {
        "too_large", "too_deep", "cyclic", "invalid_type", "invalid_key", "non_finite", "bytes",
        "invalid_encoding",
    }


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []
