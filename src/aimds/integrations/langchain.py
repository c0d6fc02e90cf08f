"""LangChain 1.x: :class:`GuardMiddleware` for ``create_agent`` and :func:`guard_tool`.

``create_agent(model, tools, middleware=[GuardMiddleware(guard)])`` puts the guard on every
step of the agent loop:

* ``before_model``: the new human messages of the turn are prompts; a redacted one is
  replaced in place, a stopped one ends the run with ``[blocked by AIMDS: RULE_IDS]``;
* ``wrap_tool_call``: the call is checked before the tool runs (a stopped call never runs
  and the model sees an error tool message naming the verdict and rule ids; redacted
  arguments are passed on), then the result is checked as a tool result: a stopped result
  is replaced by the block notice, a redacted or spotlighted one by the guard's text, so an
  injected result never reaches the model unmarked;
* ``after_model``: the answer is a completion (redacted in place, or replaced by the block
  notice with its tool calls dropped).

``review`` on a tool call: ``on_review="block"`` (default) treats it as a block;
``"wait"`` waits up to ``review_wait_s`` for a human to decide the approval request;
``"interrupt"`` pauses the graph with a LangGraph ``interrupt`` (needs a checkpointer)
carrying the approval id, and on resume runs the tool only if the approval request was
approved in the AIMDS queue (the resume value itself is not trusted).

Who acts: ``subject=`` or the innermost ``aimds.acting_as`` block.
Needs ``pip install 'aimds[langchain]'``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from aimds.errors import ConfigError, MissingExtraError
from aimds.integrations.context import current_subject
from aimds.integrations.decorator import result_text
from aimds.respond.approvals import queue_of, resolved_decision
from aimds.types import Decision, Event, EventKind, Subject, Verdict

try:
    from langchain.agents.middleware import AgentMiddleware, hook_config
    from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
    from langchain_core.tools import BaseTool, StructuredTool, ToolException
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise MissingExtraError("langchain", exc.name or "langchain") from None

if TYPE_CHECKING:
    from aimds.guard import Guard

__all__ = ["GuardMiddleware", "guard_tool"]

OnReview = Literal["block", "wait", "interrupt"]


def notice(decision: Decision) -> str:
    """What the model (or user) sees instead of a stopped message."""
    rules = ", ".join(decision.rules) or decision.verdict.value
    return f"[blocked by AIMDS: {rules}]"


class GuardMiddleware(AgentMiddleware):
    """Checks prompts, tool calls, tool results and answers of a ``create_agent`` agent."""

    def __init__(
        self,
        guard: Guard,
        *,
        subject: Subject | None = None,
        on_review: OnReview = "block",
        review_wait_s: float = 300.0,
    ) -> None:
        super().__init__()
        if on_review not in ("block", "wait", "interrupt"):
            raise ConfigError(
                f"on_review must be 'block', 'wait' or 'interrupt', got {on_review!r}"
            )
        self.guard = guard
        self.subject = subject
        self.on_review = on_review
        self.review_wait_s = review_wait_s
        # tool call id -> the review decision an interrupt is waiting on (resume re-runs)
        self._paused: dict[str, Decision] = {}

    # -- prompts -----------------------------------------------------------------------

    @hook_config(can_jump_to=["end"])
    def before_model(self, state: Any, runtime: Any) -> dict[str, Any] | None:
        return self._prompts(state, self.guard.check)

    @hook_config(can_jump_to=["end"])
    async def abefore_model(self, state: Any, runtime: Any) -> dict[str, Any] | None:
        return await asyncio.to_thread(self._prompts, state, self.guard.check)

    def _prompts(self, state: Any, check: Callable[[Event], Decision]) -> dict[str, Any] | None:
        who = current_subject(self.subject)
        replaced: list[BaseMessage] = []
        for message in _turn(state["messages"]):
            if not isinstance(message, HumanMessage) or not isinstance(message.content, str):
                continue
            decision = check(Event(kind=EventKind.PROMPT, subject=who, text=message.content))
            if not decision.allowed:
                return {"messages": [AIMessage(content=notice(decision))], "jump_to": "end"}
            if decision.text is not None and decision.text != message.content:
                replaced.append(HumanMessage(content=decision.text, id=message.id))
        return {"messages": replaced} if replaced else None

    # -- answers -----------------------------------------------------------------------

    @hook_config(can_jump_to=["end"])
    def after_model(self, state: Any, runtime: Any) -> dict[str, Any] | None:
        return self._answer(state)

    @hook_config(can_jump_to=["end"])
    async def aafter_model(self, state: Any, runtime: Any) -> dict[str, Any] | None:
        return await asyncio.to_thread(self._answer, state)

    def _answer(self, state: Any) -> dict[str, Any] | None:
        messages = state["messages"]
        last = messages[-1] if messages else None
        if not isinstance(last, AIMessage) or not isinstance(last.content, str) or not last.content:
            return None
        who = current_subject(self.subject)
        decision = self.guard.check(
            Event(kind=EventKind.COMPLETION, subject=who, text=last.content)
        )
        if not decision.allowed:
            stopped = AIMessage(content=notice(decision), id=last.id)
            return {"messages": [stopped], "jump_to": "end"}
        if decision.text is not None and decision.text != last.content:
            return {"messages": [last.model_copy(update={"content": decision.text})]}
        return None

    # -- tools -------------------------------------------------------------------------

    def wrap_tool_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
        who = current_subject(self.subject)
        call = request.tool_call
        decision = self._admit(call, who)
        if not decision.allowed:
            return _stopped(call, decision)
        if decision.verdict is Verdict.REDACT and decision.args is not None:
            request = request.override(tool_call={**call, "args": dict(decision.args)})
        return self._screen(handler(request), call, who)

    async def awrap_tool_call(
        self, request: Any, handler: Callable[[Any], Awaitable[Any]]
    ) -> Any:
        who = current_subject(self.subject)
        call = request.tool_call
        decision = await asyncio.to_thread(self._admit, call, who)
        if not decision.allowed:
            return _stopped(call, decision)
        if decision.verdict is Verdict.REDACT and decision.args is not None:
            request = request.override(tool_call={**call, "args": dict(decision.args)})
        return await asyncio.to_thread(self._screen, await handler(request), call, who)

    def _admit(self, call: Any, who: Subject) -> Decision:
        if self.on_review == "interrupt" and call.get("id") in self._paused:
            # LangGraph re-runs the tool node on resume: answer from the first check.
            return self._interrupt(call, self._paused[call["id"]])
        event = Event(
            kind=EventKind.TOOL_CALL, subject=who, tool=call["name"], args=call.get("args") or {}
        )
        wait = self.review_wait_s if self.on_review == "wait" else None
        decision = self.guard.check(event, wait_for_approval=wait)
        if decision.verdict is Verdict.REVIEW and self.on_review == "interrupt":
            self._paused[call["id"]] = decision
            decision = self._interrupt(call, decision)
        return decision

    def _interrupt(self, call: Any, decision: Decision) -> Decision:
        from langgraph.types import interrupt

        interrupt(  # raises to pause the graph; returns the resume value once resumed
            {
                "aimds": "review",
                "approval": decision.approval,
                "tool": call["name"],
                "rules": list(decision.rules),
                "decision": decision.id,
            }
        )
        # Resumed: the AIMDS approvals queue, not the resume value, says what happens.
        self._paused.pop(call.get("id"), None)
        queue = queue_of(self.guard.services)
        request = queue.get(decision.approval) if queue and decision.approval else None
        if request is None or request.pending:
            return decision
        return resolved_decision(decision, request)

    def _screen(self, result: Any, call: Any, who: Subject) -> Any:
        if not isinstance(result, ToolMessage):
            return result  # a Command: state updates, not text the model reads
        event = Event(
            kind=EventKind.TOOL_RESULT, subject=who, tool=call["name"],
            text=_content_text(result.content),
        )
        decision = self.guard.check(event)
        if not decision.allowed:
            return result.model_copy(update={"content": notice(decision), "status": "error"})
        if decision.text is not None:
            return result.model_copy(update={"content": decision.text})
        return result


def _turn(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """The messages after the last answer: this turn's new input."""
    out: list[BaseMessage] = []
    for message in reversed(messages):
        if isinstance(message, AIMessage):
            break
        out.append(message)
    return out[::-1]


def _stopped(call: Any, decision: Decision) -> ToolMessage:
    text = f"{notice(decision)} the tool {call['name']!r} was not run ({decision.verdict.value})"
    return ToolMessage(content=text, tool_call_id=call["id"], name=call["name"], status="error")


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text", "") if isinstance(p, dict) else str(p) for p in content]
        return "\n".join(parts)
    return json.dumps(content, default=str)


def guard_tool(
    guard: Guard,
    tool: BaseTool,
    *,
    subject: Subject | None = None,
) -> StructuredTool:
    """``tool`` guarded for code without ``create_agent``: the call is checked before it
    runs, the result after; a stopped call or result becomes a ``ToolException`` whose
    message (verdict and rule ids) the model sees as the tool's answer."""

    def admit(kwargs: dict[str, Any]) -> dict[str, Any]:
        decision = guard.check(
            Event(kind=EventKind.TOOL_CALL, subject=current_subject(subject), tool=tool.name,
                  args=kwargs)
        )
        if not decision.allowed:
            raise ToolException(f"{notice(decision)} the tool {tool.name!r} was not run")
        if decision.verdict is Verdict.REDACT and decision.args is not None:
            return dict(decision.args)
        return kwargs

    def screen(result: Any) -> Any:
        decision = guard.check(
            Event(kind=EventKind.TOOL_RESULT, subject=current_subject(subject), tool=tool.name,
                  text=result_text(result))
        )
        if not decision.allowed:
            raise ToolException(f"{notice(decision)} the result of {tool.name!r} was withheld")
        return decision.text if decision.text is not None else result

    def run(**kwargs: Any) -> Any:
        return screen(tool.invoke(admit(kwargs)))

    async def arun(**kwargs: Any) -> Any:
        return screen(await tool.ainvoke(admit(kwargs)))

    return StructuredTool.from_function(
        func=run,
        coroutine=arun,
        name=tool.name,
        description=tool.description,
        args_schema=tool.args_schema,
        handle_tool_error=True,
    )
