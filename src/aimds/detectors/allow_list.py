"""The policy's ``detectors.allow`` list: texts the content detectors spare (exact texts,
globs, and regular expressions run on the linear-time engine). One reading, shared by the
injection, addressed and framed-request detectors, so a text allowed for one is allowed
for all."""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING

from aimds.policy.fields import compile_regex

if TYPE_CHECKING:
    from aimds.policy.sections.detectors import DetectorsSection

__all__ = ["AllowList"]


class AllowList:
    """Immutable once built; thread-safe."""

    def __init__(self, section: DetectorsSection) -> None:
        self._exact = frozenset(section.allow.exact)
        self._globs = tuple(re.compile(fnmatch.translate(g)) for g in section.allow.glob)
        self._regexes = tuple(compile_regex(r) for r in section.allow.regex)

    def __bool__(self) -> bool:
        return bool(self._exact or self._globs or self._regexes)

    def allows(self, text: str) -> bool:
        return (
            text in self._exact
            or any(g.match(text) for g in self._globs)
            or any(r.search(text) for r in self._regexes)
        )
