"""``aimds proxy``: an OpenAI-compatible Chat Completions proxy that guards both directions.

Point any OpenAI client's ``base_url`` at ``http://HOST:PORT/v1``. With ``--data-dir`` the
proxy shares the audit log and approvals queue of ``aimds serve --data-dir`` on the same
directory; without it decisions stay in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from aimds.cli.common import cli_errors
from aimds.errors import InputError, MissingExtraError

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("proxy", help="Run an OpenAI-compatible proxy for /v1/chat/completions.")(proxy)


def proxy(
    upstream: Annotated[
        str, typer.Option("--upstream", help="Upstream base URL, e.g. https://api.openai.com/v1")
    ],
    listen: Annotated[str, typer.Option("--listen", help="HOST:PORT to serve on.")] = (
        "127.0.0.1:8787"
    ),
    policy: Annotated[
        str, typer.Option("--policy", "-p", help="Pack name or policy file.")
    ] = "default",
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Share audit and approvals with serve.")
    ] = None,
    tenant: Annotated[str, typer.Option("--tenant")] = "default",
    agent: Annotated[str, typer.Option("--agent", help="Default agent name.")] = "proxy",
    role: Annotated[str, typer.Option("--role")] = "expert",
    log_level: Annotated[str, typer.Option("--log-level")] = "warning",
) -> None:
    with cli_errors():
        host, port = _listen(listen)
        if not upstream.startswith(("http://", "https://")):
            raise InputError(f"--upstream: expected an http:// or https:// URL, got {upstream!r}")
        try:
            import uvicorn
        except ImportError:
            raise MissingExtraError("proxy", "uvicorn") from None
        from aimds.integrations.proxy import create_proxy_app
        from aimds.types import Subject

        guard = _guard(policy, data_dir)
        app = create_proxy_app(
            guard, upstream, subject=Subject(tenant=tenant, agent=agent, role=role)
        )
        typer.echo(f"aimds proxy on http://{host}:{port}/v1 -> {upstream}", err=True)
        uvicorn.run(app, host=host, port=port, log_level=log_level)


def _listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(f"--listen: expected HOST:PORT, e.g. 127.0.0.1:8787, got {value!r}")
    return host.strip("[]"), int(port)


def _guard(policy: str, data_dir: Path | None) -> Any:
    from aimds.guard import Guard

    if data_dir is None:
        return Guard(policy)
    from aimds.server.settings import ServerSettings
    from aimds.server.state import build_state

    return build_state(ServerSettings(data_dir=data_dir, policy=policy)).holder.guard
