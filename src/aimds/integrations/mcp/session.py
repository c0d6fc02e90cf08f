"""The gateway's judgement of one upstream MCP server: which tools the model may see, and
every call and result through the guard. Transport-free: :mod:`.transports` wires it to
stdio or Streamable HTTP.

``tools/list``
    Every listing (all pages) is compared with the pins of ``(server, tool)``
    (:mod:`.pins`) and every definition not seen before is scanned for poisoning
    (:mod:`.poisoning`). On a server's first listing all clean tools are pinned; later a
    new clean tool is pinned on first sight (``mcp.tool_added``, warn), a changed or
    renamed one is withheld until an admin accepts it (``mcp.tool_changed``,
    ``mcp.tool_renamed``; the new definition is kept as *pending* in the pin file), a
    missing one is noted (``mcp.tool_removed``). A poisoned tool is withheld
    (``mcp.tool_poisoning``). The policy's ``mcp`` section can turn these two into
    warnings; a name the server lists twice is always withheld (``mcp.tool_duplicate``:
    which definition would run is unknowable). Each finding goes to the audit log once
    per definition (``mcp.tools`` records naming the server).

``tools/call``
    A call of a withheld or unlisted tool is refused without reaching the server. Any
    other call is a ``tool_call`` event (rules, behaviour, approvals: a ``review`` waits
    for the human up to the policy's review timeout, unless ``wait_for_approval`` is off
    because nobody could approve); a stopped call answers
    ``isError: true`` with the verdict and rule ids. The result is a ``tool_result``
    event, redacted, spotlighted or withheld as :mod:`.results` explains. Both events
    carry ``meta["aimds.source"] = "mcp:<server>"``, which the audit record keeps.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

import anyio
import anyio.to_thread

from aimds.audit.stage import AuditStage
from aimds.detect import Detector
from aimds.integrations.mcp.pins import PinStore, ToolChange, ToolDefinition, compare
from aimds.integrations.mcp.poisoning import scan_definition
from aimds.integrations.mcp.results import (
    apply_decision,
    blocked_result,
    result_parts,
    stop_text,
)
from aimds.respond.approvals import await_decision, queue_of
from aimds.types import DEFAULT_SUBJECT, Event, EventKind, Finding, Severity, Subject, Verdict

if TYPE_CHECKING:
    import mcp_types as types

    from aimds.guard import Guard
    from aimds.types import Decision

__all__ = ["Gateway", "ToolsReview", "Upstream"]

log = logging.getLogger("aimds.mcp")

_MAX_PAGES = 100
_INLINE_CHARS = 4096
_SEVERITY = {
    "changed": Severity.HIGH,
    "renamed": Severity.HIGH,
    "added": Severity.MEDIUM,
    "removed": Severity.LOW,
}


class Upstream(Protocol):
    """What the gateway needs of an MCP client (``mcp.Client`` fits)."""

    async def list_tools(self, *, cursor: str | None = None) -> types.ListToolsResult: ...

    async def call_tool(
        self, name: str, arguments: dict[str, Any] | None = None
    ) -> types.CallToolResult: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolsReview:
    """The outcome of one listing: tools shown, tools withheld (with why), findings."""

    admitted: tuple[str, ...]
    withheld: Mapping[str, tuple[Finding, ...]] = field(default_factory=dict)
    changes: tuple[ToolChange, ...] = ()
    findings: tuple[Finding, ...] = ()


class Gateway:
    """One upstream server behind the guard. Safe to share between the sessions of one
    transport: judging state (pins, scans) is per server, the subject per call."""

    def __init__(
        self,
        guard: Guard,
        upstream: Upstream,
        *,
        server: str,
        pins: PinStore | None = None,
        subject: Subject | None = None,
        wait_for_approval: bool = True,
    ) -> None:
        self.guard = guard
        self.wait_for_approval = wait_for_approval
        self.upstream = upstream
        self.server = server
        self.pins = pins if pins is not None else PinStore()
        self.subject = subject if subject is not None else DEFAULT_SUBJECT
        self.meta = {"aimds.source": f"mcp:{server}"}
        section = guard.policy.document.mcp
        self._change_action = Verdict.BLOCK if section.on_tool_change == "block" else Verdict.WARN
        self._poison_action = Verdict.BLOCK if section.on_poisoning == "block" else Verdict.WARN
        self._detector = Detector(guard)
        self._scans: dict[tuple[str, str], tuple[Finding, ...]] = {}
        self._reported: set[tuple[str, str, str]] = set()
        self._tools: dict[str, types.Tool] = {}
        self._withheld: dict[str, tuple[Finding, ...]] = {}
        self._listed = False
        self._audit = next(
            (s.audit for s in guard.stages if isinstance(s, AuditStage) and s.audit is not None),
            None,
        )

    # -- tools/list ---------------------------------------------------------------------

    async def list_tools(self) -> list[types.Tool]:
        """The upstream's tools the model may see (every page fetched and judged)."""
        tools = await self._fetch_tools()
        defs = [ToolDefinition.from_wire(_wire(t)) for t in tools]
        review = await anyio.to_thread.run_sync(self.review, defs)
        admitted = set(review.admitted)
        self._tools = {t.name: t for t in tools if t.name in admitted}
        self._withheld = dict(review.withheld)
        self._listed = True
        return [t for t in tools if t.name in admitted]

    async def _fetch_tools(self) -> list[types.Tool]:
        tools: list[types.Tool] = []
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            page = await self.upstream.list_tools(cursor=cursor)
            tools.extend(page.tools)
            cursor = page.next_cursor
            if not cursor:
                break
        return tools

    def review(self, listed: Sequence[ToolDefinition]) -> ToolsReview:
        """Judge one listing against the pins and for poisoning; pin what is new and clean."""
        names = [t.name for t in listed]
        pinned = self.pins.pinned(self.server)
        changes = tuple(compare(pinned, listed)) if pinned else ()
        by_tool = {c.tool: c for c in changes if c.kind != "removed"}
        findings: list[Finding] = []
        withheld: dict[str, tuple[Finding, ...]] = {}
        to_pin: list[ToolDefinition] = []
        counts = Counter(names)
        for tool in listed:
            own: list[Finding] = []
            if counts[tool.name] > 1:
                own.append(self._duplicate_finding(tool.name, counts[tool.name]))
            change = by_tool.get(tool.name)
            if change is not None:
                own.append(self._change_finding(change))
                if change.withholds:
                    self.pins.note_pending(self.server, tool)
            poison = self._scan(tool, names)
            own.extend(replace(f, action=self._poison_action) for f in poison)
            findings.extend(own)
            stopping = tuple(f for f in own if f.action is Verdict.BLOCK)
            if stopping:
                withheld[tool.name] = (*withheld.get(tool.name, ()), *stopping)
            elif tool.name not in pinned and (change is None or not change.withholds):
                to_pin.append(tool)
        for change in changes:
            if change.kind == "removed":
                findings.append(self._change_finding(change))
        if to_pin:
            self.pins.pin(self.server, to_pin)
        self._report(findings)
        return ToolsReview(
            admitted=tuple(n for n in names if n not in withheld),
            withheld=withheld,
            changes=changes,
            findings=tuple(findings),
        )

    def _scan(self, tool: ToolDefinition, names: Sequence[str]) -> tuple[Finding, ...]:
        key = (tool.digest, ",".join(sorted(names)))
        found = self._scans.get(key)
        if found is None:
            found = self._scans[key] = scan_definition(
                tool, detector=self._detector, other_tools=names
            )
        return found

    def _duplicate_finding(self, name: str, count: int) -> Finding:
        """A name listed twice: which definition the server runs is unknowable, so the name
        is withheld whatever the policy says."""
        return Finding(
            rule="mcp.tool_duplicate", category="mcp", severity=Severity.HIGH,
            message=f"server {self.server!r} lists tool {name!r} {count} times",
            action=Verdict.BLOCK, stage="mcp",
            details={"tool": name, "server": self.server, "count": count},
        )

    def _change_finding(self, change: ToolChange) -> Finding:
        action = self._change_action if change.withholds else Verdict.WARN
        what = {
            "changed": "changed since it was pinned",
            "renamed": f"is pinned tool {change.previous!r} under a new name",
            "added": "is new (pinned on first sight)",
            "removed": "is no longer listed",
        }[change.kind]
        return Finding(
            rule=change.rule,
            category="mcp",
            severity=_SEVERITY[change.kind],
            message=f"tool {change.tool!r} of server {self.server!r} {what}"
            + (f": {'; '.join(change.diff)}" if change.kind == "changed" else ""),
            action=action,
            stage="mcp",
            details={"tool": change.tool, "server": self.server, "diff": list(change.diff),
                     "digest": change.digest or ""},
        )

    def _report(self, findings: Sequence[Finding]) -> None:
        """Audit each finding once per (rule, tool, definition) and log withheld tools."""
        for f in findings:
            tool = str(f.details.get("tool", ""))
            key = (f.rule, tool, str(f.details.get("digest") or f.details.get("field", "")))
            if key in self._reported:
                continue
            self._reported.add(key)
            if f.action is Verdict.BLOCK:
                hint = (f"; accept it with: aimds mcp pin --server {self.server} --accept {tool}"
                        if f.rule in ("mcp.tool_changed", "mcp.tool_renamed") else "")
                log.warning("server %r: tool %r withheld (%s)%s", self.server, tool, f.rule, hint)
            if self._audit is not None:
                data = {"server": self.server, "tool": tool, "rule": f.rule,
                        "message": f.message, **{k: v for k, v in f.details.items()
                                                 if k not in ("tool", "server")}}
                self._audit.append_event(
                    "mcp.tools", subject=self.subject, data=data,
                    verdict=(f.action or Verdict.WARN).value, rules=(f.rule,),
                )

    def input_schema(self, name: str) -> Mapping[str, Any] | None:
        """The input schema of an admitted tool (``None`` when not listed or withheld)."""
        tool = self._tools.get(name)
        return tool.input_schema if tool is not None else None

    # -- tools/call ---------------------------------------------------------------------

    async def call_tool(
        self, name: str, arguments: Mapping[str, Any] | None, *, session: str | None = None
    ) -> types.CallToolResult:
        """Judge the call, forward it if allowed, judge and mitigate the result."""
        if not self._listed:
            await self.list_tools()
        subject = self.subject if session is None else replace(self.subject, session=session)
        refused = self._refusal(name)
        if refused is not None:
            return blocked_result(refused)
        args = dict(arguments or {})
        decision = await self._judge(
            Event(kind=EventKind.TOOL_CALL, subject=subject, tool=name, args=args,
                  meta=self.meta)
        )
        if not decision.allowed:
            return blocked_result(stop_text(decision, "tool call"))
        if decision.verdict is Verdict.REDACT and decision.args is not None:
            args = dict(decision.args)
        result = await self._forward(name, args)
        parts = result_parts(result)
        checked = await self._judge(
            Event(kind=EventKind.TOOL_RESULT, subject=subject, tool=name, text=parts.text,
                  meta=self.meta)
        )
        tool = self._tools.get(name)
        schema = tool.output_schema if tool is not None else None
        return apply_decision(self.guard, checked, result, parts, subject=subject,
                              output_schema=schema)

    def _refusal(self, name: str) -> str | None:
        withheld = self._withheld.get(name)
        if withheld is not None:
            rules = ", ".join(dict.fromkeys(f.rule for f in withheld))
            hint = ""
            if any(f.rule in ("mcp.tool_changed", "mcp.tool_renamed") for f in withheld):
                hint = f"; an admin must accept it: aimds mcp pin --accept {name}"
            return f"blocked by AIMDS: tool {name!r} is withheld: block (rules: {rules}){hint}"
        if name not in self._tools:
            return (f"blocked by AIMDS: tool {name!r} is not listed by server "
                    f"{self.server!r}: block (rules: mcp.tool_unlisted)")
        return None

    async def _judge(self, event: Event) -> Decision:
        # Small events are judged on the event loop: a thread hop costs more than judging
        # them (as the service does below its inline_max_bytes). Larger ones, whose
        # detectors could hold the loop, run in a worker thread.
        if len(event.text) + _args_size(event.args) <= _INLINE_CHARS:
            decision = self.guard.check(event)
        else:
            decision = await self.guard.acheck(event)
        if (
            self.wait_for_approval
            and decision.verdict is Verdict.REVIEW
            and decision.approval is not None
        ):
            queue = queue_of(self.guard.services)
            timeout = self._review_timeout(decision)
            decision = await anyio.to_thread.run_sync(await_decision, queue, decision, timeout)
        return decision

    def _review_timeout(self, decision: Decision) -> float:
        """The longest review timeout among the findings, else the policy's default, never
        longer than the approval request lives."""
        document = self.guard.policy.document
        found = [float(f.details["timeout_s"]) for f in decision.findings
                 if isinstance(f.details.get("timeout_s"), int | float)]
        timeout = max(found) if found else float(document.defaults.review_timeout_s)
        return min(timeout, float(document.approvals.timeout_s))

    async def _forward(self, name: str, args: dict[str, Any]) -> types.CallToolResult:
        import mcp_types as types
        from mcp.shared.exceptions import MCPError

        try:
            return await self.upstream.call_tool(name, args)
        except MCPError as exc:
            text = f"server {self.server!r} answered with an error: {exc.error.message}"
        except Exception as exc:  # noqa: BLE001 - any upstream failure is the tool's error
            text = f"server {self.server!r} failed ({type(exc).__name__})"
        return types.CallToolResult(content=[types.TextContent(type="text", text=text)],
                                    is_error=True)


def _args_size(args: Mapping[str, Any]) -> int:
    """Characters of the string values of ``args`` (nested ones too); anything other than
    plain strings, numbers and containers counts as too large to judge inline."""
    total = 0
    stack: list[Any] = [args]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            total += len(node)
        elif isinstance(node, Mapping):
            total += len(node)
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            total += len(node)
            stack.extend(node)
        elif not isinstance(node, int | float | bool) and node is not None:
            return _INLINE_CHARS + 1
        if total > _INLINE_CHARS:
            break
    return total


def _wire(tool: types.Tool) -> dict[str, Any]:
    data: dict[str, Any] = tool.model_dump(by_alias=True, mode="json", exclude_none=True)
    return data
