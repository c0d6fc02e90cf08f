"""Signed envelopes: a message from one agent to another, and what its signature covers.

An envelope is a JSON object::

    {"v": 1, "alg": "ed25519", "kid": "<key id>", "tenant": "acme",
     "sender": "planner", "recipient": "executor", "channel": "tasks",
     "ts": 1767225600000, "nonce": "<22+ chars base64url>",
     "body": "the text", "body_sha256": "<hex>",
     "delegation": [ ...links... ],          # optional: the chain the sender acts under
     "sig": "<base64url signature>"}

The signature covers ``MESSAGE_DOMAIN + JSON(header)`` (see :mod:`aimds.identity.wire`),
the header being every field but ``body``, ``delegation`` and ``sig``, plus
``delegation_sha256`` (the SHA-256 of the chain's canonical JSON, ``null`` without one).
So the body (through its digest), the chain and every header field are signed; a field the
format does not know is refused, not ignored.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aimds.errors import InputError
from aimds.identity import crypto, wire

if TYPE_CHECKING:
    from aimds.identity.identity import AgentIdentity

__all__ = ["ENVELOPE_FIELDS", "Envelope", "parse_envelope", "sign_envelope"]

VERSION = 1
_REQUIRED = (
    "v",
    "alg",
    "kid",
    "tenant",
    "sender",
    "recipient",
    "channel",
    "ts",
    "nonce",
    "body",
    "body_sha256",
    "sig",
)
ENVELOPE_FIELDS = frozenset((*_REQUIRED, "delegation"))
MAX_CHAIN = 16


@dataclass(frozen=True, slots=True, kw_only=True)
class Envelope:
    """A well-formed envelope (signature not yet checked)."""

    algorithm: str
    key_id: str
    tenant: str
    sender: str
    recipient: str
    channel: str
    ts_ms: int
    nonce: str
    body: str
    signature: bytes
    delegation: tuple[Mapping[str, Any], ...] | None
    signed: bytes
    """The canonical bytes the signature must cover."""


def _header(
    *,
    alg: str,
    kid: str,
    tenant: str,
    sender: str,
    recipient: str,
    channel: str,
    ts: int,
    nonce: str,
    body_sha256: str,
    delegation: Sequence[Mapping[str, Any]] | None,
) -> dict[str, Any]:
    return {
        "v": VERSION,
        "alg": alg,
        "kid": kid,
        "tenant": tenant,
        "sender": sender,
        "recipient": recipient,
        "channel": channel,
        "ts": ts,
        "nonce": nonce,
        "body_sha256": body_sha256,
        "delegation_sha256": wire.json_digest(list(delegation)) if delegation else None,
    }


def sign_envelope(
    identity: AgentIdentity,
    *,
    to: str,
    body: str,
    channel: str = "default",
    delegation: Sequence[Mapping[str, Any]] | None = None,
    ts: float | None = None,
    nonce: str | None = None,
) -> dict[str, Any]:
    """The envelope of ``body`` from ``identity`` to ``to`` (``InputError`` naming a bad
    argument). ``ts`` (epoch seconds) and ``nonce`` default to now and 16 random bytes."""
    chain = [dict(link) for link in delegation] if delegation else None
    if chain is not None and len(chain) > MAX_CHAIN:
        raise InputError(f"delegation: at most {MAX_CHAIN} links")
    header = _header(
        alg=identity.algorithm,
        kid=identity.key_id,
        tenant=identity.tenant,
        sender=identity.agent,
        recipient=wire.name(to, "to"),
        channel=wire.name(channel, "channel"),
        ts=int(round((time.time() if ts is None else ts) * 1000)),
        nonce=wire.nonce(nonce) if nonce is not None else crypto.b64encode(os.urandom(16)),
        body_sha256=wire.digest_of(body),
        delegation=chain,
    )
    signature = identity.sign(wire.canonical(wire.MESSAGE_DOMAIN, header))
    envelope = {k: v for k, v in header.items() if k != "delegation_sha256"}
    envelope["body"] = body
    if chain is not None:
        envelope["delegation"] = chain
    envelope["sig"] = crypto.b64encode(signature)
    return envelope


def parse_envelope(data: Any) -> Envelope:
    """The :class:`Envelope` of ``data``; :class:`InputError` naming the first bad field
    (never quoting the body)."""
    if not isinstance(data, Mapping):
        raise InputError("envelope: expected an object")
    unknown = sorted(str(k) for k in data if k not in ENVELOPE_FIELDS)
    if unknown:
        raise InputError(f"envelope.{unknown[0]}: unknown field")
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise InputError(f"envelope.{missing[0]}: missing")
    if type(data["v"]) is not int or data["v"] != VERSION:
        raise InputError(f"envelope.v: expected {VERSION}")
    alg = data["alg"]
    if alg not in crypto.ALGORITHMS:
        raise InputError(f"envelope.alg: must be one of {', '.join(crypto.ALGORITHMS)}")
    body = data["body"]
    digest = wire.digest_of(body, field="envelope.body")
    if wire.hex64(data["body_sha256"], "envelope.body_sha256") != digest:
        raise InputError("envelope.body_sha256: does not match the body")
    chain = data.get("delegation")
    if chain is not None and (
        not isinstance(chain, list | tuple)
        or not chain
        or len(chain) > MAX_CHAIN
        or not all(isinstance(link, Mapping) for link in chain)
    ):
        raise InputError(f"envelope.delegation: expected a list of 1-{MAX_CHAIN} links")
    header = _header(
        alg=alg,
        kid=wire.name(data["kid"], "envelope.kid"),
        tenant=wire.name(data["tenant"], "envelope.tenant"),
        sender=wire.name(data["sender"], "envelope.sender"),
        recipient=wire.name(data["recipient"], "envelope.recipient"),
        channel=wire.name(data["channel"], "envelope.channel"),
        ts=wire.ms(data["ts"], "envelope.ts"),
        nonce=wire.nonce(data["nonce"], "envelope.nonce"),
        body_sha256=digest,
        delegation=chain,
    )
    size = 64 if alg == crypto.ED25519 else 32
    signature = crypto.b64decode(data["sig"], field="envelope.sig", size=size)
    return Envelope(
        algorithm=alg,
        key_id=header["kid"],
        tenant=header["tenant"],
        sender=header["sender"],
        recipient=header["recipient"],
        channel=header["channel"],
        ts_ms=header["ts"],
        nonce=header["nonce"],
        body=body,
        signature=signature,
        delegation=tuple(chain) if chain else None,
        signed=wire.canonical(wire.MESSAGE_DOMAIN, header),
    )
