"""The ``behavior`` stage: stateful checks over each agent's and session's event history.

Per event: read the indicators (:mod:`.indicators`), plan one store batch (quarantine, session
counter, trust, sequences, data flow, baselines, temporal rules), run it in one round trip,
turn the results into findings. Only an event that produced findings costs a second,
write-only batch (trust penalty, quarantine on a policy rule).

A store failure never raises and never hangs: the stage adds ``backend.unavailable`` with the
verdict of ``behavior.fail_mode`` (``closed``: block; ``open``: warn) (a quarantine the store
last saw still blocks: see :mod:`.quarantine`), counts it, and skips
the store for ``retry_after`` seconds so a dead backend costs nothing per event.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from aimds.behavior import quarantine as q
from aimds.behavior.backends import store_for_policy
from aimds.behavior.baselines import Baselines
from aimds.behavior.batch import Batch, Ctx
from aimds.behavior.dataflow import Fingerprinter
from aimds.behavior.effects import Effects, FollowUp
from aimds.behavior.findings import STAGE, finding
from aimds.behavior.handle import Behavior
from aimds.behavior.indicators import Extractor
from aimds.behavior.keys import fingerprint_key
from aimds.behavior.memory import MemoryStore
from aimds.behavior.sequences import Sequences
from aimds.behavior.store import Get, Incr, Op, Result, Set, Store, Trust
from aimds.behavior.temporal import Monitor, compile_rules
from aimds.behavior.trust import TIER_RULE, TrustInfo, is_violation, tier_of, worst_penalty
from aimds.behavior.windows import Keys
from aimds.errors import BackendError
from aimds.types import (
    Evaluation,
    EventKind,
    Finding,
    Severity,
    StageOutcome,
    StageStatus,
    Subject,
    Verdict,
)

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.policy.sections.behavior import BehaviorSection
    from aimds.types import Services

__all__ = ["Behavior", "BehaviorStage", "TrustInfo", "build_stage"]

UNAVAILABLE = "backend.unavailable"
_KEYS_CACHE = 4096  # subjects (and agents) whose keys are kept built; starts over when full
# the batch always opens with these ops, in this order
_AT_QUARANTINE, _AT_COUNTER, _AT_TRUST = 0, 1, 2


class BehaviorStage:
    """Thread-safe: per-event state lives in locals and in the store."""

    name = STAGE

    def __init__(
        self,
        section: BehaviorSection,
        *,
        store: Store,
        fingerprint: Fingerprinter,
        monitors: tuple[Monitor, ...],
        behavior: Behavior,
        owns_store: bool,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.behavior = behavior
        self._cfg = section
        self._store = store
        self._owns_store = owns_store
        # a store of its own in this process sees every event of its sessions
        local = owns_store and isinstance(store, MemoryStore)
        self._sequences = Sequences(section, fingerprint, local=local)
        self._effects = Effects(section.effects, fingerprint) if section.effects.enabled else None
        self._baselines = (
            Baselines(section.baselines, section.state_ttl) if section.baselines.enabled else None
        )
        self._extract = Extractor()
        self._monitors = monitors
        self._monotonic = monotonic
        self._down_until = 0.0
        self._by_session = section.scope == "session"
        self._quarantine_on = frozenset(section.quarantine_on)
        self._trust_on = section.trust.enabled
        self._ttl = section.state_ttl
        trust = section.trust
        self._penalties = dict(trust.penalties)
        self._clean_gain = trust.clean_gain
        self._trust_args = (trust.initial, trust.half_life, trust.recovery_half_life)
        self._tiers = dict(section.tiers)
        self._keys: dict[tuple[str, str, str | None], Keys] = {}
        self._agents: dict[tuple[str | None, ...], Keys] = {}
        closed = section.fail_mode == "closed"
        self._fail_action = Verdict.BLOCK if closed else Verdict.WARN
        self._fail_severity = Severity.HIGH if closed else Severity.LOW

    def __call__(self, ev: Evaluation) -> None:
        event = ev.event
        keys = self._keys_of(event.subject)
        kind = event.kind
        ts = ev.ts
        # ops are built positionally on this path (see aimds.behavior.store)
        ops: list[Op] = [Get(keys.quarantine), Incr(keys.scoped_prefix + "n", 1, None, self._ttl)]
        if self._trust_on:
            ops.append(self._trust_op(keys, ts, self._delta(ev.findings)))
        c: Ctx | None = None
        b: Batch | None = None
        effects = self._effects
        pending = None
        if (
            self._monitors
            or kind is EventKind.TOOL_CALL
            or kind is EventKind.TOOL_RESULT
            or kind is EventKind.MEMORY_READ
            or (effects is not None and effects.wants(kind))
        ):
            c = Ctx(ev, self._extract(ev), keys, ts)
            b = Batch(ops)
            self._sequences.plan(c, b)
            if self._baselines is not None and kind is EventKind.TOOL_CALL:
                self._baselines.plan(c, b)
            for monitor in self._monitors:
                monitor.plan(c, b, self._ttl)
            if effects is not None:
                pending = effects.plan(c, b)
        # else nothing but the quarantine check, the session counter and the trust score
        # reads the event
        results = self._run(ops, ev)
        if results is None:
            self._held_quarantine(ev, keys)
            return
        found: list[Finding] = []
        if results[_AT_QUARANTINE] is not None:
            found.append(q.blocked(q.decode(str(results[_AT_QUARANTINE]))))
        tier = None
        if self._trust_on:
            tier = tier_of(results[_AT_TRUST])  # type: ignore[arg-type]
            if self._tiers:
                tier_finding = self._tier(tier, c is not None and c.ind.outbound)
                if tier_finding is not None:
                    found.append(tier_finding)
        if c is not None and b is not None and (b.checks or pending is not None):
            c.index = results[_AT_COUNTER] - 1  # type: ignore[operator]
            c.tier = tier
            b.judge(c, results, found)
            if effects is not None and pending is not None:
                step = effects.follow(pending, c, results)
                if step is not None:
                    effect = self._follow_up(step, ev)
                    if effect is not None:
                        found.append(effect)
        if found:
            ev.findings.extend(found)
            self._after(ev, keys, found)
        elif self._quarantine_on and any(f.rule in self._quarantine_on for f in ev.findings):
            self._after(ev, keys, found)  # an earlier stage's finding the policy quarantines on

    def close(self) -> None:
        if self._owns_store:
            self._store.close()

    # -- internals -------------------------------------------------------------------------

    def _follow_up(self, step: FollowUp, ev: Evaluation) -> Finding | None:
        """The effect checks' second round trip (only in sessions holding an instruction)."""
        if not step.ops:
            return step.judge([])
        results = self._run(step.ops, ev)
        return None if results is None else step.judge(results)

    def _trust_op(self, keys: Keys, now: float, delta: float) -> Trust:
        initial, half_life, recovery = self._trust_args
        return Trust(keys.trust, initial, half_life, now, delta, True, self._ttl, recovery)

    def _delta(self, findings: list[Finding]) -> float:
        """:func:`~aimds.behavior.trust.delta_for` of the violations among ``findings``: the
        worst one's penalty, in one pass."""
        penalties = self._penalties
        worst = 0.0
        for f in findings:
            cost = penalties.get(f.severity, 0.0) * f.confidence
            if cost > worst and is_violation(f):
                worst = cost
        return -worst if worst > 0 else self._clean_gain

    def _tier(self, tier: str, outbound: bool) -> Finding | None:
        actions = self._tiers.get(tier)  # type: ignore[call-overload]
        if actions is None:
            return None
        verdict = actions.any
        if outbound and actions.outbound is not None:
            verdict = actions.outbound if verdict is None else max(verdict, actions.outbound)
        if verdict is None:
            return None
        return finding(
            TIER_RULE,
            f"agent's trust tier is {tier}; the policy asks for {verdict.value}",
            severity=Severity.LOW,
            action=verdict,
            details={"tier": tier, "outbound": outbound},
        )

    def _keys_of(self, subject: Subject) -> Keys:
        """The subject's keys, from small per-stage caches of subjects and of agents (escaping
        and formatting once; a new session of a known agent formats one prefix)."""
        session = subject.session if self._by_session else None
        ident = (subject.tenant, subject.agent, session)
        keys = self._keys.get(ident)
        if keys is not None:
            return keys
        agent = self._agents.get(ident[:2])
        if agent is None:
            agent = Keys.of(subject.tenant, subject.agent, None)
            if len(self._agents) >= _KEYS_CACHE:
                self._agents.clear()
            self._agents[ident[:2]] = agent
        keys = agent if session is None else agent.with_session(session)
        if len(self._keys) >= _KEYS_CACHE:
            self._keys.clear()  # ~0.1 ms once per 4096 new subjects; an LRU costs more per miss
        self._keys[ident] = keys
        return keys

    def _after(self, ev: Evaluation, keys: Keys, found: list[Finding]) -> None:
        """Count, charge the trust penalty, quarantine on a policy rule: one write batch."""
        counters = self.behavior.counters
        ops: list[Op] = []
        for f in found:
            counters.inc(f"findings.{f.rule}")
        if self._cfg.trust.enabled:
            # The event costs its worst violation once: the first batch charged the worst of
            # the earlier stages' findings (or granted the clean gain), this charges the rest.
            worst = worst_penalty(_violations(found), self._penalties)
            if worst > 0:
                charged = worst_penalty(_violations(ev.findings[: -len(found)]), self._penalties)
                extra = worst - charged if charged > 0 else worst + self._clean_gain
                if extra > 0:
                    ops.append(self._trust_op(keys, ev.ts, -extra))
        trigger = next((f.rule for f in ev.findings if f.rule in self._quarantine_on), None)
        if trigger is not None and not any(f.rule == q.QUARANTINE_RULE for f in found):
            record = q.QuarantineRecord(
                by=f"rule:{trigger}", reason="policy quarantine_on", ts=ev.ts
            )
            ops.append(Set(key=keys.quarantine, value=q.encode(record)))
            ev.findings.append(q.blocked(record))
            counters.inc("quarantined")
        if ops:
            self._run(ops, ev)

    def _run(self, ops: list[Op], ev: Evaluation) -> list[Result] | None:
        now = self._monotonic()
        if now < self._down_until:
            self._unavailable(ev, "store marked down after a recent failure")
            return None
        try:
            return self._store.execute(ops)
        except BackendError as exc:
            detail = str(exc)
        except Exception as exc:  # noqa: BLE001 - a store bug must not crash the guard
            detail = f"store raised {type(exc).__name__}"
        self._down_until = self._monotonic() + self._cfg.retry_after
        self._unavailable(ev, detail)
        return None

    def _held_quarantine(self, ev: Evaluation, keys: Keys) -> None:
        """With the store down, a quarantine the store last saw still blocks (its local
        mirror, see :mod:`aimds.behavior.quarantine`), whatever ``fail_mode`` says."""
        mirror = getattr(self._store, "quarantines", None)
        raw = mirror.get(keys.quarantine) if mirror is not None else None
        if raw is not None:
            ev.findings.append(q.blocked(q.decode(str(raw))))

    def _unavailable(self, ev: Evaluation, detail: str) -> None:
        self.behavior.counters.inc("backend_unavailable")
        mode = self._cfg.fail_mode
        ev.statuses.append(
            StageStatus(stage=self.name, outcome=StageOutcome.DEGRADED, detail=detail)
        )
        ev.findings.append(
            finding(
                UNAVAILABLE,
                f"behaviour state store unavailable; failing {mode} per behavior.fail_mode",
                severity=self._fail_severity,
                action=self._fail_action,
                category="error",
                details={"fail_mode": mode},
            )
        )


def _violations(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if is_violation(f)]


def build_stage(policy: Policy, services: Services) -> BehaviorStage | None:
    """The stage for this policy, or ``None`` where ``behavior.enabled`` is false.

    The store is ``services.store`` when it is a behaviour :class:`Store` (shared, not closed
    by the stage), else the one ``behavior.store`` names.
    """
    section = policy.document.behavior
    if not section.enabled:
        return None
    store, owned = store_for_policy(policy, services)
    key = fingerprint_key(section).key
    return BehaviorStage(
        section,
        store=store,
        fingerprint=Fingerprinter(key),
        monitors=compile_rules(policy, section.temporal, section.state_ttl),
        behavior=Behavior(store, section.trust, clock=services.clock),
        owns_store=owned,
    )

