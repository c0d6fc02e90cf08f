"""Agent identities: the signing side (:class:`AgentIdentity`) and what a verifier registers
(:class:`PublicIdentity`).

An identity names an agent of a tenant, the role it claims (a role of the policy, or
``user`` for a human at the root of a delegation chain), its key id, algorithm and validity.
``AgentIdentity.generate`` makes an Ed25519 key pair whose private half never leaves the
object unless the caller asks for it by name (:meth:`AgentIdentity.private_dict`);
``AgentIdentity.from_secret`` uses a shared HMAC-SHA256 secret, which the verifier must hold
too, so for HMAC :meth:`AgentIdentity.public` carries the secret: treat it as a secret.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aimds.errors import InputError
from aimds.identity import crypto, wire

__all__ = ["AgentIdentity", "PublicIdentity"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicIdentity:
    """What a verifier keeps about one key of one agent.

    ``public_key`` (Ed25519) or ``secret`` (HMAC-SHA256; never shown by ``repr`` or
    :meth:`as_dict` unless asked) verifies its signatures. ``expires`` is epoch seconds
    (``None``: no expiry); ``revoked`` is set by the registry.
    """

    agent: str
    tenant: str
    key_id: str
    algorithm: str
    role: str | None = None
    public_key: bytes | None = None
    secret: bytes | None = field(default=None, repr=False)
    created: float = 0.0
    expires: float | None = None
    revoked: bool = False

    def __post_init__(self) -> None:
        wire.name(self.agent, "agent")
        wire.name(self.tenant, "tenant")
        wire.name(self.key_id, "key_id")
        if self.role is not None:
            wire.name(self.role, "role")
        if self.algorithm == crypto.ED25519:
            if self.public_key is None or len(self.public_key) != 32 or self.secret is not None:
                raise InputError("public_key: an ed25519 identity needs its 32-byte public key")
            if crypto.public_key_id(self.public_key) != self.key_id:
                raise InputError("key_id: does not match the public key")
        elif self.algorithm == crypto.HMAC_SHA256:
            if self.secret is None or len(self.secret) < crypto.MIN_SECRET_BYTES:
                raise InputError(
                    f"secret: an hmac-sha256 identity needs a shared secret of at least "
                    f"{crypto.MIN_SECRET_BYTES} bytes"
                )
            if self.public_key is not None:
                raise InputError("public_key: an hmac-sha256 identity has no public key")
        else:
            raise InputError(f"algorithm: must be one of {', '.join(crypto.ALGORITHMS)}")

    def expired(self, now: float) -> bool:
        return self.expires is not None and now >= self.expires

    def as_dict(self, *, include_secret: bool = False) -> dict[str, Any]:
        """JSON-ready fields; the HMAC secret only with ``include_secret=True``."""
        out: dict[str, Any] = {
            "agent": self.agent,
            "tenant": self.tenant,
            "role": self.role,
            "key_id": self.key_id,
            "algorithm": self.algorithm,
            "public_key": crypto.b64encode(self.public_key) if self.public_key else None,
            "created": self.created,
            "expires": self.expires,
            "revoked": self.revoked,
        }
        if include_secret and self.secret is not None:
            out["secret"] = crypto.b64encode(self.secret)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PublicIdentity:
        """The inverse of :meth:`as_dict` (``InputError`` naming the bad field)."""
        if not isinstance(data, Mapping):
            raise InputError("identity: expected an object")
        known = {
            "agent",
            "tenant",
            "role",
            "key_id",
            "algorithm",
            "public_key",
            "secret",
            "created",
            "expires",
            "revoked",
        }
        extra = sorted(str(k) for k in data if k not in known)
        if extra:
            raise InputError(f"identity.{extra[0]}: unknown field")
        pub, secret = data.get("public_key"), data.get("secret")
        return cls(
            agent=data.get("agent"),  # type: ignore[arg-type]  # checked in __post_init__
            tenant=data.get("tenant", "default"),
            key_id=data.get("key_id"),  # type: ignore[arg-type]
            algorithm=data.get("algorithm"),  # type: ignore[arg-type]
            role=data.get("role"),
            public_key=crypto.b64decode(pub, field="public_key") if pub is not None else None,
            secret=crypto.b64decode(secret, field="secret") if secret is not None else None,
            created=_seconds(data.get("created", 0.0), "created"),
            expires=_seconds(data["expires"], "expires") if data.get("expires") else None,
            revoked=bool(data.get("revoked", False)),
        )


class AgentIdentity:
    """An agent's own signing identity. Keep it in the agent's process; share only
    :meth:`public` (with a registry) and the envelopes and delegations it signs."""

    __slots__ = (
        "agent",
        "algorithm",
        "created",
        "expires",
        "key_id",
        "role",
        "tenant",
        "_private",
        "_public_key",
        "_signer",
    )

    def __init__(
        self,
        *,
        agent: str,
        tenant: str,
        algorithm: str,
        private: bytes,
        role: str | None = None,
        key_id: str | None = None,
        created: float | None = None,
        expires: float | None = None,
    ) -> None:
        self.agent = wire.name(agent, "agent")
        self.tenant = wire.name(tenant, "tenant")
        self.role = wire.name(role, "role") if role is not None else None
        self.algorithm = algorithm
        self.created = time.time() if created is None else float(created)
        self.expires = None if expires is None else float(expires)
        self._private = private
        if algorithm == crypto.ED25519:
            self._public_key: bytes | None = crypto.ed25519_public(private)
            derived = crypto.public_key_id(self._public_key)
            signing_key = crypto.ed25519_private_key(private)
            self._signer: Any = signing_key.sign
        elif algorithm == crypto.HMAC_SHA256:
            if len(private) < crypto.MIN_SECRET_BYTES:
                raise InputError(
                    f"secret: use at least {crypto.MIN_SECRET_BYTES} bytes "
                    "(e.g. secrets.token_urlsafe(32))"
                )
            self._public_key = None
            derived = crypto.hmac_key_id(private)
            self._signer = lambda data: crypto.hmac_sign(private, data)
        else:
            raise InputError(f"algorithm: must be one of {', '.join(crypto.ALGORITHMS)}")
        self.key_id = wire.name(key_id, "key_id") if key_id is not None else derived

    # -- construction --------------------------------------------------------------------

    @classmethod
    def generate(
        cls,
        *,
        agent: str,
        tenant: str = "default",
        role: str | None = None,
        expires: float | None = None,
    ) -> AgentIdentity:
        """A new Ed25519 identity (``expires``: epoch seconds, ``None`` for none)."""
        return cls(
            agent=agent,
            tenant=tenant,
            role=role,
            algorithm=crypto.ED25519,
            private=crypto.ed25519_generate(),
            expires=expires,
        )

    @classmethod
    def from_secret(
        cls,
        *,
        agent: str,
        tenant: str = "default",
        secret: str | bytes,
        role: str | None = None,
        key_id: str | None = None,
        expires: float | None = None,
    ) -> AgentIdentity:
        """An HMAC-SHA256 identity over a shared ``secret`` (at least 16 bytes). The key id
        derives from the secret, so signer and verifier agree without exchanging it."""
        raw = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
        return cls(
            agent=agent,
            tenant=tenant,
            role=role,
            algorithm=crypto.HMAC_SHA256,
            private=raw,
            key_id=key_id,
            expires=expires,
        )

    @classmethod
    def from_private_dict(cls, data: Mapping[str, Any]) -> AgentIdentity:
        """An identity saved with :meth:`private_dict` (``InputError`` naming the field)."""
        if not isinstance(data, Mapping):
            raise InputError("identity: expected an object")
        algorithm = data.get("algorithm")
        secret_field = "private_key" if algorithm == crypto.ED25519 else "secret"
        private = crypto.b64decode(data.get(secret_field), field=secret_field)
        return cls(
            agent=data.get("agent"),  # type: ignore[arg-type]  # checked by wire.name
            tenant=data.get("tenant", "default"),
            role=data.get("role"),
            algorithm=str(algorithm),
            private=private,
            key_id=data.get("key_id"),
            created=_seconds(data.get("created", time.time()), "created"),
            expires=_seconds(data["expires"], "expires") if data.get("expires") else None,
        )

    @classmethod
    def load(cls, path: str | Path) -> AgentIdentity:
        """An identity from a file written by :meth:`save` (or ``aimds identities create
        --out``)."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(
                f"{path}: cannot read ({exc.strerror or type(exc).__name__})"
            ) from None
        except ValueError:
            raise InputError(f"{path}: not a JSON identity file") from None
        return cls.from_private_dict(data)

    # -- what leaves the agent -----------------------------------------------------------

    def public(self) -> PublicIdentity:
        """What a verifier registers (for HMAC this includes the shared secret)."""
        return PublicIdentity(
            agent=self.agent,
            tenant=self.tenant,
            role=self.role,
            key_id=self.key_id,
            algorithm=self.algorithm,
            public_key=self._public_key,
            secret=self._private if self.algorithm == crypto.HMAC_SHA256 else None,
            created=self.created,
            expires=self.expires,
        )

    def private_dict(self) -> dict[str, Any]:
        """Everything needed to sign as this identity, private key included: store it like a
        password (:meth:`save` writes it with mode 0600)."""
        secret_field = "private_key" if self.algorithm == crypto.ED25519 else "secret"
        return {
            "agent": self.agent,
            "tenant": self.tenant,
            "role": self.role,
            "key_id": self.key_id,
            "algorithm": self.algorithm,
            "created": self.created,
            "expires": self.expires,
            secret_field: crypto.b64encode(self._private),
        }

    def save(self, path: str | Path) -> None:
        """Write :meth:`private_dict` to a new file readable by its owner only (0600)."""
        fd = os.open(Path(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self.private_dict(), fh)

    def sign(self, data: bytes) -> bytes:
        """The raw signature of ``data`` (prefer :meth:`sign_message` and :meth:`delegate`)."""
        return bytes(self._signer(data))

    def sign_message(
        self,
        *,
        to: str,
        body: str,
        channel: str = "default",
        delegation: Sequence[Mapping[str, Any]] | None = None,
        ts: float | None = None,
        nonce: str | None = None,
    ) -> dict[str, Any]:
        """A signed envelope (a JSON-ready dict) carrying ``body`` to agent ``to`` of this
        identity's tenant on ``channel``; ``delegation`` is the chain this agent acts
        under, if any. See :mod:`aimds.identity.envelope`."""
        from aimds.identity.envelope import sign_envelope

        return sign_envelope(
            self, to=to, body=body, channel=channel, delegation=delegation, ts=ts, nonce=nonce
        )

    def delegate(
        self,
        *,
        to: str,
        scope: Any = None,
        ttl: float | None = None,
        chain: Sequence[Mapping[str, Any]] = (),
        now: float | None = None,
    ) -> list[dict[str, Any]]:
        """``chain`` extended by a link granting agent ``to`` ``scope`` (a
        :class:`~aimds.identity.delegation.Scope` or a mapping of ``tools``, ``actions``,
        ``channels``) for ``ttl`` seconds (default an hour, capped at the parent link's
        end). See :mod:`aimds.identity.delegation`."""
        from aimds.identity.delegation import extend_chain

        return extend_chain(self, to=to, scope=scope, ttl=ttl, chain=chain, now=now)

    def __repr__(self) -> str:
        return (
            f"AgentIdentity(agent={self.agent!r}, tenant={self.tenant!r}, role={self.role!r}, "
            f"key_id={self.key_id!r}, algorithm={self.algorithm!r})"
        )


def _seconds(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{field}: expected epoch seconds (a number)")
    return float(value)
