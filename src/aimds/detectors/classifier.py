"""Layer 3 of the injection detector: a small linear classifier, pure-Python inference.

Two linear models share one featurisation (:func:`featurize`): an *attack* model (is this
an injection/jailbreak/prompt-leak attempt at all?) whose decision value is calibrated
with Platt scaling fitted on held-out folds of the training set, and a *category* model
(softmax over ``injection``, ``jailbreak``, ``prompt_leak``) that says which kind.

Features are binary and per-block L2-normalised: word unigrams and bigrams and character
4-grams over the case-folded words, plus the ids of the signatures and heuristics that
fired. Weights ship as JSON (no pickle), and the file's SHA-256 is checked against the
value recorded beside it before anything is parsed. ``scripts/train_injection_classifier.py``
rebuilds both files from the training set.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from aimds.errors import ConfigError

__all__ = [
    "CATEGORIES",
    "ClassifierScore",
    "Features",
    "InjectionModel",
    "LazyModel",
    "featurize",
    "load_model",
]

CATEGORIES = ("injection", "jailbreak", "prompt_leak")
MODEL_FORMAT = "aimds.injection_model/1"
_WORD = re.compile(r"\w+")
_MAX_TOKENS = 2_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Features:
    """The distinct features of one text window."""

    words: frozenset[str]
    bigrams: frozenset[str]
    chars: frozenset[str]
    signals: frozenset[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassifierScore:
    """The calibrated attack probability and the share of each category."""

    attack: float
    categories: Mapping[str, float]

    def score(self, category: str) -> float:
        """Calibrated probability that the text is an attack of ``category``."""
        share = self.categories.get(category, 0.0)
        top = max(self.categories.values(), default=0.0)
        # The most likely category carries the whole attack probability; the others
        # keep their relative share, so a split decision never hides the attack.
        return self.attack if share >= top else self.attack * share / top if top else 0.0


def featurize(text: str, signals: Iterable[str] = ()) -> Features:
    """Features of ``text``; the same function serves training and inference."""
    tokens = _WORD.findall(text.casefold())[:_MAX_TOKENS]
    joined = " " + " ".join(tokens) + " "
    return Features(
        words=frozenset(tokens),
        bigrams=frozenset([f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]),
        chars=frozenset([joined[i : i + 4] for i in range(len(joined) - 3)]),
        signals=frozenset(signals),
    )


def _block(weights: Mapping[str, float], keys: frozenset[str]) -> float:
    if not keys:
        return 0.0
    get = weights.get
    return sum([get(k, 0.0) for k in keys]) / math.sqrt(len(keys))


def _block_vec(weights: Mapping[str, list[float]], keys: frozenset[str], out: list[float]) -> None:
    if not keys:
        return
    scale = 1.0 / math.sqrt(len(keys))
    get = weights.get
    for k in keys:
        w = get(k)
        if w is not None:
            for i, v in enumerate(w):
                out[i] += v * scale


class InjectionModel:
    """The parsed weights; immutable after construction, so safe to share across threads."""

    def __init__(self, payload: Mapping[str, Any]) -> None:
        if payload.get("format") != MODEL_FORMAT:
            raise ConfigError(
                f"injection model: format must be {MODEL_FORMAT!r}; rebuild it with "
                "scripts/train_injection_classifier.py"
            )
        attack = payload["attack"]
        self._bias: float = float(attack["bias"])
        self._platt: tuple[float, float] = (float(attack["platt"][0]), float(attack["platt"][1]))
        self._word: dict[str, float] = dict(attack["word"])
        self._bigram: dict[str, float] = dict(attack["bigram"])
        self._char: dict[str, float] = dict(attack["char"])
        self._signal: dict[str, float] = dict(attack["signal"])
        cat = payload["category"]
        if tuple(cat["classes"]) != CATEGORIES:
            raise ConfigError(f"injection model: category classes must be {CATEGORIES}")
        self._cat_bias: list[float] = [float(b) for b in cat["bias"]]
        self._cat_word: dict[str, list[float]] = dict(cat["word"])
        self._cat_bigram: dict[str, list[float]] = dict(cat["bigram"])
        self._cat_signal: dict[str, list[float]] = dict(cat["signal"])
        self.meta: Mapping[str, Any] = dict(payload.get("meta", {}))

    def decision(self, f: Features) -> float:
        """The raw (uncalibrated) attack decision value."""
        return (
            self._bias
            + _block(self._word, f.words)
            + _block(self._bigram, f.bigrams)
            + _block(self._char, f.chars)
            + sum([self._signal.get(s, 0.0) for s in f.signals])
        )

    def calibrate(self, decision: float) -> float:
        a, b = self._platt
        z = a * decision + b
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def categories(self, f: Features) -> dict[str, float]:
        """Softmax shares of the three attack categories."""
        out = list(self._cat_bias)
        _block_vec(self._cat_word, f.words, out)
        _block_vec(self._cat_bigram, f.bigrams, out)
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
        return ClassifierScore(
            attack=self.calibrate(self.decision(f)), categories=self.categories(f)
        )


def load_model(package: str = "aimds.detectors", name: str = "injection_model") -> InjectionModel:
    """Read, verify (SHA-256) and parse the shipped weights.

    Raises :class:`ConfigError` naming the file when it is missing, altered or malformed.
    """
    base = resources.files(package) / "data"
    try:
        data = (base / f"{name}.json").read_bytes()
        expected = (base / f"{name}.sha256").read_text(encoding="ascii").split()[0]
    except (OSError, IndexError):
        raise ConfigError(
            f"injection model {name}.json or its .sha256 is missing from {package}; "
            "reinstall aimds or run scripts/train_injection_classifier.py"
        ) from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ConfigError(
            f"injection model {name}.json does not match its recorded SHA-256; "
            "reinstall aimds or rebuild it with scripts/train_injection_classifier.py"
        )
    try:
        return InjectionModel(json.loads(data))
    except ConfigError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"injection model {name}.json is malformed ({type(exc).__name__}); rebuild it"
        ) from None


class LazyModel:
    """Loads the model on first use, once, under a lock (double-checked)."""

    def __init__(self, package: str = "aimds.detectors", name: str = "injection_model") -> None:
        self._package = package
        self._name = name
        self._lock = threading.Lock()
        self._model: InjectionModel | None = None

    def get(self) -> InjectionModel:
        model = self._model
        if model is None:
            with self._lock:
                model = self._model
                if model is None:
                    model = load_model(self._package, self._name)
                    self._model = model
        return model
