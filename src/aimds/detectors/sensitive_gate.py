"""Run backtracking ``re`` patterns only where a linear-time RE2 gate says they can match.

Python's ``re`` tries a pattern at every position of the text; over a 2,000-character prompt
that costs tens of microseconds per pattern even when nothing matches. RE2 scans the same
text in about a microsecond but has no look-arounds or back-references, which the recognisers
need. So each pattern gets a *gate*: the RE2 pattern it would be without them, which
matches wherever the pattern can. :class:`Gated` asks the gate for the next position and
runs ``re`` only there, yielding exactly the matches ``pattern.finditer`` would (the gate
may only over-approximate). :class:`HintSet` answers, in one RE2 pass for many patterns,
which of them can match at all.

RE2 runs on :func:`ascii_view`, one byte per character, so its offsets are ``str`` offsets.
Gates and hints must therefore match ASCII only (non-ASCII characters read as ``?``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import re2

from aimds.detectors.re2_sets import set_matcher

__all__ = ["Gated", "HintSet", "ascii_view"]

_MAX_MEM = 64 << 20


def ascii_view(text: str) -> bytes:
    """``text`` with every non-ASCII character replaced by ``?``: byte offsets are char offsets."""
    return text.encode("ascii", "replace")


def _options() -> re2.Options:
    options = re2.Options()
    options.max_mem = _MAX_MEM
    return options


def _start_finder(gate: Any) -> Callable[[bytes, int], int]:
    """``(view, pos) -> start`` of ``gate``'s first match in ``view`` from ``pos`` (-1: none).

    ``re2``'s ``search`` is interpreted: it wraps the extension's own ``Match`` in a
    generator and a match object, several Python-level calls per search, and a gate is
    searched once per candidate. Its inner ``Match`` (over bytes, as the view is) answers the
    same spans in one C call; only where that is missing (another ``re2`` build) does the
    wrapper answer."""
    match = getattr(getattr(gate, "_regexp", None), "Match", None)
    unanchored = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
    if callable(match) and unanchored is not None:

        def start(view: bytes, pos: int) -> int:
            first: int = match(unanchored, view, pos, len(view))[0][0]
            return first

        return start

    def wrapped(view: bytes, pos: int) -> int:
        found = gate.search(view, pos)
        return -1 if found is None else int(found.start())

    return wrapped


class Gated:
    """A ``re`` pattern behind its RE2 gate; thread-safe, immutable after construction."""

    __slots__ = ("_gate", "_pattern", "_start")

    def __init__(self, pattern: re.Pattern[str], gate: str) -> None:
        self._pattern = pattern
        self._gate = re2.compile(gate, _options())
        self._start = _start_finder(self._gate)

    def finditer(self, text: str, view: bytes) -> Iterator[re.Match[str]]:
        """What ``pattern.finditer(text)`` yields; ``view`` is :func:`ascii_view` of ``text``.

        Positions where the gate does not match cannot start a match, so skipping straight
        to the gate's next match visits every position ``finditer`` would try and succeed
        at, in the same order.
        """
        gate = self._start
        match = self._pattern.match
        pos = 0
        while True:
            start = gate(view, pos)
            if start < 0:
                return
            m = match(text, start)
            if m is None:
                pos = start + 1
                continue
            yield m
            pos = max(m.end(), start + 1)


class HintSet:
    """Which of several RE2 patterns occur in a text, in one pass.

    The set has no fallback when its DFA runs out of memory, so hints must stay tiny
    (literals, short classes): a failure would read as "nothing here".
    """

    __slots__ = ("_match", "_set")

    def __init__(self, hints: Sequence[str], *, ignore_case: bool = False) -> None:
        options = _options()
        options.case_sensitive = not ignore_case
        self._set = re2.Set.SearchSet(options)
        for hint in hints:
            self._set.Add(hint)
        self._set.Compile()
        self._match = set_matcher(self._set)

    def active(self, view: bytes) -> list[int]:
        """Indices (ascending) of the hints found in ``view``."""
        found = self._match(view)
        return sorted(found) if found else []
