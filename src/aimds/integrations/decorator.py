"""``@guard.tool(name)``: check a function's call before it runs and scan what it returns.

``review`` or ``block`` on the call raises :class:`ActionBlocked` before the function runs
(its message names the verdict and the rule ids); ``redact`` passes the redacted
arguments. With ``wait_for_approval=SECONDS`` a ``review`` first waits that long for a
human to decide its approval request, and the call runs if they approve. Each call acts
for ``subject=`` if given, else for the subject of the enclosing ``aimds.acting_as``
block (:mod:`aimds.integrations.acting`), else the anonymous default. The result is
checked as a ``tool_result``: a blocked result raises :class:`ActionBlocked`, a redacted
one is replaced by its redacted text.

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

from aimds.errors import ActionBlocked, ToolTimeout
from aimds.integrations.acting import current_subject
from aimds.rules.budgets import timeout_for
from aimds.types import DEFAULT_SUBJECT, Decision, Event, EventKind, Subject, Verdict

if TYPE_CHECKING:
    from aimds.guard import Guard

__all__ = ["guard_tool"]

F = TypeVar("F", bound=Callable[..., Any])


def guard_tool(
    guard: Guard,
    name: str | None = None,
    *,
    subject: Subject | None = None,
    wait_for_approval: float | None = None,
) -> Callable[[F], F]:
    if wait_for_approval is not None and wait_for_approval < 0:
        raise ValueError("wait_for_approval: expected seconds >= 0")

    def who() -> Subject:
        if subject is not None:
            return subject
        acting = current_subject()
        return acting if acting is not None else DEFAULT_SUBJECT

    def wrap(fn: F) -> F:
        tool = name or fn.__name__
        signature = inspect.signature(fn)
        timeout = timeout_for(guard.policy, tool)

        def bind(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return dict(bound.arguments)

        def admitted(call_args: dict[str, Any], actor: Subject) -> dict[str, Any]:
            event = Event(kind=EventKind.TOOL_CALL, subject=actor, tool=tool, args=call_args)
            decision = guard.check(event, wait_for_approval=wait_for_approval)
            if not decision.allowed:
                raise ActionBlocked(decision)
            if decision.verdict is Verdict.REDACT and decision.args is not None:
                return dict(decision.args)
            return call_args

        def screened(result: Any, actor: Subject) -> Any:
            decision = guard.check_tool_result(tool, result, subject=actor)
            return _apply_result(decision, result)

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                actor = who()
                bound = bind(args, kwargs)
                # Checks run in a worker thread: one waiting for a human must not stall
                # the event loop.
                call_args = await asyncio.to_thread(admitted, bound, actor)
                if timeout is None:
                    result = await fn(**call_args)
                else:
                    try:
                        result = await asyncio.wait_for(fn(**call_args), timeout)
                    except TimeoutError:
                        raise ToolTimeout(tool, timeout) from None
                return await asyncio.to_thread(screened, result, actor)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            actor = who()
            call_args = admitted(bind(args, kwargs), actor)
            if timeout is None:
                return screened(fn(**call_args), actor)
            return screened(_run_with_timeout(fn, call_args, tool, timeout), actor)

        return wrapper  # type: ignore[return-value]

    return wrap


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
