"""The faster forms of the detectors' word and cut scans (issue 16: the content check of an
agent message) give exactly what the plain forms they replaced give, on any text."""

from __future__ import annotations

import functools
import operator
import re
import sys

import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.detectors import addressed, framed_requests
from aimds.detectors.sensitive_gate import Gated, _start_finder, ascii_view
from aimds.detectors.sentences import load_sentence_model

_PIECES = [
    *"aZ 9-—–,:;.#\t\n\x0b\u00a0\x1c\x1f",
    "a0a",
    "0a0",
    "n33d",
    "m4k3",
    "arm64",
    "mp3",
    "2nd",
    "ignore",
    ", and ",
    " -- ",
    "é",
    "ß",
    "İ",
]
texts = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
)


def _plain_leet_heavy(text: str) -> bool:
    """The reading before issue 16: one regex search per word (on ASCII text the detector
    now reads byte classes instead)."""
    words = text.split()
    mixed = sum(1 for w in words if framed_requests._LEET_SIGN.search(w) is not None)
    return mixed >= 3 and mixed * 5 >= len(words)


_PLAIN_PUNCT_CUT = re.compile(r"[,:]\s+|[—–-]+")


@settings(max_examples=400, deadline=None)
@given(texts)
def test_leet_heavy_equals_one_search_per_word(text: str) -> None:
    assert framed_requests._leet_heavy(text) == _plain_leet_heavy(text)
    assert framed_requests._leet_heavy(text.lower()) == _plain_leet_heavy(text.lower())


def test_leet_heavy_reads_leetspeak_and_leaves_prose() -> None:
    assert framed_requests._leet_heavy("y0u n33d t0 m4k3 1t")
    # hard negative: a few digit-letter words in ordinary prose
    prose = "the arm64 runners played an mp3 on the 2nd day of tests while the team wrote notes"
    assert not framed_requests._leet_heavy(prose)
    assert not framed_requests._leet_heavy("")


@settings(max_examples=400, deadline=None)
@given(texts)
def test_anchor_words_equal_the_token_regex(text: str) -> None:
    for t in (text, text.lower()):
        assert addressed._words(t) == frozenset(re.findall(r"[a-z0-9]+", t))


@settings(max_examples=400, deadline=None)
@given(texts)
def test_punct_cut_matches_the_two_branch_regex(text: str) -> None:
    fast = [m.span() for m in addressed._PUNCT_CUT.finditer(text)]
    assert fast == [m.span() for m in _PLAIN_PUNCT_CUT.finditer(text)]


def test_punct_cut_finds_commas_colons_and_dash_runs_only() -> None:
    spans = [m.group() for m in addressed._PUNCT_CUT.finditer("a, b: c -— d,e:f")]
    assert spans == [", ", ": ", "-—"]
    assert list(addressed._PUNCT_CUT.finditer("no separators here.")) == []


_GATES = [r"\d{3}", r"[a-z]+@[a-z]+", r"(\d)-(\d)", r"^x", r"y*"]


class _WrapperOnly:
    """A compiled gate as another ``re2`` build might hand it out: ``search`` only."""

    def __init__(self, pattern: str) -> None:
        self._compiled = re2.compile(pattern)

    def search(self, view: bytes, pos: int) -> object:
        return self._compiled.search(view, pos)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_GATES), texts, st.integers(0, 70))
def test_gate_start_equals_the_wrapper_search(gate: str, text: str, pos: int) -> None:
    view = ascii_view(text)
    pos = min(pos, len(view))
    found = re2.compile(gate).search(view, pos)
    expected = -1 if found is None else found.start()
    assert _start_finder(re2.compile(gate))(view, pos) == expected
    assert _start_finder(_WrapperOnly(gate))(view, pos) == expected


@settings(max_examples=300, deadline=None)
@given(texts)
def test_gated_finditer_equals_the_plain_regex(text: str) -> None:
    pattern = re.compile(r"(?<![0-9])[0-9]{3}-[0-9]{2}(?![0-9])")
    gated = Gated(pattern, r"[0-9]{3}-[0-9]{2}")
    got = [m.span() for m in gated.finditer(text, ascii_view(text))]
    assert got == [m.span() for m in pattern.finditer(text)]


_MODEL = load_sentence_model()
_FEATURES = sorted(_MODEL._weights)[:400] + ["w:never-a-feature", "len:short", "where:sentence"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FEATURES), max_size=120))
def test_sentence_decision_adds_the_weights_in_order(features: list[str]) -> None:
    weights = [_MODEL._weights.get(k, 0.0) for k in features]
    expected = _MODEL._bias + functools.reduce(operator.add, weights, 0.0)
    assert _MODEL.decision(features) == expected
    if sys.version_info < (3, 12):  # sum() of floats is that loop there (later: compensated)
        assert _MODEL.decision(features) == _MODEL._bias + sum(weights)
