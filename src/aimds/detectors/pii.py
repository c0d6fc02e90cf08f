"""Detector ``pii``: personal data (e-mail, phone, SSN, cards, IBAN, IPs, birth dates, addresses).

Every recogniser validates what its pattern proposes (Luhn, mod-97, SSN ranges, public
address ranges) and drops reserved or published example values (example.com, 555-01xx,
test cards, the documentation IBANs, 2001:db8::/32). Findings carry the exact span.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import re2

from aimds.detectors.base import DetectorInfo
from aimds.detectors.sensitive_gate import Gated, HintSet, ascii_view
from aimds.detectors.sensitive_pii_rules import PII_RECOGNIZERS, PiiRecognizer
from aimds.detectors.sensitive_scan import Hit, resolve_overlaps, scan_event
from aimds.errors import ConfigError
from aimds.policy.fields import compile_regex
from aimds.types import Event, EventKind, Finding, Severity, Verdict

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.policy.sections.sensitive import SensitiveSection
    from aimds.types import Services

__all__ = ["PiiDetector", "build", "check_recognizers"]

_SEVERITY = {
    "us_ssn": Severity.HIGH,
    "credit_card": Severity.HIGH,
    "iban": Severity.MEDIUM,
    "date_of_birth": Severity.MEDIUM,
    "street_address": Severity.MEDIUM,
    "phone": Severity.MEDIUM,
    "email": Severity.LOW,
    "ipv4": Severity.LOW,
    "ipv6": Severity.LOW,
}


class PiiDetector:
    info = DetectorInfo(id="pii", version="1", categories=("pii",), pure=True)

    def __init__(self, section: SensitiveSection, recognizers: Sequence[PiiRecognizer]) -> None:
        settings = section.pii
        wanted = {t.value for t in settings.types}
        self._recognizers = tuple(
            (r, Gated(r.pattern, r.gate)) for r in recognizers if r.type in wanted
        )
        self._hints = HintSet([r.hint for r, _ in self._recognizers])
        self._domains = tuple(d.lower().lstrip("@.") for d in settings.allow_domains)
        self._allow = tuple(compile_regex(p) for p in settings.allow)
        self._min_confidence = settings.min_confidence
        self._section = section
        self._max_chars = section.max_scan_chars
        # the policy's action per event kind, read once (a pydantic method call per event)
        self._actions: dict[EventKind, Verdict | None] = {
            kind: section.action(kind, "pii") for kind in EventKind
        }

    def detect(self, event: Event, views: Any) -> Sequence[Finding]:
        return scan_event(
            event,
            detector="pii",
            category="pii",
            action=self._actions.get(event.kind),
            max_chars=self._max_chars,
            scan=self.scan,
            allowed=self._allowed,
            views=views,
        )

    def scan(self, text: str) -> list[Hit]:
        """Hits in ``text``: one RE2 pass picks the recognisers with candidates, their gates
        find the candidates, and only those are matched, validated and weighed."""
        view = ascii_view(text)
        hits: list[Hit] = []
        for i in self._hints.active(view):
            rec, gated = self._recognizers[i]
            lead = rec.lead
            for m in gated.finditer(text, view):
                start, end = m.span()
                if start and text[start - 1] in lead:
                    continue
                confidence = rec.check(text, m.group(0), start, end)
                if confidence is None or confidence < self._min_confidence:
                    continue
                hits.append(
                    Hit(
                        start=start,
                        end=end,
                        kind=rec.type,
                        severity=_SEVERITY[rec.type],
                        confidence=confidence,
                    )
                )
        return resolve_overlaps(hits) if hits else hits

    def _allowed(self, value: str) -> bool:
        if self._domains and "@" in value:
            domain = value.rpartition("@")[2].lower()
            if any(domain == d or domain.endswith("." + d) for d in self._domains):
                return True
        return any(p.fullmatch(value) is not None for p in self._allow)


def check_recognizers(recognizers: Sequence[PiiRecognizer]) -> None:
    """Prove the table: gates and hints compile in RE2, every example is found through
    them, and no counterexample is."""
    for rec in recognizers:
        try:
            gated = Gated(rec.pattern, rec.gate)
            hints = HintSet([rec.hint])
        except re2.error as exc:
            raise ConfigError(
                f"pii recogniser {rec.type!r}: gate or hint invalid ({exc})"
            ) from None
        for i, sample in enumerate(rec.examples):
            if not _finds(rec, gated, hints, sample):
                raise ConfigError(f"pii recogniser {rec.type!r}: example #{i} is not detected")
        for i, sample in enumerate(rec.counterexamples):
            if _finds(rec, gated, hints, sample):
                raise ConfigError(f"pii recogniser {rec.type!r}: counterexample #{i} is detected")


def _finds(rec: PiiRecognizer, gated: Gated, hints: HintSet, text: str) -> bool:
    view = ascii_view(text)
    return bool(hints.active(view)) and any(
        not (m.start() and text[m.start() - 1] in rec.lead)
        and rec.check(text, m.group(0), *m.span()) is not None
        for m in gated.finditer(text, view)
    )


def build(policy: Policy, services: Services) -> PiiDetector | None:
    """The detector for this policy, or ``None`` where it is switched off."""
    section = policy.document.sensitive
    if not section.pii.enabled or not section.pii.types:
        return None
    check_recognizers(PII_RECOGNIZERS)
    return PiiDetector(section, PII_RECOGNIZERS)
