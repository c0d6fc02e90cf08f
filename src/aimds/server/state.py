"""Everything one service process holds, built once in :func:`build_state`.

Per-request state never lives here; these are the long-lived backends: the swappable guards
(the global one and each tenant's own, :class:`~aimds.server.tenant_policies.TenantPolicies`), the
approval queue, keys, policies, the live-event broker, the rate limiter, a bounded
memory of recent decisions per agent, the worker thread pool and, in cluster mode, Redis.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import logging
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from aimds._files import private_dir
from aimds.errors import ConfigError
from aimds.guard import Guard
from aimds.identity.stage import DELEGATION_META
from aimds.respond.approvals import (
    EXTRAS_KEY,
    ApprovalQueue,
    ApprovalRequest,
    SqlDatabase,
    queue_of,
)
from aimds.serialize import finding_to_dict
from aimds.server.action_view import ActionMasker
from aimds.server.approval_details import ApprovalDetails
from aimds.server.auth import Authenticator, JwtVerifier, KeyStore
from aimds.server.fairpool import FairPool
from aimds.server.metrics import ServiceMetrics
from aimds.server.policies import PolicyStore
from aimds.server.ratelimit import RateLimits, build_limits
from aimds.server.settings import ServerSettings
from aimds.server.sse import Broker
from aimds.server.tenant_policies import GuardHolder, TenantPolicies
from aimds.types import Decision, Services, Subject

__all__ = ["AsyncWaiters", "ServiceState", "build_state", "live_event"]

log = logging.getLogger("aimds.server")

AUDIT_KEY = "audit"
_RECENT_PER_AGENT = 50
_MAX_AGENTS = 10_000
_TIMELINE_MINUTES = 60


class AsyncWaiters:
    """Lets request handlers await approval transitions without a thread per waiter."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._events: dict[str, set[asyncio.Event]] = {}

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def fire(self, request_id: str) -> None:
        """Thread-safe: wake the handlers waiting on ``request_id``."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._set, request_id)

    def _set(self, request_id: str) -> None:
        for event in self._events.get(request_id, ()):
            event.set()

    async def wait(
        self, queue: ApprovalQueue, pool: ThreadPoolExecutor, request_id: str,
        tenant: str | None, timeout: float,
    ) -> ApprovalRequest | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        event = asyncio.Event()
        self._events.setdefault(request_id, set()).add(event)
        try:
            while True:
                event.clear()
                current = await loop.run_in_executor(
                    pool, lambda: queue.get(request_id, tenant=tenant)
                )
                remaining = deadline - loop.time()
                if current is None or not current.pending or remaining <= 0:
                    return current
                until_expiry = max(0.0, current.expires - time.time()) + 0.01
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), min(remaining, 1.0, until_expiry))
        finally:
            waiting = self._events.get(request_id)
            if waiting is not None:
                waiting.discard(event)
                if not waiting:
                    del self._events[request_id]


@dataclass(slots=True, kw_only=True)
class ServiceState:
    settings: ServerSettings
    tenant_policies: TenantPolicies
    services: Services
    queue: ApprovalQueue
    keys: KeyStore
    auth: Authenticator
    policies: PolicyStore
    broker: Broker
    limiter: RateLimits
    metrics: ServiceMetrics
    pool: ThreadPoolExecutor
    heavy: FairPool
    waiters: AsyncWaiters
    session_secret: bytes
    details: ApprovalDetails
    masker: ActionMasker
    redis: Any = None
    recent: collections.OrderedDict[tuple[str, str], collections.deque[dict[str, Any]]] = field(
        default_factory=collections.OrderedDict
    )
    started: float = field(default_factory=time.time)
    timeline: dict[tuple[str, int], collections.Counter[str]] = field(default_factory=dict)

    @property
    def holder(self) -> GuardHolder:
        """The global policy's holder (tenants without a version of their own run it)."""
        return self.tenant_policies.holder_for(None)

    @property
    def guard(self) -> Guard:
        """The global policy's guard; events are judged by :meth:`guard_for` their tenant."""
        return self.holder.guard

    def guard_for(self, tenant: str) -> Guard:
        """The guard of ``tenant``'s active policy: its own version, else the global one."""
        return self.tenant_policies.guard_for(tenant)

    def remember(self, decision: Decision) -> None:
        """Keep the last decisions with findings per agent, for the agent view (bounded)."""
        subject = decision.subject
        if subject is None:
            return
        minute = int(time.time() // 60)
        bucket = self.timeline.get((subject.tenant, minute))
        if bucket is None:
            bucket = self.timeline[(subject.tenant, minute)] = collections.Counter()
            for old in [k for k in self.timeline if k[1] < minute - _TIMELINE_MINUTES]:
                del self.timeline[old]
        bucket[decision.verdict.value] += 1
        for category in {f.category for f in decision.findings}:
            bucket["category:" + category] += 1
        key = (subject.tenant, subject.agent)
        ring = self.recent.get(key)
        if ring is None:
            ring = collections.deque(maxlen=_RECENT_PER_AGENT)
            self.recent[key] = ring
            if len(self.recent) > _MAX_AGENTS:
                self.recent.popitem(last=False)
        ring.append(
            {
                "id": decision.id,
                "verdict": decision.verdict.value,
                "kind": decision.kind.value if decision.kind else None,
                "tool": decision.action.type if decision.action else None,
                "approval": decision.approval,
                "findings": [finding_to_dict(f) for f in decision.findings],
                "ts": time.time(),
            }
        )

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.tenant_policies.close()
        audit = self.services.extras.get(AUDIT_KEY)
        if audit is not None and hasattr(audit, "close"):
            audit.close()
        self.queue.close()
        self.keys.db.close()
        if self.redis is not None:
            self.redis.close()


def live_event(decision: Decision) -> dict[str, Any]:
    """The live-feed view of a decision: ids, verdict, rules and their messages; no text or
    arguments."""
    subject = decision.subject
    return {
        "id": decision.id,
        "ts": time.time(),
        "tenant": subject.tenant if subject else "default",
        "agent": subject.agent if subject else "anonymous",
        "kind": decision.kind.value if decision.kind else None,
        "tool": decision.action.type if decision.action else None,
        "verdict": decision.verdict.value,
        "risk": decision.risk.value,
        "score": decision.score,
        "rules": list(decision.rules),
        "findings": [
            {"rule": f.rule, "severity": f.severity.value, "message": f.message}
            for f in decision.findings
        ],
        "categories": sorted({f.category for f in decision.findings}),
        "approval": decision.approval,
        "latency_us": round(decision.latency_us, 1),
    }


def build_state(settings: ServerSettings, guard: Guard | None = None) -> ServiceState:
    """Open the backends the settings name and build (or adopt) the guard."""
    if settings.data_dir is not None:
        private_dir(settings.data_dir)
    url = settings.resolved_database_url()
    services = guard.services if guard is not None else Services()
    if guard is None:
        _attach_audit(settings, services)
        _share_behavior_state(settings, services)
    queue = queue_of(services)
    if queue is None:
        queue = ApprovalQueue(url, clock=services.clock, secret=settings.secret("digest"))
        services.extras[EXTRAS_KEY] = queue
    if queue.max_pending_per_agent is None:
        queue.max_pending_per_agent = settings.max_pending_approvals_per_agent
    db = queue.db if queue.db.url == url else SqlDatabase(url)
    keys = KeyStore(db)
    policies = PolicyStore(db)
    jwt = None
    if settings.jwt_algorithm is not None:
        jwt = JwtVerifier(
            algorithm=settings.jwt_algorithm,
            secret=settings.jwt_secret,
            public_key_file=settings.jwt_public_key_file,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
        )
    tenant_policies = TenantPolicies(policies, services)
    tenant_policies.start(guard, settings.policy)
    redis = _redis(settings)
    limiter = build_limits(settings, redis)
    pool = ThreadPoolExecutor(max_workers=settings.threads, thread_name_prefix="aimds-guard")
    waiters = AsyncWaiters()
    queue.add_listener(lambda request: waiters.fire(request.id))
    audit = services.extras.get(AUDIT_KEY)
    if audit is not None and hasattr(audit, "append_event"):
        queue.add_listener(functools.partial(_audit_transition, audit))
    return ServiceState(
        settings=settings,
        tenant_policies=tenant_policies,
        services=services,
        queue=queue,
        keys=keys,
        auth=Authenticator(keys, jwt),
        policies=policies,
        broker=Broker(),
        limiter=limiter,
        metrics=ServiceMetrics(),
        pool=pool,
        heavy=FairPool(pool, slots=settings.heavy_threads or max(1, settings.threads // 2),
                       per_tenant=settings.heavy_queue_per_tenant),
        waiters=waiters,
        session_secret=settings.secret("session"),
        details=ApprovalDetails(db),
        masker=ActionMasker.for_policy(tenant_policies.holder_for(None).guard.policy),
        redis=redis,
    )


def _attach_audit(settings: ServerSettings, services: Services) -> None:
    """Open the audit log the settings name (before the guard is built, so its record
    stage writes there) and share its metrics."""
    if settings.resolved_audit_url() is None or AUDIT_KEY in services.extras:
        return
    from aimds.audit import create_metrics
    from aimds.server.service_audit import open_service_audit

    metrics = create_metrics()
    services.extras["metrics"] = metrics
    services.extras[AUDIT_KEY] = open_service_audit(settings, metrics)


def _share_behavior_state(settings: ServerSettings, services: Services) -> None:
    """Embedded mode: one in-process behaviour store for every policy version, so a policy
    swap keeps windows, trust and quarantines. (Cluster mode keeps them in Redis, named by
    the policy's ``behavior.store: redis``.)"""
    if settings.redis_url is None and services.store is None:
        from aimds.behavior.memory import MemoryStore

        services.store = MemoryStore()


def _audit_transition(audit: Any, request: ApprovalRequest) -> None:
    """Every approval transition goes to the audit log (masked there, like all records)."""
    audit.append_event(
        "approval.requested" if request.pending else "approval.resolved",
        subject=Subject(tenant=request.tenant, agent=request.agent),
        data={"approval": request.id, "status": request.status.value,
              "by": request.approver or request.requester, "rules": list(request.rules),
              "digest": request.digest},
        verdict=request.verdict.value,
        rules=request.rules,
    )


def _redis(settings: ServerSettings) -> Any:
    if not settings.redis_url:
        return None
    try:
        import redis
    except ImportError as exc:  # pragma: no cover - depends on the install
        from aimds.errors import MissingExtraError

        raise MissingExtraError("redis", "redis") from exc
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise ConfigError(
            f"redis_url: cannot reach Redis ({type(exc).__name__}); check the URL and server"
        ) from None
    return client


CALLER_RESERVED_META = frozenset({DELEGATION_META})
"""Reserved keys a caller may set all the same: a delegation chain is signed link by link
and checked against the registry and the acting agent by the identity stage, so a caller
cannot forge one; dropping it would make delegation unusable through the service."""


def decision_meta(meta: Mapping[str, Any], requester: str) -> dict[str, Any]:
    """Caller metadata without reserved ``aimds.*`` keys (except the signed ones of
    :data:`CALLER_RESERVED_META`), plus who asked (for approvals)."""
    clean = {
        k: v
        for k, v in meta.items()
        if not str(k).startswith("aimds.") or k in CALLER_RESERVED_META
    }
    clean["aimds.requester"] = requester
    return clean
