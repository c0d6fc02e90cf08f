"""``aimds approvals list|show|approve|deny``: work the approval queue from a terminal.

Reads and writes the service database directly (``--data-dir`` or ``--database-url``, or
the service's ``--config`` file and ``AIMDS_*`` environment); the approver is recorded as
``cli:<name>`` (``--as``, default the login name). In cluster mode (``--redis-url`` or
``redis_url`` in the settings) a decision is also published to the service processes, so
waiting agent calls return at once; without Redis they see it within a second.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aimds.cli.common import (
    EXIT_USAGE,
    cli_errors,
    err,
    fail,
    out,
    print_json,
    service_settings,
)

if TYPE_CHECKING:
    from aimds.respond.approvals import ApprovalQueue, ApprovalRequest
    from aimds.server.settings import ServerSettings

__all__ = ["register"]

approvals_app = typer.Typer(
    name="approvals", help="List, show, approve and deny approval requests.", no_args_is_help=True
)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="The service's data directory.")]
DbUrl = Annotated[str | None, typer.Option("--database-url", help="Or the database URL.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
TenantOpt = Annotated[str | None, typer.Option("--tenant", help="Only this tenant.")]
RedisOpt = Annotated[
    str | None, typer.Option("--redis-url", help="Cluster mode: wake waiters on every process.")
]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="The service's settings file.")]


def register(app: typer.Typer) -> None:
    app.add_typer(approvals_app)


def _queue(settings: ServerSettings) -> ApprovalQueue:
    from aimds.respond.approvals import ApprovalQueue

    return ApprovalQueue(settings.resolved_database_url(), secret=settings.secret("digest"))


def _wake(settings: ServerSettings, request_id: str) -> None:
    """Publish the transition to the service processes (cluster mode only)."""
    if not settings.redis_url:
        return
    try:
        import redis
    except ImportError as exc:  # pragma: no cover - depends on the install
        from aimds.errors import MissingExtraError

        raise MissingExtraError("redis", "redis") from exc
    from aimds.server.cluster import publish_transition

    client = redis.Redis.from_url(settings.redis_url, socket_timeout=5)
    try:
        if not publish_transition(client, settings.redis_prefix, request_id):
            out.print(
                "warning: could not reach Redis; waiting calls see the decision within a second",
                highlight=False,
            )
    finally:
        client.close()


def _line(r: ApprovalRequest) -> str:
    return (
        f"{r.id}  {r.status.value:8}  {r.tenant}/{r.agent}  {r.tool or r.kind}  "
        f"{', '.join(r.rules)}"
    )


@approvals_app.command("list")
def list_requests(
    status: Annotated[str | None, typer.Option(help="pending, approved, denied, expired.")] = None,
    tenant: TenantOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    as_json: JsonOpt = False,
) -> None:
    from aimds.respond.approvals import ApprovalStatus

    with cli_errors():
        try:
            wanted = ApprovalStatus(status) if status else None
        except ValueError:
            fail("--status: one of pending, approved, denied, expired")
        queue = _queue(service_settings(data_dir, database_url))
        found = queue.query(tenant=tenant, status=wanted, limit=limit)
        queue.close()
    if as_json:
        print_json([r.as_dict() for r in found])
        return
    for r in found:
        out.print(_line(r), highlight=False, markup=False)
    if not found:
        out.print("no approval requests", highlight=False)


@approvals_app.command("show")
def show(
    approval_id: Annotated[str, typer.Argument(help="apr_...")],
    tenant: TenantOpt = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    as_json: JsonOpt = False,
) -> None:
    with cli_errors():
        queue = _queue(service_settings(data_dir, database_url))
        try:
            found = queue.get(approval_id, tenant=tenant)
            view = _details(queue, found) if found is not None else None
        finally:
            queue.close()
    if found is None:
        fail(f"no approval request {approval_id!r}", EXIT_USAGE)
    body = found.as_dict()
    if view is not None:
        body["details"] = view.to_dict()
    if as_json:
        print_json(body)
        return
    for key, value in found.as_dict().items():
        out.print(f"{key:12} {value}", highlight=False, markup=False)
    if view is None:
        out.print("(the action itself is no longer kept: see the audit log)", highlight=False)
        return
    out.print("what the agent wants to do (masked):", highlight=False)
    for path, value in view.args:
        out.print(f"  {path} = {value}", highlight=False, markup=False)
    if view.text:
        out.print(f"  text: {view.text}", highlight=False, markup=False)
    for finding in view.findings:
        out.print(f"  {finding.rule}: {finding.message}", highlight=False, markup=False)


def _details(queue: Any, request: Any) -> Any:
    """The masked action the service kept for ``request`` (``None`` when none is kept)."""
    from aimds.server.approval_details import ApprovalDetails

    return ApprovalDetails(queue.db).get(request.id, request.tenant)


def _resolve(
    approval_id: str,
    approve: bool,
    reason: str,
    who: str | None,
    tenant: str | None,
    settings: ServerSettings,
    as_json: bool,
) -> None:
    with cli_errors():
        queue = _queue(settings)
        try:
            done = queue.resolve(
                approval_id,
                approve=approve,
                approver=f"cli:{who or getpass.getuser()}",
                reason=reason,
                tenant=tenant,
            )
        except LookupError:
            fail(f"no approval request {approval_id!r}")
        finally:
            queue.close()
        _wake(settings, done.id)
        remembered = None if approve else _remember_attack(settings, done, who)
    if as_json:
        print_json(done.as_dict() | ({"remembered": remembered} if remembered else {}))
    else:
        out.print(_line(done), highlight=False, markup=False)
        if remembered:
            out.print(f"remembered as {remembered}", highlight=False, markup=False)


_ATTACK_REASONS = ("attack", "denied as attack")


def _remember_attack(settings: ServerSettings, done: ApprovalRequest, who: str | None) -> str:
    """A denial whose reason says attack confirms one, as in the service: the decision goes
    into the tenant's attack memory. Not fatal when it cannot (memory off, decision no longer
    kept): the denial stands and the message says how to remember it later."""
    if not (done.reason or "").strip().lower().startswith(_ATTACK_REASONS):
        return ""
    from aimds.cli.feedback import learning_handle
    from aimds.errors import AimdsError

    try:
        with learning_handle(settings) as handle:
            result = handle.feedback(
                done.decision_id,
                label="attack",
                note="approval denied as attack",
                actor=f"cli:{who or getpass.getuser()}",
                tenant=done.tenant,
            )
    except (AimdsError, LookupError) as exc:
        err.print(
            f"denied, but not remembered as an attack ({type(exc).__name__}: {exc}); the "
            f"service does it for denials made there, or run: aimds feedback "
            f"{done.decision_id} --label attack",
            highlight=False,
            markup=False,
        )
        return ""
    return result.entry or ""


ReasonOpt = Annotated[str, typer.Option("--reason", "-r", help="Why (kept in the record).")]
AsOpt = Annotated[str | None, typer.Option("--as", help="Approver name (default: login name).")]


@approvals_app.command("approve")
def approve(
    approval_id: Annotated[str, typer.Argument(help="apr_...")],
    reason: ReasonOpt,
    who: AsOpt = None,
    tenant: TenantOpt = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    redis_url: RedisOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Approve a pending request: the waiting event gets ``allow``."""
    with cli_errors():
        settings = service_settings(data_dir, database_url, redis_url, config)
    _resolve(approval_id, True, reason, who, tenant, settings, as_json)


@approvals_app.command("deny")
def deny(
    approval_id: Annotated[str, typer.Argument(help="apr_...")],
    reason: ReasonOpt,
    who: AsOpt = None,
    tenant: TenantOpt = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    redis_url: RedisOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Deny a pending request: the waiting event gets ``block``."""
    with cli_errors():
        settings = service_settings(data_dir, database_url, redis_url, config)
    _resolve(approval_id, False, reason, who, tenant, settings, as_json)
