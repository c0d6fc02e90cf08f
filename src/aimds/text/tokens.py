"""Words of a text by a fixed class of ASCII characters, at C speed for ASCII text.

Readers cut lowered text into words of one character class: ``[a-z0-9_']+`` for the
sentence scorer (:mod:`aimds.detectors.sentences`), ``[a-z0-9]+`` for cue anchors.
``re.findall`` pays a match set-up for every word, about 300 instructions a character of
prose; for ASCII text the same words come out of one byte-table ``bytes.translate`` (every
other character becomes a space) and one ``str.split``, a quarter of that (``str.translate``
looks each distinct character up in a dict on every call, which costs as much again). Other
text keeps the regex, so both paths give the same list on every input (a property test holds
them to it).
"""

from __future__ import annotations

import re

__all__ = ["WordSplitter"]


class WordSplitter:
    """Splits text into the maximal runs of ``chars`` (ASCII characters), in order:
    ``WordSplitter("ab").words("abc ba")`` is ``["ab", "ba"]``, as
    ``re.findall("[ab]+", ...)`` would give."""

    __slots__ = ("_pattern", "_table")

    def __init__(self, chars: str) -> None:
        if not chars or not all(c.isascii() and c.isprintable() and c != " " for c in chars):
            raise ValueError("a word class is a non-empty set of printable ASCII characters")
        self._pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(set(chars))) + "]+")
        self._table = bytes(b if chr(b) in chars else 32 for b in range(256))

    def words(self, text: str) -> list[str]:
        """The words of ``text``, left to right."""
        if text.isascii():
            return text.encode("ascii").translate(self._table).decode("ascii").split()
        return self._pattern.findall(text)
