"""``aimds version``: the installed version, interpreter and which hot-path modules run compiled."""

from __future__ import annotations

from typing import Annotated

import typer

from aimds.cli.common import out, print_json

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("version", help="Show the version and whether the hot path is compiled.")(version)


def version(
    as_json: Annotated[bool, typer.Option("--json", help="Print the build facts as JSON.")] = False,
) -> None:
    from aimds.build import build_info

    info = build_info()
    if as_json:
        print_json(info)
        return
    modules = info["compiled_modules"]
    build = f"{len(modules)} compiled modules" if modules else "pure Python (not compiled)"
    out.print(
        f"aimds {info['version']} on {info['implementation']} {info['python']}, {build}",
        highlight=False,
    )
