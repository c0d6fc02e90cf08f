"""Policy section ``behavior``."""

from __future__ import annotations

from aimds.policy.fields import Section

__all__ = ["BehaviorSection"]


class BehaviorSection(Section):
    """Settings of the ``behavior`` section; every field has a safe default."""
