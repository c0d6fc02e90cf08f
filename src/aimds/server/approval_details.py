"""The masked account of each approval request's action, kept beside the approval queue.

One row per request in the service database (so every process of a cluster, and a
restarted one, shows the same thing): the :class:`~aimds.server.action_view.ActionView`
as JSON, already masked. Rows older than ``retention_s`` are pruned on write.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aimds.respond.approvals import SqlDatabase
from aimds.server.action_view import ActionMasker, ActionView, describe
from aimds.types import Decision, Event

if TYPE_CHECKING:
    from aimds.server.state import ServiceState

__all__ = ["ApprovalDetails", "keep_action"]

log = logging.getLogger("aimds.server")

_TABLE = "aimds_approval_details"
_RETENTION_S = 30 * 86400.0


class ApprovalDetails:
    def __init__(
        self, db: SqlDatabase, *, retention_s: float = _RETENTION_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self._retention = retention_s
        self._clock = clock
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {_TABLE} (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, "
            "created DOUBLE PRECISION NOT NULL, body TEXT NOT NULL)"
        )
        db.execute(f"CREATE INDEX IF NOT EXISTS {_TABLE}_created ON {_TABLE} (created)")

    def put(self, approval_id: str, tenant: str, view: ActionView) -> None:
        now = self._clock()
        self.db.execute(f"DELETE FROM {_TABLE} WHERE created < ?", (now - self._retention,))
        self.db.execute(
            f"INSERT INTO {_TABLE} (id, tenant, created, body) VALUES (?, ?, ?, ?)",
            (approval_id, tenant, now, json.dumps(view.to_dict(), separators=(",", ":"))),
        )

    def get(self, approval_id: str, tenant: str) -> ActionView | None:
        rows = self.db.execute(
            f"SELECT body FROM {_TABLE} WHERE id = ? AND tenant = ?", (approval_id, tenant)
        )
        return ActionView.from_dict(json.loads(rows[0][0])) if rows else None

    def many(self, approval_ids: list[str]) -> dict[str, ActionView]:
        """The views of requests the caller already read (ids from a tenant-scoped query)."""
        if not approval_ids:
            return {}
        marks = ", ".join("?" for _ in approval_ids)
        rows = self.db.execute(
            f"SELECT id, body FROM {_TABLE} WHERE id IN ({marks})", tuple(approval_ids)
        )
        return {r[0]: ActionView.from_dict(json.loads(r[1])) for r in rows}


def keep_action(state: ServiceState, event: Event, decision: Decision) -> None:
    """Store the masked view of a decision's approval request. A failure costs the approver
    the details (the page says so), never the decision."""
    if decision.approval is None:
        return
    try:
        # the policy that judged this tenant: its own custom secret rules and sensitive keys
        policy = state.guard_for(event.subject.tenant).policy
        masker = state.masker
        if masker.label != policy.label:
            masker = _MASKERS.get(policy.label) or _masker_for(policy)
        view = describe(event, decision, masker)
        state.details.put(decision.approval, event.subject.tenant, view)
    except Exception as exc:  # noqa: BLE001 - best effort; the decision stands
        state.metrics.rejected.labels("approval_details_failed").inc()
        log.warning("approval details not stored: %s", type(exc).__name__)


_MASKERS: dict[str, ActionMasker] = {}
_MAX_MASKERS = 64  # one per policy version in use (tenants with their own policy)


def _masker_for(policy: Any) -> ActionMasker:
    if len(_MASKERS) >= _MAX_MASKERS:
        _MASKERS.clear()
    masker = _MASKERS[policy.label] = ActionMasker.for_policy(policy)
    return masker
