"""Policy section ``sensitive``."""

from __future__ import annotations

from aimds.policy.fields import Section

__all__ = ["SensitiveSection"]


class SensitiveSection(Section):
    """Settings of the ``sensitive`` section; every field has a safe default."""
