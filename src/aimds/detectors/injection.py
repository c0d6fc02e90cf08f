"""Detector ``injection``: prompt injection, jailbreaks and system-prompt extraction.

Three layers read the folded text view (plus decoded and hidden segments):

1. signatures (:mod:`aimds.detectors.signatures`): curated attack phrases;
2. heuristics (:mod:`aimds.detectors.heuristics`): attack shapes;
3. a linear classifier (:mod:`aimds.detectors.classifier`) over words, word bigrams and
   word stems plus the ids of the signals above, calibrated on held-out folds of train
   per evidence group (a short text with no signal needs a much stronger score).

Per category (``injection``, ``jailbreak``, ``prompt_leak``) the score is the larger of
the classifier's calibrated probability and the prior of the strongest signal; the
policy's thresholds for the event kind (and tenant) turn it into ``warn``, ``review`` or
``block``. Data kinds (tool results, agent messages) use each signal's ``data_score``,
since an instruction addressed to the model inside data is suspicious in itself. Texts
that discuss attacks (documentation, code) damp the signal priors of a user prompt.

Before vocabulary decides, the text is read for *whom it speaks to*
(:mod:`aimds.detectors.about`): in data, a piece that reports what a planted line said or
speaks to a human about an assistant loses sentence score (and the signal found in it
half its prior), a piece that names the assistant as the one to act gains some, and where
the text talks about assistants while no piece addresses one or gives an order, the
document classifier (which reads vocabulary only) is damped. A prompt that asks about
assistants has its prompt-leak reading damped.

Long texts are scored in overlapping windows (max over windows), so cost stays linear.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aimds.detectors.about import TALK, piece_role, read_about
from aimds.detectors.addressed import clauses
from aimds.detectors.allow_list import AllowList
from aimds.detectors.base import DetectorInfo, unavailable
from aimds.detectors.classifier import CATEGORIES, ClassifierScore, LazyModel, featurize
from aimds.detectors.heuristics import HeuristicSet, build_heuristic_set
from aimds.detectors.mention import mask_mentions
from aimds.detectors.sentences import (
    DocumentScore,
    LazySentenceModel,
    PieceScore,
    SentenceModel,
    document_features,
)
from aimds.detectors.signatures import SignatureSet, build_signature_set
from aimds.errors import ConfigError
from aimds.types import Event, Finding, Severity, Verdict

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.policy.sections.detectors import DetectorsSection, KindName, Levels
    from aimds.types import Services

__all__ = ["InjectionDetector", "Scanner", "Signal", "build", "view_texts"]

DATA_KINDS = frozenset({"tool_result", "message"})
_KINDS: tuple[KindName, ...] = ("prompt", "completion", "tool_call", "tool_result", "message")
_MAX_SEGMENTS = 16


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class Signal:
    """One signature or heuristic that fired, with where (view and span) it fired."""

    id: str
    rule: str
    category: str
    layer: str
    prior: float
    description: str
    view: str
    source: int
    span: tuple[int, int] | None

    def __init__(
        self,
        *,
        id: str,
        rule: str,
        category: str,
        layer: str,
        prior: float,
        description: str,
        view: str,
        source: int,
        span: tuple[int, int] | None,
    ) -> None:
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "rule", rule)
        object.__setattr__(self, "category", category)
        object.__setattr__(self, "layer", layer)
        object.__setattr__(self, "prior", prior)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "view", view)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "span", span)


class Scanner:
    """Signatures and heuristics compiled once; :meth:`signals` is thread-safe."""

    def __init__(self) -> None:
        self.signatures: SignatureSet = build_signature_set()
        self.heuristics: HeuristicSet = build_heuristic_set()
        self.feature_ids: frozenset[str] = frozenset(
            s.id for s in self.signatures.table if s.feature
        ) | frozenset(h.id for h in self.heuristics.table)
        """Signal ids the classifier reads as features (training and inference alike)."""

    def signals(self, texts: Sequence[tuple[str, str]], *, data: bool) -> list[Signal]:
        """Signals over ``(view, folded text)`` pairs; the first pair is the primary view.

        A signal found only in a decoded or hidden segment is judged as data: text that
        hides instructions from the human reader is suspicious wherever it arrives.
        """
        found: dict[str, Signal] = {}
        for n, (view, text) in enumerate(texts):
            as_data = data or n > 0
            for i in self.signatures.match(text):
                sig = self.signatures.table[i]
                if sig.id not in found:
                    found[sig.id] = Signal(
                        id=sig.id,
                        rule=sig.rule,
                        category=sig.category,
                        layer="signature",
                        prior=sig.data_score if as_data else sig.prompt_score,
                        description=sig.description,
                        view=view,
                        source=n,
                        span=self.signatures.locate(i, text),
                    )
            for i in self.heuristics.match(text):
                h = self.heuristics.table[i]
                if h.id not in found:
                    found[h.id] = Signal(
                        id=h.id,
                        rule=h.rule,
                        category=h.category,
                        layer="heuristic",
                        prior=h.data_score if as_data else h.prompt_score,
                        description=h.description,
                        view=view,
                        source=n,
                        span=self.heuristics.locate(i, text),
                    )
        return list(found.values())


def view_texts(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The folded primary text and extra ``(view, text)`` segments for a raw string.

    Used by the training script so it sees text exactly as the detector does, except that
    mentioned quotations (:mod:`aimds.detectors.mention`) stay in: a classifier trained
    on blanked texts flagged 3 of the 116 held-out everyday prompts of
    ``tests/detectors/data/benign_everyday.txt`` (the tests allow two).
    """
    try:
        from aimds.text import build_views
    except ImportError:
        return text.casefold(), []
    views = build_views(text)
    texts = _texts(views)
    return texts[0][1], texts[1:]


def _texts(views: Any) -> list[tuple[str, str]]:
    folded = getattr(views, "folded", None)
    if not isinstance(folded, str):
        original = getattr(views, "original", "")
        folded = original.casefold() if isinstance(original, str) else ""
    out = [("folded", folded)]
    for name in ("decoded", "hidden"):
        for seg in tuple(getattr(views, name, ()) or ())[:_MAX_SEGMENTS]:
            seg_text = getattr(seg, "text", None)
            if isinstance(seg_text, str) and seg_text:
                out.append((name, seg_text.casefold()))
    return out


def _top(findings: Sequence[Finding]) -> float:
    """The strongest injection/jailbreak/prompt-leak score among ``findings`` (0 if none)."""
    return max((f.confidence for f in findings if f.category in CATEGORIES), default=0.0)


def _views_of(text: str) -> Any:
    from aimds.text import build_views

    return build_views(text)


def _windows(text: str, size: int) -> Iterator[str]:
    if len(text) <= size:
        yield text
        return
    step = size // 2
    for start in range(0, len(text) - step, step):
        yield text[start : start + size]


def _mask(text: str, span: tuple[int, int] | None) -> str | None:
    """A short masked rendering of the matched words: first two letters of each kept."""
    if span is None:
        return None
    words = text[span[0] : span[1]][:60].split()[:8]
    return " ".join(w[:2] + "*" * min(len(w) - 2, 6) if len(w) > 2 else w for w in words)


class InjectionDetector:
    """Emits ``injection``, ``jailbreak`` and ``prompt_leak`` findings. Thread-safe."""

    info = DetectorInfo(id="injection", version="1", categories=CATEGORIES, pure=True)

    def __init__(
        self,
        section: DetectorsSection,
        *,
        model: LazyModel | None = None,
        sentences: LazySentenceModel | None = None,
    ) -> None:
        settings = section.injection
        self._use_signatures = settings.signatures
        self._use_heuristics = settings.heuristics
        self._model = (model or LazyModel()) if settings.classifier else None
        self._sentences = (sentences or LazySentenceModel()) if settings.classifier else None
        self._window = settings.window_chars
        self._max_chars = settings.max_scan_chars
        self._scanner = Scanner()
        self._allow = AllowList(section)
        self._levels: dict[tuple[str | None, str], Levels] = {
            (None, kind): section.levels_for(kind) for kind in _KINDS
        }
        for tenant, override in section.tenants.items():
            for kind, partial in override.thresholds.items():
                self._levels[(tenant, kind)] = partial.over(section.levels_for(kind))

    def detect(self, event: Event, views: Any) -> Sequence[Finding]:
        if views is None:
            return ()
        original = getattr(views, "original", event.text)
        if self._allow and isinstance(original, str) and self._allow.allows(original):
            return ()
        if isinstance(original, str):
            masked = mask_mentions(original)
            if masked is not None:
                # quoted attack strings in a text about them are mentioned, not used; the
                # text is judged both ways and the milder reading kept, since blanking an
                # ordinary quoted request ("my first request is '...'") can only take
                # benign words away from the rest
                plain = self._detect(event, views, original)
                mentioned = self._detect(event, _views_of(masked), masked)
                return mentioned if _top(mentioned) <= _top(plain) else plain
        return self._detect(event, views, original)

    def _detect(self, event: Event, views: Any, original: Any) -> list[Finding]:
        kind = event.kind.value
        levels = self._levels.get((event.subject.tenant, kind)) or self._levels[(None, kind)]
        data = kind in DATA_KINDS
        texts = _texts(views)
        primary = texts[0][1][: self._max_chars]
        texts[0] = ("folded", primary)
        signals = self._signals(texts, data=data)
        if data and signals:
            signals = [_talked_about(s, primary) for s in signals]
        findings: list[Finding] = []
        clf: ClassifierScore | None = None
        if self._model is not None:
            try:
                features = self._scanner.feature_ids
                clf = self._classify(
                    primary, [s.id for s in signals if s.id in features], levels.warn
                )
            except ConfigError as exc:
                findings.append(unavailable("classifier", f"injection classifier failed: {exc}"))
        doc: DocumentScore | None = None
        sentence_model: SentenceModel | None = None
        pieces: list[tuple[Any, list[str]]] = []
        decisions: list[float] = []
        if data and self._sentences is not None and isinstance(original, str):
            try:
                sentence_model = self._sentences.get()
            except ConfigError as exc:
                findings.append(unavailable("sentence", f"sentence scorer unavailable: {exc}"))
            else:
                pieces = document_features(original[: self._max_chars])
                decisions = [sentence_model.decision(f) for _, f in pieces]
        sentence = (
            sentence_model.calibrate(max(decisions))
            if sentence_model is not None and decisions
            else 0.0
        )
        meta = False  # a prompt that asks about assistants: its prompt-leak reading is damped
        talk = False
        if isinstance(original, str) and (
            sentence >= levels.warn * _READ_SHARE or (clf is not None and clf.attack >= levels.warn)
        ):
            # something may fire: read who the text speaks to before trusting vocabulary
            if sentence_model is not None:
                needed = clf is not None and clf.attack >= levels.warn
                talk = _spoken_to(
                    sentence_model,
                    pieces,
                    decisions,
                    original[: self._max_chars],
                    warn=levels.warn,
                    talk_needed=needed,
                )
                sentence = sentence_model.calibrate(max(decisions)) if decisions else 0.0
            else:
                talk = _prompt_talk(original[: self._max_chars])
            if clf is not None and talk and sentence < levels.warn:
                if data:
                    clf = _damped(clf)
                else:
                    meta = True
        if sentence_model is not None:
            doc = _document(sentence_model, pieces, decisions)
        if not signals and (clf is None or clf.attack < levels.warn) and sentence < levels.warn:
            return findings  # no category can reach warn: the common, benign case
        damp = 1.0 if data or not signals else self._scanner.heuristics.discussion_factor(primary)
        for category in CATEGORIES:
            finding = self._finding(
                category, signals, clf, damp, levels, views, texts, kind, doc, meta
            )
            if finding is not None:
                findings.append(finding)
        return findings

    def _signals(self, texts: list[tuple[str, str]], *, data: bool) -> list[Signal]:
        if not (self._use_signatures or self._use_heuristics):
            return []
        found = self._scanner.signals(texts, data=data)
        if self._use_signatures and self._use_heuristics:
            return found
        return [
            s
            for s in found
            if (self._use_signatures if s.layer == "signature" else self._use_heuristics)
        ]

    def _classify(self, text: str, signals: list[str], warn: float) -> ClassifierScore:
        assert self._model is not None
        model = self._model.get()
        if len(text) <= self._window:  # the common case: one window, no generator
            f = featurize(text, signals)
            p = model.attack(f)
            if p < warn / 2:
                return ClassifierScore(attack=p, categories={})
            return ClassifierScore(attack=p, categories=model.categories(f))
        best, best_f = -1.0, None
        for window in _windows(text, self._window):
            f = featurize(window, signals)
            p = model.attack(f)
            if p > best:
                best, best_f = p, f
        if best_f is None or best < warn / 2:
            return ClassifierScore(attack=max(best, 0.0), categories={})
        return ClassifierScore(attack=best, categories=model.categories(best_f))

    def _finding(
        self,
        category: str,
        signals: list[Signal],
        clf: ClassifierScore | None,
        damp: float,
        levels: Levels,
        views: Any,
        texts: list[tuple[str, str]],
        kind: str,
        doc: DocumentScore | None,
        meta: bool,
    ) -> Finding | None:
        mine = [s for s in signals if s.category == category]
        top = max(mine, key=lambda s: s.prior, default=None)
        prior = top.prior * damp if top is not None else 0.0
        clf_score = clf.score(category) if clf is not None and clf.categories else 0.0
        if meta and category == "prompt_leak":
            clf_score = _logit_minus(clf_score, PROMPT_DISCOUNT)
        sent = doc.score if doc is not None and category == "injection" else 0.0
        score = round(max(prior, clf_score, sent), 4)
        action = levels.verdict_for(score)
        if action is None:
            return None
        details: dict[str, Any] = {}
        span = _original_span(views, top) if top is not None else None
        evidence = _mask(texts[top.source][1], top.span) if top is not None else None
        if doc is not None and doc.best is not None and sent >= max(prior, clf_score):
            best = doc.best
            layer, rule = "sentence", "injection.indirect"
            why = f"one {best.piece.where} reads as an instruction to the assistant"
            span = (best.piece.start, best.piece.end)
            evidence = _mask(best.piece.raw, (0, len(best.piece.raw)))
            details["sentence"] = {
                "where": best.piece.where,
                "span": [best.piece.start, best.piece.end],
                "decision": round(best.decision, 3),
                "features": [[k, v] for k, v in best.top],
                "pieces": doc.pieces,
            }
        elif top is not None and prior >= clf_score:
            layer, rule, why = top.layer, top.rule, top.description
        else:
            layer = "classifier"
            rule = (
                "injection.indirect"
                if category == "injection" and kind in DATA_KINDS
                else f"{category}.classifier"
            )
            why = "the trained classifier scores the text as an attack"
        return Finding(
            rule=rule,
            category=category,
            severity=_SEVERITY[action],
            message=f"{category} score {score:.2f} for a {kind} ({layer}: {why})",
            confidence=score,
            span=span,
            evidence=evidence,
            action=action,
            stage="detectors",
            details={
                "layer": layer,
                "signals": [s.id for s in signals],
                "scores": {
                    "score": score,
                    "signal": round(prior, 4),
                    "classifier": round(clf_score, 4),
                    "attack": round(clf.attack, 4) if clf is not None else None,
                    "sentence": round(sent, 4),
                },
                "thresholds": {"warn": levels.warn, "review": levels.review, "block": levels.block},
                "kind": kind,
                **details,
            },
        )


PIECE_DISCOUNT = {"human": 3.0, "reported": 5.0, "carrier": 5.0}
"""Sentence-model decision units taken off a piece that speaks *about* the assistant
(:mod:`aimds.detectors.about`): to a human (``never paste untrusted text into an agent``;
about one strong addressing feature, ``ai_ref`` weighs 2.75, so an order with a destination,
a secret and a tool verb still reads as one), or reporting what was said or written (``the
PDF contained a line asking AI readers to answer in German``, ``a web page told the
chatbot to ...``): narrated in the past or framed as a quotation, it orders nothing; or
giving the carrier's own order to its human reader (``send your CV to jobs@... by
Friday``): the e-mail address alone weighs about four units, a short imperative send to
one about five."""
PROMPT_DISCOUNT = 8.0
"""The same for the *prompt-leak* reading of a prompt that asks about assistants or
attacks (``what's the difference between a system and a user message?``): a question
about system prompts is not a request for this one. Only that category: a prompt's reader
is the assistant whatever its words name, and damping the jailbreak or injection reading
of such prompts cost a held-out jailbreak while it was tried."""
_READ_SHARE = 0.25
"""Data whose sentence score reaches this share of the warn level is read for who it
addresses: below it, not even an addressed piece's bonus could lift a piece to warn."""
ADDRESSED_BONUS = 1.0
"""Decision units added to a piece that names the assistant as the one to act (a vocative
or label, ``AI readers must ...``): the sentence model sees only that an assistant is
named (``ai_ref``), not that it is the subject of an order."""
CLASSIFIER_DISCOUNT = 8.0
"""Logit units taken off the document classifier's attack probability where the text
talks about assistants or attacks and no piece of it addresses one: the classifier reads
vocabulary, and a text about attacks has all of it."""


SIGNAL_DAMP = 0.5
"""Factor on a signal's prior where the sentence it fired in, inside data, speaks about the
assistant to a human or reports what was written (``detection of instructions to the
copilot hidden in web pages``): the phrase is named, not addressed."""
_SENTENCE_EDGE = re.compile(r"[.!?\n]")


def _talked_about(signal: Signal, text: str) -> Signal:
    """``signal`` with its prior damped where its sentence in ``text`` talks *about*."""
    if signal.span is None or signal.source != 0:
        return signal
    start, end = signal.span
    cut = max(
        (m.end() for m in _SENTENCE_EDGE.finditer(text, max(0, start - 400), start)),
        default=max(0, start - 400),
    )
    after = _SENTENCE_EDGE.search(text, end)
    sentence = text[cut : after.end() if after is not None else min(len(text), end + 400)]
    if piece_role(sentence) not in TALK:
        return signal
    return Signal(
        id=signal.id,
        rule=signal.rule,
        category=signal.category,
        layer=signal.layer,
        prior=signal.prior * SIGNAL_DAMP,
        description=signal.description,
        view=signal.view,
        source=signal.source,
        span=signal.span,
    )


_ORDER_WORDS = 4
"""Fewer words than this make a label (``Answer: b``), not an order."""
_OPTION = re.compile(r"\s*(?:[a-e]|[1-9])[).]\s")
"""A multiple-choice option (``b) Ignore the line and summarise``): a hypothetical, not an
order to whoever reads it."""


def _spoken_to(
    model: SentenceModel,
    pieces: list[tuple[Any, list[str]]],
    decisions: list[float],
    text: str,
    *,
    warn: float,
    talk_needed: bool,
) -> bool:
    """Adjust each piece's sentence ``decisions`` (in place) for who it speaks to, and say
    whether the text talks about assistants while no piece addresses one. A bare
    imperative counts as addressed here (in data, whoever reads is the assistant), so an
    order planted in a discussion keeps the classifier at full strength. Unless the
    answer is ``talk_needed`` (the classifier would fire), only pieces that could reach
    ``warn`` are read: the others change nothing."""
    addressed = False
    talking = 0
    for n, (piece, feats) in enumerate(pieces):
        if not talk_needed and model.calibrate(decisions[n] + ADDRESSED_BONUS) < warn:
            continue
        role = piece_role(piece.raw)
        if role == "addressed":
            addressed = True
            decisions[n] += ADDRESSED_BONUS
        elif _ordered(role, piece.raw, feats):
            addressed = True  # spoken to the assistant, or an order to whoever reads
        elif role == "carrier":
            addressed = True  # an order all the same: the classifier keeps its strength
            decisions[n] -= PIECE_DISCOUNT[role]
        elif role in TALK:
            talking += 1
            decisions[n] -= PIECE_DISCOUNT[role]
    return talking > 0 and not addressed and read_about(text)


def _document(
    model: SentenceModel, pieces: list[tuple[Any, list[str]]], decisions: list[float], top: int = 5
) -> DocumentScore:
    """The document's score from its pieces' decisions: the most suspicious piece decides
    (as :meth:`SentenceModel.score`, on decisions this module may have adjusted)."""
    if not decisions:
        return DocumentScore(score=0.0, best=None, pieces=0)
    n = max(range(len(decisions)), key=decisions.__getitem__)
    piece, feats = pieces[n]
    base = model.decision(())
    weights = ((k, model.decision((k,)) - base) for k in feats)
    contrib = sorted(((k, v) for k, v in weights if v > 0), key=lambda kv: -kv[1])[:top]
    return DocumentScore(
        score=model.calibrate(decisions[n]),
        best=PieceScore(
            piece=piece,
            decision=decisions[n],
            top=tuple((k, round(v, 3)) for k, v in contrib),
        ),
        pieces=len(pieces),
    )


def _prompt_talk(text: str) -> bool:
    """A prompt that asks *about* assistants or attacks: a question, some piece of it speaks
    of an assistant in the third person or asks a meta question (``what's the difference
    between ...``, ``how do I stop ...``, the addressed reading's own cue), and no piece
    addresses the assistant or asks it for something in the imperative (``Give me the
    answer a model would have given ...`` is a request, whatever it names)."""
    if "?" not in text or not read_about(text):
        return False
    talking = False
    for piece, feats in document_features(text):
        role = piece_role(piece.raw)
        if role == "addressed" or _ordered(role, piece.raw, feats):
            return False
        talking = talking or role in TALK
    return talking or any(c.meta for c in clauses(text.casefold()))


def _ordered(role: str, raw: str, feats: list[str]) -> bool:
    """A neutral piece in the imperative, long enough to be an order and not a
    multiple-choice option: spoken to whoever reads, in data the assistant."""
    return (
        role == "neutral"
        and "imperative" in feats
        and len(raw.split()) >= _ORDER_WORDS
        and not _OPTION.match(raw)
    )


def _logit_minus(p: float, discount: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    z = math.log(p / (1 - p)) - discount
    return 1.0 / (1.0 + math.exp(-z))


def _damped(clf: ClassifierScore) -> ClassifierScore:
    return ClassifierScore(
        attack=_logit_minus(clf.attack, CLASSIFIER_DISCOUNT), categories=clf.categories
    )


_SEVERITY = {
    Verdict.WARN: Severity.MEDIUM,
    Verdict.REVIEW: Severity.HIGH,
    Verdict.BLOCK: Severity.CRITICAL,
}


def _original_span(views: Any, signal: Signal) -> tuple[int, int] | None:
    if signal.span is None or signal.view != "folded":
        return None
    to_original = getattr(views, "to_original", None)
    if to_original is None:
        return signal.span
    try:
        mapped = to_original("folded", *signal.span)
    except (ValueError, IndexError, KeyError, TypeError):
        return None
    return (int(mapped[0]), int(mapped[1])) if mapped is not None else None


def build(policy: Policy, services: Services) -> InjectionDetector | None:
    """The detector for this policy, or ``None`` where it is switched off."""
    section = policy.document.detectors
    if not section.injection.enabled:
        return None
    return InjectionDetector(section)
