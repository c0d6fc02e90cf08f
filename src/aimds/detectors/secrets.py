"""Detector ``secrets``: credentials by format (the rule table) and by name (assignments).

Cost model: one RE2 set pass over the text finds which keywords (of all rules and of the
assignment scan) occur; a text with none (most prompts) stops there. Otherwise only the
rules whose keywords occur run, and the assignment scan visits only the positions of its
keywords. Overlapping hits keep the most specific one: vendor formats first (a recognised
public sample claims its span and reports nothing), names last.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import re2

from aimds.detectors.base import DetectorInfo
from aimds.detectors.sensitive_assign import KEYWORDS as _ASSIGN_KEYWORDS
from aimds.detectors.sensitive_assign import find_assignments
from aimds.detectors.sensitive_gate import HintSet
from aimds.detectors.sensitive_scan import Hit, resolve_overlaps, scan_event
from aimds.detectors.sensitive_secret_rules import (
    BUILTIN_RULES,
    CompiledRule,
    SecretRule,
    compile_rules,
)
from aimds.errors import ConfigError
from aimds.policy.fields import compile_regex
from aimds.types import Event, EventKind, Finding, Severity, Verdict

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.policy.sections.sensitive import SensitiveSection
    from aimds.types import Services

__all__ = ["SecretsDetector", "build"]

_SEVERE = {"private_key", "aws_secret_access_key", "azure_storage_key", "stripe_key"}


class SecretsDetector:
    """Finds credentials in prompts, completions, tool results and tool-call arguments."""

    info = DetectorInfo(id="secrets", version="1", categories=("secret",), pure=True)

    def __init__(self, section: SensitiveSection, rules: Sequence[CompiledRule]) -> None:
        settings = section.secrets
        disabled = set(settings.disabled_types)
        self._rules = tuple(r for r in rules if r.rule.kind not in disabled)
        self._assign = (
            "generic_high_entropy_api_key" not in disabled or "password_assignment" not in disabled
        )
        self._disabled = frozenset(disabled)
        keywords = sorted({k for r in self._rules for k in r.keywords} | set(_ASSIGN_KEYWORDS))
        self._hints = HintSet([re2.escape(k) for k in keywords], ignore_case=True)
        self._keywords = tuple(keywords)
        self._always = tuple(i for i, r in enumerate(self._rules) if not r.keywords)
        self._rules_of = tuple(
            tuple(i for i, r in enumerate(self._rules) if k in r.keywords) for k in keywords
        )
        self._min_entropy = settings.min_entropy
        self._allow = tuple(compile_regex(p) for p in settings.allow)
        self._section = section
        self._max_chars = section.max_scan_chars
        # the policy's action per event kind, read once (a pydantic method call per event)
        self._actions: dict[EventKind, Verdict | None] = {
            kind: section.action(kind, "secret") for kind in EventKind
        }

    def detect(self, event: Event, views: Any) -> Sequence[Finding]:
        return scan_event(
            event,
            detector="secrets",
            category="secret",
            action=self._actions.get(event.kind),
            max_chars=self._max_chars,
            scan=self.scan,
            allowed=self._allowed,
            views=views,
        )

    def scan(self, text: str) -> list[Hit]:
        """Hits in ``text`` (spans into it), overlaps resolved; public samples dropped."""
        found = self._hints.active(text.encode("utf-8", "surrogatepass"))
        if not found and not self._always:
            return []
        wanted = set(self._always)
        for i in found:
            wanted.update(self._rules_of[i])
        hits: list[Hit] = []
        for index in sorted(wanted):
            compiled = self._rules[index]
            rule = compiled.rule
            for start, end, _value, ok in compiled.values(text):
                hits.append(
                    Hit(
                        start=start,
                        end=end,
                        kind=rule.kind,
                        severity=_severity(rule),
                        confidence=0.95,
                        keep=rule.prefix,
                        report=ok,
                    )
                )
        words = [self._keywords[i] for i in found if self._keywords[i] in _ASSIGN_KEYWORDS]
        if self._assign and words:
            claimed = _disjoint(hits)
            for a in find_assignments(text, words, min_entropy=self._min_entropy, claimed=claimed):
                if a.kind in self._disabled:
                    continue
                hits.append(
                    Hit(
                        start=a.start,
                        end=a.end,
                        kind=a.kind,
                        severity=Severity.CRITICAL if a.kind in _SEVERE else Severity.HIGH,
                        confidence=0.8 if a.kind == "generic_high_entropy_api_key" else 0.85,
                    )
                )
        return resolve_overlaps(hits) if hits else hits

    def _allowed(self, value: str) -> bool:
        return any(p.fullmatch(value) is not None for p in self._allow)


def _disjoint(hits: Sequence[Hit]) -> list[tuple[int, int]]:
    """The spans ``hits`` cover, merged into sorted disjoint spans."""
    out: list[tuple[int, int]] = []
    for start, end in sorted((h.start, h.end) for h in hits):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _severity(rule: SecretRule) -> Severity:
    if rule.kind in _SEVERE and rule.severity < Severity.CRITICAL:
        return Severity.CRITICAL
    return rule.severity


def _custom_rules(section: SensitiveSection) -> tuple[SecretRule, ...]:
    return tuple(
        SecretRule(
            id=f"custom_{c.id}",
            type=c.id,
            description=c.description or c.id,
            regex=c.regex,
            keywords=tuple(c.keywords),
            min_entropy=c.min_entropy,
            examples=tuple(c.examples),
            counterexamples=tuple(c.counterexamples),
            severity=c.severity,
        )
        for c in section.secrets.custom
    )


def build(policy: Policy, services: Services) -> SecretsDetector | None:
    """The detector for this policy, or ``None`` where it is switched off."""
    section = policy.document.sensitive
    if not section.secrets.enabled:
        return None
    try:
        custom = compile_rules(_custom_rules(section), compile_fn=compile_regex)
    except ConfigError as exc:
        raise policy.error(str(exc), ("sensitive", "secrets", "custom")) from None
    return SecretsDetector(section, compile_rules(BUILTIN_RULES) + custom)
