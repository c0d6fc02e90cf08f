"""The operator's handle on behavioural state: quarantine, release, trust (and its reset),
counters.

The behaviour stage keeps one :class:`Behavior`; :class:`aimds.Guard` delegates to it
(``guard.quarantine(...)``, ``guard.release(...)``, ``guard.trust(...)``). Operator calls raise
:class:`~aimds.errors.BackendError` when the store is down: an operator must know the switch
did not flip. Counters are plain numbers that a metrics exporter can read.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

from aimds.behavior import quarantine as q
from aimds.behavior.store import Delete, Get, Set, Store, Trust
from aimds.behavior.trust import TrustInfo, tier_of
from aimds.behavior.windows import quarantine_key, trust_key
from aimds.errors import InputError
from aimds.policy.sections.behavior import TrustSettings

__all__ = ["Behavior", "Counters"]

_MAX_ID = 256


class Counters:
    """Thread-safe named counters (``backend_unavailable``, ``findings.ASA-B-002``...)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def inc(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self._counts[name] += amount

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)


class Behavior:
    """Quarantine and trust of agents, and the stage's counters."""

    def __init__(self, store: Store, trust: TrustSettings, *, clock: Callable[[], float]) -> None:
        self.store = store
        self.counters = Counters()
        self._trust = trust
        self._clock = clock

    def quarantine(
        self, agent: str, *, tenant: str = "default", reason: str = "", by: str = "operator"
    ) -> None:
        """Block every event of ``agent`` until :meth:`release`."""
        _check_id("agent", agent)
        _check_id("tenant", tenant)
        record = q.QuarantineRecord(by=by, reason=reason, ts=self._clock())
        self.store.execute([Set(key=quarantine_key(tenant, agent), value=q.encode(record))])
        self.counters.inc("quarantined")

    def release(self, agent: str, *, tenant: str = "default") -> bool:
        """Lift the quarantine of ``agent``; ``False`` if it was not quarantined."""
        key = quarantine_key(tenant, agent)
        before, _ = self.store.execute([Get(key=key), Delete(key=key)])
        if before is not None:
            self.counters.inc("released")
        return before is not None

    def quarantined(self, agent: str, *, tenant: str = "default") -> q.QuarantineRecord | None:
        """The quarantine record of ``agent``, or ``None``."""
        (raw,) = self.store.execute([Get(key=quarantine_key(tenant, agent))])
        return None if raw is None else q.decode(str(raw))

    def trust(self, agent: str, *, tenant: str = "default") -> TrustInfo:
        """The agent's trust score now (decayed toward the initial score) and its tier."""
        cfg = self._trust
        (score,) = self.store.execute(
            [
                Trust(
                    key=trust_key(tenant, agent),
                    initial=cfg.initial,
                    half_life=cfg.half_life,
                    now=self._clock(),
                    write=False,
                    recovery_half_life=cfg.recovery_half_life,
                )
            ]
        )
        value = float(score)  # type: ignore[arg-type]
        return TrustInfo(tenant=tenant, agent=agent, score=value, tier=tier_of(value))

    def reset_trust(self, agent: str, *, tenant: str = "default") -> TrustInfo:
        """Forget ``agent``'s trust history: its score is ``trust.initial`` again. Returns the
        score it had (an operator's call; the service audits it)."""
        _check_id("agent", agent)
        _check_id("tenant", tenant)
        before = self.trust(agent, tenant=tenant)
        self.store.execute([Delete(key=trust_key(tenant, agent))])
        self.counters.inc("trust_reset")
        return before

    def counts(self) -> dict[str, int]:
        return self.counters.snapshot()


def _check_id(name: str, value: str) -> None:
    if not isinstance(value, str) or not value or len(value) > _MAX_ID:
        raise InputError(f"{name} must be a non-empty string of at most {_MAX_ID} characters")
