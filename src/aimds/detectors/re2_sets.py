"""The fast way to ask an ``re2.Set`` which of its patterns occur in a text.

``re2.Set.Match`` is an interpreted wrapper: it checks the argument's type, encodes a
``str`` to UTF-8 and calls the extension's own ``Match``, two Python-level calls on every
text the detectors read (several per event). :func:`set_matcher` hands out that own method
(over UTF-8 bytes) where the wrapper exposes it, so a detector encodes once and calls C
directly. The result is the same list of pattern indices the wrapper returns (the wrapper
returns ``None`` for an empty one); only where the wrapper's inner set is missing (another
``re2`` build) does the wrapper itself answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["set_matcher"]


def set_matcher(compiled: Any) -> Callable[[bytes], list[int] | None]:
    """``compiled.Match`` (a compiled ``re2.Set``) without its interpreted wrapper; it
    takes UTF-8 bytes, as the wrapper would have encoded them."""
    inner = getattr(compiled, "_set", None)
    raw = getattr(inner, "Match", None)
    return raw if callable(raw) else compiled.Match  # type: ignore[no-any-return]
