"""Detector ``obfuscation``: hiding techniques found while building the text views.

The views already undid the hiding (so the injection and sensitive-data detectors see the
plain text); this detector reports that hiding happened at all, since ordinary users rarely
smuggle text in tag characters or spell instructions in ROT13. Severities follow risk:

=========================  ==========================================================
tag smuggling              high: invisible text addressed to the model
invisible chars, bidi      medium (low for a single stray zero-width character)
homoglyphs                 medium for mixed-script words; low for full-width/math letters
base64, base32, base85,    low for decoded prose, info for a short decoded string,
hex, ROT13, reversed,      medium when it reads as an instruction; one level up when nested
Morse, URL, HTML entities,
quoted-printable, escapes
leetspeak, spaced letters  low; medium when the folded text reads as an instruction
=========================  ==========================================================

One finding per technique and event (``details.count`` says how many), spanning the first
occurrence in the original text. Evidence describes shape only, never the hidden text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from aimds.detectors.base import DetectorInfo
from aimds.text import Mark, TextViews
from aimds.text.leet import unleet
from aimds.text.marks import MarkLog
from aimds.text.words import has_directive, word_ratio
from aimds.types import Event, Finding, Severity

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.types import Services

__all__ = ["ObfuscationDetector", "build"]

_CATEGORY = "obfuscation"
_STAGE = "detectors"
_MIN_STYLED_LETTERS = 3
_PROSE_WORDS = 3
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
"""An e-mail address: its ``@`` is the address's own, not an ``a`` in disguise."""

_ENCODING_RULES = {
    "base64": ("obfuscation.base64", "base64"),
    "base32": ("obfuscation.base32", "base32"),
    "hex": ("obfuscation.hex", "hex"),
    "rot13": ("obfuscation.rot13", "ROT13"),
    "reversed": ("obfuscation.reversed", "reversed writing"),
    "url": ("obfuscation.url_encoding", "URL encoding of plain letters"),
    "html": ("obfuscation.html_entities", "HTML entities for plain letters"),
    "base85": ("obfuscation.base85", "base85"),
    "morse": ("obfuscation.morse", "Morse code"),
    "quoted_printable": ("obfuscation.quoted_printable", "quoted-printable escapes of letters"),
    "escapes": ("obfuscation.escapes", "backslash escapes of plain letters"),
}
_UP = {
    Severity.INFO: Severity.LOW,
    Severity.LOW: Severity.MEDIUM,
    Severity.MEDIUM: Severity.HIGH,
    Severity.HIGH: Severity.HIGH,
    Severity.CRITICAL: Severity.CRITICAL,
}


class ObfuscationDetector:
    """Turns the marks and decoded segments of :class:`TextViews` into findings."""

    info = DetectorInfo(id="obfuscation", version="1", categories=(_CATEGORY,), pure=True)

    def detect(self, event: Event, views: Any) -> Sequence[Finding]:
        if not isinstance(views, TextViews):
            return ()
        findings: list[Finding] = []
        marks = views.marks
        if marks:
            self._from_marks(views, marks, findings)
        if views.decoded:
            self._from_decoded(views, findings)
        return findings

    def _from_marks(self, views: TextViews, marks: Mapping[str, Mark], out: list[Finding]) -> None:
        for technique in ("tags", "variation_selectors"):
            mark = marks.get(technique)
            if mark is not None:
                hidden = sum(len(h.text) for h in views.hidden if h.encoding == technique)
                out.append(
                    _finding(
                        "obfuscation.tag_smuggling",
                        Severity.HIGH,
                        f"text hides {hidden} characters in invisible Unicode "
                        f"{'tag characters' if technique == 'tags' else 'variation selectors'}",
                        mark,
                        technique,
                        evidence=f"{mark.count} invisible code points carrying {hidden} chars",
                    )
                )
        mark = marks.get("invisible")
        if mark is not None:
            severity = Severity.MEDIUM if mark.count > 1 else Severity.LOW
            out.append(
                _finding(
                    "obfuscation.invisible_chars",
                    severity,
                    f"{mark.count} zero-width characters split words of the text",
                    mark,
                    "invisible",
                    evidence=f"{mark.count} zero-width characters",
                )
            )
        mark = marks.get("bidi")
        if mark is not None:
            out.append(
                _finding(
                    "obfuscation.bidi",
                    Severity.MEDIUM,
                    f"{mark.count} bidirectional control characters reorder how the text reads",
                    mark,
                    "bidi",
                    evidence=f"{mark.count} bidi control characters",
                )
            )
        self._homoglyphs(marks, out)
        self._leet(views, marks, out)

    def _homoglyphs(self, marks: Mapping[str, Mark], out: list[Finding]) -> None:
        mixed = marks.get("homoglyph")
        styled = [
            (name, mark)
            for name in ("fullwidth", "math_alnum", "enclosed")
            if (mark := marks.get(name)) is not None and mark.count >= _MIN_STYLED_LETTERS
        ]
        if mixed is not None:
            out.append(
                _finding(
                    "obfuscation.homoglyphs",
                    Severity.MEDIUM,
                    f"{mixed.count} words mix Latin letters with look-alikes of other scripts",
                    mixed,
                    "homoglyph",
                    evidence=f"{mixed.count} mixed-script words",
                )
            )
        elif styled:
            name, mark = styled[0]
            total = sum(m.count for _, m in styled)
            out.append(
                _finding(
                    "obfuscation.homoglyphs",
                    Severity.LOW,
                    f"{total} letters written as full-width or mathematical look-alikes",
                    mark,
                    name,
                    evidence=f"{total} styled letters",
                )
            )

    def _leet(self, views: TextViews, marks: Mapping[str, Mark], out: list[Finding]) -> None:
        leet = marks.get("leet")
        found = [
            (n, m)
            for n, m in (
                ("leet", leet and _leet_mark(views, leet)),
                ("spaced", marks.get("spaced")),
            )
            if m is not None
        ]
        if not found:
            return
        name, mark = found[0]
        total = sum(m.count for _, m in found)
        severity = Severity.MEDIUM if has_directive(views.folded) else Severity.LOW
        out.append(
            _finding(
                "obfuscation.leetspeak",
                severity,
                f"{total} words spelled in leetspeak or with spaced-out letters",
                mark,
                name,
                evidence=f"{total} disguised words",
            )
        )

    def _from_decoded(self, views: TextViews, out: list[Finding]) -> None:
        best: dict[str, tuple[Severity, int, int, tuple[int, int]]] = {}
        for seg in views.decoded:
            if not seg.notable or seg.encoding not in _ENCODING_RULES:
                continue
            severity = _decoded_severity(seg.text)
            if seg.depth > 1:
                severity = _UP[severity]
            current = best.get(seg.encoding)
            if current is None:
                best[seg.encoding] = (severity, 1, len(seg.text), seg.span)
            else:
                top = max(current[0], severity)
                best[seg.encoding] = (top, current[1] + 1, current[2] + len(seg.text), current[3])
        for encoding, (severity, count, chars, span) in best.items():
            rule, label = _ENCODING_RULES[encoding]
            out.append(
                Finding(
                    rule=rule,
                    category=_CATEGORY,
                    severity=severity,
                    message=f"{count} segments hidden in {label} decode to readable text",
                    confidence=0.9,
                    span=span,
                    evidence=f"{count} segments, {chars} decoded chars",
                    stage=_STAGE,
                    details={
                        "layer": "obfuscation",
                        "technique": encoding,
                        "count": count,
                        "decoded_chars": chars,
                    },
                )
            )


def _leet_mark(views: TextViews, mark: Mark) -> Mark | None:
    """``mark`` without the leet words that are e-mail addresses, ``None`` if only those: the
    views read ``@`` as ``a`` everywhere (``accounting@ourcompany.com`` folds to a known
    word), which is right for matching but says nothing about disguise where the ``@`` joins
    a mailbox to its domain. Counted again on the original with the addresses blanked, only
    when it has one."""
    original = views.original
    if "@" not in original or _EMAIL.search(original) is None:
        return mark
    log = MarkLog()
    unleet(_EMAIL.sub(lambda m: " " * len(m.group()), original.casefold()), log)
    return log.result().get("leet")


def _decoded_severity(text: str) -> Severity:
    if has_directive(text):
        return Severity.MEDIUM
    _, words = word_ratio(text)
    return Severity.LOW if words >= _PROSE_WORDS else Severity.INFO


def _finding(
    rule: str, severity: Severity, message: str, mark: Mark, technique: str, *, evidence: str
) -> Finding:
    return Finding(
        rule=rule,
        category=_CATEGORY,
        severity=severity,
        message=message,
        confidence=0.9,
        span=mark.span,
        evidence=evidence,
        stage=_STAGE,
        details={"layer": "obfuscation", "technique": technique, "count": mark.count},
    )


def build(policy: Policy, services: Services) -> ObfuscationDetector | None:
    """The detector for this policy, or ``None`` where it is switched off."""
    settings = policy.document.detectors.normalize
    if not settings.enabled or not settings.obfuscation_findings:
        return None
    return ObfuscationDetector()
