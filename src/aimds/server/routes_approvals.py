"""Approval requests: list, read (with long-poll ``?wait=``), approve and deny.

Only a human principal (approver or admin) of the request's tenant, or an operator,
resolves it, and never the credential that raised it. Another tenant's request reads as
404, exactly like a missing one. Agents see only their own requests; operators see every
tenant's (``?tenant=`` narrows the list).
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request

from aimds.errors import InputError
from aimds.respond.approvals import ApprovalRequest, ApprovalStatus
from aimds.server.auth import Principal, Role
from aimds.server.deps import (
    Caller,
    FastJSON,
    TenantParam,
    may_read_agent,
    read_scope,
    require,
    state_of,
)
from aimds.server.models import ApprovalOut, ResolveIn
from aimds.server.state import ServiceState

__all__ = ["resolve", "router"]

router = APIRouter(prefix="/v1/approvals", tags=["approvals"])

_ID = r"^apr_[0-9a-f]{32}$"


def _visible(who: Principal, request: ApprovalRequest | None) -> ApprovalRequest:
    if (
        request is None
        or (not who.operator and request.tenant != who.tenant)
        or not may_read_agent(who, request.agent)
    ):
        raise HTTPException(404, "no such approval request")
    return request


@router.get("", response_model=list[ApprovalOut], response_class=FastJSON)
async def list_approvals(
    request: Request, who: Caller,
    status: Literal["pending", "approved", "denied", "expired"] | None = Query(default=None),
    limit: int = Query(default=100, ge=1, le=500),
    tenant: TenantParam = None,
) -> Any:
    state = state_of(request)
    agent = who.agent if who.role is Role.AGENT else None
    scope = read_scope(who, tenant)
    found = await asyncio.get_running_loop().run_in_executor(
        state.pool,
        lambda: state.queue.query(
            tenant=scope,
            status=ApprovalStatus(status) if status else None,
            agent=agent,
            limit=limit,
        ),
    )
    views = (
        {} if who.role is Role.AGENT
        else await asyncio.get_running_loop().run_in_executor(
            state.pool, lambda: state.details.many([r.id for r in found])
        )
    )
    return FastJSON([_with_details(r.as_dict(), views.get(r.id)) for r in found])


def _with_details(body: dict[str, Any], view: Any) -> dict[str, Any]:
    """An approval answer with the masked action for people who decide (see ApprovalOut)."""
    if view is not None:
        body["details"] = view.to_dict()
    return body


@router.get("/{approval_id}", response_model=ApprovalOut, response_class=FastJSON)
async def get_approval(
    request: Request, who: Caller,
    approval_id: str = Path(pattern=_ID),
    wait: float = Query(default=0.0, ge=0, le=3600, description="long-poll seconds while pending"),
) -> Any:
    """One request. With ``wait``, answers when it leaves ``pending`` (or the wait ends)."""
    state = state_of(request)
    loop = asyncio.get_running_loop()
    scope = read_scope(who, None)
    current = await loop.run_in_executor(
        state.pool, lambda: state.queue.get(approval_id, tenant=scope)
    )
    current = _visible(who, current)
    wait = min(wait, state.settings.max_wait_s)
    if current.pending and wait > 0:
        latest = await state.waiters.wait(state.queue, state.pool, approval_id, scope, wait)
        current = _visible(who, latest)
    view = (
        None if who.role is Role.AGENT
        else await loop.run_in_executor(
            state.pool, lambda: state.details.get(current.id, current.tenant)
        )
    )
    return FastJSON(_with_details(current.as_dict(), view))


def resolve(
    state: ServiceState, who: Principal, approval_id: str, *, approve: bool, reason: str
) -> ApprovalRequest:
    """Approve or deny as ``who`` (shared by the API and the dashboard)."""
    require(who, Role.APPROVER, Role.ADMIN)
    try:
        done = state.queue.resolve(
            approval_id, approve=approve, approver=who.id, reason=reason,
            tenant=read_scope(who, None),
        )
    except LookupError:
        raise HTTPException(404, "no such approval request") from None
    except InputError as exc:
        raise HTTPException(409, str(exc)) from None
    state.metrics.approvals.labels(done.status.value).inc()
    return done


async def _resolved(
    request: Request, who: Principal, approval_id: str, *, approve: bool, reason: str
) -> FastJSON:
    """Resolve in the worker pool (a database write) and answer with the request."""
    state = state_of(request)
    done = await asyncio.get_running_loop().run_in_executor(
        state.pool, lambda: resolve(state, who, approval_id, approve=approve, reason=reason)
    )
    return FastJSON(done.as_dict())


@router.post("/{approval_id}/approve", response_model=ApprovalOut, response_class=FastJSON)
async def approve(
    body: ResolveIn,
    request: Request, who: Caller,
    approval_id: str = Path(pattern=_ID),
) -> Any:
    return await _resolved(request, who, approval_id, approve=True, reason=body.reason)


@router.post("/{approval_id}/deny", response_model=ApprovalOut, response_class=FastJSON)
async def deny(
    body: ResolveIn,
    request: Request, who: Caller,
    approval_id: str = Path(pattern=_ID),
) -> Any:
    return await _resolved(request, who, approval_id, approve=False, reason=body.reason)
