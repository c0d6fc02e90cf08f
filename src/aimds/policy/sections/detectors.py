"""Policy section ``detectors``."""

from __future__ import annotations

from aimds.policy.fields import Section

__all__ = ["DetectorsSection"]


class DetectorsSection(Section):
    """Settings of the ``detectors`` section; every field has a safe default."""
