"""``aimds agents trust|reset-trust``: read and reset an agent's trust on a running service.

Behaviour state lives in the service (in its process, or in Redis in cluster mode), so these
commands call its API: ``--url`` (or ``AIMDS_URL``) and an admin key read from the
environment variable ``--key-env`` names (default ``AIMDS_API_KEY``; a key is never a
command-line argument, where ``ps`` would show it). The service audits every reset.
"""

from __future__ import annotations

import os
from typing import Annotated, Any
from urllib.parse import quote

import typer

from aimds.cli.common import EXIT_USAGE, fail, out, print_json

__all__ = ["register"]

agents_app = typer.Typer(
    name="agents", help="Read and reset agents' trust on a running service.", no_args_is_help=True
)

UrlOpt = Annotated[
    str,
    typer.Option("--url", envvar="AIMDS_URL", help="The service, e.g. http://127.0.0.1:8080."),
]
KeyEnvOpt = Annotated[
    str, typer.Option("--key-env", help="Environment variable holding an admin API key.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
_TIMEOUT_S = 30.0


def register(app: typer.Typer) -> None:
    app.add_typer(agents_app)


def _call(method: str, url: str, path: str, key_env: str) -> dict[str, Any]:
    import httpx

    key = os.environ.get(key_env)
    if not key:
        fail(f"set {key_env} to an API key of the service (admin for reset-trust)")
    try:
        r = httpx.request(
            method,
            url.rstrip("/") + path,
            headers={"Authorization": f"Bearer {key}"},
            timeout=_TIMEOUT_S,
        )
    except httpx.HTTPError as exc:
        fail(f"cannot reach the service at {url}: {type(exc).__name__}")
    if r.status_code != 200:
        try:
            detail = r.json().get("detail", r.text)
        except ValueError:
            detail = r.text
        fail(f"the service answered {r.status_code}: {str(detail)[:300]}", EXIT_USAGE)
    return dict(r.json())


def _trust_line(info: dict[str, Any]) -> str:
    return f"{float(info['score']):.1f}/1000 ({info['tier']})"


@agents_app.command("trust")
def trust(
    agent: Annotated[str, typer.Argument(help="The agent id.")],
    url: UrlOpt,
    key_env: KeyEnvOpt = "AIMDS_API_KEY",
    as_json: JsonOpt = False,
) -> None:
    """Show an agent's trust score and tier."""
    body = _call("GET", url, f"/v1/agents/{quote(agent, safe='')}", key_env)
    if as_json:
        print_json({"agent": agent, "tenant": body.get("tenant"), "trust": body.get("trust")})
        return
    info = body.get("trust")
    out.print(f"{agent}: " + (_trust_line(info) if info else "no behaviour state"),
              highlight=False)


@agents_app.command("reset-trust")
def reset_trust(
    agent: Annotated[str, typer.Argument(help="The agent id.")],
    url: UrlOpt,
    key_env: KeyEnvOpt = "AIMDS_API_KEY",
    as_json: JsonOpt = False,
) -> None:
    """Set an agent's trust back to the policy's initial score (admin; audited)."""
    body = _call("POST", url, f"/v1/agents/{quote(agent, safe='')}/trust/reset", key_env)
    if as_json:
        print_json(body)
        return
    out.print(
        f"{agent}: trust {_trust_line(body['before'])} -> {_trust_line(body['trust'])}",
        highlight=False,
    )
