"""Text transforms that hide an instruction from a reader that looks only at the surface.

Each transform is a pure function of its input (and, where it chooses, of the ``rng``
passed in), and each is reversible by an ordinary decoder: ``base64``, ``bytes.fromhex``,
ROT13, percent-decoding, mapping homoglyphs back, dropping invisible characters, reading
Unicode tag characters as ASCII. The tests decode every generated case that way and check
that the payload comes back.
"""

from __future__ import annotations

import base64
import codecs
import random

__all__ = [
    "HOMOGLYPHS",
    "ZERO_WIDTH",
    "homoglyphs",
    "split",
    "tag_smuggle",
    "to_base64",
    "to_hex",
    "to_rot13",
    "to_url",
    "zero_width",
]

HOMOGLYPHS: dict[str, str] = {
    "a": "\u0430",  # CYRILLIC SMALL LETTER A
    "c": "\u0441",
    "d": "\u0501",
    "e": "\u0435",
    "h": "\u04bb",
    "i": "\u0456",
    "j": "\u0458",
    "l": "\u04cf",
    "o": "\u043e",
    "p": "\u0440",
    "s": "\u0455",
    "v": "\u03bd",  # GREEK SMALL LETTER NU
    "x": "\u0445",
    "y": "\u0443",
    "A": "\u0410",
    "B": "\u0412",
    "C": "\u0421",
    "E": "\u0415",
    "H": "\u041d",
    "I": "\u0406",
    "K": "\u041a",
    "M": "\u041c",
    "O": "\u041e",
    "P": "\u0420",
    "T": "\u0422",
    "X": "\u0425",
}
"""Latin letters and a look-alike from another script (Cyrillic unless marked)."""

ZERO_WIDTH: tuple[str, ...] = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
"""Zero width space, non-joiner, joiner, word joiner, and the BOM used as a ZWNBSP."""


def to_base64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def to_hex(text: str) -> str:
    return text.encode("utf-8").hex()


def to_rot13(text: str) -> str:
    return codecs.encode(text, "rot13")


def to_url(text: str) -> str:
    """Every byte percent-encoded (letters too), so nothing of the text stays readable."""
    return "".join(f"%{b:02X}" for b in text.encode("utf-8"))


def homoglyphs(text: str, rng: random.Random, ratio: float) -> str:
    """``text`` with about ``ratio`` of the letters that have a look-alike swapped for it."""
    return "".join(HOMOGLYPHS[c] if c in HOMOGLYPHS and rng.random() < ratio else c for c in text)


def zero_width(text: str, rng: random.Random, *, every_char: bool) -> str:
    """``text`` with zero-width characters after every character (``every_char``) or inside
    every word, so no keyword survives as written."""
    out: list[str] = []
    for i, c in enumerate(text):
        out.append(c)
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if every_char or (c.isalnum() and nxt.isalnum()):
            out.append(rng.choice(ZERO_WIDTH))
    return "".join(out)


def tag_smuggle(text: str) -> str:
    """``text`` written in Unicode tag characters (U+E0000 + the ASCII code): invisible in
    most interfaces, yet read by models. Characters outside ASCII are kept as they are."""
    return "".join(chr(0xE0000 + ord(c)) if 0x20 <= ord(c) < 0x7F else c for c in text)


def split(text: str, rng: random.Random, parts: int) -> list[str]:
    """``text`` cut at ``parts - 1`` random places (mid-word allowed); joins back to it."""
    parts = max(1, min(parts, len(text)))
    cuts = sorted(rng.sample(range(1, len(text)), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
