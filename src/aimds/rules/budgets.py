"""Budgets: call rates per subject and tool, per-session caps, per-call timeouts.

Windows are kept in process memory, keyed by the fields each rate names, and bounded:
each key keeps at most ``limit`` timestamps and at most ``max_keys`` keys live (least
recently used forgotten first). Time is the event's own ``ts``, so replays of recorded
traces trip budgets exactly as the live run did. Every checked call counts, including
calls that end up blocked (a caller hammering a limit stays limited).
"""

from __future__ import annotations

import operator
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aimds.policy import Policy
from aimds.policy.sections.actions import BudgetsSection, RateRule
from aimds.rules.matchers import NameGlobs, globs_any
from aimds.types import Finding, Severity, Subject, Verdict

__all__ = ["Budgets", "timeout_for"]

_SEVERITY = {Verdict.WARN: Severity.LOW, Verdict.REVIEW: Severity.MEDIUM}


@dataclass(frozen=True, slots=True, init=False)
class _Rate:
    index: int
    rule: RateRule
    tools: NameGlobs | None
    subject_key: Callable[[Subject], Any] | None
    """The subject fields the rate is kept per (``None``: none), read in one C call."""
    per_tool: bool

    def __init__(
        self,
        index: int,
        rule: RateRule,
        tools: NameGlobs | None,
        subject_key: Callable[[Subject], Any] | None,
        per_tool: bool,
    ) -> None:
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "rule", rule)
        object.__setattr__(self, "tools", tools)
        object.__setattr__(self, "subject_key", subject_key)
        object.__setattr__(self, "per_tool", per_tool)

    @classmethod
    def of(cls, index: int, rule: RateRule) -> _Rate:
        fields = [f for f in rule.per if f != "tool"]
        return cls(
            index=index,
            rule=rule,
            tools=None if "*" in rule.tools else globs_any(rule.tools),
            subject_key=operator.attrgetter(*fields) if fields else None,
            per_tool="tool" in rule.per,
        )

    def key(self, tool: str, subject: Subject) -> tuple[object, ...]:
        who = self.subject_key(subject) if self.subject_key is not None else None
        return (self.index, tool if self.per_tool else None, who)


def _severity(action: Verdict) -> Severity:
    return _SEVERITY.get(action, Severity.HIGH)


class Budgets:
    """Rate windows and session counters of one policy; thread-safe."""

    def __init__(self, section: BudgetsSection, *, review_timeout: float = 300.0) -> None:
        self._review_timeout = review_timeout
        self._rates = tuple(_Rate.of(i, rule) for i, rule in enumerate(section.rates))
        self._session = section.session
        self._max_keys = section.max_keys
        self._windows: OrderedDict[tuple[object, ...], deque[float]] = OrderedDict()
        self._sessions: OrderedDict[tuple[str, str], list[float]] = OrderedDict()
        self._lock = threading.Lock()
        self._tool_rates: dict[str, tuple[_Rate, ...]] = {}

    @property
    def active(self) -> bool:
        return bool(self._rates) or (
            self._session.max_calls is not None or self._session.max_duration_s is not None
        )

    def _rates_for(self, tool: str) -> tuple[_Rate, ...]:
        found = self._tool_rates.get(tool)
        if found is None:
            found = tuple(r for r in self._rates if r.tools is None or r.tools.any(tool))
            if len(self._tool_rates) >= 4096:
                self._tool_rates.clear()
            self._tool_rates[tool] = found
        return found

    def charge(self, tool: str, subject: Subject, ts: float, findings: list[Finding]) -> None:
        """Count one call at ``ts`` and append a finding for every budget it exceeds."""
        rates = self._rates_for(tool)
        session = self._session
        with self._lock:
            for rate in rates:
                self._charge_rate(rate, tool, subject, ts, findings)
            if session.max_calls is not None or session.max_duration_s is not None:
                self._charge_session(subject, ts, findings)

    def _charge_rate(
        self, rate: _Rate, tool: str, subject: Subject, ts: float, findings: list[Finding]
    ) -> None:
        rule = rate.rule
        key = rate.key(tool, subject)
        window = self._windows.get(key)
        if window is None:
            window = deque(maxlen=rule.limit)
            self._windows[key] = window
            if len(self._windows) > self._max_keys:
                self._windows.popitem(last=False)
        else:
            self._windows.move_to_end(key)
        horizon = ts - rule.window_s
        while window and window[0] <= horizon:
            window.popleft()
        exceeded = len(window) >= rule.limit
        window.append(ts)
        if exceeded:
            findings.append(
                Finding(
                    rule=rule.id,
                    category="budget",
                    severity=_severity(rule.action),
                    message=f"more than {rule.limit} calls in {rule.window_s:g}s "
                    f"per {'/'.join(rule.per)}",
                    action=rule.action,
                    stage="rules",
                    details=self._details(
                        rule.action, {"limit": rule.limit, "window_s": rule.window_s}
                    ),
                )
            )

    def _details(self, action: Verdict, details: dict[str, Any]) -> dict[str, Any]:
        if action is Verdict.REVIEW:
            details["timeout_s"] = self._review_timeout
        return details

    def _charge_session(self, subject: Subject, ts: float, findings: list[Finding]) -> None:
        session = self._session
        key = (subject.tenant, subject.session)
        state = self._sessions.get(key)
        if state is None:
            state = [ts, 0.0]
            self._sessions[key] = state
            if len(self._sessions) > self._max_keys:
                self._sessions.popitem(last=False)
        else:
            self._sessions.move_to_end(key)
        state[1] += 1
        if session.max_calls is not None and state[1] > session.max_calls:
            findings.append(
                _session_finding(
                    "budget.session_calls",
                    f"session exceeded budgets.session.max_calls ({session.max_calls})",
                    session.action,
                    self._details(session.action, {}),
                )
            )
        if session.max_duration_s is not None and ts - state[0] > session.max_duration_s:
            findings.append(
                _session_finding(
                    "budget.session_duration",
                    f"session is older than budgets.session.max_duration_s "
                    f"({session.max_duration_s:g}s)",
                    session.action,
                    self._details(session.action, {}),
                )
            )


def _session_finding(rule: str, message: str, action: Verdict, details: dict[str, Any]) -> Finding:
    return Finding(
        rule=rule,
        category="budget",
        severity=_severity(action),
        message=message,
        action=action,
        stage="rules",
        details=details,
    )


def timeout_for(policy: Policy, tool: str) -> float | None:
    """The per-call timeout for guarded function ``tool`` (``budgets.timeouts`` first)."""
    section = policy.document.budgets
    for glob, seconds in section.timeouts.items():
        if NameGlobs([(glob, 0)]).any(tool):
            return seconds
    return section.timeout_s
