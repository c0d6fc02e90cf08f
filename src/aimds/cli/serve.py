"""``aimds serve``: run the guard as an HTTP service with the approvals dashboard.

Settings come from ``--config`` (YAML), ``AIMDS_*`` environment variables and these flags,
in that order. On a fresh data directory the first admin API key is created and printed
once, with the dashboard URL.
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
        _warn_split_state(settings)
        _bootstrap(settings)
        _run(settings, log_level, access_log)


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
    """Create the database, and the first admin key on an empty one; print where to go."""
    from aimds.respond.approvals import SqlDatabase
    from aimds.server.auth import KeyStore

    if settings.data_dir is not None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = SqlDatabase(settings.resolved_database_url())
    try:
        keys = KeyStore(db)
        base = settings.public_url or f"http://{settings.host}:{settings.port}"
        out.print(f"AIMDS service on {base}  (dashboard: {base}/ui, API docs: {base}/docs)",
                  highlight=False)
        if settings.bootstrap_admin and keys.count() == 0:
            _, key = keys.create(role="admin", tenant="default", name="first admin")
            out.print("First admin API key (shown once; log in to the dashboard with it):",
                      highlight=False)
            out.print(f"  {key}", highlight=False, soft_wrap=True)
    finally:
        db.close()


def _run(settings: Any, log_level: str, access_log: bool = True) -> None:
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    from aimds.server.access_log import log_config
    from aimds.server.transport import CoalescingHttpToolsProtocol

    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": log_level,
        "access_log": False,  # uvicorn's own line carries the query string: ours does not
        "log_config": log_config(LOGGING_CONFIG, enabled=access_log),
        "http": CoalescingHttpToolsProtocol,  # httptools, one write per response
        "ws": "none",
        "backlog": 4096,
    }
    if settings.workers > 1:
        os.environ["AIMDS_SERVE_SETTINGS"] = settings.model_dump_json()
        uvicorn.run(
            "aimds.server.app:app_from_env", factory=True, workers=settings.workers, **options
        )
        return
    from aimds.server.app import create_app, settle_heap

    app = create_app(settings)
    settle_heap()
    uvicorn.run(app, **options)
