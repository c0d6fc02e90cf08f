"""Policies, agents, audit, health, readiness and metrics.

Policies are global to the service (one active policy); editing them is for admins only.
Agent state (quarantine, trust) comes from the behaviour stage where it is present; the
audit routes read the audit log the app was given (``services.extras["audit"]``).
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response

from aimds.errors import AimdsError, PolicyError
from aimds.policy import PACKS
from aimds.serialize import decision_to_dict
from aimds.server.auth import Principal, Role
from aimds.server.deps import Caller, FastJSON, may_read_agent, require, state_of
from aimds.server.models import CheckIn, DecisionOut, PolicyOut, QuarantineIn
from aimds.server.state import ServiceState, decision_meta
from aimds.types import Event, EventKind, Subject

__all__ = ["router"]

router = APIRouter(tags=["admin"])

_NAME = r"^[A-Za-z0-9_.-]{1,128}$"
_AGENT = r"^[A-Za-z0-9_.:@-]{1,128}$"
AUDIT_KEY = "audit"  # seam: an audit log with ``query(tenant=, limit=)`` and ``verify()``


# -- policies ---------------------------------------------------------------------------------


@router.get("/v1/policies", response_model=list[PolicyOut], response_class=FastJSON)
async def list_policies(request: Request, who: Caller) -> Any:
    require(who, Role.ADMIN, Role.AUDITOR, Role.APPROVER)
    state = state_of(request)
    holder = state.holder
    stored = {name: (version, label) for name, version, label in state.policies.names()}
    out = [
        {"name": name, "version": version, "label": label, "active": name == holder.name}
        for name, (version, label) in stored.items()
    ]
    if holder.name not in stored:
        out.append(
            {"name": holder.name, "version": holder.version, "label": holder.guard.policy.label,
             "active": True}
        )
    return FastJSON(sorted(out, key=lambda p: str(p["name"])))


@router.get("/v1/policies/{name}", response_model=PolicyOut, response_class=FastJSON)
async def get_policy(
    request: Request, who: Caller, name: str = Path(pattern=_NAME)
) -> Any:
    require(who, Role.ADMIN, Role.AUDITOR, Role.APPROVER)
    state = state_of(request)
    stored = state.policies.latest(name)
    if stored is None:
        raise HTTPException(404, "no stored policy of that name")
    return FastJSON(
        {"name": name, "version": stored.version, "label": stored.label,
         "active": name == state.holder.name, "text": stored.text}
    )


@router.put(
    "/v1/policies/{name}",
    response_model=PolicyOut,
    response_class=FastJSON,
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "the policy document as YAML or JSON text",
            "content": {"application/yaml": {"schema": {"type": "string"}}},
        }
    },
)
async def put_policy(
    request: Request, who: Caller,
    name: str = Path(pattern=_NAME),
) -> Any:
    """Validate, store as a new version and, if ``name`` is active, swap it in atomically."""
    require(who, Role.ADMIN)
    state = state_of(request)
    text = await _text_body(request)
    loop = asyncio.get_running_loop()
    try:
        guard = await loop.run_in_executor(state.pool, state.holder.build, text, state.services)
    except PolicyError as exc:
        raise HTTPException(422, {"error": "invalid policy", "detail": str(exc)}) from None
    if guard.policy.name != name:
        guard.close()
        raise HTTPException(422, f"name: the document is named {guard.policy.name!r}, not {name!r}")
    saved = await loop.run_in_executor(
        state.pool,
        lambda: state.policies.save(name, text, label=guard.policy.label, author=who.id),
    )
    if name == state.holder.name:
        state.holder.swap(guard, saved.version)
    else:
        guard.close()
    return FastJSON(
        {"name": name, "version": saved.version, "label": saved.label,
         "active": name == state.holder.name}
    )


@router.post("/v1/policies/{name}/test", response_model=DecisionOut, response_class=FastJSON)
async def test_policy(
    body: CheckIn,
    request: Request, who: Caller,
    name: str = Path(pattern=_NAME),
) -> Any:
    """Judge one event with policy ``name`` (a stored policy or a pack) without using it."""
    require(who, Role.ADMIN)
    state = state_of(request)
    stored = state.policies.latest(name)
    if stored is None and name not in PACKS:
        raise HTTPException(404, "no stored policy or built-in pack of that name")
    event = Event(
        kind=EventKind(body.kind),
        subject=Subject(
            tenant=who.tenant, agent=body.subject.agent or "anonymous",
            role=body.subject.role or "expert", session=body.subject.session or "default",
        ),
        text=body.text, tool=body.tool, args=body.args,
        meta=decision_meta(body.meta, who.id),
    )

    def run() -> dict[str, Any]:
        from aimds.guard import Guard
        from aimds.types import Services

        # A private queue: a test must not raise real approval requests.
        services = Services()
        guard = (
            state.holder.build(stored.text, services) if stored else Guard(name, services=services)
        )
        try:
            return decision_to_dict(guard.check(event))
        finally:
            guard.close()

    try:
        return FastJSON(await asyncio.get_running_loop().run_in_executor(state.pool, run))
    except PolicyError as exc:
        raise HTTPException(422, str(exc)) from None


async def _text_body(request: Request) -> str:
    raw = await request.body()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(422, "body: the policy must be UTF-8 text") from None


# -- agents -----------------------------------------------------------------------------------


def _behavior(state: ServiceState, method: str) -> Any:
    """Seam to the behaviour stage: ``guard.quarantine/release/trust`` once it provides them."""
    return getattr(state.guard, method, None)


def _known_agent(state: ServiceState, tenant: str, agent: str) -> bool:
    return (tenant, agent) in state.recent or state.keys.agent_known(tenant, agent)


@router.get("/v1/agents/{agent_id}", response_class=FastJSON)
async def get_agent(
    request: Request, who: Caller, agent_id: str = Path(pattern=_AGENT)
) -> Any:
    """Trust, quarantine state and recent findings of one agent of your tenant."""
    state = state_of(request)
    if not may_read_agent(who, agent_id) or not _known_agent(state, who.tenant, agent_id):
        raise HTTPException(404, "no such agent")
    trust = _behavior(state, "trust")
    info: Any = None
    if callable(trust):
        try:
            info = trust(agent_id, tenant=who.tenant)
        except AimdsError:
            info = None
    recent = list(state.recent.get((who.tenant, agent_id), ()))
    return FastJSON(
        {
            "agent": agent_id,
            "tenant": who.tenant,
            "trust": _plain(info),
            "recent": recent[-20:][::-1],
            "behavior_available": callable(trust),
        }
    )


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str | bool | dict | list):
        return value
    to_dict = getattr(value, "as_dict", None) or getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    slots = getattr(value, "__slots__", ())
    return {s: getattr(value, s) for s in slots} if slots else str(value)


async def _agent_action(request: Request, who: Principal, agent_id: str, method: str,
                        reason: str) -> Any:
    require(who, Role.ADMIN)
    state = state_of(request)
    if not _known_agent(state, who.tenant, agent_id):
        raise HTTPException(404, "no such agent")
    action = _behavior(state, method)
    if not callable(action):
        raise HTTPException(501, f"{method}: the behaviour stage is not available in this build")
    kwargs: dict[str, Any] = {"tenant": who.tenant}
    if method == "quarantine":
        kwargs["reason"] = reason
    try:
        result = await asyncio.get_running_loop().run_in_executor(
            state.pool, lambda: action(agent_id, **kwargs)
        )
    except AimdsError as exc:
        raise HTTPException(409, f"{method}: {exc}") from None
    return FastJSON({"agent": agent_id, "tenant": who.tenant, "action": method,
                     "changed": result is not False})


@router.post("/v1/agents/{agent_id}/quarantine", response_class=FastJSON)
async def quarantine(
    request: Request, who: Caller,
    body: QuarantineIn | None = None,
    agent_id: str = Path(pattern=_AGENT),
) -> Any:
    reason = body.reason if body is not None else "quarantined by an administrator"
    return await _agent_action(request, who, agent_id, "quarantine", reason)


@router.post("/v1/agents/{agent_id}/release", response_class=FastJSON)
async def release(
    request: Request, who: Caller, agent_id: str = Path(pattern=_AGENT)
) -> Any:
    return await _agent_action(request, who, agent_id, "release", "")


@router.post("/v1/agents/{agent_id}/trust/reset", response_class=FastJSON)
async def reset_trust(
    request: Request, who: Caller, agent_id: str = Path(pattern=_AGENT)
) -> Any:
    """Set the agent's trust back to the policy's initial score (admins; audited as
    ``trust.reset`` with the score before and who reset it)."""
    require(who, Role.ADMIN)
    state = state_of(request)
    if not _known_agent(state, who.tenant, agent_id):
        raise HTTPException(404, "no such agent")
    reset = _behavior(state, "reset_trust")
    if not callable(reset):
        raise HTTPException(501, "reset_trust: the behaviour stage is not available")
    loop = asyncio.get_running_loop()
    try:
        before = await loop.run_in_executor(
            state.pool, lambda: reset(agent_id, tenant=who.tenant)
        )
        after = await loop.run_in_executor(
            state.pool, lambda: state.guard.trust(agent_id, tenant=who.tenant)
        )
    except AimdsError as exc:
        raise HTTPException(409, f"reset_trust: {exc}") from None
    audit = state.services.extras.get(AUDIT_KEY)
    if audit is not None:
        audit.append_event(
            "trust.reset",
            subject=Subject(tenant=who.tenant, agent=agent_id),
            data={"by": who.id, "before": round(before.score, 3), "tier_before": before.tier,
                  "after": round(after.score, 3)},
        )
    return FastJSON({"agent": agent_id, "tenant": who.tenant, "action": "reset_trust",
                     "changed": before.score != after.score,
                     "before": _plain(before), "trust": _plain(after)})


# -- audit ------------------------------------------------------------------------------------


def _audit(state: ServiceState) -> Any:
    log = state.services.extras.get(AUDIT_KEY)
    if log is None:
        raise HTTPException(503, "no audit log is configured for this service")
    return log


@router.get("/v1/audit", response_class=FastJSON)
async def audit(
    request: Request, who: Caller,
    limit: int = Query(default=100, ge=1, le=1000),
) -> Any:
    require(who, Role.ADMIN, Role.AUDITOR)
    log = _audit(state_of(request))
    return FastJSON(await asyncio.get_running_loop().run_in_executor(
        state_of(request).pool, audit_rows, log, who.tenant, limit
    ))


def audit_rows(log: Any, tenant: str, limit: int) -> list[Any]:
    """The newest ``limit`` records of ``tenant`` (already masked by the audit log)."""
    from aimds.audit import Query

    return [r.data() for r in log.query(Query(tenant=tenant, limit=limit, newest_first=True))]


@router.get("/v1/audit/verify", response_class=FastJSON)
async def audit_verify(request: Request, who: Caller) -> Any:
    require(who, Role.ADMIN, Role.AUDITOR)
    log = _audit(state_of(request))
    report = await asyncio.get_running_loop().run_in_executor(state_of(request).pool, log.verify)
    return FastJSON(_plain(report))


# -- health -----------------------------------------------------------------------------------


@router.get("/health", tags=["health"], response_class=FastJSON)
async def health() -> Any:
    """Liveness: the process answers."""
    return FastJSON({"status": "ok"})


@router.get("/ready", tags=["health"], response_class=FastJSON)
async def ready(request: Request) -> Any:
    """Readiness: each backend answers and a policy is loaded (503 otherwise)."""
    state = state_of(request)

    def probe() -> dict[str, Any]:
        checks: dict[str, Any] = {}
        try:
            state.keys.count()
            checks["database"] = "ok"
        except AimdsError as exc:
            checks["database"] = f"error: {type(exc).__name__}"
        audit = state.services.extras.get(AUDIT_KEY)
        if audit is not None:
            healthy = getattr(audit, "healthy", True)
            checks["audit"] = "ok" if healthy else "error: audit writer unhealthy"
        if state.redis is not None:
            try:
                state.redis.ping()
                checks["redis"] = "ok"
            except Exception as exc:  # noqa: BLE001 - reported, not raised
                checks["redis"] = f"error: {type(exc).__name__}"
        return checks

    checks = await asyncio.get_running_loop().run_in_executor(state.pool, probe)
    guard = state.guard
    stages = [getattr(s, "name", type(s).__name__) for s in guard.stages]
    detectors = [
        d.info.id
        for s in guard.stages
        for d in getattr(s, "detectors", ())
        if hasattr(d, "info")
    ]
    ok = all(v == "ok" for v in checks.values())
    body = {
        "status": "ready" if ok else "unavailable",
        "policy": {"loaded": True, "name": state.holder.name, "label": guard.policy.label,
                   "version": state.holder.version},
        "backends": checks,
        "stages": stages,
        "detectors": detectors,
    }
    return FastJSON(body, status_code=200 if ok else 503)


@router.get("/metrics", tags=["health"])
async def metrics(request: Request) -> Response:
    state = state_of(request)
    state.metrics.sse_subscribers.set(state.broker.subscribers)
    body = state.metrics.render()
    shared = state.services.extras.get("metrics")
    if shared is not None and hasattr(shared, "render"):
        body += shared.render()  # the pipeline's own metrics (decisions, stages, audit)
    return Response(body, media_type="text/plain; version=0.0.4")
