"""Detector levels turn a score into a verdict: never weaker for a higher score, and a level
above 1.0 switches its verdict off."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aimds.policy.sections.detectors import Levels
from aimds.types import Verdict

_RANK = {None: 0, Verdict.WARN: 1, Verdict.REVIEW: 2, Verdict.BLOCK: 3}
_SCORE = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@given(st.lists(st.floats(min_value=0.0, max_value=1.01), min_size=3, max_size=3), _SCORE, _SCORE)
def test_a_higher_score_never_gets_a_weaker_verdict(cuts: list[float], a: float, b: float) -> None:
    warn, review, block = sorted(cuts)
    levels = Levels(warn=warn, review=review, block=block)
    low, high = sorted((a, b))
    assert _RANK[levels.verdict_for(low)] <= _RANK[levels.verdict_for(high)]


def test_each_level_is_inclusive_and_above_one_is_off() -> None:
    levels = Levels(warn=0.2, review=0.6, block=1.01)
    assert levels.verdict_for(0.19) is None
    assert levels.verdict_for(0.2) is Verdict.WARN
    assert levels.verdict_for(0.6) is Verdict.REVIEW
    assert levels.verdict_for(1.0) is Verdict.REVIEW
