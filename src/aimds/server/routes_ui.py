"""The dashboard: server-rendered pages for approvers, admins and auditors (no build step).

Login takes an API key of a human role and starts a session (HttpOnly, SameSite=Strict
cookie); every form carries a CSRF token. Pages: the approvals queue (live) and each
request with its action in full (secrets masked, see :mod:`aimds.server.action_view`), the
decision feed with a chart over time and each decision, the audit log as a filterable
table with record details and the chain's verification, agents with trust and quarantine,
and the policy with its validation and version history. Every read is scoped to the
caller's tenant. Values reach the templates through :mod:`aimds.server.views`.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aimds.errors import AimdsError, PolicyError
from aimds.kill.stage import switch_of
from aimds.respond.approvals import ApprovalRequest, ApprovalStatus
from aimds.server.auth import Principal, Role, key_digest
from aimds.server.deps import may_read_agent, read_scope, state_of
from aimds.server.routes_approvals import resolve
from aimds.server.service_audit import record_agent_action
from aimds.server.session import COOKIE, csrf_token, read_session, write_session
from aimds.server.state import ServiceState
from aimds.server.views import VERDICTS, audit_row, chain_status, timeline_svg, trust_text

__all__ = ["error_page", "router"]

router = APIRouter(prefix="/ui", include_in_schema=False)

T = TypeVar("T")
_AGENT_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:@-")
_AUDIT_ROLES = (Role.ADMIN, Role.AUDITOR, Role.OPERATOR)
_AGENTS_SHOWN = 200
_AUDIT_TYPES = ("decision", "approval.requested", "approval.resolved", "quarantine",
                "trust.reset", "checkpoint", "kill")


def _page(request: Request, template: str, who: Principal | None, **context: Any) -> HTMLResponse:
    templates = request.app.state.templates
    state = state_of(request)
    response: HTMLResponse = templates.TemplateResponse(
        request,
        template,
        {"who": who, "csrf": csrf_token(state, request) if who else "", "page": template,
         "now": time.time(), **context},
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    )
    response.headers["X-Frame-Options"] = "DENY"
    return response


def error_page(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> HTMLResponse:
    """An error on a dashboard page, as a page (the API answers JSON)."""
    state = state_of(request)
    who = read_session(state, request, require_csrf=False, form_token=None)
    response = _page(request, "error.html", who, status=status, message=message)
    response.status_code = status
    response.headers.update(headers or {})
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


async def _run(state: ServiceState, fn: Callable[[], T]) -> T:
    """``fn`` in the worker pool (database reads and writes never run on the loop)."""
    return await asyncio.get_running_loop().run_in_executor(state.pool, fn)


def _agent_id(agent_id: str) -> str:
    if not 0 < len(agent_id) <= 128 or not set(agent_id) <= _AGENT_CHARS:
        raise HTTPException(404, "no such agent")
    return agent_id


def _scope(who: Principal) -> str | None:
    """The tenant whose approvals and audit records ``who`` reads (``None``: every tenant,
    for an operator)."""
    return read_scope(who, None)


def _can_decide(who: Principal) -> bool:
    return who.role in (Role.APPROVER, Role.ADMIN)


@router.get("")
async def home() -> RedirectResponse:
    return _back("/ui/approvals")


@router.get("/login")
async def login_form(request: Request) -> HTMLResponse:
    return _page(request, "login.html", None, error=None)


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

    def load() -> tuple[list[ApprovalRequest], list[ApprovalRequest], dict[str, Any]]:
        pending = state.queue.query(tenant=_scope(who), status=ApprovalStatus.PENDING)
        recent = state.queue.query(tenant=_scope(who), limit=30)
        decided = [r for r in recent if not r.pending][:20]
        views = state.details.many([r.id for r in pending])  # ids from the scoped query
        return pending, decided, views

    pending, decided, views = await _run(state, load)
    return _page(request, "approvals.html", who, pending=pending, decided=decided, views=views,
                 can_decide=_can_decide(who))


@router.get("/approvals/{approval_id}")
async def approval_page(request: Request, approval_id: str) -> HTMLResponse:
    who = _who(request)
    state = state_of(request)
    found = await _run(state, lambda: state.queue.get(approval_id[:64], tenant=_scope(who)))
    if found is None or not may_read_agent(who, found.agent):
        raise HTTPException(404, "no such approval request")
    view = await _run(state, lambda: state.details.get(found.id, found.tenant))
    agent = await _agent_context(state, found.tenant, found.agent)
    return _page(request, "approval.html", who, r=found, view=view,
                 can_decide=_can_decide(who), **agent)


@router.post("/approvals/{approval_id}/{verb}")
async def approval_decide(
    request: Request,
    approval_id: str,
    verb: str,
    reason: str = Form(min_length=1, max_length=1000),
    csrf: str = Form(max_length=100),
) -> Response:
    """``approve``, ``deny``, or ``attack``: deny and quarantine the agent at once (the
    safe direction, so approvers may; an admin releases it after looking)."""
    who = _who(request, form_token=csrf, post=True)
    if verb not in ("approve", "deny", "attack"):
        raise HTTPException(404, "unknown action")
    state = state_of(request)
    reason = reason.strip() or "no reason given"
    if verb == "attack":
        reason = f"denied as attack: {reason}"
    done = await _run(
        state,
        lambda: resolve(state, who, approval_id[:64], approve=verb == "approve", reason=reason),
    )
    if verb == "attack":
        handle = _behavior(state)
        if handle is None:
            raise HTTPException(409, "Denied. The agent was not quarantined: this policy has "
                                     "no behaviour stage (behavior.enabled: false).")
        why = f"{reason} ({done.id}, by {who.id})"
        try:  # through the guard, like the API, and audited like it
            await _run(state, lambda: state.guard.quarantine(
                done.agent, tenant=done.tenant, reason=why))
        except (AimdsError, ValueError) as exc:
            raise HTTPException(409, f"Denied, but the quarantine failed "
                                     f"({type(exc).__name__}); quarantine the agent on its "
                                     "page.") from None
        record_agent_action(state.services.extras.get("audit"), tenant=done.tenant,
                            agent=done.agent, action="quarantine", by=who.id, reason=why,
                            changed=True)
    return _back("/ui/approvals")


@router.post("/approvals/{approval_id}/feedback/{label}")
async def approval_feedback(
    request: Request,
    approval_id: str,
    label: str,
    note: str = Form(default="", max_length=1000),
    csrf: str = Form(max_length=100),
) -> Response:
    """The learning buttons: ``benign`` marks a false positive, ``attack`` confirms an
    attack (see :func:`aimds.server.routes_feedback.dashboard_feedback`)."""
    from aimds.server.routes_feedback import dashboard_feedback

    who = _who(request, form_token=csrf, post=True)
    if label not in ("attack", "benign"):
        raise HTTPException(404, "unknown action")
    state = state_of(request)
    found = await _run(state, lambda: state.queue.get(approval_id[:64], tenant=_scope(who)))
    if found is None or not may_read_agent(who, found.agent):
        raise HTTPException(404, "no such approval request")
    await _run(state, lambda: dashboard_feedback(state, who, found, label=label, note=note))
    return _back(f"/ui/approvals/{found.id}")


# -- agents -----------------------------------------------------------------------------------


def _behavior(state: ServiceState) -> Any:
    """The behaviour stage's handle (trust, quarantine), or ``None`` when the policy has
    none (``behavior.enabled: false``)."""
    try:
        return state.guard.behavior
    except AimdsError:
        return None


async def _agent_context(state: ServiceState, tenant: str, agent: str) -> dict[str, Any]:
    """Trust, quarantine, recent decisions and approval requests of one agent."""
    handle = _behavior(state)

    def load() -> dict[str, Any]:
        trust = quarantine = None
        if handle is not None:
            try:
                trust = trust_text(handle.trust(agent, tenant=tenant))
                quarantine = handle.quarantined(agent, tenant=tenant)
            except (AimdsError, ValueError):
                trust = "unavailable (the behaviour store did not answer)"
        requests = state.queue.query(tenant=tenant, agent=agent, limit=10)
        recent, durable = _history(state, tenant, agent)
        return {"trust": trust, "quarantine": quarantine, "requests": requests,
                "recent": recent, "durable": durable}

    loaded = await _run(state, load)
    return {"agent": agent, "behavior": handle is not None,
            "can_reset": callable(getattr(state.guard, "reset_trust", None)), **loaded}


def _history(state: ServiceState, tenant: str, agent: str) -> tuple[list[dict[str, Any]], bool]:
    """The agent's last 20 decisions, newest first: from the audit log where there is one
    (durable, every process's), else this process's memory. The flag says which."""
    log = state.services.extras.get("audit")
    if log is not None:
        from aimds.audit import Query as AuditQuery

        query = AuditQuery(tenant=tenant, agent=agent, type="decision", limit=20,
                           newest_first=True)
        try:
            rows = [r.data() for r in log.query(query)]
        except AimdsError:
            rows = None
        if rows is not None:
            return [{
                "id": d.get("id", ""), "ts": d.get("ts"), "verdict": d.get("verdict", ""),
                "kind": d.get("kind"), "tool": (d.get("action") or {}).get("type") or d.get("tool"),
                "findings": [f for f in d.get("findings") or () if isinstance(f, dict)],
            } for d in rows], True
    return list(state.recent.get((tenant, agent), ()))[::-1][:20], False


@router.get("/agents")
async def agents_page(request: Request) -> HTMLResponse:
    who = _who(request)
    state = state_of(request)
    seen = [(a, ring) for (t, a), ring in list(state.recent.items()) if t == who.tenant and ring]
    total = len(seen)
    # The most recently active first, and a bounded number: each row reads the state store.
    seen = sorted(seen, key=lambda p: -p[1][-1]["ts"])[:_AGENTS_SHOWN]
    handle = _behavior(state)
    switch = switch_of(state.services)

    def load() -> list[dict[str, Any]]:
        rows = []
        for agent, ring in seen:
            last = ring[-1]
            row: dict[str, Any] = {
                "agent": agent, "last_seen": last["ts"], "last_verdict": last["verdict"],
                "blocked": sum(1 for d in ring if d["verdict"] == "block"),
                "reviews": sum(1 for d in ring if d["verdict"] == "review"),
                "decisions": len(ring), "trust": None, "tier": "", "quarantined": False,
                "killed": switch.covering(who.tenant, agent) is not None,
            }
            if handle is not None:
                try:
                    info = handle.trust(agent, tenant=who.tenant)
                    row["trust"], row["tier"] = round(float(info.score)), info.tier
                    row["quarantined"] = (
                        handle.quarantined(agent, tenant=who.tenant) is not None
                    )
                except (AimdsError, ValueError):
                    row["tier"] = "unavailable"
            rows.append(row)
        return rows

    rows = await _run(state, load)
    return _page(request, "agents.html", who, rows=rows, behavior=handle is not None,
                 total=total)


@router.get("/agents/{agent_id}")
async def agent_page(request: Request, agent_id: str) -> HTMLResponse:
    who = _who(request)
    state = state_of(request)
    agent = _agent_id(agent_id)
    known = (who.tenant, agent) in state.recent or await _run(
        state, lambda: state.keys.agent_known(who.tenant, agent)
    )
    if not known or not may_read_agent(who, agent):
        raise HTTPException(404, "no such agent")
    context = await _agent_context(state, who.tenant, agent)
    from aimds.server.routes_kill import kill_of

    return _page(request, "agent.html", who, can_act=who.role is Role.ADMIN,
                 kill=kill_of(state, who.tenant, agent),
                 can_kill=who.role in (Role.ADMIN, Role.APPROVER), **context)


@router.post("/agents/{agent_id}/kill")
async def agent_kill(
    request: Request, agent_id: str, csrf: str = Form(max_length=100),
    reason: str = Form(default="stopped from the dashboard", max_length=500),
) -> Response:
    """The kill switch for one agent (approvers and admins; see aimds.server.routes_kill)."""
    from aimds.server.routes_kill import kill

    who = _who(request, form_token=csrf, post=True)
    agent = _agent_id(agent_id)
    await kill(state_of(request), who, tenant=who.tenant, agent=agent,
               reason=reason.strip() or "stopped from the dashboard")
    return _back(f"/ui/agents/{quote(agent)}")


@router.post("/agents/{agent_id}/revive")
async def agent_revive(request: Request, agent_id: str,
                       csrf: str = Form(max_length=100)) -> Response:
    """Lift the agent's own kill (admins; a platform kill needs an operator)."""
    from aimds.server.routes_kill import revive

    who = _who(request, form_token=csrf, post=True)
    agent = _agent_id(agent_id)
    await revive(state_of(request), who, tenant=who.tenant, agent=agent)
    return _back(f"/ui/agents/{quote(agent)}")


@router.post("/agents/{agent_id}/{verb}")
async def agent_action(
    request: Request, agent_id: str, verb: str, csrf: str = Form(max_length=100),
    reason: str = Form(default="quarantined from the dashboard", max_length=500),
) -> Response:
    who = _who(request, form_token=csrf, post=True)
    if verb not in ("quarantine", "release", "reset-trust"):
        raise HTTPException(404, "unknown action")
    if who.role is not Role.ADMIN:
        raise HTTPException(403, "only admins quarantine, release or reset agents")
    state = state_of(request)
    agent = _agent_id(agent_id)
    method = {"reset-trust": "reset_trust"}.get(verb, verb)
    action = getattr(state.guard, method, None)
    if not callable(action):
        raise HTTPException(501, f"{verb}: not available with this policy or build")
    kwargs: dict[str, Any] = {"tenant": who.tenant}
    if verb == "quarantine":
        kwargs["reason"] = f"{reason.strip() or 'quarantined from the dashboard'} (by {who.id})"
    try:
        result = await _run(state, lambda: action(agent, **kwargs))
    except (AimdsError, ValueError) as exc:
        raise HTTPException(409, f"{verb}: {type(exc).__name__}") from None
    record_agent_action(state.services.extras.get("audit"), tenant=who.tenant, agent=agent,
                        action=verb, by=who.id, reason=str(kwargs.get("reason", "")),
                        changed=result is not False)
    return _back(f"/ui/agents/{quote(agent)}")


# -- live feed, chart and decisions -----------------------------------------------------------


@router.get("/feed")
async def feed_page(request: Request) -> HTMLResponse:
    who = _who(request)
    state = state_of(request)
    minutes = 30
    now = int(time.time() // 60)
    first = now - minutes + 1
    empty: collections.Counter[str] = collections.Counter()
    rows = [state.timeline.get((who.tenant, m), empty) for m in range(first, now + 1)]
    recent = sorted(
        (d | {"agent": a} for (t, a), ring in list(state.recent.items()) if t == who.tenant
         for d in ring),
        key=lambda d: -d["ts"],
    )[:50]
    return _page(request, "feed.html", who, chart=timeline_svg(rows, first),
                 categories=_categories(state, who.tenant), recent=recent)


def _categories(state: ServiceState, tenant: str) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for (t, _), bucket in list(state.timeline.items()):
        if t != tenant:
            continue
        for key, n in bucket.items():
            if key.startswith("category:"):
                totals[key[9:]] = totals.get(key[9:], 0) + n
    return sorted(totals.items(), key=lambda kv: -kv[1])


@router.get("/decisions/{decision_id}")
async def decision_page(
    request: Request, decision_id: str, ts: float | None = Query(default=None)
) -> HTMLResponse:
    """One decision: from this process's memory of recent decisions, else its (masked)
    audit record, which every human of the tenant may read as they read the live feed."""
    who = _who(request)
    state = state_of(request)
    decision_id = decision_id[:64]
    scope = _scope(who)
    can_audit = who.role in _AUDIT_ROLES
    for (tenant, agent), ring in list(state.recent.items()):
        if (scope is not None and tenant != scope) or not may_read_agent(who, agent):
            continue
        for d in ring:
            if d["id"] == decision_id:
                return _page(request, "decision.html", who, d=d | {"agent": agent},
                             record=None, can_audit=can_audit)
    record = None
    log = state.services.extras.get("audit")
    if log is not None and ts is not None:
        record = await _run(state, lambda: _audit_record(log, scope, decision_id, ts))
    if record is None or record["data"].get("type") != "decision":
        raise HTTPException(404, "no such decision (a link from the feed or an agent's history "
                                 "finds it)")
    return _page(request, "decision.html", who, d=None, record=record, can_audit=can_audit)


# -- audit ------------------------------------------------------------------------------------


def _audit_record(
    log: Any, tenant: str | None, record_id: str, ts: float
) -> dict[str, Any] | None:
    from aimds.audit import Query as AuditQuery

    # ``ts`` is the record's time in whole seconds (links carry no float).
    query = AuditQuery(tenant=tenant, since=ts - 1, until=ts + 2, limit=5000)
    for stored in log.query(query):
        data = stored.data()
        if data.get("id") == record_id:
            return {"data": data, "chain": stored.chain, "seq": stored.seq, "hash": stored.hash}
    return None


@router.get("/audit")
async def audit_page(
    request: Request,
    agent: str = Query(default="", max_length=128),
    verdict: str = Query(default="", max_length=16),
    rule: str = Query(default="", max_length=128),
    kind: str = Query(default="", max_length=32, alias="type"),
    hours: float = Query(default=0, ge=0, le=24 * 366),
    limit: int = Query(default=100, ge=1, le=1000),
) -> HTMLResponse:
    who = _who(request)
    state = state_of(request)
    log = state.services.extras.get("audit")
    filters = {"agent": agent.strip(), "verdict": verdict.strip(), "rule": rule.strip(),
               "type": kind.strip(), "hours": hours, "limit": limit}
    context: dict[str, Any] = {"rows": [], "status": None, "error": None, "filters": filters,
                               "verdicts": VERDICTS, "types": _AUDIT_TYPES,
                               "all_tenants": _scope(who) is None}
    if who.role not in _AUDIT_ROLES:
        context["error"] = "The audit log is for admins and auditors."
    elif log is None:
        context["error"] = "No audit log is configured for this service."
    else:
        from aimds.audit import Query as AuditQuery

        query = AuditQuery(
            tenant=_scope(who), agent=agent.strip() or None, verdict=verdict.strip() or None,
            rule=rule.strip() or None, type=kind.strip() or None,
            since=time.time() - hours * 3600 if hours else None, limit=limit, newest_first=True,
        )

        def load() -> tuple[list[Any], Any]:
            rows = [audit_row(r.data()) for r in log.query(query)]
            return rows, chain_status(log.verify(chain=_scope(who)), _scope(who))

        try:
            context["rows"], context["status"] = await _run(state, load)
        except AimdsError as exc:
            context["error"] = f"The audit log is unavailable ({type(exc).__name__})."
    return _page(request, "audit.html", who, **context)


@router.get("/audit/record")
async def audit_record_page(
    request: Request,
    record_id: str = Query(max_length=64, alias="id"),
    ts: float = Query(),
) -> HTMLResponse:
    who = _who(request)
    state = state_of(request)
    log = state.services.extras.get("audit")
    if who.role not in _AUDIT_ROLES:
        raise HTTPException(403, "the audit log is for admins and auditors")
    if log is None:
        raise HTTPException(404, "no audit log is configured for this service")
    try:
        record = await _run(state, lambda: _audit_record(log, _scope(who), record_id, ts))
    except AimdsError as exc:
        raise HTTPException(503, f"the audit log is unavailable ({type(exc).__name__})") from None
    if record is None:
        raise HTTPException(404, "no such audit record in your tenant")
    return _page(request, "audit_record.html", who, record=record,
                 row=audit_row(record["data"]))


# -- policies ---------------------------------------------------------------------------------


@router.get("/policies")
async def policies_page(
    request: Request, version: int | None = Query(default=None, ge=1)
) -> HTMLResponse:
    who = _who(request)
    state = state_of(request)
    context = await _run(state, lambda: _policy_context(state, who, version=version))
    return _page(request, "policies.html", who, **context)


def _policy_context(state: ServiceState, who: Principal, *, version: int | None = None,
                    **extra: Any) -> dict[str, Any]:
    """The policy judging ``who``'s tenant (the operator: the global one), its stored
    versions in the caller's own namespace, and its text as the caller may read it (a
    tenant reading the operator's policy sees its secret values masked)."""
    from aimds.server.routes_admin import policy_text

    owner = read_scope(who, None)
    name = state.tenant_policies.active
    holder = state.tenant_policies.holder_for(owner)
    history = state.policies.history(name, tenant=owner)[:50]
    shown = next((v for v in history if v.version == version), None) if version else None
    if version and shown is None:
        raise HTTPException(404, f"policy {name} has no stored version {version}")
    current = policy_text(state, owner, name) or {}
    text = shown.text if shown is not None else str(current.get("text", ""))
    context = {"name": name, "label": holder.guard.policy.label, "version": holder.version,
               "text": text, "history": history, "shown": shown, "stored": bool(history)}
    return context | extra


@router.post("/policies")
async def policy_validate(
    request: Request,
    text: str = Form(max_length=1_000_000),
    csrf: str = Form(max_length=100),
    save: str | None = Form(default=None, max_length=10),
) -> HTMLResponse:
    who = _who(request, form_token=csrf, post=True)
    state = state_of(request)
    try:
        guard = await _run(state, lambda: state.holder.build(text, state.services))
    except PolicyError as exc:
        problem = str(exc)
        context = await _run(state, lambda: _policy_context(state, who, text=text, problem=problem))
        return _page(request, "policies.html", who, **context)
    message = f"Valid: {guard.policy.label}"
    if save and who.role in (Role.ADMIN, Role.OPERATOR) and guard.policy.name == state.holder.name:
        guard.close()
        from aimds.server.routes_admin import store_policy

        # Into the caller's own namespace: a tenant admin's tenant, an operator's global.
        saved = await store_policy(state, who, state.holder.name, text)
        message = f"Saved and active: {saved['label']} (version {saved['version']})"
    elif save and guard.policy.name != state.holder.name:
        guard.close()
        message = (f"Valid, but not saved: the document is named {guard.policy.name!r}; "
                   f"this page edits {state.holder.name!r}.")
    else:
        guard.close()
    context = await _run(state, lambda: _policy_context(state, who, text=text, ok=message))
    return _page(request, "policies.html", who, **context)
