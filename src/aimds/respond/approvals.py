"""Human approvals: the ``approvals`` stage, the durable queue and waiting for a decision.

A ``review`` verdict becomes an :class:`ApprovalRequest` in an :class:`ApprovalQueue`
(SQLite file or memory, or PostgreSQL) and the decision carries its id. A request moves
once, atomically, from ``pending`` to ``approved``, ``denied`` or ``expired``::

    pending ──approve──► approved   (the event may take effect: allow)
       │    ──deny─────► denied     (block)
       └────timeout────► expired    (the policy's on_expiry: deny unless it says approve)

The queue never stores raw event text or arguments: only a keyed digest of the event, the
rule ids that fired, and the tool and action type. Every transition is handed to the
queue's listeners (the audit log, the server's waiters, a Redis bridge in cluster mode).

The queue lives in ``services.extras["approvals"]``; the app or the library user creates
it, or the stage creates an in-memory one on first build. :func:`await_decision` blocks
until a human decides; ``Guard.check(event, wait_for_approval=...)`` delegates to it.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import hmac
import json
import logging
import re
import secrets
import sqlite3
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from aimds._files import private_dir, private_file
from aimds.errors import BackendError, ConfigError, InputError, MissingExtraError
from aimds.types import Decision, Evaluation, Finding, Severity, Verdict

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.types import Services

__all__ = [
    "EXTRAS_KEY",
    "LIMIT_RULE",
    "ApprovalLimitError",
    "ApprovalQueue",
    "ApprovalRequest",
    "ApprovalStatus",
    "ApprovalsStage",
    "SqlDatabase",
    "await_decision",
    "build_stage",
    "queue_of",
]

log = logging.getLogger("aimds.approvals")

EXTRAS_KEY = "approvals"
LIMIT_RULE = "approval.limit"
_TABLE = "aimds_approvals"
_DDL = re.compile(r"\s*(?:CREATE|ALTER)\s", re.IGNORECASE)
_RECHECK_S = 1.0  # a waiter re-reads the store this often, for writers in other processes
_EXPIRE_BATCH = 500  # overdue requests expire_due() moves per call
_PRUNE_EVERY_S = 60.0  # decided requests are pruned at most this often (see ApprovalQueue.prune)


class ApprovalStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    EXPIRED = "expired"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True, kw_only=True)
class ApprovalRequest:
    """One approval request. ``digest`` is a keyed hash of the event, never its content."""

    id: str
    tenant: str
    agent: str
    requester: str
    kind: str
    tool: str | None
    action: str | None
    digest: str
    rules: tuple[str, ...]
    risk: str
    decision_id: str
    policy: str
    created: float
    expires: float
    on_expiry: str = "deny"
    status: ApprovalStatus = ApprovalStatus.PENDING
    approver: str | None = None
    reason: str | None = None
    decided: float | None = None

    @property
    def pending(self) -> bool:
        return self.status is ApprovalStatus.PENDING

    @property
    def verdict(self) -> Verdict:
        """The event's verdict: allow if approved, block if denied, ``on_expiry`` if expired."""
        if self.status is ApprovalStatus.APPROVED:
            return Verdict.ALLOW
        if self.status is ApprovalStatus.EXPIRED and self.on_expiry == "approve":
            return Verdict.ALLOW
        if self.status is ApprovalStatus.PENDING:
            return Verdict.REVIEW
        return Verdict.BLOCK

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tenant": self.tenant,
            "agent": self.agent,
            "requester": self.requester,
            "kind": self.kind,
            "tool": self.tool,
            "action": self.action,
            "digest": self.digest,
            "rules": list(self.rules),
            "risk": self.risk,
            "decision_id": self.decision_id,
            "policy": self.policy,
            "created": self.created,
            "expires": self.expires,
            "on_expiry": self.on_expiry,
            "status": self.status.value,
            "verdict": self.verdict.value,
            "approver": self.approver,
            "reason": self.reason,
            "decided": self.decided,
        }


Listener = Callable[[ApprovalRequest], None]


class ApprovalLimitError(InputError):
    """The agent already has as many pending requests as the policy allows."""


# -- a tiny SQL layer shared by the stores (SQLite and PostgreSQL) ---------------------------


class SqlDatabase:
    """One connection behind a lock: ``sqlite:///path``, ``sqlite://:memory:`` or ``postgresql://``.

    SQL is written with ``?`` placeholders and translated for PostgreSQL. Thread-safe.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        self.postgres = url.startswith(("postgresql://", "postgres://"))
        self._errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
        if self.postgres:
            try:
                import psycopg
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise MissingExtraError("postgres", "psycopg") from exc
            self._errors = (sqlite3.Error, psycopg.Error)
            try:
                self._conn: Any = psycopg.connect(url, autocommit=True)
            except psycopg.Error as exc:
                raise BackendError(f"cannot connect to PostgreSQL: {type(exc).__name__}") from None
        elif url.startswith("sqlite://"):
            path = url.removeprefix("sqlite://").removeprefix("/") or ":memory:"
            if url.startswith("sqlite:////"):
                path = "/" + path.lstrip("/")
            try:
                if path != ":memory:":
                    private_dir(Path(path).parent)
                    private_file(Path(path))
                self._conn = sqlite3.connect(
                    path, check_same_thread=False, isolation_level=None, timeout=10
                )
            except sqlite3.Error as exc:
                raise BackendError(f"cannot open SQLite database: {exc}") from None
            except OSError as exc:
                raise BackendError(
                    f"cannot open SQLite database {path}: {exc.strerror or type(exc).__name__}"
                ) from None
            if path != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
        else:
            raise ConfigError(
                "database url must start with sqlite:// or postgresql:// "
                "(e.g. sqlite:///var/lib/aimds/aimds.db)"
            )

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement; return its rows (empty for statements without rows).

        On PostgreSQL, schema statements (``CREATE``, ``ALTER``) run one at a time across
        processes, under a transaction-scoped advisory lock: ``CREATE TABLE IF NOT EXISTS``
        run by two processes at the same moment otherwise fails in one of them with a
        unique violation (replicas of a deployment start together)."""
        if self.postgres and _DDL.match(sql):
            return self._ddl(sql, params)
        with self.cursor() as cur:
            cur.execute(self._sql(sql), tuple(params))
            return list(cur.fetchall()) if cur.description else []

    def _ddl(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self.cursor() as cur, self._conn.transaction():
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('aimds:schema'))")
            cur.execute(self._sql(sql), tuple(params))
            return []

    def execute_count(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; return how many rows it changed."""
        with self.cursor() as cur:
            cur.execute(self._sql(sql), tuple(params))
            return int(cur.rowcount)

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        with self._lock:
            try:
                cur = self._conn.cursor()
                try:
                    yield cur
                finally:
                    cur.close()
            except self._errors as exc:
                raise BackendError(f"database error: {type(exc).__name__}") from None

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def close(self) -> None:
        with self._lock:
            self._conn.close()


# -- the queue ---------------------------------------------------------------------------------


class Notifier(Protocol):
    """Posts a short message about a new request (e.g. a Slack-compatible webhook)."""

    def __call__(self, request: ApprovalRequest, url: str, timeout: float) -> None: ...


class ApprovalQueue:
    """Durable approval requests with atomic transitions and blocking waits.

    ``clock`` is injected so tests control expiry. ``secret`` keys the event digests so a
    digest cannot be linked to a guessed value; keep it stable for one deployment.
    ``max_pending_per_agent`` caps each agent's pending requests (see the stage).
    """

    def __init__(
        self,
        url: str = "sqlite://:memory:",
        *,
        clock: Callable[[], float] = time.time,
        secret: bytes | None = None,
        max_pending_per_agent: int | None = None,
        retain_decided_s: float = 7 * 86400.0,
        max_decided: int = 100_000,
    ) -> None:
        self.db = SqlDatabase(url)
        self.max_pending_per_agent = max_pending_per_agent
        """Pending requests one agent may have when the policy sets no limit of its own
        (``None``: no limit; the service sets its ``max_pending_approvals_per_agent``)."""
        # Decided requests are history (the audit log keeps it for good): kept for
        # ``retain_decided_s`` and at most ``max_decided`` of them, pruned by :meth:`prune`.
        self.retain_decided_s = retain_decided_s
        self.max_decided = max_decided
        self._next_prune = 0.0
        self._clock = clock
        self._secret = secret if secret is not None else secrets.token_bytes(32)
        self._cond = threading.Condition()
        self._generation = 0
        self._listeners: list[Listener] = []
        self._webhooks = ThreadPoolExecutor(max_workers=2, thread_name_prefix="aimds-webhook")
        self._migrate()

    def _migrate(self) -> None:
        self.db.execute(
            f"CREATE TABLE IF NOT EXISTS {_TABLE} ("
            "id TEXT PRIMARY KEY, tenant TEXT NOT NULL, agent TEXT NOT NULL, "
            "requester TEXT NOT NULL, kind TEXT NOT NULL, tool TEXT, action TEXT, "
            "digest TEXT NOT NULL, rules TEXT NOT NULL, risk TEXT NOT NULL, "
            "decision_id TEXT NOT NULL, policy TEXT NOT NULL, created DOUBLE PRECISION NOT NULL, "
            "expires DOUBLE PRECISION NOT NULL, on_expiry TEXT NOT NULL, status TEXT NOT NULL, "
            "approver TEXT, reason TEXT, decided DOUBLE PRECISION)"
        )
        self.db.execute(
            f"CREATE INDEX IF NOT EXISTS {_TABLE}_tenant_status ON {_TABLE} (tenant, status)"
        )
        self.db.execute(
            f"CREATE INDEX IF NOT EXISTS {_TABLE}_agent_status ON {_TABLE} (tenant, agent, status)"
        )

    # listeners -------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener`` after every transition made by this process (and on create)."""
        self._listeners.append(listener)

    def wake(self) -> None:
        """Wake local waiters so they re-read the store (a transition happened elsewhere)."""
        with self._cond:
            self._generation += 1
            self._cond.notify_all()

    def _emit(self, request: ApprovalRequest) -> None:
        self.wake()
        self._maybe_prune()
        for listener in tuple(self._listeners):
            try:
                listener(request)
            except Exception as exc:  # noqa: BLE001 - a listener must not undo a transition
                log.error("approval listener failed: %s", type(exc).__name__)

    # writes ----------------------------------------------------------------------------

    def digest(self, payload: Mapping[str, Any]) -> str:
        canonical = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
        return hmac.new(self._secret, canonical.encode(), hashlib.sha256).hexdigest()

    def create(
        self, request: ApprovalRequest, *, max_pending: int | None = None
    ) -> ApprovalRequest:
        """Queue ``request``. With ``max_pending``, only while its agent has fewer pending
        (unexpired) requests than that, checked in the same statement as the insert;
        otherwise :class:`ApprovalLimitError` and nothing is queued."""
        values = (
            request.id, request.tenant, request.agent, request.requester, request.kind,
            request.tool, request.action, request.digest, json.dumps(list(request.rules)),
            request.risk, request.decision_id, request.policy, request.created,
            request.expires, request.on_expiry, ApprovalStatus.PENDING.value,
        )
        columns = (
            f"INSERT INTO {_TABLE} (id, tenant, agent, requester, kind, tool, action, digest, "
            "rules, risk, decision_id, policy, created, expires, on_expiry, status) "
        )
        if max_pending is None:
            self.db.execute(columns + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            values)
        else:
            inserted = self.db.execute_count(
                columns + "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "
                f"WHERE (SELECT COUNT(*) FROM {_TABLE} WHERE tenant = ? AND agent = ? "
                "AND status = ? AND expires > ?) < ?",
                (*values, request.tenant, request.agent, ApprovalStatus.PENDING.value,
                 self._clock(), max_pending),
            )
            if not inserted:
                raise ApprovalLimitError(
                    f"agent {request.agent!r} already has {max_pending} pending approval "
                    "requests (approvals.max_pending_per_agent); decide or let them expire"
                )
        self._emit(request)
        return request

    def resolve(
        self,
        request_id: str,
        *,
        approve: bool,
        approver: str,
        reason: str,
        tenant: str | None = None,
    ) -> ApprovalRequest:
        """Approve or deny a pending request, atomically (first decision wins).

        Raises :class:`InputError` when the request does not exist (in ``tenant``), is no
        longer pending, or ``approver`` is the requester: nobody approves their own request.
        """
        current = self.get(request_id, tenant=tenant)
        if current is None:
            raise LookupError(request_id)
        if current.requester == approver:
            raise InputError("approver: the requester may not decide their own request")
        if not current.pending:
            raise InputError(f"approval {request_id}: already {current.status.value}")
        status = ApprovalStatus.APPROVED if approve else ApprovalStatus.DENIED
        now = self._clock()
        changed = self.db.execute_count(
            f"UPDATE {_TABLE} SET status = ?, approver = ?, reason = ?, decided = ? "
            "WHERE id = ? AND status = ? AND expires > ?",
            (status.value, approver, reason[:1000], now, request_id, "pending", now),
        )
        if not changed:
            self.expire_due()
            latest = self.get(request_id, tenant=tenant)
            state = latest.status.value if latest else "gone"
            raise InputError(f"approval {request_id}: already {state}")
        done = replace(current, status=status, approver=approver, reason=reason[:1000], decided=now)
        self._emit(done)
        return done

    def expire_due(self) -> list[ApprovalRequest]:
        """Move every pending request past its deadline to ``expired``; return those moved."""
        now = self._clock()
        due = self._select(
            "WHERE status = ? AND expires <= ?", ("pending", now), limit=_EXPIRE_BATCH
        )
        moved: list[ApprovalRequest] = []
        for request in due:
            changed = self.db.execute_count(
                f"UPDATE {_TABLE} SET status = ?, decided = ?, reason = ? "
                "WHERE id = ? AND status = ?",
                ("expired", now, "no decision before the deadline", request.id, "pending"),
            )
            if changed:
                done = replace(
                    request,
                    status=ApprovalStatus.EXPIRED,
                    decided=now,
                    reason="no decision before the deadline",
                )
                moved.append(done)
                self._emit(done)
        return moved

    def prune(self) -> int:
        """Expire overdue requests, then delete decided ones older than ``retain_decided_s``
        and all but the newest ``max_decided``; returns how many were deleted. Runs by itself
        at most once a minute on the queue's transitions; pending requests are never deleted
        (their deadline expires them, and the per-agent cap bounds them)."""
        self._next_prune = self._clock() + _PRUNE_EVERY_S
        while len(self.expire_due()) >= _EXPIRE_BATCH:
            pass  # one batch a call; overdue requests may have piled up since the last prune
        now = self._clock()
        deleted = self.db.execute_count(
            f"DELETE FROM {_TABLE} WHERE status <> ? AND decided < ?",
            ("pending", now - self.retain_decided_s),
        )
        deleted += self.db.execute_count(
            f"DELETE FROM {_TABLE} WHERE status <> ? AND id NOT IN (SELECT id FROM {_TABLE} "
            "WHERE status <> ? ORDER BY decided DESC, id DESC LIMIT ?)",
            ("pending", "pending", max(self.max_decided, 0)),
        )
        return deleted

    def _maybe_prune(self) -> None:
        if self._clock() < self._next_prune:
            return
        try:
            self.prune()
        except BackendError as exc:  # a failed prune is retried later; it loses nothing
            log.warning("approval pruning failed (%s); retried later", type(exc).__name__)

    # reads -----------------------------------------------------------------------------

    def get(self, request_id: str, *, tenant: str | None = None) -> ApprovalRequest | None:
        """The request, or ``None`` when it does not exist or belongs to another tenant."""
        where, params = "WHERE id = ?", [request_id]
        if tenant is not None:
            where += " AND tenant = ?"
            params.append(tenant)
        found = self._select(where, params, limit=1)
        if found and found[0].pending and found[0].expires <= self._clock():
            self.expire_due()
            found = self._select(where, params, limit=1)
        return found[0] if found else None

    def query(
        self,
        *,
        tenant: str | None = None,
        status: ApprovalStatus | None = None,
        agent: str | None = None,
        limit: int = 100,
    ) -> list[ApprovalRequest]:
        self.expire_due()
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (("tenant", tenant), ("status", status), ("agent", agent)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value.value if isinstance(value, enum.Enum) else value)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return self._select(where + " ORDER BY created DESC", params, limit=limit)

    def _select(self, where: str, params: Sequence[Any], *, limit: int) -> list[ApprovalRequest]:
        rows = self.db.execute(
            f"SELECT id, tenant, agent, requester, kind, tool, action, digest, rules, risk, "
            f"decision_id, policy, created, expires, on_expiry, status, approver, reason, decided "
            f"FROM {_TABLE} {where} LIMIT {int(limit)}",
            params,
        )
        return [_row(r) for r in rows]

    def wait(
        self, request_id: str, timeout: float, *, tenant: str | None = None
    ) -> ApprovalRequest | None:
        """Block until the request leaves ``pending`` or ``timeout`` seconds pass.

        Returns the latest state (still pending on timeout), or ``None`` if it does not exist.
        Wakes at once on a transition in this process (or one a bridge reports by
        :meth:`wake`), and re-reads the store every second for writers elsewhere.
        """
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            with self._cond:
                seen = self._generation
            current = self.get(request_id, tenant=tenant)
            if current is None or not current.pending:
                return current
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return current
            until_expiry = max(0.0, current.expires - self._clock())
            with self._cond:
                if self._generation == seen:
                    self._cond.wait(min(remaining, _RECHECK_S, until_expiry + 0.01))

    # notifications ---------------------------------------------------------------------

    def notify_webhook(self, request: ApprovalRequest, url: str, timeout: float) -> None:
        """Post a Slack-compatible message in the background; failures are logged, not raised."""
        self._webhooks.submit(_post_webhook, request, url, timeout)

    def close(self) -> None:
        self._webhooks.shutdown(wait=False, cancel_futures=True)
        self.db.close()


def _row(r: Sequence[Any]) -> ApprovalRequest:
    return ApprovalRequest(
        id=r[0], tenant=r[1], agent=r[2], requester=r[3], kind=r[4], tool=r[5], action=r[6],
        digest=r[7], rules=tuple(json.loads(r[8])), risk=r[9], decision_id=r[10], policy=r[11],
        created=float(r[12]), expires=float(r[13]), on_expiry=r[14],
        status=ApprovalStatus(r[15]), approver=r[16], reason=r[17],
        decided=float(r[18]) if r[18] is not None else None,
    )


def webhook_message(request: ApprovalRequest, dashboard_url: str | None = None) -> dict[str, Any]:
    """The Slack-compatible body: ids and rule names only, never event content."""
    what = request.tool or request.kind
    text = (
        f"AIMDS approval needed: agent `{request.agent}` (tenant `{request.tenant}`) wants "
        f"`{what}`; rules: {', '.join(request.rules) or 'none'}; risk {request.risk}. "
        f"Request {request.id}, expires in {int(request.expires - request.created)} s."
    )
    if dashboard_url:
        text += f" Review: {dashboard_url.rstrip('/')}/ui/approvals/{request.id}"
    return {"text": text, "approval": {"id": request.id, "tenant": request.tenant}}


def _post_webhook(request: ApprovalRequest, url: str, timeout: float) -> None:
    body = json.dumps(webhook_message(request)).encode()
    req = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) only
            resp.read(1024)
    except Exception as exc:  # noqa: BLE001 - a webhook outage must not affect decisions
        log.warning("approval webhook failed: %s", type(exc).__name__)


# -- the stage ---------------------------------------------------------------------------------


class ApprovalsStage:
    """Turns a ``review`` verdict into a durable approval request and sets ``ev.approval``.

    A store failure does not leave the event waiting forever: it adds a
    ``backend.unavailable`` finding and the verdict becomes the policy's ``on_error``.
    """

    name = "approvals"

    def __init__(self, policy: Policy, queue: ApprovalQueue, new_id: Callable[[], str]) -> None:
        section = policy.document.approvals
        self.queue = queue
        self._timeout = section.timeout_s
        self._on_expiry = section.on_expiry
        self._webhook = section.webhook
        self._webhook_timeout = section.webhook_timeout_s
        self._policy = policy.label
        self._new_id = new_id
        self._max_pending = section.max_pending_per_agent

    def __call__(self, ev: Evaluation) -> None:
        if ev.verdict is not Verdict.REVIEW:
            return
        event = ev.event
        decision_id = ev.scratch.get("decision_id") or self._new_id()
        ev.scratch["decision_id"] = decision_id
        request = ApprovalRequest(
            id="apr_" + uuid.uuid4().hex,
            tenant=event.subject.tenant,
            agent=event.subject.agent,
            requester=str(event.meta.get("aimds.requester") or f"agent:{event.subject.agent}"),
            kind=event.kind.value,
            # Shown to approvers and webhooks: a credential pasted as a tool name stays out.
            tool=None if event.tool is None else _masker().text(event.tool),
            action=ev.action.type if ev.action is not None else None,
            digest=self.queue.digest(
                {"kind": event.kind.value, "tool": event.tool, "args": ev.args, "text": event.text}
            ),
            rules=tuple(dict.fromkeys(f.rule for f in ev.findings)),
            risk=ev.risk.value,
            decision_id=decision_id,
            policy=self._policy,
            created=ev.ts,
            expires=ev.ts + self._timeout,
            on_expiry=self._on_expiry,
        )
        cap = self._max_pending
        if cap is None:
            cap = self.queue.max_pending_per_agent
        try:
            self.queue.create(request, max_pending=cap)
        except ApprovalLimitError as exc:
            ev.findings.append(
                Finding(
                    rule=LIMIT_RULE,
                    category="approval",
                    severity=Severity.HIGH,
                    message=str(exc),
                    action=Verdict.BLOCK,
                    stage=self.name,
                    details={"max_pending": cap},
                )
            )
            ev.verdict = max(ev.verdict, Verdict.BLOCK)
            return
        except Exception as exc:  # noqa: BLE001 - becomes a finding; the policy decides
            on_error: Verdict = ev.scratch.get("on_error", Verdict.BLOCK)
            ev.findings.append(
                Finding(
                    rule="backend.unavailable",
                    category="error",
                    severity=Severity.HIGH,
                    message=f"approval store failed ({type(exc).__name__}); "
                    "the request could not be queued",
                    action=on_error,
                    stage=self.name,
                )
            )
            ev.verdict = max(ev.verdict, on_error)
            return
        ev.approval = request.id
        if self._webhook:
            self.queue.notify_webhook(request, self._webhook, self._webhook_timeout)


@functools.cache
def _masker() -> Any:
    from aimds.audit.records import Masker

    return Masker()


def queue_of(services: Services) -> ApprovalQueue | None:
    found = services.extras.get(EXTRAS_KEY)
    return found if isinstance(found, ApprovalQueue) else None


def build_stage(policy: Policy, services: Services) -> ApprovalsStage | None:
    """The stage, with the queue from ``services.extras`` (an in-memory one if none is set)."""
    if not policy.document.approvals.enabled:
        return None
    queue = queue_of(services)
    if queue is None:
        queue = ApprovalQueue(clock=services.clock)
        services.extras[EXTRAS_KEY] = queue
    return ApprovalsStage(policy, queue, services.new_id or (lambda: uuid.uuid4().hex))


def await_decision(queue: ApprovalQueue | None, decision: Decision, timeout: float) -> Decision:
    """Wait up to ``timeout`` s for a human to decide ``decision``'s approval request.

    Returns the decision with the human's verdict (allow when approved; block when denied;
    the policy's ``on_expiry`` when expired) and an ``approval.*`` finding saying who
    decided; unchanged (still ``review``) if nobody decided in time.
    """
    if decision.approval is None or queue is None:
        return decision
    request = queue.wait(decision.approval, timeout)
    if request is None or request.pending:
        return decision
    return resolved_decision(decision, request)


def resolved_decision(decision: Decision, request: ApprovalRequest) -> Decision:
    """``decision`` after its approval request reached a final state."""
    finding = Finding(
        rule=f"approval.{request.status.value}",
        category="approval",
        severity=Severity.INFO,
        message=f"approval request {request.id} {request.status.value}"
        + (f" by {request.approver}" if request.approver else ""),
        action=request.verdict if request.verdict is not Verdict.ALLOW else None,
        stage="approvals",
    )
    return replace(decision, verdict=request.verdict, findings=(*decision.findings, finding))
