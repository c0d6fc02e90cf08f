"""What the guard keeps of its recent decisions so that feedback can name one later.

Per decision: its tenant, kind, verdict and rule ids, the sketches of its text (for the
attack memory), a keyed digest of the text (for an exact allow-list entry) and a *masked*
excerpt for people to read. Never the raw text: the excerpt is masked with the policy's
masker (secrets, credentials, contact data, the detectors' secret and PII spans) before
it is stored, and a masking failure stores no excerpt at all.

Bounded twice: at most ``max_decisions`` records (the oldest forgotten first) and each
for ``ttl_s`` seconds. Held in the process that decided: feedback for a decision made by
another process of a cluster, or after a restart, finds nothing (the service falls back to
an approval's stored details, see :mod:`aimds.server.routes_feedback`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from aimds.learn.sketch import Sketch

__all__ = ["RecentDecision", "RecentDecisions"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecentDecision:
    id: str
    tenant: str
    agent: str
    kind: str
    verdict: str
    rules: tuple[str, ...]
    sketches: tuple[Sketch, ...]
    digest: str
    excerpt: str
    ts: float


class RecentDecisions:
    """A bounded, expiring map of decision id -> :class:`RecentDecision`. Thread-safe."""

    def __init__(
        self,
        *,
        max_decisions: int = 10_000,
        ttl_s: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_decisions = max_decisions
        self.ttl_s = ttl_s
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, RecentDecision]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def put(self, record: RecentDecision) -> None:
        now = self._clock()
        with self._lock:
            items = self._items
            items[record.id] = (now, record)
            items.move_to_end(record.id)
            while len(items) > self.max_decisions:
                items.popitem(last=False)
            # the oldest first: stop at the first one still fresh
            while items:
                first = next(iter(items.values()))
                if now - first[0] <= self.ttl_s:
                    break
                items.popitem(last=False)

    def get(self, decision_id: str, *, tenant: str | None = None) -> RecentDecision | None:
        """The record, or ``None`` when unknown, expired, or of another tenant."""
        found = self._items.get(decision_id)
        if found is None or self._clock() - found[0] > self.ttl_s:
            return None
        if tenant is not None and found[1].tenant != tenant:
            return None
        return found[1]
