"""What a kill is: its scope (one agent, a whole tenant, every tenant), who issued it and why.

A kill is keyed by ``(tenant, agent)`` where :data:`ANY` stands for "every": ``(t, a)`` one
agent, ``(t, ANY)`` every agent of tenant ``t``, ``(ANY, ANY)`` every agent of every tenant.
``*`` is not a valid tenant or agent id (see :func:`check_id`), so a scope key can never be
mistaken for an ordinary one. Records hold who and why, never event content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aimds.errors import InputError
from aimds.types import Finding, Severity, Verdict

__all__ = [
    "ANY",
    "GLOBAL_KEY",
    "KILL_RULE",
    "KillRecord",
    "check_id",
    "decode",
    "encode",
    "scope_key",
]

KILL_RULE = "kill.active"
ANY = "*"
GLOBAL_KEY = (ANY, ANY)
MAX_REASON = 500
_MAX_ID = 128
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:@-")


def check_id(field: str, value: object) -> str:
    """A tenant or agent id: 1-128 characters of ``[A-Za-z0-9_.:@-]`` (so never ``*``)."""
    if not isinstance(value, str) or not 0 < len(value) <= _MAX_ID or not set(value) <= _ID_CHARS:
        raise InputError(
            f"{field}: expected 1-{_MAX_ID} characters of A-Z a-z 0-9 _ . : @ - "
            f"(got {type(value).__name__} of length {len(value) if isinstance(value, str) else 0})"
        )
    return value


def scope_key(
    *, tenant: str | None, agent: str | None, all_tenants: bool = False
) -> tuple[str, str]:
    """The key of a kill's scope; ``InputError`` names the argument that does not fit."""
    if all_tenants:
        if tenant is not None or agent is not None:
            raise InputError(
                "all_tenants: a global kill stops every agent of every tenant; "
                "leave tenant and agent out"
            )
        return GLOBAL_KEY
    if tenant is None:
        raise InputError(
            "tenant: name the tenant (or all_tenants=True, --all-tenants: every tenant)"
        )
    check_id("tenant", tenant)
    return (tenant, ANY if agent is None else check_id("agent", agent))


@dataclass(frozen=True, slots=True, kw_only=True)
class KillRecord:
    """One active kill. ``by`` is the issuer (``key:<id>``, ``cli:<login>``, ``library``);
    ``by_role`` its role (``operator``, ``admin``, ``approver``, ``cli``, ``library``):
    a kill an operator issued can only be revived by an operator."""

    tenant: str
    agent: str
    reason: str
    by: str
    by_role: str
    ts: float

    @property
    def key(self) -> tuple[str, str]:
        return (self.tenant, self.agent)

    @property
    def scope(self) -> str:
        """``agent``, ``tenant`` or ``global``."""
        if self.tenant == ANY:
            return "global"
        return "tenant" if self.agent == ANY else "agent"

    def finding(self) -> Finding:
        """The hard finding that blocks every event in this kill's scope. It reaches the
        agent with the decision, so it names the scope and issuer but not the reason (an
        admin's notes on a suspected compromise are not the suspect's to read)."""
        where = {
            "agent": "this agent",
            "tenant": "every agent of this tenant",
            "global": "every agent of every tenant",
        }[self.scope]
        return Finding(
            rule=KILL_RULE,
            category="kill",
            severity=Severity.CRITICAL,
            message=f"kill switch on for {where} (by {self.by}); an admin must revive it",
            action=Verdict.BLOCK,
            hard=True,
            stage="kill",
            details={
                "scope": self.scope,
                "by": self.by,
                "since": self.ts,
            },
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "tenant": None if self.tenant == ANY else self.tenant,
            "agent": None if self.agent == ANY else self.agent,
            "reason": self.reason,
            "by": self.by,
            "by_role": self.by_role,
            "since": self.ts,
        }


def encode(record: KillRecord) -> str:
    """The record as compact JSON (pub/sub messages)."""
    return json.dumps(
        {
            "tenant": record.tenant,
            "agent": record.agent,
            "reason": record.reason[:MAX_REASON],
            "by": record.by,
            "by_role": record.by_role,
            "ts": record.ts,
        },
        separators=(",", ":"),
    )


def decode(raw: str | bytes) -> KillRecord | None:
    """A record from :func:`encode`'s JSON, or ``None`` when it is not one."""
    try:
        data = json.loads(raw)
        tenant, agent = str(data["tenant"]), str(data["agent"])
        if tenant != ANY:
            check_id("tenant", tenant)
        if agent != ANY:
            check_id("agent", agent)
        if tenant == ANY and agent != ANY:
            return None
        return KillRecord(
            tenant=tenant,
            agent=agent,
            reason=str(data["reason"])[:MAX_REASON],
            by=str(data["by"]),
            by_role=str(data["by_role"]),
            ts=float(data["ts"]),
        )
    except (ValueError, KeyError, TypeError, InputError):
        return None
