"""Learning from attacks: near-duplicate recall of known attacks and feedback from people.

See ``docs/learning.md``. The guard wires the ``attack_memory`` stage (after the detectors) and
the ``remember`` stage (before the record); ``guard.feedback`` and ``guard.learning``
are the library's entry points.
"""

from aimds.learn.learning import FeedbackResult, Label, Learning, LearningHandle, UnknownDecision
from aimds.learn.memory import MemoryEntry
from aimds.learn.suggestions import Suggestion, SuggestionStatus

__all__ = [
    "FeedbackResult",
    "Label",
    "Learning",
    "LearningHandle",
    "MemoryEntry",
    "Suggestion",
    "SuggestionStatus",
    "UnknownDecision",
]
