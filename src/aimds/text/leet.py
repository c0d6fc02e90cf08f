"""Leetspeak and spaced-out letters, collapsed for signature matching (folded view only).

``i g n o r e`` and ``i.g.n.o.r.e`` become ``ignore`` (``i g n o r e   a l l``: ``ignore
all``); ``1gn0r3`` and ``p@ssw0rd`` become ``ignore`` and ``password``. Both run on
lower-case text. Collapsing is generous (the folded view is for matching, and ``h2o``
reading as ``h2o`` or ``20`` as ``20`` costs nothing), but a *mark* is left only where the
result is a known word of at least four letters, so ordinary numbers, versions and
identifiers are not reported.
"""

from __future__ import annotations

import re

from aimds.text.charclass import mapped
from aimds.text.marks import MarkLog
from aimds.text.offsets import EditLog, SpanMap
from aimds.text.words import COMMON

__all__ = ["collapse_spaced", "has_spaced_run", "unleet"]

# one letter or digit, then the same separator before each of at least three more; or,
# spaced by single spaces, words apart by two or more (``y o u   a r e``); or a short word
# of letters apart by one symbol (``y.o.u``) next to such runs
_SPACED = re.compile(
    r"(?<![a-z0-9])[a-z0-9]( )[a-z0-9](?: [a-z0-9]| {2,}[a-z0-9](?= [a-z0-9])){2,}(?![a-z0-9])"
    r"|(?<![a-z0-9])[a-z0-9]([ .\-_*~|/+:])[a-z0-9](?:\2[a-z0-9]){2,}(?![a-z0-9])"
)
_SHORT_SPACED = re.compile(
    r"(?<![a-z0-9])(?<![a-z0-9][.\-_*~|/+:])[a-z]([.\-_*~|/+:])[a-z]\1[a-z](?!\1?[a-z0-9])"
)
_WORD_GAP = re.compile(r" {2,}")
_SEPARATORS = " .-_*~|/+:"
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# separators -> "1", letters and digits -> "2": a spaced run shows as b"12121"
_SPACED_TABLE = bytes(
    0x31 if chr(b) in _SEPARATORS else 0x32 if chr(b) in _ALNUM else 0x2E for b in range(256)
)
_LEET_CHAR = re.compile(r"[013457@$!|+]")
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@$!|+")
_TOKEN_TABLE = bytes(
    0x4C if chr(b) in "013457@$!|+" else 0x31 if chr(b) in _TOKEN_CHARS else 0x2E
    for b in range(256)
)
"""A leet character (:data:`_LEET_CHAR`) -> ``b"L"``, any other token character -> ``b"1"``,
anything else -> ``b"."``: on ASCII text, leet characters and token bounds by ``bytes.find``."""
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
        "+": "t",
    }
)
_EDGE_SYMBOLS = "!|+"
_TWO_LETTERS = re.compile(r"[a-z][^a-z]*[a-z]")
_MIN_WORD = 4
_SHORT_WORDS = frozenset(w for w in COMMON if len(w) <= 4 and w.isalpha())
_LONG_WORDS = tuple(sorted(w for w in COMMON if len(w) >= 5 and w.isalpha()))


def _known(word: str) -> bool:
    if len(word) < _MIN_WORD or not word.isalpha():
        return False
    if word in COMMON:
        return True
    return any(w in word for w in _LONG_WORDS)


def has_spaced_run(text: str) -> bool:
    """Could ``text`` (or its lower case) hold spaced-out letters? A necessary condition,
    checked in one C-speed sweep: separator, letter, separator, letter, separator."""
    return b"12121" in text.encode("utf-8", "surrogatepass").translate(_SPACED_TABLE)


def collapse_spaced(text: str, marks: MarkLog) -> tuple[str, SpanMap | None]:
    """Runs of single letters joined by one repeated separator, joined up."""
    if not has_spaced_run(text):
        return text, None
    parts: list[str] = []
    log = EditLog()
    pos = 0
    last = 0
    matches = list(_SPACED.finditer(text))
    if matches and any(m.group(2) for m in matches):
        # words of three letters between longer ones spaced by a symbol (``y.o.u``)
        matches = sorted([*matches, *_SHORT_SPACED.finditer(text)], key=lambda m: m.start())
    for m in matches:
        start, end = m.span()
        if m.group(1) == " ":  # spaces: two or more part words
            joined = " ".join(w.replace(" ", "") for w in _WORD_GAP.split(m.group()))
        else:
            sep = m.group(m.lastindex or 1)
            joined = m.group().replace(sep, "")
        parts.append(text[last:start])
        pos += start - last
        log.edit(pos, len(joined), start, end - start)
        parts.append(joined)
        pos += len(joined)
        last = end
        if any(_known(word.translate(_LEET)) for word in joined.split(" ")):
            marks.add("spaced", start, end)
    if not parts:
        return text, None
    parts.append(text[last:])
    return "".join(parts), log.freeze()


def _leet_tokens(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each token (a maximal run of :data:`_TOKEN_CHARS`) holding a leet
    character, left to right."""
    out: list[tuple[int, int]] = []
    if text.isascii():  # byte offsets are character offsets: C-speed finds, no regex
        classes = mapped(text, _TOKEN_TABLE)
        size = len(classes)
        at = classes.find(b"L")
        while at >= 0:
            start = classes.rfind(b".", 0, at) + 1
            end = classes.find(b".", at + 1)
            if end < 0:
                end = size
            out.append((start, end))
            at = classes.find(b"L", end)  # the token's other leet characters change nothing
        return out
    size = len(text)
    scanned = 0  # end of the last token looked at
    for m in _LEET_CHAR.finditer(text):
        start = m.start()
        if start < scanned:
            continue
        end = m.end()
        while start > 0 and text[start - 1] in _TOKEN_CHARS:
            start -= 1
        while end < size and text[end] in _TOKEN_CHARS:
            end += 1
        scanned = end
        out.append((start, end))
    return out


def unleet(text: str, marks: MarkLog) -> str:
    """Digits and symbols inside words read as the letters they imitate (same length)."""
    parts: list[str] = []
    last = 0
    for start, end in _leet_tokens(text):
        if end - start < 2:
            continue
        token = text[start:end]
        if token.isdigit():
            continue  # a number ("2024", "14"): read as it is, below too; most hits in prose
        stripped = token.lstrip(_EDGE_SYMBOLS)
        start += len(token) - len(stripped)
        token = stripped.rstrip(_EDGE_SYMBOLS)
        end = start + len(token)
        # tokens are ASCII: letters are a-z; with one letter, only a short common word
        # ("4r3", "n0"), never a number with a unit ("3d", "4k") or a number alone
        if _TWO_LETTERS.search(token) is None and (
            token.isdigit() or token.translate(_LEET) not in _SHORT_WORDS
        ):
            continue
        plain = token.translate(_LEET)
        if plain == token:
            continue
        parts.append(text[last:start])
        parts.append(plain)
        last = end
        if _known(plain) and not token.isalpha():
            marks.add("leet", start, end)
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)
