"""docs/cli.md names every command and subcommand of ``aimds``."""

from __future__ import annotations

from pathlib import Path

import typer.main

from aimds.cli.main import app

DOC = Path(__file__).parents[2] / "docs" / "cli.md"


def test_every_command_is_documented() -> None:
    text = DOC.read_text()
    command = typer.main.get_command(app)
    missing = []
    for name, cmd in command.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None) or {}
        for full in ([f"aimds {name} {sub}" for sub in subs] or [f"aimds {name}"]):
            if f"`{full}`" not in text:
                missing.append(full)
    assert not missing, f"docs/cli.md does not name: {missing}"
