"""What the judge may not read: values the fast gates already found (secrets by default).

The judge's endpoint may be a third party. A credential in a tool result or a call's
argument does not help it judge intent, and sending it there would leak it; so the spans of
findings in ``redact_categories`` are replaced by ``<SECRET>``-style placeholders (the
finding's category, upper-cased) before the request is built. Spans that overlap are merged
first, so no fragment of a value survives between two replacements. Pure functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from aimds.types import Finding

__all__ = ["mask_args", "mask_text"]

_MAX_DEPTH = 32
Span = tuple[int, int, str]


def mask_text(
    text: str, findings: Iterable[Finding], categories: frozenset[str], arg_path: str | None = None
) -> str:
    """``text`` with the spans of ``findings`` in ``categories`` (found in the event's
    text when ``arg_path`` is ``None``, else in that argument) replaced by placeholders."""
    spans: list[Span] = []
    for f in findings:
        if f.span is None or f.category not in categories:
            continue
        if (f.details.get("arg_path") if f.details else None) != arg_path:
            continue
        spans.append((f.span[0], f.span[1], f.category.upper()))
    return _replace(text, spans) if spans else text


def mask_args(args: Any, findings: Sequence[Finding], categories: frozenset[str]) -> Any:
    """A copy of a call's arguments with the values of ``categories`` findings masked in
    the arguments they were found in (``details["arg_path"]``, dotted)."""
    paths = {
        f.details["arg_path"]
        for f in findings
        if f.span is not None and f.category in categories and f.details.get("arg_path")
    }
    if not paths:
        return args
    return _rebuild(
        args,
        "",
        0,
        lambda path, s: mask_text(s, findings, categories, path) if path in paths else s,
    )


def _replace(text: str, spans: list[Span]) -> str:
    merged: list[Span] = []
    for start, end, label in sorted(spans):
        start, end = max(0, start), min(len(text), end)
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, label))
    parts: list[str] = []
    pos = 0
    for start, end, label in merged:
        parts.append(text[pos:start])
        parts.append(f"<{label}>")
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _rebuild(node: Any, path: str, depth: int, fn: Callable[[str, str], str]) -> Any:
    if depth > _MAX_DEPTH:
        return "<...>"  # never unmasked: deeper than the inputs stage lets arguments be
    if isinstance(node, str):
        return fn(path, node)
    if isinstance(node, Mapping):
        return {
            k: _rebuild(v, f"{path}.{k}" if path else str(k), depth + 1, fn)
            for k, v in node.items()
        }
    if isinstance(node, list | tuple):
        return [
            _rebuild(v, f"{path}.{i}" if path else str(i), depth + 1, fn)
            for i, v in enumerate(node)
        ]
    return node
