"""The semantic tier's classifier: pieces of a text, their features, two logistic regressions.

A text is cut into *pieces* (:func:`pieces`): lines, and sentences within lines. Two heads
share one featurisation (:func:`featurize`):

* ``doc`` scores a whole text for being an attack (trained on whole rows);
* ``piece`` scores one piece for being an instruction addressed to the assistant (trained
  on pieces: every piece of a benign row and carrier-native sentences against generated
  planted instructions and the most suspicious piece of each attack row).

Features: the mean of the tokens' static embeddings (:mod:`aimds.detectors.semantic_embed`),
the embedding of the first token (imperatives and questions open with a telling word), and
a few lexical features (:data:`LEXICAL`).

Both heads are linear in the embeddings, so each token's share (``w . vector(token)``) is
computed once by ``scripts/train_semantic.py`` and shipped as float32 arrays beside the
weights; a piece then costs one look-up per token and no vector arithmetic. Loading
checks the file's SHA-256, that the model names the SHA-256 of the table it was trained on,
and recomputes a sample of the token shares from the weights and the table.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import sys
import threading
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aimds.detectors.semantic_embed import EmbeddingTable, parse_table, verified_bytes, words
from aimds.errors import ConfigError

__all__ = [
    "HEADS",
    "LEXICAL",
    "MODEL_FORMAT",
    "SHARED",
    "Features",
    "Head",
    "SemanticModel",
    "Shared",
    "featurize",
    "lexical",
    "load_model",
    "pieces",
    "sigmoid",
]

MODEL_FORMAT = "aimds.semantic_model/1"
HEADS = ("doc", "piece")
LEXICAL = ("second_person", "ai_ref", "question", "length", "punct_share")
_SECOND = frozenset({"you", "your", "yours", "yourself", "yourselves", "u"})
_AI = frozenset(
    {"assistant", "ai", "model", "chatbot", "bot", "gpt", "llm", "agent", "chatgpt", "system"}
)
_PIECE = re.compile(r"[^\s](?:[^\n]*?)(?:[.!?]+(?=\s)|(?=\n)|\Z)", re.DOTALL)
_MAX_PIECES = 400
_MAX_PIECE_CHARS = 1_000
_SPOT_CHECKS = 64
_TOLERANCE = 1e-3


@dataclass(frozen=True, slots=True)
class Features:
    """What the heads read of one text: its token ids and lexical features."""

    ids: tuple[int, ...]
    lexical: tuple[float, ...]


def pieces(text: str) -> list[tuple[int, int]]:
    """Spans of the lines and sentences of ``text`` (long ones cut at 1,000 characters).

    At most 400 pieces; the detector bounds the text it passes in.
    """
    out: list[tuple[int, int]] = []
    for m in _PIECE.finditer(text):
        start, end = m.span()
        while end - start > _MAX_PIECE_CHARS:
            out.append((start, start + _MAX_PIECE_CHARS))
            start += _MAX_PIECE_CHARS
        out.append((start, end))
        if len(out) >= _MAX_PIECES:
            break
    return out


def lexical(ws: Sequence[str], text: str) -> tuple[float, ...]:
    """The lexical features (:data:`LEXICAL`) of a text and its basic words."""
    n = len(ws)
    if not n:
        return (0.0,) * len(LEXICAL)
    alnum = sum(1 for w in ws if w[0].isalnum())
    return (
        1.0 if not _SECOND.isdisjoint(ws) else 0.0,
        1.0 if not _AI.isdisjoint(ws) else 0.0,
        1.0 if text.rstrip().endswith("?") else 0.0,
        math.log1p(n) / 5.0,
        1.0 - alnum / n,
    )


def featurize(table: EmbeddingTable, text: str) -> Features:
    """Token ids and lexical features of ``text`` (the same for training and inference)."""
    ws = words(text)
    ids: list[int] = []
    for w in ws:
        ids.extend(table.token_ids(w))
    return Features(ids=tuple(ids), lexical=lexical(ws, text))


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _floats(encoded: str, size: int) -> array[float]:
    out = array("f")
    out.frombytes(base64.b64decode(encoded, validate=True))
    if sys.byteorder != "little":
        out.byteswap()
    if len(out) != size:
        raise ValueError("token scores do not cover the vocabulary")
    return out


class Head:
    """One logistic regression: bias, lexical weights and per-token shares."""

    def __init__(self, raw: dict[str, Any], table: EmbeddingTable, name: str) -> None:
        self.bias = float(raw["bias"])
        self.lexical_w = tuple(float(v) for v in raw["lexical"])
        if len(self.lexical_w) != len(LEXICAL):
            raise ValueError("lexical weights")
        mean_w = [float(v) for v in raw["mean"]]
        first_w = [float(v) for v in raw["first"]]
        self.mean: array[float] = _floats(raw["mean_scores"], table.size)
        self.first: array[float] = _floats(raw["first_scores"], table.size)
        step = max(1, table.size // _SPOT_CHECKS)
        for t in range(0, table.size, step):
            if (
                abs(table.project(mean_w, t) - self.mean[t]) > _TOLERANCE
                or abs(table.project(first_w, t) - self.first[t]) > _TOLERANCE
            ):
                raise ConfigError(
                    f"semantic model head {name!r}: token scores disagree with its weights; "
                    "rebuild it with scripts/train_semantic.py"
                )

    def logit(self, f: Features) -> float:
        """The decision value of one text."""
        ids = f.ids
        z = self.bias + sum(w * x for w, x in zip(self.lexical_w, f.lexical, strict=True))
        if not ids:
            return z
        return z + sum(map(self.mean.__getitem__, ids)) / len(ids) + self.first[ids[0]]

    def probability(self, f: Features) -> float:
        return sigmoid(self.logit(f))


class SemanticModel:
    """The table and both heads; immutable after construction, so thread-safe."""

    def __init__(self, payload: dict[str, Any], table: EmbeddingTable, table_sha: str) -> None:
        if payload.get("format") != MODEL_FORMAT:
            raise ConfigError(
                f"semantic model: format must be {MODEL_FORMAT!r}; rebuild it with "
                "scripts/train_semantic.py"
            )
        if payload.get("embeddings_sha256") != table_sha:
            raise ConfigError(
                "semantic model was trained on another embedding table; rebuild it with "
                "scripts/train_semantic.py"
            )
        if tuple(payload["lexical_names"]) != LEXICAL:
            raise ConfigError(f"semantic model: lexical features must be {LEXICAL}")
        self.table = table
        self.doc = Head(payload["heads"]["doc"], table, "doc")
        self.piece = Head(payload["heads"]["piece"], table, "piece")
        self.meta: dict[str, Any] = dict(payload.get("meta", {}))

    def features(self, text: str) -> Features:
        return featurize(self.table, text)


def load_model(package: str = "aimds.detectors") -> SemanticModel:
    """Read, verify and parse the table and the classifier (raises :class:`ConfigError`)."""
    blob = verified_bytes(
        package,
        "semantic_embeddings.bin",
        "semantic embeddings",
        "run scripts/distill_static_embeddings.py",
    )
    table = parse_table(blob, "semantic_embeddings.bin")
    data = verified_bytes(
        package, "semantic_model.json", "semantic model", "run scripts/train_semantic.py"
    )
    try:
        payload = json.loads(data)
        return SemanticModel(payload, table, hashlib.sha256(blob).hexdigest())
    except ConfigError:
        raise
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ConfigError(
            f"semantic model semantic_model.json is malformed ({type(exc).__name__}); rebuild it"
        ) from None


class Shared:
    """The model, loaded on first use, once, under a lock (double-checked).

    :data:`SHARED` is the process-wide instance detectors use by default; it holds nothing
    until the first scan, so importing this module reads no file.
    """

    def __init__(self, package: str = "aimds.detectors") -> None:
        self._package = package
        self._lock = threading.Lock()
        self._model: SemanticModel | None = None

    def get(self) -> SemanticModel:
        model = self._model
        if model is None:
            with self._lock:
                model = self._model
                if model is None:
                    model = load_model(self._package)
                    self._model = model
        return model


SHARED = Shared()
