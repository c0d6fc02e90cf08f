"""``aimds keys create|list|revoke``: API keys of the service, kept hashed in its database.

``aimds keys create --role R --tenant T --data-dir DIR`` prints the new key once. Roles:
``operator`` (the platform: every tenant, the global policy; no ``--tenant``), and within
one tenant ``admin`` (its policy, quarantine, approvals), ``approver``, ``auditor`` and
``agent``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aimds.cli.common import cli_errors, fail, out, print_json

if TYPE_CHECKING:
    from aimds.respond.approvals import SqlDatabase
    from aimds.server.auth import KeyStore

__all__ = ["open_db", "register"]

keys_app = typer.Typer(name="keys", help="Create, list and revoke API keys.", no_args_is_help=True)

DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="The service's data directory.")
]
DbUrl = Annotated[
    str | None, typer.Option("--database-url", help="Or the service database URL.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app)


def open_db(data_dir: Path | None, database_url: str | None) -> SqlDatabase:
    """The service database named by ``--database-url`` or ``--data-dir`` (exit 2 if neither)."""
    from aimds.respond.approvals import SqlDatabase
    from aimds.server.settings import ServerSettings

    if data_dir is None and database_url is None:
        fail("give --data-dir DIR (embedded service) or --database-url URL")
    settings = ServerSettings(data_dir=data_dir, database_url=database_url)
    if data_dir is not None:
        from aimds._files import private_dir

        private_dir(data_dir)  # the key store lives here: 0700, as the service makes it
    return SqlDatabase(settings.resolved_database_url())


def _store(data_dir: Path | None, database_url: str | None) -> KeyStore:
    from aimds.server.auth import KeyStore

    return KeyStore(open_db(data_dir, database_url))


@keys_app.command("create")
def create(
    role: Annotated[
        str,
        typer.Option(
            help="operator (runs the platform: every tenant, the global policy), or within "
            "one tenant: admin, approver, auditor or agent."
        ),
    ],
    tenant: Annotated[
        str | None,
        typer.Option(help="The tenant the key is confined to (every role but operator)."),
    ] = None,
    agent: Annotated[
        str | None, typer.Option(help="Agent id an agent key acts as (default: derived).")
    ] = None,
    agent_role: Annotated[
        str | None,
        typer.Option(
            "--agent-role",
            help="Agent keys: the policy role (e.g. expert, architect) their events carry; "
            "requests cannot change it (default: the policy's default role).",
        ),
    ] = None,
    name: Annotated[str, typer.Option(help="A label for humans.")] = "",
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a key and print it (it is shown only this once)."""
    if role == "operator" and tenant is not None:
        fail("--tenant: an operator key belongs to no tenant (it reaches every one); "
             "leave --tenant out")
    if role != "operator" and tenant is None:
        fail(f"--tenant: a {role} key belongs to one tenant; name it (--tenant acme)")
    with cli_errors():
        store = _store(data_dir, database_url)
        record, key = store.create(
            role=role, tenant=tenant or "", agent=agent, name=name, agent_role=agent_role
        )
        store.db.close()
    if as_json:
        print_json({**record.as_dict(), "key": key})
    else:
        typer.echo(key)


@keys_app.command("list")
def list_keys(
    tenant: Annotated[str | None, typer.Option(help="Only this tenant.")] = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    as_json: JsonOpt = False,
) -> None:
    """List keys (ids, roles, tenants; never the secrets)."""
    with cli_errors():
        store = _store(data_dir, database_url)
        records = store.records(tenant=tenant)
        store.db.close()
    if as_json:
        print_json([r.as_dict() for r in records])
        return
    for r in records:
        state = "revoked" if r.revoked else "active"
        agent = f"{r.agent}({r.agent_role})" if r.agent and r.agent_role else r.agent or "-"
        out.print(f"{r.id}  {r.role.value:8}  {r.tenant}  {agent}  {state}  {r.name}",
                  highlight=False, markup=False)


@keys_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key id (the part after 'aimds_').")],
    data_dir: DataDir = None,
    database_url: DbUrl = None,
) -> None:
    """Revoke a key; sessions and requests using it stop within seconds."""
    with cli_errors():
        store = _store(data_dir, database_url)
        changed = store.revoke(key_id)
        store.db.close()
    if not changed:
        fail(f"no key with id {key_id!r}")
    typer.echo(f"revoked {key_id}")
