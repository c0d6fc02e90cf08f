"""The ``normalize`` stage: builds the text views of each event, once, for the detectors.

Texts longer than ``detectors.normalize.max_chars`` are viewed through their first window
and reported as ``input.too_large`` with ``oversize_action`` (block by default), unless the
inputs stage already reported the event text as too large. For tool calls the views cover
the string values of the (sanitised) arguments, joined by newlines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aimds.text.views import build_views
from aimds.types import Evaluation, EventKind, Finding, Severity

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.policy.sections.normalize import NormalizeSettings
    from aimds.types import Services

__all__ = ["NormalizeStage", "argument_text", "build_stage"]

_MAX_ARG_DEPTH = 32
_TOOL_CALL = EventKind.TOOL_CALL


class NormalizeStage:
    name = "normalize"

    def __init__(self, settings: NormalizeSettings) -> None:
        self._settings = settings
        self._limit = settings.max_chars + 1

    def __call__(self, ev: Evaluation) -> None:
        event = ev.event
        if event.kind is _TOOL_CALL:
            text = argument_text(ev.args, self._limit)
        else:
            text = event.text if type(event.text) is str else ""
        if not text:
            return
        views = build_views(text, self._settings)
        ev.views = views
        if views.truncated and not _already_reported(ev):
            ev.findings.append(
                Finding(
                    rule="input.too_large",
                    category="input",
                    severity=Severity.HIGH,
                    message=(
                        f"text longer than detectors.normalize.max_chars "
                        f"({self._settings.max_chars}); only the first window was scanned"
                    ),
                    action=self._settings.oversize_action,
                    stage=self.name,
                    details={"layer": "normalize", "chars": len(text)},
                )
            )


def _already_reported(ev: Evaluation) -> bool:
    return any(
        f.rule == "input.too_large" and f.details.get("argument") == "text" for f in ev.findings
    )


def argument_text(args: Mapping[str, Any], limit: int) -> str:
    """The string values of ``args`` (nested ones too), joined by newlines, at most
    ``limit`` characters. Keys are left out: they are names, not content."""
    if type(args) is dict:  # the commonest call: a flat dict of strings under the limit
        values = list(args.values())
        for v in values:
            if type(v) is not str:
                break
        else:
            joined = "\n".join(values)
            if len(joined) < limit:  # then the budgeted walk below collects every value
                return joined
    parts: list[str] = []
    if isinstance(args, str):  # not a mapping after all: its one string is the text
        parts.append(args)
    elif isinstance(args, Mapping | list | tuple):
        _collect(args, 0, parts, limit)
    text = "\n".join(parts)
    return text if len(text) <= limit else text[:limit]


def _collect(value: Any, depth: int, parts: list[str], budget: int) -> int:
    """Append the strings under ``value`` to ``parts`` until about ``budget`` characters
    (each counted with its separator) are collected; return what is left of the budget."""
    if depth >= _MAX_ARG_DEPTH:  # its items would lie deeper than the limit
        return budget
    items = value.values() if isinstance(value, Mapping) else value
    for item in items:
        if budget <= 0:
            break
        if isinstance(item, str):
            parts.append(item)
            budget -= len(item) + 1
        elif isinstance(item, Mapping | list | tuple):
            budget = _collect(item, depth + 1, parts, budget)
    return budget


def build_stage(policy: Policy, services: Services) -> NormalizeStage | None:
    """The stage for this policy, or ``None`` where normalisation is switched off."""
    settings = policy.document.detectors.normalize
    return NormalizeStage(settings) if settings.enabled else None
