"""An in-memory near-duplicate index of sketches: inverted lists from hash to entries.

Candidates are the entries sharing the most hashes with the query's :data:`PROBE` smallest
hashes (themselves a bottom-k sample of the text; hashes held by more than
:data:`MAX_POSTING` entries are too common to discriminate and are skipped); the best
:data:`CANDIDATES` of them are compared with :func:`~aimds.learn.sketch.similarity` on the
whole sketches. A near-duplicate at similarity ``J`` shares about ``J * PROBE`` of the
probed hashes, so it is among them; an entry sharing fewer than half that at the
threshold is not compared at all, which is what keeps misses (most texts) cheap.

Not thread-safe for writers: :class:`~aimds.learn.memory.AttackMemory` serialises
additions and removals under its lock; readers may run alongside (dict and list reads are
atomic, at worst they miss an entry being added).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from aimds.learn.sketch import Sketch, similarity

__all__ = ["CANDIDATES", "MAX_POSTING", "PROBE", "Hit", "SketchIndex"]

MAX_POSTING = 512
CANDIDATES = 8
PROBE = 24


@dataclass(frozen=True, slots=True)
class Hit:
    """The closest entry found: its id and the estimated similarity."""

    entry: str
    similarity: float


class SketchIndex:
    """Entries (id -> sketch) with an inverted index over their hashes."""

    __slots__ = ("_postings", "_sketches")

    def __init__(self) -> None:
        self._sketches: dict[str, Sketch] = {}
        self._postings: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self._sketches)

    def __contains__(self, entry: object) -> bool:
        return entry in self._sketches

    def add(self, entry: str, sketch: Sketch) -> None:
        """Index ``sketch`` under ``entry`` (replacing what that id held)."""
        if entry in self._sketches:
            self.remove(entry)
        self._sketches[entry] = sketch
        postings = self._postings
        probe = sketch[:PROBE]
        for h in probe:
            found = postings.get(h)
            if found is None:
                postings[h] = [entry]
            else:
                found.append(entry)

    def remove(self, entry: str) -> bool:
        sketch = self._sketches.pop(entry, None)
        if sketch is None:
            return False
        for h in sketch:
            found = self._postings.get(h)
            if found is not None:
                try:
                    found.remove(entry)
                except ValueError:
                    continue
                if not found:
                    del self._postings[h]
        return True

    def clear(self) -> None:
        self._sketches.clear()
        self._postings.clear()

    def best(self, sketch: Sketch, threshold: float) -> Hit | None:
        """The most similar entry at or above ``threshold``, or ``None``."""
        if not sketch or not self._sketches:
            return None
        counts: Counter[str] = Counter()
        postings = self._postings
        probe = sketch[:PROBE]
        for h in probe:
            found = postings.get(h)
            if found is not None and len(found) <= MAX_POSTING:
                counts.update(found)
        if not counts:
            return None
        # half the probed hashes a near-duplicate at the threshold shares, on average
        need = max(1, int(threshold * len(probe) / 2))
        best: Hit | None = None
        sketches = self._sketches
        for entry, shared in counts.most_common(CANDIDATES):
            if shared < need:
                break
            other = sketches.get(entry)
            if other is None:
                continue
            sim = similarity(sketch, other)
            if sim >= threshold and (best is None or sim > best.similarity):
                best = Hit(entry, sim)
        return best
