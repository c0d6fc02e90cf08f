"""``aimds serve``: run the guard as an HTTP service with the approvals dashboard.

Settings come from ``--config`` (YAML), ``AIMDS_*`` environment variables and these flags,
in that order. On a fresh data directory an operator API key is created and printed once,
with the dashboard URL and what the key can do, but only once the service is known to start
(its policy and backends load): a failed start never shows a key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from aimds.cli.common import cli_errors, err, out

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("serve", help="Run the HTTP service (API, approvals, dashboard).")(serve)


def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8080).")] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Keep the SQLite database and secrets here.")
    ] = None,
    policy: Annotated[
        str | None, typer.Option("--policy", "-p", help="Pack name or policy file.")
    ] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes.")] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="postgresql://... for cluster mode.")
    ] = None,
    redis_url: Annotated[
        str | None, typer.Option("--redis-url", help="redis://... for cluster mode.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Settings file (YAML).")
    ] = None,
    log_level: Annotated[str, typer.Option("--log-level")] = "warning",
    access_log: Annotated[
        bool,
        typer.Option("--access-log/--no-access-log",
                     help="One stdout line per request (no query strings, no headers)."),
    ] = True,
) -> None:
    from aimds.server.settings import load_settings

    with cli_errors():
        settings = load_settings(
            file=config,
            env=os.environ,
            overrides={
                "host": host, "port": port, "data_dir": data_dir, "policy": policy,
                "workers": workers, "database_url": database_url, "redis_url": redis_url,
            },
        )
        # Everything that can fail at start-up fails before a key is printed.
        _warn_split_state(settings)
        app_ = _startup(settings)
        _bootstrap(settings)
        _run(settings, log_level, app_, access_log)


def _startup(settings: Any) -> Any:
    """Check the data dir and the policy, and (one worker) build the app; clean errors."""
    from aimds._files import private_dir
    from aimds.errors import ConfigError
    from aimds.policy import load_policy

    try:
        if settings.data_dir is not None:
            private_dir(settings.data_dir)
            settings.secret("session")  # proves the directory is writable
        if settings.workers > 1:
            ref = settings.policy
            if "/" in ref or ref.endswith((".yaml", ".yml", ".json")):
                load_policy(ref)  # the workers build the app; a broken file fails here
            return None
        from aimds.server.app import create_app

        return create_app(settings)  # raises PolicyError for a broken policy
    except OSError as exc:
        where = exc.filename or settings.data_dir
        raise ConfigError(
            f"cannot start: {where}: {exc.strerror or type(exc).__name__}; check --data-dir "
            "and its permissions"
        ) from None


_OPERATOR_CAN = (
    "It runs the platform: it sees every tenant's approvals, audit log, agents and live "
    "events (dashboard and API; ?tenant=T narrows to one), resolves approvals, changes the "
    "global policy that every tenant without its own runs under, and acts in a tenant by "
    "naming it. Give each tenant keys of its own (an admin changes only its tenant's policy):"
)


def _warn_split_state(settings: Any) -> None:
    """Several workers without Redis each keep their own behaviour state: a quarantine, a
    kill or a trust penalty set in one worker does not hold in the others. Say so loudly,
    on stderr, before anything else (benchmarks run stateless loads this way on purpose)."""
    if settings.workers > 1 and settings.redis_url is None:
        err.print(
            f"[bold red]WARNING:[/bold red] --workers {settings.workers} without --redis-url: "
            "every worker keeps its own behaviour state (windows, trust, quarantine, kill "
            "switch), so an agent stopped by one worker goes on through the others. Give "
            "--redis-url, or run one worker.",
            highlight=False,
        )


def _bootstrap(settings: Any) -> None:
    """Create the database, and an operator key on an empty one; print where to go."""
    from aimds.respond.approvals import SqlDatabase
    from aimds.server.auth import KeyStore

    db = SqlDatabase(settings.resolved_database_url())
    try:
        keys = KeyStore(db)
        base = settings.public_url or f"http://{settings.host}:{settings.port}"
        out.print(f"AIMDS service on {base}  (dashboard: {base}/ui, API docs: {base}/docs)",
                  highlight=False)
        if settings.bootstrap_admin and keys.count() == 0:
            _, key = keys.create(role="operator", name="first operator")
            out.print("Operator API key (shown once; log in to the dashboard with it):",
                      highlight=False)
            out.print(f"  {key}", highlight=False, soft_wrap=True)
            where = (f"--data-dir {settings.data_dir}" if settings.data_dir is not None
                     else "--database-url URL")
            out.print(_OPERATOR_CAN, highlight=False)
            out.print(f"  aimds keys create --role admin --tenant acme {where}",
                      highlight=False, soft_wrap=True)
    finally:
        db.close()


def _run(settings: Any, log_level: str, app: Any, access_log: bool = True) -> None:
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    from aimds.server.access_log import log_config
    from aimds.server.transport import TimedHttpToolsProtocol, timed_protocol

    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": log_level,
        "access_log": False,  # uvicorn's own line carries the query string: ours does not
        "log_config": log_config(LOGGING_CONFIG, enabled=access_log),
        # httptools, one write per response, header and body read deadlines
        "http": timed_protocol(settings.header_timeout_s, settings.body_timeout_s),
        "ws": "none",
        "backlog": 4096,
    }
    if settings.workers > 1:
        os.environ["AIMDS_SERVE_SETTINGS"] = settings.model_dump_json()
        # Worker processes get the protocol by name (a made class does not pickle); each
        # sets its deadlines from the settings (aimds.server.app.app_from_env).
        options["http"] = TimedHttpToolsProtocol
        uvicorn.run(
            "aimds.server.app:app_from_env", factory=True, workers=settings.workers, **options
        )
        return
    from aimds.server.app import settle_heap

    settle_heap()
    uvicorn.run(app, **options)
