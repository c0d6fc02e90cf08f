"""The ``attack_memory`` stage (after the detectors) and the ``remember`` stage (before record).

``attack_memory``: sketches the event's text views (the folded view, so obfuscated variants of
one attack sketch alike, and the texts decoded from encodings) and looks them up in the
tenant's attack memory and, with ``attack_memory.seeds``, the shipped seeds. The closest entry
at or above ``attack_memory.threshold`` becomes one ``memory.similar`` finding naming the entry
id (``mem_...`` or ``seed:...``) and the similarity; never a text. An exact text the
tenant's admin allowed (an applied suggestion, :mod:`aimds.learn.suggestions`) loses its
injection, jailbreak and prompt-leak findings instead, noted as ``memory.allowed``.

``remember``: keeps what feedback needs of the decision (:mod:`aimds.learn.recent`):
sketches, a keyed digest and a masked excerpt, under the decision id (set here, so the
audit record and the decision share it).

Neither raises: a store failure becomes ``backend.unavailable`` with the policy's
``on_error`` verdict.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from aimds.errors import ConfigError
from aimds.learn.index import Hit, SketchIndex
from aimds.learn.learning import Learning, LearningHandle, learning_of
from aimds.learn.recent import RecentDecision
from aimds.learn.seeds import seed_index
from aimds.learn.sketch import WINDOW, Sketch, sketch_of_words, window_sketches, words
from aimds.learn.suggestions import ALLOWABLE
from aimds.types import (
    Evaluation,
    EventKind,
    Finding,
    Severity,
    Stage,
    StageOutcome,
    StageStatus,
    Verdict,
)

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.policy.sections.learn import AttackMemorySection
    from aimds.types import Services

__all__ = [
    "MemoryStage",
    "RememberStage",
    "build_recorder",
    "build_stage",
    "handle_of",
    "masked_excerpt",
    "sketches_of_text",
]

log = logging.getLogger("aimds.learn")

_SKETCHES = "learn.sketches"
_MAX_SEGMENTS = 4
_MARGIN = 512  # characters masked past an excerpt's end (see masked_excerpt)


def sketches_of_views(views: Any, min_words: int) -> list[Sketch]:
    """The sketches to compare for one event: windows of the folded view, plus the first
    few decoded segments (texts hidden in base64, hex...)."""
    out: list[Sketch] = []
    tokens = words(views.folded)
    if len(tokens) >= min_words:
        out.extend(window_sketches(tokens))
    for segment in views.decoded[:_MAX_SEGMENTS]:
        seg_tokens = words(segment.text.casefold())
        if len(seg_tokens) >= min_words:
            out.append(sketch_of_words(seg_tokens[:WINDOW]))
    return out


def sketches_of_text(text: str, min_words: int) -> list[Sketch]:
    """:func:`sketches_of_views` of a text, with the default normalisation."""
    from aimds.text.views import build_views

    return sketches_of_views(build_views(text), min_words)


class _SketchCache:
    """Sketches of recent short texts, so a repeated event (the detectors' findings cache
    spares it the text views) is not folded and decoded again just to be sketched.
    Bounded: ``max_entries`` texts of at most ``max_chars`` characters, oldest out first.
    Keyed by the text's (per-process keyed, SipHash) ``hash``, so no text is held here."""

    def __init__(self, max_entries: int = 1024, max_chars: int = 2048) -> None:
        self._items: dict[int, list[Sketch]] = {}
        self._max_entries = max_entries
        self.max_chars = max_chars
        self._lock = threading.Lock()

    def get(self, text: str) -> list[Sketch] | None:
        return self._items.get(hash(text))

    def put(self, text: str, sketches: list[Sketch]) -> None:
        with self._lock:
            items = self._items
            if len(items) >= self._max_entries:
                del items[next(iter(items))]
            items[hash(text)] = sketches


class MemoryStage:
    name = "attack_memory"

    def __init__(self, section: AttackMemorySection, learning: Learning, seeds: SketchIndex | None):
        self.section = section
        self.learning = learning
        self._seeds = seeds
        self._kinds = frozenset(EventKind(k) for k in section.kinds)
        self._threshold = section.threshold
        self._min_words = section.min_words
        self._cache = _SketchCache()

    def _sketches(self, views: Any) -> list[Sketch]:
        original = views.original
        if len(original) > self._cache.max_chars:
            return sketches_of_views(views, self._min_words)
        found = self._cache.get(original)
        if found is None:
            found = sketches_of_views(views, self._min_words)
            self._cache.put(original, found)
        return found

    def __call__(self, ev: Evaluation) -> None:
        event = ev.event
        views = ev.views
        if views is None or event.kind not in self._kinds:
            return
        tenant = event.subject.tenant
        learning = self.learning
        try:
            original = views.original
            if learning.suggestions.allowed(
                tenant, lambda: learning.suggestions.digest(tenant, original)
            ):
                self._allow(ev)
                return
            sketches = self._sketches(views)
            ev.scratch[_SKETCHES] = sketches
            best: Hit | None = None
            for sk in sketches:
                hit = learning.memory.lookup(tenant, sk, self._threshold)
                if hit is not None and (best is None or hit.similarity > best.similarity):
                    best = hit
                if self._seeds is not None:
                    hit = self._seeds.best(sk, self._threshold)
                    if hit is not None and (best is None or hit.similarity > best.similarity):
                        best = hit
        except Exception as exc:  # noqa: BLE001 - a store failure is a finding, not a crash
            self.learning.metrics.backend_failure("attack_memory")
            _unavailable(ev, self.name, exc)
            return
        if best is not None:
            ev.findings.append(self._finding(best))

    def _finding(self, hit: Hit) -> Finding:
        seed = hit.entry.startswith("seed:")
        return Finding(
            rule="memory.similar",
            category="injection",
            severity=self.section.severity,
            message=(
                f"near-duplicate of known attack {hit.entry} (similarity {hit.similarity:.2f}, "
                f"threshold {self._threshold:.2f})"
            ),
            confidence=round(hit.similarity, 4),
            action=self.section.verdict,
            stage=self.name,
            details={
                "entry": hit.entry,
                "similarity": round(hit.similarity, 4),
                "source": "seed" if seed else "memory",
            },
        )

    def _allow(self, ev: Evaluation) -> None:
        kept: list[Finding] = []
        silenced: list[str] = []
        for f in ev.findings:
            if f.category in ALLOWABLE and not f.hard:
                silenced.append(f.rule)
            else:
                kept.append(f)
        ev.findings[:] = kept
        ev.findings.append(
            Finding(
                rule="memory.allowed",
                category="allow",
                severity=Severity.INFO,
                message="exact text allowed by an applied suggestion; content findings "
                f"silenced: {', '.join(dict.fromkeys(silenced)) or 'none'}",
                stage=self.name,
                details={"silenced": list(dict.fromkeys(silenced))},
            )
        )


class RememberStage:
    """Keeps a masked record of each decided event for later feedback."""

    name = "remember"

    def __init__(
        self,
        section: AttackMemorySection,
        learning: Learning,
        masker: Any,
        new_id: Callable[[], str],
    ) -> None:
        self.section = section
        self.learning = learning
        self._masker = masker
        self._new_id = new_id
        self._excerpt = section.recent.excerpt_chars
        self._min_words = section.min_words

    def __call__(self, ev: Evaluation) -> None:
        views = ev.views
        if views is None:
            return
        event = ev.event
        decision_id = ev.scratch.get("decision_id") or self._new_id()
        ev.scratch["decision_id"] = decision_id
        sketches = ev.scratch.get(_SKETCHES)
        if sketches is None:
            sketches = sketches_of_views(views, self._min_words)
        original = views.original
        try:
            excerpt = masked_excerpt(self._masker, original, ev.findings, self._excerpt)
        except Exception as exc:  # noqa: BLE001 - no excerpt rather than an unmasked one
            log.error("decision excerpt not kept: masking raised %s", type(exc).__name__)
            self.learning.metrics.dropped("learn_excerpt_masking_failed")
            ev.statuses.append(
                StageStatus(
                    stage=self.name,
                    outcome=StageOutcome.DEGRADED,
                    detail="masking failed; no excerpt kept",
                )
            )
            excerpt = ""
        tenant = event.subject.tenant
        self.learning.recent.put(
            RecentDecision(
                id=decision_id,
                tenant=tenant,
                agent=event.subject.agent,
                kind=event.kind.value,
                verdict=ev.verdict.value,
                rules=tuple(dict.fromkeys(f.rule for f in ev.findings)),
                sketches=tuple(sketches),
                digest=self.learning.suggestions.digest(tenant, original),
                excerpt=excerpt,
                ts=ev.ts,
            )
        )


def masked_excerpt(masker: Any, text: str, findings: Sequence[Finding], chars: int) -> str:
    """The first ``chars`` characters of ``text``, masked. Only a margin past the cut is
    masked (not the whole text): a secret that straddles the cut is still matched whole
    by the patterns, and the spans of findings are clipped to it. Spans of injection,
    jailbreak and prompt-leak findings stay readable: they are what a reviewer judges."""
    cut = text[: chars + _MARGIN]
    spans = [
        f if f.span[1] <= len(cut) else replace(f, span=(f.span[0], len(cut)))
        for f in findings
        if f.span is not None and f.span[0] < len(cut) and f.category not in ALLOWABLE
    ]
    return str(masker.text(cut, spans))[:chars]


def _unavailable(ev: Evaluation, stage: str, exc: Exception) -> None:
    on_error: Verdict = ev.scratch.get("on_error", Verdict.BLOCK)
    log.error("attack memory unavailable: %s", type(exc).__name__)
    ev.statuses.append(
        StageStatus(
            stage=stage,
            outcome=StageOutcome.ERROR,
            detail=f"attack memory failed ({type(exc).__name__})",
        )
    )
    ev.findings.append(
        Finding(
            rule="backend.unavailable",
            category="error",
            severity=Severity.HIGH,
            message=f"attack memory failed ({type(exc).__name__})",
            action=on_error,
            stage=stage,
        )
    )


def _metrics_of(services: Services) -> Any:
    """The metrics failures are counted in: the injected ones, else the injected audit
    log's, else none (failures are still logged)."""
    from aimds.audit.metrics import NoopMetrics

    found = services.extras.get("metrics")
    if found is None:
        found = getattr(services.extras.get("audit"), "metrics", None)
    return found if found is not None else NoopMetrics()


def build_stage(policy: Policy, services: Services) -> MemoryStage | None:
    """The ``attack_memory`` stage, or ``None`` where ``attack_memory.enabled`` is false."""
    section = policy.document.attack_memory
    if not section.enabled:
        return None
    learning = learning_of(services)
    learning.metrics = _metrics_of(services)
    learning.recent.max_decisions = section.recent.max_decisions
    learning.recent.ttl_s = section.recent.ttl_s
    return MemoryStage(section, learning, seed_index() if section.seeds else None)


def build_recorder(policy: Policy, services: Services) -> RememberStage | None:
    """The ``remember`` stage, or ``None`` where ``attack_memory.enabled`` is false."""
    section = policy.document.attack_memory
    if not section.enabled:
        return None
    from aimds.audit.records import Masker

    audit = policy.document.audit
    masker = Masker(patterns=audit.mask_patterns, sensitive_keys=audit.sensitive_keys)
    return RememberStage(
        section, learning_of(services), masker, services.new_id or (lambda: os.urandom(16).hex())
    )


def handle_of(stages: tuple[Stage, ...], services: Services) -> LearningHandle:
    """The learning operations of a guard built with these stages (``ConfigError`` when
    its policy has the memory off)."""
    memory = next((s for s in stages if isinstance(s, MemoryStage)), None)
    if memory is None:
        raise ConfigError(
            "this policy has attack_memory.enabled: false; turn the memory section on to use "
            "feedback and the attack memory"
        )
    audit = services.extras.get("audit")
    if audit is None:
        audit = next((getattr(s, "audit", None) for s in stages if s.name == "record"), None)
    return LearningHandle(memory.learning, memory.section, audit)
