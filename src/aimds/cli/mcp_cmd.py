"""``aimds mcp proxy|pin|scan``: the MCP security gateway on the command line.

``proxy`` fronts one MCP server (a command on stdio, or ``--upstream URL``) and serves it
on stdio, or as Streamable HTTP with ``--listen HOST:PORT``. ``pin`` records a server's
tool definitions in the pin file, or accepts a changed one (``--accept TOOL``). ``scan``
prints a static report of a server's tools and can write the policy scope that admits
them. The upstream command comes after ``--``.

With ``--data-dir DIR`` the proxy shares the service's embedded backends: approval
requests in ``DIR/aimds.db`` (decide them with ``aimds approvals ... --data-dir DIR``), the
audit log in ``DIR/audit.db`` and the pins in ``DIR/mcp-pins.json``.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
import yaml
from rich.markup import escape
from rich.table import Table

from aimds.cli.common import EXIT_FLAGGED, EXIT_OK, cli_errors, fail, out, print_json
from aimds.errors import AimdsError
from aimds.types import Services, Subject

if TYPE_CHECKING:
    from aimds.guard import Guard
    from aimds.integrations.mcp.pins import PinStore, ToolDefinition

__all__ = ["default_server_name", "register"]

T = TypeVar("T")

mcp_app = typer.Typer(
    name="mcp",
    help="MCP security gateway: proxy a server, pin its tool definitions, scan its tools.",
    no_args_is_help=True,
)

CommandArg = Annotated[
    list[str] | None,
    typer.Argument(help="The upstream server command, after --: -- npx -y server-x /srv"),
]
PolicyOpt = Annotated[
    str, typer.Option("--policy", "-p", help="Pack name (default, strict, permissive) or file.")
]
DataDirOpt = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Approvals, audit log and pins live here (as for serve)."),
]
PinsOpt = Annotated[
    Path | None,
    typer.Option("--pins", help="Pin file (default: DATA_DIR/mcp-pins.json, else memory)."),
]
NameOpt = Annotated[
    str | None,
    typer.Option("--server", "--name", help="Server name for pins and audit records "
                 "(default: from the command or URL)."),
]
UpstreamOpt = Annotated[
    str | None, typer.Option("--upstream", help="Streamable HTTP URL of the upstream server.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
_INTERPRETERS = {"python", "python3", "node", "npx", "uv", "uvx", "deno", "bun", "bunx",
                 "sh", "bash", "pipx", "docker", "run", "-m"}


def register(app: typer.Typer) -> None:
    app.add_typer(mcp_app)


def default_server_name(command: Sequence[str] | None, url: str | None) -> str:
    """A stable name for pins and audit records: the URL's host and path, else the first
    word of the command that is not an interpreter, a flag or a runner verb."""
    if url:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        return f"{parts.hostname or 'server'}{parts.path.rstrip('/')}".replace("/", "_")
    words = list(command or [])
    for word in words:
        stem = PurePath(word).name
        base = stem.split("@")[0] if not stem.startswith("@") else stem
        if word.startswith("-") or PurePath(base).stem in _INTERPRETERS:
            continue
        name = PurePath(base).stem if base.endswith((".py", ".js", ".ts", ".mjs")) else base
        return name or "server"
    return PurePath(words[0]).name if words else "server"


@dataclass
class _Runtime:
    guard: Guard
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in reversed(self.closers):
            with suppress(Exception):
                close()


def _runtime(policy: str, data_dir: Path | None) -> _Runtime:
    """The guard, with the service's approval queue and audit log in ``data_dir``."""
    from aimds.guard import Guard

    services = Services()
    closers: list[Callable[[], None]] = []
    if data_dir is not None:
        from aimds._files import private_dir
        from aimds.audit import AuditLog
        from aimds.respond.approvals import EXTRAS_KEY, ApprovalQueue
        from aimds.server.settings import ServerSettings

        private_dir(data_dir)  # audit log, approvals and secrets: 0700, as the service makes it
        settings = ServerSettings(data_dir=data_dir)
        queue = ApprovalQueue(settings.resolved_database_url(), secret=settings.secret("digest"))
        services.extras[EXTRAS_KEY] = queue
        closers.append(queue.close)
        target = settings.resolved_audit_url()
        if target is not None:
            audit = AuditLog.open(target, digest_key=settings.secret("audit-digest"))
            services.extras["audit"] = audit
            closers.append(audit.close)
    guard = Guard(policy, services=services)
    return _Runtime(guard=guard, closers=[*closers, guard.close])


def _pin_store(pins: Path | None, data_dir: Path | None) -> PinStore:
    from aimds.integrations.mcp.pins import PinStore

    if pins is not None:
        return PinStore(pins)
    if data_dir is not None:
        return PinStore(data_dir / "mcp-pins.json")
    return PinStore()


def _upstream(
    command: list[str] | None, upstream: str | None
) -> tuple[list[str] | None, str | None]:
    if command and upstream:
        fail("give the upstream server as a command after -- or as --upstream URL, not both")
    if not command and not upstream:
        fail("give the upstream server: -- COMMAND [ARGS...] or --upstream URL")
    return (command or None), upstream


def _run(factory: Callable[[], Awaitable[T]]) -> T:
    """Run ``factory`` on an event loop; our own errors re-raised as they are, any other
    failure (the upstream cannot be started, reached or understood) as a clear message
    naming only the error's type (a URL or command line may carry credentials)."""
    import anyio

    try:
        return anyio.run(factory)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except Exception as exc:  # noqa: BLE001 - the SDK raises groups of transport errors
        leaves = _leaves(exc)
        ours = next((e for e in leaves if isinstance(e, AimdsError)), None)
        if ours is not None:
            raise ours from None
        fail(f"cannot start or reach the upstream server ({type(leaves[0]).__name__})")


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


async def _list_definitions(command: list[str] | None, url: str | None) -> list[ToolDefinition]:
    from aimds.integrations.mcp.pins import ToolDefinition
    from aimds.integrations.mcp.transports import connect_upstream

    async with connect_upstream(command=command, url=url) as client:
        tools = []
        cursor: str | None = None
        for _ in range(100):
            page = await client.list_tools(cursor=cursor)
            tools.extend(page.tools)
            cursor = page.next_cursor
            if not cursor:
                break
    return [ToolDefinition.from_wire(t.model_dump(by_alias=True, mode="json", exclude_none=True))
            for t in tools]


@mcp_app.command("proxy")
def proxy(
    command: CommandArg = None,
    policy: PolicyOpt = "default",
    data_dir: DataDirOpt = None,
    pins: PinsOpt = None,
    server: NameOpt = None,
    upstream: UpstreamOpt = None,
    listen: Annotated[
        str | None, typer.Option("--listen", help="HOST:PORT: serve Streamable HTTP at /mcp.")
    ] = None,
    tenant: Annotated[str, typer.Option("--tenant", help="Subject tenant.")] = "default",
    agent: Annotated[str, typer.Option("--agent", help="Subject agent id.")] = "anonymous",
    role: Annotated[str, typer.Option("--role", help="Subject role.")] = "expert",
) -> None:
    """Front an MCP server: pin and scan its tools, judge every call and result."""
    from aimds.integrations.mcp.session import Gateway
    from aimds.integrations.mcp.transports import connect_upstream, serve_http, serve_stdio

    cmd, url = _upstream(command, upstream)
    host_port = _listen(listen) if listen is not None else None
    name = server or default_server_name(cmd, url)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="aimds: %(message)s")
    with cli_errors():
        runtime = _runtime(policy, data_dir)
        store = _pin_store(pins, data_dir)
    subject = Subject(tenant=tenant, agent=agent, role=role,
                      session=f"mcp-{secrets.token_hex(6)}")

    async def main() -> None:
        async with connect_upstream(command=cmd, url=url) as client:
            gateway = Gateway(runtime.guard, client, server=name, pins=store, subject=subject,
                              wait_for_approval=data_dir is not None)
            if host_port is None:
                await serve_stdio(gateway)
            else:
                await serve_http(gateway, host=host_port[0], port=host_port[1])

    try:
        _run(main)
    finally:
        runtime.close()


def _listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        fail("--listen: expected HOST:PORT, e.g. --listen 127.0.0.1:8765")
    return host.strip("[]"), int(port)


@mcp_app.command("pin")
def pin(
    command: CommandArg = None,
    accept: Annotated[
        list[str] | None,
        typer.Option("--accept", help="Accept the new definition of TOOL (repeatable)."),
    ] = None,
    data_dir: DataDirOpt = None,
    pins: PinsOpt = None,
    server: NameOpt = None,
    upstream: UpstreamOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Pin a server's tool definitions, or accept changed ones (--accept TOOL).

    Without --accept, lists the server's tools and pins those not pinned yet; changed
    tools are reported with their diff and keep their old pin (exit 1). With --accept and
    no server command, accepts the definition the gateway saw (pending in the pin file).
    """
    from aimds.integrations.mcp.pins import compare

    if pins is None and data_dir is None:
        fail("give the pin file: --pins FILE or --data-dir DIR")
    live = bool(command or upstream)
    cmd, url = _upstream(command, upstream) if live else (None, None)
    if not live and not accept:
        fail("give the server (-- COMMAND or --upstream URL) to pin, or --accept TOOL")
    if not live and server is None:
        fail("--accept without a server command needs --server NAME")
    name = server or default_server_name(cmd, url)
    with cli_errors():
        store = _pin_store(pins, data_dir)
        listed = _run(lambda: _list_definitions(cmd, url)) if live else []
        accepted = []
        for tool in accept or []:
            current = next((t for t in listed if t.name == tool), None)
            if live and current is None:
                fail(f"--accept {tool}: server {name!r} does not list a tool {tool!r}")
            accepted.append(store.accept(name, tool, current).name)
        pinned_before = store.pinned(name)
        changes = [c for c in compare(pinned_before, listed) if c.tool not in accepted] \
            if listed else []
        new = [t for t in listed if t.name not in pinned_before]
        new = [t for t in new if not any(c.kind == "renamed" and c.tool == t.name
                                         for c in changes)]
        store.pin(name, new)
    outstanding = [c for c in changes if c.withholds]
    if as_json:
        print_json({"server": name, "pinned": [t.name for t in new], "accepted": accepted,
                    "changes": [c.as_dict() for c in changes]})
    else:
        for tool_name in accepted:
            out.print(f"accepted {tool_name} ({name})", highlight=False, markup=False)
        for t in new:
            out.print(f"pinned   {t.name} ({name})", highlight=False, markup=False)
        from aimds.integrations.mcp.pins import describe_changes

        if changes:
            out.print(describe_changes(changes), highlight=False, markup=False)
        if outstanding:
            out.print(f"accept a change with: aimds mcp pin --server {name} --accept TOOL",
                      highlight=False, markup=False)
    raise typer.Exit(EXIT_FLAGGED if outstanding else EXIT_OK)


@mcp_app.command("scan")
def scan(
    command: CommandArg = None,
    policy: PolicyOpt = "default",
    server: NameOpt = None,
    upstream: UpstreamOpt = None,
    role: Annotated[str, typer.Option("--role", help="Role the written scope is for.")] = "expert",
    write_policy: Annotated[
        Path | None,
        typer.Option("--write-policy", help="Write a policy (YAML) that extends --policy and "
                     "lets --role call the server's clean tools."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Report a server's tools: parameters, the policy's verdict, poisoning findings."""
    from aimds.guard import Guard
    from aimds.integrations.mcp.report import build_report, scope_policy

    cmd, url = _upstream(command, upstream)
    name = server or default_server_name(cmd, url)
    with cli_errors():
        guard = Guard(policy)
        listed = _run(lambda: _list_definitions(cmd, url))
        reports = build_report(guard, listed, subject=Subject(role=role))
        guard.close()
        written = None
        if write_policy is not None:
            base = policy
            if Path(policy).is_file():  # a file: extend it by the path relative to the output
                base = os.path.relpath(Path(policy).resolve(), write_policy.resolve().parent)
            try:
                document = scope_policy(server=name, base=base, role=role, reports=reports)
            except ValueError as exc:
                fail(f"--write-policy: {exc}")
            write_policy.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
            written = str(write_policy)
    poisoned = [r for r in reports if r.poisoned]
    if as_json:
        print_json({"server": name, "tools": [r.as_dict() for r in reports],
                    "policy_written": written})
    else:
        _print_report(name, reports)
        if written:
            out.print(f"wrote {written}: role {role!r} may call "
                      f"{len(reports) - len(poisoned)} tool(s) of {name!r}", highlight=False,
                      markup=False)
    raise typer.Exit(EXIT_FLAGGED if poisoned else EXIT_OK)


def _print_report(name: str, reports: Sequence[Any]) -> None:
    table = Table(title=f"MCP server {name}", show_header=True, header_style="bold")
    for col in ("tool", "parameters", "action", "policy", "poisoning"):
        table.add_column(col, overflow="fold")
    for r in reports:
        params = ", ".join(p + ("*" if p in r.required else "") for p in r.params)
        found = ", ".join(sorted({str(f.details.get("kind")) for f in r.findings})) or "-"
        verdict = r.verdict + (f" ({', '.join(r.rules)})" if r.rules else "")
        table.add_row(escape(r.name), escape(params), r.action, escape(verdict), escape(found))
    out.print(table)
