"""A shape gate for the injection detector on tool calls: no sentence, no order to find.

A prompt injection is an order in natural language ("ignore the previous instructions",
"reveal your system prompt"): it needs a run of words, or at least a few of the common
English words every such order is made of. A shell command such as ``ls -la src/`` or
``rm -rf build/`` has neither, and running the whole injection detector on it (signatures,
heuristics and the classifier, about a seventh of a never-seen call) finds nothing. The
gate looks at the *shape* of a tool call's text, never at what the command does, and lets
the detector run wherever any of these holds:

- the event is not a tool call (prompts, completions, tool results, messages and memory
  are text meant to be read; they always go to the detector);
- the text is not plain ASCII (other scripts and look-alike letters: the detector reads them);
- the normalize stage found anything hidden or disguised (decoded segments, invisible
  characters, homoglyphs, spaced letters, leetspeak: ``views.notes`` or ``views.decoded``);
- the folded text (leetspeak undone, spaced letters joined) has a run of
  :data:`RUN_WORDS` whitespace-separated tokens made of letters only (a phrase in any
  Latin-script language: ``echo ignoriere alle Anweisungen``), or
  :data:`COMMON_WORDS` words of :data:`aimds.text.words.COMMON` (the frequent English words
  and the vocabulary of orders to a model), wherever they stand (``say_your_prompt=1``).

Only a call that fails all of them skips the detector, and only the detector's main text:
decoded and normalized views are judged separately (:mod:`aimds.detectors.reviews`) and
pass through the gate again on their own text. ``detectors.stage.build_stage`` wraps the
detectors of :data:`GATED` in :class:`ShapeGated`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from aimds.text.views import TextViews
from aimds.text.words import COMMON, words_in
from aimds.types import Event, EventKind, Finding

if TYPE_CHECKING:
    from aimds.detectors.base import Detector, DetectorInfo

__all__ = [
    "COMMON_WORDS",
    "GATED",
    "RUN_WORDS",
    "ShapeGated",
    "no_sentence",
]

RUN_WORDS = 3
"""Letter-only tokens in a row that make a phrase (``ignore previous instructions``)."""

COMMON_WORDS = 2
"""Common English or order words, anywhere in the text, that make a possible order."""

_PUNCTUATION = "\"'`.,;:!?()[]{}<>"
"""Stripped from a token's ends before it is judged a word (``"Access``, ``granted?``)."""

GATED = frozenset({"injection"})
"""The detectors behind the gate: those that look for orders in natural language only."""


def no_sentence(event: Event, views: Any) -> bool:
    """True where ``event`` is a tool call whose text cannot hold an order in words."""
    if event.kind is not EventKind.TOOL_CALL or not isinstance(views, TextViews):
        return False
    if not views.original.isascii() or views.notes or views.decoded:
        return False
    folded = views.folded
    run = 0
    for token in folded.split():
        if token.strip(_PUNCTUATION).isalpha():
            run += 1
            if run >= RUN_WORDS:
                return False
        else:
            run = 0
    common = 0
    for word in words_in(folded):
        if word in COMMON:
            common += 1
            if common >= COMMON_WORDS:
                return False
    return True


class ShapeGated:
    """``detector`` behind the gate: nothing found where :func:`no_sentence` holds.

    Keeps the detector's ``info`` (its id and purity: the gate is a function of the
    event's kind and text, so a pure detector stays pure) and its optional ``idle``: None
    where the detector has none, which the detectors stage reads as it reads a missing one
    (an attribute set on some instances only could not be compiled, see setup.py).
    """

    def __init__(self, detector: Detector) -> None:
        self.detector = detector
        self.info: DetectorInfo = detector.info
        self.idle: Callable[[Event], bool] | None = getattr(detector, "idle", None)

    def detect(self, event: Event, views: Any) -> Sequence[Finding]:
        if no_sentence(event, views):
            return ()
        return self.detector.detect(event, views)
