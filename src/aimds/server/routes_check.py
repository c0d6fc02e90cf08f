"""Judging events: ``/v1/check``, ``/v1/detect``, ``/v1/evaluate``, ``/v1/mitigate``,
``/v1/scan/batch`` and the live stream ``/v1/events/stream``.

Most of this traffic never reaches these routes: :mod:`aimds.server.fastpath` answers
bearer-authenticated, well-formed calls to the judging endpoints itself and hands the rest
(bad input, sessions, chunked bodies) here; both share :func:`build_event` and
:func:`judge`. These routes also define the OpenAPI contract.

A small request is judged on the event loop when the guard does no I/O (a tool call takes
tens of microseconds, a thread hop costs more); a long text, or any request in cluster mode
(the guard then talks to Redis), runs in the worker thread pool. A ``review`` answer with
``wait`` > 0 is held (without a thread) until a human decides or the wait ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import StreamingResponse

from aimds.judge.stage import JudgeStage
from aimds.policy.sections.memory import PROVENANCE_KEY
from aimds.respond.approvals import resolved_decision
from aimds.serialize import decision_to_dict
from aimds.server.approval_details import keep_action
from aimds.server.auth import Principal, Role
from aimds.server.deps import (
    Caller,
    FastJSON,
    TenantParam,
    read_scope,
    require,
    state_of,
    subject_for,
)
from aimds.server.fairpool import Busy
from aimds.server.models import (
    BatchIn,
    BatchOut,
    CheckIn,
    DecisionOut,
    DetectIn,
    EvaluateIn,
    MitigateIn,
    MitigateOut,
    ProvenanceIn,
    SubjectIn,
)
from aimds.server.sse import sse_stream
from aimds.server.state import ServiceState, decision_meta, live_event
from aimds.types import Decision, Event, EventKind, Verdict

__all__ = ["build_event", "check_event", "detect_event", "evaluate_event", "judge", "router"]

router = APIRouter(prefix="/v1", tags=["check"])


def build_event(
    who: Principal,
    kind: str,
    subject: SubjectIn,
    *,
    text: str = "",
    tool: str | None = None,
    args: Mapping[str, Any] | None = None,
    meta: Mapping[str, Any] | None = None,
    provenance: ProvenanceIn | None = None,
) -> Event:
    clean = decision_meta(meta or {}, who.id)
    if provenance is not None:  # typed, so it may set the reserved key
        clean[PROVENANCE_KEY] = provenance.model_dump(exclude_none=True)
    return Event(
        kind=EventKind(kind),
        subject=subject_for(who, subject),
        text=text,
        tool=tool,
        args=args or {},
        meta=clean,
    )


def _judge(state: ServiceState, event: Event) -> Decision:
    """Runs in the worker pool: the tenant's guard, the approver's view of a review,
    then the live-event fan-out."""
    decision = state.guard_for(event.subject.tenant).check(event)
    if decision.approval is not None:
        keep_action(state, event, decision)
    if state.redis is not None:
        try:
            state.redis.publish(
                f"{state.settings.redis_prefix}:events", orjson.dumps(live_event(decision))
            )
        except Exception:  # noqa: BLE001 - the live feed is best effort; the decision stands
            state.metrics.rejected.labels("sse_publish_failed").inc()
    return decision


async def judge(
    state: ServiceState, event: Event, wait: float, *, inline: bool = False,
    size: int | None = None,
) -> Decision:
    """The decision on ``event`` (on the loop when ``inline``, else in the pool; a heavy one,
    ``size`` bytes of body over ``heavy_request_bytes``, through the fair queue), counted,
    remembered and fanned out; a ``review`` is held up to ``wait`` s for a human."""
    if inline and not _may_ask_judge(state, event):
        decision = _judge(state, event)
    elif (len(event.text) if size is None else size) > state.settings.heavy_request_bytes:
        tenant = event.subject.tenant
        try:
            decision = await state.heavy.run(
                tenant, str(event.meta.get("aimds.requester", "")), _judge, state, event
            )
        except Busy:
            state.metrics.rejected.labels("heavy_queue_full").inc()
            raise HTTPException(
                429, "too many large requests are waiting for this tenant; retry later",
                headers={"Retry-After": "1"},
            ) from None
    else:
        loop = asyncio.get_running_loop()
        decision = await loop.run_in_executor(state.pool, _judge, state, event)
    state.metrics.decided(decision.verdict.value, event.kind.value, decision.latency_us)
    state.remember(decision)
    if state.redis is None and state.broker.subscribers:
        state.broker.deliver(live_event(decision))
    wait = min(wait, state.settings.max_wait_s)
    if decision.verdict is Verdict.REVIEW and decision.approval and wait > 0:
        request = await state.waiters.wait(
            state.queue, state.pool, decision.approval, event.subject.tenant, wait
        )
        if request is not None and not request.pending:
            decision = resolved_decision(decision, request)
    return decision


def _may_ask_judge(state: ServiceState, event: Event) -> bool:
    """True when the tenant's guard has an LLM judge, which may wait on the network for
    seconds: such a guard never runs on the event loop."""
    return any(isinstance(s, JudgeStage) for s in state.guard_for(event.subject.tenant).stages)


def check_event(who: Principal, body: CheckIn) -> tuple[Event, float]:
    event = build_event(
        who, body.kind, body.subject, text=body.text, tool=body.tool, args=body.args,
        meta=body.meta, provenance=body.provenance,
    )
    return event, body.wait


def detect_event(who: Principal, body: DetectIn) -> tuple[Event, float]:
    return build_event(who, body.kind, body.subject, text=body.text), 0.0


def evaluate_event(who: Principal, body: EvaluateIn) -> tuple[Event, float]:
    event = build_event(
        who, "tool_call", body.subject, tool=body.tool, args=body.args, meta=body.meta
    )
    return event, body.wait


@router.post("/check", response_model=DecisionOut, response_class=FastJSON)
async def check(body: CheckIn, request: Request, who: Caller) -> Any:
    """Judge any event. With ``wait``, a ``review`` is held until a human decides."""
    event, wait = check_event(who, body)
    return FastJSON(decision_to_dict(await judge(state_of(request), event, wait)))


@router.post("/detect", response_model=DecisionOut, response_class=FastJSON)
async def detect(body: DetectIn, request: Request, who: Caller) -> Any:
    """Scan a text (a prompt by default) for injections, secrets, PII and the like."""
    event, wait = detect_event(who, body)
    return FastJSON(decision_to_dict(await judge(state_of(request), event, wait)))


@router.post("/evaluate", response_model=DecisionOut, response_class=FastJSON)
async def evaluate(body: EvaluateIn, request: Request, who: Caller) -> Any:
    """Judge a tool call before it runs. With ``wait``, a ``review`` waits for a human."""
    event, wait = evaluate_event(who, body)
    return FastJSON(decision_to_dict(await judge(state_of(request), event, wait)))


@router.post("/mitigate", response_model=MitigateOut, response_class=FastJSON)
async def mitigate(body: MitigateIn, request: Request, who: Caller) -> Any:
    """The text with what the policy redacts or spotlights applied, and the decision. A text
    the policy stops (``review``, ``block``) is never handed back: ``text`` is then only
    ``[blocked by AIMDS: RULE_IDS]`` (an injection's payload runs past the span a detector
    marks, so cutting spans out would pass the rest of the attack on)."""
    event = build_event(who, body.kind, body.subject, text=body.text, tool=body.tool)
    decision = await judge(state_of(request), event, 0)
    if decision.verdict.permits:
        text = decision.text if decision.text is not None else body.text
    else:
        stopped = [f.rule for f in decision.findings if f.action and not f.action.permits]
        rules = ", ".join(dict.fromkeys(stopped)) or decision.verdict.value
        text = f"[blocked by AIMDS: {rules}]"
    return FastJSON(
        {"text": text, "changed": text != body.text, "decision": decision_to_dict(decision)}
    )


@router.post("/scan/batch", response_model=BatchOut, response_class=FastJSON)
async def scan_batch(body: BatchIn, request: Request, who: Caller) -> Any:
    """Judge up to 100 events in one call (waits are ignored here)."""
    state = state_of(request)
    events = [
        build_event(who, item.kind, item.subject, text=item.text, tool=item.tool, args=item.args,
               meta=item.meta, provenance=item.provenance)
        for item in body.items
    ]
    results = [decision_to_dict(await judge(state, e, 0)) for e in events]
    return FastJSON({"results": results})


@router.get("/events/stream", response_class=StreamingResponse)
async def events_stream(
    request: Request, who: Caller,
    verdict: str | None = Query(default=None, max_length=16),
    agent: str | None = Query(default=None, max_length=128),
    kind: str | None = Query(default=None, max_length=16),
    tenant: TenantParam = None,
) -> StreamingResponse:
    """Server-Sent Events of live decisions in your tenant (agents: only their own;
    operators: every tenant's, or the one ``tenant`` names)."""
    require(who, Role.ADMIN, Role.AUDITOR, Role.APPROVER, Role.AGENT)
    state = state_of(request)
    filters = {k: v for k, v in (("verdict", verdict), ("agent", agent), ("kind", kind)) if v}
    if who.role is Role.AGENT:
        filters["agent"] = who.agent or ""
    sub = state.broker.subscribe(read_scope(who, tenant), filters)
    return StreamingResponse(
        sse_stream(state.broker, sub, request.is_disconnected),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
