"""Decoders: text hidden in base64, hex, ROT13, URL encoding and HTML entities.

A decoder only reports a result that *reads as text* (printable, mostly words of a small
English list), so the ordinary base64 and hex of real documents (images, hashes, UUIDs,
keys, JWT headers) decode to nothing. Each candidate costs one regex match; work is bounded
by a :class:`Budget` (segments, decoded characters) and the nesting depth.

``notable`` says whether the encoding itself is a sign of hiding: base64, hex and ROT13
prose always are; URL encoding and HTML entities only when they encode letters and digits
that never need encoding (``%69%67%6E``, ``&#105;&#103;``), not ``%20`` or ``&amp;``.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from aimds.text.charclass import class_table, mapped
from aimds.text.words import COMMON, word_ratio

__all__ = ["DECODERS", "Budget", "Decoded", "decode_all"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Decoded:
    """One decoded segment; ``start``/``end`` index the text it was found in."""

    encoding: str
    text: str
    start: int
    end: int
    notable: bool
    depth: int = 1


class Budget:
    """What is left of the decoding allowance of one text (one per call, never shared)."""

    __slots__ = ("chars", "segments")

    def __init__(self, *, segments: int, chars: int) -> None:
        self.segments = segments
        self.chars = chars

    def take(self, size: int) -> bool:
        if self.segments <= 0 or size > self.chars:
            return False
        self.segments -= 1
        self.chars -= size
        return True


_B64 = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_HEXISH = re.compile(r"[0-9A-Fa-f-]+")
_HEX = re.compile(
    r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){8,}(?![0-9A-Fa-f])"
    r"|(?:\\x[0-9A-Fa-f]{2}){4,}"
    r"|(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}[ :,-]){7,}[0-9A-Fa-f]{2}(?![0-9A-Fa-f])"
)
_HEX_DIGITS = re.compile(r"[0-9A-Fa-f]{2}")
_STRETCH = re.compile(r"[A-Za-z][A-Za-z ,.'!?;:-]{14,}")
_ROT13 = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
)
_URL = re.compile(r"(?:[^\s%]*%[0-9A-Fa-f]{2}){3,}[^\s%]*")
_URL_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_NUMERIC_ENTITY = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9A-Fa-f]{1,6}));")
_MIN_NOTABLE_ESCAPES = 3
_MIN_HEX_BYTES = 8
_ENTITY_GAP = 3
_B64_CHARS = class_table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-")
_MIN_B64_RUN = 16  # what _B64 itself asks for
_HEX_LEAD_ONLY = bytes(b for b in range(256) if b not in b"234567")


def _reads_as_text(text: str) -> bool:
    """Printable, mostly letters and spaces, and mostly common English words."""
    if len(text) < 4 or not all(ch.isprintable() or ch in "\n\t\r" for ch in text):
        return False
    letters = sum(ch.isalpha() or ch == " " for ch in text)
    if letters < 0.6 * len(text):
        return False
    ratio, count = word_ratio(text)
    if count >= 2:
        return ratio >= 0.3
    return text.strip().lower() in COMMON and len(text.strip()) >= 4


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _has_b64_run(text: str, min_chars: int) -> bool:
    """Is there a run of base64 characters long enough to be a candidate? One C-speed
    sweep; ordinary prose (short words) answers no."""
    # a candidate is a run of at least 16 base64 characters plus up to two "=" of padding
    return b"1" * max(min_chars - 2, _MIN_B64_RUN) in mapped(text, _B64_CHARS)


def _base64(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    if not _has_b64_run(text, min_chars):
        return
    jwts = [j.span() for j in _JWT.finditer(text)] if "eyJ" in text else []
    for m in _B64.finditer(text):
        token = m.group()
        if len(token) < min_chars or token.startswith("eyJ") or _HEXISH.fullmatch(token):
            continue
        if jwts and any(a <= m.start() < b for a, b in jwts):
            continue
        body = token.rstrip("=")
        urlsafe = "-" in body or "_" in body
        if urlsafe and ("+" in body or "/" in body):
            continue
        padded = body + "=" * (-len(body) % 4)
        try:
            data = (
                base64.urlsafe_b64decode(padded)
                if urlsafe
                else base64.b64decode(padded, validate=True)
            )
        except (binascii.Error, ValueError):
            continue
        decoded = _utf8(data)
        if decoded is not None and (_reads_as_text(decoded) or _wraps_text(decoded, min_chars)):
            yield decoded, m.start(), m.end(), True


def _wraps_text(decoded: str, min_chars: int) -> bool:
    """True when ``decoded`` is itself one base64 or hex token holding text (nesting)."""
    if len(decoded) < min_chars or not decoded.isascii() or any(c.isspace() for c in decoded):
        return False
    return any(True for _ in _base64(decoded, min_chars)) or any(
        True for _ in _hex(decoded, min_chars)
    )


def _hex(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    # each hex-encoded printable ASCII byte starts with a digit 2-7
    if len(text.encode("utf-8", "surrogatepass").translate(None, _HEX_LEAD_ONLY)) < _MIN_HEX_BYTES:
        return
    for m in _HEX.finditer(text):
        token = m.group()
        if len(token) < min_chars:
            continue
        data = bytes.fromhex("".join(_HEX_DIGITS.findall(token.replace("\\x", ""))))
        decoded = _utf8(data)
        if decoded is not None and (_reads_as_text(decoded) or _wraps_text(decoded, min_chars)):
            yield decoded, m.start(), m.end(), True


def _rot13(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    # English is rich in e and t; its ROT13 in r and g. Skip texts that are plainly English.
    lower = text.lower()
    if 2 * (lower.count("r") + lower.count("g")) < lower.count("e") + lower.count("t"):
        return
    for m in _STRETCH.finditer(text):
        stretch = m.group()
        if len(stretch) < min_chars:
            continue
        ratio, count = word_ratio(stretch)
        if count < 3 or ratio >= 0.34:
            continue
        decoded = stretch.translate(_ROT13)
        new_ratio, _ = word_ratio(decoded)
        if new_ratio >= 0.5 and new_ratio >= ratio + 0.3:
            yield decoded, m.start(), m.end(), True


def _url(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    if text.count("%") < _MIN_NOTABLE_ESCAPES:
        return
    for m in _URL.finditer(text):
        token = m.group()
        decoded = unquote(token, errors="replace")
        if decoded == token:
            continue
        needless = sum(1 for e in _URL_ESCAPE.findall(token) if chr(int(e, 16)).isalnum())
        yield decoded, m.start(), m.end(), needless >= _MIN_NOTABLE_ESCAPES


def _html(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    if text.count("&") < _MIN_NOTABLE_ESCAPES:
        return
    cluster: list[re.Match[str]] = []
    for m in _ENTITY.finditer(text):
        if cluster and m.start() - cluster[-1].end() > _ENTITY_GAP:
            yield from _html_cluster(text, cluster)
            cluster = []
        cluster.append(m)
    if cluster:
        yield from _html_cluster(text, cluster)


def _html_cluster(text: str, cluster: list[re.Match[str]]) -> Iterator[tuple[str, int, int, bool]]:
    if len(cluster) < _MIN_NOTABLE_ESCAPES:
        return
    start, end = cluster[0].start(), cluster[-1].end()
    segment = text[start:end]
    decoded = html.unescape(segment)
    if decoded == segment:
        return
    needless = 0
    for m in _NUMERIC_ENTITY.finditer(segment):
        cp = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
        if cp < 0x110000 and chr(cp).isalnum():
            needless += 1
    yield decoded, start, end, needless >= _MIN_NOTABLE_ESCAPES


DECODERS: dict[str, Callable[[str, int], Iterator[tuple[str, int, int, bool]]]] = {
    "base64": _base64,
    "hex": _hex,
    "rot13": _rot13,
    "url": _url,
    "html": _html,
}
"""Decoder name -> function yielding ``(decoded, start, end, notable)`` for a text."""


def decode_all(
    text: str,
    names: tuple[str, ...],
    *,
    budget: Budget,
    max_depth: int,
    min_chars: int,
) -> list[Decoded]:
    """Every segment the named decoders find in ``text``, nested decodings included
    (their spans are those of the outermost segment)."""
    found: list[Decoded] = []
    if (
        len(text) < min_chars
        and text.count("%") < _MIN_NOTABLE_ESCAPES
        and text.count("&") < _MIN_NOTABLE_ESCAPES
    ):
        # base64, hex and ROT13 segments are at least min_chars long; URL and HTML
        # decoding need that many escapes: a short plain text holds nothing to decode
        return found
    _decode_into(text, names, budget, max_depth, min_chars, 1, None, found)
    return found


def _decode_into(
    text: str,
    names: tuple[str, ...],
    budget: Budget,
    max_depth: int,
    min_chars: int,
    depth: int,
    outer: tuple[int, int] | None,
    found: list[Decoded],
) -> None:
    if depth > max_depth:
        return
    for name in names:
        for decoded, start, end, notable in DECODERS[name](text, min_chars):
            if not budget.take(len(decoded)):
                return
            span = outer if outer is not None else (start, end)
            found.append(
                Decoded(
                    encoding=name,
                    text=decoded,
                    start=span[0],
                    end=span[1],
                    notable=notable,
                    depth=depth,
                )
            )
            _decode_into(decoded, names, budget, max_depth, min_chars, depth + 1, span, found)
