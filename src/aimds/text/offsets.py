"""Offset maps: where each character of a transformed text came from in its input.

A transformation that keeps most characters in place records only its *edits*: regions
where ``n`` input characters became ``m`` output characters with ``n != m`` (deletions,
expansions, collapsed runs). Between edits, output and input advance together, so a map
costs nothing for text that did not change and memory proportional to the edits
otherwise. Same-length replacements (confusable folding, leetspeak) need no edit at all.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

__all__ = ["EditLog", "SpanMap", "runs_map"]


class SpanMap:
    """Maps spans of a transformed text back to the text it was made from.

    Instances are immutable after :meth:`EditLog.freeze`, so they are safe to share.
    """

    __slots__ = ("_in_end", "_in_start", "_out_end", "_out_start")

    def __init__(
        self,
        out_start: list[int],
        out_end: list[int],
        in_start: list[int],
        in_end: list[int],
    ) -> None:
        self._out_start = out_start
        self._out_end = out_end
        self._in_start = in_start
        self._in_end = in_end

    def _locate(self, pos: int) -> int:
        """Index of the last edit starting at or before output position ``pos`` (or -1)."""
        return bisect_right(self._out_start, pos) - 1

    def back_start(self, pos: int) -> int:
        i = self._locate(pos)
        if i < 0:
            return pos
        if pos < self._out_end[i]:
            return self._in_start[i]
        return pos + self._in_end[i] - self._out_end[i]

    def back_end(self, pos: int) -> int:
        """Input position just after the character before output position ``pos``."""
        if pos <= 0:
            return self.back_start(0)
        last = pos - 1
        i = self._locate(last)
        if i < 0:
            return pos
        if last < self._out_end[i]:
            return self._in_end[i]
        return pos + self._in_end[i] - self._out_end[i]

    def back(self, start: int, end: int) -> tuple[int, int]:
        """The input span that produced output ``[start, end)``."""
        if end <= start:
            origin = self.back_start(start)
            return origin, origin
        return self.back_start(start), self.back_end(end)


class EditLog:
    """Collects edits while a transformation writes its output, in output order."""

    __slots__ = ("_in_end", "_in_start", "_out_end", "_out_start")

    def __init__(self) -> None:
        self._out_start: list[int] = []
        self._out_end: list[int] = []
        self._in_start: list[int] = []
        self._in_end: list[int] = []

    def edit(
        self, out_start: int, out_len: int, in_start: int, in_len: int, *, moved: bool = False
    ) -> None:
        """Record that input ``[in_start, in_start+in_len)`` became ``out_len`` characters
        written at ``out_start``. Same-length edits are skipped, since they map one to one,
        unless ``moved`` says the characters do not (decoded text, reversed text): then
        any part of the output maps to the whole input region."""
        if out_len == in_len and not moved:
            return
        self._out_start.append(out_start)
        self._out_end.append(out_start + out_len)
        self._in_start.append(in_start)
        self._in_end.append(in_start + in_len)

    def __bool__(self) -> bool:
        return bool(self._out_start)

    def freeze(self) -> SpanMap | None:
        """The finished map, or ``None`` when nothing moved (the identity)."""
        if not self._out_start:
            return None
        return SpanMap(self._out_start, self._out_end, self._in_start, self._in_end)


def runs_map(spans: list[tuple[int, int]], out_len: int) -> SpanMap | None:
    """The map of a pass that turned each input span (sorted, disjoint) into ``out_len``
    characters and copied everything between. Built with a few list sweeps rather than a
    call per edit, so a text with hundreds of thousands of edits (a megabyte of zero-width
    characters) stays fast."""
    if out_len:
        spans = [span for span in spans if span[1] - span[0] != out_len]
    if not spans:
        return None
    in_start = [start for start, _ in spans]
    in_end = [end for _, end in spans]
    shifts = accumulate([end - start - out_len for start, end in spans], initial=0)
    # ``shifts`` has one more item (the total); zip stops at the last span
    out_start = [start - shift for start, shift in zip(in_start, shifts, strict=False)]
    out_end = [at + out_len for at in out_start] if out_len else list(out_start)
    return SpanMap(out_start, out_end, in_start, in_end)
