"""Per-agent behavioural baselines: rate spikes, action-type entropy, first use.

All findings are ``behavior.baseline.*`` (never ``ASA-B-*``), ``low`` by default and only
raised once an agent has ``min_history`` events, so new agents and benign traces stay quiet.

* ``spike``: this action type's count in the current ``bucket`` against its mean per bucket
  over the last ``history_buckets`` (Poisson z-score, ``(n - mean) / sqrt(mean)``).
* ``entropy``: Shannon entropy (bits) of the action types in the current scope (session) at
  or above ``entropy_bits`` after ``entropy_min_events`` actions: an agent doing a little of
  everything.
* ``new_action`` / ``new_host``: an action type or destination host the agent never used.
"""

from __future__ import annotations

import math

from aimds.behavior.batch import Batch, Ctx, MemberIds
from aimds.behavior.findings import finding
from aimds.behavior.store import Count, First, HashCounts, Incr, Result, SetAdd, Window
from aimds.policy.sections.behavior import BaselineSettings
from aimds.types import Finding

__all__ = ["Baselines", "entropy_bits"]

_MIN_PAST_BUCKETS = 3.0


def entropy_bits(counts: dict[str, int]) -> float:
    """Shannon entropy in bits of a count table (0 for an empty table)."""
    total = sum(counts.values())
    if total <= 0:
        return 0.0
    return -sum((n / total) * math.log2(n / total) for n in counts.values() if n > 0)


class Baselines:
    """Plans the baseline ops of a classified tool call and checks them."""

    def __init__(self, cfg: BaselineSettings, ttl: float, member: MemberIds) -> None:
        self._cfg = cfg
        self._ttl = ttl
        self._member = member
        self._horizon = cfg.bucket * cfg.history_buckets

    def plan(self, c: Ctx, b: Batch) -> None:
        action_type = c.ind.action_type
        if action_type is None:
            return
        cfg, keys = self._cfg, c.keys
        history = b.add(Incr(key=keys.agent_key("n"), ttl=self._ttl))
        rate_key = keys.agent_key(f"rate:{action_type}")
        total = b.add(
            Window(
                key=rate_key,
                member=self._member(),
                score=c.ts,
                horizon=self._horizon,
                ttl=self._horizon,
            )
        )
        current = b.add(Count(key=rate_key, since=c.ts - cfg.bucket))
        oldest = b.add(First(key=rate_key))
        mix = b.add(HashCounts(key=keys.scoped("types"), field=action_type, ttl=self._ttl))
        new_type = b.add(SetAdd(key=keys.agent_key("types"), member=action_type, ttl=self._ttl))
        new_hosts = (
            [
                b.add(SetAdd(key=keys.agent_key("hosts"), member=host, ttl=self._ttl))
                for host in c.ind.hosts
            ]
            if cfg.first_use
            else []
        )

        def check(c: Ctx, r: list[Result]) -> Finding | None:
            if int(r[history]) <= cfg.min_history:  # type: ignore[call-overload]
                return None
            return (
                self._spike(c, int(r[total]), int(r[current]), r[oldest])  # type: ignore[call-overload]
                or self._entropy(c, r[mix])  # type: ignore[arg-type]
                or self._first_use(c, bool(r[new_type]), any(r[i] for i in new_hosts))
            )

        b.check(check)

    def _spike(self, c: Ctx, total: int, current: int, oldest: Result) -> Finding | None:
        cfg = self._cfg
        if current < cfg.min_spike or not isinstance(oldest, float):
            return None
        # Buckets of history before the current one, as far back as this agent has any.
        past = min((c.ts - oldest) / cfg.bucket, float(cfg.history_buckets)) - 1.0
        if past < _MIN_PAST_BUCKETS:
            return None
        mean = max(total - current, 0) / past
        z = (current - mean) / math.sqrt(max(mean, 1.0))
        if z < cfg.z_threshold:
            return None
        return finding(
            "behavior.baseline.spike",
            f"{current} {c.ind.action_type} actions in {cfg.bucket:g}s against a usual "
            f"{mean:.1f} (z={z:.1f})",
            severity=cfg.severity,
            action=cfg.action,
            details={"count": current, "mean": round(mean, 3), "z": round(z, 2)},
        )

    def _entropy(self, c: Ctx, mix: dict[str, int]) -> Finding | None:
        cfg = self._cfg
        if sum(mix.values()) < cfg.entropy_min_events:
            return None
        bits = entropy_bits(mix)
        if bits < cfg.entropy_bits:
            return None
        return finding(
            "behavior.baseline.entropy",
            f"{len(mix)} different action types ({bits:.2f} bits) in this session",
            severity=cfg.severity,
            action=cfg.action,
            details={"types": len(mix), "bits": round(bits, 3)},
        )

    def _first_use(self, c: Ctx, new_type: bool, new_host: bool) -> Finding | None:
        cfg = self._cfg
        if not cfg.first_use or not (new_type or new_host):
            return None
        what = "action type" if new_type else "destination host"
        return finding(
            "behavior.baseline.new_action" if new_type else "behavior.baseline.new_host",
            f"first use of a {what} by this agent",
            severity=cfg.severity,
            action=cfg.action,
            details={"action_type": c.ind.action_type},
        )
