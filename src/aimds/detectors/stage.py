"""The ``detectors`` stage: runs every enabled content detector on the event's text views.

Detectors that declare themselves pure (:attr:`DetectorInfo.pure
<aimds.detectors.base.DetectorInfo>`) have their findings remembered per content
(:mod:`aimds.detectors.cache`, sized by the policy's ``detectors.cache``): when a short
event repeats, their findings are reused as they were and only the other detectors run.
Findings keep the order of the detectors either way. Every detector also judges the
decoded and normalized views of the event as texts of their own
(:mod:`aimds.detectors.reviews`). A result is remembered only when
every pure detector ran cleanly (no exception, no ``error`` finding such as
``backend.unavailable``), held at most :data:`MAX_CACHED_FINDINGS` findings, and the
event's content was the same after the run as before it; and only from the second time
the content is seen, so one-off events cost almost nothing extra.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

from aimds.detectors.cache import Entry, FindingsCache, content_key
from aimds.detectors.memory_events import MEMORY_KINDS, detector_event
from aimds.detectors.registry import load_factories
from aimds.detectors.reviews import extra_views, judge_views, plain_settings
from aimds.detectors.shape_gate import GATED, ShapeGated
from aimds.policy.sections.memory import MemorySection
from aimds.types import Evaluation, Event, Finding, Severity, StageOutcome, StageStatus

if TYPE_CHECKING:
    from aimds.detectors.base import Detector
    from aimds.policy import Policy
    from aimds.policy.sections.detectors import CacheSettings
    from aimds.policy.sections.normalize import NormalizeSettings
    from aimds.types import Services

__all__ = ["MAX_CACHED_FINDINGS", "DetectorsStage", "build_stage"]

MAX_CACHED_FINDINGS = 32
"""Results with more findings than this are not remembered (they are rare and large)."""


class DetectorsStage:
    """Runs detectors in order; a detector that raises becomes an error finding, not a crash."""

    name = "detectors"

    def __init__(
        self,
        detectors: list[Detector],
        on_error_rule: str = "detector.error",
        *,
        cache: CacheSettings | None = None,
        normalize: NormalizeSettings | None = None,
        memory: MemorySection | None = None,
    ) -> None:
        self.detectors = tuple(detectors)
        self._memory = memory if memory is not None else MemorySection()
        # each decoded or normalized view is judged again by every detector, as plain text
        self._plain = plain_settings(normalize) if normalize is not None else None
        self._on_error_rule = on_error_rule
        self._pure = tuple(getattr(d.info, "pure", False) is True for d in self.detectors)
        # each detector's own ``idle`` (or None), looked up once: a missing attribute costs
        # an AttributeError raised and caught inside ``getattr`` on every call
        self._idle: dict[int, Callable[[Event], bool] | None] = {
            id(d): getattr(d, "idle", None) for d in self.detectors
        }
        self._empty: Entry = tuple(() if pure else None for pure in self._pure)
        self._impure = tuple(d for d, p in zip(self.detectors, self._pure, strict=True) if not p)
        self._cache: FindingsCache | None = None
        self._max_chars = 0
        if cache is not None and cache.enabled and any(self._pure):
            self._cache = FindingsCache(cache.max_entries)
            self._max_chars = cache.max_chars

    def __call__(self, ev: Evaluation) -> None:
        if ev.event.kind in MEMORY_KINDS:
            # memory content is judged as the data (or prompt) it is; see memory_events
            original = ev.event
            stand_in = detector_event(original, self._memory)
            if stand_in is not None:
                ev.event = stand_in
                try:
                    self._scan(ev)
                finally:
                    ev.event = original
                return
        self._scan(ev)

    def _scan(self, ev: Evaluation) -> None:
        cache = self._cache
        if cache is None:
            for detector in self.detectors:
                self._run(detector, ev)
            return
        event = ev.event
        key = content_key(event, self._max_chars)
        if key is None:
            for detector in self.detectors:
                self._run(detector, ev)
            return
        entry = cache.get(key)
        if entry is self._empty:  # the common hit: the pure detectors found nothing
            for detector in self._impure:
                self._run(detector, ev)
            return
        if entry is not None:
            extend = ev.findings.extend
            for detector, found in zip(self.detectors, entry, strict=True):
                if found is None:
                    self._run(detector, ev)
                else:
                    extend(found)
            return
        if cache.admit(key):
            self._fill(ev, key, cache)
        else:  # seen for the first time: most such events never come again
            for detector in self.detectors:
                self._run(detector, ev)

    def _fill(self, ev: Evaluation, key: Hashable, cache: FindingsCache) -> None:
        """Run every detector and remember what the pure ones found, where that is safe."""
        findings = ev.findings
        first = len(findings)
        cuts: list[int] = []
        clean = True
        for detector, pure in zip(self.detectors, self._pure, strict=True):
            cuts.append(len(findings))
            if not self._run(detector, ev) and pure:
                clean = False
        if not clean:
            return
        if len(findings) == first:  # the common case: nobody found anything
            entry = self._empty
        else:
            cuts.append(len(findings))
            results: list[tuple[Finding, ...] | None] = []
            total = 0
            for n, pure in enumerate(self._pure):
                if not pure:
                    results.append(None)
                    continue
                found = tuple(findings[cuts[n] : cuts[n + 1]])
                if any(f.category == "error" for f in found):
                    return  # e.g. backend.unavailable: worth another try next time
                total += len(found)
                results.append(found)
            if total > MAX_CACHED_FINDINGS:
                return
            entry = tuple(results)
        if content_key(ev.event, self._max_chars) == key:  # not changed while scanned
            cache.put(key, entry)

    def _run(self, detector: Detector, ev: Evaluation) -> bool:
        """Append what ``detector`` finds; ``False`` where it raised (an error finding then)."""
        try:
            found = detector.detect(ev.event, ev.views)
            ev.findings.extend(found)
            if self._plain is not None and ev.views is not None and not self._is_idle(detector, ev):
                extras = extra_views(ev, self._plain)
                if extras:
                    ev.findings.extend(judge_views(detector, ev, found, extras))
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
            return False
        return True

    def _is_idle(self, detector: Detector, ev: Evaluation) -> bool:
        """The detector's own word that no view of the event holds anything for it."""
        idle = self._idle.get(id(detector))
        return idle is not None and idle(ev.event) is True


def build_stage(policy: Policy, services: Services) -> DetectorsStage | None:
    detectors = [
        ShapeGated(d) if d.info.id in GATED else d  # no order to find in a bare command
        for f in load_factories().values()
        if (d := f(policy, services)) is not None
    ]
    if not detectors:
        return None
    section = policy.document.detectors
    return DetectorsStage(
        detectors, cache=section.cache, normalize=section.normalize, memory=policy.document.memory
    )
