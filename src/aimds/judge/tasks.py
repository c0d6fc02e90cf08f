"""The user's task per session, for the judge's prompt.

A tool result or a tool call is an attack relative to what the user asked for: "send this
file to x@example.com" is the task in one session and an exfiltration in another. The task
is, in order:

1. ``event.meta["user_request"]`` when the caller passes it (the same key the semantic
   detector's relevance check reads);
2. else the last prompt of the same tenant and session that the fast gates let through,
   remembered here in process memory (bounded, expiring). In a cluster a session's prompts
   may reach another process: pass ``user_request`` there.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from aimds.types import Event, EventKind

__all__ = ["TaskMemory"]

MAX_TASK_CHARS = 4000


class TaskMemory:
    """Last permitted prompt per ``(tenant, session)``: at most ``size`` sessions, each
    forgotten ``ttl_s`` seconds after its last prompt."""

    def __init__(
        self,
        *,
        size: int = 10_000,
        ttl_s: float = 3600.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._size = size
        self._ttl = ttl_s
        self._monotonic = monotonic
        self._tasks: OrderedDict[tuple[str, str], tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, event: Event) -> None:
        """Keep ``event``'s text as its session's task (prompts only)."""
        if event.kind is not EventKind.PROMPT or not event.text:
            return
        key = (event.subject.tenant, event.subject.session)
        entry = (self._monotonic() + self._ttl, event.text[:MAX_TASK_CHARS])
        with self._lock:
            self._tasks[key] = entry
            self._tasks.move_to_end(key)
            while len(self._tasks) > self._size:
                self._tasks.popitem(last=False)

    def task_for(self, event: Event) -> str | None:
        """The task the judge is told about for ``event`` (see the module docstring)."""
        given = event.meta.get("user_request") if event.meta else None
        if isinstance(given, str) and given.strip():
            return given[:MAX_TASK_CHARS]
        if event.kind is EventKind.PROMPT:
            return None  # a prompt is the task itself
        key = (event.subject.tenant, event.subject.session)
        with self._lock:
            entry = self._tasks.get(key)
            if entry is None:
                return None
            if self._monotonic() >= entry[0]:
                del self._tasks[key]
                return None
            return entry[1]
