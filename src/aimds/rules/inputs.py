"""The ``inputs`` stage (argument and size limits; runs first) of the pipeline (to be built)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.types import Services, Stage


def build_stage(policy: Policy, services: Services) -> Stage | None:
    """The stage for this policy, or ``None`` where the policy needs none."""
    return None
