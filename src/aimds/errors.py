"""One exception hierarchy for AIMDS.

::

    AimdsError
    ├── PolicyError(ValueError)      a policy file or dict is invalid: file, line, key
    ├── ConfigError(ValueError)      service or library configuration is invalid
    ├── InputError(ValueError)       a caller passed something unusable (CLI, API)
    ├── BackendError(RuntimeError)   Redis, PostgreSQL, SQLite... failed
    ├── MissingExtraError(ImportError) an optional dependency is not installed
    ├── ActionBlocked                a guarded function was not run (carries the decision)
    └── ToolTimeout(TimeoutError)    a guarded function ran past its budgets timeout

Messages name the key, the shape of the bad value and the fix. They never contain scanned
text or a secret: callers pass descriptions of values (``type``, ``length``), not values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aimds.types import Decision

__all__ = [
    "ActionBlocked",
    "AimdsError",
    "BackendError",
    "ConfigError",
    "InputError",
    "MissingExtraError",
    "PolicyError",
    "ToolTimeout",
]


class AimdsError(Exception):
    """Root of every error AIMDS raises on purpose."""


class PolicyError(AimdsError, ValueError):
    """A policy is invalid. ``str()`` reads ``file:line: key: problem``."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        key: str | None = None,
        problems: tuple[PolicyError, ...] = (),
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.key = key
        self.problems = problems
        """Every problem found (this one first), where a check reports several at once."""
        super().__init__(self.render())

    def render(self) -> str:
        where = self.file or "<policy>"
        if self.line is not None:
            where += f":{self.line}"
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message}"


class ConfigError(AimdsError, ValueError):
    """Configuration outside a policy (service settings, library arguments) is invalid."""


class InputError(AimdsError, ValueError):
    """A caller passed unusable input; the message names the field path."""


class BackendError(AimdsError, RuntimeError):
    """A storage or network backend failed."""


class MissingExtraError(AimdsError, ImportError):
    """An optional dependency is missing; the message names the ``pip install`` line."""

    def __init__(self, extra: str, module: str) -> None:
        super().__init__(
            f"this feature needs the optional dependency {module!r}: "
            f"pip install 'aimds[{extra}]'"
        )
        self.extra = extra


class ActionBlocked(AimdsError):
    """A guarded call (or its result) was stopped: the verdict was ``review`` or ``block``.

    ``verdict``, ``rules`` and ``messages`` give the reason; ``decision`` the whole decision.
    Finding messages describe the rule, never the scanned text, so they are safe to show.
    """

    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        self.verdict = decision.verdict
        self.rules: tuple[str, ...] = decision.rules
        self.messages: tuple[str, ...] = tuple(
            dict.fromkeys(f"{f.rule}: {f.message}" for f in decision.findings if f.message)
        )
        rules = ", ".join(self.rules) or "no rule"
        text = f"{decision.verdict.value}: {rules} (decision {decision.id})"
        if decision.approval is not None:
            text += f"; approval request {decision.approval} pending"
        if self.messages:
            text += " - " + "; ".join(self.messages[:5])
        super().__init__(text)


class ToolTimeout(AimdsError, TimeoutError):
    """A guarded tool ran longer than the policy's ``budgets`` timeout for it.

    For sync functions the call is abandoned, not killed: it finishes in a daemon thread
    and its result is discarded. Async functions are cancelled.
    """

    def __init__(self, tool: str, timeout_s: float) -> None:
        self.tool = tool
        self.timeout_s = timeout_s
        super().__init__(
            f"tool {tool!r} ran longer than {timeout_s:g}s (budgets.timeout_s / budgets.timeouts)"
        )
