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

from aimds.cli.common import cli_errors, out

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
        app_ = _startup(settings)
        _bootstrap(settings)
        _run(settings, log_level, app_)


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


def _run(settings: Any, log_level: str, app: Any) -> None:
    import uvicorn

    from aimds.server.transport import TimedHttpToolsProtocol, timed_protocol

    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": log_level,
        "access_log": False,
        # httptools, one write per response, header and body read deadlines
        "http": timed_protocol(settings.header_timeout_s, settings.body_timeout_s),
        "ws": "none",
        "backlog": 4096,
    }
    if settings.workers > 1:
        if settings.redis_url is None:
            out.print(
                "note: with several workers and no --redis-url, behaviour state (windows, "
                "trust, quarantine) is kept per worker process; use Redis to share it.",
                highlight=False,
            )
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
