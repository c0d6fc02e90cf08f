"""The judge's prompt: whatever the reviewed text holds, it stays one JSON string value."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from aimds.judge import JudgeRequest
from aimds.judge.prompt import SYSTEM_PROMPT, build_messages, clip


@given(text=st.text(max_size=3000), task=st.none() | st.text(max_size=500))
def test_any_text_stays_inside_its_field(text: str, task: str | None) -> None:
    request = JudgeRequest(kind="tool_result", text=text, task=task, tool="fetch_url")
    messages = build_messages(request, max_chars=1000)
    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[0]["content"] == SYSTEM_PROMPT
    case = json.loads(messages[1]["content"])
    assert set(case) == {"task", "kind", "tool", "action", "data"}
    assert case["kind"] == "tool_result" and case["tool"] == "fetch_url"
    assert case["data"] == clip(text, 1000)
    assert len(case["data"]) <= 1000
    messages[1]["content"].encode("utf-8")  # sendable, even with lone surrogates in the text


@given(text=st.text(min_size=1, max_size=5000), limit=st.integers(200, 2000))
def test_clip_keeps_short_texts_and_both_ends_of_long_ones(text: str, limit: int) -> None:
    out = clip(text, limit)
    sendable = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates become "?"
    assert len(out) <= limit
    if len(text) <= limit:
        assert out == sendable
    else:
        assert "characters cut" in out
        assert out.startswith(sendable[:100]) and out.endswith(sendable[-50:])
