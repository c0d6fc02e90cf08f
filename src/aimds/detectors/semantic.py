"""Detector ``semantic``: the semantic tier between the fast path and the LLM judge.

Reads text through static sentence embeddings distilled from all-MiniLM-L6-v2
(:mod:`aimds.detectors.semantic_embed`) and two logistic regressions over them
(:mod:`aimds.detectors.semantic_model`): ``doc`` scores the whole text, ``piece`` each
line and sentence for being an instruction addressed to the assistant. A prompt's score
is the ``doc`` score; data (tool results, agent messages, and any decoded or hidden
segment) take the larger of it and the most suspicious piece's score, so a sentence
planted in long benign data is not diluted by it. The finding points at that piece.

Task relevance: when ``event.meta["user_request"]`` is a string (the user's request the
tool result serves; the caller passes it, as the session does not keep it), the most
suspicious pieces are compared with it by cosine similarity, and an unrelated one gets a
higher decision value (``detectors.semantic.relevance_*``). Reading ``meta`` makes this
detector impure: its findings are never cached.

When it runs is policy (``detectors.semantic.mode``): ``data`` kinds only, ``doubt``
(also other kinds whose fast-tier injection classifier score lies in the doubt band),
``always``, or ``off``. The weights load once per process on first use; a missing or
altered file becomes a ``backend.unavailable`` finding, never a crash.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from aimds.detectors.base import DetectorInfo, unavailable
from aimds.detectors.semantic_embed import cosine
from aimds.detectors.semantic_model import (
    SHARED,
    Features,
    SemanticModel,
    Shared,
    pieces,
    sigmoid,
)
from aimds.errors import ConfigError
from aimds.types import Event, Finding, Severity, Verdict

if TYPE_CHECKING:
    from aimds.detectors.classifier import LazyModel
    from aimds.policy import Policy
    from aimds.policy.sections.detectors import KindName, Levels, SemanticSettings
    from aimds.types import Services

__all__ = ["RULE", "SemanticDetector", "SemanticScore", "build"]

RULE = "injection.semantic"
DATA_KINDS = frozenset({"tool_result", "message"})
_KINDS: tuple[KindName, ...] = ("prompt", "completion", "tool_call", "tool_result", "message")
_MAX_SEGMENTS = 4
_RELEVANCE_TOP = 3
_MIN_PIECE_TOKENS = 3
_SEVERITY = {
    Verdict.WARN: Severity.MEDIUM,
    Verdict.REVIEW: Severity.HIGH,
    Verdict.BLOCK: Severity.CRITICAL,
}


class SemanticScore:
    """The score of one text and where it came from (the top piece, if a piece won)."""

    __slots__ = ("cosine", "doc", "piece", "score", "span")

    def __init__(
        self,
        *,
        doc: float,
        piece: float,
        span: tuple[int, int] | None,
        cosine: float | None,
    ) -> None:
        self.doc = doc
        self.piece = piece
        self.span = span
        self.cosine = cosine
        self.score = max(doc, piece)


def _bounded(text: str, limit: int) -> tuple[str, int, int]:
    """Head and tail of an over-long text (planted instructions like its end), with the
    offset from which spans lie in the tail and how far they shift back into ``text``."""
    if len(text) <= limit:
        return text, len(text), 0
    half = limit // 2
    return text[:half] + "\n" + text[-half:], half + 1, len(text) - 2 * half - 1


def score_text(
    model: SemanticModel,
    text: str,
    *,
    data: bool,
    request: Sequence[float] | None = None,
    gain: float = 0.0,
    cutoff: float = 0.0,
) -> SemanticScore:
    """Score ``text`` as data (pieces count) or as a prompt (whole text only).

    With a ``request`` embedding, the few most suspicious pieces get their decision value
    raised by ``gain * max(0, cutoff - cosine)``; the rest score lower than those anyway.
    """
    doc = model.doc.probability(model.features(text))
    if not data:
        return SemanticScore(doc=doc, piece=0.0, span=None, cosine=None)
    head = model.piece
    scored: list[tuple[float, int, int, Features]] = []
    for start, end in pieces(text):
        f = model.features(text[start:end])
        if len(f.ids) >= _MIN_PIECE_TOKENS:
            scored.append((head.logit(f), start, end, f))
    if not scored:
        return SemanticScore(doc=doc, piece=0.0, span=None, cosine=None)
    scored.sort(key=lambda s: -s[0])
    z, start, end, _ = scored[0]
    best: tuple[float, tuple[int, int], float | None] = (z, (start, end), None)
    if request is not None and gain > 0:
        candidates = []
        for z, start, end, f in scored[:_RELEVANCE_TOP]:
            cos = cosine(model.table.embed_ids(f.ids), request)
            candidates.append((z + gain * max(0.0, cutoff - cos), (start, end), cos))
        best = max(candidates, key=lambda c: c[0])
    return SemanticScore(doc=doc, piece=sigmoid(best[0]), span=best[1], cosine=best[2])


class SemanticDetector:
    """Emits ``injection.semantic`` findings. Thread-safe: no per-call state on ``self``."""

    info = DetectorInfo(id="semantic", version="1", categories=("injection",), pure=False)

    def __init__(
        self,
        settings: SemanticSettings,
        *,
        shared: Shared | None = None,
        fast: LazyModel | None = None,
    ) -> None:
        self._settings = settings
        self._shared = shared or SHARED
        self._levels: dict[str, Levels] = {k: settings.levels_for(k) for k in _KINDS}
        self._fast = fast
        if settings.mode == "doubt" and fast is None:
            from aimds.detectors.classifier import LazyModel

            self._fast = LazyModel()

    def idle(self, event: Event) -> bool:
        """An event kind the policy's mode never reads: nothing for it in any view."""
        mode = self._settings.mode
        return mode == "off" or (mode == "data" and event.kind.value not in DATA_KINDS)

    def runs_on(self, kind: str, text: str) -> bool:
        """Whether the policy's mode has this detector read an event of ``kind``."""
        mode = self._settings.mode
        if mode == "off" or not text:
            return False
        if kind in DATA_KINDS or mode == "always":
            return True
        if mode != "doubt" or self._fast is None:
            return False
        from aimds.detectors.classifier import featurize

        p = self._fast.get().attack(featurize(text[:2_000].casefold()))
        return self._settings.doubt_low <= p < self._settings.doubt_high

    def detect(self, event: Event, views: Any) -> Sequence[Finding]:
        original = getattr(views, "original", None)
        text = original if isinstance(original, str) else event.text
        kind = event.kind.value
        try:
            if not self.runs_on(kind, text):
                return ()
            model = self._shared.get()
        except ConfigError as exc:
            return [unavailable("semantic", f"semantic tier unavailable: {exc}")]
        s = self._settings
        data = kind in DATA_KINDS
        request = event.meta.get("user_request") if s.relevance else None
        req_vec = (
            model.table.embed(request[:2_000]) if isinstance(request, str) and request else None
        )
        bounded, tail, shift = _bounded(text, s.max_scan_chars)
        best = score_text(
            model,
            bounded,
            data=data,
            request=req_vec,
            gain=s.relevance_gain,
            cutoff=s.relevance_cutoff,
        )
        where = "text"
        if best.span is not None and best.span[0] >= tail:
            best.span = (best.span[0] + shift, best.span[1] + shift)
        for n, seg in enumerate(_segments(views)):
            scored = score_text(
                model,
                seg,
                data=True,
                request=req_vec,
                gain=s.relevance_gain,
                cutoff=s.relevance_cutoff,
            )
            if scored.score > best.score:
                best, where = scored, f"segment {n}"
        levels = self._levels[kind]
        action = levels.verdict_for(best.score)
        if action is None:
            return ()
        span = best.span if where == "text" else None
        return [
            Finding(
                rule=RULE,
                category="injection",
                severity=_SEVERITY[action],
                message=(
                    f"semantic score {best.score:.2f} for a {kind}: "
                    + (
                        "a sentence reads as an instruction to the assistant"
                        if best.piece >= best.doc
                        else "the text reads as an attack"
                    )
                    + (
                        ""
                        if best.cosine is None
                        else f" (relevance to the request {best.cosine:.2f})"
                    )
                ),
                confidence=round(best.score, 4),
                span=span,
                evidence=_mask(text, span),
                action=action,
                stage="detectors",
                details={
                    "layer": "semantic",
                    "where": where,
                    "scores": {
                        "score": round(best.score, 4),
                        "doc": round(best.doc, 4),
                        "piece": round(best.piece, 4),
                        "relevance": None if best.cosine is None else round(best.cosine, 4),
                    },
                    "thresholds": {
                        "warn": levels.warn,
                        "review": levels.review,
                        "block": levels.block,
                    },
                    "kind": kind,
                },
            )
        ]


def _segments(views: Any) -> list[str]:
    out: list[str] = []
    for name in ("decoded", "hidden"):
        for seg in tuple(getattr(views, name, ()) or ())[:_MAX_SEGMENTS]:
            seg_text = getattr(seg, "text", None)
            if isinstance(seg_text, str) and seg_text.strip():
                out.append(seg_text)
    return out[:_MAX_SEGMENTS]


def _mask(text: str, span: tuple[int, int] | None) -> str | None:
    """A short masked rendering of the piece: first two letters of each word kept."""
    if span is None:
        return None
    ws = text[span[0] : span[1]][:80].split()[:10]
    return " ".join(w[:2] + "*" * min(len(w) - 2, 6) if len(w) > 2 else w for w in ws)


def build(policy: Policy, services: Services) -> SemanticDetector | None:
    """The detector for this policy, or ``None`` where ``detectors.semantic.mode`` is off."""
    settings = policy.document.detectors.semantic
    if settings.mode == "off":
        return None
    return SemanticDetector(settings)
