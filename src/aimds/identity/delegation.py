"""Delegation chains: an agent acting for a user or for another agent, never with more
than it was given.

A chain is a list of links, each a JSON object signed by its delegator::

    {"v": 1, "tenant": "acme", "delegator": "alice", "delegate": "planner",
     "scope": {"tools": ["search", "fetch_*"], "actions": ["net:*"], "channels": null},
     "issued": 1767225600000, "not_after": 1767229200000,
     "parent": null,                       # SHA-256 of the previous link (null at the root)
     "kid": "<delegator's key id>", "alg": "ed25519", "sig": "<base64url>"}

The root delegator is any registered identity (a user is registered like an agent, with
role ``user``); each next link is signed by the previous link's delegate and names the
previous link's digest, so links cannot be reordered, dropped or spliced from other chains.
A scope dimension is a list of globs (``null``: not restricted). The **effective scope** is
the intersection along the chain: a value is allowed only if every link allows it.

Checks (``delegation.*`` findings, see :mod:`aimds.identity.verify`):

- ``delegation.invalid``: malformed link, unknown/revoked/expired delegator key, bad
  signature, broken parent or delegator/delegate hand-over, expired link, other tenant,
  chain longer than the policy allows, or a chain that does not end at the acting agent;
- ``delegation.widened``: a link grants what its parent did not (a dimension the parent
  restricted, a pattern the parent's patterns do not cover, or a later ``not_after``);
- ``delegation.out_of_scope``: the event (tool, action type, channel) is outside the
  effective scope.
"""

from __future__ import annotations

import fnmatch
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aimds.errors import InputError
from aimds.identity import crypto, wire

if TYPE_CHECKING:
    from aimds.identity.identity import AgentIdentity, PublicIdentity

__all__ = [
    "DIMENSIONS",
    "ChainCheck",
    "Scope",
    "check_chain",
    "extend_chain",
]

DIMENSIONS = ("tools", "actions", "channels")
_PATTERN = re.compile(r"[\x21-\x7e]{1,200}")
_MAX_PATTERNS = 64
_LINK_FIELDS = frozenset(
    (
        "v",
        "tenant",
        "delegator",
        "delegate",
        "scope",
        "issued",
        "not_after",
        "parent",
        "kid",
        "alg",
        "sig",
    )
)
_WILD = frozenset("*?[")


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope:
    """What a delegate may do: tool names, action types (``fs:read``, ``net:*``) and message
    channels, each a tuple of globs or ``None`` (not restricted)."""

    tools: tuple[str, ...] | None = None
    actions: tuple[str, ...] | None = None
    channels: tuple[str, ...] | None = None

    @classmethod
    def parse(cls, value: Any, field: str = "scope") -> Scope:
        if value is None:
            return cls()
        if isinstance(value, Scope):
            return value
        if not isinstance(value, Mapping):
            raise InputError(f"{field}: expected an object with tools, actions, channels")
        extra = sorted(str(k) for k in value if k not in DIMENSIONS)
        if extra:
            raise InputError(f"{field}.{extra[0]}: unknown dimension (use {', '.join(DIMENSIONS)})")
        parsed: dict[str, tuple[str, ...] | None] = {}
        for dim in DIMENSIONS:
            raw = value.get(dim)
            if raw is None:
                parsed[dim] = None
                continue
            if isinstance(raw, str) or not isinstance(raw, list | tuple):
                raise InputError(f"{field}.{dim}: expected a list of globs or null")
            if len(raw) > _MAX_PATTERNS:
                raise InputError(f"{field}.{dim}: at most {_MAX_PATTERNS} patterns")
            for i, pattern in enumerate(raw):
                if not isinstance(pattern, str) or not _PATTERN.fullmatch(pattern):
                    raise InputError(
                        f"{field}.{dim}[{i}]: expected 1-200 printable ASCII characters"
                    )
            parsed[dim] = tuple(raw)
        return cls(**parsed)

    def as_dict(self) -> dict[str, list[str] | None]:
        return {
            dim: list(patterns) if (patterns := getattr(self, dim)) is not None else None
            for dim in DIMENSIONS
        }

    def allows(self, dim: str, value: str) -> bool:
        patterns: tuple[str, ...] | None = getattr(self, dim)
        return patterns is None or any(fnmatch.fnmatchcase(value, p) for p in patterns)

    def widened_over(self, parent: Scope) -> str | None:
        """The first dimension where this scope grants what ``parent`` does not, else
        ``None``. Sound, not complete: a pattern counts as covered only when it is one of
        the parent's, a literal the parent matches, or ``P*``-style narrowing of a parent's
        ``P*`` (so a clever but narrower glob may be refused; never a wider one accepted)."""
        for dim in DIMENSIONS:
            mine: tuple[str, ...] | None = getattr(self, dim)
            theirs: tuple[str, ...] | None = getattr(parent, dim)
            if theirs is None:
                continue
            if mine is None or not all(_covered(p, theirs) for p in mine):
                return dim
        return None


def _covered(pattern: str, parents: tuple[str, ...]) -> bool:
    if pattern in parents:
        return True
    if not _WILD & set(pattern):
        return any(fnmatch.fnmatchcase(pattern, p) for p in parents)
    for p in parents:
        stem = p[:-1]
        if p.endswith("*") and not _WILD & set(stem) and pattern.startswith(stem):
            return True
    return False


@dataclass(frozen=True, slots=True, kw_only=True)
class _Link:
    tenant: str
    delegator: str
    delegate: str
    scope: Scope
    issued: int
    not_after: int
    parent: str | None
    key_id: str
    algorithm: str
    signature: bytes
    signed: bytes

    @property
    def digest(self) -> str:
        return wire.sha256_hex(self.signed + b"." + self.signature)


def _link_header(
    *,
    tenant: str,
    delegator: str,
    delegate: str,
    scope: Scope,
    issued: int,
    not_after: int,
    parent: str | None,
    kid: str,
    alg: str,
) -> dict[str, Any]:
    return {
        "v": 1,
        "tenant": tenant,
        "delegator": delegator,
        "delegate": delegate,
        "scope": scope.as_dict(),
        "issued": issued,
        "not_after": not_after,
        "parent": parent,
        "kid": kid,
        "alg": alg,
    }


def _parse_link(data: Any, where: str) -> _Link:
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: expected an object")
    unknown = sorted(str(k) for k in data if k not in _LINK_FIELDS)
    if unknown:
        raise InputError(f"{where}.{unknown[0]}: unknown field")
    missing = sorted(k for k in _LINK_FIELDS if k not in data)
    if missing:
        raise InputError(f"{where}.{missing[0]}: missing")
    if type(data["v"]) is not int or data["v"] != 1:
        raise InputError(f"{where}.v: expected 1")
    alg = data["alg"]
    if alg not in crypto.ALGORITHMS:
        raise InputError(f"{where}.alg: must be one of {', '.join(crypto.ALGORITHMS)}")
    parent = data["parent"]
    scope_raw = data["scope"]
    if not isinstance(scope_raw, Mapping) or set(scope_raw) != set(DIMENSIONS):
        raise InputError(f"{where}.scope: give every dimension ({', '.join(DIMENSIONS)})")
    scope = Scope.parse(scope_raw, f"{where}.scope")
    header = _link_header(
        tenant=wire.name(data["tenant"], f"{where}.tenant"),
        delegator=wire.name(data["delegator"], f"{where}.delegator"),
        delegate=wire.name(data["delegate"], f"{where}.delegate"),
        scope=scope,
        issued=wire.ms(data["issued"], f"{where}.issued"),
        not_after=wire.ms(data["not_after"], f"{where}.not_after"),
        parent=wire.hex64(parent, f"{where}.parent") if parent is not None else None,
        kid=wire.name(data["kid"], f"{where}.kid"),
        alg=alg,
    )
    size = 64 if alg == crypto.ED25519 else 32
    return _Link(
        tenant=header["tenant"],
        delegator=header["delegator"],
        delegate=header["delegate"],
        scope=scope,
        issued=header["issued"],
        not_after=header["not_after"],
        parent=header["parent"],
        key_id=header["kid"],
        algorithm=alg,
        signature=crypto.b64decode(data["sig"], field=f"{where}.sig", size=size),
        signed=wire.canonical(wire.DELEGATION_DOMAIN, header),
    )


def extend_chain(
    identity: AgentIdentity,
    *,
    to: str,
    scope: Any = None,
    ttl: float | None = None,
    chain: Sequence[Mapping[str, Any]] = (),
    now: float | None = None,
) -> list[dict[str, Any]]:
    """``chain`` plus a link from ``identity`` to ``to`` (see the module docstring), valid
    for ``ttl`` seconds (default: an hour, but never past the parent link's end).

    :class:`InputError` when ``identity`` is not the delegate of the chain's last link. A
    wider scope than the parent's is not refused here: the guard refuses it
    (``delegation.widened``), which is where it matters.
    """
    links = [dict(link) for link in chain]
    parent = None
    parent_end: int | None = None
    if links:
        last = _parse_link(links[-1], f"chain[{len(links) - 1}]")
        if last.delegate != identity.agent:
            raise InputError(
                f"chain: its last link delegates to {last.delegate!r}, not to {identity.agent!r}"
            )
        parent, parent_end = last.digest, last.not_after
    if ttl is not None and not ttl > 0:
        raise InputError("ttl: must be positive seconds")
    issued = int(round((time.time() if now is None else now) * 1000))
    not_after = issued + int(round((3600.0 if ttl is None else ttl) * 1000))
    if ttl is None and parent_end is not None:
        not_after = min(not_after, parent_end)
    header = _link_header(
        tenant=identity.tenant,
        delegator=identity.agent,
        delegate=wire.name(to, "to"),
        scope=Scope.parse(scope),
        issued=issued,
        not_after=not_after,
        parent=parent,
        kid=identity.key_id,
        alg=identity.algorithm,
    )
    signature = identity.sign(wire.canonical(wire.DELEGATION_DOMAIN, header))
    links.append({**header, "sig": crypto.b64encode(signature)})
    return links


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainCheck:
    """The outcome of :func:`check_chain`: ``rule`` ``None`` when the chain holds."""

    rule: str | None
    reason: str
    scopes: tuple[Scope, ...] = ()
    path: tuple[str, ...] = ()
    not_after_ms: int = 0

    def allows(self, dim: str, value: str) -> bool:
        """Whether every link's scope allows ``value`` (the effective scope)."""
        return all(scope.allows(dim, value) for scope in self.scopes)

    def effective(self) -> dict[str, list[str] | None]:
        """A readable summary of the effective scope: per dimension, the last restricting
        link's patterns (widening is refused, so they are the narrowest)."""
        out: dict[str, list[str] | None] = dict.fromkeys(DIMENSIONS)
        for scope in self.scopes:
            for dim, patterns in scope.as_dict().items():
                if patterns is not None:
                    out[dim] = patterns
        return out


Lookup = Callable[[str, str], "PublicIdentity | None"]
Verify = Callable[["PublicIdentity", bytes, bytes], bool]

INVALID = "delegation.invalid"
WIDENED = "delegation.widened"


def check_chain(
    chain: Any,
    *,
    tenant: str,
    acting: str,
    lookup: Lookup,
    verify: Verify,
    now_ms: int,
    max_depth: int,
    skew_ms: int = 30_000,
) -> ChainCheck:
    """Verify ``chain`` for agent ``acting`` of ``tenant``; never raises."""
    if not isinstance(chain, list | tuple) or not chain:
        return ChainCheck(rule=INVALID, reason="the chain must be a non-empty list of links")
    if len(chain) > max_depth:
        return ChainCheck(rule=INVALID, reason=f"longer than the policy's {max_depth} links")
    links: list[_Link] = []
    for i, raw in enumerate(chain):
        try:
            link = _parse_link(raw, f"delegation[{i}]")
        except InputError as exc:
            return ChainCheck(rule=INVALID, reason=str(exc))
        failure = _link_failure(
            link, links[-1] if links else None, tenant, lookup, verify, now_ms, skew_ms
        )
        if failure is not None:
            return ChainCheck(rule=INVALID, reason=f"delegation[{i}]: {failure}")
        links.append(link)
    if links[-1].delegate != acting:
        return ChainCheck(
            rule=INVALID,
            reason=f"the chain delegates to {links[-1].delegate!r}, not to the acting agent",
        )
    scopes = tuple(link.scope for link in links)
    path = (links[0].delegator, *(link.delegate for link in links))
    for i in range(1, len(links)):
        dim = links[i].scope.widened_over(links[i - 1].scope)
        if dim is not None:
            return ChainCheck(
                rule=WIDENED, reason=f"delegation[{i}] widens {dim}", scopes=scopes, path=path
            )
        if links[i].not_after > links[i - 1].not_after:
            return ChainCheck(
                rule=WIDENED,
                reason=f"delegation[{i}] outlives its parent",
                scopes=scopes,
                path=path,
            )
    return ChainCheck(
        rule=None,
        reason="",
        scopes=scopes,
        path=path,
        not_after_ms=min(link.not_after for link in links),
    )


def _link_failure(
    link: _Link,
    prev: _Link | None,
    tenant: str,
    lookup: Lookup,
    verify: Verify,
    now_ms: int,
    skew_ms: int,
) -> str | None:
    if link.tenant != tenant:
        return "another tenant's delegation"
    if prev is None:
        if link.parent is not None:
            return "the first link must have no parent"
    elif link.parent != prev.digest or link.delegator != prev.delegate:
        return "does not continue the previous link (broken chain)"
    who = lookup(tenant, link.key_id)
    if who is None or who.agent != link.delegator:
        return "the delegator's key is not registered"
    if who.algorithm != link.algorithm:
        return "algorithm differs from the registered key's"
    if not verify(who, link.signature, link.signed):
        return "bad signature"
    if who.revoked:
        return "the delegator's key is revoked"
    if who.expired(now_ms / 1000):
        return "the delegator's key has expired"
    if link.not_after <= now_ms:
        return "expired"
    if link.issued > now_ms + skew_ms:
        return "issued in the future"
    if link.not_after < link.issued:
        return "ends before it starts"
    return None
