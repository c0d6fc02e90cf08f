"""The ``aimds`` command. Each command group lives in its own module with a ``register``."""

from __future__ import annotations

import importlib

import typer

__all__ = ["app", "main"]

# Modules under aimds.cli that add commands; each exposes ``register(app: typer.Typer)``.
COMMAND_MODULES = (
    "check",
    "policy_cmd",
    "scan",
    "eval_cmd",
    "redteam_cmd",
    "replay",
    "audit_cmd",
    "serve",
    "proxy_cmd",
    "keys",
    "identities",
    "approvals",
    "feedback",
    "agents",
    "kill",
    "demo",
    "mcp_cmd",
    "version_cmd",
)

app = typer.Typer(
    name="aimds",
    help="AIMDS: judge prompts, completions, tool calls and tool results against a policy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _name in COMMAND_MODULES:
    importlib.import_module(f"aimds.cli.{_name}").register(app)


def main() -> None:
    app()
