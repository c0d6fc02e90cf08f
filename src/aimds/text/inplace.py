"""The decoded text *in place*: the original with each hidden or encoded region replaced
by what it decodes to, so that a detector reads the hidden text together with the text
around it (``Please run: <base64>`` reads as ``Please run: ignore all previous ...``),
exactly as it would read the plain attack.

Regions are the spans of the outermost decoded segments in the original text; where they
overlap, text carried by invisible characters wins, then an encoding recognised by its
shape over a statistical guess (ROT13, reversed writing), then the first region (the longest
at its start). Nested segments (base64 inside base64: their span is the outer region) and the
losers of an overlap are left over, for the caller to judge as texts of their own, unless
a loser's text holds the winner's (then it says nothing new). A
:class:`~aimds.text.offsets.SpanMap` maps spans of the result back to the original: a span
inside a replaced region maps into that region.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aimds.text.offsets import EditLog, SpanMap
from aimds.text.views import DecodedSegment

__all__ = ["InPlace", "decode_in_place"]

_HIDDEN = frozenset({"tags", "variation_selectors", "bidi"})
# Decodings read from word statistics (any letters "decode" as ROT13 or reversed text), not
# from an encoding's own shape: a structural decoding inside their span wins the overlap
_GUESSES = frozenset({"rot13", "reversed"})


@dataclass(frozen=True, slots=True, kw_only=True)
class InPlace:
    """The decoded text, its map back to the original, what was decoded, what was not."""

    text: str
    back: SpanMap | None
    encodings: tuple[str, ...]
    leftover: tuple[DecodedSegment, ...]


def decode_in_place(original: str, segments: Sequence[DecodedSegment]) -> InPlace | None:
    """``original`` with the regions of ``segments`` decoded; ``None`` without segments."""
    if not segments:
        return None
    leftover = [seg for seg in segments if seg.depth > 1]
    outer = [seg for seg in segments if seg.depth == 1]
    # what invisible characters carry is read first: where a right-to-left override hides
    # reversed text, the text as displayed beats the reversed-writing decoder's guess; then
    # encodings recognised by their shape (base64 between two short lines beats the ROT13
    # reading of the whole text that "n ... naq" invites)
    outer.sort(
        key=lambda s: (s.encoding not in _HIDDEN, s.encoding in _GUESSES, s.span[0], -s.span[1])
    )
    chosen: list[DecodedSegment] = []
    for seg in outer:
        clash = [c for c in chosen if seg.span[0] < c.span[1] and c.span[0] < seg.span[1]]
        if not clash:
            chosen.append(seg)
        elif not any(c.text in seg.text for c in clash):  # else it says nothing new
            leftover.append(seg)
    chosen.sort(key=lambda s: s.span)
    parts: list[str] = []
    log = EditLog()
    pos = last = 0
    for seg in chosen:
        start, stop = seg.span
        parts.append(original[last:start])
        pos += start - last
        log.edit(pos, len(seg.text), start, stop - start, moved=True)
        parts.append(seg.text)
        pos += len(seg.text)
        last = stop
    parts.append(original[last:])
    return InPlace(
        text="".join(parts),
        back=log.freeze(),
        encodings=tuple(dict.fromkeys(s.encoding for s in chosen)),
        leftover=tuple(leftover),
    )
