"""Decoders: text hidden in base64, base32, base85/ASCII85, hex, ROT13, reversed writing,
Morse code, URL encoding, HTML entities, quoted-printable and backslash escapes (JSON
strings, ``\\u0069``).

A decoder reports only results that are *text* (valid UTF-8, printable, with letters), so
the ordinary base64 and hex of real documents (images, hashes, UUIDs, keys, binary blobs)
decode to nothing, while text in any language is kept for the detectors to judge. ROT13
and reversed writing have no alphabet of their own, so they are tried only where the text
reads as English after the transform and not before, behind cheap letter and
function-word counts. Each candidate costs one regex match; work is bounded
by a :class:`Budget` (segments, decoded characters) and the nesting depth.

``notable`` says whether the encoding itself is a sign of hiding: base64, hex and ROT13
prose always are; URL encoding, HTML entities, quoted-printable and backslash escapes only
when they encode letters and digits that never need encoding (``%69%67%6E``,
``&#105;&#103;``, ``=49=67``, ``\\u0069``), not ``%20``, ``&amp;``, ``=E2=80=99`` or ``\\"``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import html
import json
import quopri
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import unquote, unquote_plus

from aimds.text import identifiers
from aimds.text.charclass import class_table
from aimds.text.words import COMMON, bigram_share, word_ratio, words_in

__all__ = ["DECODERS", "MORSE", "Budget", "Decoded", "decode_all"]


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
_ROT13 = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
)
# a whitespace-delimited token holding an escape; anchored at token starts, so linear
_URL = re.compile(r"(?<!\S)\S*%[0-9A-Fa-f]{2}\S*")
_URL_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
# numeric entities without their ";" are read by every browser (``&#0073&#00103``)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9A-Fa-f]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};)")
_NUMERIC_ENTITY = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9A-Fa-f]{1,6}));?")
_MIN_NOTABLE_ESCAPES = 3
_ENTITY_GAP = 3
_B64_CHARS = class_table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-")
_MIN_B64_RUN = 16  # what _B64 itself asks for
# hex digits -> "1", separators of spaced hex -> "2", "\\" -> "3", "x" -> "4"
_HEX_CLASSES = bytes(
    0x31
    if chr(b) in "0123456789abcdefABCDEF"
    else 0x32
    if chr(b) in " :,-"
    else 0x33
    if b == 0x5C
    else 0x34
    if b == 0x78
    else 0x2E
    for b in range(256)
)
_HEX_RUNS = (b"1" * 16, b"3411" * 4, b"112" * 7 + b"11")  # what each form of _HEX needs
_B32 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Z2-7]{16,}={0,6}(?![A-Za-z0-9+/=])")
_B32_CHARS = class_table("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
# reversed English: function words and attack words written backwards ("eht" is "the")
_REVERSED_WORDS = """eht dna uoy ruoy ot fo lla si ni siht taht esaelp ti ym em rof htiw ton era
nac won erongi suoiverp snoitcurtsni tpmorp metsys terces"""
_REVERSED_HINTS = frozenset(w.encode() for w in _REVERSED_WORDS.split())
_MIN_REVERSED_HINTS = 2
# ROT13 English: the same, rotated ("gur" is "the")
_ROT13_WORDS = """gur naq lbh lbhe gb bs vf sbe nyy guvf gung zr zl jvgu abj abg vtaber
cerivbhf vafgehpgvbaf cebzcg flfgrz frperg cnffjbeq ehyrf"""
_ROT13_HINTS = frozenset(w.encode() for w in _ROT13_WORDS.split())
_TOKEN = re.compile(r"\S+")
_MIN_RUN_HITS = 2
_INVOLUTIONS = frozenset({"rot13", "reversed"})
_SYMBOLS = re.compile(r"[0-9@_/#$%&+=<>{}\[\]|\\]")


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


def _is_text(text: str) -> bool:
    """Does decoded data read as text at all (any language)? Valid UTF-8 is checked by
    the caller; here: printable but for a sprinkle, and holding letters. Binary (images,
    hashes, keys, random ids) almost never passes: it is rarely valid UTF-8, and then
    full of control characters."""
    if len(text) < 4 or text.isspace():
        return False
    if not text.isprintable():
        odd = sum(1 for ch in text if not ch.isprintable() and ch not in "\n\t\r")
        if odd > len(text) // 50:
            return False
    return any(ch.isalpha() for ch in text)


def _keep(decoded: str | None, min_chars: int) -> tuple[str, bool] | None:
    """``(text, notable)`` for decoded bytes worth a view: text in any language is judged
    by the detectors; it is *notable* (a sign of hiding) when it reads as prose or wraps
    another encoded text."""
    if decoded is None or not _is_text(decoded):
        return None
    return decoded, _reads_as_text(decoded) or _wraps_text(decoded, min_chars)


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


# -- gates: what a text must hold for a decoder to find anything in it ---------------------
# Each is one C-speed sweep over the text's UTF-8 bytes (see aimds.text.charclass), its
# words or a character count; the decoders start with their own gate, and decode_all asks
# every gate once, sharing the sweeps, before running any decoder.


def _utf8_of(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # what charclass.mapped translates


def _b64_gate(utf8: bytes, min_chars: int) -> bool:
    """A run of base64 characters long enough to be a candidate; ordinary prose (short
    words) has none."""
    # a candidate is a run of at least 16 base64 characters plus up to two "=" of padding
    return b"1" * max(min_chars - 2, _MIN_B64_RUN) in utf8.translate(_B64_CHARS)


def _hex_gate(utf8: bytes) -> bool:
    """A run long enough for one of the three forms of :data:`_HEX`."""
    classes = utf8.translate(_HEX_CLASSES)
    return _HEX_RUNS[0] in classes or _HEX_RUNS[1] in classes or _HEX_RUNS[2] in classes


def _b32_gate(utf8: bytes, min_chars: int) -> bool:
    return b"1" * max(min_chars, _MIN_B64_RUN) in utf8.translate(_B32_CHARS)


# ASCII letters -> lower case, any other byte -> space: the words of a text at C speed
_WORD_BYTES = bytes(
    b + 32 if 0x41 <= b <= 0x5A else b if 0x61 <= b <= 0x7A else 0x20 for b in range(256)
)


def _letter_words(text: str) -> list[bytes]:
    """The lower-case ASCII letter words of ``text`` (as UTF-8 bytes): punctuation, digits,
    hyphens and underscores part them (``abj.``, ``bhgchg-lbhe-cerivbhf``)."""
    return _utf8_of(text).translate(_WORD_BYTES).split()


def _rot13_gate(words: list[bytes]) -> bool:
    """ROT13 has no alphabet of its own: a rotated function word (plain English holds
    none of them)."""
    return not _ROT13_HINTS.isdisjoint(words)


def _reversed_gate(words: list[bytes]) -> bool:
    return len(_REVERSED_HINTS.intersection(words)) >= _MIN_REVERSED_HINTS


def _escapes_gate(text: str, escape: str) -> bool:
    """URL and HTML decoding need that many escapes to find anything."""
    return text.count(escape) >= _MIN_NOTABLE_ESCAPES


def _url_gate(text: str) -> bool:
    """URL decoding needs that many ``%XX`` escapes in one word, so at least as many in
    the text: percentages ("87.4% of runs") open nothing (one linear pass, not the token
    scan)."""
    return _escapes_gate(text, "%") and len(_URL_ESCAPE.findall(text)) >= _MIN_NOTABLE_ESCAPES


def _any_gate_open(text: str, names: tuple[str, ...], min_chars: int) -> bool:
    """Whether any of the named decoders' gates lets ``text`` through: where none does,
    no decoder can find anything (each would return at its own gate)."""
    utf8: bytes | None = None
    words: list[bytes] | None = None
    for name in names:
        if name == "url":
            if _url_gate(text) or text.count("+") >= _MIN_FORM_PLUSES:
                return True
        elif name == "html":
            if _escapes_gate(text, "&"):
                return True
        elif name == "quoted_printable":
            if _qp_gate(text):
                return True
        elif name == "escapes":
            if "\\" in text:
                return True
        elif name == "hyphenated":
            if "-" in text and "- " in text:  # a rare character first: one memchr
                return True
        elif name == "identifiers":
            continue  # decode_all looks for them apart (no other decoder need run)
        elif name == "morse":
            if "-" in text and (".-" in text or "-." in text):
                return True
        elif name == "rot13" or name == "reversed":
            if words is None:
                words = _letter_words(text)
            if _rot13_gate(words) if name == "rot13" else _reversed_gate(words):
                return True
            if name == "rot13" and _names_rot13(text):
                return True
        else:
            if utf8 is None:
                utf8 = _utf8_of(text)
            if name == "base64":
                if _b64_gate(utf8, min_chars):
                    return True
            elif name == "hex":
                if _hex_gate(utf8):
                    return True
            elif name == "base32":
                if _b32_gate(utf8, min_chars):
                    return True
            elif name == "base85":
                if "<~" in text or _b85_gate(utf8):
                    return True
            else:
                return True  # a decoder without a gate here: it must run
    return False


def _base64(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    if not _b64_gate(_utf8_of(text), min_chars):
        return
    jwts = [j.span() for j in _JWT.finditer(text)] if "eyJ" in text else []
    for a, b in jwts:  # header and claims are JSON: judged, never a sign of hiding
        for part in text[a:b].split(".")[:2]:
            decoded = _b64_bytes(part, urlsafe=True)
            kept = _keep(_utf8(decoded), min_chars) if decoded is not None else None
            if kept is not None:
                yield kept[0], a, b, False
    for group in _b64_groups(text):
        if len(group) > 1:  # lines of one wrapped token: read as one
            kept, end = _b64_wrapped(group, min_chars)
            if kept is not None:
                yield kept[0], group[0].start(), end, kept[1]
                continue
        for m in group:
            token = m.group()
            if len(token) < min_chars or _HEXISH.fullmatch(token):
                continue
            if jwts and any(a <= m.start() < b for a, b in jwts):
                continue
            kept = _b64_text(token, min_chars)
            if kept is not None:
                # the payload of a data: URI declares itself (data:text/plain;base64,...)
                declared = text.endswith("base64,", 0, m.start())
                yield kept[0], m.start(), m.end(), kept[1] and not declared


def _b64_wrapped(group: list[re.Match[str]], min_chars: int) -> tuple[tuple[str, bool] | None, int]:
    """The text of a wrapped token and where it ends. A last line that ends a multiple of 4
    looks wrapped too, so the short word after it (``Rated 4 out of 5``) was taken for its
    tail: when the whole group does not decode, it is read without its last part."""
    for parts in (group, group[:-1]) if len(group) > 2 else (group,):
        kept = _b64_text("".join(m.group() for m in parts), min_chars)
        if kept is not None:
            return kept, parts[-1].end()
    return None, 0


_B64_TAIL = re.compile(r"[A-Za-z0-9+/_-]{1,15}={0,2}(?![A-Za-z0-9+/=_-])")
_MIN_WRAP = 40  # MIME wraps base64 at 76 characters, PEM at 64, some tools at 60


def _b64_groups(text: str) -> Iterator[list[re.Match[str]]]:
    """The base64 candidates of ``text``, lines of one wrapped token grouped: a line whose
    length is a multiple of 4 (and at least :data:`_MIN_WRAP`, unpadded) continues on the
    next line (a single whitespace character away, as the views' whitespace is collapsed),
    whose last line may be short."""
    group: list[re.Match[str]] = []
    for m in _B64.finditer(text):
        if group and not (_wraps(group[-1], text) and m.start() == group[-1].end() + 1):
            yield _with_tail(group, text)
            group = []
        group.append(m)
    if group:
        yield _with_tail(group, text)


def _wraps(m: re.Match[str], text: str) -> bool:
    token = m.group()
    return (
        len(token) >= _MIN_WRAP
        and len(token) % 4 == 0
        and token[-1] != "="
        and text[m.end() : m.end() + 1].isspace()
    )


def _with_tail(group: list[re.Match[str]], text: str) -> list[re.Match[str]]:
    """``group`` and the short last line of its token, if it wraps onto one."""
    last = group[-1]
    tail = _B64_TAIL.match(text, last.end() + 1) if _wraps(last, text) else None
    return group if tail is None else [*group, tail]


def _b64_text(token: str, min_chars: int) -> tuple[str, bool] | None:
    body = token.rstrip("=")
    urlsafe = "-" in body or "_" in body
    if urlsafe and ("+" in body or "/" in body):
        return None
    data = _b64_bytes(body, urlsafe=urlsafe)
    return _keep(_utf8(data), min_chars) if data is not None else None


def _b64_bytes(body: str, *, urlsafe: bool) -> bytes | None:
    padded = body + "=" * (-len(body) % 4)
    try:
        if urlsafe:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None


def _wraps_text(decoded: str, min_chars: int) -> bool:
    """True when ``decoded`` is itself one base64 or hex token holding text (nesting)."""
    if len(decoded) < min_chars or not decoded.isascii() or any(c.isspace() for c in decoded):
        return False
    return any(True for _ in _base64(decoded, min_chars)) or any(
        True for _ in _hex(decoded, min_chars)
    )


def _hex(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    if not _hex_gate(_utf8_of(text)):
        return
    for m in _HEX.finditer(text):
        token = m.group()
        if len(token) < min_chars:
            continue
        data = bytes.fromhex("".join(_HEX_DIGITS.findall(token.replace("\\x", ""))))
        kept = _keep(_utf8(data), min_chars)
        if kept is not None:
            yield kept[0], m.start(), m.end(), kept[1]


def _base32(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    if not _b32_gate(_utf8_of(text), min_chars):
        return
    for m in _B32.finditer(text):
        token = m.group()
        body = token.rstrip("=")
        if len(body) < min_chars:
            continue
        try:
            data = base64.b32decode(body + "=" * (-len(body) % 8))
        except (binascii.Error, ValueError):
            continue
        kept = _keep(_utf8(data), min_chars)
        if kept is not None:
            yield kept[0], m.start(), m.end(), kept[1]


def _reads_better(text: str, decoded: str) -> bool:
    """Does ``decoded`` (a short stretch) read as English where ``text`` does not?"""
    ratio, count = word_ratio(text)
    if count < 3 or ratio >= 0.34:
        return False
    new_ratio, _ = word_ratio(decoded)
    return new_ratio >= 0.5 and new_ratio >= ratio + 0.3


def _whole_reads_better(text: str, decoded: str) -> bool:
    """:func:`_reads_better` for a whole text, which may be a document full of names,
    numbers and ids: plain English documents have a third or more common words, their
    ROT13 or reversal almost none (dev: under 0.1 for 95% of benign rows)."""
    ratio, count = word_ratio(text)
    if count < 3 or ratio >= 0.2:
        return False
    new_ratio, _ = word_ratio(decoded)
    return new_ratio >= 0.2 and new_ratio >= 3 * ratio + 0.1


def _rot13(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    label = _ROT13_LABEL.search(text) if _names_rot13(text) else None
    if label is None and not _rot13_gate(_letter_words(text)):
        return
    runs = list(_foreign_runs(text, lambda w: w.translate(_ROT13)))
    for start, end in runs:
        yield text[start:end].translate(_ROT13), start, end, True
    if runs:
        return
    whole = text.translate(_ROT13)
    if len(text) >= min_chars and _whole_reads_better(text, whole):
        # a ROT13 document whose runs are broken up by words that read either way
        yield whole, 0, len(text), True
    elif label is not None:
        # a text that names its encoding ("(rot13) Fpuevws wr..."), in any language: what
        # follows the name, where its letter pairs read better rotated
        body = text[label.end() :]
        turned = body.translate(_ROT13)
        if len(body) >= min_chars and _pair_share(turned) >= _pair_share(body) + _LABEL_GAIN:
            yield turned, label.end(), len(text), True


def _names_rot13(text: str) -> bool:
    """Could ``text`` name ROT13 (C-speed finds before the regex)?"""
    return (
        "13" in text
        and ("rot" in text or "ROT" in text or "Rot" in text)
        and (_ROT13_LABEL.search(text) is not None)
    )


_ROT13_LABEL = re.compile(r"\brot[-_ ]?13\b[^\w\s]*", re.IGNORECASE)
_LABEL_GAIN = 0.2  # English text: about 0.7 of its letter pairs common, its ROT13 0.25


def _pair_share(text: str) -> float:
    """:func:`bigram_share` over the letter words of a whole text."""
    pairs = common = 0
    for word in words_in(text):
        n = len(word) - 1
        if n > 0:
            pairs += n
            common += round(bigram_share(word) * n)
    return common / pairs if pairs else 0.0


def _reversed(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    """Text written backwards (``snoitcurtsni suoiverp lla erongi``): phrases among plain
    words, or else the whole text."""
    if not _reversed_gate(_letter_words(text)):
        return
    runs = list(_foreign_runs(text, lambda w: w[::-1]))
    for start, end in runs:
        yield text[start:end][::-1], start, end, True
    if not runs and len(text) >= min_chars and _whole_reads_better(text, text[::-1]):
        yield text[::-1], 0, len(text), True


_DIGIT = re.compile(r"\d")
_STRONG = 2  # a word that reads as a common English word only once decoded
_SOFT = 1  # a word whose letter pairs read better decoded


class _Token(NamedTuple):
    start: int
    end: int
    hit: int  # _STRONG, _SOFT or 0
    symbol: bool  # digits or symbols: an address, a key, a path
    keyish: bool  # digits or "@": a key or an address rather than a dotted name
    decoded: tuple[str, ...]  # words that read as common English only once decoded
    better: int  # other words whose letter pairs read better decoded
    worse: int  # ... and better as written


def _foreign_runs(text: str, decode: Callable[[str], str]) -> Iterator[tuple[int, int]]:
    """Spans of ``text`` where a phrase in a disguise sits among plain words: maximal runs
    of tokens holding no word that reads as English only as written, with at least
    :data:`_MIN_RUN_HITS` words that read as English only once decoded. Words on no list
    (names, rare words) are weighed by their letter pairs (:func:`bigram_share`): between
    its first and last decoded word, the run needs twice as many that read better decoded
    (with the hits) as read better as written. Words that read the same either way (``a``,
    ``on``/``no``) tell nothing; where a run borders plain text, words at its edge that
    read better as written are left to the plain text (``Tuesday.`` in ``notes from
    Tuesday. <reversed>``), tokens with digits or symbols (an address, a key) kept in it."""
    run: list[_Token] = []
    after_plain = False
    for m in _TOKEN.finditer(text):
        token = m.group()
        plain = better = worse = 0
        decoded: list[str] = []
        # the letters of a token with digits (a key, an id) are no words in either reading:
        # "ab43bd" rotates to "no43oq", and that "no" must not end a ROT13 run as plain
        digits = _DIGIT.search(token) is not None
        for word in () if digits else words_in(token):
            turned = decode(word)
            is_plain, is_decoded = word in COMMON, turned in COMMON
            if is_plain or is_decoded:
                plain += is_plain and not is_decoded
                if is_decoded and not is_plain:
                    decoded.append(word)
            elif len(word) > 2:
                own, other = bigram_share(word), bigram_share(turned)
                better += other > own
                worse += own > other
        if plain:
            span = _judged(text, run, head=after_plain, tail=True)
            if span is not None:
                yield span
            run, after_plain = [], True
            continue
        hit = _STRONG if decoded else _SOFT if better > worse else 0
        symbol = _SYMBOLS.search(token) is not None
        keyish = digits or "@" in token
        run.append(_Token(m.start(), m.end(), hit, symbol, keyish, tuple(decoded), better, worse))
    span = _judged(text, run, head=after_plain, tail=False)
    if span is not None:
        yield span


def _judged(text: str, run: list[_Token], *, head: bool, tail: bool) -> tuple[int, int] | None:
    """The span of ``run`` if its core (first to last hit) reads as a disguised phrase."""
    hits = [i for i, t in enumerate(run) if t.hit]
    if not hits:
        return None
    core = run[hits[0] : hits[-1] + 1]
    # distinct words: "4 GB RAM, 128 GB" holds "to" twice, which is no phrase
    strong = len({w for t in core for w in t.decoded})
    support = sum(t.better for t in core)
    against = sum(t.worse for t in core)
    if strong < _MIN_RUN_HITS or strong + support < 2 * against:
        return None
    return _trimmed(text, run, head=head, tail=tail)


def _trimmed(text: str, run: list[_Token], *, head: bool, tail: bool) -> tuple[int, int]:
    """The span of ``run``. At an edge that borders plain text (``head``: before it,
    ``tail``: after it) it ends with its outermost decoded word and the tokens right next
    to it that hold a key or an address (digits, "@"; after the run, any symbol); a word
    that only reads better decoded and ends a sentence ends the plain text before the run
    instead (``Tuesday.``). At the start of the text, only a heading is dropped: words up
    to one that ends a sentence or a label."""
    hits = [i for i, t in enumerate(run) if t.hit]
    first, last = hits[0], hits[-1]
    if head:
        while run[first].hit == _SOFT and text[run[first].end - 1] in ".:!?;":
            first = next(i for i in hits if i > first)  # a strong hit comes later
        # a dotted name before it ("shlex.punctuation_chars") is the plain text's
        while first > 0 and run[first - 1].keyish:
            first -= 1
    else:
        ends = [i for i in range(first) if text[run[i].end - 1] in ".:!?;"]
        first = ends[-1] + 1 if ends else 0
    if tail:
        while last + 1 < len(run) and run[last + 1].symbol:
            last += 1
    else:
        last = len(run) - 1
    return run[first].start, run[last].end


# form encoding (``q=ignore+all+previous``): words joined by "+", few escapes or none
_FORM = re.compile(r"(?<!\S)[^\s+]+(?:\+[^\s+]+){3,}(?!\S)")
_MIN_FORM_PLUSES = 3


def _url(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    escaped = _url_gate(text)
    if not escaped and text.count("+") < _MIN_FORM_PLUSES:
        return
    yield from _form(text)
    if not escaped:  # too few %XX escapes in the whole text for any one token to have them
        return
    for m in _URL.finditer(text):
        token = m.group()
        if len(_URL_ESCAPE.findall(token)) < _MIN_NOTABLE_ESCAPES:
            continue
        # form encoding writes spaces as "+" (``a+b%21``); a token that also escapes
        # spaces as %20 uses "+" for itself
        plus = "+" in token and "%20" not in token
        decoded = (unquote_plus if plus else unquote)(token, errors="replace")
        if decoded == token:
            continue
        needless = sum(1 for e in _URL_ESCAPE.findall(token) if chr(int(e, 16)).isalnum())
        yield decoded, m.start(), m.end(), needless >= _MIN_NOTABLE_ESCAPES


def _form(text: str) -> Iterator[tuple[str, int, int, bool]]:
    """Form-encoded prose with fewer escapes than :func:`_url` asks for: read when it reads
    as English, never notable (a query string is ordinary)."""
    if text.count("+") < _MIN_FORM_PLUSES:
        return
    for m in _FORM.finditer(text):
        token = m.group()
        if len(_URL_ESCAPE.findall(token)) >= _MIN_NOTABLE_ESCAPES:
            continue  # _url reads it
        decoded = unquote_plus(token, errors="replace")
        if _reads_as_text(decoded):
            yield decoded, m.start(), m.end(), False


def _html(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    if not _escapes_gate(text, "&"):
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


# base85 (RFC 1924, git, Python's b85) and ASCII85 (Adobe's, ``<~...~>`` framed, or bare):
# alphabets of punctuation as well as letters; a candidate is a whitespace-delimited token
# of 20 or more characters of one alphabet, which prose and URLs (with "." and "/") never are
_B85_SET = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~"
)
_A85_SET = frozenset(chr(c) for c in range(0x21, 0x76))
# The gate is a run of 20 characters of either whole alphabet: any token the readings below
# would decode holds one. (Leaving "%&=?" out to keep query strings from opening it let
# base85 that happens to carry one of them every few characters go unread.)
_B85_GATE = class_table("".join(sorted(_B85_SET)))
_A85_GATE = class_table("".join(sorted(_A85_SET)))
_B85 = re.compile(r"<~[!-u\s]{8,}?~>|(?<!\S)[!-~]{20,}(?!\S)")
_B64_TOKEN = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_MIN_B85_RUN = 20


def _b85_gate(utf8: bytes) -> bool:
    run = b"1" * _MIN_B85_RUN  # one alphabet's (a URL mixes the two: "/" and "x")
    return run in utf8.translate(_B85_GATE) or run in utf8.translate(_A85_GATE)


def _base85(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    """base85 and ASCII85: whichever reading is text."""
    if "<~" not in text and not _b85_gate(_utf8_of(text)):
        return
    for m in _B85.finditer(text):
        token = m.group()
        if len(token) < min_chars or _B64_TOKEN.fullmatch(token):
            continue  # a base64 token (or a word, a hex string) is not base85's to read
        url_like = "." in token or ":" in token or "/" in token
        if url_like and not token.startswith("<~") and not _A85_SET.issuperset(token):
            continue  # a URL or a path: outside both alphabets
        for data in _b85_readings(token):
            kept = _keep(_utf8(data), min_chars)
            if kept is not None:
                yield kept[0], m.start(), m.end(), kept[1]
                break


def _b85_readings(token: str) -> Iterator[bytes]:
    if token.startswith("<~") and token.endswith("~>"):
        with contextlib.suppress(ValueError):
            yield base64.a85decode(token, adobe=True, ignorechars=b" \t\n\r\v")
        return
    chars = set(token)
    if chars <= _B85_SET:
        with contextlib.suppress(ValueError):
            yield base64.b85decode(token)
    if chars <= _A85_SET:
        with contextlib.suppress(ValueError):
            yield base64.a85decode(token)


# Morse: dots and dashes, letters apart by spaces, words by "/" (or three spaces)
MORSE: dict[str, str] = {
    "A": ".-",
    "B": "-...",
    "C": "-.-.",
    "D": "-..",
    "E": ".",
    "F": "..-.",
    "G": "--.",
    "H": "....",
    "I": "..",
    "J": ".---",
    "K": "-.-",
    "L": ".-..",
    "M": "--",
    "N": "-.",
    "O": "---",
    "P": ".--.",
    "Q": "--.-",
    "R": ".-.",
    "S": "...",
    "T": "-",
    "U": "..-",
    "V": "...-",
    "W": ".--",
    "X": "-..-",
    "Y": "-.--",
    "Z": "--..",
    "0": "-----",
    "1": ".----",
    "2": "..---",
    "3": "...--",
    "4": "....-",
    "5": ".....",
    "6": "-....",
    "7": "--...",
    "8": "---..",
    "9": "----.",
    ".": ".-.-.-",
    ",": "--..--",
    "?": "..--..",
    "'": ".----.",
    "!": "-.-.--",
    "/": "-..-.",
    "(": "-.--.",
    ")": "-.--.-",
    "&": ".-...",
    ":": "---...",
    ";": "-.-.-.",
    "=": "-...-",
    "+": ".-.-.",
    "-": "-....-",
    "_": "..--.-",
    '"': ".-..-.",
    "$": "...-..-",
    "@": ".--.-.",
}
"""International Morse code: character -> dots and dashes."""
_FROM_MORSE = {code: char for char, code in MORSE.items()}
_MORSE = re.compile(r"(?<![^\s/])(?:[.\-]{1,7}[ \t]+(?:/[ \t]+)?){7,}[.\-]{1,7}(?![^\s/])")
_MORSE_WORD = re.compile(r"[ \t]*/[ \t]*|[ \t]{3,}")


def _morse(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    """International Morse code that decodes to English (``.. --. -. --- .-. .``)."""
    if "-" not in text or (".-" not in text and "-." not in text):
        return
    for m in _MORSE.finditer(text):
        words = []
        for word in _MORSE_WORD.split(m.group()):
            letters = [_FROM_MORSE.get(code) for code in word.split()]
            if None in letters:
                break
            words.append("".join(c for c in letters if c is not None))
        else:
            decoded = " ".join(words).lower()
            if _reads_as_text(decoded):
                yield decoded, m.start(), m.end(), True


# quoted-printable (RFC 2045): "=XX" escapes and "=" soft line breaks, in a run of text
# without spaces; e-mail escapes only "=" and non-ASCII, so escaped letters are hiding
# (the views' whitespace is collapsed: a soft break "=\n" reaches the decoder as "= ")
_QP = re.compile(r"(?<!\S)(?:[^\s=]*(?:=[0-9A-F]{2}|=[ \t]*\r?\n|= ))+[^\s=]*")
_QP_ESCAPE = re.compile(r"=([0-9A-F]{2})")
_QP_PAIR = re.compile(r"=[0-9A-F]{2}=[0-9A-F]{2}")
_QP_SOFT_BREAK = re.compile(r"=[ \t]*\r?\n|= ")


def _qp_gate(text: str) -> bool:
    """Two "=XX" escapes in a row (``=E2=80``, ``=49=67``), which query strings
    (``id=12&n=34``) never make; a regex with a literal first character: a C-speed scan."""
    return text.count("=") >= _MIN_NOTABLE_ESCAPES and _QP_PAIR.search(text) is not None


def _quoted_printable(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    if not _qp_gate(text):
        return
    for m in _QP.finditer(text):
        token = m.group()
        escapes = _QP_ESCAPE.findall(token)
        if len(escapes) < _MIN_NOTABLE_ESCAPES:
            continue
        joined = _QP_SOFT_BREAK.sub("", token)
        decoded = _utf8(quopri.decodestring(joined.encode("utf-8", "surrogatepass")))
        if decoded is None or decoded == token or not _is_text(decoded):
            continue
        needless = sum(1 for e in escapes if chr(int(e, 16)).isalnum())
        yield decoded, m.start(), m.end(), needless >= _MIN_NOTABLE_ESCAPES


# backslash escapes: JSON string literals (``"a \"quoted\" \u0041"``) read with the JSON
# parser, and bare runs of ``\uXXXX`` escapes
_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.){0,4096}?\\.(?:[^"\\\n]|\\.){0,4096}"')
_U_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_U_RUN = re.compile(r"(?:\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}|[^\\\s\"]{0,3}){3,}")


def _escapes(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    """Text behind backslash escapes: a JSON string that escapes quotes, line breaks or
    letters, and runs of ``\\u0069`` escapes outside strings."""
    if "\\" not in text:
        return
    taken: list[tuple[int, int]] = []
    for m in _JSON_STRING.finditer(text):
        try:
            decoded = json.loads(m.group())
        except ValueError:
            continue
        if not isinstance(decoded, str) or len(decoded) < 4 or not _is_text(decoded):
            continue
        taken.append(m.span())
        yield decoded, m.start(), m.end(), _needless_u(m.group())
    if "\\u" not in text and "\\U" not in text:
        return
    for m in _U_RUN.finditer(text):
        if len(_U_ESCAPE.findall(m.group())) < _MIN_NOTABLE_ESCAPES:
            continue
        if any(a <= m.start() < b for a, b in taken):
            continue
        decoded = _U_ESCAPE.sub(_u_char, m.group())
        if _is_text(decoded):
            yield decoded, m.start(), m.end(), _needless_u(m.group())


def _u_char(m: re.Match[str]) -> str:
    cp = int(m.group(1) or m.group(2), 16)
    return chr(cp) if cp < 0x110000 else "\ufffd"


def _needless_u(token: str) -> bool:
    """Whether ``\\uXXXX`` escapes spell letters or digits that JSON never needs escaped."""
    needless = 0
    for m in _U_ESCAPE.finditer(token):
        cp = int(m.group(1) or m.group(2), 16)
        needless += cp < 0x80 and chr(cp).isalnum()
    return needless >= _MIN_NOTABLE_ESCAPES


# a word broken at a line end with a hyphen ("sys-\ntem"; the views' whitespace is
# collapsed, so "sys- tem"): hyphenated text, or a sentence split to dodge word matching
_HYPHENATED = re.compile(r"(?<![A-Za-z-])([A-Za-z]{2,})- ([a-z]{2,})(?![A-Za-z])")


def _hyphenated(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    """Words rejoined across a line-end hyphen; never notable (typesetting does it)."""
    if "-" not in text or "- " not in text:
        return
    for m in _HYPHENATED.finditer(text):
        head, rest = m.group(1), m.group(2)
        if head.lower() in COMMON and rest in COMMON:
            continue  # two words ("well- known", "pre- and"): nothing was split
        yield head + rest, m.start(), m.end(), False


def _identifiers(text: str, min_chars: int) -> Iterator[tuple[str, int, int, bool]]:
    """Identifiers that spell a sentence, split into words; never notable (code has them)."""
    for words, start, end in identifiers.sentences(text):
        yield words, start, end, False


DECODERS: dict[str, Callable[[str, int], Iterator[tuple[str, int, int, bool]]]] = {
    "base64": _base64,
    "hex": _hex,
    "rot13": _rot13,
    "base32": _base32,
    "reversed": _reversed,
    "url": _url,
    "html": _html,
    "base85": _base85,
    "morse": _morse,
    "quoted_printable": _quoted_printable,
    "escapes": _escapes,
    "hyphenated": _hyphenated,
    "identifiers": _identifiers,
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
    ) or not _any_gate_open(text, names, min_chars):
        # base64, hex and ROT13 segments are at least min_chars long; URL and HTML
        # decoding need that many escapes: a short plain text holds nothing to decode.
        # The common text (a command, a path, a sentence): every decoder would return at
        # its gate; asked here at once, the sweeps are shared and no generator is made.
        # Identifiers are no encoding and have no length floor: where only they may be
        # found, only they are looked for (code opens their gate often; the other
        # decoders would all run for nothing)
        if "identifiers" in names:
            _decode_into(text, ("identifiers",), budget, max_depth, min_chars, 1, None, found)
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
    parent: str | None = None,
) -> None:
    if depth > max_depth:
        return
    for name in names:
        if name == parent and name in _INVOLUTIONS:
            continue  # ROT13 of ROT13 text, reversal of reversed text: the plain text again
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
            _decode_into(decoded, names, budget, max_depth, min_chars, depth + 1, span, found, name)
