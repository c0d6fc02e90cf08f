"""``aimds check tool NAME --arg k=v ...``, ``aimds check prompt TEXT`` and
``aimds check memory KEY TEXT [--read] [--provenance P]``.

Both print the decision (a table, or JSON with ``--json``) and exit 0 on allow/warn/redact,
1 on review/block, 2 on a usage or input error, 3 on a policy error.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from aimds.cli.common import cli_errors, decision_exit_code, fail, print_decision
from aimds.guard import Guard
from aimds.types import Subject

__all__ = ["parse_args", "register"]

check_app = typer.Typer(
    name="check",
    help="Judge one tool call or prompt against a policy and print the decision.",
    no_args_is_help=True,
)

PolicyOpt = Annotated[
    str, typer.Option("--policy", "-p", help="Pack name (default, strict, permissive) or file.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the decision as JSON.")]
AgentOpt = Annotated[str, typer.Option("--agent", help="Subject agent id.")]
RoleOpt = Annotated[str, typer.Option("--role", help="Subject role (architect, expert, ...).")]
TenantOpt = Annotated[str, typer.Option("--tenant", help="Subject tenant.")]
SessionOpt = Annotated[str, typer.Option("--session", help="Subject session id.")]


def parse_args(pairs: list[str], args_json: str | None) -> dict[str, Any]:
    """Arguments from ``--args-json`` overlaid with ``--arg k=v`` (values stay strings)."""
    args: dict[str, Any] = {}
    if args_json is not None:
        try:
            loaded = json.loads(args_json)
        except json.JSONDecodeError as exc:
            fail(f"--args-json: not valid JSON (line {exc.lineno}, column {exc.colno})")
        if not isinstance(loaded, dict):
            fail(f"--args-json: expected a JSON object, got {type(loaded).__name__}")
        args.update(loaded)
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            fail("--arg: expected KEY=VALUE, e.g. --arg command='ls -la'")
        args[key] = value
    return args


def _subject(agent: str, role: str, tenant: str, session: str) -> Subject:
    return Subject(agent=agent, role=role, tenant=tenant, session=session)


@check_app.command("tool")
def check_tool(
    name: Annotated[str, typer.Argument(help="Tool name, e.g. shell, read_file.")],
    arg: Annotated[
        list[str] | None, typer.Option("--arg", "-a", help="Argument KEY=VALUE (repeatable).")
    ] = None,
    args_json: Annotated[
        str | None, typer.Option("--args-json", help="All arguments as one JSON object.")
    ] = None,
    policy: PolicyOpt = "default",
    agent: AgentOpt = "anonymous",
    role: RoleOpt = "expert",
    tenant: TenantOpt = "default",
    session: SessionOpt = "default",
    as_json: JsonOpt = False,
) -> None:
    """Judge a tool call."""
    args = parse_args(arg or [], args_json)
    with cli_errors():
        guard = Guard(policy)
        decision = guard.check_tool_call(
            name, args, subject=_subject(agent, role, tenant, session)
        )
        guard.close()
    print_decision(decision, as_json=as_json)
    raise typer.Exit(decision_exit_code(decision))


@check_app.command("prompt")
def check_prompt(
    text: Annotated[str, typer.Argument(help="Prompt text; '-' reads it from stdin.")],
    policy: PolicyOpt = "default",
    agent: AgentOpt = "anonymous",
    role: RoleOpt = "expert",
    tenant: TenantOpt = "default",
    session: SessionOpt = "default",
    as_json: JsonOpt = False,
) -> None:
    """Judge a prompt."""
    if text == "-":
        text = sys.stdin.read()
    with cli_errors():
        guard = Guard(policy)
        decision = guard.check_prompt(text, subject=_subject(agent, role, tenant, session))
        guard.close()
    print_decision(decision, as_json=as_json)
    raise typer.Exit(decision_exit_code(decision))


@check_app.command("memory")
def check_memory(
    key: Annotated[str, typer.Argument(help="The memory entry's key.")],
    text: Annotated[str, typer.Argument(help="The content written or read; '-' reads stdin.")],
    read: Annotated[
        bool, typer.Option("--read", help="Judge a read (memory_read) instead of a write.")
    ] = False,
    provenance: Annotated[
        str | None,
        typer.Option(
            "--provenance",
            help="Where a written content came from: user, system, web, unknown, tool:NAME, "
            "agent:NAME (default unknown).",
        ),
    ] = None,
    policy: PolicyOpt = "default",
    agent: AgentOpt = "anonymous",
    role: RoleOpt = "expert",
    tenant: TenantOpt = "default",
    session: SessionOpt = "default",
    as_json: JsonOpt = False,
) -> None:
    """Judge a write to (or, with --read, a read from) the agent's memory."""
    if text == "-":
        text = sys.stdin.read()
    if read and provenance is not None:
        fail("--provenance applies to writes only; drop it or --read")
    who = _subject(agent, role, tenant, session)
    with cli_errors():
        guard = Guard(policy)
        if read:
            decision = guard.check_memory_read(key, text, subject=who)
        else:
            decision = guard.check_memory_write(key, text, subject=who, provenance=provenance)
        guard.close()
    print_decision(decision, as_json=as_json)
    raise typer.Exit(decision_exit_code(decision))


def register(app: typer.Typer) -> None:
    """Add ``aimds check`` to ``app``."""
    app.add_typer(check_app, name="check")

