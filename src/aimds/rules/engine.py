"""Tool rules compiled into lookup tables: which rules apply to one tool call.

Compilation (once per policy):

- each rule's ``when`` operators go into per-argument-path groups
  (:mod:`aimds.rules.conditions`), so a call evaluates each argument path once;
- tool and type selectors are resolved per distinct ``(tool, type)`` pair and cached
  (bounded), giving the rules without conditions that apply and the set of rules whose
  tool/type selectors pass;
- each rule's finding is built once; a match appends the prebuilt finding.

Per call: one pass over the argument groups, then only the rules whose every operator
held (or that have none) are checked against the remaining selectors (tags, subject,
paths, hosts). The cost does not grow with the number of rules that do not match.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aimds.policy.sections.actions import ToolRule
from aimds.rules.conditions import ArgGroup, compile_conditions
from aimds.rules.matchers import NameGlobs, PatternSet, globs_any, path_glob_regex
from aimds.types import ActionInfo, Finding, Severity, Subject, Verdict

__all__ = ["CompiledRule", "RuleTable"]

_SEVERITY = {
    Verdict.ALLOW: Severity.INFO,
    Verdict.WARN: Severity.LOW,
    Verdict.REVIEW: Severity.MEDIUM,
    Verdict.BLOCK: Severity.HIGH,
}
_CACHE_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """One rule ready to match; ``finding`` is what a match appends."""

    index: int
    id: str
    action: Verdict
    hard: bool
    n_ops: int
    tools: NameGlobs | None
    types: NameGlobs | None
    tags: frozenset[str] | None
    roles: NameGlobs | None
    tenants: NameGlobs | None
    agents: NameGlobs | None
    paths: PatternSet | None
    hosts: NameGlobs | None
    finding: Finding
    free: bool
    """True when no selector beyond tools, types and conditions is set."""
    dynamic: bool
    """True when a selector depends on the subject or on resolved paths."""

    def selects(self, tool: str, type_: str) -> bool:
        return (self.tools is None or self.tools.any(tool)) and (
            self.types is None or self.types.any(type_)
        )

    def applies(
        self, action: ActionInfo, subject: Subject, paths: Sequence[str], hosts: Sequence[str]
    ) -> bool:
        """The selectors not covered by the (tool, type) cache and the conditions."""
        return self.static_applies(action.tags, hosts, touches_paths=True) and (
            not self.dynamic or self.dynamic_applies(subject, paths)
        )

    def static_applies(
        self, tags: frozenset[str], hosts: Sequence[str], *, touches_paths: bool
    ) -> bool:
        """The selectors that depend only on the call (the action's tags, hosts; no paths at
        all). The caller reads ``action.tags`` once for all the rules: from compiled code
        every read of an attribute of :class:`ActionInfo` (an interpreted dataclass) is a
        generic attribute lookup."""
        if self.tags is not None and self.tags.isdisjoint(tags):
            return False
        if self.paths is not None and not touches_paths:
            return False
        return self.hosts is None or any(self.hosts.any(h) for h in hosts)

    def dynamic_applies(self, subject: Subject, paths: Sequence[str]) -> bool:
        """The selectors that depend on the subject or on resolved paths."""
        if self.roles is not None and not self.roles.any(subject.role):
            return False
        if self.tenants is not None and not self.tenants.any(subject.tenant):
            return False
        if self.agents is not None and not self.agents.any(subject.agent):
            return False
        return self.paths is None or any(self.paths.match(p) for p in paths)


def _finding(rule: ToolRule, default_timeout: float) -> Finding:
    action = rule.action
    severity = rule.severity or (Severity.CRITICAL if rule.hard else _SEVERITY[action])
    message = rule.message or rule.description or f"rule {rule.id} matched ({action.value})"
    details: dict[str, Any] = {}
    if action is Verdict.REVIEW:
        details["timeout_s"] = rule.timeout_s or default_timeout
    return Finding(
        rule=rule.id,
        category="hard_rule" if rule.hard else "policy",
        severity=severity,
        message=message,
        action=action,
        hard=rule.hard,
        stage="rules",
        details=details,
    )


@dataclass(frozen=True, slots=True, init=False)
class _Selection:
    """For one (tool, type): rules without conditions that apply, and rules that may."""

    plain: tuple[int, ...]
    allowed: frozenset[int]

    def __init__(self, plain: tuple[int, ...], allowed: frozenset[int]) -> None:
        object.__setattr__(self, "plain", plain)
        object.__setattr__(self, "allowed", allowed)


class RuleTable:
    """The compiled ``rules:`` list of a policy. Thread-safe; the cache is bounded."""

    def __init__(
        self,
        rules: Sequence[ToolRule],
        *,
        default_timeout: float,
        cwd: str,
        home: str,
    ) -> None:
        compiled: list[CompiledRule] = []
        groups, op_rule, op_count = compile_conditions(
            (i, rule.when) for i, rule in enumerate(rules)
        )
        for i, rule in enumerate(rules):
            free = not (
                rule.tags or rule.roles or rule.tenants or rule.agents or rule.paths or rule.hosts
            )
            compiled.append(
                CompiledRule(
                    index=i,
                    id=rule.id,
                    action=rule.action,
                    hard=rule.hard,
                    n_ops=op_count.get(i, 0),
                    tools=globs_any(rule.tools),
                    types=globs_any(rule.types),
                    tags=frozenset(rule.tags) if rule.tags else None,
                    roles=globs_any(rule.roles),
                    tenants=globs_any(rule.tenants),
                    agents=globs_any(rule.agents),
                    paths=PatternSet(
                        [(path_glob_regex(g, cwd=cwd, home=home), g) for g in rule.paths]
                    )
                    if rule.paths
                    else None,
                    hosts=globs_any([h.lower() for h in rule.hosts]),
                    finding=_finding(rule, default_timeout),
                    free=free,
                    dynamic=bool(rule.roles or rule.tenants or rule.agents or rule.paths),
                )
            )
        self.rules: tuple[CompiledRule, ...] = tuple(compiled)
        self._groups: tuple[ArgGroup, ...] = groups
        self._op_rule = op_rule
        self._cache: dict[tuple[str, str], _Selection] = {}

    def __len__(self) -> int:
        return len(self.rules)

    def _select(self, tool: str, type_: str) -> _Selection:
        key = (tool, type_)
        found = self._cache.get(key)
        if found is not None:
            return found
        ok = [r for r in self.rules if r.selects(tool, type_)]
        selection = _Selection(
            plain=tuple(r.index for r in ok if r.n_ops == 0),
            allowed=frozenset(r.index for r in ok if r.n_ops),
        )
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = selection
        return selection

    def candidates(self, tool: str, type_: str, args: Mapping[str, Any]) -> tuple[int, ...]:
        """Indices (policy order) of the rules whose tool/type selectors and conditions hold.

        A pure function of its arguments (cacheable); :meth:`select` applies the selectors
        that depend on the subject, the tags and what the call touches."""
        selection = self._select(tool, type_)
        candidates = selection.plain
        if self._groups and selection.allowed:
            hits: set[int] = set()
            for group in self._groups:
                group.collect(args, hits)
            if hits:
                counts: dict[int, int] = {}
                op_rule = self._op_rule
                for op in hits:
                    rule_index = op_rule[op]
                    counts[rule_index] = counts.get(rule_index, 0) + 1
                allowed = selection.allowed
                rules = self.rules
                full = [
                    i for i, count in counts.items() if count == rules[i].n_ops and i in allowed
                ]
                if full:
                    candidates = tuple(sorted((*candidates, *full)))
        return candidates

    def select(
        self,
        candidates: tuple[int, ...],
        action: ActionInfo,
        subject: Subject,
        paths: Sequence[str] = (),
        hosts: Sequence[str] = (),
    ) -> list[CompiledRule]:
        """The candidates whose remaining selectors (tags, subject, paths, hosts) hold."""
        rules = self.rules
        return [
            rules[i]
            for i in candidates
            if rules[i].free or rules[i].applies(action, subject, paths, hosts)
        ]

    def match(
        self,
        tool: str,
        action: ActionInfo,
        subject: Subject,
        args: Mapping[str, Any],
        paths: Sequence[str] = (),
        hosts: Sequence[str] = (),
    ) -> list[CompiledRule]:
        """The rules that apply to this call, in policy order."""
        return self.select(self.candidates(tool, action.type, args), action, subject, paths, hosts)
