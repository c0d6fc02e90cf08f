"""The detector extension point: a small protocol, and what a detector says about itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from aimds.types import Event, Finding

__all__ = ["Detector", "DetectorInfo"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DetectorInfo:
    """Identity of a detector: a stable id, a version, and the finding categories it emits."""

    id: str
    version: str
    categories: tuple[str, ...]


@runtime_checkable
class Detector(Protocol):
    """Reads an event (and the text views of the normalize stage) and returns findings.

    ``views`` is the :class:`aimds.text.TextViews` of the event's text, or ``None`` when
    the event has no text. Detectors are built once per policy and must be thread-safe:
    no per-call state on ``self``.
    """

    info: DetectorInfo

    def detect(self, event: Event, views: Any) -> Sequence[Finding]: ...
