"""Per-agent behavioural baselines: rate spikes, action-type entropy, first use.

All findings are ``behavior.baseline.*`` (never ``ASA-B-*``), ``low`` by default and only
raised once an agent has ``min_history`` events, so new agents and benign traces stay quiet.

* ``spike``: this action type's count in the current ``bucket`` against its mean per bucket
  over the last ``history_buckets`` (Poisson z-score, ``(n - mean) / sqrt(mean)``).
* ``entropy``: Shannon entropy (bits) of the action types in the current scope (session) at
  or above ``entropy_bits`` after ``entropy_min_events`` actions: an agent doing a little of
  everything.
* ``new_action`` / ``new_host``: an action type or destination host the agent never used
  (of the ``max_hosts`` it used last: an agent that contacts a new host on every call keeps a
  bounded set, and one forgotten long ago counts as new again).
"""

from __future__ import annotations

import math
from typing import cast

from aimds.behavior.batch import Batch, Ctx
from aimds.behavior.findings import finding
from aimds.behavior.store import HashCounts, Incr, Rate, Result, SetAdd
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

    def __init__(self, cfg: BaselineSettings, ttl: float) -> None:
        self._cfg = cfg
        self._ttl = ttl
        self._horizon = cfg.bucket * cfg.history_buckets
        self._bucket = cfg.bucket
        self._track_hosts = cfg.first_use
        self._max_hosts = cfg.max_hosts

    def plan(self, c: Ctx, b: Batch) -> None:
        action_type = c.ind.action_type
        if action_type is None:
            return
        cfg, keys, ttl, ts = self._cfg, c.keys, self._ttl, c.ts
        agent, horizon = keys.agent_prefix, self._horizon
        # positional ops (see aimds.behavior.store): one of these batches per tool call
        history = b.add(Incr(agent + "n", 1, None, ttl))
        rate = b.add(Rate(f"{agent}rate:{action_type}", ts, horizon, horizon, ts - self._bucket))
        mix = b.add(HashCounts(keys.scoped_prefix + "types", action_type, ttl))
        new_type = b.add(SetAdd(agent + "types", action_type, ttl))
        new_hosts = (
            [b.add(SetAdd(agent + "hosts", host, ttl, self._max_hosts)) for host in c.ind.hosts]
            if self._track_hosts and c.ind.hosts
            else []
        )

        def check(c: Ctx, r: list[Result]) -> Finding | None:
            if int(r[history]) <= cfg.min_history:  # type: ignore[call-overload]
                return None
            total, current, oldest = cast("tuple[int, int, float | None]", r[rate])
            return (
                self._spike(c, total, current, oldest)
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
