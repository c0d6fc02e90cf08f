"""Invisible characters: which ones exist, which ones are legitimate where they stand.

Zero-width characters, bidi controls, Unicode tag characters (U+E0000-E007F) and runs of
variation selectors render as nothing, so they can split words past a filter or carry a
whole hidden message ("ASCII smuggling"). They are removed from every view; whether their
presence is *reported* depends on context, because the same characters are everyday
Unicode too: ZWJ inside emoji sequences, ZWNJ in Persian and Indic words, RLM/LRM in Hebrew
and Arabic text, tag characters inside subdivision flags (England, Scotland, Wales), a
single variation selector after an emoji, a byte-order mark at the start.
"""

from __future__ import annotations

__all__ = [
    "BIDI_MARKS",
    "BIDI_OVERRIDES",
    "BIDI_SPANS",
    "ZERO_WIDTH",
    "is_tag",
    "is_variation_selector",
    "tag_payload",
    "variation_payload",
]

ZERO_WIDTH = frozenset(
    "\u00ad"  # soft hyphen
    "\u034f"  # combining grapheme joiner
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers
    "\u17b4\u17b5"  # Khmer inherent vowels
    "\u180e"  # Mongolian vowel separator
    "\u200b\u200c\u200d"  # zero-width space, non-joiner, joiner
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner, invisible operators
    "\ufeff"  # zero-width no-break space / byte-order mark
)
"""Characters that render as nothing and carry no bidi meaning."""

BIDI_MARKS = frozenset("\u200e\u200f\u061c")
"""LRM, RLM, ALM: ordinary in right-to-left text."""

BIDI_OVERRIDES = frozenset("\u202d\u202e")
"""LRO, RLO: reorder what follows ("Trojan Source"); reported wherever they appear."""

BIDI_SPANS = frozenset("\u202a\u202b\u202c\u2066\u2067\u2068\u2069")
"""Embeddings, pop, isolates: reported unless the text contains right-to-left letters."""

_TAG_FIRST = 0xE0000
_TAG_LAST = 0xE007F
_TAG_CANCEL = 0xE007F
_BLACK_FLAG = "\U0001f3f4"


def is_tag(cp: int) -> bool:
    return _TAG_FIRST <= cp <= _TAG_LAST


def is_variation_selector(cp: int) -> bool:
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def tag_payload(run: str, before: str) -> str | None:
    """The ASCII text a run of tag characters hides, or ``None`` when it is a flag.

    ``before`` is the character preceding the run. Subdivision flags are U+1F3F4, a short
    lowercase tag sequence (``gbeng``) and CANCEL TAG; they hide nothing.
    """
    payload = "".join(chr(ord(c) - _TAG_FIRST) for c in run if 0xE0020 <= ord(c) <= 0xE007E)
    if (
        before == _BLACK_FLAG
        and ord(run[-1]) == _TAG_CANCEL
        and 2 <= len(payload) <= 7
        and payload.isalnum()
        and payload.islower()
    ):
        return None
    return payload


def variation_payload(run: str) -> str | None:
    """Bytes hidden in a run of variation selectors, decoded as UTF-8 text.

    One selector after a character is ordinary (emoji vs text presentation). A longer run
    can encode one byte per selector (U+FE00-FE0F = 0-15, U+E0100-E01EF = 16-255); the
    result counts only when it decodes to printable text.
    """
    if len(run) < 2:
        return None
    data = bytearray()
    for c in run:
        cp = ord(c)
        data.append(cp - 0xFE00 if cp <= 0xFE0F else cp - 0xE0100 + 16)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.isprintable() or not any(ch.isalnum() for ch in text):
        return None
    return text
