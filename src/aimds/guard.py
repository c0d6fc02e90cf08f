"""The guard: wires the stages of ARCHITECTURE.md in order. No detection logic lives here.

``kill -> inputs -> normalize -> detectors -> attack_memory -> rules -> rings -> memory ->
identity -> behavior -> judge -> decide -> respond -> approvals -> remember -> record``
(``kill``: the kill switch, see :mod:`aimds.kill`; ``rings``: privilege rings, only with a
``rings:`` section, see :mod:`aimds.rules.rings`)

Each room offers ``build_stage(policy, services)`` returning a stage or ``None``; the guard
builds them once, when the policy loads, and runs them per event. A stage may declare the
event kinds it acts on (a class attribute ``kinds``, a frozenset of :class:`EventKind`;
absent or ``None``: every kind): the guard then builds, once per stage list, one pipeline per
kind without the stages that would only look at the kind and return (the memory stage on a
tool call, the rules stage on a prompt), so an event pays nothing for them. The declaration
is a promise the stage keeps on its own as well (it still checks the kind), and a guard with
an observer (per-stage metrics or spans, see :mod:`aimds.audit.observe`) runs and times
every stage on every event as before. A stage that raises is
recorded as an error finding whose verdict the policy's ``decide.on_error`` sets (block by
default), so a bug fails closed and never crashes the caller.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from mypy_extensions import mypyc_attr

from aimds import decide, halt
from aimds.audit import stage as audit_stage
from aimds.audit.observe import build_observer
from aimds.behavior import memory_events as memory_stage
from aimds.behavior import stage as behavior_stage
from aimds.detectors import stage as detectors_stage
from aimds.errors import ConfigError
from aimds.identity import stage as identity_stage
from aimds.judge import stage as judge_stage
from aimds.kill import stage as kill_stage
from aimds.learn import stage as learn_stage
from aimds.policy import Policy, load_policy
from aimds.policy.sections.memory import PROVENANCE_KEY, parse_provenance
from aimds.respond import approvals as approvals_stage
from aimds.respond import stage as respond_stage
from aimds.rules import inputs as inputs_stage
from aimds.rules import rings as rings_stage
from aimds.rules import stage as rules_stage
from aimds.text import stage as text_stage
from aimds.types import (
    DEFAULT_SUBJECT,
    ActionInfo,
    Decision,
    Evaluation,
    Event,
    EventKind,
    Finding,
    Services,
    Severity,
    Stage,
    StageOutcome,
    StageStatus,
    Subject,
    Verdict,
)

__all__ = ["Guard"]

log = logging.getLogger("aimds")

if TYPE_CHECKING:
    from aimds.identity.registry import IdentityRegistry
    from aimds.kill import KillOutcome, KillSwitch
    from aimds.learn.learning import FeedbackResult, LearningHandle
    from aimds.trace.session import Session

F = TypeVar("F", bound=Callable[..., Any])

_STAGE_BUILDERS = (
    kill_stage.build_stage,
    inputs_stage.build_stage,
    text_stage.build_stage,
    detectors_stage.build_stage,
    learn_stage.build_stage,
    rules_stage.build_stage,
    rings_stage.build_stage,
    memory_stage.build_stage,
    identity_stage.build_stage,
    behavior_stage.build_stage,
    judge_stage.build_stage,
    decide.build_stage,
    respond_stage.build_stage,
    approvals_stage.build_stage,
    learn_stage.build_recorder,
    audit_stage.build_stage,
)


@mypyc_attr(allow_interpreted_subclasses=True)  # compiled (setup.py), still subclassable
class Guard:
    """Judges every event that crosses an agent's boundary.

    ``Guard()`` uses the built-in ``default`` pack; ``Guard(policy)`` takes a pack name, a
    YAML path, a dict or a loaded :class:`~aimds.policy.Policy`. ``services`` injects the
    clock, id source and shared backends (tests and replays pass their own).
    """

    def __init__(
        self,
        policy: Policy | Mapping[str, Any] | str | None = None,
        *,
        services: Services | None = None,
    ) -> None:
        if policy is None:
            log.info("no policy given: using the built-in 'default' pack")
            policy = "default"
        self.policy: Policy = load_policy(policy)
        self.services = services if services is not None else Services()
        self._new_id = self.services.new_id or _random_id
        self._clock = self.services.clock
        self._on_error = self.policy.document.decide.on_error
        # the decision's ``policy`` label, kept with the policy it names (see _decision)
        self._labelled: Policy = self.policy
        self._label = self.policy.label
        self._listeners: tuple[Callable[[Event, Decision], None], ...] = ()
        self._listeners_lock = threading.Lock()
        self._stages: tuple[Stage, ...] = ()
        self._plans: dict[EventKind, _KindPlan] = {}
        self.stages = tuple(
            stage
            for build in _STAGE_BUILDERS
            if (stage := build(self.policy, self.services)) is not None
        )
        self._observer = build_observer(self.stages, self.services)

    @property
    def stages(self) -> tuple[Stage, ...]:
        """The pipeline, in order (assignable: tests and benchmarks add or drop stages)."""
        return self._stages

    @stages.setter
    def stages(self, stages: tuple[Stage, ...]) -> None:
        self._stages = tuple(stages)
        self._plans = {kind: _KindPlan(self._stages, kind) for kind in EventKind}

    @classmethod
    def from_policy(
        cls, policy: Policy | Mapping[str, Any] | str, *, services: Services | None = None
    ) -> Guard:
        """A guard for a policy file, pack name or dict (raises :class:`PolicyError`)."""
        return cls(policy, services=services)

    # -- the public checks -------------------------------------------------------------

    def check_prompt(
        self, text: str, *, subject: Subject | None = None, meta: Mapping[str, Any] | None = None
    ) -> Decision:
        return self.check(_event(EventKind.PROMPT, subject, text=text, meta=meta))

    def check_completion(
        self, text: str, *, subject: Subject | None = None, meta: Mapping[str, Any] | None = None
    ) -> Decision:
        return self.check(_event(EventKind.COMPLETION, subject, text=text, meta=meta))

    def check_message(
        self,
        text: str | Mapping[str, Any],
        *,
        subject: Subject | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Decision:
        """Judge a message between agents: plain text, or a signed envelope from
        ``AgentIdentity.sign_message`` (verified, then its body judged like any text;
        ``subject`` is the receiving agent). See :mod:`aimds.identity`."""
        if isinstance(text, Mapping):
            body = text.get("body")
            return self.check(
                _event(
                    EventKind.MESSAGE,
                    subject,
                    text=body if isinstance(body, str) else "",
                    meta=identity_stage.message_meta(text, meta),
                )
            )
        return self.check(_event(EventKind.MESSAGE, subject, text=text, meta=meta))

    def check_tool_call(
        self,
        tool: str,
        args: Mapping[str, Any] | None = None,
        *,
        subject: Subject | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Decision:
        return self.check(_event(EventKind.TOOL_CALL, subject, tool=tool, args=args, meta=meta))

    def check_tool_result(
        self,
        tool: str,
        result: Any,
        *,
        subject: Subject | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Decision:
        return self.check(
            _event(EventKind.TOOL_RESULT, subject, tool=tool, text=_as_text(result), meta=meta)
        )

    def check_memory_write(
        self,
        key: str,
        content: Any,
        *,
        subject: Subject | None = None,
        provenance: Any = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Decision:
        """Judge writing ``content`` under ``key`` to the agent's memory (``memory_write``).

        ``provenance`` says where the content came from: ``"user"``, ``"system"``, ``"web"``,
        ``"tool:NAME"``, ``"agent:NAME"`` or a mapping (see :mod:`aimds.policy.sections.memory`);
        a malformed one raises :class:`~aimds.errors.InputError`. Left out, it is unknown.
        """
        return self.check(
            _event(
                EventKind.MEMORY_WRITE,
                subject,
                text=_as_text(content),
                args={"key": key},
                meta={**(meta or {}), PROVENANCE_KEY: parse_provenance(provenance).as_meta()},
            )
        )

    def check_memory_read(
        self,
        key: str,
        content: Any,
        *,
        subject: Subject | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Decision:
        """Judge what a read of ``key`` from the agent's memory returned (``memory_read``),
        before it enters the model's context: scanned like a tool result."""
        return self.check(
            _event(
                EventKind.MEMORY_READ, subject, text=_as_text(content), args={"key": key}, meta=meta
            )
        )

    def check(self, event: Event, *, wait_for_approval: float | None = None) -> Decision:
        """Run the pipeline on one event and return the decision. Never raises on bad input.

        With ``wait_for_approval`` (seconds), a ``review`` decision waits for a human to
        decide its approval request and returns their verdict (still ``review`` on timeout).
        """
        start = time.perf_counter_ns()
        ev = _new_evaluation(event, event.ts if event.ts is not None else self._clock())
        ev.scratch["on_error"] = self._on_error
        ev.scratch["start_ns"] = start
        if self._observer is None:
            plan = self._plans[event.kind]
            for stage, tail in plan.steps:
                try:
                    stage(ev)
                except Exception as exc:  # noqa: BLE001 - a failing stage fails closed, never crashes
                    self._stage_failed(ev, stage, exc)
                if tail is not None and ev.halted:  # see aimds.halt
                    self._finish(ev, tail, plan.stages)
                    break
        else:  # per-stage metrics / OpenTelemetry spans (see aimds.audit.observe)
            self._observer.run(ev, self._stage_failed)
        decision = self._decision(ev, start)
        for listener in self._listeners:
            try:
                listener(event, decision)
            except Exception as exc:  # noqa: BLE001 - an observer must not undo the decision
                log.error("decision listener raised %s", type(exc).__name__)
        if wait_for_approval is not None and decision.approval is not None:
            queue = approvals_stage.queue_of(self.services)
            return approvals_stage.await_decision(queue, decision, wait_for_approval)
        return decision

    async def acheck(self, event: Event, *, wait_for_approval: float | None = None) -> Decision:
        """The asyncio twin of :meth:`check`: same pipeline, run off the event loop."""
        return await asyncio.to_thread(self.check, event, wait_for_approval=wait_for_approval)

    def add_canary(self, system_prompt: str) -> str:
        """``system_prompt`` with a canary token; completions leaking it are then flagged
        (see :mod:`aimds.detectors.canary`)."""
        from aimds.detectors.canary import add_canary

        return add_canary(self.services, self.policy, system_prompt)

    def restore(self, text: str, *, subject: Subject | None = None) -> str:
        """``text`` with the subject's session pseudonyms put back.

        See :mod:`aimds.respond.vault`.
        """
        from aimds.respond.vault import vault_for

        who = subject if subject is not None else DEFAULT_SUBJECT
        found = vault_for(self.services, self.policy.document.sensitive.vault).peek(
            who.tenant, who.session
        )
        return found.restore(text) if found is not None else text

    def tool(
        self,
        name: str | None = None,
        *,
        subject: Subject | None = None,
        wait_for_approval: float | None = None,
    ) -> Callable[[F], F]:
        """Decorator guarding a function as tool ``name`` (sync or async), as ``subject``
        (else the one of ``aimds.acting_as``); see
        :func:`aimds.integrations.decorator.guard_tool`."""
        from aimds.integrations.decorator import guard_tool

        return guard_tool(self, name, subject=subject, wait_for_approval=wait_for_approval)

    @property
    def identities(self) -> IdentityRegistry:
        """The agent identities this guard trusts to sign messages and delegations
        (``register``, ``revoke``, ``get``, ``list``); see :mod:`aimds.identity`."""
        from aimds.identity.registry import registry_of

        return registry_of(self.services)

    # -- operator functions of the behaviour stage (see aimds.behavior.handle) --------------

    @property
    def behavior(self) -> behavior_stage.Behavior:
        """Quarantine, trust and counters of the behaviour stage (``ConfigError`` if off)."""
        for stage in self.stages:
            if isinstance(stage, behavior_stage.BehaviorStage):
                return stage.behavior
        raise ConfigError("this policy has behavior.enabled: false; no behaviour state to manage")

    def quarantine(self, agent: str, *, tenant: str = "default", reason: str = "") -> None:
        """Block every event of ``agent`` until :meth:`release` (held in the state store)."""
        self.behavior.quarantine(agent, tenant=tenant, reason=reason)

    def release(self, agent: str, *, tenant: str = "default") -> bool:
        """Lift a quarantine; ``False`` if ``agent`` was not quarantined."""
        return self.behavior.release(agent, tenant=tenant)

    def trust(self, agent: str, *, tenant: str = "default") -> behavior_stage.TrustInfo:
        """The agent's trust score (0..1000) and tier."""
        return self.behavior.trust(agent, tenant=tenant)

    def reset_trust(self, agent: str, *, tenant: str = "default") -> behavior_stage.TrustInfo:
        """Set the agent's trust back to the policy's initial score; returns the score before."""
        return self.behavior.reset_trust(agent, tenant=tenant)

    # -- the kill switch (see aimds.kill and docs/kill-switch.md) ----------------------------

    @property
    def kill_switch(self) -> KillSwitch:
        """The switch every guard on these services shares."""
        return kill_stage.switch_of(self.services)

    def kill(
        self,
        *,
        tenant: str | None = None,
        agent: str | None = None,
        reason: str,
        all_tenants: bool = False,
        by: str = "library",
    ) -> KillOutcome:
        """Block every event of ``agent`` of ``tenant`` (rule ``kill.active``) until
        :meth:`revive`; ``agent=None`` stops the whole tenant, ``all_tenants=True`` everyone."""
        return self.kill_switch.kill(
            tenant=tenant, agent=agent, reason=reason, all_tenants=all_tenants, by=by
        )

    def revive(
        self, *, tenant: str | None = None, agent: str | None = None, all_tenants: bool = False
    ) -> bool:
        """Lift exactly the kill of this scope; ``False`` if there was none."""
        found = self.kill_switch.revive(tenant=tenant, agent=agent, all_tenants=all_tenants)
        return found is not None

    # -- learning: attack memory, feedback, allow-list suggestions (see aimds.learn) -----

    @property
    def learning(self) -> LearningHandle:
        """Attack memory, feedback and suggestions (``ConfigError`` if ``attack_memory`` is off)."""
        return learn_stage.handle_of(self.stages, self.services)

    def feedback(
        self,
        decision_id: str,
        *,
        label: str,
        note: str = "",
        actor: str = "",
        tenant: str | None = None,
    ) -> FeedbackResult:
        """Mark a recent decision ``attack`` (its text enters the attack memory) or
        ``benign`` (an allow-list suggestion for an admin); see :mod:`aimds.learn`."""
        return self.learning.feedback(
            decision_id, label=label, note=note, actor=actor, tenant=tenant
        )

    def subscribe(self, listener: Callable[[Event, Decision], None]) -> Callable[[], None]:
        """Call ``listener(event, decision)`` after every check; returns the unsubscriber."""
        with self._listeners_lock:
            self._listeners = (*self._listeners, listener)

        def unsubscribe() -> None:
            with self._listeners_lock:
                self._listeners = tuple(x for x in self._listeners if x is not listener)

        return unsubscribe

    def session(self, name: str) -> Session:
        """Record every event and decision of this guard inside a ``with`` block; see
        :class:`aimds.trace.session.Session` (``export``, ``summary``)."""
        from aimds.trace.session import Session

        return Session(name, self.subscribe, clock=time.monotonic)

    def close(self) -> None:
        """Flush and release what the stages hold (audit writers, connections)."""
        for stage in self.stages:
            closer = getattr(stage, "close", None)
            if callable(closer):
                closer()

    def __enter__(self) -> Guard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -------------------------------------------------------------------

    def _finish(self, ev: Evaluation, tail: halt.Tail, stages: tuple[Stage, ...]) -> None:
        """Run only the stages that must follow a halt (see :mod:`aimds.halt`); ``stages``
        are those of the event's kind, which ``tail`` indexes."""
        ev.statuses.extend(tail.skipped)
        for i in tail.run:
            stage = stages[i]
            try:
                stage(ev)
            except Exception as exc:  # noqa: BLE001 - a failing stage fails closed, never crashes
                self._stage_failed(ev, stage, exc)

    def _stage_failed(self, ev: Evaluation, stage: Stage, exc: Exception) -> None:
        name = getattr(stage, "name", type(stage).__name__)
        detail = f"stage {name} raised {type(exc).__name__}"
        log.error("%s while judging a %s event", detail, ev.event.kind.value)
        ev.statuses.append(StageStatus(stage=name, outcome=StageOutcome.ERROR, detail=detail))
        ev.findings.append(
            Finding(
                rule="stage.error",
                category="error",
                severity=Severity.HIGH,
                message=detail,
                action=self._on_error,
                stage=name,
            )
        )
        if name == "decide":
            ev.verdict = max(ev.verdict, self._on_error)

    def _decision(self, ev: Evaluation, start_ns: int) -> Decision:
        # Policy.label formats ``name@version+digest`` through three properties and two
        # pydantic attribute reads on every call: it is read again only if ``policy`` was
        # replaced (a benign race: two threads would compute the same label)
        policy = self.policy
        if policy is not self._labelled:
            self._label = policy.label
            self._labelled = policy
        return _new_decision(
            ev.scratch.get("decision_id") or self._new_id(),
            ev.verdict,
            ev.risk,
            ev.score,
            tuple(ev.findings),
            ev.text,
            ev.redacted_args,
            ev.approval,
            self._label,
            (time.perf_counter_ns() - start_ns) / 1000.0,
            ev.event.kind,
            ev.event.subject,
            ev.action,
            tuple(ev.statuses),
        )


# The guard builds one Event, one Evaluation and one Decision per check. Their dataclass
# ``__init__`` is interpreted even in the compiled build and parses keyword arguments;
# writing the fields directly, as the generated ``__init__`` does (none of the classes has
# a ``__post_init__``), saves about 1.3 µs a check compiled (Decision 2.3 -> 1.5 µs, Event
# 1.3 -> 0.85, Evaluation 0.74 -> 0.61). tests/core/test_core_fast_init.py holds these
# constructors to every field.
_new_object = object.__new__
_set_field = object.__setattr__


def _new_decision(
    id: str,
    verdict: Verdict,
    risk: Severity,
    score: float,
    findings: tuple[Finding, ...],
    text: str | None,
    args: Mapping[str, Any] | None,
    approval: str | None,
    policy: str,
    latency_us: float,
    kind: EventKind,
    subject: Subject,
    action: ActionInfo | None,
    stages: tuple[StageStatus, ...],
) -> Decision:
    """``Decision(id=id, verdict=verdict, ...)`` for every field, positionally."""
    d: Decision = _new_object(Decision)
    _set_field(d, "id", id)
    _set_field(d, "verdict", verdict)
    _set_field(d, "risk", risk)
    _set_field(d, "score", score)
    _set_field(d, "findings", findings)
    _set_field(d, "text", text)
    _set_field(d, "args", args)
    _set_field(d, "approval", approval)
    _set_field(d, "policy", policy)
    _set_field(d, "latency_us", latency_us)
    _set_field(d, "kind", kind)
    _set_field(d, "subject", subject)
    _set_field(d, "action", action)
    _set_field(d, "stages", stages)
    return d


def _new_evaluation(event: Event, ts: float) -> Evaluation:
    """``Evaluation(event=event, ts=ts, args=event.args)``, every other field its default."""
    ev: Evaluation = _new_object(Evaluation)
    ev.event = event
    ev.ts = ts
    ev.findings = []
    ev.statuses = []
    ev.views = None
    ev.action = None
    ev.verdict = Verdict.BLOCK
    ev.risk = Severity.INFO
    ev.score = 0.0
    ev.args = event.args
    ev.text = None
    ev.redacted_args = None
    ev.approval = None
    ev.scratch = {}
    ev.halted = False
    return ev


def _new_event(
    kind: EventKind,
    subject: Subject,
    text: str,
    tool: str | None,
    args: Mapping[str, Any],
    meta: Mapping[str, Any],
    ts: float | None,
) -> Event:
    """``Event(kind=kind, subject=subject, ...)`` for every field, positionally."""
    e: Event = _new_object(Event)
    _set_field(e, "kind", kind)
    _set_field(e, "subject", subject)
    _set_field(e, "text", text)
    _set_field(e, "tool", tool)
    _set_field(e, "args", args)
    _set_field(e, "meta", meta)
    _set_field(e, "ts", ts)
    return e


class _KindPlan:
    """The pipeline for one event kind: the stages acting on it, in order, each with the
    :class:`~aimds.halt.Tail` to run should it halt (indexes into ``stages``)."""

    __slots__ = ("stages", "steps")

    def __init__(self, stages: tuple[Stage, ...], kind: EventKind) -> None:
        self.stages: tuple[Stage, ...] = tuple(s for s in stages if acts_on(s, kind))
        self.steps: tuple[tuple[Stage, halt.Tail | None], ...] = tuple(
            zip(self.stages, halt.plan(self.stages), strict=True)
        )


def acts_on(stage: Stage, kind: EventKind) -> bool:
    """Whether ``stage`` acts on events of ``kind``: its ``kinds`` declaration, if any,
    holds the kind. Anything but a frozenset there counts as every kind: running a stage
    needlessly is safe, skipping it is not."""
    kinds = getattr(stage, "kinds", None)
    if not isinstance(kinds, frozenset):
        return True
    return kind in kinds


def _random_id() -> str:
    """128 random bits as 32 hex digits (the shape of ``uuid4().hex`` at a fifth of its cost)."""
    return os.urandom(16).hex()


def _event(
    kind: EventKind,
    subject: Subject | None,
    *,
    text: str = "",
    tool: str | None = None,
    args: Mapping[str, Any] | None = None,
    meta: Mapping[str, Any] | None = None,
) -> Event:
    return _new_event(
        kind,
        subject if subject is not None else DEFAULT_SUBJECT,
        text if isinstance(text, str) else _as_text(text),
        tool,
        args if args is not None else {},
        meta if meta is not None else {},
        None,
    )


def _as_text(value: Any) -> str:
    """Text of a tool result: strings as they are, bytes decoded, anything else as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(type(value))
