"""``@guard.tool(name)``: check a function's call before it runs and scan what it returns.

``review`` or ``block`` on the call raises :class:`ActionBlocked` before the function runs;
``redact`` passes the redacted arguments. The result is checked as a ``tool_result``: a
blocked result raises :class:`ActionBlocked`, a redacted one is replaced by its redacted text.

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
from aimds.rules.budgets import timeout_for
from aimds.types import Decision, Verdict

if TYPE_CHECKING:
    from aimds.guard import Guard

__all__ = ["guard_tool"]

F = TypeVar("F", bound=Callable[..., Any])


def guard_tool(guard: Guard, name: str | None = None) -> Callable[[F], F]:
    def wrap(fn: F) -> F:
        tool = name or fn.__name__
        signature = inspect.signature(fn)
        timeout = timeout_for(guard.policy, tool)

        def bind(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return dict(bound.arguments)

        def admitted(call_args: dict[str, Any]) -> dict[str, Any]:
            decision = guard.check_tool_call(tool, call_args)
            if not decision.allowed:
                raise ActionBlocked(decision)
            if decision.verdict is Verdict.REDACT and decision.args is not None:
                return dict(decision.args)
            return call_args

        def screened(result: Any) -> Any:
            decision = guard.check_tool_result(tool, result)
            return _apply_result(decision, result)

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                call_args = admitted(bind(args, kwargs))
                if timeout is None:
                    return screened(await fn(**call_args))
                try:
                    result = await asyncio.wait_for(fn(**call_args), timeout)
                except TimeoutError:
                    raise ToolTimeout(tool, timeout) from None
                return screened(result)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            call_args = admitted(bind(args, kwargs))
            if timeout is None:
                return screened(fn(**call_args))
            return screened(_run_with_timeout(fn, call_args, tool, timeout))

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
