"""``aimds kill``, ``aimds revive``, ``aimds kills``: the kill switch from a terminal.

Writes the service database directly (``--data-dir`` or ``--database-url``, or the service's
``--config`` file and ``AIMDS_*`` environment), which every service process reads within a
second; in cluster mode (``--redis-url`` or ``redis_url`` in the settings) the change is
also published, so they apply it at once. The issuer is recorded as ``cli:<name>``
(``--as``, default the login name) and every change goes to the service's audit log. A kill
from the command line is a platform kill: on the service only an operator revives it.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aimds.cli.common import EXIT_USAGE, cli_errors, fail, out, print_json, service_settings

if TYPE_CHECKING:
    from aimds.kill import KillRecord, KillSwitch
    from aimds.server.settings import ServerSettings

__all__ = ["register"]

TenantOpt = Annotated[str | None, typer.Option("--tenant", help="The tenant.")]
AgentOpt = Annotated[
    str | None, typer.Option("--agent", help="The agent (leave out: every agent of the tenant).")
]
AllOpt = Annotated[
    bool, typer.Option("--all-tenants", help="Every agent of every tenant (no --tenant).")
]
DataDir = Annotated[Path | None, typer.Option("--data-dir", help="The service's data directory.")]
DbUrl = Annotated[str | None, typer.Option("--database-url", help="Or the database URL.")]
RedisOpt = Annotated[
    str | None, typer.Option("--redis-url", help="Cluster mode: tell every process at once.")
]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="The service's settings file.")]
AsOpt = Annotated[str | None, typer.Option("--as", help="Your name (default: login name).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def register(app: typer.Typer) -> None:
    app.command("kill")(kill)
    app.command("revive")(revive)
    app.command("kills")(kills)


def _switch(settings: ServerSettings) -> KillSwitch:
    """A switch on the service database (no follower: one change, then exit)."""
    from aimds.kill import KillSwitch
    from aimds.kill.sql_store import SqlKillStore

    store = SqlKillStore.open(settings.resolved_database_url())
    switch = KillSwitch(store)
    switch.on_close(store.close)
    if settings.redis_url:
        import redis

        from aimds.kill.redis_sync import redis_publisher

        client = redis.Redis.from_url(
            settings.redis_url, socket_timeout=2, socket_connect_timeout=2
        )
        switch.publish = redis_publisher(client, settings.redis_prefix)
        switch.on_close(client.close)
    return switch


def _audit(settings: ServerSettings, action: str, record: KillRecord, by: str) -> bool:
    """One ``kill`` record in the service's audit log; ``False`` when none is configured
    or the write failed (said on stderr, never silently)."""
    from aimds.audit import create_metrics
    from aimds.server.service_audit import open_service_audit
    from aimds.types import Subject

    log = open_service_audit(settings, create_metrics())
    if log is None:
        return False
    try:
        result = log.append_event(
            "kill",
            subject=Subject(tenant=record.tenant, agent=record.agent),
            data={"action": action, "scope": record.scope, "by": by, "reason": record.reason},
            verdict="block" if action == "kill" else "allow",
            rules=("kill.active",),
        )
    finally:
        log.close()
    return bool(result.ok)


def _who(name: str | None) -> str:
    return f"cli:{name or getpass.getuser()}"


def _show(body: dict[str, Any], as_json: bool, verb: str) -> None:
    if as_json:
        print_json(body)
        return
    where = {
        "global": "every tenant",
        "tenant": f"tenant {body['tenant']}",
        "agent": f"agent {body['agent']} of tenant {body['tenant']}",
    }[body["scope"]]
    out.print(f"{verb} {where}", highlight=False, markup=False)


def kill(
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why (kept and audited).")],
    tenant: TenantOpt = None,
    agent: AgentOpt = None,
    all_tenants: AllOpt = False,
    who: AsOpt = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    redis_url: RedisOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Block every event of an agent, a tenant or (--all-tenants) everyone: rule kill.active."""
    with cli_errors():
        settings = service_settings(data_dir, database_url, redis_url, config, create=True)
        switch = _switch(settings)
        try:
            outcome = switch.kill(
                tenant=tenant,
                agent=agent,
                reason=reason,
                all_tenants=all_tenants,
                by=_who(who),
                by_role="cli",
            )
        finally:
            switch.close()
        if not outcome.stored:
            fail("the database did not answer: the kill is NOT in force; retry", EXIT_USAGE)
        audited = _audit(settings, "kill", outcome.record, _who(who))
    _show(outcome.as_dict() | {"audited": audited}, as_json, "killed")


def revive(
    tenant: TenantOpt = None,
    agent: AgentOpt = None,
    all_tenants: AllOpt = False,
    who: AsOpt = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    redis_url: RedisOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Lift exactly one kill (a wider one still holds). Exit 2 when there is none."""
    with cli_errors():
        settings = service_settings(data_dir, database_url, redis_url, config, create=True)
        switch = _switch(settings)
        try:
            found = switch.revive(tenant=tenant, agent=agent, all_tenants=all_tenants)
        finally:
            switch.close()
        if found is None:
            fail("no kill of that scope is active")
        audited = _audit(settings, "revive", found, _who(who))
    _show(found.as_dict() | {"audited": audited}, as_json, "revived")


def kills(
    tenant: Annotated[
        str | None, typer.Option("--tenant", help="Only this tenant's (and the global one).")
    ] = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the active kills."""
    with cli_errors():
        settings = service_settings(data_dir, database_url, None, config, create=True)
        switch = _switch(settings)
        try:
            switch.refresh()
            found = switch.active(tenant)
        finally:
            switch.close()
    if as_json:
        print_json([r.as_dict() for r in found])
        return
    for r in found:
        out.print(
            f"{r.scope:7} {r.tenant}/{r.agent}  by {r.by}  {r.reason}",
            highlight=False,
            markup=False,
        )
    if not found:
        out.print("no active kills", highlight=False)
