"""The OpenAI chat format as the integrations read it: message content parts and tool calls.

Shared by the proxy, the LiteLLM guardrail route and the Agents SDK guardrails, which all
see OpenAI-shaped messages.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["content_texts", "tool_call_parts"]


def content_texts(content: Any) -> list[str]:
    """The texts of a message's ``content``: the string, or the ``text`` of each part."""
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        return [
            p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)
        ]
    return []


def tool_call_parts(call: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``(name, arguments)`` of a tool call; arguments that are not a JSON object are kept
    whole under ``arguments`` (still checked, never dropped)."""
    function = call.get("function")
    if not isinstance(function, dict):
        return str(call.get("name") or ""), {}
    raw = function.get("arguments") or "{}"
    try:
        args = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        args = None
    if not isinstance(args, dict):
        args = {"arguments": raw if isinstance(raw, str) else json.dumps(raw)}
    return str(function.get("name") or ""), args
