"""Agent identities in the service: register, list, read, revoke; and checking a signed
message.

- ``POST /v1/identities`` (admins of the tenant; an operator names it with ``?tenant=``):
  registers an agent's key. Ed25519: send the ``public_key`` the agent generated (its
  private key never reaches the service). HMAC-SHA256: the service generates the shared
  secret, answers it **once** (``secret``), and keeps it sealed (see
  :mod:`aimds.identity.sealing`); no later call returns it. Agents cannot register
  identities, their own included.
- ``GET /v1/identities`` and ``GET /v1/identities/{key_id}`` (admins, auditors): records,
  never key material beyond public keys.
- ``POST /v1/identities/{key_id}/revoke`` (admins): the key stops verifying at once here,
  within :data:`~aimds.identity.sql_registry.CACHE_S` seconds in other replicas.
- ``POST /v1/messages/check`` (agents as the recipient, admins for any agent of their
  tenant): ``guard.check_message(envelope, subject=...)`` on the tenant's guard.

Every change is audited (``identity.registered``, ``identity.revoked``, with who).
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from aimds.errors import AimdsError, ConfigError, InputError
from aimds.identity import AgentIdentity, PublicIdentity
from aimds.identity.registry import EXTRAS_KEY, IdentityRegistry, audit_listener
from aimds.identity.sealing import sealer_from
from aimds.identity.sql_registry import SqlIdentityRegistry
from aimds.identity.stage import ENVELOPE_META
from aimds.serialize import decision_to_dict
from aimds.server.auth import Role
from aimds.server.deps import (
    Caller,
    FastJSON,
    TenantParam,
    act_tenant,
    read_scope,
    require,
    state_of,
    subject_for,
)
from aimds.server.models import DecisionOut, SubjectIn
from aimds.server.routes_check import judge
from aimds.server.state import AUDIT_KEY, ServiceState, decision_meta
from aimds.types import Event, EventKind

__all__ = ["install", "router"]

router = APIRouter(tags=["identities"])

_NAME = r"^[A-Za-z0-9_.:@-]{1,128}$"
_KID = r"^[A-Za-z0-9_.:@-]{1,128}$"


class IdentityIn(BaseModel):
    """A key to trust for an agent of your tenant."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "agent": "planner",
                    "role": "expert",
                    "algorithm": "ed25519",
                    "public_key": "<32 bytes, unpadded base64url>",
                }
            ]
        },
    )

    agent: str = Field(pattern=_NAME, description="The agent (or user) the key signs for.")
    role: str | None = Field(
        default=None, pattern=_NAME, description="The role it claims (a policy role, or user)."
    )
    algorithm: Literal["ed25519", "hmac-sha256"] = "ed25519"
    public_key: str | None = Field(
        default=None,
        max_length=64,
        description="Ed25519 only: the raw public key, unpadded base64url.",
    )
    expires: float | None = Field(default=None, gt=0, description="Epoch seconds; none: never.")


class IdentityOut(BaseModel):
    agent: str
    tenant: str
    role: str | None
    key_id: str
    algorithm: str
    public_key: str | None
    created: float
    expires: float | None
    revoked: bool


class IdentityCreatedOut(IdentityOut):
    secret: str | None = Field(
        default=None,
        description="HMAC-SHA256 only: the shared secret, shown this once (unpadded "
        "base64url of the key bytes); give it to the agent, it is never shown again.",
    )


class MessageCheckIn(BaseModel):
    """A signed envelope for the agent ``subject`` names (agents: themselves)."""

    model_config = ConfigDict(extra="forbid")

    envelope: dict[str, Any] = Field(description="As AgentIdentity.sign_message returns it.")
    subject: SubjectIn = Field(default_factory=SubjectIn)


def install(state: ServiceState) -> IdentityRegistry:
    """Put the database-backed registry into the service's guards' services (audited)."""
    settings = state.settings
    sealer = sealer_from(
        data_dir_secret=(lambda: settings.secret("identity"))
        if settings.data_dir is not None
        else None
    )
    registry = SqlIdentityRegistry(state.keys.db, sealer)
    audit = state.services.extras.get(AUDIT_KEY)
    if audit is not None and hasattr(audit, "append_event"):
        registry.add_listener(audit_listener(audit))
    state.services.extras[EXTRAS_KEY] = registry
    return registry


def _registry(state: ServiceState) -> IdentityRegistry:
    found = state.services.extras.get(EXTRAS_KEY)
    if not isinstance(found, IdentityRegistry):
        raise HTTPException(503, "the identity registry is not available in this service")
    return found


async def _run(state: ServiceState, fn: Any, *args: Any) -> Any:
    try:
        return await asyncio.get_running_loop().run_in_executor(state.pool, fn, *args)
    except InputError as exc:
        raise HTTPException(409 if "already registered" in str(exc) else 422, str(exc)) from None
    except ConfigError as exc:
        raise HTTPException(409, str(exc)) from None
    except AimdsError as exc:
        raise HTTPException(503, f"identity registry: {exc}") from None


@router.post(
    "/v1/identities", response_model=IdentityCreatedOut, status_code=201, response_class=FastJSON
)
async def create_identity(
    body: IdentityIn, request: Request, who: Caller, tenant: TenantParam = None
) -> Any:
    """Register a key for an agent of your tenant (admins only; agents cannot register)."""
    require(who, Role.ADMIN)
    state = state_of(request)
    home = act_tenant(who, tenant)
    shared: str | None = None
    try:
        if body.algorithm == "ed25519":
            if body.public_key is None:
                raise InputError(
                    "public_key: an ed25519 identity needs the agent's public key "
                    "(its private key stays with the agent)"
                )
            from aimds.identity import crypto

            raw = crypto.b64decode(body.public_key, field="public_key", size=32)
            crypto.ed25519_public_key(raw)
            record = PublicIdentity(
                agent=body.agent,
                tenant=home,
                role=body.role,
                algorithm="ed25519",
                key_id=crypto.public_key_id(raw),
                public_key=raw,
                created=_now(state),
                expires=body.expires,
            )
        else:
            if body.public_key is not None:
                raise InputError(
                    "public_key: an hmac-sha256 identity has none; the service "
                    "generates the shared secret"
                )
            shared = secrets.token_urlsafe(32)
            record = AgentIdentity.from_secret(
                agent=body.agent,
                tenant=home,
                role=body.role,
                secret=shared,
                expires=body.expires,
            ).public()
    except InputError as exc:
        raise HTTPException(422, str(exc)) from None
    registry = _registry(state)
    stored = await _run(state, lambda: registry.register(record, by=who.id))
    return FastJSON({**_out(stored), "secret": shared}, status_code=201)


@router.get("/v1/identities", response_model=list[IdentityOut], response_class=FastJSON)
async def list_identities(
    request: Request,
    who: Caller,
    tenant: TenantParam = None,
    agent: str | None = Query(default=None, pattern=_NAME),
) -> Any:
    """Registered identities of your tenant (operators: every tenant, or ``?tenant=``)."""
    require(who, Role.ADMIN, Role.AUDITOR)
    state = state_of(request)
    scope = read_scope(who, tenant)
    registry = _registry(state)
    found = await _run(state, lambda: registry.list(tenant=scope, agent=agent))
    return FastJSON([_out(r) for r in found])


@router.get("/v1/identities/{key_id}", response_model=IdentityOut, response_class=FastJSON)
async def get_identity(
    request: Request, who: Caller, key_id: str = Path(pattern=_KID), tenant: TenantParam = None
) -> Any:
    require(who, Role.ADMIN, Role.AUDITOR)
    state = state_of(request)
    home = act_tenant(who, tenant)
    registry = _registry(state)
    found = await _run(state, lambda: registry.get(key_id, tenant=home))
    if found is None:
        raise HTTPException(404, "no identity with that key id in this tenant")
    return FastJSON(_out(found))


@router.post("/v1/identities/{key_id}/revoke", response_model=IdentityOut, response_class=FastJSON)
async def revoke_identity(
    request: Request, who: Caller, key_id: str = Path(pattern=_KID), tenant: TenantParam = None
) -> Any:
    """Stop trusting a key (final: register a new key instead of reviving it)."""
    require(who, Role.ADMIN)
    state = state_of(request)
    home = act_tenant(who, tenant)
    registry = _registry(state)
    changed = await _run(state, lambda: registry.revoke(key_id, tenant=home, by=who.id))
    found = await _run(state, lambda: registry.get(key_id, tenant=home))
    if found is None:
        raise HTTPException(404, "no identity with that key id in this tenant")
    if not changed:
        raise HTTPException(409, "already revoked")
    return FastJSON(_out(found))


@router.post(
    "/v1/messages/check", response_model=DecisionOut, response_class=FastJSON, tags=["check"]
)
async def check_message(body: MessageCheckIn, request: Request, who: Caller) -> Any:
    """Verify a signed envelope for its recipient (the subject) and judge its body."""
    require(who, Role.AGENT, Role.ADMIN)
    state = state_of(request)
    envelope = body.envelope
    text = envelope.get("body")
    event = Event(
        kind=EventKind.MESSAGE,
        subject=subject_for(who, body.subject),
        text=text if isinstance(text, str) else "",
        meta={**decision_meta({}, who.id), ENVELOPE_META: envelope},
    )
    return FastJSON(decision_to_dict(await judge(state, event, 0.0)))


def _out(record: PublicIdentity) -> dict[str, Any]:
    return record.as_dict()  # never the secret


def _now(state: ServiceState) -> float:
    return float(state.services.clock())
