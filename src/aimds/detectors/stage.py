"""The ``detectors`` stage: runs every enabled content detector on the event's text views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aimds.detectors.registry import load_factories
from aimds.types import Evaluation, Finding, Severity, StageOutcome, StageStatus

if TYPE_CHECKING:
    from aimds.detectors.base import Detector
    from aimds.policy import Policy
    from aimds.types import Services

__all__ = ["DetectorsStage", "build_stage"]


class DetectorsStage:
    """Runs detectors in order; a detector that raises becomes an error finding, not a crash."""

    name = "detectors"

    def __init__(self, detectors: list[Detector], on_error_rule: str = "detector.error") -> None:
        self.detectors = tuple(detectors)
        self._on_error_rule = on_error_rule

    def __call__(self, ev: Evaluation) -> None:
        for detector in self.detectors:
            try:
                ev.findings.extend(detector.detect(ev.event, ev.views))
            except Exception as exc:  # noqa: BLE001 - a detector bug must not crash the guard
                detail = f"{detector.info.id} raised {type(exc).__name__}"
                ev.statuses.append(
                    StageStatus(stage=self.name, outcome=StageOutcome.ERROR, detail=detail)
                )
                ev.findings.append(
                    Finding(
                        rule=self._on_error_rule,
                        category="error",
                        severity=Severity.HIGH,
                        message=detail,
                        stage=self.name,
                        action=ev.scratch.get("on_error"),
                    )
                )


def build_stage(policy: Policy, services: Services) -> DetectorsStage | None:
    detectors = [d for f in load_factories().values() if (d := f(policy, services)) is not None]
    return DetectorsStage(detectors) if detectors else None
