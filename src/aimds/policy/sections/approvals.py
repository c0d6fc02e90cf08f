"""Policy section ``approvals``."""

from __future__ import annotations

from aimds.policy.fields import Section

__all__ = ["ApprovalsSection"]


class ApprovalsSection(Section):
    """Settings of the ``approvals`` section; every field has a safe default."""
