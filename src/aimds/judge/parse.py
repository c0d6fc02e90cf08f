"""Strict reading of a chat completion into a :class:`~aimds.judge.base.JudgeAnswer`.

The answer's content must be exactly one JSON object ``{"verdict": "attack" | "benign",
"confidence": 0..1, "reason": "..."}`` (``reason`` may be left out), optionally wrapped in
one Markdown code fence, which many local models add even when told not to. Anything else
fails with :class:`~aimds.judge.base.JudgeFailed` (``bad_answer``): prose around the object,
unknown or repeated keys, a verdict in other words or case, a confidence that is a boolean,
a string, NaN or outside 0..1. A model that refuses (a ``refusal`` field, or
``finish_reason: content_filter``) fails with ``refusal``. Failures describe the shape of
what was wrong, never the content itself (it may quote the reviewed text).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from aimds.judge.base import JudgeAnswer, JudgeFailed

__all__ = ["MAX_REASON_CHARS", "parse_completion", "parse_verdict"]

MAX_REASON_CHARS = 300
_FENCE = re.compile(r"\A```(?:json|JSON)?[ \t]*\n(?P<body>.*)\n```\Z", re.S)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]+")
_KEYS = frozenset({"verdict", "confidence", "reason"})


def parse_completion(body: bytes | str) -> JudgeAnswer:
    """The verdict in an OpenAI chat completion response body."""
    data = _loads(body, "the response body")
    if not isinstance(data, dict):
        raise JudgeFailed("bad_answer", f"the response body is a JSON {_kind(data)}, not an object")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise JudgeFailed("bad_answer", "the response has no choices[0] object")
    choice = choices[0]
    message = choice.get("message")
    if not isinstance(message, dict):
        raise JudgeFailed("bad_answer", "choices[0] has no message object")
    refusal = message.get("refusal")
    if isinstance(refusal, str) and refusal.strip():
        raise JudgeFailed("refusal", "the model refused (message.refusal is set)")
    if choice.get("finish_reason") == "content_filter":
        raise JudgeFailed("refusal", "the provider filtered the answer (content_filter)")
    content = message.get("content")
    if not isinstance(content, str) or not content.strip():
        raise JudgeFailed("bad_answer", "message.content is empty or not a string")
    return parse_verdict(content)


def parse_verdict(content: str) -> JudgeAnswer:
    """The verdict object in a message's content (see the module docstring)."""
    text = content.strip()
    fenced = _FENCE.match(text)
    if fenced is not None:
        text = fenced.group("body").strip()
    obj = _loads(text, "message.content")
    if not isinstance(obj, dict):
        raise JudgeFailed("bad_answer", f"message.content is a JSON {_kind(obj)}, not an object")
    extra = len(set(obj) - _KEYS)
    if extra:  # counted, not named: a key may be a piece of the reviewed text
        raise JudgeFailed(
            "bad_answer", f"{extra} key(s) other than verdict, confidence, reason in the answer"
        )
    verdict = obj.get("verdict")
    if verdict not in ("attack", "benign"):
        raise JudgeFailed(
            "bad_answer", f'verdict must be "attack" or "benign" (got a {_kind(verdict)})'
        )
    confidence = obj.get("confidence")
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, int | float)
        or not math.isfinite(confidence)
        or not 0.0 <= confidence <= 1.0
    ):
        got = _kind(confidence)
        got = "number outside 0..1" if got == "number" else got
        raise JudgeFailed("bad_answer", f"confidence must be a number from 0 to 1 (got a {got})")
    reason = obj.get("reason", "")
    if not isinstance(reason, str):
        raise JudgeFailed("bad_answer", f"reason must be a string (got a {_kind(reason)})")
    return JudgeAnswer(verdict=verdict, confidence=float(confidence), reason=clean_reason(reason))


def clean_reason(reason: str) -> str:
    """The model's reason as safe display text: control, bidi and zero-width characters
    become spaces, length bounded."""
    cleaned = " ".join(_CONTROL.sub(" ", reason).split())
    if len(cleaned) > MAX_REASON_CHARS:
        cleaned = cleaned[: MAX_REASON_CHARS - 1] + "…"
    return cleaned


def _loads(text: bytes | str, what: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except JudgeFailed:
        raise
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise JudgeFailed("bad_answer", f"{what} is not valid JSON") from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JudgeFailed("bad_answer", "a key is repeated in a JSON object")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise JudgeFailed("bad_answer", f"{name} is not a JSON number")


def _kind(value: Any) -> str:
    """The JSON type of ``value``, for messages that must not quote it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
