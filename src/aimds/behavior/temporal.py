"""Temporal rules of the policy, compiled to incremental past-time monitors.

Each form keeps O(1) state per rule and scope, updated by each matching event; history is
never rescanned:

* ``never: X, after: Y, within: D``: a ``Y`` stores its time; an ``X`` reads it (before any
  update by the same event) and fires when it is set and no older than ``D``.
* ``require: A, before: B, within: D``: an ``A`` stores its time; a ``B`` fires when none is
  stored (or it is older than ``D``).
* ``at_most: N, of: X, per: D``: a sliding window of ``X`` events; fires on the ``N+1``-th.

Rules may be limited to trust tiers (``tiers: [untrusted]``). Findings are
``temporal.<id>`` with the rule's action. Errors point at ``file:line`` of the rule.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aimds.behavior.batch import Batch, Ctx
from aimds.behavior.findings import finding
from aimds.behavior.store import Get, Result, Set, Window
from aimds.policy.sections.behavior import EventMatch, TemporalRule
from aimds.types import Evaluation, Finding

if TYPE_CHECKING:
    from aimds.policy import Policy

__all__ = ["Monitor", "compile_rules", "compile_match"]

Predicate = Callable[[Evaluation], bool]


def _glob(pattern: str) -> Callable[[str], bool]:
    return re.compile(fnmatch.translate(pattern)).match  # type: ignore[return-value]


def compile_match(m: EventMatch) -> Predicate:
    """A predicate over an evaluation; every condition given must hold."""
    tests: list[Predicate] = []
    if m.kind is not None:
        kind = m.kind
        tests.append(lambda ev: ev.event.kind is kind)
    if m.type is not None:
        type_ok = _glob(m.type)
        tests.append(lambda ev: ev.action is not None and bool(type_ok(ev.action.type)))
    if m.tool is not None:
        tool_ok = _glob(m.tool)
        tests.append(lambda ev: ev.event.tool is not None and bool(tool_ok(ev.event.tool)))
    if m.tag is not None:
        tag = m.tag
        tests.append(lambda ev: ev.action is not None and tag in ev.action.tags)
    if m.outbound is not None:
        want = m.outbound
        tests.append(
            lambda ev: (
                (ev.action is not None and (ev.action.outbound or "outbound" in ev.action.tags))
                is want
            )
        )
    if m.finding is not None:
        found = _glob(m.finding)
        tests.append(lambda ev: any(found(f.category) or found(f.rule) for f in ev.findings))
    if m.event is not None:
        name = m.event
        tests.append(
            lambda ev: (
                ev.event.meta.get("event") == name or any(f.rule == name for f in ev.findings)
            )
        )
    return lambda ev: all(t(ev) for t in tests)


def _int(value: Result) -> int:
    return int(value) if isinstance(value, int | str) else 0


@dataclass(frozen=True, slots=True)
class Monitor:
    """One compiled rule: when an event matches ``trigger`` the rule is checked, when it
    matches ``update`` its state is updated (checked first, then updated)."""

    rule: TemporalRule
    form: str
    trigger: Predicate
    update: Predicate | None
    horizon: float

    def plan(self, c: Ctx, b: Batch, ttl: float) -> None:
        rule = self.rule
        key = c.keys.for_scope(rule.scope, f"tr:{rule.id}")
        triggered = self.trigger(c.ev)
        if self.form == "at_most":
            if not triggered:
                return
            at = b.add(
                Window(
                    key=key,
                    member=None,
                    score=c.ts,
                    horizon=self.horizon,
                    ttl=self.horizon,
                )
            )
            limit = rule.at_most or 0

            def over(r: list[Result]) -> bool:
                return _int(r[at]) > limit

            self._check(b, over, lambda r: f"{_int(r[at])} events in {self.horizon:g}s")
        elif triggered:
            at = b.add(Get(key=key))
            horizon = self.horizon

            def seen(r: list[Result]) -> bool:
                value = r[at]
                return value is not None and c.ts - float(str(value)) <= horizon

            if self.form == "never":
                self._check(b, seen, lambda r: "forbidden order")
            else:
                self._check(b, lambda r: not seen(r), lambda r: "required event missing")
        if self.update is not None and self.update(c.ev):
            b.add(Set(key=key, value=repr(c.ts), ttl=min(self.horizon, ttl)))

    def _check(
        self, b: Batch, fires: Callable[[list[Result]], bool], why: Callable[[list[Result]], str]
    ) -> None:
        rule = self.rule

        def check(c: Ctx, r: list[Result]) -> Finding | None:
            if rule.tiers and c.tier not in rule.tiers:
                return None
            if not fires(r):
                return None
            return finding(
                f"temporal.{rule.id}",
                rule.message or f"temporal rule {rule.id}: {why(r)}",
                severity=rule.severity,
                action=rule.action,
                details={"form": self.form, "scope": rule.scope, "event_index": c.index},
            )

        b.check(check)


def compile_rules(policy: Policy, rules: list[TemporalRule], ttl: float) -> tuple[Monitor, ...]:
    """Compile ``behavior.temporal``; raises :class:`PolicyError` at the rule's file:line."""
    seen: set[str] = set()
    out = []
    for i, rule in enumerate(rules):
        where = ("behavior", "temporal", i)
        if rule.id in seen:
            raise policy.error(f"duplicate temporal rule id {rule.id!r}", (*where, "id"))
        seen.add(rule.id)
        out.append(_compile_one(policy, rule, where, ttl))
    return tuple(out)


def _compile_one(
    policy: Policy, rule: TemporalRule, where: tuple[str | int, ...], ttl: float
) -> Monitor:
    forms = [
        name
        for name, present in (
            ("never", rule.never is not None or rule.after is not None),
            ("require", rule.require is not None or rule.before is not None),
            ("at_most", rule.at_most is not None or rule.of is not None or rule.per is not None),
        )
        if present
    ]
    if len(forms) != 1:
        raise policy.error(
            "a temporal rule needs exactly one form: never/after, require/before or "
            "at_most/of/per" + (f" (found {', '.join(forms)})" if forms else ""),
            where,
        )
    form = forms[0]
    if form == "never":
        if rule.never is None or rule.after is None:
            missing = "never" if rule.never is None else "after"
            raise policy.error(f"'never' needs 'after' and 'never'; '{missing}' is missing", where)
        return Monitor(
            rule,
            form,
            compile_match(rule.never),
            compile_match(rule.after),
            rule.within or ttl,
        )
    if form == "require":
        if rule.require is None or rule.before is None:
            missing = "require" if rule.require is None else "before"
            raise policy.error(f"'require' needs 'before'; '{missing}' is missing", where)
        return Monitor(
            rule,
            form,
            compile_match(rule.before),
            compile_match(rule.require),
            rule.within or ttl,
        )
    if rule.at_most is None or rule.of is None or rule.per is None:
        raise policy.error("'at_most' needs 'of' (an event match) and 'per' (a duration)", where)
    if rule.within is not None:
        raise policy.error("'within' does not apply to 'at_most'; use 'per'", (*where, "within"))
    return Monitor(rule, form, compile_match(rule.of), None, rule.per)
