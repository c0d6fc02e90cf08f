"""Near-duplicate sketches of texts: bottom-k MinHash over word shingles.

A text becomes the set of its word ``n``-grams (``SHINGLE`` words, over the *folded* view
of :mod:`aimds.text.views`, so case, accents, leetspeak, homoglyphs and invisible
characters do not change it); each shingle is hashed once to 32 bits (CRC-32 of its
UTF-8: the same in every process and on every machine, so seeds are built once and
shipped, and five times cheaper than a cryptographic hash; nothing here needs one, since
rewording an attack evades a near-duplicate index anyway). The sketch keeps the ``K``
smallest hashes, sorted: a uniform sample of the shingle set from which the Jaccard
similarity of two texts is estimated (:func:`similarity`, Broder's bottom-k estimator).

A sketch says nothing readable about its text, and at most ``K`` shingle hashes of it: it
is what the shipped seeds hold instead of the attack texts. Long texts are sketched in
overlapping windows of ``WINDOW`` words (:func:`window_sketches`), so an attack planted in
a long document is compared with the attack, not diluted by the document.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

__all__ = [
    "K",
    "MAX_WINDOWS",
    "SHINGLE",
    "WINDOW",
    "Sketch",
    "shingle_hashes",
    "sketch",
    "sketch_of_words",
    "similarity",
    "window_sketches",
    "words",
]

K = 64
"""Hashes kept per sketch; the estimate's standard error is about ``sqrt(J(1-J)/K)``."""
SHINGLE = 3
"""Words per shingle."""
WINDOW = 80
"""Words per window of a long text; windows overlap by half."""
MAX_WINDOWS = 24
"""At most this many windows per text (about 1,000 words are compared; the rest of a very
long text is not, which the memory documents)."""

Sketch = tuple[int, ...]
"""The ``K`` (or fewer, for short texts) smallest shingle hashes, ascending."""

_WORD = re.compile(r"\w+")
_crc32 = zlib.crc32


def words(folded: str) -> list[str]:
    """The words of an already folded text (runs of letters, digits and ``_``)."""
    return _WORD.findall(folded)


def _hash_list(tokens: Sequence[str]) -> list[int]:
    """The hash of each shingle, in order (one shingle of all words for a short text)."""
    n = len(tokens)
    if n == 0:
        return []
    if n <= SHINGLE:
        return [_crc32(" ".join(tokens).encode("utf-8", "surrogatepass"))]
    return [
        _crc32(" ".join(tokens[i : i + SHINGLE]).encode("utf-8", "surrogatepass"))
        for i in range(n - SHINGLE + 1)
    ]


def shingle_hashes(tokens: Sequence[str]) -> set[int]:
    """The 32-bit hashes of the ``SHINGLE``-word shingles of ``tokens`` (a shorter text is
    one shingle of all its words; no words, no shingles)."""
    return set(_hash_list(tokens))


def sketch_of_words(tokens: Sequence[str]) -> Sketch:
    """The bottom-``K`` sketch of a word sequence."""
    return tuple(sorted(shingle_hashes(tokens))[:K])


def sketch(folded: str) -> Sketch:
    """The bottom-``K`` sketch of a folded text (see :func:`window_sketches` for long ones)."""
    return sketch_of_words(words(folded))


def window_sketches(tokens: Sequence[str]) -> list[Sketch]:
    """One sketch for a text of at most ``WINDOW`` words, else one per window of
    ``WINDOW`` words stepping by half a window (at most ``MAX_WINDOWS``).

    Each window's sketch equals :func:`sketch_of_words` of its words; every shingle is
    hashed once, however many windows hold it.
    """
    if len(tokens) <= WINDOW:
        return [sketch_of_words(tokens)]
    step = WINDOW // 2
    tokens = tokens[: (MAX_WINDOWS - 1) * step + WINDOW]
    hashes = _hash_list(tokens)
    span = WINDOW - SHINGLE + 1  # shingles per full window
    return [
        tuple(sorted(set(hashes[start : start + span]))[:K])
        for start in range(0, len(tokens) - step, step)
    ][:MAX_WINDOWS]


def similarity(a: Sketch, b: Sketch) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two sketches (0..1).

    The ``K`` smallest hashes of the union are a uniform sample of it; the share of them
    found in both sketches estimates ``|A & B| / |A | B|``. Exact when both texts have at
    most ``K`` shingles.
    """
    if not a or not b:
        return 0.0
    sa, sb = set(a), set(b)
    union = sorted(sa | sb)[:K]
    both = sum(1 for h in union if h in sa and h in sb)
    return both / len(union)
