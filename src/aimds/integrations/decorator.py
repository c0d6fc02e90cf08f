"""``@guard.tool(name)``: check a function's call before it runs and scan what it returns.

``review`` or ``block`` on the call raises :class:`ActionBlocked` before the function runs;
``redact`` passes the redacted arguments. The result is checked as a ``tool_result``: a
blocked result raises :class:`ActionBlocked`, a redacted one is replaced by its redacted text.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from aimds.errors import ActionBlocked
from aimds.types import Decision, Verdict

if TYPE_CHECKING:
    from aimds.guard import Guard

__all__ = ["guard_tool"]

F = TypeVar("F", bound=Callable[..., Any])


def guard_tool(guard: Guard, name: str | None = None) -> Callable[[F], F]:
    def wrap(fn: F) -> F:
        tool = name or fn.__name__
        signature = inspect.signature(fn)

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
                return screened(await fn(**call_args))

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            call_args = admitted(bind(args, kwargs))
            return screened(fn(**call_args))

        return wrapper  # type: ignore[return-value]

    return wrap


def _apply_result(decision: Decision, result: Any) -> Any:
    if not decision.allowed:
        raise ActionBlocked(decision)
    if decision.verdict is Verdict.REDACT and decision.text is not None and isinstance(result, str):
        return decision.text
    if decision.verdict is Verdict.REDACT and isinstance(result, Mapping | list):
        raise ActionBlocked(decision)
    return result
