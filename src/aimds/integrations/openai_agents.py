"""OpenAI Agents SDK: input, output and tool guardrails backed by an AIMDS guard.

``protect(agent, guard)`` returns a clone of ``agent`` with:

* an input guardrail that runs *before* the agent starts (``run_in_parallel=False``, so a
  stopped prompt never reaches the model): user, system and developer messages are prompts,
  ``function_call_output`` items tool results;
* an output guardrail on the final answer (a completion);
* on every function tool, a tool input guardrail (the call is checked before the tool runs;
  a stopped call is not run and the model gets a message naming the verdict and rule ids)
  and a tool output guardrail (a stopped result is replaced by that message, a redacted or
  spotlighted one by the guard's text, so the model never sees it unmarked).

The SDK's input and output guardrails can stop a run (``...TripwireTriggered``) but cannot
rewrite text. A ``redact`` verdict there trips the wire too unless ``strict=False``: the
redaction cannot be applied, and an unredacted secret would reach the model provider or
the user. ``output_info`` of every guardrail result holds the verdict, rule ids and
decision id. ``review`` is a block unless ``wait_for_approval`` gives seconds to wait for a
human. Who acts: ``subject=``, else the innermost ``aimds.acting_as``, else an agent named
after the SDK agent. Needs ``pip install 'aimds[agents]'``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from aimds.errors import MissingExtraError
from aimds.integrations.context import current_subject
from aimds.integrations.decorator import result_text
from aimds.integrations.openai_format import content_texts
from aimds.types import DEFAULT_SUBJECT, Decision, Event, EventKind, Subject, Verdict

try:
    from agents import (
        Agent,
        FunctionTool,
        GuardrailFunctionOutput,
        InputGuardrail,
        OutputGuardrail,
        RunContextWrapper,
        ToolGuardrailFunctionOutput,
        ToolInputGuardrail,
        ToolInputGuardrailData,
        ToolOutputGuardrail,
        ToolOutputGuardrailData,
    )
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise MissingExtraError("agents", exc.name or "openai-agents") from None

if TYPE_CHECKING:
    from aimds.guard import Guard

__all__ = ["AimdsGuardrails", "protect"]

_PROMPT_ROLES = frozenset({"user", "system", "developer"})


def _info(decision: Decision) -> dict[str, Any]:
    return {
        "verdict": decision.verdict.value,
        "rules": list(decision.rules),
        "decision": decision.id,
        "approval": decision.approval,
    }


def _notice(decision: Decision) -> str:
    return f"[blocked by AIMDS: {', '.join(decision.rules) or decision.verdict.value}]"


class AimdsGuardrails:
    """The four guardrails for one guard; :func:`protect` attaches them to an agent."""

    def __init__(
        self,
        guard: Guard,
        *,
        subject: Subject | None = None,
        strict: bool = True,
        wait_for_approval: float | None = None,
    ) -> None:
        self.guard = guard
        self.subject = subject
        self.strict = strict
        self.wait = wait_for_approval
        self.input = InputGuardrail(
            guardrail_function=self._check_input, name="aimds_input", run_in_parallel=False
        )
        self.output = OutputGuardrail(guardrail_function=self._check_output, name="aimds_output")
        self.tool_input: ToolInputGuardrail[Any] = ToolInputGuardrail(
            guardrail_function=self._check_tool_input, name="aimds_tool_input"
        )
        self.tool_output: ToolOutputGuardrail[Any] = ToolOutputGuardrail(
            guardrail_function=self._check_tool_output, name="aimds_tool_output"
        )

    def _who(self, agent: Any) -> Subject:
        found = current_subject(self.subject)
        if found is DEFAULT_SUBJECT and getattr(agent, "name", None):
            return dataclasses.replace(DEFAULT_SUBJECT, agent=str(agent.name))
        return found

    async def _judge(self, event: Event) -> Decision:
        return await self.guard.acheck(event, wait_for_approval=self.wait)

    def _stops(self, decision: Decision) -> bool:
        return not decision.allowed or (self.strict and decision.verdict is Verdict.REDACT)

    async def _check_input(
        self, ctx: RunContextWrapper[Any], agent: Agent[Any], data: Any
    ) -> GuardrailFunctionOutput:
        who = self._who(agent)
        for kind, text, tool in _inputcontent_texts(data):
            decision = await self._judge(Event(kind=kind, subject=who, text=text, tool=tool))
            if self._stops(decision):
                return GuardrailFunctionOutput(output_info=_info(decision), tripwire_triggered=True)
        return GuardrailFunctionOutput(output_info={"verdict": "allow"}, tripwire_triggered=False)

    async def _check_output(
        self, ctx: RunContextWrapper[Any], agent: Agent[Any], output: Any
    ) -> GuardrailFunctionOutput:
        text = output if isinstance(output, str) else result_text(_plain(output))
        event = Event(kind=EventKind.COMPLETION, subject=self._who(agent), text=text)
        decision = await self._judge(event)
        return GuardrailFunctionOutput(
            output_info=_info(decision), tripwire_triggered=self._stops(decision)
        )

    async def _check_tool_input(self, data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
        tool = data.context.tool_name
        try:
            args = json.loads(data.context.tool_arguments or "{}")
        except ValueError:
            args = None
        if not isinstance(args, dict):
            args = {"arguments": data.context.tool_arguments}
        event = Event(kind=EventKind.TOOL_CALL, subject=self._who(data.agent), tool=tool, args=args)
        decision = await self._judge(event)
        if self._stops(decision):
            verdict = decision.verdict.value
            message = f"{_notice(decision)} the tool {tool!r} was not run ({verdict})"
            return ToolGuardrailFunctionOutput.reject_content(message, output_info=_info(decision))
        return ToolGuardrailFunctionOutput.allow(output_info=_info(decision))

    async def _check_tool_output(
        self, data: ToolOutputGuardrailData
    ) -> ToolGuardrailFunctionOutput:
        tool = data.context.tool_name
        event = Event(
            kind=EventKind.TOOL_RESULT, subject=self._who(data.agent), tool=tool,
            text=result_text(data.output),
        )
        decision = await self._judge(event)
        if not decision.allowed:
            message = f"{_notice(decision)} the result of {tool!r} was withheld"
            return ToolGuardrailFunctionOutput.reject_content(message, output_info=_info(decision))
        if decision.text is not None:  # redacted or spotlighted: the model gets this instead
            return ToolGuardrailFunctionOutput.reject_content(
                decision.text, output_info=_info(decision)
            )
        return ToolGuardrailFunctionOutput.allow(output_info=_info(decision))

    def attach(self, agent: Agent[Any]) -> Agent[Any]:
        """A clone of ``agent`` with these guardrails added (its own are kept)."""
        tools = [self._tool(t) for t in agent.tools]
        return agent.clone(
            input_guardrails=[*agent.input_guardrails, self.input],
            output_guardrails=[*agent.output_guardrails, self.output],
            tools=tools,
        )

    def _tool(self, tool: Any) -> Any:
        if not isinstance(tool, FunctionTool):
            return tool
        return dataclasses.replace(
            tool,
            tool_input_guardrails=[*(tool.tool_input_guardrails or ()), self.tool_input],
            tool_output_guardrails=[*(tool.tool_output_guardrails or ()), self.tool_output],
        )


def protect(
    agent: Agent[Any],
    guard: Guard,
    *,
    subject: Subject | None = None,
    strict: bool = True,
    wait_for_approval: float | None = None,
) -> Agent[Any]:
    """``agent`` with AIMDS input, output and tool guardrails (see the module docstring)."""
    rails = AimdsGuardrails(
        guard, subject=subject, strict=strict, wait_for_approval=wait_for_approval
    )
    return rails.attach(agent)


def _plain(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    return dump() if callable(dump) else value


def _inputcontent_texts(data: Any) -> Iterable[tuple[EventKind, str, str | None]]:
    """(kind, text, tool) for each checkable piece of an agent's input."""
    if isinstance(data, str):
        yield EventKind.PROMPT, data, None
        return
    names: dict[str, str] = {}
    for item in data or ():
        item = _plain(item)
        if not isinstance(item, dict):
            continue
        if item.get("type") == "function_call":
            names[str(item.get("call_id"))] = str(item.get("name") or "")
        elif item.get("type") == "function_call_output":
            tool = names.get(str(item.get("call_id")), "unknown_tool")
            yield EventKind.TOOL_RESULT, result_text(item.get("output")), tool
        elif item.get("role") in _PROMPT_ROLES:
            for text in content_texts(item.get("content")):
                yield EventKind.PROMPT, text, None

