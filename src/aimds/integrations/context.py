"""Who is acting: a context variable the integrations read when no subject is passed.

``with aimds.acting_as(Subject(agent="researcher-1", session="s1")):`` makes every guarded
call inside the block (``@guard.tool``, the LangChain and Agents SDK guards) carry that
subject, so one agent's blocked attack lowers that agent's trust and nobody else's. The
variable is a :class:`contextvars.ContextVar`: each thread and asyncio task sees its own
value, and tasks started inside the block inherit it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace

from aimds.types import DEFAULT_SUBJECT, Subject

__all__ = ["acting_as", "current_subject"]

_CURRENT: ContextVar[Subject | None] = ContextVar("aimds_subject", default=None)


@contextmanager
def acting_as(
    subject: Subject | None = None,
    *,
    tenant: str | None = None,
    agent: str | None = None,
    role: str | None = None,
    session: str | None = None,
    user: str | None = None,
) -> Iterator[Subject]:
    """Run the block as ``subject``; keyword fields override single fields of it (or of the
    subject already in effect), e.g. ``acting_as(session="s2")`` inside an outer block."""
    base = subject if subject is not None else current_subject()
    fields = {
        key: value
        for key, value in (
            ("tenant", tenant),
            ("agent", agent),
            ("role", role),
            ("session", session),
            ("user", user),
        )
        if value is not None
    }
    who = replace(base, **fields) if fields else base
    token = _CURRENT.set(who)
    try:
        yield who
    finally:
        _CURRENT.reset(token)


def current_subject(explicit: Subject | None = None) -> Subject:
    """``explicit`` if given, else the subject of the innermost :func:`acting_as`, else the
    anonymous default subject."""
    if explicit is not None:
        return explicit
    found = _CURRENT.get()
    return found if found is not None else DEFAULT_SUBJECT
