"""``with aimds.acting_as(subject): ...``: who the guarded calls in a block act for.

Guarded functions (``@guard.tool``) take their subject from, in order: the decorator's
``subject=``, the innermost ``acting_as`` block around the call, else the anonymous
default. The subject lives in a context variable, so it follows the code into asyncio
tasks and ``asyncio.to_thread`` calls started inside the block, and concurrent requests
of a server each keep their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from aimds.types import Subject

__all__ = ["acting_as", "current_subject"]

_ACTING: ContextVar[Subject | None] = ContextVar("aimds_acting_as", default=None)


@contextmanager
def acting_as(subject: Subject | None = None, **fields: Any) -> Iterator[Subject]:
    """Make ``subject`` (or ``Subject(**fields)``) the subject of guarded calls in the
    block; ``fields`` given together with ``subject`` replace those of its fields."""
    if subject is None:
        subject = Subject(**fields)
    elif fields:
        subject = Subject(**{**_fields(subject), **fields})
    token = _ACTING.set(subject)
    try:
        yield subject
    finally:
        _ACTING.reset(token)


def current_subject() -> Subject | None:
    """The subject of the innermost ``acting_as`` block, or ``None`` outside any."""
    return _ACTING.get()


def _fields(subject: Subject) -> dict[str, Any]:
    return {"tenant": subject.tenant, "agent": subject.agent, "role": subject.role,
            "session": subject.session, "user": subject.user}
