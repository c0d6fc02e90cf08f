"""Word splitting by a character class: the ASCII fast path gives what ``re.findall`` gives."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.text.tokens import WordSplitter

_CLASSES = ["abcdefghijklmnopqrstuvwxyz0123456789_'", "abcdefghijklmnopqrstuvwxyz0123456789"]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_CLASSES),
    st.one_of(
        st.text(alphabet="ab_'9 .,-\t\n\x0b\x1cZ\u00e9\u0131\u00a0", max_size=40),
        st.text(max_size=40),
    ),
)
def test_words_are_the_regex_runs(chars: str, text: str) -> None:
    pattern = "[" + re.escape(chars) + "]+"
    assert WordSplitter(chars).words(text) == re.findall(pattern, text)


def test_words_of_prose() -> None:
    words = WordSplitter("abcdefghijklmnopqrstuvwxyz0123456789_'").words
    assert words("don't re-send it_now, ok?") == ["don't", "re", "send", "it_now", "ok"]
    assert words("Caf\u00e9 r\u00e9sum\u00e9 da") == ["af", "r", "sum", "da"]
    assert words("") == []


@pytest.mark.parametrize("chars", ["", "a b", "\u00e9", "a\x00"])
def test_a_word_class_is_printable_ascii(chars: str) -> None:
    with pytest.raises(ValueError, match="printable ASCII"):
        WordSplitter(chars)
