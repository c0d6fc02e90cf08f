"""A bounded, thread-safe LRU of judge answers with a time to live.

Keys are :meth:`~aimds.judge.base.JudgeRequest.cache_key` digests (sha256 of the policy
label, task, kind and text), so the cache holds no reviewed text. Only answers are cached,
never failures: a judge that was down a minute ago is asked again. ``size`` 0 or ``ttl_s``
0 turn it off.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from aimds.judge.base import JudgeAnswer

__all__ = ["AnswerCache"]


class AnswerCache:
    """``get``/``put`` by key; the least recently used entry goes first when full."""

    def __init__(
        self, *, size: int, ttl_s: float, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._size = size
        self._ttl = ttl_s
        self._monotonic = monotonic
        self._entries: OrderedDict[str, tuple[float, JudgeAnswer]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self._size > 0 and self._ttl > 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> JudgeAnswer | None:
        if not self.enabled:
            return None
        now = self._monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, answer = entry
            if now >= expires:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return answer

    def put(self, key: str, answer: JudgeAnswer) -> None:
        if not self.enabled:
            return
        expires = self._monotonic() + self._ttl
        with self._lock:
            self._entries[key] = (expires, answer)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
