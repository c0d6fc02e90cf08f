"""Feedback on decisions and allow-list suggestions over HTTP; the attack memory wiring.

``POST /v1/feedback`` marks a recent decision of the caller's tenant ``attack`` (it enters
the tenant's attack memory) or ``benign`` (an allow-list suggestion); approvers and admins
may. ``GET /v1/feedback/suggestions`` lists suggestions (approvers, admins);
``POST /v1/feedback/suggestions/{id}/apply`` and ``.../dismiss`` decide one (admins only:
applying changes what the guard lets through). Operators act in the tenant they name.

:func:`attach` runs at start-up: the process's learning stores move into the service
database (so every process, a restart and the CLI share them), and an approval denied with
the reason ``attack`` (or by the dashboard's "deny as attack") counts as a confirmation.
A decision no longer among the recent ones can still be confirmed through its approval
request: its stored, masked details are sketched instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from aimds.errors import AimdsError, ConfigError, InputError
from aimds.learn.learning import EXTRAS_KEY, Label, Learning, LearningHandle, UnknownDecision
from aimds.learn.recent import RecentDecision
from aimds.learn.stage import sketches_of_text
from aimds.respond.approvals import ApprovalRequest, ApprovalStatus
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
from aimds.server.state import ServiceState

__all__ = [
    "FeedbackIn",
    "FeedbackOut",
    "SuggestionOut",
    "attach",
    "feedback_on_approval",
    "router",
]

log = logging.getLogger("aimds.server")

router = APIRouter(prefix="/v1/feedback", tags=["feedback"])

T = TypeVar("T")
_ATTACK_REASONS = ("attack", "denied as attack")


_DECISION = "9f1c2e7a4b6d4c0e8a1b2c3d4e5f6a7b"
_SUGGESTION_ID = "sug_0123456789abcdef0123456789abcdef"


class FeedbackIn(BaseModel):
    """A person's verdict on one decision the guard made."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"decision_id": _DECISION, "label": "attack", "note": "exfiltration attempt"},
                {"decision_id": _DECISION, "label": "benign", "note": "our own ticket template"},
            ]
        },
    )

    decision_id: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="The decision's id, as `check` answered it (kept for "
        "`attack_memory.recent.ttl_s`).",
    )
    label: Literal["attack", "benign"] = Field(
        description="`attack`: remember it (near-duplicates are recalled); `benign`: a false "
        "positive (an allow-list suggestion for an admin)."
    )
    note: str = Field(default="", max_length=1000, description="Why; masked, then audited.")


class FeedbackOut(BaseModel):
    """What the feedback did."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "decision_id": _DECISION,
                    "tenant": "acme",
                    "label": "attack",
                    "outcome": "remembered",
                    "entry": "mem_0123456789abcdef0123456789abcdef",
                    "suggestion": None,
                    "evicted": 0,
                },
            ]
        }
    )

    decision_id: str = Field(description="The decision the feedback was about.")
    tenant: str = Field(description="Its tenant.")
    label: Literal["attack", "benign"] = Field(description="The label given.")
    outcome: Literal["remembered", "already_remembered", "suggested", "noted"] = Field(
        description="`remembered` (a new memory entry), `already_remembered`, `suggested` "
        "(a suggestion filed, or the existing one), `noted` (benign, no findings to allow)."
    )
    entry: str | None = Field(default=None, description="The attack memory entry (attack).")
    suggestion: str | None = Field(default=None, description="The suggestion filed (benign).")
    evicted: int = Field(default=0, description="Old entries forgotten to stay in bounds.")


class SuggestionOut(BaseModel):
    """An allow-list suggestion from a confirmed false positive."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _SUGGESTION_ID,
                    "tenant": "acme",
                    "created": 1765090000.0,
                    "decision_id": _DECISION,
                    "actor": "key:k_4f2a",
                    "note": "our template",
                    "kind": "prompt",
                    "rules": ["injection.override"],
                    "excerpt": "Ignore the previous instructions in this ticket template...",
                    "status": "pending",
                    "decided_by": None,
                    "decided": None,
                },
            ]
        }
    )

    id: str = Field(description="Suggestion id, `sug_` and 32 hex digits.")
    tenant: str = Field(description="The tenant it applies to.")
    created: float = Field(description="When it was filed (epoch seconds).")
    decision_id: str = Field(description="The decision marked a false positive.")
    actor: str = Field(description="Who marked it.")
    note: str = Field(description="Their note, masked.")
    kind: str = Field(description="The event kind of the decision.")
    rules: list[str] = Field(description="The rule ids that fired (what applying silences).")
    excerpt: str = Field(description="The decided text, masked (secrets and PII replaced).")
    status: Literal["pending", "applied", "dismissed"] = Field(
        description="`pending` until an admin applies or dismisses it."
    )
    decided_by: str | None = Field(default=None, description="The admin who decided it.")
    decided: float | None = Field(default=None, description="When (epoch seconds).")


# -- wiring ------------------------------------------------------------------------------


def attach(state: ServiceState) -> None:
    """Put the learning stores in the service database and count approvals denied as
    attacks as confirmations."""
    learning = state.services.extras.get(EXTRAS_KEY)
    if not isinstance(learning, Learning):
        learning = Learning(clock=state.services.clock)
        state.services.extras[EXTRAS_KEY] = learning
    learning.use_database(state.settings.resolved_database_url())
    state.queue.add_listener(lambda request: _denied_as_attack(state, request))


def _denied_as_attack(state: ServiceState, request: ApprovalRequest) -> None:
    if request.status is not ApprovalStatus.DENIED:
        return
    reason = (request.reason or "").strip().lower()
    if not reason.startswith(_ATTACK_REASONS):
        return
    try:
        feedback_on_approval(
            state,
            request,
            label=Label.ATTACK,
            actor=request.approver or "approver",
            note="approval denied as attack",
        )
    except (AimdsError, HTTPException, LookupError) as exc:
        log.warning(
            "approval %s denied as attack, not remembered: %s",
            request.id,
            getattr(exc, "detail", None) or type(exc).__name__,
        )


def _handle(state: ServiceState, tenant: str) -> LearningHandle:
    try:
        return state.guard_for(tenant).learning
    except ConfigError:
        raise HTTPException(
            409, "the attack memory is off in this tenant's policy (attack_memory.enabled: false)"
        ) from None


def feedback_on_approval(
    state: ServiceState, request: ApprovalRequest, *, label: Label, actor: str, note: str = ""
) -> Any:
    """Feedback on an approval request's decision: the recent record if there is one, else
    (attacks only) the request's stored, masked details."""
    handle = _handle(state, request.tenant)
    record = handle.learning.recent.get(request.decision_id, tenant=request.tenant)
    if record is None:
        if label is not Label.ATTACK:
            raise HTTPException(
                409,
                "this decision is no longer among the recent ones; a false positive "
                "needs its exact text, which is not kept (give feedback sooner)",
            )
        record = _from_details(state, handle, request)
    return handle.feedback_on(record, label=label, note=note, actor=actor, source="approval")


def _from_details(
    state: ServiceState, handle: LearningHandle, request: ApprovalRequest
) -> RecentDecision:
    view = state.details.get(request.id, request.tenant)
    if view is None:
        raise HTTPException(409, "the approval's details are no longer kept; nothing to remember")
    text = view.text or "\n".join(value for _, value in view.args)
    return RecentDecision(
        id=request.decision_id,
        tenant=request.tenant,
        agent=request.agent,
        kind=request.kind,
        verdict=request.verdict.value,
        rules=request.rules,
        sketches=tuple(sketches_of_text(text, handle.section.min_words)),
        digest="",
        excerpt=text[: handle.section.recent.excerpt_chars],
        ts=request.created,
    )


async def _run(state: ServiceState, fn: Callable[[], T]) -> T:
    return await asyncio.get_running_loop().run_in_executor(state.pool, fn)


# -- routes ------------------------------------------------------------------------------


@router.post("", response_model=FeedbackOut, response_class=FastJSON)
async def give_feedback(
    body: FeedbackIn, request: Request, who: Caller, tenant: TenantParam = None
) -> Any:
    """Mark a recent decision of your tenant as an attack or a false positive."""
    require(who, Role.APPROVER, Role.ADMIN)
    state = state_of(request)
    scope = act_tenant(who, tenant)

    def work() -> Any:
        handle = _handle(state, scope)
        try:
            return handle.feedback(
                body.decision_id, label=body.label, note=body.note, actor=who.id, tenant=scope
            )
        except UnknownDecision as exc:
            raise HTTPException(404, str(exc)) from None
        except InputError as exc:
            raise HTTPException(422, str(exc)) from None

    result = await _run(state, work)
    return FastJSON(result.as_dict())


@router.get("/suggestions", response_model=list[SuggestionOut], response_class=FastJSON)
async def list_suggestions(
    request: Request,
    who: Caller,
    status: Literal["pending", "applied", "dismissed"] | None = Query(
        default=None, description="Only suggestions in this state.", examples=["pending"]
    ),
    limit: int = Query(default=100, ge=1, le=500),
    tenant: TenantParam = None,
) -> Any:
    require(who, Role.APPROVER, Role.ADMIN)
    state = state_of(request)
    scope = read_scope(who, tenant) or act_tenant(who, tenant)
    found = await _run(
        state, lambda: _handle(state, scope).suggestions(tenant=scope, status=status, limit=limit)
    )
    return FastJSON([s.as_dict() for s in found])


async def _decide(
    request: Request, who: Principal, suggestion_id: str, tenant: str | None, *, apply: bool
) -> FastJSON:
    require(who, Role.ADMIN)
    state = state_of(request)
    scope = act_tenant(who, tenant)

    def work() -> Any:
        handle = _handle(state, scope)
        try:
            if apply:
                return handle.apply_suggestion(suggestion_id, tenant=scope, actor=who.id)
            return handle.dismiss_suggestion(suggestion_id, tenant=scope, actor=who.id)
        except LookupError:
            raise HTTPException(404, "no such suggestion") from None
        except InputError as exc:
            raise HTTPException(409, str(exc)) from None

    done = await _run(state, work)
    return FastJSON(done.as_dict())


_SUGGESTION = r"^sug_[0-9a-f]{32}$"


@router.post(
    "/suggestions/{suggestion_id}/apply", response_model=SuggestionOut, response_class=FastJSON
)
async def apply_suggestion(
    request: Request,
    who: Caller,
    suggestion_id: str = Path(
        pattern=_SUGGESTION,
        description="The suggestion id: `sug_` and 32 hex digits.",
        examples=[_SUGGESTION_ID],
    ),
    tenant: TenantParam = None,
) -> Any:
    """Apply a suggestion: its exact text stops raising the content findings it was filed
    for, in your tenant. Admins only; audited."""
    return await _decide(request, who, suggestion_id, tenant, apply=True)


@router.post(
    "/suggestions/{suggestion_id}/dismiss", response_model=SuggestionOut, response_class=FastJSON
)
async def dismiss_suggestion(
    request: Request,
    who: Caller,
    suggestion_id: str = Path(
        pattern=_SUGGESTION,
        description="The suggestion id: `sug_` and 32 hex digits.",
        examples=[_SUGGESTION_ID],
    ),
    tenant: TenantParam = None,
) -> Any:
    """Dismiss a suggestion (nothing changes). Admins only; audited."""
    return await _decide(request, who, suggestion_id, tenant, apply=False)


# -- the dashboard -----------------------------------------------------------------------


def dashboard_feedback(
    state: ServiceState, who: Principal, request: ApprovalRequest, *, label: str, note: str
) -> None:
    """The approval page's feedback buttons. ``benign`` ("mark false positive"): approve
    the request if it is still pending, then file an allow-list suggestion. ``attack``
    ("deny as attack"): deny it if pending (the denial's reason makes it a confirmation),
    else remember its decision as an attack."""
    from aimds.server.routes_approvals import resolve

    require(who, Role.APPROVER, Role.ADMIN)
    kind = Label(label)
    note = note.strip()
    if kind is Label.BENIGN:
        if request.pending:
            resolve(state, who, request.id, approve=True,
                    reason=f"false positive{': ' + note if note else ''}")  # fmt: skip
        feedback_on_approval(state, request, label=kind, actor=who.id, note=note)
    elif request.pending:
        resolve(
            state, who, request.id, approve=False, reason=f"attack{': ' + note if note else ''}"
        )
    else:
        feedback_on_approval(state, request, label=kind, actor=who.id, note=note)
