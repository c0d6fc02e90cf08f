"""Redaction: a pure function of (text, spans, mode) plus the decision's placeholder book.

Spans come from findings (``span`` + ``details["type"]``); overlapping spans are merged
before anything is replaced, so no fragment of a value survives between two replacements.
Modes (:class:`~aimds.policy.sections.sensitive.RedactionMode`):

* ``mask``: ``*`` for every character;
* ``placeholder``: ``<EMAIL_1>``; the same value gets the same number within one decision;
* ``hash``: ``<EMAIL:1a2b3c4d5e6f>``, a keyed HMAC-SHA256 (per-deployment key), so values
  can be correlated inside one deployment but never guessed or linked across deployments;
* ``partial``: everything but the last ``keep_last`` characters masked;
* ``pseudonymize``: ``<EMAIL_#1>`` from a per-session vault, restorable later.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from aimds.policy.sections.sensitive import RedactionMode
from aimds.types import Finding

__all__ = [
    "PlaceholderBook",
    "Pseudonymizer",
    "RedactionSpan",
    "merge_spans",
    "redact",
    "spans_from_findings",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class RedactionSpan:
    start: int
    end: int
    label: str
    """Upper-case type used in placeholders (``EMAIL``, ``GITHUB_TOKEN``)."""
    rule: str = ""
    category: str = ""


class Pseudonymizer(Protocol):
    def pseudonym(self, label: str, value: str) -> str: ...


@dataclass(slots=True)
class PlaceholderBook:
    """Numbers placeholders within one decision: same (label, value), same number."""

    numbers: dict[tuple[str, str], int] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)

    def placeholder(self, label: str, value: str) -> str:
        key = (label, value)
        n = self.numbers.get(key)
        if n is None:
            n = self.counters.get(label, 0) + 1
            self.counters[label] = n
            self.numbers[key] = n
        return f"<{label}_{n}>"


def spans_from_findings(
    findings: Iterable[Finding], *, categories: Iterable[str], arg_path: str | None = None
) -> list[RedactionSpan]:
    """The spans to redact in one string: the event text (``arg_path=None``) or one argument."""
    wanted = frozenset(categories)
    out = []
    for f in findings:
        if f.span is None or f.category not in wanted:
            continue
        if f.details.get("arg_path") != arg_path:
            continue
        kind = str(f.details.get("type") or f.rule.partition(".")[2] or f.category)
        out.append(
            RedactionSpan(
                start=f.span[0], end=f.span[1], label=kind.upper(), rule=f.rule, category=f.category
            )
        )
    return out


def merge_spans(spans: Sequence[RedactionSpan], length: int) -> list[RedactionSpan]:
    """Sorted, clipped to ``[0, length]``, overlapping spans merged (the first one's label)."""
    merged: list[RedactionSpan] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        start, end = max(0, s.start), min(length, s.end)
        if start >= end:
            continue
        if merged and start < merged[-1].end:
            last = merged[-1]
            if end > last.end:
                merged[-1] = RedactionSpan(
                    start=last.start,
                    end=end,
                    label=last.label,
                    rule=last.rule,
                    category=last.category,
                )
            continue
        merged.append(
            RedactionSpan(start=start, end=end, label=s.label, rule=s.rule, category=s.category)
        )
    return merged


def redact(
    text: str,
    spans: Sequence[RedactionSpan],
    *,
    mode_for: Callable[[RedactionSpan], RedactionMode],
    book: PlaceholderBook,
    key: bytes,
    keep_last: int = 4,
    vault: Pseudonymizer | None = None,
) -> str:
    """``text`` with every span replaced according to its mode."""
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for s in merge_spans(spans, len(text)):
        parts.append(text[pos : s.start])
        value = text[s.start : s.end]
        parts.append(_replacement(value, s, mode_for(s), book, key, keep_last, vault))
        pos = s.end
    parts.append(text[pos:])
    return "".join(parts)


def _replacement(
    value: str,
    span: RedactionSpan,
    mode: RedactionMode,
    book: PlaceholderBook,
    key: bytes,
    keep_last: int,
    vault: Pseudonymizer | None,
) -> str:
    if mode is RedactionMode.MASK:
        return "*" * len(value)
    if mode is RedactionMode.HASH:
        digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:12]
        return f"<{span.label}:{digest}>"
    if mode is RedactionMode.PARTIAL:
        if keep_last <= 0 or len(value) <= 2 * keep_last:
            return "*" * len(value)
        return "*" * (len(value) - keep_last) + value[-keep_last:]
    if mode is RedactionMode.PSEUDONYMIZE and vault is not None:
        return vault.pseudonym(span.label, value)
    return book.placeholder(span.label, value)
