"""The judge's answer is read strictly: exactly the verdict object, or a named failure."""

from __future__ import annotations

import json

import pytest
from fake_openai import completion
from hypothesis import given
from hypothesis import strategies as st

from aimds.judge import JudgeFailed, parse_completion, parse_verdict

GOOD = [
    ('{"verdict": "attack", "confidence": 0.9, "reason": "planted instruction"}', "attack", 0.9),
    ('{"verdict": "benign", "confidence": 1, "reason": ""}', "benign", 1.0),
    ('{"verdict": "benign", "confidence": 0}', "benign", 0.0),  # reason may be left out
    ('  \n{"verdict": "attack", "confidence": 0.5, "reason": "x"}\n ', "attack", 0.5),
    ('```json\n{"verdict": "attack", "confidence": 0.7, "reason": "x"}\n```', "attack", 0.7),
    ('```\n{"verdict": "benign", "confidence": 0.2, "reason": "x"}\n```', "benign", 0.2),
]


@pytest.mark.parametrize(("content", "verdict", "confidence"), GOOD)
def test_good_answers_are_read(content: str, verdict: str, confidence: float) -> None:
    answer = parse_verdict(content)
    assert (answer.verdict, answer.confidence) == (verdict, confidence)


BAD = {
    "prose": "This looks like an attack.",
    "prose around the object": 'Sure! {"verdict": "attack", "confidence": 0.9, "reason": "x"}',
    "two objects": '{"verdict": "attack", "confidence": 0.9} {"verdict": "benign"}',
    "array": '[{"verdict": "attack", "confidence": 0.9}]',
    "wrong verdict word": '{"verdict": "malicious", "confidence": 0.9, "reason": "x"}',
    "verdict in capitals": '{"verdict": "ATTACK", "confidence": 0.9, "reason": "x"}',
    "missing verdict": '{"confidence": 0.9, "reason": "x"}',
    "missing confidence": '{"verdict": "attack", "reason": "x"}',
    "confidence as string": '{"verdict": "attack", "confidence": "0.9", "reason": "x"}',
    "confidence boolean": '{"verdict": "attack", "confidence": true, "reason": "x"}',
    "confidence above 1": '{"verdict": "attack", "confidence": 1.5, "reason": "x"}',
    "confidence negative": '{"verdict": "attack", "confidence": -0.1, "reason": "x"}',
    "confidence NaN": '{"verdict": "attack", "confidence": NaN, "reason": "x"}',
    "unknown key": '{"verdict": "benign", "confidence": 0.9, "reason": "x", "note": "y"}',
    "repeated key": '{"verdict": "attack", "verdict": "benign", "confidence": 0.9}',
    "reason not a string": '{"verdict": "attack", "confidence": 0.9, "reason": ["x"]}',
    "unclosed fence": '```json\n{"verdict": "attack", "confidence": 0.9}',
    "truncated": '{"verdict": "attack", "confid',
}


@pytest.mark.parametrize("content", list(BAD.values()), ids=list(BAD))
def test_bad_answers_fail_as_bad_answer(content: str) -> None:
    with pytest.raises(JudgeFailed) as caught:
        parse_verdict(content)
    assert caught.value.reason == "bad_answer"


def test_failure_messages_never_quote_the_content() -> None:
    canary = "CANARY-7f3a-secret"
    for content in (
        canary,
        json.dumps({"verdict": canary, "confidence": 0.5}),
        json.dumps({"verdict": "attack", "confidence": canary}),
        json.dumps({"verdict": "attack", "confidence": 0.5, canary: 1}),
    ):
        with pytest.raises(JudgeFailed) as caught:
            parse_verdict(content)
        assert canary not in str(caught.value)


def test_response_shapes() -> None:
    assert parse_completion(completion('{"verdict": "benign", "confidence": 1}')).verdict == (
        "benign"
    )
    cases = {
        b"<html>bad gateway</html>": "bad_answer",
        b"[]": "bad_answer",
        b'{"choices": []}': "bad_answer",
        b'{"choices": [{"message": "x"}]}': "bad_answer",
        completion(None): "bad_answer",
        completion(""): "bad_answer",
        completion(None, refusal="I can't help with that."): "refusal",
        completion('{"verdict": "benign", "confidence": 1}', finish_reason="content_filter"): (
            "refusal"
        ),
    }
    for body, reason in cases.items():
        with pytest.raises(JudgeFailed) as caught:
            parse_completion(body)
        assert caught.value.reason == reason, body


def test_reason_is_cleaned_and_bounded() -> None:
    answer = parse_verdict(
        json.dumps(
            {"verdict": "attack", "confidence": 1, "reason": "a\u202eb\x1b[31m\n" + "z" * 999}
        )
    )
    assert "\u202e" not in answer.reason and "\x1b" not in answer.reason
    assert len(answer.reason) <= 300


@given(st.text(max_size=300))
def test_any_content_is_an_answer_or_a_bad_answer(content: str) -> None:
    try:
        answer = parse_verdict(content)
    except JudgeFailed as exc:
        assert exc.reason == "bad_answer"
    else:
        assert answer.verdict in ("attack", "benign") and 0 <= answer.confidence <= 1


@given(st.binary(max_size=300))
def test_any_body_is_an_answer_or_a_named_failure(body: bytes) -> None:
    try:
        parse_completion(body)
    except JudgeFailed as exc:
        assert exc.reason in ("bad_answer", "refusal")


@given(
    st.sampled_from(["attack", "benign"]),
    st.floats(min_value=0, max_value=1),
    st.text(max_size=50),
)
def test_every_well_formed_answer_round_trips(verdict: str, confidence: float, reason: str) -> None:
    body = completion(json.dumps({"verdict": verdict, "confidence": confidence, "reason": reason}))
    answer = parse_completion(body)
    assert (answer.verdict, answer.confidence) == (verdict, confidence)
