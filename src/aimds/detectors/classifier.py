"""Layer 3 of the injection detector: a small linear classifier, pure-Python inference.

Two linear models share one featurisation (:func:`featurize`): an *attack* model (is this
an injection/jailbreak/prompt-leak attempt at all?) and a *category* model (softmax over
``injection``, ``jailbreak``, ``prompt_leak``) that says which kind.

Features are binary, over the case-folded words: word unigrams, word bigrams, word stems
(the first five letters of longer words, so "ignoring" and "ignored" share evidence), and
the ids of the signatures and heuristics that fired. Each word block is scaled by
``1/sqrt(max(n, floor))``: a short text has few features, and without the floor each of
them would weigh as much as a whole paragraph's evidence (the reason "Tell me about dogs."
used to look like an attack).

The attack model's decision value is calibrated with Platt scaling *per evidence group*
(:func:`evidence_group`): whether any signature or heuristic fired, and whether the text
is short. Each group's curve is fitted on held-out folds of the training set, so a short
text with no signal needs a much stronger classifier score to reach the same probability.

Weights ship as JSON (no pickle), and the file's SHA-256 is checked against the value
recorded beside it before anything is parsed. ``scripts/train_injection_classifier.py``
rebuilds both files from the training set.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aimds.detectors.weights import load_json_weights
from aimds.errors import ConfigError

__all__ = [
    "CATEGORIES",
    "ClassifierScore",
    "Features",
    "InjectionModel",
    "LazyModel",
    "evidence_group",
    "featurize",
    "load_model",
]

CATEGORIES = ("injection", "jailbreak", "prompt_leak")
MODEL_FORMAT = "aimds.injection_model/2"
BLOCKS = ("word", "bigram", "stem")
SHORT_TOKENS = 12
"""Texts with fewer tokens than this are calibrated as *short* (see :func:`evidence_group`)."""
STEM = 5
_WORD = re.compile(r"\w+")
_ASCII_SEPARATORS = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}
)
r"""Maps every ASCII character outside ``\w`` to a space: on ASCII text, translating and
splitting yields exactly the tokens of ``\w+``, about three times faster."""
_MAX_TOKENS = 2_000


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class Features:
    """The distinct features of one text window."""

    words: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    stems: frozenset[str]
    signals: frozenset[str]
    tokens: int

    def __init__(
        self,
        *,
        words: frozenset[str],
        bigrams: frozenset[tuple[str, str]],
        stems: frozenset[str],
        signals: frozenset[str],
        tokens: int,
    ) -> None:
        object.__setattr__(self, "words", words)
        object.__setattr__(self, "bigrams", bigrams)
        object.__setattr__(self, "stems", stems)
        object.__setattr__(self, "signals", signals)
        object.__setattr__(self, "tokens", tokens)


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class ClassifierScore:
    """The calibrated attack probability and the share of each category."""

    attack: float
    categories: Mapping[str, float]

    def __init__(self, *, attack: float, categories: Mapping[str, float]) -> None:
        object.__setattr__(self, "attack", attack)
        object.__setattr__(self, "categories", categories)

    def score(self, category: str) -> float:
        """Calibrated probability that the text is an attack of ``category``."""
        share = self.categories.get(category, 0.0)
        top = max(self.categories.values(), default=0.0)
        # The most likely category carries the whole attack probability; the others
        # keep their relative share, so a split decision never hides the attack.
        return self.attack if share >= top else self.attack * share / top if top else 0.0


def featurize(text: str, signals: Iterable[str] = ()) -> Features:
    """Features of ``text``; the same function serves training and inference."""
    folded = text.casefold()
    if folded.isascii():
        tokens = folded.translate(_ASCII_SEPARATORS).split()
    else:
        tokens = _WORD.findall(folded)
    if len(tokens) > _MAX_TOKENS:
        tokens = tokens[:_MAX_TOKENS]
    words = frozenset(tokens)
    return Features(
        words=words,
        bigrams=frozenset(zip(tokens, tokens[1:], strict=False)),
        stems=frozenset([w[:STEM] for w in words if len(w) > STEM]),
        signals=frozenset(signals),
        tokens=len(tokens),
    )


def evidence_group(f: Features) -> str:
    """The calibration group: ``s`` when a signal fired else ``n``, then ``short``/``long``."""
    return ("s" if f.signals else "n") + ("short" if f.tokens < SHORT_TOKENS else "long")


def _sum(weights: Mapping[Any, float], keys: frozenset[Any], floor: int) -> float:
    hits = weights.keys() & keys
    if not hits:
        return 0.0
    return sum(map(weights.__getitem__, hits)) / math.sqrt(max(len(keys), floor))


def _sum_vec(
    weights: Mapping[Any, tuple[float, ...]], keys: frozenset[Any], floor: int, out: list[float]
) -> None:
    hits = weights.keys() & keys
    if not hits:
        return
    scale = 1.0 / math.sqrt(max(len(keys), floor))
    for k in hits:
        for i, v in enumerate(weights[k]):
            out[i] += v * scale


def _pair(key: str) -> tuple[str, str]:
    a, _, b = key.partition(" ")
    return (a, b)


def _vectors(raw: Mapping[str, list[float]]) -> dict[str, tuple[float, ...]]:
    # Tuples of floats, unlike lists, drop out of the garbage collector's tracking, so
    # tens of thousands of weight vectors do not slow every full collection.
    return {k: tuple(v) for k, v in raw.items()}


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class InjectionModel:
    """The parsed weights; immutable after construction, so safe to share across threads."""

    def __init__(self, payload: Mapping[str, Any]) -> None:
        if payload.get("format") != MODEL_FORMAT:
            raise ConfigError(
                f"injection model: format must be {MODEL_FORMAT!r}; rebuild it with "
                "scripts/train_injection_classifier.py"
            )
        self._floor = int(payload["floor"])
        attack = payload["attack"]
        self._bias = float(attack["bias"])
        self._platt: dict[str, tuple[float, float]] = {
            g: (float(ab[0]), float(ab[1])) for g, ab in attack["platt"].items()
        }
        self._word: dict[str, float] = dict(attack["word"])
        self._bigram: dict[tuple[str, str], float] = {
            _pair(k): float(v) for k, v in attack["bigram"].items()
        }
        self._stem: dict[str, float] = dict(attack.get("stem", {}))
        self._signal: dict[str, float] = dict(attack["signal"])
        cat = payload["category"]
        if tuple(cat["classes"]) != CATEGORIES:
            raise ConfigError(f"injection model: category classes must be {CATEGORIES}")
        self._cat_bias: list[float] = [float(b) for b in cat["bias"]]
        self._cat_word: dict[str, tuple[float, ...]] = _vectors(cat["word"])
        self._cat_bigram: dict[tuple[str, str], tuple[float, ...]] = {
            _pair(k): tuple(v) for k, v in cat["bigram"].items()
        }
        self._cat_stem: dict[str, tuple[float, ...]] = _vectors(cat.get("stem", {}))
        self._cat_signal: dict[str, tuple[float, ...]] = _vectors(cat["signal"])
        self.meta: Mapping[str, Any] = dict(payload.get("meta", {}))

    def decision(self, f: Features) -> float:
        """The raw (uncalibrated) attack decision value."""
        floor = self._floor
        signal = self._signal
        return (
            self._bias
            + _sum(self._word, f.words, floor)
            + _sum(self._bigram, f.bigrams, floor)
            + _sum(self._stem, f.stems, floor)
            + sum([signal.get(s, 0.0) for s in f.signals])
        )

    def calibrate(self, decision: float, group: str) -> float:
        """Probability of an attack for ``decision`` in calibration ``group``."""
        a, b = self._platt[group]
        return _sigmoid(a * decision + b)

    def attack(self, f: Features) -> float:
        """Calibrated attack probability of ``f``."""
        return self.calibrate(self.decision(f), evidence_group(f))

    def categories(self, f: Features) -> dict[str, float]:
        """Softmax shares of the three attack categories."""
        floor = self._floor
        out = list(self._cat_bias)
        _sum_vec(self._cat_word, f.words, floor, out)
        _sum_vec(self._cat_bigram, f.bigrams, floor, out)
        _sum_vec(self._cat_stem, f.stems, floor, out)
        for s in f.signals:
            w = self._cat_signal.get(s)
            if w is not None:
                for i, v in enumerate(w):
                    out[i] += v
        top = max(out)
        exps = [math.exp(v - top) for v in out]
        total = sum(exps)
        return {c: e / total for c, e in zip(CATEGORIES, exps, strict=True)}

    def score(self, f: Features) -> ClassifierScore:
        return ClassifierScore(attack=self.attack(f), categories=self.categories(f))


def load_model(package: str = "aimds.detectors", name: str = "injection_model") -> InjectionModel:
    """Read, verify (SHA-256) and parse the shipped weights.

    Raises :class:`ConfigError` naming the file when it is missing, altered or malformed.
    """
    return load_json_weights(
        package,
        name,
        what="injection model",
        script="scripts/train_injection_classifier.py",
        build=InjectionModel,
    )


class LazyModel:
    """Loads the model on first use, once, under a lock (double-checked)."""

    def __init__(self, package: str = "aimds.detectors", name: str = "injection_model") -> None:
        self._package = package
        self._name = name
        self._lock = threading.Lock()
        self._model: InjectionModel | None = None

    @classmethod
    def of(cls, model: InjectionModel) -> LazyModel:
        """A holder of an already parsed model (evaluation scripts, tests)."""
        holder = cls()
        holder._model = model
        return holder

    def get(self) -> InjectionModel:
        model = self._model
        if model is None:
            with self._lock:
                model = self._model
                if model is None:
                    model = load_model(self._package, self._name)
                    self._model = model
        return model
