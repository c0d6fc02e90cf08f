"""Paths with shell wildcards: the sensitive place a glob *could* name.

``cat /etc/sh*dow`` reads ``/etc/shadow``, yet the text ``/etc/sh*dow`` is no protected path.
A path holding ``*``, ``?`` or ``[...]`` is therefore judged by what it may expand to: it is
in a sensitive place when it matches the place as written (``*.pem``: the place's own
wildcards cover the glob's), or when it matches a protected path of that place, each of the
place's wildcards standing for the shortest name (``/etc/shadow*`` is ``/etc/shadow``,
``**/.ssh/id_*`` is ``<anywhere>/.ssh/id_``). The earlier entry of
:data:`~aimds.rules.paths.SENSITIVE_PATHS` wins, as for literal paths. Nothing touches the
filesystem: what exists today is no guide to what the glob matches when it runs.

Two readings keep ordinary globs quiet, both taken from how the shell expands them:

* a segment that starts with a wildcard never matches a name that starts with ``.``
  (``*`` skips dotfiles), so ``cat *.txt`` cannot name ``.env``;
* a last segment made only of wildcards (``/tmp/*``, ``src/*``) names no file, only a
  directory's contents: it is compared with the places fixed by location (``/etc/shadow*``,
  ``/proc/*/environ``), not with those recognised anywhere by name (``**/*.pem``), which
  would make every listing a credential read.
"""

from __future__ import annotations

import fnmatch
import functools
import re

from aimds.rules.paths import SENSITIVE_PATHS, SensitivePlace, classify_path

__all__ = ["has_glob", "locate_place"]

_WILDCARDS = frozenset("*?[")
_MAX_SEGMENTS = 64
_ONLY_WILDCARDS = re.compile(r"^(?:\*|\?)+$")
_CLASS = re.compile(r"\[!?([^\]])[^\]]*\]")


def has_glob(path: str) -> bool:
    """Whether ``path`` holds a shell wildcard."""
    return not _WILDCARDS.isdisjoint(path)


@functools.lru_cache(maxsize=4096)
def locate_place(path: str, home: str = "/root") -> SensitivePlace | None:
    """The sensitive place of ``path`` (canonical absolute, or a relative name); for a glob,
    the most specific place it could name. A credential store beats a system place."""
    place = classify_path(path, home=home)
    if not has_glob(path) or len(path) > 1024 or (place is not None and place.credential_store):
        return place
    found = _glob_place(path)
    if found is None:
        return place
    return found if place is None or found.credential_store else place


def _glob_place(path: str) -> SensitivePlace | None:
    segments = [s for s in path.split("/") if s not in ("", ".")][:_MAX_SEGMENTS]
    if not segments:
        return None
    glob = tuple(_segment_regex(s) for s in segments)
    relative = not path.startswith("/")
    names_nothing = _ONLY_WILDCARDS.match(segments[-1]) is not None
    for place in SENSITIVE_PATHS:
        anywhere = place.glob.startswith("**/")
        if (relative and not anywhere) or (names_nothing and anywhere):
            continue
        if any(fnmatch.fnmatchcase(path, ex.replace("**/", "*/")) for ex in place.exclude):
            continue  # every path the glob names is taken out of the place (``*.pub``)
        # a relative glob sits in a directory nobody named: only the leading ``**`` of an
        # anywhere-entry stands for it, never one of the entry's own named directories
        instance = _instance(place.glob)
        if None in glob:
            # with ``**`` the glob reaches into every directory: compared with the protected
            # file itself, not with what lies below it (``src/**/*.ts`` names no key)
            while instance and instance[-1] is None:
                instance = instance[:-1]
        if _meet(glob, instance):
            return place
    return None


@functools.lru_cache(maxsize=256)
def _instance(glob: str) -> tuple[str | None, ...]:
    """A table glob's shortest protected path as segments: ``None`` for ``**`` (any
    segments), ``*`` and ``?`` as nothing, a class as its first character, and a trailing
    ``None``: a place that names a directory covers everything below it."""
    body = glob[3:] if glob.startswith("**/") else glob.lstrip("/")
    head: tuple[None, ...] = (None,) if glob.startswith("**/") else ()
    names = tuple(
        None if s == "**" else _CLASS.sub(r"\1", s).replace("*", "").replace("?", "")
        for s in body.split("/")
        if s
    )
    return (*head, *names, None)


@functools.lru_cache(maxsize=1024)
def _segment_regex(segment: str) -> tuple[re.Pattern[str], bool] | None:
    """One glob segment as a regex, and whether it starts with a wildcard (such a segment
    matches no name starting with a dot); ``None`` for ``**``."""
    if segment == "**":
        return None
    return re.compile(fnmatch.translate(segment)), segment[:1] in _WILDCARDS


def _meet(
    glob: tuple[tuple[re.Pattern[str], bool] | None, ...], path: tuple[str | None, ...]
) -> bool:
    """Whether the glob's segments match the protected path's (``None`` on either side
    stands for any number of segments)."""

    @functools.cache
    def meet(i: int, j: int) -> bool:
        if i == len(glob) and j == len(path):
            return True
        if j < len(path) and path[j] is None:
            if meet(i, j + 1) or (i < len(glob) and meet(i + 1, j)):
                return True
        elif i < len(glob) and glob[i] is None:
            # ``**`` matches no hidden directory
            hidden = j < len(path) and (path[j] or "").startswith(".")
            if meet(i + 1, j) or (j < len(path) and not hidden and meet(i, j + 1)):
                return True
        if i < len(glob) and j < len(path):
            segment, name = glob[i], path[j]
            if segment is not None and name:
                regex, wild = segment
                if not (wild and name.startswith(".")) and regex.match(name):
                    return meet(i + 1, j + 1)
        return False

    return meet(0, 0)
