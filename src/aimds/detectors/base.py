"""The detector extension point: a small protocol, and what a detector says about itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from aimds.types import Event, Finding, Severity

__all__ = ["Detector", "DetectorInfo", "unavailable"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DetectorInfo:
    """Identity of a detector: a stable id, a version, and the finding categories it emits.

    ``pure`` promises that, under the policy the detector was built for, its findings are
    a function of the event's ``kind``, ``subject.tenant``, ``tool``, ``text`` and ``args``
    only (the text views derive from them), and that it returns the same findings every
    time it sees the same such content. The detectors stage then remembers the findings of
    short events and reuses them when the same content comes again. A detector that reads
    anything else (the clock, ``meta``, other subject fields, state that changes at run
    time such as registered canaries, a backend) must leave ``pure`` False, the default,
    and then runs on every event.
    """

    id: str
    version: str
    categories: tuple[str, ...]
    pure: bool = False


@runtime_checkable
class Detector(Protocol):
    """Reads an event (and the text views of the normalize stage) and returns findings.

    ``views`` is the :class:`aimds.text.TextViews` of the event's text, or ``None`` when
    the event has no text. Detectors are built once per policy and must be thread-safe:
    no per-call state on ``self``.

    Optionally, ``idle(event) -> bool``: ``True`` when the detector can find nothing in
    any view of ``event`` (nothing to look for yet, as a leak detector with no canary);
    the stage then builds no extra views for it.
    """

    info: DetectorInfo

    def detect(self, event: Event, views: Any) -> Sequence[Finding]: ...


def unavailable(layer: str, message: str) -> Finding:
    """A detector layer that could not run (weights missing or altered): a finding the
    policy maps to a verdict (closed by default), never a silent pass."""
    return Finding(
        rule="backend.unavailable",
        category="error",
        severity=Severity.HIGH,
        message=message,
        stage="detectors",
        details={"layer": layer},
    )
