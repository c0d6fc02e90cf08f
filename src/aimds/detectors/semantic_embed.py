"""Static sentence embeddings for the semantic tier: WordPiece tokens, a distilled table, pooling.

The table (``data/semantic_embeddings.bin``) holds one int8 vector per WordPiece token of
all-MiniLM-L6-v2 (Apache-2.0; see ``data/semantic_NOTICE``), distilled by
``scripts/distill_static_embeddings.py``: the model's output for the token alone, reduced
by PCA and weighted by the token's SIF weight. A text's embedding is the mean of its
tokens' vectors; nothing is downloaded and nothing runs but table look-ups.

The tokeniser mirrors the model's ``BertTokenizer`` (lowercase, accents stripped, split on
whitespace and punctuation, CJK characters alone, greedy longest-match-first WordPiece
with ``##`` continuations, ``[UNK]`` for words over 100 characters or without a match).
Rare symbol classes (currency signs, other non-punctuation symbols) may split differently
from BERT; the table has a vector for every token either way.

Pure Python: vectors are ``array('b')`` rows, sums run through ``map`` in C. The file's
SHA-256 is checked against the ``.sha256`` beside it before anything is parsed.
"""

from __future__ import annotations

import hashlib
import json
import math
import operator
import re
import struct
import unicodedata
from array import array
from collections.abc import Sequence
from importlib import resources

from aimds.errors import ConfigError

__all__ = [
    "EmbeddingTable",
    "cosine",
    "load_table",
    "parse_table",
    "verified_bytes",
    "words",
]

MAGIC = b"AIMDSEMB"
FORMAT = "aimds.static_embeddings/1"
_MAX_WORD = 100
_WORD_CACHE = 50_000
_EMBED_CACHE = 1_024
_ASCII_WORDS = re.compile(r"[a-z0-9]+|[!-/:-@\[-`{-~]")
_CJK = re.compile(
    "([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df\U0002a700-\U0002ebef])"
)


def _fold(text: str) -> str:
    """Lowercase and strip accents as BERT's uncased tokeniser does."""
    low = text.lower()
    if low.isascii():
        return low
    low = _CJK.sub(r" \1 ", low)
    return "".join(c for c in unicodedata.normalize("NFD", low) if unicodedata.category(c) != "Mn")


def _is_punct(c: str) -> bool:
    o = ord(c)
    return (
        33 <= o <= 47
        or 58 <= o <= 64
        or 91 <= o <= 96
        or 123 <= o <= 126
        or (unicodedata.category(c).startswith("P"))
    )


def words(text: str) -> list[str]:
    """The basic tokens (words and single punctuation marks) of ``text``, folded."""
    folded = _fold(text)
    if folded.isascii():
        return _ASCII_WORDS.findall(folded)
    out: list[str] = []
    cur: list[str] = []
    for c in folded:
        if c.isspace():
            if cur:
                out.append("".join(cur))
                cur = []
        elif _is_punct(c):
            if cur:
                out.append("".join(cur))
                cur = []
            out.append(c)
        elif c == "\ufffd" or unicodedata.category(c) in ("Cc", "Cf"):
            continue  # BERT drops control and format characters (zero-width, bidi marks)
        else:
            cur.append(c)
    if cur:
        out.append("".join(cur))
    return out


class EmbeddingTable:
    """The parsed table; immutable after construction but for two bounded caches.

    Thread-safe: the caches (words to ids, texts to embeddings) are dicts whose single
    assignments are atomic, and a race only computes the same entry twice.
    """

    def __init__(self, header: dict[str, object], rows: bytes) -> None:
        if header.get("format") != FORMAT:
            raise ConfigError(
                f"semantic embeddings: format must be {FORMAT!r}; rebuild them with "
                "scripts/distill_static_embeddings.py"
            )
        dims = header["dims"]
        vocab = header["vocab"]
        scales = header["scales"]
        if not (isinstance(dims, int) and isinstance(vocab, list) and isinstance(scales, list)):
            raise ConfigError("semantic embeddings: header lacks dims, vocab or scales")
        if len(scales) != dims or len(rows) != dims * len(vocab):
            raise ConfigError("semantic embeddings: table size does not match its header")
        self.dims: int = dims
        self.scales: tuple[float, ...] = tuple(float(s) for s in scales)
        self.vocab: dict[str, int] = {str(t): i for i, t in enumerate(vocab)}
        self.size = len(vocab)
        self.unk: int = self.vocab["[UNK]"]
        self._rows = array("b", rows)
        self._max_piece = max(len(t) for t in self.vocab)
        self._cache: dict[str, tuple[int, ...]] = {}
        self._embeds: dict[str, tuple[float, ...]] = {}

    def row(self, token: int) -> array[int]:
        """The int8 row of ``token`` (multiply by :attr:`scales` for the vector)."""
        d = self.dims
        return self._rows[token * d : token * d + d]

    def project(self, weights: Sequence[float], token: int) -> float:
        """``vector(token) . weights`` (a linear model's share of one token)."""
        w = [a * s for a, s in zip(weights, self.scales, strict=True)]
        return float(sum(map(operator.mul, w, self.row(token))))

    def token_ids(self, word: str) -> tuple[int, ...]:
        """WordPiece ids of one basic token, cached."""
        ids = self._cache.get(word)
        if ids is None:
            ids = self._wordpiece(word)
            if len(self._cache) >= _WORD_CACHE:
                self._cache.clear()
            self._cache[word] = ids
        return ids

    def _wordpiece(self, word: str) -> tuple[int, ...]:
        vocab = self.vocab
        whole = vocab.get(word)
        if whole is not None:
            return (whole,)
        if len(word) > _MAX_WORD:
            return (self.unk,)
        out: list[int] = []
        start, n = 0, len(word)
        while start < n:
            end = min(n, start + self._max_piece)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return (self.unk,)
            out.append(found)
            start = end
        return tuple(out)

    def tokenize(self, text: str) -> list[int]:
        """WordPiece ids of ``text`` (no ``[CLS]``/``[SEP]``)."""
        out: list[int] = []
        for w in words(text):
            out.extend(self.token_ids(w))
        return out

    def embed_ids(self, ids: Sequence[int]) -> list[float]:
        """The L2-normalised mean of the tokens' vectors (all zeros for no tokens)."""
        d = self.dims
        acc = [0] * d
        rows = self._rows
        for t in ids:
            acc = list(map(operator.add, acc, rows[t * d : t * d + d]))
        vec = [a * s for a, s in zip(acc, self.scales, strict=True)]
        norm = math.sqrt(sum(v * v for v in vec))
        return [v / norm for v in vec] if norm > 0 else vec

    def embed(self, text: str) -> tuple[float, ...]:
        """The normalised embedding of ``text``, cached (a session's request repeats)."""
        vec = self._embeds.get(text)
        if vec is None:
            vec = tuple(self.embed_ids(self.tokenize(text)))
            if len(self._embeds) >= _EMBED_CACHE:
                self._embeds.clear()
            self._embeds[text] = vec
        return vec


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine of two L2-normalised vectors (0.0 when either is all zeros)."""
    return float(sum(map(operator.mul, a, b)))


def parse_table(blob: bytes, name: str) -> EmbeddingTable:
    """The table in ``blob`` (already verified); :class:`ConfigError` when malformed."""
    if blob[: len(MAGIC)] != MAGIC or len(blob) < len(MAGIC) + 4:
        raise ConfigError(f"semantic embeddings {name} has no AIMDSEMB header; rebuild it")
    (hlen,) = struct.unpack_from("<I", blob, len(MAGIC))
    start = len(MAGIC) + 4
    try:
        header = json.loads(blob[start : start + hlen])
    except ValueError:
        raise ConfigError(
            f"semantic embeddings {name} has a malformed header; rebuild it"
        ) from None
    if not isinstance(header, dict):
        raise ConfigError(f"semantic embeddings {name} has a malformed header; rebuild it")
    try:
        return EmbeddingTable(header, blob[start + hlen :])
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError(
            f"semantic embeddings {name} are malformed ({type(exc).__name__}); rebuild them"
        ) from None


def verified_bytes(package: str, name: str, what: str, fix: str) -> bytes:
    """The bytes of ``data/name`` in ``package``, checked against ``data/<stem>.sha256``.

    Raises :class:`ConfigError` naming the file when it is missing or altered.
    """
    base = resources.files(package) / "data"
    stem = name.rsplit(".", 1)[0]
    try:
        data = (base / name).read_bytes()
        expected = (base / f"{stem}.sha256").read_text(encoding="ascii").split()[0]
    except (OSError, IndexError):
        raise ConfigError(
            f"{what} {name} or its .sha256 is missing from {package}; reinstall aimds or {fix}"
        ) from None
    if hashlib.sha256(data).hexdigest() != expected:
        raise ConfigError(
            f"{what} {name} does not match its recorded SHA-256; reinstall aimds or {fix}"
        )
    return data


def load_table(
    package: str = "aimds.detectors", name: str = "semantic_embeddings.bin"
) -> EmbeddingTable:
    """Read, verify (SHA-256) and parse the embedding table."""
    blob = verified_bytes(
        package, name, "semantic embeddings", "run scripts/distill_static_embeddings.py"
    )
    return parse_table(blob, name)
