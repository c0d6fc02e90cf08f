"""``@guard.tool(name)``: check a function's call before it runs and scan what it returns.

``review`` or ``block`` on the call raises :class:`ActionBlocked` before the function runs;
``redact`` passes the redacted arguments. The result is checked as a ``tool_result``: a
blocked result raises :class:`ActionBlocked`, a redacted one is replaced by its redacted text.
The exception carries the reason: ``verdict``, ``rules``, ``messages`` and the ``decision``.

Who calls: ``subject=`` fixes the :class:`~aimds.Subject` for every call; without it the
subject of the innermost ``with aimds.acting_as(...)`` block is used (per thread and per
asyncio task), else the anonymous default subject.

``wait_for_approval=SECONDS``: a ``review`` verdict waits up to that long for a human to
approve or deny the approval request; approved calls run, denied or unanswered ones raise
(the exception names the pending request). Async functions wait off the event loop.

Where the policy sets a timeout for the tool (``budgets.timeouts`` / ``budgets.timeout_s``),
a call that runs longer raises :class:`ToolTimeout`: async functions are cancelled with
``asyncio.wait_for``; sync functions run in a daemon thread that is abandoned (Python cannot
kill a thread), so their side effects may still complete.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from aimds.errors import ActionBlocked, ConfigError, ToolTimeout
from aimds.integrations.context import current_subject
from aimds.rules.budgets import timeout_for
from aimds.types import Decision, Event, EventKind, Subject, Verdict

if TYPE_CHECKING:
    from aimds.guard import Guard

__all__ = ["guard_tool", "result_text"]

F = TypeVar("F", bound=Callable[..., Any])


def guard_tool(
    guard: Guard,
    name: str | None = None,
    *,
    subject: Subject | None = None,
    wait_for_approval: float | None = None,
) -> Callable[[F], F]:
    if wait_for_approval is not None and not wait_for_approval >= 0:
        raise ConfigError(
            f"wait_for_approval must be a number of seconds >= 0, got {wait_for_approval!r}"
        )

    def wrap(fn: F) -> F:
        tool = name or fn.__name__
        signature = inspect.signature(fn)
        timeout = timeout_for(guard.policy, tool)

        def bind(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return dict(bound.arguments)

        def call_event(call_args: dict[str, Any]) -> Event:
            return Event(
                kind=EventKind.TOOL_CALL,
                subject=current_subject(subject),
                tool=tool,
                args=call_args,
            )

        def result_event(result: Any, who: Subject) -> Event:
            return Event(
                kind=EventKind.TOOL_RESULT, subject=who, tool=tool, text=result_text(result)
            )

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                event = call_event(bind(args, kwargs))
                decision = await guard.acheck(event, wait_for_approval=wait_for_approval)
                call_args = _admitted(decision, event.args)
                if timeout is None:
                    result = await fn(**call_args)
                else:
                    try:
                        result = await asyncio.wait_for(fn(**call_args), timeout)
                    except TimeoutError:
                        raise ToolTimeout(tool, timeout) from None
                verdict = await guard.acheck(
                    result_event(result, event.subject), wait_for_approval=wait_for_approval
                )
                return _apply_result(verdict, result)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            event = call_event(bind(args, kwargs))
            decision = guard.check(event, wait_for_approval=wait_for_approval)
            call_args = _admitted(decision, event.args)
            if timeout is None:
                result = fn(**call_args)
            else:
                result = _run_with_timeout(fn, call_args, tool, timeout)
            verdict = guard.check(
                result_event(result, event.subject), wait_for_approval=wait_for_approval
            )
            return _apply_result(verdict, result)

        return wrapper  # type: ignore[return-value]

    return wrap


def result_text(value: Any) -> str:
    """Text of a tool result as the guard scans it: strings as they are, else JSON."""
    from aimds.guard import _as_text

    return _as_text(value)


def _admitted(decision: Decision, call_args: Mapping[str, Any]) -> dict[str, Any]:
    if not decision.allowed:
        raise ActionBlocked(decision)
    if decision.verdict is Verdict.REDACT and decision.args is not None:
        return dict(decision.args)
    return dict(call_args)


def _run_with_timeout(
    fn: Callable[..., Any], call_args: dict[str, Any], tool: str, timeout: float
) -> Any:
    """Run ``fn`` in a daemon thread; raise :class:`ToolTimeout` if it is not done in time."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn(**call_args)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=target, name=f"aimds-tool-{tool}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise ToolTimeout(tool, timeout)
    if "error" in box:
        raise box["error"]
    return box["result"]


def _apply_result(decision: Decision, result: Any) -> Any:
    if not decision.allowed:
        raise ActionBlocked(decision)
    if decision.verdict is Verdict.REDACT and decision.text is not None and isinstance(result, str):
        return decision.text
    if decision.verdict is Verdict.REDACT and isinstance(result, Mapping | list):
        raise ActionBlocked(decision)
    return result
