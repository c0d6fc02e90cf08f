"""The kill switch on the service: ``POST /v1/agents/{id}/kill`` and its siblings.

Who may do what (an operator acts in a tenant by naming it with ``?tenant=``):

- kill one agent: ``approver``, ``admin``, ``operator``. Stopping is the safe direction,
  so the people who watch agents' actions may pull the switch;
- kill a whole tenant: ``admin``, ``operator``; every tenant: ``operator``;
- revive: ``admin`` (the kills its tenant's approvers and admins issued), ``operator``
  (any; the only one for kills an operator or the CLI issued, and for the global kill);
- list kills: every human role of the tenant.

Every kill and revive is audited (``type: kill``). The switch itself is
:class:`aimds.kill.KillSwitch`, kept in the service database (the truth, read every
:data:`POLL_S`) and, in cluster mode, told of changes over Redis pub/sub; see
``docs/kill-switch.md``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from aimds.errors import AimdsError, BackendError
from aimds.kill import KillRecord, KillSwitch, attach_redis
from aimds.kill.metrics import KillSwitchCollector
from aimds.kill.sql_store import SqlKillStore
from aimds.kill.stage import switch_of
from aimds.server.auth import Principal, Role
from aimds.server.deps import (
    Caller,
    FastJSON,
    TenantParam,
    act_tenant,
    read_scope,
    require,
    state_of,
)
from aimds.types import Subject

if TYPE_CHECKING:
    from aimds.server.state import ServiceState

__all__ = ["POLL_S", "attach", "kill", "kill_of", "revive", "router"]

log = logging.getLogger("aimds.server")

router = APIRouter(tags=["kill switch"])

POLL_S = 0.5
"""How often each process reads the kills in the database (pub/sub makes it sooner)."""
_AGENT = r"^[A-Za-z0-9_.:@-]{1,128}$"
_PLATFORM = frozenset({"operator", "cli", "library"})
"""Issuers whose kills only an operator may revive (the CLI runs with the database's keys)."""


class KillIn(BaseModel):
    """Why the switch is pulled."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "exfiltrating customer data"}]},
    )

    reason: str = Field(
        min_length=1,
        max_length=500,
        description="Why; kept with the kill, audited, shown on the dashboard.",
    )


class ScopeKillIn(KillIn):
    """A kill of a whole tenant, or (operators) of every tenant."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "incident 42", "all_tenants": False}]},
    )

    all_tenants: bool = Field(
        default=False, description="Operators: stop every agent of every tenant."
    )


class ScopeReviveIn(BaseModel):
    """Which scope-wide kill to lift."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"all_tenants": False}]}
    )

    all_tenants: bool = Field(default=False, description="Operators: lift the global kill.")


class KillOut(BaseModel):
    """One kill (or, after a revive, the one lifted)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "scope": "agent",
                    "tenant": "acme",
                    "agent": "researcher-1",
                    "reason": "exfiltrating customer data",
                    "by": "key:3f9c2a",
                    "by_role": "approver",
                    "since": 1767225600.0,
                    "stored": True,
                    "published": True,
                    "changed": True,
                }
            ]
        }
    )

    scope: Literal["agent", "tenant", "global"] = Field(
        description="One agent, every agent of a tenant, or every agent of every tenant."
    )
    tenant: str | None = Field(description="The tenant (none for a global kill).")
    agent: str | None = Field(description="The agent (none for a tenant or global kill).")
    reason: str = Field(description="Why, as the issuer gave it.")
    by: str = Field(description="Who issued it: key:<id>, jwt:<sub> or cli:<name>.")
    by_role: str = Field(
        description="The issuer's role; a kill by an operator or the "
        "CLI is revived by an operator only."
    )
    since: float = Field(description="When it was issued (epoch seconds).")
    stored: bool | None = Field(
        default=None,
        description="kill: the database holds it (else it holds in this process and is retried)",
    )
    published: bool | None = Field(
        default=None,
        description="kill: other processes were "
        "told over Redis at once (else they read it within 1 s)",
    )
    changed: bool = Field(default=True, description="Whether this call changed anything.")


def attach(state: ServiceState) -> KillSwitch:
    """Keep the kills of ``state``'s guards in the service database (and Redis) and read
    the kills stored there now. The switch object stays the one the guards already hold;
    the app's lifespan starts following the database (:meth:`KillSwitch.start`)."""
    switch = switch_of(state.services)
    switch.attach(SqlKillStore(state.keys.db))
    if state.redis is not None:
        attach_redis(switch, state.redis, state.settings.redis_prefix)
    switch.refresh()
    state.metrics.registry.register(KillSwitchCollector(switch))  # on /metrics
    return switch


def _audit(
    state: ServiceState, action: str, record: KillRecord, by: str, stored: bool | None = None
) -> None:
    audit = state.services.extras.get("audit")
    if audit is None or not hasattr(audit, "append_event"):
        return
    data: dict[str, Any] = {
        "action": action,
        "scope": record.scope,
        "by": by,
        "reason": record.reason,
    }
    if stored is not None:
        data["stored"] = stored
    result = audit.append_event(
        "kill",
        subject=Subject(tenant=record.tenant, agent=record.agent),
        data=data,
        verdict="block" if action == "kill" else "allow",
        rules=("kill.active",),
    )
    if not result.ok:
        log.error("kill switch transition not audited: %s", result.detail)


async def kill(
    state: ServiceState,
    who: Principal,
    *,
    tenant: str | None,
    agent: str | None,
    reason: str,
    all_tenants: bool = False,
) -> dict[str, Any]:
    """Pull the switch as ``who`` (roles checked here; shared by the API and dashboard)."""
    if all_tenants:
        if not who.operator:
            raise HTTPException(403, "only an operator stops every tenant")
    elif agent is None:
        require(who, Role.ADMIN)
    else:
        require(who, Role.ADMIN, Role.APPROVER)
    switch = switch_of(state.services)
    outcome = await asyncio.get_running_loop().run_in_executor(
        state.pool,
        lambda: switch.kill(
            tenant=tenant,
            agent=agent,
            reason=reason,
            all_tenants=all_tenants,
            by=who.id,
            by_role=who.role.value,
        ),
    )
    _audit(state, "kill", outcome.record, who.id, outcome.stored)
    return outcome.as_dict() | {"changed": True}


async def revive(
    state: ServiceState,
    who: Principal,
    *,
    tenant: str | None,
    agent: str | None,
    all_tenants: bool = False,
) -> dict[str, Any]:
    """Lift a kill as ``who``: admins of the tenant, operators for any (see the table)."""
    require(who, Role.ADMIN)
    switch = switch_of(state.services)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(state.pool, switch.refresh)  # judge the issuer by the truth
    current = switch.get(tenant=tenant, agent=agent, all_tenants=all_tenants)
    if current is None:
        raise HTTPException(404, "no kill of that scope is active")
    if not who.operator and (all_tenants or current.by_role in _PLATFORM):
        raise HTTPException(
            403, f"this kill was issued by the platform ({current.by_role}); an operator revives it"
        )
    try:
        found = await loop.run_in_executor(
            state.pool, lambda: switch.revive(tenant=tenant, agent=agent, all_tenants=all_tenants)
        )
    except BackendError as exc:
        raise HTTPException(
            503, f"revive: the database did not answer ({exc}); the kill still holds"
        ) from None
    if found is None:
        raise HTTPException(404, "no kill of that scope is active")
    _audit(state, "revive", found, who.id)
    return found.as_dict() | {"changed": True}


def _kill_tenant(who: Principal, tenant: str | None, all_tenants: bool) -> str | None:
    if all_tenants:
        if tenant is not None:
            raise HTTPException(422, "tenant: a global kill names no tenant")
        return None
    return act_tenant(who, tenant)


async def _guarded(call: Any) -> Any:
    try:
        return FastJSON(await call)
    except AimdsError as exc:
        raise HTTPException(422, str(exc)) from None


@router.post("/v1/agents/{agent_id}/kill", response_model=KillOut, response_class=FastJSON)
async def kill_agent(
    body: KillIn,
    request: Request,
    who: Caller,
    agent_id: str = Path(pattern=_AGENT),
    tenant: TenantParam = None,
) -> Any:
    """Block every event of this agent (rule ``kill.active``) in every process at once,
    until an admin revives it. Approvers, admins, operators (naming ``tenant``)."""
    home = act_tenant(who, tenant)
    return await _guarded(
        kill(state_of(request), who, tenant=home, agent=agent_id, reason=body.reason)
    )


@router.post("/v1/agents/{agent_id}/revive", response_model=KillOut, response_class=FastJSON)
async def revive_agent(
    request: Request,
    who: Caller,
    agent_id: str = Path(pattern=_AGENT),
    tenant: TenantParam = None,
) -> Any:
    """Lift this agent's kill (a tenant or global kill still holds). Admins; operators."""
    home = act_tenant(who, tenant)
    return await _guarded(revive(state_of(request), who, tenant=home, agent=agent_id))


@router.post("/v1/kill", response_model=KillOut, response_class=FastJSON)
async def kill_scope(
    body: ScopeKillIn,
    request: Request,
    who: Caller,
    tenant: TenantParam = None,
) -> Any:
    """Block every agent of your tenant (admins; operators name ``tenant``), or with
    ``all_tenants`` every agent of every tenant (operators)."""
    home = _kill_tenant(who, tenant, body.all_tenants)
    return await _guarded(
        kill(
            state_of(request),
            who,
            tenant=home,
            agent=None,
            reason=body.reason,
            all_tenants=body.all_tenants,
        )
    )


@router.post("/v1/revive", response_model=KillOut, response_class=FastJSON)
async def revive_scope(
    request: Request,
    who: Caller,
    body: ScopeReviveIn | None = None,
    tenant: TenantParam = None,
) -> Any:
    """Lift the tenant-wide kill (admins; operators name ``tenant``), or the global one
    (operators, ``all_tenants``)."""
    everyone = body is not None and body.all_tenants
    home = _kill_tenant(who, tenant, everyone)
    return await _guarded(
        revive(state_of(request), who, tenant=home, agent=None, all_tenants=everyone)
    )


@router.get("/v1/kills", response_model=list[KillOut], response_class=FastJSON)
async def list_kills(request: Request, who: Caller, tenant: TenantParam = None) -> Any:
    """Active kills of your tenant and the global one (operators: every tenant's, or
    ``tenant``'s)."""
    require(who, Role.ADMIN, Role.APPROVER, Role.AUDITOR)
    scope = read_scope(who, tenant)
    switch = switch_of(state_of(request).services)
    return FastJSON([r.as_dict() | {"changed": False} for r in switch.active(scope)])


def kill_of(state: ServiceState, tenant: str, agent: str) -> KillRecord | None:
    """The kill that stops ``agent`` of ``tenant`` (for the dashboard), or ``None``."""
    return switch_of(state.services).covering(tenant, agent)
