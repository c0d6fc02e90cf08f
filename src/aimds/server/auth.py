"""Who is calling: API keys (stored hashed) and JWT bearer tokens, mapped to a principal.

A :class:`Principal` has a role and a tenant. Roles:

- ``agent``: submits events, only as itself (its tenant and, when bound, its agent id);
- ``approver``: a human who resolves approval requests;
- ``admin``: policies, keys, quarantine; also resolves approvals;
- ``auditor``: reads audit records and events, changes nothing.

API keys read ``aimds_<key id>_<secret>``. Only ``sha256(secret)`` is stored: the secret
is 32 random bytes, so a fast hash is enough and keeps verification in microseconds. A
verified key is cached for a few seconds; revocation takes effect within that time.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aimds.errors import ConfigError, InputError
from aimds.respond.approvals import SqlDatabase

__all__ = ["Authenticator", "JwtVerifier", "KeyRecord", "KeyStore", "Principal", "Role"]

_TABLE = "aimds_keys"
_CACHE_S = 5.0
_NAME_OK = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:@-")


class Role(enum.StrEnum):
    AGENT = "agent"
    APPROVER = "approver"
    ADMIN = "admin"
    AUDITOR = "auditor"

    @property
    def human(self) -> bool:
        return self is not Role.AGENT


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    """An authenticated caller. ``id`` is stable per credential (``key:<id>`` or ``jwt:<sub>``)."""

    id: str
    role: Role
    tenant: str
    agent: str | None = None

    @property
    def human(self) -> bool:
        return self.role.human

    def may(self, *roles: Role) -> bool:
        return self.role in roles


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyRecord:
    id: str
    role: Role
    tenant: str
    agent: str | None
    name: str
    created: float
    revoked: bool = False

    def principal(self) -> Principal:
        return Principal(id=f"key:{self.id}", role=self.role, tenant=self.tenant, agent=self.agent)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role.value,
            "tenant": self.tenant,
            "agent": self.agent,
            "name": self.name,
            "created": self.created,
            "revoked": self.revoked,
        }


def check_name(field: str, value: str) -> str:
    """Tenant and agent ids: 1-128 characters of ``[A-Za-z0-9_.:@-]``."""
    if not value or len(value) > 128 or not set(value) <= _NAME_OK:
        raise InputError(f"{field}: use 1-128 characters of letters, digits and _ . : @ -")
    return value


class KeyStore:
    """API keys in the service database. Thread-safe."""

    def __init__(self, db: SqlDatabase, *, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self._clock = clock
        self._cache: dict[str, tuple[float, KeyRecord, str]] = {}
        self._lock = threading.Lock()
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {_TABLE} (id TEXT PRIMARY KEY, hash TEXT NOT NULL, "
            "role TEXT NOT NULL, tenant TEXT NOT NULL, agent TEXT, name TEXT NOT NULL, "
            "created DOUBLE PRECISION NOT NULL, revoked INTEGER NOT NULL DEFAULT 0)"
        )

    def create(
        self, *, role: Role | str, tenant: str, agent: str | None = None, name: str = ""
    ) -> tuple[KeyRecord, str]:
        """A new key: its record and the plaintext, which is shown once and never stored."""
        try:
            role = Role(role)
        except ValueError:
            raise InputError(
                f"role: must be one of {', '.join(r.value for r in Role)}"
            ) from None
        check_name("tenant", tenant)
        if agent is not None:
            check_name("agent", agent)
        key_id = secrets.token_hex(6)
        if role is Role.AGENT and agent is None:
            agent = f"agent-{key_id}"  # an agent credential always acts as one agent
        secret = secrets.token_urlsafe(32)
        record = KeyRecord(
            id=key_id, role=role, tenant=tenant, agent=agent, name=name[:200], created=self._clock()
        )
        self.db.execute(
            f"INSERT INTO {_TABLE} (id, hash, role, tenant, agent, name, created, revoked) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
            (key_id, _hash(secret), role.value, tenant, agent, record.name, record.created),
        )
        return record, f"aimds_{key_id}_{secret}"

    def verify(self, token: str) -> Principal | None:
        """The principal of a valid, unrevoked key, else ``None`` (constant-time compare)."""
        key_id, secret = _split(token)
        if key_id is None or secret is None:
            return None
        return self.verify_digest(key_id, _hash(secret))

    def verify_digest(self, key_id: str, digest: str) -> Principal | None:
        """Like :meth:`verify`, from the key id and the hash of its secret (dashboard sessions)."""
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(key_id)
        if cached is not None and cached[0] > now:
            record, stored = cached[1], cached[2]
        else:
            rows = self.db.execute(
                f"SELECT id, role, tenant, agent, name, created, revoked, hash FROM {_TABLE} "
                "WHERE id = ?",
                (key_id,),
            )
            if not rows:
                return None
            record, stored = _record(rows[0]), rows[0][7]
            with self._lock:
                if len(self._cache) > 10_000:
                    self._cache.clear()
                self._cache[key_id] = (now + _CACHE_S, record, stored)
        if record.revoked or not hmac.compare_digest(stored, digest):
            return None
        return record.principal()

    def records(self, *, tenant: str | None = None) -> list[KeyRecord]:
        where, params = ("WHERE tenant = ?", (tenant,)) if tenant else ("", ())
        rows = self.db.execute(
            f"SELECT id, role, tenant, agent, name, created, revoked, hash FROM {_TABLE} "
            f"{where} ORDER BY created",
            params,
        )
        return [_record(r) for r in rows]

    def revoke(self, key_id: str, *, tenant: str | None = None) -> bool:
        sql = f"UPDATE {_TABLE} SET revoked = 1 WHERE id = ?"
        params: tuple[str, ...] = (key_id,)
        if tenant is not None:
            sql += " AND tenant = ?"
            params = (key_id, tenant)
        changed = self.db.execute_count(sql, params) > 0
        with self._lock:
            self._cache.pop(key_id, None)
        return changed

    def count(self) -> int:
        return int(self.db.execute(f"SELECT COUNT(*) FROM {_TABLE}")[0][0])

    def agent_known(self, tenant: str, agent: str) -> bool:
        rows = self.db.execute(
            f"SELECT 1 FROM {_TABLE} WHERE tenant = ? AND agent = ? LIMIT 1", (tenant, agent)
        )
        return bool(rows)


def key_digest(token: str) -> tuple[str, str] | None:
    """``(key id, hash of the secret)`` of a well-formed key, without looking it up."""
    key_id, secret = _split(token)
    return (key_id, _hash(secret)) if key_id is not None and secret is not None else None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _split(token: str) -> tuple[str | None, str | None]:
    if not token.startswith("aimds_") or len(token) > 200:
        return None, None
    key_id, sep, secret = token[6:].partition("_")
    if not sep or len(key_id) != 12 or not secret:
        return None, None
    return key_id, secret


def _record(r: Any) -> KeyRecord:
    return KeyRecord(
        id=r[0], role=Role(r[1]), tenant=r[2], agent=r[3], name=r[4], created=float(r[5]),
        revoked=bool(r[6]),
    )


class JwtVerifier:
    """Bearer JWTs (HS256 with a shared secret, or RS256 with a public key).

    Claims: ``sub`` (required), ``role`` (one of the roles), ``tenant`` (required),
    ``agent`` (optional; an agent token without one acts as ``sub``), ``exp`` (required),
    ``iss``/``aud`` checked when configured.
    """

    def __init__(
        self,
        *,
        algorithm: str,
        secret: str | None = None,
        public_key_file: Path | None = None,
        issuer: str | None = None,
        audience: str | None = None,
    ) -> None:
        try:
            import jwt
        except ImportError as exc:  # pragma: no cover - depends on the install
            from aimds.errors import MissingExtraError

            raise MissingExtraError("server", "pyjwt") from exc
        self._jwt = jwt
        self._algorithm = algorithm
        if algorithm == "HS256":
            if not secret or len(secret) < 32:
                raise ConfigError("jwt_secret: HS256 needs a secret of at least 32 characters")
            self._key: Any = secret
        elif algorithm == "RS256":
            if public_key_file is None:
                raise ConfigError("jwt_public_key_file: RS256 needs the issuer's public key (PEM)")
            try:
                self._key = public_key_file.read_text()
            except OSError:
                raise ConfigError(
                    f"jwt_public_key_file: cannot read {public_key_file}"
                ) from None
        else:
            raise ConfigError("jwt_algorithm: must be HS256 or RS256")
        self._issuer = issuer
        self._audience = audience

    def verify(self, token: str) -> Principal | None:
        jwt = self._jwt
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[self._algorithm],
                issuer=self._issuer,
                audience=self._audience,
                options={"require": ["exp", "sub"], "verify_aud": self._audience is not None},
            )
            role = Role(claims.get("role", "agent"))
            tenant = check_name("tenant", str(claims["tenant"]))
            sub = str(claims["sub"])
            agent = claims.get("agent") or (sub if role is Role.AGENT else None)
            if agent is not None:
                check_name("agent", str(agent))
        except (jwt.PyJWTError, KeyError, ValueError):
            return None
        return Principal(id=f"jwt:{sub}", role=role, tenant=tenant, agent=agent)


class Authenticator:
    """Turns an ``Authorization`` header value into a principal, or ``None``."""

    def __init__(self, keys: KeyStore, jwt: JwtVerifier | None = None) -> None:
        self.keys = keys
        self.jwt = jwt

    def principal(self, authorization: str | None, api_key: str | None = None) -> Principal | None:
        token = api_key
        if token is None and authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() != "bearer":
                return None
            token = value.strip()
        if not token:
            return None
        if token.startswith("aimds_"):
            return self.keys.verify(token)
        if self.jwt is not None and token.count(".") == 2:
            return self.jwt.verify(token)
        return None
