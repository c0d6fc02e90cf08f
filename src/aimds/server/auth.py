"""Who is calling: API keys (stored hashed) and JWT bearer tokens, mapped to a principal.

A :class:`Principal` has a role and a tenant. Roles:

- ``operator``: runs the platform. Not confined to a tenant (its tenant is
  :data:`ALL_TENANTS`): reads every tenant's approvals, audit, agents and events (or one,
  named with ``?tenant=``), owns the global policy every tenant without its own runs under,
  and acts in a tenant only by naming it;
- ``admin``: its tenant's policy, quarantine and release; also resolves approvals;
- ``approver``: a human who resolves its tenant's approval requests;
- ``auditor``: reads its tenant's audit records and events, changes nothing;
- ``agent``: submits events, only as itself (its tenant and, when bound, its agent id).

Every role but ``operator`` sees and changes its own tenant only.

API keys read ``aimds_<key id>_<secret>``. Only ``sha256(secret)`` is stored: the secret
is 32 random bytes, so a fast hash is enough and keeps verification in microseconds.

A verified credential is remembered in a bounded LRU (the key id and hash of its secret,
or the hash of a JWT, mapped to its principal) for a few seconds, so a request costs one
hash and a dictionary lookup, not a database read or a signature check. Revoking a key in
this process forgets it at once; a revocation made elsewhere (another process, the CLI)
takes effect within :data:`CACHE_S` seconds.

An agent credential pins its events' identity: tenant, agent id and the role its events
carry (``agent_role``, a role of the policy such as ``expert`` or ``architect``) all come
from the key or token, never from a request body.
"""

from __future__ import annotations

import collections
import contextlib
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

from aimds.errors import BackendError, ConfigError, InputError
from aimds.respond.approvals import SqlDatabase

__all__ = [
    "ALL_TENANTS",
    "CACHE_S",
    "Authenticator",
    "JwtVerifier",
    "KeyRecord",
    "KeyStore",
    "Principal",
    "Role",
]

_TABLE = "aimds_keys"
CACHE_S = 5.0
"""How long a verified credential is trusted without looking at the store again."""
_CACHE_SIZE = 10_000
ALL_TENANTS = "*"
"""The tenant of an operator credential: no tenant's name (``*`` is not a valid one), so a
read that forgets to widen an operator's scope finds nothing rather than another tenant."""
_NAME_OK = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:@-")


class Role(enum.StrEnum):
    AGENT = "agent"
    APPROVER = "approver"
    ADMIN = "admin"
    AUDITOR = "auditor"
    OPERATOR = "operator"

    @property
    def human(self) -> bool:
        return self is not Role.AGENT


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    """An authenticated caller. ``id`` is stable per credential (``key:<id>`` or ``jwt:<sub>``).

    ``agent_role`` is the policy role an agent credential's events carry (``None``: the
    policy's default role).
    """

    id: str
    role: Role
    tenant: str
    agent: str | None = None
    agent_role: str | None = None

    @property
    def human(self) -> bool:
        return self.role.human

    @property
    def operator(self) -> bool:
        """A platform operator: every tenant is in its reach."""
        return self.role is Role.OPERATOR

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
    agent_role: str | None = None

    def principal(self) -> Principal:
        return Principal(
            id=f"key:{self.id}", role=self.role, tenant=self.tenant, agent=self.agent,
            agent_role=self.agent_role,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role.value,
            "tenant": self.tenant,
            "agent": self.agent,
            "agent_role": self.agent_role,
            "name": self.name,
            "created": self.created,
            "revoked": self.revoked,
        }


def check_name(field: str, value: str) -> str:
    """Tenant and agent ids: 1-128 characters of ``[A-Za-z0-9_.:@-]``."""
    if not value or len(value) > 128 or not set(value) <= _NAME_OK:
        raise InputError(f"{field}: use 1-128 characters of letters, digits and _ . : @ -")
    return value


class _Lru:
    """A bounded, thread-safe map of credential hashes to principals, each with a deadline."""

    def __init__(self, *, ttl: float, size: int, clock: Callable[[], float]) -> None:
        self._ttl = ttl
        self._size = size
        self._clock = clock
        self._items: collections.OrderedDict[Any, tuple[float, Principal]] = (
            collections.OrderedDict()
        )
        self._lock = threading.Lock()

    def get(self, key: Any) -> Principal | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            if found[0] <= self._clock():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: Any, who: Principal, *, ttl: float | None = None) -> None:
        deadline = self._clock() + min(self._ttl, self._ttl if ttl is None else ttl)
        with self._lock:
            self._items[key] = (deadline, who)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def forget(self, principal_id: str) -> None:
        with self._lock:
            for key in [k for k, v in self._items.items() if v[1].id == principal_id]:
                del self._items[key]


class KeyStore:
    """API keys in the service database. Thread-safe."""

    _COLUMNS = "id, role, tenant, agent, name, created, revoked, hash, agent_role"

    def __init__(
        self,
        db: SqlDatabase,
        *,
        clock: Callable[[], float] = time.time,
        cache_s: float = CACHE_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self._clock = clock
        self._cache = _Lru(ttl=cache_s, size=_CACHE_SIZE, clock=monotonic)
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {_TABLE} (id TEXT PRIMARY KEY, hash TEXT NOT NULL, "
            "role TEXT NOT NULL, tenant TEXT NOT NULL, agent TEXT, name TEXT NOT NULL, "
            "created DOUBLE PRECISION NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, "
            "agent_role TEXT)"
        )
        self._migrate()

    def _migrate(self) -> None:
        """Databases made before keys carried an agent role gain the column."""
        try:
            self.db.execute(f"SELECT agent_role FROM {_TABLE} LIMIT 0")
        except BackendError:
            # Another process may add it at the same moment; either way it then exists.
            with contextlib.suppress(BackendError):
                self.db.execute(f"ALTER TABLE {_TABLE} ADD COLUMN agent_role TEXT")

    def create(
        self,
        *,
        role: Role | str,
        tenant: str = ALL_TENANTS,
        agent: str | None = None,
        name: str = "",
        agent_role: str | None = None,
    ) -> tuple[KeyRecord, str]:
        """A new key: its record and the plaintext, which is shown once and never stored.

        ``agent_role`` (agent keys only) is the policy role the key's events carry. An
        operator key belongs to no tenant: ``tenant`` is ignored and recorded as
        :data:`ALL_TENANTS`.
        """
        try:
            role = Role(role)
        except ValueError:
            raise InputError(
                f"role: must be one of {', '.join(r.value for r in Role)}"
            ) from None
        if role is Role.OPERATOR:
            if agent is not None:
                raise InputError("agent: operator keys act for no agent")
            tenant = ALL_TENANTS
        elif tenant == ALL_TENANTS:
            raise InputError(f"tenant: a {role.value} key belongs to one tenant; name it")
        else:
            check_name("tenant", tenant)
        if agent is not None:
            check_name("agent", agent)
        if agent_role is not None:
            if role is not Role.AGENT:
                raise InputError("agent_role: only agent keys submit events as an agent role")
            check_name("agent_role", agent_role)
        key_id = secrets.token_hex(6)
        if role is Role.AGENT and agent is None:
            agent = f"agent-{key_id}"  # an agent credential always acts as one agent
        secret = secrets.token_urlsafe(32)
        record = KeyRecord(
            id=key_id, role=role, tenant=tenant, agent=agent, name=name[:200],
            created=self._clock(), agent_role=agent_role,
        )
        self.db.execute(
            f"INSERT INTO {_TABLE} (id, hash, role, tenant, agent, name, created, revoked, "
            "agent_role) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
            (key_id, _hash(secret), role.value, tenant, agent, record.name, record.created,
             agent_role),
        )
        return record, f"aimds_{key_id}_{secret}"

    def cached(self, token: str) -> Principal | None:
        """The principal of a key verified in the last few seconds; never reads the store."""
        key_id, secret = _split(token)
        if key_id is None or secret is None:
            return None
        return self._cache.get((key_id, _hash(secret)))

    def verify(self, token: str) -> Principal | None:
        """The principal of a valid, unrevoked key, else ``None`` (constant-time compare)."""
        key_id, secret = _split(token)
        if key_id is None or secret is None:
            return None
        return self.verify_digest(key_id, _hash(secret))

    def verify_digest(self, key_id: str, digest: str) -> Principal | None:
        """Like :meth:`verify`, from the key id and the hash of its secret (dashboard sessions)."""
        who = self._cache.get((key_id, digest))
        if who is not None:
            return who
        rows = self.db.execute(f"SELECT {self._COLUMNS} FROM {_TABLE} WHERE id = ?", (key_id,))
        if not rows:
            return None
        record, stored = _record(rows[0]), str(rows[0][7])
        if record.revoked or not hmac.compare_digest(stored, digest):
            return None
        who = record.principal()
        self._cache.put((key_id, digest), who)
        return who

    def records(self, *, tenant: str | None = None) -> list[KeyRecord]:
        where, params = ("WHERE tenant = ?", (tenant,)) if tenant else ("", ())
        rows = self.db.execute(
            f"SELECT {self._COLUMNS} FROM {_TABLE} {where} ORDER BY created", params
        )
        return [_record(r) for r in rows]

    def revoke(self, key_id: str, *, tenant: str | None = None) -> bool:
        sql = f"UPDATE {_TABLE} SET revoked = 1 WHERE id = ?"
        params: tuple[str, ...] = (key_id,)
        if tenant is not None:
            sql += " AND tenant = ?"
            params = (key_id, tenant)
        changed = self.db.execute_count(sql, params) > 0
        if changed:
            self._cache.forget(f"key:{key_id}")
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
        revoked=bool(r[6]), agent_role=r[8],
    )


class JwtVerifier:
    """Bearer JWTs (HS256 with a shared secret, or RS256 with a public key).

    Claims: ``sub`` (required), ``role`` (one of the roles), ``tenant`` (required but for
    ``operator`` tokens, which belong to no tenant),
    ``agent`` (optional; an agent token without one acts as ``sub``), ``agent_role``
    (optional; the policy role an agent token's events carry), ``exp`` (required),
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
        found = self.verify_until(token)
        return found[0] if found is not None else None

    def verify_until(self, token: str) -> tuple[Principal, float] | None:
        """The token's principal and its ``exp`` (epoch seconds), or ``None`` if invalid."""
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
            if role is Role.OPERATOR:
                tenant = ALL_TENANTS
            else:
                tenant = check_name("tenant", str(claims["tenant"]))
            sub = str(claims["sub"])
            agent = claims.get("agent") or (sub if role is Role.AGENT else None)
            if agent is not None:
                check_name("agent", str(agent))
            agent_role = claims.get("agent_role") if role is Role.AGENT else None
            if agent_role is not None:
                check_name("agent_role", str(agent_role))
            expires = float(claims["exp"])
        except (jwt.PyJWTError, KeyError, ValueError, TypeError):
            return None
        who = Principal(
            id=f"jwt:{sub}", role=role, tenant=tenant, agent=agent,
            agent_role=str(agent_role) if agent_role is not None else None,
        )
        return who, expires


class Authenticator:
    """Turns an ``Authorization`` header value into a principal, or ``None``.

    :meth:`cached` answers from memory only (no I/O, no signature check), so an event-loop
    caller can try it first and run :meth:`verify` elsewhere on a miss.
    """

    def __init__(
        self,
        keys: KeyStore,
        jwt: JwtVerifier | None = None,
        *,
        cache_s: float = CACHE_S,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keys = keys
        self.jwt = jwt
        self._clock = clock
        self._tokens = _Lru(ttl=cache_s, size=_CACHE_SIZE, clock=monotonic)

    @staticmethod
    def token(authorization: str | None, api_key: str | None = None) -> str | None:
        """The credential in an ``Authorization: Bearer`` or ``X-API-Key`` header."""
        if api_key is not None:
            return api_key or None
        if not authorization:
            return None
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return value.strip() or None

    def cached(self, token: str) -> Principal | None:
        if token.startswith("aimds_"):
            return self.keys.cached(token)
        if self.jwt is not None:
            return self._tokens.get(hashlib.sha256(token.encode()).digest())
        return None

    def verify(self, token: str) -> Principal | None:
        """The token's principal (API key or JWT), reading the store or checking the
        signature when it is not cached."""
        if token.startswith("aimds_"):
            return self.keys.verify(token)
        if self.jwt is None or token.count(".") != 2:
            return None
        digest = hashlib.sha256(token.encode()).digest()
        who = self._tokens.get(digest)
        if who is not None:
            return who
        found = self.jwt.verify_until(token)
        if found is None:
            return None
        who, expires = found
        self._tokens.put(digest, who, ttl=expires - self._clock())
        return who

    def principal(self, authorization: str | None, api_key: str | None = None) -> Principal | None:
        token = self.token(authorization, api_key)
        return self.verify(token) if token is not None else None
