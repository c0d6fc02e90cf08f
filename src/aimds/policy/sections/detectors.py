"""Policy section ``detectors``: content detectors (injection, jailbreak, obfuscation)."""

from __future__ import annotations

from pydantic import Field

from aimds.policy.fields import Section
from aimds.policy.sections.normalize import NormalizeSettings

__all__ = ["DetectorsSection"]


class DetectorsSection(Section):
    """Settings of the content detectors; every field has a safe default."""

    normalize: NormalizeSettings = Field(default_factory=NormalizeSettings)
