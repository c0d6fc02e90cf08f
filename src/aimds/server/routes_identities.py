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
import logging
import secrets
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from aimds.errors import AimdsError, ConfigError, InputError, MissingExtraError
from aimds.identity import AgentIdentity, PublicIdentity
from aimds.identity.registry import EXTRAS_KEY, IdentityRegistry, audit_listener
from aimds.identity.sealing import sealer_from
from aimds.identity.sql_registry import SqlIdentityRegistry
from aimds.identity.stage import message_meta
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
log = logging.getLogger("aimds.server")

_NAME = r"^[A-Za-z0-9_.:@-]{1,128}$"
_KID = r"^[A-Za-z0-9_.:@-]{1,128}$"


_PUBLIC_EXAMPLE: dict[str, JsonValue] = {
    "agent": "planner",
    "tenant": "acme",
    "role": "expert",
    "key_id": "3f2a9c0d1e4b5a67",
    "algorithm": "ed25519",
    "public_key": "mN3u4xV0q1xJ0sYkV9bE2hQy1aW6cR8tZ5pL7oK3dFg",
    "created": 1767225600.0,
    "expires": None,
    "revoked": False,
}


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
                    "public_key": _PUBLIC_EXAMPLE["public_key"],
                },
                {"agent": "reporter", "algorithm": "hmac-sha256", "expires": 1798761600.0},
            ]
        },
    )

    agent: str = Field(pattern=_NAME, description="The agent (or user) the key signs for.")
    role: str | None = Field(
        default=None, pattern=_NAME, description="The role it claims (a policy role, or user)."
    )
    algorithm: Literal["ed25519", "hmac-sha256"] = Field(
        default="ed25519",
        description="ed25519: send the agent's public key; hmac-sha256: the service "
        "generates a shared secret and answers it once.",
    )
    public_key: str | None = Field(
        default=None,
        max_length=64,
        description="Ed25519 only: the raw public key, unpadded base64url.",
    )
    expires: float | None = Field(
        default=None, gt=0, description="Epoch seconds after which the key is refused."
    )


class IdentityOut(BaseModel):
    """A registered identity (never its secret)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_PUBLIC_EXAMPLE]})

    agent: str = Field(description="The agent (or user) the key signs for.")
    tenant: str = Field(description="Its tenant.")
    role: str | None = Field(description="The role it claims.")
    key_id: str = Field(description="Key id, as envelopes and delegation links name it.")
    algorithm: Literal["ed25519", "hmac-sha256"] = Field(description="Signature scheme.")
    public_key: str | None = Field(description="Ed25519: the public key (base64url).")
    created: float = Field(description="Epoch seconds of registration.")
    expires: float | None = Field(description="Epoch seconds of expiry; null: none.")
    revoked: bool = Field(description="Revoked keys verify nothing.")


class IdentityCreatedOut(IdentityOut):
    """A new identity; for HMAC-SHA256 with its shared secret, shown this once."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {**_PUBLIC_EXAMPLE, "secret": None},
                {
                    **_PUBLIC_EXAMPLE,
                    "agent": "reporter",
                    "algorithm": "hmac-sha256",
                    "public_key": None,
                    "key_id": "9b1c44e07aa5d2f3",
                    "secret": "q0Zb8c3VtY2hQy1aW6cR8tZ5pL7oK3dFgmN3u4xV0q1",
                },
            ]
        }
    )

    secret: str | None = Field(
        default=None,
        description="HMAC-SHA256 only: the shared secret, shown this once (give it to the "
        "agent: AgentIdentity.from_secret(..., secret=...)); never shown again.",
    )


class MessageCheckIn(BaseModel):
    """A signed envelope for the agent ``subject`` names (agents: themselves)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "envelope": {
                        "v": 1,
                        "alg": "ed25519",
                        "kid": "3f2a9c0d1e4b5a67",
                        "tenant": "acme",
                        "sender": "planner",
                        "recipient": "executor",
                        "channel": "tasks",
                        "ts": 1767225600000,
                        "nonce": "Zk3q9Xw0bYt2LmP8sVr1Aa",
                        "body": "run the unit tests",
                        "body_sha256": "0" * 64,
                        "sig": "<base64url signature>",
                    },
                    "subject": {"agent": "executor"},
                }
            ]
        },
    )

    envelope: dict[str, Any] = Field(description="As AgentIdentity.sign_message returns it.")
    subject: SubjectIn = Field(
        default_factory=SubjectIn, description="The recipient (agents: themselves)."
    )


_KEY_ID = Path(
    pattern=_KID,
    description="The identity's key id.",
    openapi_examples={"key id": {"value": "3f2a9c0d1e4b5a67"}},
)


def install(state: ServiceState) -> IdentityRegistry | None:
    """Put the database-backed registry into the service's guards' services (audited)."""
    settings = state.settings
    try:
        sealer = sealer_from(
            data_dir_secret=(lambda: settings.secret("identity"))
            if settings.data_dir is not None
            else None
        )
    except MissingExtraError as exc:
        log.warning("identities are off in this service: %s", exc)
        return None
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


@router.post("/v1/identities", response_model=IdentityCreatedOut, response_class=FastJSON)
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
    return FastJSON({**_out(stored), "secret": shared})


@router.get("/v1/identities", response_model=list[IdentityOut], response_class=FastJSON)
async def list_identities(
    request: Request,
    who: Caller,
    tenant: TenantParam = None,
    agent: str | None = Query(default=None, pattern=_NAME, description="Only this agent's."),
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
    request: Request, who: Caller, key_id: str = _KEY_ID, tenant: TenantParam = None
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
    request: Request, who: Caller, key_id: str = _KEY_ID, tenant: TenantParam = None
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
        meta=message_meta(envelope, decision_meta({}, who.id)),
    )
    return FastJSON(decision_to_dict(await judge(state, event, 0.0)))


def _out(record: PublicIdentity) -> dict[str, Any]:
    return record.as_dict()  # never the secret


def _now(state: ServiceState) -> float:
    return float(state.services.clock())
