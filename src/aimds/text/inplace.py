"""The decoded text *in place*: the original with each hidden or encoded region replaced
by what it decodes to, so that a detector reads the hidden text together with the text
around it (``Please run: <base64>`` reads as ``Please run: ignore all previous ...``),
exactly as it would read the plain attack.

Regions are the spans of the outermost decoded segments in the original text; where they
overlap, the first region (the longest at its start) wins. Nested segments (base64 inside
base64: their span is the outer region) and the losers of an overlap are left over, for
the caller to judge as texts of their own. A :class:`~aimds.text.offsets.SpanMap` maps spans of the
result back to the original: a span inside a replaced region maps into that region.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aimds.text.offsets import EditLog, SpanMap
from aimds.text.views import DecodedSegment

__all__ = ["InPlace", "decode_in_place"]


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
    chosen: list[DecodedSegment] = []
    leftover = [seg for seg in segments if seg.depth > 1]
    end = -1
    outer = (seg for seg in segments if seg.depth == 1)
    for seg in sorted(outer, key=lambda s: (s.span[0], -s.span[1])):
        if seg.span[0] >= end:
            chosen.append(seg)
            end = seg.span[1]
        else:
            leftover.append(seg)
    parts: list[str] = []
    log = EditLog()
    pos = last = 0
    for seg in chosen:
        start, stop = seg.span
        parts.append(original[last:start])
        pos += start - last
        log.edit(pos, len(seg.text), start, stop - start)
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
