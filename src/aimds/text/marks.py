"""What the normalisation passes noticed: per technique, how often and where first."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Mark", "MarkLog"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Mark:
    """``count`` occurrences of one technique; ``span`` of the first, in the pass's input."""

    count: int
    span: tuple[int, int]


class MarkLog:
    """Collects marks during one pass (one instance per call, never shared)."""

    __slots__ = ("_marks",)

    def __init__(self) -> None:
        self._marks: dict[str, list[int]] = {}

    def add(self, note: str, start: int, end: int, count: int = 1) -> None:
        found = self._marks.get(note)
        if found is None:
            self._marks[note] = [count, start, end]
        else:
            found[0] += count

    def __bool__(self) -> bool:
        return bool(self._marks)

    def result(self) -> dict[str, Mark]:
        return {k: Mark(count=v[0], span=(v[1], v[2])) for k, v in self._marks.items()}
