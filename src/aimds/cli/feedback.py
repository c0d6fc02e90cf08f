"""``aimds feedback`` and ``aimds suggestions list|apply|dismiss``: teach the guard from a
terminal.

``aimds feedback DECISION_ID --label attack|benign`` marks a recent decision the service
made (it keeps them in its database for ``attack_memory.recent.ttl_s``): an attack enters the
tenant's attack memory, a false positive files an allow-list suggestion that an admin
applies with ``aimds suggestions apply``. The service's database comes from
``--data-dir`` / ``--database-url`` (or its ``--config`` file and ``AIMDS_*``
environment), the memory's limits from its policy; every change goes to the service's
audit log, as ``cli:<name>`` (``--as``, default the login name).
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aimds.cli.common import cli_errors, fail, out, print_json, service_settings

if TYPE_CHECKING:
    from aimds.learn.learning import LearningHandle
    from aimds.server.settings import ServerSettings

__all__ = ["learning_handle", "register"]

suggestions_app = typer.Typer(
    name="suggestions",
    help="List, apply and dismiss allow-list suggestions from confirmed false positives.",
    no_args_is_help=True,
)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="The service's data directory.")]
DbUrl = Annotated[str | None, typer.Option("--database-url", help="Or the database URL.")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="The service's settings file.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsOpt = Annotated[str | None, typer.Option("--as", help="Your name (default: login name).")]
TenantOpt = Annotated[str, typer.Option("--tenant", help="The tenant.")]


def register(app: typer.Typer) -> None:
    app.command("feedback")(feedback)
    app.add_typer(suggestions_app)


@contextmanager
def _handle(
    data_dir: Path | None, database_url: str | None, config: Path | None
) -> Iterator[LearningHandle]:
    """The learning operations on the service's database, audited in its audit log."""
    with learning_handle(service_settings(data_dir, database_url, None, config)) as handle:
        yield handle


@contextmanager
def learning_handle(settings: ServerSettings) -> Iterator[LearningHandle]:
    """:func:`_handle` for settings already resolved (``aimds approvals deny``)."""
    from aimds.audit.metrics import NoopMetrics
    from aimds.learn.learning import Learning, LearningHandle
    from aimds.policy import load_policy
    from aimds.server.service_audit import open_service_audit

    section = load_policy(settings.policy).document.attack_memory
    learning = Learning(settings.resolved_database_url())
    audit = open_service_audit(settings, NoopMetrics())
    try:
        yield LearningHandle(learning, section, audit)
    finally:
        if audit is not None:
            audit.close()
        learning.close()


def _actor(who: str | None) -> str:
    return f"cli:{who or getpass.getuser()}"


def feedback(
    decision_id: Annotated[str, typer.Argument(help="The decision's id (from check or the log).")],
    label: Annotated[str, typer.Option("--label", help="attack or benign.")],
    note: Annotated[str, typer.Option("--note", help="Why (masked, then audited).")] = "",
    tenant: Annotated[
        str | None, typer.Option("--tenant", help="Only a decision of this tenant.")
    ] = None,
    who: AsOpt = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Mark a recent decision an attack (remembered) or benign (a suggestion)."""
    if label not in ("attack", "benign"):
        fail("--label: attack or benign")
    with cli_errors(), _handle(data_dir, database_url, config) as handle:
        result = handle.feedback(
            decision_id, label=label, note=note, actor=_actor(who), tenant=tenant
        )
    if as_json:
        print_json(result.as_dict())
        return
    what = (
        f"remembered as {result.entry}"
        if result.entry
        else f"suggestion {result.suggestion} filed (an admin applies it)"
        if result.suggestion
        else "noted (the decision raised no findings: nothing to allow)"
    )
    out.print(
        f"{result.decision_id} ({result.tenant}): {result.label.value}, {what}",
        highlight=False,
        markup=False,
    )


@suggestions_app.command("list")
def list_suggestions(
    status: Annotated[str | None, typer.Option(help="pending, applied or dismissed.")] = None,
    tenant: TenantOpt = "default",
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    with cli_errors(), _handle(data_dir, database_url, config) as handle:
        found = handle.suggestions(tenant=tenant, status=status, limit=limit)
    if as_json:
        print_json([s.as_dict() for s in found])
        return
    for s in found:
        out.print(
            f"{s.id}  {s.status.value:9}  {', '.join(s.rules)}  {s.excerpt[:80]!r}",
            highlight=False,
            markup=False,
        )
    if not found:
        out.print("no suggestions", highlight=False)


def _decide(
    suggestion_id: str,
    apply: bool,
    tenant: str,
    who: str | None,
    data_dir: Path | None,
    database_url: str | None,
    config: Path | None,
    as_json: bool,
) -> None:
    with cli_errors(), _handle(data_dir, database_url, config) as handle:
        try:
            if apply:
                done = handle.apply_suggestion(suggestion_id, tenant=tenant, actor=_actor(who))
            else:
                done = handle.dismiss_suggestion(suggestion_id, tenant=tenant, actor=_actor(who))
        except LookupError:
            fail(f"no suggestion {suggestion_id!r} in tenant {tenant!r}")
    if as_json:
        print_json(done.as_dict())
    else:
        out.print(f"{done.id}  {done.status.value}", highlight=False, markup=False)


@suggestions_app.command("apply")
def apply(
    suggestion_id: Annotated[str, typer.Argument(help="sug_...")],
    tenant: TenantOpt = "default",
    who: AsOpt = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Apply: the exact text stops raising the content findings it was filed for."""
    _decide(suggestion_id, True, tenant, who, data_dir, database_url, config, as_json)


@suggestions_app.command("dismiss")
def dismiss(
    suggestion_id: Annotated[str, typer.Argument(help="sug_...")],
    tenant: TenantOpt = "default",
    who: AsOpt = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Dismiss: nothing changes."""
    _decide(suggestion_id, False, tenant, who, data_dir, database_url, config, as_json)
