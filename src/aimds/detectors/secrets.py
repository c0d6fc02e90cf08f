"""Detector ``secrets`` (to be built)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aimds.detectors.base import Detector
    from aimds.policy import Policy
    from aimds.types import Services


def build(policy: Policy, services: Services) -> Detector | None:
    """The detector for this policy, or ``None`` where it is switched off."""
    return None
