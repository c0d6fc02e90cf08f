"""Policies, agents, audit, health, readiness and metrics.

Every tenant runs its own active policy (its own version of it, else the operator's global
one); a tenant admin changes only its own tenant's, an operator the global one (or, naming
it with ``?tenant=``, a tenant's). Every read is confined to the caller's tenant; an
operator reads every tenant's unless ``?tenant=`` narrows it. Agent state (quarantine,
trust) comes from the behaviour stage of the tenant's guard; the audit routes read the audit
log the app was given (``services.extras["audit"]``), one hash chain per tenant.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import yaml
from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response

from aimds.errors import AimdsError, PolicyError
from aimds.policy import PACKS
from aimds.policy.loader import pack_source
from aimds.serialize import decision_to_dict
from aimds.server.auth import Principal, Role
from aimds.server.cluster import behavior_sharing
from aimds.server.deps import (
    Caller,
    FastJSON,
    TenantParam,
    act_tenant,
    may_read_agent,
    read_scope,
    require,
    state_of,
)
from aimds.server.models import (
    AgentSummaryOut,
    CheckIn,
    DecisionOut,
    PolicyOut,
    PolicyVersionOut,
    QuarantineIn,
    TrustResetOut,
)
from aimds.server.policies import masked_policy_text
from aimds.server.service_audit import quarantine_of, record_agent_action
from aimds.server.state import ServiceState, decision_meta
from aimds.server.tenant_policies import PolicyNameMismatch
from aimds.types import Event, EventKind, Services, Subject

__all__ = [
    "audit_rows", "known_agents", "policy_text", "router", "store_policy", "verify_audit"
]

router = APIRouter(tags=["admin"])

_NAME = r"^[A-Za-z0-9_.-]{1,128}$"
_AGENT = r"^[A-Za-z0-9_.:@-]{1,128}$"
AUDIT_KEY = "audit"  # seam: an audit log with ``query(tenant=, limit=)`` and ``verify()``


# -- policies ---------------------------------------------------------------------------------


def _policy_tenant(who: Principal, tenant: str | None) -> str | None:
    """Whose policies a call is about: a tenant credential's own tenant; an operator's
    global namespace, or the tenant it names."""
    return tenant if who.operator else act_tenant(who, tenant)


@router.get("/v1/policies", response_model=list[PolicyOut], response_class=FastJSON)
async def list_policies(request: Request, who: Caller, tenant: TenantParam = None) -> Any:
    """The policies you may read: your tenant's own (``scope: tenant``), the operator's
    global ones (``global``) and the built-in packs (``pack``); ``active`` marks the one
    that judges your tenant's events. Operators see the global view and each tenant's
    running version of its own, or one tenant's view with ``?tenant=``."""
    require(who, Role.ADMIN, Role.AUDITOR, Role.APPROVER)
    state = state_of(request)
    owner = _policy_tenant(who, tenant)
    policies = state.tenant_policies
    judging = policies.holder_for(owner)

    def collect() -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if owner is not None:
            for name, version, label in state.policies.names(tenant=owner):
                out.append({"name": name, "version": version, "label": label, "scope": "tenant",
                            "tenant": owner,
                            "active": judging.tenant == owner and name == judging.name})
        stored = state.policies.names()
        for name, version, label in stored:
            out.append({"name": name, "version": version, "label": label, "scope": "global",
                        "active": judging.tenant is None and name == judging.name})
        glob = policies.holder_for(None)
        if glob.name not in {n for n, _, _ in stored}:  # the active one, from a pack or file
            out.append({"name": glob.name, "version": glob.version,
                        "label": glob.guard.policy.label, "scope": "global",
                        "active": judging.tenant is None})
        if owner is None:  # the operator's overview: which tenants run a version of their own
            for t in policies.tenants():
                own = policies.holder_for(t)
                out.append({"name": own.name, "version": own.version, "scope": "tenant",
                            "label": own.guard.policy.label, "tenant": t, "active": True})
        out.extend({"name": pack, "version": 0, "label": f"builtin:{pack}", "scope": "pack",
                    "active": False} for pack in PACKS)
        return out

    found = await asyncio.get_running_loop().run_in_executor(state.pool, collect)
    return FastJSON(found)


@router.get("/v1/policies/{name}", response_model=PolicyOut, response_class=FastJSON)
async def get_policy(
    request: Request, who: Caller, name: str = Path(pattern=_NAME), tenant: TenantParam = None,
) -> Any:
    """The text of policy ``name`` as ``extends`` would find it: your tenant's own, else the
    operator's global one (the active policy even when it came from a file), else a pack."""
    require(who, Role.ADMIN, Role.AUDITOR, Role.APPROVER)
    state = state_of(request)
    owner = _policy_tenant(who, tenant)
    found = await asyncio.get_running_loop().run_in_executor(
        state.pool, policy_text, state, owner, name
    )
    if found is None:
        raise HTTPException(404, "no policy of that name (stored, active or a built-in pack)")
    return FastJSON(found)


def _shown(text: str, reader: str | None, owner: str | None) -> str:
    """A policy's text for ``reader`` (a tenant; ``None``: the operator): the operator's
    policies reach tenants with their secret settings masked."""
    return masked_policy_text(text) if reader is not None and owner is None else text


def policy_text(state: ServiceState, owner: str | None, name: str) -> dict[str, Any] | None:
    """Policy ``name`` as ``owner`` (a tenant; ``None``: the operator's global namespace)
    reads it, with its text, or ``None``. For the dashboard too: ``policy_text(state,
    owner, state.tenant_policies.active)`` is the policy judging ``owner``'s events."""
    judging = state.tenant_policies.holder_for(owner)
    for scope_tenant in ([owner, None] if owner is not None else [None]):
        stored = state.policies.latest(name, tenant=scope_tenant)
        if stored is not None:
            return {"name": name, "version": stored.version, "label": stored.label,
                    "scope": "tenant" if scope_tenant else "global", "tenant": scope_tenant,
                    "active": judging.tenant == scope_tenant and name == judging.name,
                    "text": _shown(stored.text, owner, scope_tenant)}
    active = state.tenant_policies.holder_for(None)
    if name == active.name:
        document = active.guard.policy.document.model_dump(mode="json", exclude_none=True)
        return {"name": name, "version": active.version, "label": active.guard.policy.label,
                "scope": "global", "active": judging.tenant is None,
                "text": _shown(yaml.safe_dump(document, sort_keys=False), owner, None)}
    if name in PACKS:
        return {"name": name, "version": 0, "label": f"builtin:{name}", "scope": "pack",
                "active": False, "text": pack_source(name)[0]}
    return None


@router.get(
    "/v1/policies/{name}/versions",
    response_model=list[PolicyVersionOut],
    response_class=FastJSON,
)
async def policy_versions(
    request: Request, who: Caller, name: str = Path(pattern=_NAME), tenant: TenantParam = None,
) -> Any:
    """Every stored version of policy ``name`` (your tenant's own, else the global one),
    newest first: number, label, author and when (epoch seconds); ``text`` per version."""
    require(who, Role.ADMIN, Role.AUDITOR, Role.APPROVER)
    state = state_of(request)
    owner = _policy_tenant(who, tenant)

    def find() -> list[dict[str, Any]]:
        for scope_tenant in ([owner, None] if owner is not None else [None]):
            found = state.policies.history(name, tenant=scope_tenant)
            if found:
                return [{"name": v.name, "version": v.version, "label": v.label,
                         "author": v.author, "created": v.created, "tenant": v.tenant,
                         "text": _shown(v.text, owner, v.tenant)} for v in found]
        return []

    found = await asyncio.get_running_loop().run_in_executor(state.pool, find)
    if not found:
        raise HTTPException(404, "no stored policy of that name")
    return FastJSON(found)


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
    tenant: TenantParam = None,
) -> Any:
    """Validate and store a new version of your tenant's policy ``name``; if ``name`` is the
    active policy, your tenant runs it from now on (atomically). Operators store the global
    policy (every tenant without its own runs it), or a tenant's with ``?tenant=``.
    ``extends`` names a pack or a stored policy, never a file."""
    require(who, Role.ADMIN)
    text = await _text_body(request)
    return FastJSON(await store_policy(state_of(request), who, name, text, tenant))


async def store_policy(
    state: ServiceState, who: Principal, name: str, text: str, tenant: str | None = None
) -> dict[str, Any]:
    """Store ``text`` as the next version of ``name`` in the caller's namespace (shared by
    the API and the dashboard); 403 for non-admins, 422 naming the problem."""
    require(who, Role.ADMIN)
    owner = _policy_tenant(who, tenant)
    try:
        version, active = await asyncio.get_running_loop().run_in_executor(
            state.pool,
            lambda: state.tenant_policies.put(name, text, tenant=owner, author=who.id),
        )
    except PolicyNameMismatch as exc:
        raise HTTPException(422, f"name: {exc.message}") from None
    except PolicyError as exc:
        raise HTTPException(422, {"error": "invalid policy", "detail": str(exc)}) from None
    label = state.tenant_policies.holder_for(owner).guard.policy.label if active else ""
    return {"name": name, "version": version, "label": label, "active": active,
            "scope": "tenant" if owner else "global", "tenant": owner}


@router.post("/v1/policies/{name}/test", response_model=DecisionOut, response_class=FastJSON)
async def test_policy(
    body: CheckIn,
    request: Request, who: Caller,
    name: str = Path(pattern=_NAME),
    tenant: TenantParam = None,
) -> Any:
    """Judge one event with policy ``name`` (yours, a global one or a pack) without using it."""
    require(who, Role.ADMIN)
    state = state_of(request)
    owner = _policy_tenant(who, tenant)
    places = [owner, None] if owner is not None else [None]
    stored = next(
        (found for t in places if (found := state.policies.latest(name, tenant=t)) is not None),
        None,
    )
    if stored is None and name not in PACKS:
        raise HTTPException(404, "no stored policy or built-in pack of that name")
    event = Event(
        kind=EventKind(body.kind),
        subject=Subject(
            tenant=owner or "default", agent=body.subject.agent or "anonymous",
            role=body.subject.role or "expert", session=body.subject.session or "default",
        ),
        text=body.text, tool=body.tool, args=body.args,
        meta=decision_meta(body.meta, who.id),
    )

    def run() -> dict[str, Any]:
        from aimds.guard import Guard

        # A private queue: a test must not raise real approval requests.
        services = Services()
        if stored is not None:
            guard = state.tenant_policies.build(
                stored.text, tenant=stored.tenant, name=name, services=services
            )[0]
        else:
            guard = Guard(name, services=services)
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


def _behavior(state: ServiceState, tenant: str, method: str) -> Any:
    """Seam to the behaviour stage of ``tenant``'s guard: ``quarantine/release/trust``."""
    return getattr(state.guard_for(tenant), method, None)


def _known_agent(state: ServiceState, tenant: str, agent: str) -> bool:
    return (tenant, agent) in state.recent or state.keys.agent_known(tenant, agent)


def known_agents(state: ServiceState, tenant: str | None) -> list[dict[str, Any]]:
    """The agents of ``tenant`` (``None``: every tenant) this service knows: those with an
    agent key and those it judged lately, with when it last judged each (else ``None``)."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for record in state.keys.records(tenant=tenant):
        if record.role is Role.AGENT and record.agent and not record.revoked:
            seen.setdefault((record.tenant, record.agent), {
                "tenant": record.tenant, "agent": record.agent, "last_seen": None,
                "recent_decisions": 0,
            })
    for (t, agent), ring in list(state.recent.items()):
        if tenant is not None and t != tenant:
            continue
        entry = seen.setdefault((t, agent), {"tenant": t, "agent": agent, "last_seen": None,
                                             "recent_decisions": 0})
        entry["recent_decisions"] = len(ring)
        entry["last_seen"] = ring[-1]["ts"] if ring else None
    return sorted(seen.values(), key=lambda e: (e["tenant"], e["agent"]))


@router.get("/v1/agents", response_model=list[AgentSummaryOut], response_class=FastJSON)
async def list_agents(request: Request, who: Caller, tenant: TenantParam = None) -> Any:
    """The agents of your tenant (operators: of every tenant, or of ``tenant``): those with
    a key and those judged lately, with ``last_seen`` (epoch seconds) and the number of
    recent decisions kept. An agent credential sees only itself."""
    state = state_of(request)
    scope = read_scope(who, tenant)
    found = await asyncio.get_running_loop().run_in_executor(
        state.pool, known_agents, state, scope
    )
    if who.role is Role.AGENT:
        found = [a for a in found if a["agent"] == who.agent]
    return FastJSON(found)


@router.get("/v1/agents/{agent_id}", response_class=FastJSON)
async def get_agent(
    request: Request, who: Caller, agent_id: str = Path(pattern=_AGENT),
    tenant: TenantParam = None,
) -> Any:
    """Trust, quarantine state and recent findings of one agent of your tenant (operators
    name the tenant)."""
    state = state_of(request)
    home = act_tenant(who, tenant)
    if not may_read_agent(who, agent_id) or not _known_agent(state, home, agent_id):
        raise HTTPException(404, "no such agent")
    trust = _behavior(state, home, "trust")
    info: Any = None
    if callable(trust):
        try:
            info = trust(agent_id, tenant=home)
        except AimdsError:
            info = None
    recent = list(state.recent.get((home, agent_id), ()))
    return FastJSON(
        {
            "agent": agent_id,
            "tenant": home,
            "quarantine": await quarantine_of(state, home, agent_id),
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
                        reason: str, tenant: str | None) -> Any:
    require(who, Role.ADMIN)
    state = state_of(request)
    home = act_tenant(who, tenant)
    if not _known_agent(state, home, agent_id):
        raise HTTPException(404, "no such agent")
    action = _behavior(state, home, method)
    if not callable(action):
        raise HTTPException(501, f"{method}: the behaviour stage is not available in this build")
    kwargs: dict[str, Any] = {"tenant": home}
    if method == "quarantine":
        kwargs["reason"] = reason
    try:
        result = await asyncio.get_running_loop().run_in_executor(
            state.pool, lambda: action(agent_id, **kwargs)
        )
    except AimdsError as exc:
        raise HTTPException(409, f"{method}: {exc}") from None
    record_agent_action(state.services.extras.get(AUDIT_KEY), tenant=home, agent=agent_id,
                        action=method, by=who.id, reason=reason, changed=result is not False)
    return FastJSON({"agent": agent_id, "tenant": home, "action": method,
                     "changed": result is not False})


@router.post("/v1/agents/{agent_id}/quarantine", response_class=FastJSON)
async def quarantine(
    request: Request, who: Caller,
    body: QuarantineIn | None = None,
    agent_id: str = Path(pattern=_AGENT),
    tenant: TenantParam = None,
) -> Any:
    reason = body.reason if body is not None else "quarantined by an administrator"
    return await _agent_action(request, who, agent_id, "quarantine", reason, tenant)


@router.post("/v1/agents/{agent_id}/release", response_class=FastJSON)
async def release(
    request: Request, who: Caller, agent_id: str = Path(pattern=_AGENT),
    tenant: TenantParam = None,
) -> Any:
    return await _agent_action(request, who, agent_id, "release", "", tenant)


@router.post(
    "/v1/agents/{agent_id}/trust/reset", response_model=TrustResetOut, response_class=FastJSON
)
async def reset_trust(
    request: Request, who: Caller, agent_id: str = Path(pattern=_AGENT),
    tenant: TenantParam = None,
) -> Any:
    """Set the agent's trust back to the policy's initial score (admins of its tenant, or an
    operator naming the tenant; audited as ``trust.reset`` with the score before and who
    reset it)."""
    require(who, Role.ADMIN)
    state = state_of(request)
    home = act_tenant(who, tenant)
    if not _known_agent(state, home, agent_id):
        raise HTTPException(404, "no such agent")
    reset = _behavior(state, home, "reset_trust")
    trust = _behavior(state, home, "trust")
    if not callable(reset) or not callable(trust):
        raise HTTPException(501, "reset_trust: the behaviour stage is not available")
    loop = asyncio.get_running_loop()
    try:
        before = await loop.run_in_executor(state.pool, lambda: reset(agent_id, tenant=home))
        after = await loop.run_in_executor(state.pool, lambda: trust(agent_id, tenant=home))
    except AimdsError as exc:
        raise HTTPException(409, f"reset_trust: {exc}") from None
    audit = state.services.extras.get(AUDIT_KEY)
    if audit is not None:
        audit.append_event(
            "trust.reset",
            subject=Subject(tenant=home, agent=agent_id),
            data={"by": who.id, "before": round(before.score, 3), "tier_before": before.tier,
                  "after": round(after.score, 3)},
        )
    return FastJSON({"agent": agent_id, "tenant": home, "action": "reset_trust",
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
    tenant: TenantParam = None,
) -> Any:
    """The newest audit records of your tenant (operators: of every tenant, or ``tenant``)."""
    require(who, Role.ADMIN, Role.AUDITOR)
    state = state_of(request)
    log = _audit(state)
    return FastJSON(await asyncio.get_running_loop().run_in_executor(
        state.pool, audit_rows, log, read_scope(who, tenant), limit
    ))


def audit_rows(log: Any, tenant: str | None, limit: int) -> list[Any]:
    """The newest ``limit`` records of ``tenant`` (``None``: every tenant; only for an
    operator, see :func:`~aimds.server.deps.read_scope`), already masked by the audit log."""
    from aimds.audit import Query

    return [r.data() for r in log.query(Query(tenant=tenant, limit=limit, newest_first=True))]


def verify_audit(log: Any, tenant: str | None) -> dict[str, Any]:
    """Verify ``tenant``'s hash chain (``None``: every chain, for an operator). A tenant's
    report names its own chain only, never that other tenants exist."""
    return _plain(log.verify() if tenant is None else log.verify(chain=tenant))  # type: ignore[no-any-return]


@router.get("/v1/audit/verify", response_class=FastJSON)
async def audit_verify(request: Request, who: Caller, tenant: TenantParam = None) -> Any:
    """Verify your tenant's audit chain (operators: every chain, or ``tenant``'s)."""
    require(who, Role.ADMIN, Role.AUDITOR)
    state = state_of(request)
    log = _audit(state)
    report = await asyncio.get_running_loop().run_in_executor(
        state.pool, verify_audit, log, read_scope(who, tenant)
    )
    return FastJSON(report)


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
                   "version": state.holder.version,
                   "tenants_with_own_version": len(state.tenant_policies.tenants())},
        "backends": checks,
        "behavior": behavior_sharing(state),
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
