"""Policy section ``detectors.normalize``: how text views are built (limits, decoders)."""

from __future__ import annotations

from aimds.policy.fields import Section

__all__ = ["NormalizeSettings"]


class NormalizeSettings(Section):
    """Settings for text normalisation; every field has a safe default."""
