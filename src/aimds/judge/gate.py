"""When the judge is asked: the fast gates' pre-decide verdict and score, and the doubt band.

:func:`pre_decide` reads the findings exactly as :mod:`aimds.decide` will (a finding's own
action, else the policy's severity map for the event kind; strictest wins; the score is the
largest ``severity weight x confidence``), so the judge sees the decision the fast gates are
about to make. :meth:`Gate.select` then says why to ask, or ``None``:

- never when the fast gates already block (the judge can only add findings, so asking
  could not change the outcome and would only cost time), nor for a tool call no rule
  classified (``decide`` denies it by default);
- ``always``: every event of ``kinds``;
- ``doubt``: a score in ``[doubt_low, doubt_high)`` (findings of ``ignore_categories``
  left out), or a tool call whose action carries a ``sensitive_tags`` tag (outbound,
  destructive, credential access by default).

Pure functions of the evaluation: no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from aimds.decide import severity_weight
from aimds.types import ActionInfo, EventKind, Finding, Severity, Verdict

if TYPE_CHECKING:
    from aimds.policy import Policy

__all__ = ["Gate", "pre_decide"]

SeverityMap = dict[Severity, Verdict]


def pre_decide(
    findings: Iterable[Finding], severity_map: SeverityMap, *, ignore: frozenset[str] = frozenset()
) -> tuple[Verdict, float]:
    """The verdict ``decide`` would give ``findings`` now, and the score of those whose
    category is not in ``ignore``."""
    verdict = Verdict.ALLOW
    score = 0.0
    for f in findings:
        wanted = f.action if f.action is not None else severity_map[f.severity]
        if wanted > verdict:
            verdict = wanted
        if f.category not in ignore:
            weighted = severity_weight(f.severity) * f.confidence
            if weighted > score:
                score = weighted
    return verdict, min(max(score, 0.0), 1.0)


class Gate:
    """The judge section's selection rules, compiled once per policy."""

    def __init__(self, policy: Policy) -> None:
        section = policy.document.judge
        decide = policy.document.decide
        base = dict(decide.severity_verdicts)
        self._maps: dict[EventKind, SeverityMap] = {
            kind: base | dict(decide.by_kind.get(kind, {})) for kind in EventKind
        }
        self.kinds = frozenset(section.kinds)
        self._always = section.mode == "always"
        self._low = section.doubt_low
        self._high = section.doubt_high
        self._sensitive = frozenset(section.sensitive_tags)
        self._ignore = frozenset(section.ignore_categories)

    def select(
        self, kind: EventKind, findings: Iterable[Finding], action: ActionInfo | None
    ) -> tuple[Verdict, str | None]:
        """The fast gates' pre-decide verdict, and why the judge should be asked about this
        event (``"always"``, ``"doubt"``, ``"sensitive"``) or ``None`` when it should not."""
        if kind is EventKind.TOOL_CALL and action is None:
            return Verdict.BLOCK, None  # decide blocks it: no action rule evaluated it
        verdict, score = pre_decide(findings, self._maps[kind], ignore=self._ignore)
        if verdict is Verdict.BLOCK or kind not in self.kinds:
            return verdict, None
        if self._always:
            return verdict, "always"
        if self._low <= score < self._high:
            return verdict, "doubt"
        if action is not None and kind is EventKind.TOOL_CALL and self.sensitive(action):
            return verdict, "sensitive"
        return verdict, None

    def sensitive(self, action: ActionInfo) -> bool:
        """True when the action carries one of the policy's sensitive tags."""
        tags = action.tags
        if action.outbound and "outbound" in self._sensitive:
            return True
        if action.destructive and "destructive" in self._sensitive:
            return True
        return not self._sensitive.isdisjoint(tags)
