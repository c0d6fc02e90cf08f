"""``aimds identities create|list|revoke``: agent identities in the service's database.

``create`` makes the key on this machine, registers only what a verifier needs (the public
key; for HMAC the shared secret, sealed in the database) and hands the private identity to
you once: printed (``--json``: under ``private``) or written with mode 0600 to ``--out``.
The agent loads it with ``aimds.AgentIdentity.load(path)``. Like ``aimds keys``, these
commands work on the database directly (``--data-dir`` or ``--database-url``; a running
service sees a change within seconds) and write the same audit records the API does
(``identity.registered``, ``identity.revoked``, by ``cli``).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aimds.cli.common import cli_errors, fail, out, print_json

if TYPE_CHECKING:
    from aimds.identity.sql_registry import SqlIdentityRegistry

__all__ = ["register"]

identities_app = typer.Typer(
    name="identities",
    help="Create, list and revoke agent identities (signing keys).",
    no_args_is_help=True,
)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="The service's data directory.")]
DbUrl = Annotated[str | None, typer.Option("--database-url", help="Or the service database URL.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
TenantOpt = Annotated[str, typer.Option(help="The agent's tenant.")]
_BY = "cli"


def register(app: typer.Typer) -> None:
    app.add_typer(identities_app)


@contextlib.contextmanager
def _registry(data_dir: Path | None, database_url: str | None) -> Iterator[SqlIdentityRegistry]:
    """The service's registry (sealing like the service does) with its audit log."""
    from aimds.audit import create_metrics
    from aimds.cli.keys import open_db
    from aimds.identity.registry import audit_listener
    from aimds.identity.sealing import sealer_from
    from aimds.identity.sql_registry import SqlIdentityRegistry
    from aimds.server.service_audit import open_service_audit
    from aimds.server.settings import ServerSettings

    db = open_db(data_dir, database_url)
    settings = ServerSettings(data_dir=data_dir, database_url=database_url)
    audit = None
    try:
        sealer = sealer_from(
            data_dir_secret=(lambda: settings.secret("identity")) if data_dir else None
        )
        registry = SqlIdentityRegistry(db, sealer)
        audit = open_service_audit(settings, create_metrics())
        if audit is not None:
            registry.add_listener(audit_listener(audit))
        yield registry
    finally:
        if audit is not None:
            audit.close()
        db.close()


@identities_app.command("create")
def create(
    agent: Annotated[str, typer.Option(help="The agent (or user) the key signs for.")],
    tenant: TenantOpt = "default",
    role: Annotated[
        str | None, typer.Option(help="The role it claims: a policy role, or 'user'.")
    ] = None,
    algorithm: Annotated[
        str, typer.Option(help="ed25519 (default) or hmac-sha256 (a shared secret).")
    ] = "ed25519",
    expires_in: Annotated[
        str | None, typer.Option("--expires-in", help="Validity, e.g. 30d, 12h (default: none).")
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Write the private identity to this new file (mode 0600)."),
    ] = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    as_json: JsonOpt = False,
) -> None:
    """Generate a key, register its public part, hand over the private identity once."""
    from aimds.identity import AgentIdentity

    expires = _expires(expires_in)
    if out_file is not None and out_file.exists():
        fail(f"--out: {out_file} exists; choose a new file (keys are never overwritten)")
    with cli_errors():
        if algorithm == "ed25519":
            ident = AgentIdentity.generate(agent=agent, tenant=tenant, role=role, expires=expires)
        elif algorithm == "hmac-sha256":
            import secrets

            ident = AgentIdentity.from_secret(
                agent=agent,
                tenant=tenant,
                role=role,
                secret=secrets.token_bytes(32),
                expires=expires,
            )
        else:
            fail("--algorithm: use ed25519 or hmac-sha256")
        with _registry(data_dir, database_url) as registry:
            record = registry.register(ident.public(), by=_BY)
        if out_file is not None:
            ident.save(out_file)
    public = record.as_dict()
    private = None if out_file is not None else ident.private_dict()
    if as_json:
        print_json(
            {
                "identity": public,
                "private": private,
                "file": str(out_file) if out_file is not None else None,
            }
        )
        return
    out.print(
        f"registered {record.key_id} ({record.algorithm}) for {record.tenant}/{record.agent}",
        highlight=False,
        markup=False,
    )
    if out_file is not None:
        out.print(
            f"private identity written to {out_file} (mode 0600)", highlight=False, markup=False
        )
    else:
        out.print(
            "private identity (shown once; give it to the agent, keep it secret):",
            highlight=False,
            markup=False,
        )
        typer.echo(json.dumps(private))


@identities_app.command("list")
def list_identities(
    tenant: Annotated[str | None, typer.Option(help="Only this tenant.")] = None,
    agent: Annotated[str | None, typer.Option(help="Only this agent.")] = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    as_json: JsonOpt = False,
) -> None:
    """List identities (key ids, agents, roles, state; never secrets)."""
    with cli_errors(), _registry(data_dir, database_url) as registry:
        records = registry.list(tenant=tenant, agent=agent)
    if as_json:
        print_json([r.as_dict() for r in records])
        return
    now = time.time()
    for r in records:
        state = "revoked" if r.revoked else "expired" if r.expired(now) else "active"
        out.print(
            f"{r.key_id}  {r.algorithm:11}  {r.tenant}/{r.agent}  {r.role or '-'}  {state}",
            highlight=False,
            markup=False,
        )


@identities_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key id (from create or list).")],
    tenant: TenantOpt = "default",
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    as_json: JsonOpt = False,
) -> None:
    """Revoke a key: its signatures stop verifying (within seconds in a running service)."""
    with cli_errors(), _registry(data_dir, database_url) as registry:
        changed = registry.revoke(key_id, tenant=tenant, by=_BY)
    if not changed:
        fail(f"no active identity with key id {key_id!r} in tenant {tenant!r}")
    if as_json:
        print_json({"key_id": key_id, "tenant": tenant, "revoked": True})
    else:
        typer.echo(f"revoked {key_id}")


def _expires(text: str | None) -> float | None:
    if text is None:
        return None
    from aimds.policy.sections.behavior import parse_duration

    try:
        seconds: Any = parse_duration(text.strip())
    except ValueError as exc:
        fail(f"--expires-in: {exc}")
    if seconds <= 0:
        fail("--expires-in: must be positive")
    return time.time() + float(seconds)
