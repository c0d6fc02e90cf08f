"""Combined matchers compiled once per policy: many globs or patterns, one pass per value.

:class:`NameGlobs` answers "which of these globs match this name" with one dict lookup for
literal globs plus one RE2 set match for the rest, so the cost does not grow with the
number of globs. Name globs (tools, types, hosts, roles) treat ``*`` as "any characters";
path globs use :func:`aimds.rules.paths.glob_to_regex` (``*`` stays within a segment).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import re2

from aimds.rules.paths import glob_to_regex

__all__ = ["NameGlobs", "PatternSet", "globs_any", "name_glob_regex", "path_glob_regex"]

_META = frozenset("*?[")


def name_glob_regex(glob: str) -> str:
    """An unanchored RE2 body for a name glob: ``*`` any run, ``?`` one char, ``[...]``."""
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        if c == "*":
            while i + 1 < n and glob[i + 1] == "*":
                i += 1
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "[" and (end := glob.find("]", i + 1)) != -1:
            body = glob[i + 1 : end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end
        else:
            out.append(re2.escape(c))
        i += 1
    return "".join(out)


def path_glob_regex(glob: str, *, cwd: str, home: str) -> str:
    """An anchored RE2 pattern for a path glob over canonical paths.

    ``~`` and ``{cwd}`` expand; a glob without ``/`` matches that name at any depth;
    another relative glob is anchored at ``cwd``; a matched directory covers its subtree.
    """
    glob = glob.replace("{cwd}", cwd.rstrip("/") or "/")
    if glob == "~" or glob.startswith("~/"):
        glob = home.rstrip("/") + glob[1:]
    if "/" not in glob.rstrip("/"):
        glob = "**/" + glob
    elif not glob.startswith(("/", "**")):
        glob = cwd.rstrip("/") + "/" + glob
    glob = glob.rstrip("/") or "/"
    if glob == "/":
        return "^/$"
    return glob_to_regex(glob)


class PatternSet:
    """Many RE2 patterns matched in one pass; ``match`` returns the ids of those that hit."""

    __slots__ = ("_ids", "_match", "_set")

    def __init__(self, patterns: Sequence[tuple[str, Any]], *, anchor: str = "search") -> None:
        factory = {
            "search": re2.Set.SearchSet,
            "full": re2.Set.FullMatchSet,
        }[anchor]
        self._ids: tuple[Any, ...] = tuple(ident for _, ident in patterns)
        self._set: Any = None
        self._match: Any = None
        if patterns:
            compiled = factory()
            for pattern, _ in patterns:
                compiled.Add(pattern)
            compiled.Compile()
            self._set = compiled
            self._match = _raw_match(compiled)

    def __bool__(self) -> bool:
        return self._set is not None

    def match(self, text: str) -> list[Any]:
        if self._set is None:
            return []
        hits = self._match(text.encode("utf-8"))
        if not hits:
            return []
        ids = self._ids
        return [ids[i] for i in hits]


def _raw_match(compiled: Any) -> Any:
    """The set's match over UTF-8 bytes: the extension's own method where the wrapper
    exposes it (``re2.Set.Match`` is an interpreted wrapper that encodes and calls it, two
    Python-level calls per match, several times per tool call), else the wrapper's."""
    inner = getattr(compiled, "_set", None)
    raw = getattr(inner, "Match", None)
    return raw if callable(raw) else compiled.Match


class NameGlobs:
    """Globs over names, each tagged with an id; ``match`` returns the ids that match."""

    __slots__ = ("_exact", "_patterns")

    def __init__(self, globs: Iterable[tuple[str, Any]]) -> None:
        exact: dict[str, list[Any]] = {}
        patterns: list[tuple[str, Any]] = []
        for glob, ident in globs:
            if _META.isdisjoint(glob):
                exact.setdefault(glob, []).append(ident)
            else:
                patterns.append((name_glob_regex(glob), ident))
        self._exact = {name: tuple(ids) for name, ids in exact.items()}
        self._patterns = PatternSet(patterns, anchor="full")

    def match(self, name: str) -> list[Any]:
        found = list(self._exact.get(name, ()))
        if self._patterns:
            found.extend(self._patterns.match(name))
        return found

    def any(self, name: str) -> bool:
        return name in self._exact or bool(self._patterns and self._patterns.match(name))


def globs_any(globs: Sequence[str]) -> NameGlobs | None:
    """A matcher for "any of these globs", or ``None`` when the list is empty (no filter)."""
    return NameGlobs((g, i) for i, g in enumerate(globs)) if globs else None
