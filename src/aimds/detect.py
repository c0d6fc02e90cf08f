"""``aimds.detect``: run the content stages of the guard on one text.

Only the stages that judge content run (inputs, normalize, detectors, decide): nothing is
redacted, queued for approval or written to an audit log, so scanning a corpus has no side
effects. Guards are built once per policy and shared: a small thread-safe cache keyed by
pack name or policy label.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from aimds import decide as decide_stage
from aimds.detectors import stage as detectors_stage
from aimds.guard import Guard
from aimds.policy import PACKS, Policy, load_policy
from aimds.rules import inputs as inputs_stage
from aimds.text import stage as text_stage
from aimds.types import Evaluation, Event, EventKind, Finding, Severity, Stage, Verdict

__all__ = ["CATEGORIES", "DetectionResult", "Detector", "Kind", "detect", "detector_for"]

CATEGORIES = ("injection", "jailbreak", "obfuscation", "secret", "pii", "prompt_leak")
"""Categories that always appear in :attr:`DetectionResult.scores`."""

Kind = Literal["prompt", "completion", "tool_result", "message", "memory_write", "memory_read"]

_CONTENT_MODULES = frozenset(
    m.__name__ for m in (inputs_stage, text_stage, detectors_stage, decide_stage)
)
_CACHE_SIZE = 16
_WEIGHT = {
    Severity.INFO: 0.0,
    Severity.LOW: 0.25,
    Severity.MEDIUM: 0.5,
    Severity.HIGH: 0.75,
    Severity.CRITICAL: 1.0,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class DetectionResult:
    """What the content stages found in one text.

    ``scores`` holds one 0..1 score per content category of :data:`CATEGORIES`: the
    detector's own calibrated score where it gives one (``details["score"]``), else the
    finding's severity weight times its confidence. ``input`` and ``error`` findings count
    in the verdict but not in the scores.
    """

    verdict: Verdict
    score: float
    scores: Mapping[str, float] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    latency_us: float = 0.0
    policy: str = ""

    @property
    def flagged(self) -> bool:
        return not self.verdict.permits


class Detector:
    """The content stages of one policy's guard, reusable across threads."""

    def __init__(self, guard: Guard) -> None:
        self.policy = guard.policy.label
        self._stages: tuple[Stage, ...] = tuple(
            s for s in guard.stages if type(s).__module__ in _CONTENT_MODULES
        )
        self._on_error = guard.policy.document.decide.on_error
        self._clock = guard.services.clock

    def __call__(self, text: str, kind: Kind = "prompt") -> DetectionResult:
        start = time.perf_counter_ns()
        event_kind = EventKind(kind)
        event = Event(
            kind=event_kind,
            text=text,
            tool="scan" if event_kind is EventKind.TOOL_RESULT else None,
        )
        ev = Evaluation(event=event, ts=self._clock(), args={})
        ev.scratch["on_error"] = self._on_error
        for stage in self._stages:
            try:
                stage(ev)
            except Exception as exc:  # noqa: BLE001 - a failing stage fails closed
                name = getattr(stage, "name", type(stage).__name__)
                ev.findings.append(
                    Finding(
                        rule="stage.error",
                        category="error",
                        severity=Severity.HIGH,
                        message=f"stage {name} raised {type(exc).__name__}",
                        action=self._on_error,
                        stage=name,
                    )
                )
                ev.verdict = max(ev.verdict, self._on_error)
        findings = tuple(ev.findings)
        return DetectionResult(
            verdict=ev.verdict,
            score=ev.score,
            scores=category_scores(findings, ev.scratch.get("scores")),
            findings=findings,
            latency_us=(time.perf_counter_ns() - start) / 1000.0,
            policy=self.policy,
        )


def _own_score(f: Finding) -> float | None:
    """The score a finding reports for itself (``details["score"]``, or the scorer's
    ``details["scores"]["score"]``, the number its message quotes), else ``None``."""
    details = f.details
    if not details:
        return None
    own = details.get("score")
    if isinstance(own, int | float):
        return float(own)
    nested = details.get("scores")
    own = nested.get("score") if isinstance(nested, Mapping) else None
    return float(own) if isinstance(own, int | float) else None


def category_scores(
    findings: tuple[Finding, ...], extra: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Per category, the highest score of its findings (and of ``extra``, scores that
    detectors leave in ``Evaluation.scratch["scores"]`` without a finding)."""
    scores = dict.fromkeys(CATEGORIES, 0.0)
    if extra:
        for category, value in extra.items():
            if category in scores and isinstance(value, int | float):
                scores[category] = max(scores[category], float(value))
    for f in findings:
        if f.category not in scores:
            continue
        own = _own_score(f)
        value = own if own is not None else _WEIGHT[f.severity] * f.confidence
        if value > scores[f.category]:
            scores[f.category] = value
    return {k: round(min(max(v, 0.0), 1.0), 4) for k, v in scores.items()}


class _Cache:
    """Detectors by policy key, least recently used dropped first; safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[str, Detector] = OrderedDict()

    def get(self, policy: Policy | Mapping[str, Any] | str | None) -> Detector:
        if policy is None:
            policy = "default"
        key = f"pack:{policy}" if isinstance(policy, str) and policy in PACKS else None
        loaded: Policy | None = None
        if key is None:
            loaded = load_policy(policy)
            key = loaded.label
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        detector = Detector(Guard(loaded if loaded is not None else policy))
        with self._lock:
            found = self._items.setdefault(key, detector)
            self._items.move_to_end(key)
            while len(self._items) > _CACHE_SIZE:
                self._items.popitem(last=False)
        return found


_DETECTORS = _Cache()


def detector_for(policy: Policy | Mapping[str, Any] | str | None = None) -> Detector:
    """The shared :class:`Detector` of ``policy`` (pack name, YAML path, dict or Policy)."""
    return _DETECTORS.get(policy)


def detect(
    text: str,
    *,
    kind: Kind = "prompt",
    policy: Policy | Mapping[str, Any] | str | None = None,
) -> DetectionResult:
    """Judge one text with the content detectors of ``policy`` (the default pack if None).

    ``kind`` matters: data kinds (``tool_result``, ``message``) are judged more strictly
    than a user's ``prompt`` by most policies.
    """
    return detector_for(policy)(text, kind)
