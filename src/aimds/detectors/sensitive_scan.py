"""What the sensitive-data detectors scan, and how a raw hit becomes a :class:`Finding`.

An event's text is scanned as written, so spans point into ``event.text``. A tool call's
arguments are walked (bounded): each string value is scanned as ``"<key>: <value>"`` so the
argument's name serves as context (``{"password": "..."}``), and a hit keeps only its part
inside the value, with ``details["arg_path"]`` (``headers.authorization``, ``items.0``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aimds.detectors.sensitive_values import mask
from aimds.types import Event, EventKind, Finding, Severity, Verdict

__all__ = ["Hit", "Target", "findings_for", "resolve_overlaps", "targets"]

_MAX_DEPTH = 8
_MAX_STRINGS = 2_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """One string to scan: ``text`` holds ``prefix`` context characters before the value."""

    text: str
    prefix: int = 0
    arg_path: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    start: int
    end: int
    kind: str
    severity: Severity
    confidence: float = 0.9
    keep: int = 0
    """Leading characters of the value that are a public prefix (``ghp_``)."""
    report: bool = True
    """False for a recognised public sample: it claims the span but is no finding."""


def targets(event: Event, max_chars: int) -> Iterator[Target]:
    """The strings of an event to scan, at most ``max_chars`` characters in all."""
    budget = max_chars
    if event.text:
        yield Target(text=event.text[:budget])
        budget -= min(len(event.text), budget)
    if event.kind is EventKind.TOOL_CALL and event.args:
        for path, key, value in _walk(event.args, "", "", 0, [0]):
            if budget <= 0:
                return
            value = value[:budget]
            budget -= len(value)
            head = f"{key}: " if key else ""
            yield Target(text=head + value, prefix=len(head), arg_path=path)


def _walk(
    node: Any, path: str, key: str, depth: int, count: list[int]
) -> Iterator[tuple[str, str, str]]:
    if count[0] >= _MAX_STRINGS or depth > _MAX_DEPTH:
        return
    if isinstance(node, str):
        count[0] += 1
        yield path, key, node
    elif isinstance(node, Mapping):
        for k, v in node.items():
            name = str(k)
            yield from _walk(v, f"{path}.{name}" if path else name, name, depth + 1, count)
    elif isinstance(node, list | tuple):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}.{i}" if path else str(i), key, depth + 1, count)


def resolve_overlaps(hits: Sequence[Hit]) -> list[Hit]:
    """Keep the first hit (in priority order) of every group of overlapping spans."""
    taken: list[Hit] = []
    for hit in hits:
        if all(hit.end <= t.start or hit.start >= t.end for t in taken):
            taken.append(hit)
    return sorted((h for h in taken if h.report), key=lambda h: h.start)


def findings_for(
    target: Target,
    hits: Sequence[Hit],
    *,
    category: str,
    action: Verdict | None,
    stage: str,
    allowed: Callable[[str], bool],
) -> list[Finding]:
    out: list[Finding] = []
    for hit in hits:
        if hit.start < target.prefix:
            continue
        value = target.text[hit.start : hit.end]
        if allowed(value):
            continue
        start, end = hit.start - target.prefix, hit.end - target.prefix
        details: dict[str, Any] = {"type": hit.kind}
        where = ""
        if target.arg_path is not None:
            details["arg_path"] = target.arg_path
            where = f" in argument {target.arg_path!r}"
        out.append(
            Finding(
                rule=f"{category}.{hit.kind}",
                category=category,
                severity=hit.severity,
                message=f"{hit.kind.replace('_', ' ')} found{where}",
                confidence=hit.confidence,
                span=(start, end),
                evidence=mask(value, hit.keep),
                action=action,
                stage=stage,
                details=details,
            )
        )
    return out
