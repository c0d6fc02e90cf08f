"""``POST /beta/litellm_basic_guardrail_api``: LiteLLM's Generic Guardrail API.

LiteLLM's proxy (``guardrail: generic_guardrail_api``, ``api_base`` = this service) posts
the texts it extracted from a call, before the model (``input_type: request``) and after it
(``response``), and reads back one of three actions:

* ``BLOCKED`` with ``blocked_reason`` (the verdict and rule ids): LiteLLM rejects the call;
* ``GUARDRAIL_INTERVENED`` with ``texts``: the same list, redacted or spotlighted in place;
* ``NONE``: nothing to change.

Request texts are prompts, except those ``structured_messages`` marks as ``tool`` results
(tool results) or ``assistant`` turns (completions); response texts are completions and
response ``tool_calls`` tool-call events. ``review`` counts as ``BLOCKED``: LiteLLM has no
way to wait for a human, and the approval request stays in the queue for the record.

Who acts: an agent credential (give LiteLLM one per gateway) acts as itself. With an admin
credential the LiteLLM virtual key's alias (``request_data.user_api_key_alias``) names the
agent, so one abusive virtual key loses trust alone. The trace id is the session; the
tenant is always the credential's.
The request model ignores fields it does not know, because LiteLLM adds fields to this
body between releases; the response model is strict.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from aimds.integrations.openai_format import content_texts, tool_call_parts
from aimds.server.auth import Principal, Role
from aimds.server.deps import Caller, FastJSON, state_of, subject_for
from aimds.server.models import SubjectIn
from aimds.server.routes_check import build_event, judge
from aimds.types import Decision, EventKind, Verdict

__all__ = ["LiteLLMGuardrailIn", "LiteLLMGuardrailOut", "router"]

router = APIRouter(tags=["litellm"])

_UNSAFE = re.compile(r"[^A-Za-z0-9_.:@-]")


class LiteLLMGuardrailIn(BaseModel):
    """LiteLLM's ``GenericGuardrailAPIRequest`` (the fields AIMDS reads)."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "input_type": "request",
                    "litellm_call_id": "c1",
                    "litellm_trace_id": "t1",
                    "texts": ["What is the capital of France?"],
                    "request_data": {"user_api_key_alias": "support-bot"},
                }
            ]
        },
    )

    input_type: Literal["request", "response"] = Field(
        description="`request`: before the model (prompts, tool results); `response`: after it."
    )
    litellm_call_id: str | None = Field(
        default=None, max_length=256, description="LiteLLM's id of this LLM call (audited)."
    )
    litellm_trace_id: str | None = Field(
        default=None, max_length=256,
        description="LiteLLM's trace id; AIMDS uses it as the session.",
    )
    texts: list[str] | None = Field(
        default=None, max_length=1000, description="The texts LiteLLM extracted, in order."
    )
    images: list[str] | None = Field(
        default=None, description="Images (URLs or base64); not inspected by AIMDS."
    )
    tools: list[dict[str, Any]] | None = Field(
        default=None, description="Tool definitions offered to the model; not inspected."
    )
    tool_calls: list[dict[str, Any]] | None = Field(
        default=None, max_length=1000,
        description="The model's tool calls (response): each checked as a tool_call event.",
    )
    structured_messages: list[dict[str, Any]] | None = Field(
        default=None,
        description="The chat messages; their roles tell tool results and assistant turns apart.",
    )
    request_data: dict[str, Any] = Field(
        default_factory=dict,
        description="LiteLLM key metadata (`user_api_key_alias` names the agent).",
    )
    additional_provider_specific_params: dict[str, Any] | None = Field(
        default=None, description="Parameters from the LiteLLM config; ignored."
    )
    model: str | None = Field(default=None, description="The model LiteLLM calls.")


class LiteLLMGuardrailOut(BaseModel):
    """LiteLLM's ``GenericGuardrailAPIResponse``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"action": "NONE"},
                {"action": "GUARDRAIL_INTERVENED", "texts": ["my key is <OPENAI_KEY_1>"]},
                {
                    "action": "BLOCKED",
                    "blocked_reason": "AIMDS block (texts[0]): injection.override; decision 9f2c",
                },
            ]
        },
    )

    action: Literal["BLOCKED", "NONE", "GUARDRAIL_INTERVENED"] = Field(
        description="BLOCKED: reject the call; GUARDRAIL_INTERVENED: use `texts`; NONE: as is."
    )
    blocked_reason: str | None = Field(
        default=None, description="With BLOCKED: the verdict, where, the rule ids and decision."
    )
    texts: list[str] | None = Field(
        default=None, description="With GUARDRAIL_INTERVENED: every text, mitigated in place."
    )


@router.post(
    "/beta/litellm_basic_guardrail_api",
    response_model=LiteLLMGuardrailOut,
    response_model_exclude_none=True,
    response_class=FastJSON,
)
async def litellm_guardrail(body: LiteLLMGuardrailIn, request: Request, who: Caller) -> Any:
    """LiteLLM Generic Guardrail API: check a call's texts and tool calls, answer an action."""
    state = state_of(request)
    subject = _subject(who, body)
    meta = {"source": "litellm", "litellm_call_id": body.litellm_call_id}
    texts = list(body.texts or ())
    kinds = _text_kinds(body, texts)
    changed = False
    for i, (text, (kind, tool)) in enumerate(zip(texts, kinds, strict=True)):
        event = build_event(who, kind, subject, text=text, tool=tool, meta=meta)
        decision = await judge(state, event, 0)
        if not decision.allowed:
            return FastJSON(_blocked(decision, f"texts[{i}]"))
        if decision.text is not None and decision.text != text:
            texts[i] = decision.text
            changed = True
    if body.input_type == "response":
        for i, call in enumerate(body.tool_calls or ()):
            name, args = tool_call_parts(call)
            event = build_event(who, "tool_call", subject, tool=name, args=args, meta=meta)
            decision = await judge(state, event, 0)
            if not decision.allowed:
                return FastJSON(_blocked(decision, f"tool_calls[{i}]"))
    if changed:
        return FastJSON({"action": "GUARDRAIL_INTERVENED", "texts": texts})
    return FastJSON({"action": "NONE"})


def _blocked(decision: Decision, where: str) -> dict[str, Any]:
    rules = ", ".join(decision.rules) or "no rule"
    verdict = decision.verdict.value
    reason = f"AIMDS {verdict} ({where}): {rules}; decision {decision.id}"
    if decision.verdict is Verdict.REVIEW and decision.approval:
        reason += f"; approval request {decision.approval}"
    return {"action": "BLOCKED", "blocked_reason": reason}


def _name(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    return _UNSAFE.sub("_", value)[:128]


def _subject(who: Principal, body: LiteLLMGuardrailIn) -> SubjectIn:
    data = body.request_data
    bound = who.role is Role.AGENT and who.agent is not None
    agent = None if bound else (_name(data.get("user_api_key_alias")) or "litellm")
    user = data.get("user_api_key_end_user_id") or data.get("user_api_key_user_id")
    subject = SubjectIn.model_construct(
        tenant=None,
        agent=agent,
        role=None,
        session=_name(body.litellm_trace_id),
        user=user if isinstance(user, str) else None,
    )
    subject_for(who, subject)  # 403 for approvers and auditors, before any text is judged
    return subject


def _text_kinds(body: LiteLLMGuardrailIn, texts: list[str]) -> list[tuple[str, str | None]]:
    """Each text's event kind (and tool, for tool results), from the structured messages."""
    if body.input_type == "response":
        return [("completion", None)] * len(texts)
    roles: dict[str, tuple[str, str | None]] = {}
    tool_names: dict[str, str] = {}
    for message in body.structured_messages or ():
        role = message.get("role")
        for call in message.get("tool_calls") or ():
            if isinstance(call, dict) and isinstance(call.get("function"), dict):
                tool_names[str(call.get("id"))] = str(call["function"].get("name") or "")
        for content in content_texts(message.get("content")):
            if role == "tool":
                tool = tool_names.get(str(message.get("tool_call_id")), "unknown_tool")
                roles.setdefault(content, (EventKind.TOOL_RESULT.value, tool))
            elif role == "assistant":
                roles.setdefault(content, (EventKind.COMPLETION.value, None))
    return [roles.get(text, (EventKind.PROMPT.value, None)) for text in texts]

