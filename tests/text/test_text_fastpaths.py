"""The fast paths of the text passes give exactly what the general paths give: the
delete-only strip pass, bulk-built whitespace maps, and the folded view of ASCII text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.text import build_views
from aimds.text import unicode as uni
from aimds.text.leet import _leet_tokens, has_spaced_run, unleet
from aimds.text.marks import MarkLog
from aimds.text.offsets import EditLog, runs_map

_DELETABLE = ["\ufeff", "\u200b", "\u200d", "\u00ad", "\u202e", "\u200f", "\u061c", "\u202a"]
_CONTROL = ["\x00", "\x07", "\x1f", "\x7f", "\x85"]
ascii_and_deletions = st.lists(
    st.sampled_from([*"ab .\n\t", "ig", "no", "re", *_DELETABLE, *_CONTROL]), max_size=30
).map("".join)
plain_ascii = st.lists(
    st.sampled_from([*"ab .\n\t\r", "  ", "1gn0r3", "p@ss", "Thanks!", "I G N", "+x|", "A"]),
    max_size=30,
).map("".join)


def _strip(text: str, *, general: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    if general:  # a pattern that always matches sends every text down the general loop
        monkeypatch.setattr(uni, "_NOT_SIMPLE", re.compile(r"[\s\S]|\Z"))
    marks = MarkLog()
    hidden: list[tuple[str, str, int, int]] = []
    out, spans = uni.strip_pass(text, marks, hidden)
    monkeypatch.undo()
    size = len(out)
    back = [
        spans.back(a, b) if spans else (a, b) for a in range(size + 1) for b in range(a, size + 1)
    ]
    return out, list(marks.result().items()), hidden, back


@settings(max_examples=300, deadline=None)
@given(ascii_and_deletions)
def test_delete_only_strip_matches_the_general_loop(text: str) -> None:
    with pytest.MonkeyPatch.context() as mp:
        fast = _strip(text, general=False, monkeypatch=mp)
    with pytest.MonkeyPatch.context() as mp:
        slow = _strip(text, general=True, monkeypatch=mp)
    assert fast == slow


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=20), st.integers(0, 2))
def test_runs_map_equals_an_edit_log(gaps: list[tuple[int, int]], out_len: int) -> None:
    spans, log, pos, out = [], EditLog(), 0, 0
    for gap, size in gaps:
        pos += gap + 1  # runs never touch, like regex matches
        out += gap + 1
        spans.append((pos, pos + size))
        log.edit(out, out_len, pos, size)
        pos += size
        out += out_len
    bulk, step = runs_map(spans, out_len), log.freeze()
    for a in range(out + 3):
        for b in range(a, out + 3):
            assert (bulk.back(a, b) if bulk else (a, b)) == (step.back(a, b) if step else (a, b))


@settings(max_examples=300, deadline=None)
@given(plain_ascii)
def test_ascii_fold_matches_the_general_fold(text: str) -> None:
    views = build_views(text)
    fast = views._fold_ascii(views._norm())
    slow = views._fold_general(views._norm())
    if fast is None:  # spaced-out letters take the general path
        assert has_spaced_run(text)
        return
    assert fast.text == slow.text
    assert fast.marks == slow.marks
    for a in range(len(fast.text) + 1):
        for b in range(a, len(fast.text) + 1):
            assert views.to_original("folded", a, b) == _back(slow.maps, a, b)


def _back(maps: tuple[object, ...], a: int, b: int) -> tuple[int, int]:
    for m in reversed(maps):
        a, b = m.back(a, b)  # type: ignore[attr-defined]
    return a, b


def test_newlines_and_tabs_stay_on_the_fast_path() -> None:
    text = "Line one\nline two\tand three\r\n"
    assert uni.is_plain_ascii(text)
    views = build_views(text)
    assert views.normalized == "Line one line two and three "
    assert views.to_original("normalized", 27, 28) == (27, 29)
    assert not views.notes


@pytest.mark.parametrize("text", ["a\x00b", "tab\x0bv", "caf\u00e9", "x\u200by"])
def test_control_or_non_ascii_text_is_not_plain(text: str) -> None:
    assert not uni.is_plain_ascii(text)


def test_a_leading_byte_order_mark_is_not_reported_but_a_split_is() -> None:
    views = build_views("\ufeffig\u200bnore")
    assert views.normalized == "ignore"
    assert views.marks["invisible"].count == 1
    assert views.marks["invisible"].span == (3, 4)


_ANY_WHITESPACE = [" ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0"]
_SPACES_AND_OTHERS = st.lists(
    st.sampled_from([*_ANY_WHITESPACE, "\u2028", "\u3000", "a", "b.", "\u00e9", "\u200b"]),
    max_size=30,
).map("".join)


def _collapse_reference(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The plain definition: whitespace runs of two or more, and any whitespace that is
    not a space, become one space."""
    pattern = re.compile(r"\s{2,}|[^\S ]")
    return pattern.sub(" ", text), [m.span() for m in pattern.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(st.one_of(_SPACES_AND_OTHERS, plain_ascii, st.text(max_size=40)))
def test_whitespace_collapse_matches_its_definition(text: str) -> None:
    out, spans = uni.collapse_whitespace(text)
    want, runs = _collapse_reference(text)
    assert out == want
    expected_map = runs_map(runs, 1) if runs else None
    size = len(out)
    for a in range(size + 1):
        for b in range(a, size + 1):
            got = spans.back(a, b) if spans is not None else (a, b)
            assert got == (expected_map.back(a, b) if expected_map is not None else (a, b))


@pytest.mark.parametrize(
    "text", ["end of line  00000001", "a  b   c", "tab\tthen  two", "lf\nand \u3000wide"]
)
def test_whitespace_runs_collapse_on_every_path(text: str) -> None:
    assert uni.collapse_whitespace(text)[0] == re.sub(r"\s{2,}|[^\S ]", " ", text)


leet_ascii = st.lists(
    st.sampled_from(
        [*"ab .,-_\n", "1gn0r3", "p@ss", "4r3", "2,314", "87.4%", "arm64", "|+!", "A$"]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(leet_ascii)
def test_leet_tokens_of_ascii_text_equal_the_regex_scan(text: str) -> None:
    # a non-ASCII character (never a token character) sends the text down the regex scan
    # and ends its last token where the text ended
    assert _leet_tokens(text) == _leet_tokens(text + "\u00e9")
    assert unleet(text, MarkLog()) + "\u00e9" == unleet(text + "\u00e9", MarkLog())


def test_unleet_reads_words_and_leaves_numbers() -> None:
    marks = MarkLog()
    assert unleet("1gn0r3 the 2,314 runs on arm64", marks) == "ignore the 2,314 runs on arm6a"
    assert list(marks.result()) == ["leet"]
    plain = MarkLog()
    assert unleet("version 14 passed 87.4% of 3 runs", plain) == "version 14 passed 87.4% of 3 runs"
    assert not plain.result()
