"""Tool results through the guard: one ``tool_result`` check for the whole result, then the
same redaction applied to every text block and to ``structuredContent``.

The texts of a result (text blocks, embedded text resources, and every leaf of
``structuredContent``) are joined into the one text the guard judges, so behaviour
windows and the audit log see one event per result. Where the verdict is ``redact``, the
findings' spans are mapped back to the part they fall in and the guard's own respond stage
rewrites those parts (placeholders, hashes or pseudonyms exactly as for any event), so a
secret redacted in the text block is redacted in ``structuredContent`` too. What cannot be
redacted consistently (a number or boolean leaf, a leaf nested deeper than the respond
stage walks, structured content that no longer fits the tool's output schema) withholds
the whole result instead: never a partial leak.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from aimds.respond.stage import RespondStage, spotlight
from aimds.types import Evaluation, Event, EventKind, Finding, Verdict

if TYPE_CHECKING:
    import mcp_types as types

    from aimds.guard import Guard
    from aimds.types import Decision, Subject

__all__ = ["ResultParts", "apply_decision", "blocked_result", "result_parts", "stop_text"]

_MAX_DEPTH = 7  # the respond stage rewrites strings down to this depth under "structured"
_JOIN = "\n"


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    path: str
    """``content.<i>`` or ``content.<i>.resource`` or ``structured.<key>...``."""
    text: str
    start: int
    is_text: bool
    depth: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ResultParts:
    parts: tuple[Part, ...]
    text: str


def result_parts(result: types.CallToolResult) -> ResultParts:
    """The texts of ``result`` and the one text the guard judges (parts joined by newlines)."""
    raw: list[tuple[str, str, bool, int]] = []
    for i, block in enumerate(result.content):
        kind = getattr(block, "type", None)
        if kind == "text":
            raw.append((f"content.{i}", block.text, True, 1))  # type: ignore[union-attr]
        elif kind == "resource":
            text = getattr(block.resource, "text", None)  # type: ignore[union-attr]
            if isinstance(text, str):
                raw.append((f"content.{i}.resource", text, True, 1))
    if result.structured_content is not None:
        _leaves(result.structured_content, "structured", 1, raw)
    parts: list[Part] = []
    pos = 0
    for path, text, is_text, depth in raw:
        parts.append(Part(path=path, text=text, start=pos, is_text=is_text, depth=depth))
        pos += len(text) + len(_JOIN)
    return ResultParts(parts=tuple(parts), text=_JOIN.join(p.text for p in parts))


def _leaves(node: Any, path: str, depth: int, out: list[tuple[str, str, bool, int]]) -> None:
    if isinstance(node, str):
        out.append((path, node, True, depth))
    elif isinstance(node, bool) or node is None:
        return
    elif isinstance(node, int | float):
        out.append((path, str(node), False, depth))
    elif isinstance(node, Mapping):
        for key, value in node.items():
            _leaves(value, f"{path}.{key}", depth + 1, out)
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            _leaves(value, f"{path}.{i}", depth + 1, out)


def blocked_result(text: str) -> types.CallToolResult:
    import mcp_types as types

    return types.CallToolResult(content=[types.TextContent(type="text", text=text)],
                                is_error=True)


def stop_text(decision: Decision, what: str) -> str:
    """The text of a stopped call: verdict and rule ids (and the approval request)."""
    rules = ", ".join(r for r in decision.rules if not r.startswith("approval.")) or "none"
    text = f"blocked by AIMDS: {what} {decision.verdict.value} (rules: {rules})"
    if decision.approval:
        text += f"; approval request {decision.approval}"
    return text


def apply_decision(
    guard: Guard,
    decision: Decision,
    result: types.CallToolResult,
    parts: ResultParts,
    *,
    subject: Subject,
    output_schema: Mapping[str, Any] | None,
) -> types.CallToolResult:
    """``result`` as the decision allows it: unchanged, redacted, spotlighted or withheld."""
    if not decision.allowed:
        return blocked_result(stop_text(decision, "tool result"))
    out = result
    if decision.verdict is Verdict.REDACT:
        redacted = _redacted(guard, decision, parts, subject)
        if redacted is None:
            return blocked_result(
                "blocked by AIMDS: tool result redact (rules: "
                + ", ".join(decision.rules)
                + "); a value to redact is not text, so the result is withheld"
            )
        out = _rebuilt(result, redacted)
        if out.structured_content is not None and output_schema is not None and not _fits(
            out.structured_content, output_schema
        ):
            return blocked_result(
                "blocked by AIMDS: tool result redact (rules: " + ", ".join(decision.rules)
                + "); the redacted result no longer fits the tool's output schema"
            )
    mode = guard.policy.document.sensitive.spotlight
    if mode.mode != "off":
        out = _spotlighted(out, mode.mode, mode.marker)
    return out


def _redacted(
    guard: Guard, decision: Decision, parts: ResultParts, subject: Subject
) -> dict[str, str] | None:
    """New text per part path, or ``None`` when a finding to redact has no span or falls
    in a part that cannot be rewritten as text."""
    stage = next((s for s in guard.stages if isinstance(s, RespondStage)), None)
    if stage is None:
        return None
    paths = [p.path for p in parts.parts]
    if len(set(paths)) != len(paths):  # keys with dots that collide: no safe mapping
        return None
    categories = set(guard.policy.document.sensitive.redaction.categories)
    shifted: list[Finding] = []
    for f in decision.findings:
        wanted = f.category in categories and (f.action is None or f.action >= Verdict.REDACT)
        if f.span is None:
            if wanted:  # something to redact that no span locates: withhold, never guess
                return None
            continue
        start, end = f.span
        for part in parts.parts:
            lo, hi = max(start, part.start), min(end, part.start + len(part.text))
            if lo >= hi:
                continue
            if wanted and (not part.is_text or part.depth > _MAX_DEPTH):
                return None
            shifted.append(replace(
                f, span=(lo - part.start, hi - part.start),
                details={**f.details, "arg_path": part.path},
            ))
    args = _nest({p.path: p.text for p in parts.parts if p.is_text})
    ev = Evaluation(
        event=Event(kind=EventKind.TOOL_CALL, subject=subject, tool="mcp.result", args=args),
        ts=0.0, args=args, verdict=Verdict.REDACT, findings=shifted,
    )
    stage(ev)
    if ev.redacted_args is None:
        return {}
    flat: dict[str, str] = {}
    _flatten(ev.redacted_args, "", flat)
    return {path: text for path, text in flat.items()
            if path in {p.path for p in parts.parts} and text != _original(parts, path)}


def _original(parts: ResultParts, path: str) -> str:
    return next(p.text for p in parts.parts if p.path == path)


def _nest(flat: Mapping[str, str]) -> dict[str, Any]:
    """``{"content.0": t}`` as ``{"content": {"0": t}}``: the shape the respond stage
    walks, whose paths (keys joined by dots) are the part paths again."""
    root: dict[str, Any] = {}
    for path, text in flat.items():
        node = root
        keys = path.split(".")
        for key in keys[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                child = node[key] = {}
            node = child
        node[keys[-1]] = text
    return root


def _flatten(node: Any, path: str, out: dict[str, str]) -> None:
    if isinstance(node, str):
        out[path] = node
    elif isinstance(node, Mapping):
        for key, value in node.items():
            _flatten(value, f"{path}.{key}" if path else str(key), out)


def _rebuilt(result: types.CallToolResult, texts: Mapping[str, str]) -> types.CallToolResult:
    if not texts:
        return result
    content = []
    for i, block in enumerate(result.content):
        if f"content.{i}" in texts:
            block = block.model_copy(update={"text": texts[f"content.{i}"]})
        elif f"content.{i}.resource" in texts:
            resource = block.resource.model_copy(  # type: ignore[union-attr]
                update={"text": texts[f"content.{i}.resource"]}
            )
            block = block.model_copy(update={"resource": resource})
        content.append(block)
    structured = result.structured_content
    if structured is not None:
        structured = _replace_leaves(structured, "structured", texts)
    return result.model_copy(update={"content": content, "structured_content": structured})


def _replace_leaves(node: Any, path: str, texts: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return texts.get(path, node)
    if isinstance(node, Mapping):
        return {k: _replace_leaves(v, f"{path}.{k}", texts) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [_replace_leaves(v, f"{path}.{i}", texts) for i, v in enumerate(node)]
    return node


def _spotlighted(result: types.CallToolResult, mode: str, marker: str) -> types.CallToolResult:
    """Text blocks marked as data; ``structuredContent`` is left for programs as it is."""
    content: list[Any] = []
    for block in result.content:
        if getattr(block, "type", None) == "text":
            block = block.model_copy(update={
                "text": spotlight(block.text, mode, marker, secrets.token_hex(6))  # type: ignore[union-attr]
            })
        content.append(block)
    return result.model_copy(update={"content": content})


def _fits(value: Any, schema: Mapping[str, Any]) -> bool:
    try:
        from jsonschema import validators  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - the mcp extra installs jsonschema
        return False
    try:
        cls = validators.validator_for(schema)
        return bool(cls(schema).is_valid(value))
    except Exception:  # noqa: BLE001 - a schema we cannot apply counts as a misfit
        return False
