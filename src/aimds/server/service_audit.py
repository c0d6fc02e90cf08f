"""The service's own audit log, the records of operator actions on agents, and the
quarantine state the agent view shows.

The log is built from the ``audit:`` section of the policy the service starts with (its
``store_events``, durability, ``on_failure``, masks, checkpoint schedule), on the service's
store (``audit_url``, the cluster database, or ``DATA_DIR/audit.db``), with the service's
keys: the input-digest key from ``audit.digest_key_env`` (``AIMDS_AUDIT_KEY``) else kept in
the data dir, and checkpoints signed with HMAC under the key in ``audit.checkpoints.key_env``
(``AIMDS_AUDIT_CHECKPOINT_KEY``) else, for a SQLite log in the data dir, one kept there. A
log in PostgreSQL is written by every replica: give them all the same two keys in the
environment; without a checkpoint key its checkpoints are unsigned digests (logged).
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import TYPE_CHECKING, Any

from aimds.behavior.quarantine import decode
from aimds.behavior.windows import quarantine_key
from aimds.errors import AimdsError, PolicyError
from aimds.policy import load_policy
from aimds.policy.sections.audit import AuditSection
from aimds.types import Subject

if TYPE_CHECKING:
    from aimds.audit import AuditLog
    from aimds.audit.metrics import Metrics
    from aimds.server.settings import ServerSettings
    from aimds.server.state import ServiceState

__all__ = ["open_service_audit", "quarantine_of", "record_agent_action"]

log = logging.getLogger("aimds.server")


def open_service_audit(settings: ServerSettings, metrics: Metrics) -> AuditLog | None:
    """The audit log the settings name, configured by the start-up policy's section."""
    target = settings.resolved_audit_url()
    if target is None:
        return None
    from aimds.audit import AuditLog, HmacSigner
    from aimds.audit.store import is_postgres_url, open_store

    section = _startup_section(settings.policy)
    signer = None
    shared = is_postgres_url(target)  # every replica writes (and verifies) this log
    if settings.data_dir is not None and not shared and not os.environ.get(
        section.checkpoints.key_env
    ):
        signer = HmacSigner(settings.secret("audit-checkpoint"))
    return AuditLog.from_section(
        section,
        metrics=metrics,
        store=open_store(target),
        digest_key=settings.secret("audit-digest"),
        signer=signer,
        signal_handlers=False,  # the server closes the log on shutdown itself
    )


def _startup_section(ref: str) -> AuditSection:
    """The ``audit`` section of the start-up policy: a file or pack. A name that is neither
    (a policy stored in the database only) gives the section's defaults, logged; a broken
    file raises its :class:`PolicyError` (start-up fails, naming ``file:line``)."""
    try:
        return load_policy(ref).document.audit
    except PolicyError:
        if "/" in ref or ref.endswith((".yaml", ".yml", ".json")):
            raise
    log.warning("audit log: policy %r is no file or pack; using the audit defaults", ref)
    return AuditSection()


def record_agent_action(
    audit: Any, *, tenant: str, agent: str, action: str, by: str, reason: str, changed: bool
) -> None:
    """One record per operator action on an agent (API or dashboard): ``quarantine`` for a
    quarantine or release, ``trust.reset`` for a trust reset."""
    if audit is None or not hasattr(audit, "append_event"):
        return
    quarantine = action in ("quarantine", "release")
    result = audit.append_event(
        "quarantine" if quarantine else "trust.reset",
        subject=Subject(tenant=tenant, agent=agent),
        data={"action": action, "by": by, "reason": reason, "changed": changed},
        verdict="block" if action == "quarantine" else "allow",
        rules=("behavior.quarantine",) if quarantine else (),
    )
    if not result.ok:
        log.error("quarantine transition not audited: %s", result.detail)


async def quarantine_of(state: ServiceState, tenant: str, agent: str) -> dict[str, Any] | None:
    """``{"quarantined", "by", "reason", "since"}`` for the agent view; ``quarantined``
    is ``None`` (unknown) when the behaviour store cannot answer or behaviour is off."""

    def read() -> dict[str, Any]:
        try:
            behavior = state.guard.behavior
        except AimdsError:
            return {"quarantined": None, "error": "behaviour is off in this policy"}
        try:
            record = behavior.quarantined(agent, tenant=tenant)
        except AimdsError as exc:
            # the store is down: what its local mirror last saw still holds (and blocks)
            mirror = getattr(behavior.store, "quarantines", None)
            raw = mirror.get(quarantine_key(tenant, agent)) if mirror is not None else None
            if raw is None:
                return {"quarantined": None, "error": type(exc).__name__}
            record = decode(raw)
        if record is None:
            return {"quarantined": False}
        return {"quarantined": True, "by": record.by, "reason": record.reason,
                "since": record.ts}

    return await asyncio.get_running_loop().run_in_executor(state.pool, read)
