"""``aimds mcp scan``: a static report of one server's tools, and the policy scope that
admits them.

For each tool the report gives its parameters, what the policy would do with a call that
has no arguments (under the default pack an unknown tool goes to ``review``) and the
poisoning findings of its definition. :func:`scope_policy` writes the explicit way to say
which of the server's tools an agent may use: a child policy that extends the given one
with a scope ``scope.mcp.<server>`` listing the clean tools for one role. Poisoned tools
are left out (and named in the policy's description), so admitting them stays a decision
someone writes down.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aimds.detect import Detector
from aimds.integrations.mcp.poisoning import scan_definition
from aimds.serialize import finding_to_dict

if TYPE_CHECKING:
    from aimds.guard import Guard
    from aimds.integrations.mcp.pins import ToolDefinition
    from aimds.types import Finding, Subject

__all__ = ["ToolReport", "build_report", "safe_id", "scope_policy"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolReport:
    name: str
    params: tuple[str, ...]
    required: tuple[str, ...]
    action: str
    """The action type the taxonomy gives a call without arguments."""
    verdict: str
    """The policy's verdict for a call without arguments."""
    rules: tuple[str, ...]
    findings: tuple[Finding, ...]
    digest: str

    @property
    def poisoned(self) -> bool:
        return bool(self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "params": list(self.params), "required": list(self.required),
            "action": self.action, "verdict": self.verdict, "rules": list(self.rules),
            "poisoned": self.poisoned, "digest": self.digest,
            "findings": [finding_to_dict(f) for f in self.findings],
        }


def build_report(
    guard: Guard, tools: Sequence[ToolDefinition], *, subject: Subject | None = None
) -> list[ToolReport]:
    """One :class:`ToolReport` per tool, in listing order."""
    detector = Detector(guard)
    names = [t.name for t in tools]
    out = []
    for tool in tools:
        props = tool.input_schema.get("properties")
        params = tuple(str(p) for p in props) if isinstance(props, Mapping) else ()
        required = tool.input_schema.get("required")
        decision = guard.check_tool_call(tool.name, {}, subject=subject)
        out.append(ToolReport(
            name=tool.name,
            params=params,
            required=tuple(str(r) for r in required) if isinstance(required, list) else (),
            action=decision.action.type if decision.action is not None else "",
            verdict=decision.verdict.value,
            rules=decision.rules,
            findings=scan_definition(tool, detector=detector, other_tools=names),
            digest=tool.digest,
        ))
    return out


def safe_id(name: str) -> str:
    """``name`` usable in rule ids and policy names."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:64] or "server"


def scope_policy(
    *, server: str, base: str, role: str, reports: Sequence[ToolReport]
) -> dict[str, Any]:
    """A policy document extending ``base`` whose ``role`` may call the clean tools."""
    clean = [_literal_glob(r.name) for r in reports if not r.poisoned]
    if not clean:
        raise ValueError(f"server {server!r} has no clean tool to admit")
    left_out = [r.name for r in reports if r.poisoned]
    description = f"Admits the tools of MCP server {server!r} for role {role!r}."
    if left_out:
        description += " Left out as poisoned: " + ", ".join(left_out) + "."
    return {
        "schema_version": 1,
        "name": f"mcp-{safe_id(server)}",
        "version": "1",
        "description": description,
        "extends": base,
        "roles": {"definitions": {role: {"scopes": [{
            "id": f"scope.mcp.{safe_id(server)}",
            "description": f"tools of MCP server {server!r} (written by aimds mcp scan)",
            "tools": clean,
        }]}}},
    }


def _literal_glob(name: str) -> str:
    """``name`` as a glob that matches only itself (scope ``tools`` are globs)."""
    return "".join(f"[{c}]" if c in "*?[]" else c for c in name)
