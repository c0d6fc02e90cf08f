"""Policy section ``audit``."""

from __future__ import annotations

from aimds.policy.fields import Section

__all__ = ["AuditSection"]


class AuditSection(Section):
    """Settings of the ``audit`` section; every field has a safe default."""
