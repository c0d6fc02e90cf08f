"""The dashboard: server-rendered pages for approvers, admins and auditors (no build step).

Login takes an API key of a human role and starts a session (HttpOnly, SameSite=Strict
cookie); every form carries a CSRF token. Pages: approvals queue (live), decision feed
with a chart of decisions over time, audit browser, agents, policies.
"""

from __future__ import annotations

import asyncio
import collections
import time
from typing import Any
from urllib.parse import quote

import yaml
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aimds.errors import AimdsError, PolicyError
from aimds.respond.approvals import ApprovalStatus
from aimds.server.auth import Principal, Role, key_digest
from aimds.server.deps import may_read_agent, read_scope, state_of
from aimds.server.routes_approvals import resolve
from aimds.server.session import COOKIE, csrf_token, read_session, write_session
from aimds.server.state import ServiceState

__all__ = ["router", "timeline_svg"]

router = APIRouter(prefix="/ui", include_in_schema=False)

_VERDICTS = ("allow", "warn", "redact", "review", "block")
_COLORS = {"allow": "#2e7d32", "warn": "#f9a825", "redact": "#0288d1", "review": "#8e24aa",
           "block": "#c62828"}


def _page(request: Request, name: str, who: Principal | None, **context: Any) -> HTMLResponse:
    templates = request.app.state.templates
    state = state_of(request)
    response: HTMLResponse = templates.TemplateResponse(
        request,
        name,
        {"who": who, "csrf": csrf_token(state, request) if who else "", "page": name, **context},
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    )
    response.headers["X-Frame-Options"] = "DENY"
    return response


def _who(request: Request, *, form_token: str | None = None, post: bool = False) -> Principal:
    state = state_of(request)
    who = read_session(state, request, require_csrf=post, form_token=form_token)
    if who is None:
        if post:
            raise HTTPException(403, "session expired or CSRF token missing; log in again")
        raise _LoginRedirect()
    return who


class _LoginRedirect(HTTPException):
    def __init__(self) -> None:
        super().__init__(303, "log in first", headers={"Location": "/ui/login"})


def _back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("")
async def home() -> RedirectResponse:
    return _back("/ui/approvals")


@router.get("/login")
async def login_form(request: Request, error: str | None = None) -> HTMLResponse:
    return _page(request, "login.html", None, error=error)


@router.post("/login")
async def login(request: Request, api_key: str = Form(max_length=300)) -> Response:
    state = state_of(request)
    client = request.client.host if request.client else "unknown"
    retry = state.limiter.hit(f"login:{client}")
    if retry is not None:
        raise HTTPException(429, "too many login attempts; retry later",
                            headers={"Retry-After": str(int(retry))})
    who = state.auth.keys.verify(api_key.strip())
    parsed = key_digest(api_key.strip())
    if who is None or parsed is None or not who.human:
        state.metrics.rejected.labels("login_failed").inc()
        return _page(request, "login.html", None,
                     error="That key is not valid for the dashboard (agent keys cannot log in).")
    response = _back("/ui/approvals")
    write_session(state, response, *parsed)
    return response


@router.post("/logout")
async def logout(request: Request, csrf: str = Form(max_length=100)) -> Response:
    _who(request, form_token=csrf, post=True)
    response = _back("/ui/login")
    response.delete_cookie(COOKIE, path="/")
    return response


# -- approvals --------------------------------------------------------------------------------


@router.get("/approvals")
async def approvals_page(request: Request) -> HTMLResponse:
    who = _who(request)
    state = state_of(request)
    loop = asyncio.get_running_loop()
    pending = await loop.run_in_executor(
        state.pool,
        lambda: state.queue.query(tenant=read_scope(who, None), status=ApprovalStatus.PENDING),
    )
    recent = await loop.run_in_executor(
        state.pool, lambda: state.queue.query(tenant=read_scope(who, None), limit=30)
    )
    decided = [r for r in recent if not r.pending][:20]
    can_decide = who.role in (Role.APPROVER, Role.ADMIN)
    return _page(request, "approvals.html", who, pending=pending, decided=decided,
                 can_decide=can_decide, now=time.time())


@router.get("/approvals/{approval_id}")
async def approval_page(request: Request, approval_id: str) -> HTMLResponse:
    who = _who(request)
    state = state_of(request)
    found = await asyncio.get_running_loop().run_in_executor(
        state.pool, lambda: state.queue.get(approval_id[:64], tenant=read_scope(who, None))
    )
    if found is None:
        raise HTTPException(404, "no such approval request")
    return _page(request, "approval.html", who, r=found,
                 can_decide=who.role in (Role.APPROVER, Role.ADMIN), now=time.time())


@router.post("/approvals/{approval_id}/{verb}")
async def approval_decide(
    request: Request,
    approval_id: str,
    verb: str,
    reason: str = Form(min_length=1, max_length=1000),
    csrf: str = Form(max_length=100),
) -> Response:
    who = _who(request, form_token=csrf, post=True)
    if verb not in ("approve", "deny"):
        raise HTTPException(404, "unknown action")
    state = state_of(request)
    await asyncio.get_running_loop().run_in_executor(
        state.pool,
        lambda: resolve(state, who, approval_id[:64], approve=verb == "approve", reason=reason),
    )
    return _back("/ui/approvals")


# -- live feed and chart ----------------------------------------------------------------------


@router.get("/feed")
async def feed_page(request: Request) -> HTMLResponse:
    who = _who(request)
    state = state_of(request)
    return _page(request, "feed.html", who, chart=timeline_svg(state, who.tenant),
                 categories=_categories(state, who.tenant))


def _categories(state: ServiceState, tenant: str) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for (t, _), bucket in state.timeline.items():
        if t != tenant:
            continue
        for key, n in bucket.items():
            if key.startswith("category:"):
                totals[key[9:]] = totals.get(key[9:], 0) + n
    return sorted(totals.items(), key=lambda kv: -kv[1])


def timeline_svg(state: ServiceState, tenant: str, minutes: int = 30) -> str:
    """Stacked bars of decisions per minute by verdict, as inline SVG (escaped, no input)."""
    now = int(time.time() // 60)
    empty: collections.Counter[str] = collections.Counter()
    rows = [state.timeline.get((tenant, m), empty) for m in range(now - minutes + 1, now + 1)]
    peak = max((sum(r.get(v, 0) for v in _VERDICTS) for r in rows), default=0) or 1
    width, height, bar = 620, 160, 620 // minutes
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 20}" '
             f'role="img" aria-label="decisions per minute by verdict">']
    for i, row in enumerate(rows):
        y = height
        for verdict in _VERDICTS:
            n = row.get(verdict, 0)
            if not n:
                continue
            h = max(1, round(n / peak * (height - 10)))
            y -= h
            parts.append(f'<rect x="{i * bar}" y="{y}" width="{bar - 2}" height="{h}" '
                         f'fill="{_COLORS[verdict]}"><title>{verdict}: {n}</title></rect>')
    for j, verdict in enumerate(_VERDICTS):
        parts.append(f'<rect x="{j * 110}" y="{height + 6}" width="10" height="10" '
                     f'fill="{_COLORS[verdict]}"/><text x="{j * 110 + 14}" y="{height + 15}" '
                     f'font-size="11">{verdict}</text>')
    parts.append(f'<text x="{width - 4}" y="12" font-size="11" text-anchor="end">peak {peak}/min'
                 "</text></svg>")
    return "".join(parts)


# -- audit ------------------------------------------------------------------------------------


@router.get("/audit")
async def audit_page(request: Request) -> HTMLResponse:
    who = _who(request)
    state = state_of(request)
    log = state.services.extras.get("audit")
    rows: list[Any] = []
    verified: Any = None
    error = None
    if who.role not in (Role.ADMIN, Role.AUDITOR, Role.OPERATOR):
        error = "The audit log is for admins and auditors."
    elif log is None:
        error = "No audit log is configured for this service."
    else:
        from aimds.server.routes_admin import audit_rows, verify_audit

        loop = asyncio.get_running_loop()
        scope = read_scope(who, None)
        try:
            rows = await loop.run_in_executor(state.pool, audit_rows, log, scope, 100)
            verified = await loop.run_in_executor(state.pool, verify_audit, log, scope)
        except AimdsError as exc:
            error = f"audit log unavailable ({type(exc).__name__})"
    return _page(request, "audit.html", who, rows=rows, verified=verified, error=error)


# -- agents -----------------------------------------------------------------------------------


@router.get("/agents")
async def agents_page(request: Request) -> HTMLResponse:
    who = _who(request)
    state = state_of(request)
    agents = sorted(a for (t, a) in state.recent if t == who.tenant)
    return _page(request, "agents.html", who, agents=agents)


@router.get("/agents/{agent_id}")
async def agent_page(request: Request, agent_id: str) -> HTMLResponse:
    who = _who(request)
    state = state_of(request)
    recent = list(state.recent.get((who.tenant, agent_id[:128]), ()))
    if not recent and not state.keys.agent_known(who.tenant, agent_id[:128]):
        raise HTTPException(404, "no such agent")
    trust_fn = getattr(state.guard, "trust", None)
    trust: Any = None
    if callable(trust_fn):
        from aimds.server.routes_admin import _plain

        try:
            trust = _plain(trust_fn(agent_id, tenant=who.tenant))
        except AimdsError:
            trust = None
    return _page(request, "agent.html", who, agent=agent_id, recent=recent[::-1][:20],
                 trust=trust, can_act=who.role is Role.ADMIN and may_read_agent(who, agent_id),
                 behavior=callable(trust_fn))


@router.post("/agents/{agent_id}/{verb}")
async def agent_action(
    request: Request, agent_id: str, verb: str, csrf: str = Form(max_length=100),
    reason: str = Form(default="quarantined from the dashboard", max_length=500),
) -> Response:
    who = _who(request, form_token=csrf, post=True)
    if who.role is not Role.ADMIN or verb not in ("quarantine", "release"):
        raise HTTPException(403, "only admins quarantine or release agents")
    state = state_of(request)
    action = getattr(state.guard, verb, None)
    if not callable(action):
        raise HTTPException(501, f"{verb}: the behaviour stage is not available in this build")
    kwargs: dict[str, Any] = {"tenant": who.tenant}
    if verb == "quarantine":
        kwargs["reason"] = reason
    try:
        await asyncio.get_running_loop().run_in_executor(
            state.pool, lambda: action(agent_id[:128], **kwargs)
        )
    except AimdsError as exc:
        raise HTTPException(409, f"{verb}: {exc}") from None
    return _back(f"/ui/agents/{quote(agent_id[:128])}")


# -- policies ---------------------------------------------------------------------------------


@router.get("/policies")
async def policies_page(request: Request) -> HTMLResponse:
    who = _who(request)
    return _page(request, "policies.html", who, **_policy_context(state_of(request)))


def _policy_context(state: ServiceState, **extra: Any) -> dict[str, Any]:
    stored = state.policies.latest(state.holder.name)
    text = stored.text if stored else yaml.safe_dump(
        state.guard.policy.document.model_dump(mode="json", exclude_none=True), sort_keys=False
    )
    return {"name": state.holder.name, "label": state.guard.policy.label,
            "version": state.holder.version, "text": text, **extra}


@router.post("/policies")
async def policy_validate(
    request: Request,
    text: str = Form(max_length=1_000_000),
    csrf: str = Form(max_length=100),
    save: str | None = Form(default=None, max_length=10),
) -> HTMLResponse:
    who = _who(request, form_token=csrf, post=True)
    state = state_of(request)
    loop = asyncio.get_running_loop()
    try:
        guard = await loop.run_in_executor(state.pool, state.holder.build, text, state.services)
    except PolicyError as exc:
        return _page(request, "policies.html", who,
                     **_policy_context(state, text=text, problem=str(exc)))
    message = f"Valid: {guard.policy.label}"
    guard.close()
    if save and who.role in (Role.ADMIN, Role.OPERATOR) and guard.policy.name == state.holder.name:
        from aimds.server.routes_admin import store_policy

        # Into the caller's own namespace: a tenant admin's tenant, an operator's global.
        saved = await store_policy(state, who, state.holder.name, text)
        message = f"Saved and active: {saved['label']} (version {saved['version']})"
    return _page(request, "policies.html", who, **_policy_context(state, text=text, ok=message))
