"""Chat Completions bodies as guard events, with mitigations written back in place.

Request: ``system``, ``developer`` and ``user`` messages are prompts, ``tool`` (and legacy
``function``) messages tool results (named by the assistant tool call they answer);
assistant turns of the history were answers already checked when they were produced and
are passed as they are. Response: the answer's content is a completion and each of its
tool calls a tool_call event. Redacted or spotlighted text replaces the original in place;
a stopped answer is replaced by ``[blocked by AIMDS: RULE_IDS]`` with
``finish_reason: "content_filter"``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aimds.errors import InputError
from aimds.integrations.openai_format import tool_call_parts
from aimds.types import Decision, Event, EventKind, Subject

__all__ = [
    "Check",
    "Stopped",
    "blocked_text",
    "check_request",
    "check_response",
    "check_tool_call",
    "error_body",
]

Check = Callable[[Event], Decision]

_PROMPT_ROLES = frozenset({"system", "developer", "user"})


@dataclass(frozen=True, slots=True)
class Stopped:
    """A check stopped the exchange; ``where`` names the message or choice."""

    decision: Decision
    where: str


def blocked_text(decision: Decision) -> str:
    return f"[blocked by AIMDS: {', '.join(decision.rules) or decision.verdict.value}]"


def error_body(stopped: Stopped) -> dict[str, Any]:
    """The HTTP 400 body of a stopped request (the contract of ARCHITECTURE.md)."""
    decision = stopped.decision
    rules = ", ".join(decision.rules) or "no rule"
    return {
        "error": {
            "type": "aimds_blocked",
            "code": decision.verdict.value,
            "message": f"{stopped.where} stopped by AIMDS ({decision.verdict.value}): {rules}; "
            f"decision {decision.id}",
            "param": None,
        }
    }


def check_request(body: Mapping[str, Any], check: Check, subject: Subject) -> Stopped | None:
    """Check every prompt and tool result of ``body["messages"]``, mitigating in place."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise InputError("messages: expected a list of chat messages")
    tool_names: dict[str, str] = {}
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            raise InputError(f"messages[{i}]: expected an object")
        role = message.get("role")
        if role == "assistant":
            for call in message.get("tool_calls") or ():
                if isinstance(call, dict) and isinstance(call.get("function"), dict):
                    tool_names[str(call.get("id"))] = str(call["function"].get("name") or "")
            continue
        if role in _PROMPT_ROLES:
            kind, tool = EventKind.PROMPT, None
        elif role == "tool":
            kind = EventKind.TOOL_RESULT
            tool = tool_names.get(str(message.get("tool_call_id")), "unknown_tool")
        elif role == "function":  # the legacy form of a tool result
            kind, tool = EventKind.TOOL_RESULT, str(message.get("name") or "unknown_tool")
        else:
            continue
        stopped = _check_content(message, kind, tool, check, subject, f"messages[{i}]")
        if stopped is not None:
            return stopped
    return None


def _check_content(
    message: dict[str, Any],
    kind: EventKind,
    tool: str | None,
    check: Check,
    subject: Subject,
    where: str,
) -> Stopped | None:
    content = message.get("content")
    if isinstance(content, str):
        decision = check(Event(kind=kind, subject=subject, text=content, tool=tool))
        if not decision.allowed:
            return Stopped(decision, where)
        if decision.text is not None:
            message["content"] = decision.text
        return None
    if isinstance(content, list):
        for j, part in enumerate(content):
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                decision = check(Event(kind=kind, subject=subject, text=part["text"], tool=tool))
                if not decision.allowed:
                    return Stopped(decision, f"{where}.content[{j}]")
                if decision.text is not None:
                    part["text"] = decision.text
        return None
    if content is not None:
        raise InputError(f"{where}.content: expected a string or a list of parts")
    return None


def check_tool_call(call: dict[str, Any], check: Check, subject: Subject) -> Decision:
    """Check one assistant tool call; redacted arguments replace the original ones."""
    function = call.get("function")
    if not isinstance(function, dict):
        function = {}
    name, args = tool_call_parts({"function": function})
    decision = check(Event(kind=EventKind.TOOL_CALL, subject=subject, tool=name, args=args))
    if decision.allowed and decision.args is not None:
        function["arguments"] = json.dumps(dict(decision.args), ensure_ascii=False)
    return decision


def check_response(body: dict[str, Any], check: Check, subject: Subject) -> None:
    """Check each choice of a non-streamed answer, mitigating it in place."""
    for choice in body.get("choices") or ():
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            continue
        stopped: Decision | None = None
        # content, refusal and any other text the provider adds (reasoning_content...)
        for key, value in list(message.items()):
            if key == "role" or not isinstance(value, str) or not value or stopped:
                continue
            decision = check(Event(kind=EventKind.COMPLETION, subject=subject, text=value))
            if not decision.allowed:
                stopped = decision
            elif decision.text is not None:
                message[key] = decision.text
        calls = [c for c in message.get("tool_calls") or () if isinstance(c, dict)]
        if isinstance(message.get("function_call"), dict):  # the legacy single call
            calls.append({"function": message["function_call"]})
        for call in calls:
            if stopped is None:
                decision = check_tool_call(call, check, subject)
                if not decision.allowed:
                    stopped = decision
        if stopped is not None:
            for key in [k for k, v in message.items() if k != "role" and isinstance(v, str)]:
                message[key] = None
            message["content"] = blocked_text(stopped)
            message.pop("tool_calls", None)
            message.pop("function_call", None)
            choice["finish_reason"] = "content_filter"
