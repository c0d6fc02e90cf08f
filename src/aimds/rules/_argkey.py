"""A cheap, exact cache key for small flat tool arguments.

The pure parts of judging a call (classification, argument conditions, lexical path and
host checks) depend only on the tool name and the arguments, so they are cached per
``(tool, args_key(args))``. The key is exact: it keeps every key and value, in order, and
tags non-string scalars with their type so that ``True``, ``1`` and ``1.0`` (equal and
equally hashed in Python) never share an entry. Arguments that are large, nested or hold
other types get no key (``None``) and are judged without the cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["MAX_KEY_CHARS", "MAX_KEY_ITEMS", "ArgsKey", "args_from_key", "args_key"]

MAX_KEY_ITEMS = 16
MAX_KEY_CHARS = 2048

ArgsKey = tuple[Any, ...]
"""``(name, value, name, value, ...)``; non-string values are ``(type, value)`` pairs."""

_SCALARS = frozenset({int, float, bool, type(None)})


def args_key(args: Mapping[str, Any]) -> ArgsKey | None:
    """The cache key of ``args``, or ``None`` when they are too big or not flat scalars."""
    if len(args) > MAX_KEY_ITEMS:
        return None
    parts: list[Any] = []
    size = 0
    for name, value in args.items():
        if type(name) is not str:
            return None
        kind = type(value)
        if kind is str:
            size += len(value) + len(name)
            parts.append(name)
            parts.append(value)
        elif kind in _SCALARS:
            size += len(name) + 8
            parts.append(name)
            parts.append((kind, value))
        else:
            return None
    if size > MAX_KEY_CHARS:
        return None
    return tuple(parts)


def args_from_key(key: ArgsKey) -> dict[str, Any]:
    """The arguments a key was made from (an equal dict, same order, same types)."""
    return {
        key[i]: value[1] if type(value) is tuple else value
        for i, value in zip(range(0, len(key), 2), key[1::2], strict=True)
    }
