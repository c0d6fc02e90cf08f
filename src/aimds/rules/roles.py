"""Roles and scopes: who may do what (default deny).

Built-in kinds: ``architect`` bypasses scopes (never hard rules, deny rules or
boundaries), ``expert`` must match one of its scopes (or an allow rule), ``observer`` may
not execute any tool call. Custom roles pick one of these kinds and bring their own scopes.
"""

from __future__ import annotations

from dataclasses import dataclass

from aimds.policy.sections.actions import RolesSection, Scope
from aimds.rules.matchers import NameGlobs, globs_any
from aimds.types import ActionInfo

__all__ = ["BUILTIN_ROLES", "CompiledScope", "RoleTable"]

BUILTIN_ROLES = ("architect", "expert", "observer")
_CACHE_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class CompiledScope:
    id: str
    types: NameGlobs | None
    tools: NameGlobs | None
    resources: NameGlobs | None

    @classmethod
    def of(cls, scope: Scope) -> CompiledScope:
        return cls(
            id=scope.id,
            types=globs_any(scope.types),
            tools=globs_any(scope.tools),
            resources=globs_any(scope.resources),
        )

    def covers(self, tool: str, action: ActionInfo) -> bool:
        if self.types is not None and not self.types.any(action.type):
            return False
        if self.tools is not None and not self.tools.any(tool):
            return False
        resources = self.resources
        return resources is None or all(resources.any(r) for r in action.resources)


class RoleTable:
    """Role kinds and compiled scopes; the scope lookup is cached per (role, tool, type)."""

    def __init__(self, section: RolesSection) -> None:
        kinds = {name: name for name in BUILTIN_ROLES}
        scopes: dict[str, tuple[CompiledScope, ...]] = {}
        for name, role in section.definitions.items():
            kinds[name] = role.kind
            scopes[name] = tuple(CompiledScope.of(s) for s in role.scopes)
        self._kinds = kinds
        self._scopes = scopes
        self._cache: dict[tuple[str, str, str], str | None] = {}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._kinds)

    def kind(self, role: str) -> str | None:
        """``architect``, ``expert``, ``observer``, or ``None`` for an unknown role."""
        return self._kinds.get(role)

    def scope_for(self, role: str, tool: str, action: ActionInfo) -> str | None:
        """The id of the first scope of ``role`` that covers the call, or ``None``."""
        scopes = self._scopes.get(role, ())
        if not scopes:
            return None
        if action.resources and any(s.resources is not None for s in scopes):
            return next((s.id for s in scopes if s.covers(tool, action)), None)
        key = (role, tool, action.type)
        if key in self._cache:
            return self._cache[key]
        found = next((s.id for s in scopes if s.covers(tool, action)), None)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = found
        return found
