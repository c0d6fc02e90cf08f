"""Request-scoped helpers: the service state, the caller, role checks, JSON responses.

Every API route takes its principal from :func:`principal`, which authenticates the
``Authorization: Bearer`` header (API key or JWT) or the dashboard session cookie, and
applies the caller's rate limit. Tenancy is never taken from the request: it is the
principal's tenant, always, except for an operator (who belongs to no tenant), which names
the tenant it reads (``?tenant=``, else every tenant: :func:`read_scope`) or acts in
(:func:`act_tenant`).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import orjson
from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import Response

from aimds.server.auth import Principal, Role
from aimds.server.models import SubjectIn
from aimds.server.session import read_session
from aimds.server.state import ServiceState
from aimds.types import Subject

__all__ = [
    "UNAUTHENTICATED",
    "Caller",
    "FastJSON",
    "TenantParam",
    "act_tenant",
    "admit",
    "authenticate",
    "error_body",
    "principal",
    "read_scope",
    "require",
    "state_of",
    "subject_for",
]

_DEFAULT_ROLE = Subject().role


class FastJSON(Response):
    """orjson-encoded JSON (non-str keys and numpy-free plain data only)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS, default=str)


def state_of(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.aimds
    return state


async def authenticate(state: ServiceState, token: str) -> Principal | None:
    """The token's principal: from the credential cache on the loop, else (a database
    read, a signature check) in the worker pool, so a cache miss never stalls the loop."""
    who = state.auth.cached(token)
    if who is None:
        loop = asyncio.get_running_loop()
        who = await loop.run_in_executor(state.pool, state.auth.verify, token)
    return who


UNAUTHENTICATED = "missing or invalid credentials: send 'Authorization: Bearer <API key or JWT>'"


def admit(state: ServiceState, who: Principal | None, body_bytes: int = 0) -> Principal:
    """``who``, counted against its and its tenant's rate limits (a request costs more the
    larger its body); 401 without a principal, 429 over a limit."""
    if who is None:
        state.metrics.rejected.labels("unauthenticated").inc()
        raise HTTPException(401, UNAUTHENTICATED, headers={"WWW-Authenticate": "Bearer"})
    retry = state.limiter.admit(who.id, who.tenant, body_bytes)
    if retry is not None:
        state.metrics.rejected.labels("rate_limited").inc()
        raise HTTPException(
            429, "rate limit exceeded for this credential or its tenant; retry later",
            headers={"Retry-After": str(int(retry))},
        )
    return who


async def principal(request: Request) -> Principal:
    """The authenticated caller, rate-limited; 401 without credentials, 429 over the limit.

    ``async`` on purpose: FastAPI would run a plain function in a worker thread, a thread
    hop per request for work that takes microseconds (a cached credential, a counter).
    """
    state = state_of(request)
    headers = request.headers
    token = state.auth.token(headers.get("authorization"), headers.get("x-api-key"))
    who = await authenticate(state, token) if token is not None else None
    if who is None and "authorization" not in headers:
        who = read_session(state, request, require_csrf=request.method not in {"GET", "HEAD"})
    length = headers.get("content-length", "")
    return admit(state, who, int(length) if length.isdigit() else 0)


def error_body(exc: HTTPException) -> bytes:
    """The JSON body of an HTTP error: ``{"error": ...}`` (or the detail mapping as is)."""
    detail = exc.detail
    return orjson.dumps(detail if isinstance(detail, dict) else {"error": str(detail)})


def require(who: Principal, *roles: Role) -> None:
    """403 unless ``who`` has one of ``roles``; an operator passes every check a human role
    passes (it could mint such a key in any tenant anyway)."""
    if who.role in roles or (who.operator and any(r.human for r in roles)):
        return
    allowed = ", ".join(r.value for r in roles)
    raise HTTPException(403, f"this needs one of the roles: {allowed} (you are {who.role.value})")


def read_scope(who: Principal, tenant: str | None) -> str | None:
    """The tenant a read is confined to: the caller's own, always; an operator's is the
    tenant it names, or ``None`` for every tenant. 403 when a tenant credential names
    another tenant (rather than quietly answering about its own)."""
    if who.operator:
        return tenant
    if tenant is not None and tenant != who.tenant:
        raise HTTPException(403, "tenant: this credential sees its own tenant only")
    return who.tenant


def act_tenant(who: Principal, tenant: str | None) -> str:
    """The tenant a change applies to: the caller's own; an operator must name one."""
    if not who.operator:
        read_scope(who, tenant)
        return who.tenant
    if tenant is None:
        raise HTTPException(
            422, "tenant: an operator belongs to no tenant; name the one to act in (?tenant=T)"
        )
    return tenant


def subject_for(who: Principal, subject: SubjectIn) -> Subject:
    """The event's subject, confined to the caller: agents act only as themselves.

    403 when the body names another tenant, or (for an agent credential bound to an agent
    id) another agent. An agent credential's events carry the role its key or token names
    (else the policy's default role), whatever the body says: a request cannot raise its
    own role. Admins may name any agent and role of their tenant (they could mint such a
    key anyway); an operator likewise in the tenant ``subject.tenant`` names (422 without
    one). Approvers and auditors do not submit events.
    """
    require(who, Role.AGENT, Role.ADMIN)
    tenant = who.tenant
    if who.operator:
        if subject.tenant is None:
            raise HTTPException(
                422, "subject.tenant: an operator belongs to no tenant; name the one to act in"
            )
        tenant = subject.tenant
    elif subject.tenant is not None and subject.tenant != who.tenant:
        raise HTTPException(403, "subject.tenant: a credential acts only in its own tenant")
    agent = subject.agent
    role = subject.role
    if who.role is Role.AGENT:
        if who.agent is not None:
            if agent is not None and agent != who.agent:
                raise HTTPException(403, "subject.agent: an agent credential acts only as itself")
            agent = who.agent
        role = who.agent_role
    return Subject(
        tenant=tenant,
        agent=agent or "anonymous",
        role=role or _DEFAULT_ROLE,
        session=subject.session or "default",
        user=subject.user,
    )


def may_read_agent(who: Principal, agent: str) -> bool:
    """Agents read only their own data; humans read their tenant's."""
    return who.role is not Role.AGENT or who.agent == agent


Caller = Annotated[Principal, Depends(principal)]
"""A route parameter for the authenticated, rate-limited caller."""


TenantParam = Annotated[
    str | None,
    Query(
        pattern=r"^[A-Za-z0-9_.:@-]{1,128}$",
        description="Operators: the tenant to read or act in (reads default to every "
        "tenant). Other credentials may only name their own.",
    ),
]
"""A route parameter for the optional ``?tenant=`` an operator narrows or aims with."""
