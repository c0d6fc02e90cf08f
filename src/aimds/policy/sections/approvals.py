"""Policy section ``approvals``: what happens to a ``review`` verdict.

A review verdict becomes a durable approval request that a human approves or denies. A
request nobody decides within ``timeout_s`` expires and takes the ``on_expiry`` outcome,
``deny`` unless the policy says otherwise. ``webhook`` (http/https) receives a
Slack-compatible ``{"text": ...}`` message when a request is created; the message names the
tenant, agent, tool and rule ids, never the event's text or arguments. An agent may have at
most ``max_pending_per_agent`` requests pending (in the service 20 unless the policy says
otherwise); beyond that its ``review`` verdicts become ``block`` (rule ``approval.limit``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from aimds.policy.fields import Section

__all__ = ["ApprovalsSection"]


class ApprovalsSection(Section):
    """Settings of the ``approvals`` section; every field has a safe default."""

    enabled: bool = True
    timeout_s: float = Field(default=900.0, gt=0, le=7 * 86400)
    on_expiry: Literal["deny", "approve"] = "deny"
    webhook: str | None = None
    webhook_timeout_s: float = Field(default=3.0, gt=0, le=30)
    dashboard_url: str | None = None
    max_pending_per_agent: int | None = Field(default=None, ge=1, le=100_000)
    """Pending (undecided, unexpired) requests one agent may have; a ``review`` beyond it
    is blocked with ``approval.limit`` instead of queued, so no agent floods approvers.
    ``None``: the queue's own limit (the service's ``max_pending_approvals_per_agent``,
    20; none for a library guard's in-memory queue, so replays keep their verdicts)."""

    @field_validator("webhook", "dashboard_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be an http:// or https:// URL")
        return value
