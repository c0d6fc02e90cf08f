"""What the sensitive-data detectors scan, and how a raw hit becomes a :class:`Finding`.

An event's text is scanned as written, so spans point into ``event.text``. A tool call's
arguments are walked (bounded): each string value is scanned as ``"<key>: <value>"`` so the
argument's name serves as context (``{"password": "..."}``), and a hit keeps only its part
inside the value, with ``details["arg_path"]`` (``headers.authorization``, ``items.0``).

Nothing is skipped silently: text beyond ``sensitive.max_scan_chars`` (event text and
argument strings together), arguments nested deeper than :data:`MAX_DEPTH` and strings
beyond :data:`MAX_STRINGS` are left unscanned and reported as one ``input.too_large``
finding per detector (severity high, no action of its own: the policy's severity map
decides, block by default).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aimds.detectors.sensitive_values import mask
from aimds.types import Event, EventKind, Finding, Severity, Verdict

__all__ = [
    "MAX_DEPTH",
    "MAX_STRINGS",
    "Hit",
    "ScanPlan",
    "Target",
    "findings_for",
    "plan",
    "resolve_overlaps",
    "too_large",
]

MAX_DEPTH = 64
"""Argument nesting scanned; deeper values are reported (the inputs stage's default
``limits.max_depth`` is 16, so only policies that raise it can reach this)."""
MAX_STRINGS = 100_000
"""Argument strings scanned per event; beyond them, reported (``limits.max_items`` is
10,000 by default)."""


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class Target:
    """One string to scan: ``text`` holds ``prefix`` context characters before the value."""

    text: str
    prefix: int = 0
    arg_path: str | None = None

    def __init__(self, *, text: str, prefix: int = 0, arg_path: str | None = None) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "prefix", prefix)
        object.__setattr__(self, "arg_path", arg_path)


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
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

    def __init__(
        self,
        *,
        start: int,
        end: int,
        kind: str,
        severity: Severity,
        confidence: float = 0.9,
        keep: int = 0,
        report: bool = True,
    ) -> None:
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "severity", severity)
        object.__setattr__(self, "confidence", confidence)
        object.__setattr__(self, "keep", keep)
        object.__setattr__(self, "report", report)


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class ScanPlan:
    """The strings of an event to scan, and whether anything had to be left out."""

    targets: tuple[Target, ...]
    truncated: bool = False
    """Some text, argument or nesting level was not scanned (see :func:`too_large`)."""
    chars: int = 0
    """Characters of event text and argument strings seen (scanned or not)."""

    def __init__(
        self, *, targets: tuple[Target, ...], truncated: bool = False, chars: int = 0
    ) -> None:
        object.__setattr__(self, "targets", targets)
        object.__setattr__(self, "truncated", truncated)
        object.__setattr__(self, "chars", chars)


def plan(event: Event, max_chars: int) -> ScanPlan:
    """What to scan of ``event``: at most ``max_chars`` characters in all."""
    out: list[Target] = []
    budget = max_chars
    seen = 0
    truncated = False
    if event.text:
        seen = len(event.text)
        out.append(Target(text=event.text[:budget]))
        truncated = seen > budget
        budget -= min(seen, budget)
    if event.kind is EventKind.TOOL_CALL and event.args:
        args = event.args
        if type(args) is dict and len(args) <= _FLAT_MAX:
            flat = _flat(args, budget)
            if flat is not None:  # a flat dict of strings, all within the budget
                out.extend(flat[0])
                return ScanPlan(targets=tuple(out), truncated=truncated, chars=seen + flat[1])
        walk = _Walk()
        for path, key, value in walk.strings(event.args, "", "", 0):
            seen += len(value)
            if budget <= 0:
                truncated = True
                continue
            if len(value) > budget:
                truncated = True
                value = value[:budget]
            budget -= len(value)
            head = f"{key}: " if key else ""
            out.append(Target(text=head + value, prefix=len(head), arg_path=path))
        truncated = truncated or walk.cut
    return ScanPlan(targets=tuple(out), truncated=truncated, chars=seen)


def too_large(detector: str, scan: ScanPlan, max_chars: int) -> Finding:
    """The finding that says part of the event was not scanned by ``detector``."""
    return Finding(
        rule="input.too_large",
        category="input",
        severity=Severity.HIGH,
        message=(
            f"{detector}: part of the event was not scanned (over sensitive.max_scan_chars="
            f"{max_chars} characters, {MAX_STRINGS} argument strings or {MAX_DEPTH} levels); "
            "raise the limit or split the input"
        ),
        stage="detectors",
        details={"layer": detector, "chars": scan.chars, "max_scan_chars": max_chars},
    )


_FLAT_MAX = 64


def _flat(args: dict[Any, Any], budget: int) -> tuple[list[Target], int] | None:
    """The targets of a flat ``dict`` of strings with string keys (the commonest tool call),
    exactly as the general walk makes them, and their characters; ``None`` where the walk
    must run (another type anywhere, or more characters than ``budget``)."""
    out: list[Target] = []
    chars = 0
    for key, value in args.items():
        if type(key) is not str or type(value) is not str or chars >= budget:
            return None  # (with no budget left the walk skips the value and reports it)
        chars += len(value)
        if chars > budget:
            return None
        head = f"{key}: " if key else ""
        out.append(Target(text=head + value, prefix=len(head), arg_path=key))
    return out, chars


class _Walk:
    """Depth-first walk over tool arguments that counts strings and notes what it cut."""

    __slots__ = ("count", "cut")

    def __init__(self) -> None:
        self.count = 0
        self.cut = False

    def strings(self, node: Any, path: str, key: str, depth: int) -> Iterator[tuple[str, str, str]]:
        if isinstance(node, str):
            if self.count >= MAX_STRINGS:
                self.cut = True
                return
            self.count += 1
            yield path, key, node
        elif isinstance(node, Mapping | list | tuple) and depth >= MAX_DEPTH:
            self.cut = True
        elif isinstance(node, Mapping):
            for k, v in node.items():
                name = str(k)
                yield from self.strings(v, f"{path}.{name}" if path else name, name, depth + 1)
        elif isinstance(node, list | tuple):
            for i, v in enumerate(node):
                yield from self.strings(v, f"{path}.{i}" if path else str(i), key, depth + 1)


def resolve_overlaps(hits: Sequence[Hit]) -> list[Hit]:
    """Keep the first hit (in priority order) of every group of overlapping spans.

    The kept spans are disjoint, so sorted by start they are sorted by end too: a new hit
    only has to be checked against its two neighbours (``O(n log n)``, not ``O(n^2)``).
    """
    starts: list[int] = []
    ends: list[int] = []
    taken: list[Hit] = []
    for hit in hits:
        i = bisect_right(starts, hit.start)
        if (i and ends[i - 1] > hit.start) or (i < len(starts) and starts[i] < hit.end):
            continue
        starts.insert(i, hit.start)
        ends.insert(i, hit.end)
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


_LAST_PLAN: list[tuple[Event, object, int, ScanPlan]] = []
"""The last plan made, with the event and views it was made for (one entry)."""


def _shared_plan(event: Event, views: object, max_chars: int) -> ScanPlan:
    """:func:`plan`, made once per evaluation for the secrets and PII detectors alike.

    The entry holds the event and the evaluation's views themselves, so an identity
    match is that evaluation (views are built afresh for every evaluation, even of an
    event checked again) and never a recycled ``id``. Threads that interleave only miss.
    """
    last = _LAST_PLAN[0] if _LAST_PLAN else None
    if last is not None and last[0] is event and last[1] is views and last[2] == max_chars:
        return last[3]
    scope = plan(event, max_chars)
    entry = (event, views, max_chars, scope)
    if _LAST_PLAN:
        _LAST_PLAN[0] = entry
    else:
        _LAST_PLAN.append(entry)
    return scope


def scan_event(
    event: Event,
    *,
    detector: str,
    category: str,
    action: Verdict | None,
    max_chars: int,
    scan: Callable[[str], Sequence[Hit]],
    allowed: Callable[[str], bool],
    views: object = None,
) -> list[Finding]:
    """What a sensitive-data detector reports for ``event``: its text or string arguments
    scanned with ``scan``, plus ``input.too_large`` when part of them was left unscanned.
    ``views`` (the evaluation's text views) lets the detectors of one evaluation share
    one plan (see :func:`_shared_plan`)."""
    scope = plan(event, max_chars) if views is None else _shared_plan(event, views, max_chars)
    out: list[Finding] = []
    if scope.truncated:
        out.append(too_large(detector, scope, max_chars))
    for target in scope.targets:
        hits = scan(target.text)
        if hits:
            out.extend(
                findings_for(
                    target,
                    hits,
                    category=category,
                    action=action,
                    stage="detectors",
                    allowed=allowed,
                )
            )
    return out
