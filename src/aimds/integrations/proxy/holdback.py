"""The hold-back window of a streamed completion: nothing leaves unchecked.

Text arrives in chunks. :class:`HoldBack` keeps what has not been sent and, on each
:meth:`HoldBack.flush`, checks all of it as one completion. It releases everything but the
newest ``holdback_chars`` characters (a secret split across chunks may begin there), and
only when no redacted value reaches into that held tail, so the tail is exactly what the
next check will see again. Released text is the guard's redacted text, so a value found in
the window is replaced in place. When a redacted value keeps growing at the end and the
buffer passes ``max_buffer_chars``, the text before that value is checked on its own and
released, and the value stays held; a single value longer than the buffer ends the stream.

The window is a pure object over a ``check`` callable, so it is tested without a network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aimds.types import Decision

__all__ = ["HoldBack", "Released"]


@dataclass(frozen=True, slots=True)
class Released:
    """What one flush lets out: checked ``text`` to send, or the ``blocked`` decision."""

    text: str = ""
    blocked: Decision | None = None


class HoldBack:
    def __init__(
        self,
        check: Callable[[str], Decision],
        *,
        holdback_chars: int,
        max_buffer_chars: int,
    ) -> None:
        self._check = check
        self._hold = holdback_chars
        self._max = max_buffer_chars
        self._buffer = ""
        self._unchecked = 0

    @property
    def held(self) -> str:
        return self._buffer

    @property
    def unchecked_chars(self) -> int:
        """Characters pushed since the last flush."""
        return self._unchecked

    def push(self, text: str) -> None:
        self._buffer += text
        self._unchecked += len(text)

    def flush(self, *, final: bool = False) -> Released:
        """Check the held text; release what is safe (all of it when ``final``)."""
        self._unchecked = 0
        if not self._buffer:
            return Released()
        buffer = self._buffer
        decision = self._check(buffer)
        if not decision.allowed:
            return Released(blocked=decision)
        shown = decision.text if decision.text is not None else buffer
        if final:
            self._buffer = ""
            return Released(text=shown)
        reach = max((f.span[1] for f in decision.findings if f.span is not None), default=0)
        cut = len(buffer) - self._hold
        if cut > 0 and reach <= cut:
            tail = buffer[cut:]
            if shown.endswith(tail):
                self._buffer = tail
                return Released(text=shown[: len(shown) - len(tail)])
        if len(buffer) <= self._max:
            return Released()
        return self._release_before(buffer, decision)

    def _release_before(self, buffer: str, decision: Decision) -> Released:
        """The buffer is full and a found value reaches its end: release what precedes it."""
        starts = [f.span[0] for f in decision.findings if f.span is not None]
        cut = min(max(starts, default=0), len(buffer) - self._hold)
        if cut <= 0:
            # One found value fills the whole buffer: stop rather than hold without bound.
            return Released(blocked=decision)
        head = self._check(buffer[:cut])
        if not head.allowed:
            return Released(blocked=head)
        self._buffer = buffer[cut:]
        return Released(text=head.text if head.text is not None else buffer[:cut])
