"""The ``rules`` stage: judges tool calls against the policy's action rules.

For every ``tool_call`` it sets ``ev.action`` (the taxonomy's :class:`ActionInfo`, with the
policy's type and risk overrides) and appends findings, Cedar-style:

1. boundaries: every path and destination the call touches (``path.*``, ``network.*``);
2. tool rules: each matching rule appends its finding with its own action; ``hard`` rules
   always block and carry ``hard=True``;
3. roles: ``observer`` is blocked (``role.observer``), an unknown role gets
   ``defaults.unknown_role``; ``architect`` is permitted without scopes (``role.architect``);
   an ``expert``-kind role is permitted by the first scope that covers the call;
4. default deny: a call that no allow rule, scope or architect role permits gets
   ``scope.denied`` (``defaults.out_of_scope``) or, for tools the taxonomy cannot classify,
   ``defaults.unknown_tool`` (``defaults.unknown_tool``);
5. budgets (``budgets.*`` rates and session caps, by the event's ``ts``);
6. autonomy: where nothing blocks, an action whose risk reaches the level's threshold
   needs review (``autonomy.<level>``).

``decide`` then takes the strictest action: a block beats any allow, and nothing here
can turn a hard rule's block into anything else. Other event kinds are not judged here.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from aimds.errors import InputError
from aimds.policy.sections.actions import AutonomySection
from aimds.rules._argkey import ArgsKey, args_from_key, args_key
from aimds.rules.boundaries import Boundaries, BoundaryPlan, default_workspace
from aimds.rules.budgets import Budgets
from aimds.rules.engine import CompiledRule, RuleTable
from aimds.rules.matchers import NameGlobs
from aimds.rules.roles import RoleTable
from aimds.rules.taxonomy import ACTION_TYPES, Classifier
from aimds.types import ActionInfo, Evaluation, EventKind, Finding, Severity, Subject, Verdict

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.types import Services

__all__ = [
    "AUTONOMY_THRESHOLDS",
    "Classify",
    "RulesStage",
    "build_stage",
    "compile_classifier",
]

Classify = Callable[[str, Mapping[str, Any]], ActionInfo]
"""``classify(tool, args) -> ActionInfo``: the taxonomy, injectable for tests. It must be a
pure function of its arguments: the stage caches what it returns per call shape."""

AUTONOMY_THRESHOLDS: dict[str, Severity] = {
    "locked": Severity.LOW,
    "supervised": Severity.HIGH,
    "autonomous": Severity.CRITICAL,
}
"""The lowest action risk that needs review at each autonomy level."""
# compared as ints: the enums' comparison methods are Python-level calls
_RANK = {s: s.rank for s in Severity}
_THRESHOLD_RANKS = {level: s.rank for level, s in AUTONOMY_THRESHOLDS.items()}

_UNKNOWN_CATEGORY = "unknown"
_CACHE_LIMIT = 4096
_PLAN_CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True, init=False)
class _Plan:
    """Everything about one call that depends only on ``(tool, args)``: the action (with the
    policy's risk override), the filesystem-free boundary judgement and the rules whose
    tool, type, tag and host selectors and argument conditions hold (subject and path
    selectors are checked per call). Cached per call shape."""

    action: ActionInfo
    boundaries: BoundaryPlan
    candidates: tuple[CompiledRule, ...]

    def __init__(
        self,
        action: ActionInfo,
        boundaries: BoundaryPlan,
        candidates: tuple[CompiledRule, ...],
    ) -> None:
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "boundaries", boundaries)
        object.__setattr__(self, "candidates", candidates)


def _finding(
    rule: str,
    category: str,
    message: str,
    action: Verdict,
    *,
    severity: Severity | None = None,
    details: Mapping[str, Any] | None = None,
) -> Finding:
    if severity is None:
        severity = {
            Verdict.ALLOW: Severity.INFO,
            Verdict.WARN: Severity.LOW,
            Verdict.REVIEW: Severity.MEDIUM,
        }.get(action, Severity.HIGH)
    return Finding(
        rule=rule,
        category=category,
        severity=severity,
        message=message,
        action=action,
        stage="rules",
        details=details or {},
    )


def _first(globs: Mapping[str, Any]) -> NameGlobs | None:
    return NameGlobs((g, i) for i, g in enumerate(globs)) if globs else None


class _Autonomy:
    """Resolves the autonomy level of a subject (agent glob, then role, then policy)."""

    def __init__(self, section: AutonomySection, review_timeout: float) -> None:
        self._level = section.level
        self._roles = dict(section.roles)
        self._agent_levels = tuple(section.agents.values())
        self._agents = _first(section.agents)
        self._cache: dict[tuple[str, str], str] = {}
        timeout = section.review_timeout_s or review_timeout
        self.findings = {
            level: _finding(
                f"autonomy.{level}",
                "autonomy",
                f"autonomy level {level!r} needs a human to review actions of risk "
                f"{AUTONOMY_THRESHOLDS[level].value} or above",
                Verdict.REVIEW,
                details={"timeout_s": timeout, "level": level},
            )
            for level in AUTONOMY_THRESHOLDS
        }

    def level(self, subject: Subject) -> str:
        key = (subject.role, subject.agent)
        found = self._cache.get(key)
        if found is not None:
            return found
        level = self._level
        if subject.role in self._roles:
            level = self._roles[subject.role]
        if self._agents is not None:
            hits = self._agents.match(subject.agent)
            if hits:
                level = self._agent_levels[min(hits)]
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = level
        return level


class RulesStage:
    """The compiled action policy. Built once per policy; thread-safe."""

    name = "rules"
    kinds: ClassVar[frozenset[EventKind]] = frozenset({EventKind.TOOL_CALL})
    """Only tool calls have actions to judge (see :mod:`aimds.guard`)."""

    def __init__(self, policy: Policy, classify: Classify) -> None:
        doc = policy.document
        defaults = doc.defaults
        self._classify = classify
        self._boundaries = Boundaries(
            doc.paths, doc.network, review_timeout=defaults.review_timeout_s
        )
        self._table = RuleTable(
            doc.rules,
            default_timeout=defaults.review_timeout_s,
            cwd=self._boundaries.cwd,
            home=self._boundaries.home,
        )
        self._roles = RoleTable(doc.roles)
        budgets = Budgets(doc.budgets, review_timeout=defaults.review_timeout_s)
        self._budgets = budgets if budgets.active else None
        self._autonomy = _Autonomy(doc.autonomy, defaults.review_timeout_s)
        self._risk_globs = _first(doc.taxonomy.risks)
        self._risks = tuple(doc.taxonomy.risks.values())
        self._out_of_scope = defaults.out_of_scope
        self._unknown_tool = _finding(
            "defaults.unknown_tool",
            "policy",
            "no rule permits this tool and the taxonomy does not know it (defaults.unknown_tool)",
            defaults.unknown_tool,
            details=_timeout(defaults.unknown_tool, defaults.review_timeout_s),
        )
        self._unknown_role = _finding(
            "role.unknown",
            "role",
            "the subject's role is not defined in this policy (defaults.unknown_role)",
            defaults.unknown_role,
            details=_timeout(defaults.unknown_role, defaults.review_timeout_s),
        )
        self._observer = _finding(
            "role.observer",
            "role",
            "role kind 'observer' may not execute any tool call",
            Verdict.BLOCK,
        )
        self._architect = _finding(
            "role.architect",
            "role",
            "role kind 'architect' is permitted without scopes (hard rules still apply)",
            Verdict.ALLOW,
        )
        self._timeout = defaults.review_timeout_s
        self._denied_cache: dict[tuple[str, str], Finding] = {}
        self._scope_findings: dict[str, Finding] = {}
        for role in doc.roles.definitions.values():
            for scope in role.scopes:
                self._scope_findings[scope.id] = _finding(
                    scope.id,
                    "scope",
                    scope.description or f"permitted by scope {scope.id}",
                    Verdict.ALLOW,
                )

        # plans per call shape; a plain dict started over when full (a hit is one lookup,
        # and a miss plans from the arguments at hand instead of rebuilding them from the
        # key); entries are immutable, so concurrent writers at worst plan a call twice
        self._plans: dict[tuple[str, ArgsKey], _Plan] = {}
        # the rules a call's tags, hosts and paths admit, per (candidates, tags, hosts,
        # touches paths); as bounded and as safe under threads as ``_plans``
        self._static: dict[
            tuple[tuple[int, ...], frozenset[str], tuple[str, ...], bool],
            tuple[CompiledRule, ...],
        ] = {}

    @property
    def rule_count(self) -> int:
        return len(self._table)

    def __call__(self, ev: Evaluation) -> None:
        event = ev.event
        if event.kind is not EventKind.TOOL_CALL:
            return
        tool = event.tool if isinstance(event.tool, str) else ""
        args = ev.args
        # ``type() is dict`` first: isinstance against the Mapping ABC is a Python-level
        # ``__instancecheck__`` call
        key = args_key(args) if type(args) is dict or isinstance(args, Mapping) else None
        if key is None:
            plan = self._plan(tool, args)
        else:
            plans = self._plans
            shape = (tool, key)
            found = plans.get(shape)
            if found is None:
                # a dict as it is (planning only reads it); another mapping as the equal
                # dict its key stands for
                found = self._plan(tool, args if type(args) is dict else args_from_key(key))
                if len(plans) >= _PLAN_CACHE_SIZE:
                    plans.clear()
                plans[shape] = found
            plan = found
        self._judge(ev, tool, plan)

    def _plan(self, tool: str, args: Mapping[str, Any]) -> _Plan:
        action = self._action(tool, args)
        boundaries = self._boundaries.plan(args, action)
        candidates = self._admitted(
            self._table.candidates(tool, action.type, args),
            action.tags,
            boundaries.hosts,
            bool(boundaries.paths),
        )
        return _Plan(action=action, boundaries=boundaries, candidates=candidates)

    def _admitted(
        self,
        indices: tuple[int, ...],
        tags: frozenset[str],
        hosts: tuple[str, ...],
        touches_paths: bool,
    ) -> tuple[CompiledRule, ...]:
        """:meth:`_static_applies`, looked up: most calls never seen before give one of a
        few answers (the tool's rules, no tag, no host), so a new call does not test every
        rule's tags again."""
        key = (indices, tags, hosts, touches_paths)
        cache = self._static
        found = cache.get(key)
        if found is None:
            found = self._static_applies(indices, tags, hosts, touches_paths)
            if len(cache) >= _PLAN_CACHE_SIZE:
                cache.clear()
            cache[key] = found
        return found

    def _static_applies(
        self,
        indices: tuple[int, ...],
        tags: frozenset[str],
        hosts: tuple[str, ...],
        touches_paths: bool,
    ) -> tuple[CompiledRule, ...]:
        """The rules of ``indices`` whose selectors of the call alone hold (see
        :meth:`CompiledRule.static_applies`): a pure function of its arguments."""
        rules = self._table.rules
        return tuple(
            rule
            for i in indices
            if (rule := rules[i]).free
            or rule.static_applies(tags, hosts, touches_paths=touches_paths)
        )

    def _judge(self, ev: Evaluation, tool: str, plan: _Plan) -> None:
        subject = ev.event.subject
        findings = ev.findings
        action = plan.action
        ev.action = action
        start = len(findings)

        touched = self._boundaries.run(plan.boundaries, findings)
        permitted = False
        # enum members read once: from compiled code ``Verdict.ALLOW`` is a lookup through
        # the enum metaclass's ``__getattr__`` hook, a few hundred instructions each time
        allow = Verdict.ALLOW
        for rule in plan.candidates:
            if not rule.dynamic or rule.dynamic_applies(subject, touched.paths):
                findings.append(rule.finding)
                if rule.action is allow:
                    permitted = True

        kind = self._roles.kind(subject.role)
        if kind is None:
            findings.append(self._unknown_role)
        elif kind == "observer":
            findings.append(self._observer)
        else:
            if kind == "architect":
                findings.append(self._architect)
                permitted = True
            elif not permitted:
                scope = self._roles.scope_for(subject.role, tool, action)
                if scope is not None:
                    findings.append(self._scope_findings[scope])
                    permitted = True
            if not permitted:
                findings.append(self._denied(subject, action))

        if self._budgets is not None:
            self._budgets.charge(tool, subject, ev.ts, findings)

        if kind is not None and kind != "observer":
            level = self._autonomy.level(subject)
            if _RANK[action.risk] >= _THRESHOLD_RANKS[level] and not _stops(findings, start):
                findings.append(self._autonomy.findings[level])

    def _denied(self, subject: Subject, action: ActionInfo) -> Finding:
        if action.type.partition(":")[0] == _UNKNOWN_CATEGORY:  # action.category, inlined
            return self._unknown_tool
        key = (subject.role, action.type)
        found = self._denied_cache.get(key)
        if found is None:
            found = self._scope_denied(subject, action)
            if len(self._denied_cache) >= _CACHE_LIMIT:
                self._denied_cache.clear()
            self._denied_cache[key] = found
        return found

    def _scope_denied(self, subject: Subject, action: ActionInfo) -> Finding:
        return _finding(
            "scope.denied",
            "scope",
            f"{action.type} is outside every scope of role {subject.role!r} and no rule "
            "allows it (defaults.out_of_scope)",
            self._out_of_scope,
            details=_timeout(self._out_of_scope, self._timeout),
        )

    def _action(self, tool: str, args: Mapping[str, Any]) -> ActionInfo:
        info = self._classify(tool, args)
        if self._risk_globs is not None:
            hits = self._risk_globs.match(info.type)
            if hits and info.risk is not self._risks[min(hits)]:
                info = replace(info, risk=self._risks[min(hits)])
        return info


def _stops(findings: list[Finding], start: int) -> bool:
    """Whether a finding from ``start`` on blocks or asks for review (the enum members read
    once, not per finding: see ``_judge``)."""
    block, review = Verdict.BLOCK, Verdict.REVIEW
    for i in range(start, len(findings)):
        verdict = findings[i].action
        if verdict is block or verdict is review:
            return True
    return False


def _timeout(action: Verdict, seconds: float) -> dict[str, Any]:
    return {"timeout_s": seconds} if action is Verdict.REVIEW else {}


def compile_classifier(policy: Policy) -> Classify:
    """The taxonomy for ``policy`` (its ``taxonomy.tools`` first); errors are located."""
    doc = policy.document
    cwd = doc.paths.cwd or default_workspace()
    home = doc.paths.home or os.path.expanduser("~")
    for glob, type_id in doc.taxonomy.tools.items():
        if type_id not in ACTION_TYPES:
            close = difflib.get_close_matches(type_id, list(ACTION_TYPES), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise policy.error(f"unknown action type{hint}", ("taxonomy", "tools", glob))
    # the stage caches whole plans per call shape, so the classifier's own cache would only
    # hold the same results twice
    own = doc.taxonomy.own_accounts
    return Classifier(
        dict(doc.taxonomy.tools), own_accounts=own, cwd=cwd, home=home
    ).classify_uncached


def build_stage(policy: Policy, services: Services) -> RulesStage:
    """The rules stage for ``policy``; raises a located :class:`PolicyError` if it cannot
    compile."""
    try:
        return RulesStage(policy, compile_classifier(policy))
    except InputError as exc:
        section = _section_of(str(exc))
        raise policy.error(str(exc), (section,) if section else ()) from None


def _section_of(message: str) -> str | None:
    head = message.partition(":")[0]
    return {
        "paths": "paths",
        "path": "paths",
        "allow_hosts": "network",
        "deny_hosts": "network",
        "deny_kinds": "network",
        "allow_ports/deny_ports": "network",
        "taxonomy": "taxonomy",
    }.get(head)
