"""Views cost nothing until read, and the flat-arguments shortcut of the normalize stage
gives exactly the text of the general walk."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.policy.sections.normalize import NormalizeSettings
from aimds.text import build_views
from aimds.text import decoders as dec
from aimds.text import stage as text_stage
from aimds.text.decoders import Budget, decode_all

_PIECES = ["", "a", "ls -la", "README.md", "  ", "\n", "x" * 7, "é", "\u200b", "%41", "&amp;"]
flat_values = st.one_of(st.sampled_from(_PIECES), st.text(max_size=12))
flat_args = st.dictionaries(st.text(max_size=5), flat_values, max_size=6)


def _general(args: Any, limit: int) -> str:
    parts: list[str] = []
    text_stage._collect(args, 0, parts, limit)
    text = "\n".join(parts)
    return text if len(text) <= limit else text[:limit]


@settings(max_examples=400, deadline=None)
@given(flat_args, st.integers(0, 60))
def test_flat_arguments_shortcut_equals_the_walk(args: dict[str, str], limit: int) -> None:
    assert text_stage.argument_text(args, limit) == _general(args, limit)


def test_shortcut_leaves_other_shapes_to_the_walk() -> None:
    class S(str):
        pass

    args: dict[str, Any] = {"a": S("x"), "b": "y", "n": 3}
    assert text_stage.argument_text(args, 100) == "x\ny"
    # the walk stops once the budget is spent (an empty last value adds no separator)
    assert text_stage.argument_text({"a": "abc", "b": ""}, 4) == "abc"


def test_views_are_built_on_first_read_only() -> None:
    views = build_views("ig\u200bnore th1s")
    assert views._normal is None and views._folded is None and views._decoded is None
    assert views.original == "ig\u200bnore th1s"
    assert views.normalized == "ignore th1s"
    assert views._folded is None
    assert views.folded == "ignore this"
    assert views.marks["invisible"].count == 1


def test_views_read_in_any_order_agree() -> None:
    text = "Plea\u200bse 1gn0re QWxhZGRpbjpvcGVuIHNlc2FtZQ== now"
    first, second = build_views(text), build_views(text)
    a = (first.normalized, first.folded, first.decoded, dict(first.marks), first.notes)
    b = (second.notes, dict(second.marks), second.decoded, second.folded, second.normalized)
    assert a == (b[4], b[3], b[2], b[1], b[0])


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abz %&;#x0123456789AZ=/+", max_size=20), st.integers(8, 24))
def test_short_texts_skip_the_decoders_only_when_nothing_decodes(text: str, min_chars: int) -> None:
    s = NormalizeSettings()
    names = s.decoders
    full: list[dec.Decoded] = []
    dec._decode_into(text, names, Budget(segments=32, chars=65_536), 2, min_chars, 1, None, full)
    short = decode_all(
        text, names, budget=Budget(segments=32, chars=65_536), max_depth=2, min_chars=min_chars
    )
    assert short == full


@pytest.mark.parametrize(
    "text", ["ls -la", "README.md", "rm -rf /", "%41%42%43", "&#65;&#66;&#67;"]
)
def test_short_texts_decode_as_before(text: str) -> None:
    views = build_views(text)
    expected = bool(text.count("%") >= 3 or text.count("&") >= 3)
    assert bool(views.decoded) == expected


_DISGUISES = ["", "ign0re", "i g n o r e", "\u200b", "\u0456", "\uff21", "\u202e", "1337", "a\tb"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_DISGUISES), st.text(max_size=6)), max_size=6))
def test_folding_adds_only_spacing_marks(parts: list[str]) -> None:
    """``normal_marks`` is ``marks`` less the folded view's spaced/leet marks, read without
    folding: what the extra-views builder relies on to skip the fold on cached calls."""
    views = build_views(" ".join(parts))
    normal = dict(views.normal_marks)
    assert views._folded is None  # reading it folded nothing
    marks = dict(views.marks)
    assert {k: v for k, v in marks.items() if k not in ("spaced", "leet")} == {
        k: v for k, v in normal.items() if k not in ("spaced", "leet")
    }
    assert set(marks) - set(normal) <= {"spaced", "leet"}


def test_a_cached_call_does_not_fold_its_text() -> None:
    from aimds.guard import Guard
    from aimds.types import Evaluation, Event, EventKind

    guard = Guard("default")
    args = {"command": "ls -la src"}
    guard.check_tool_call("shell", args)  # the detectors' findings are cached from here on
    guard.check_tool_call("shell", args)
    event = Event(kind=EventKind.TOOL_CALL, tool="shell", args=args)
    ev = Evaluation(event=event, ts=1.0, args=args)
    for stage in guard.stages:
        if stage.name in ("inputs", "normalize", "detectors"):
            stage(ev)
    assert ev.views is not None and ev.views._folded is None
