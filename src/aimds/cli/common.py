"""What every CLI command shares: exit codes, error rendering, decision output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from aimds.errors import AimdsError, ConfigError, InputError, PolicyError
from aimds.serialize import decision_to_dict
from aimds.types import Decision, Verdict

if TYPE_CHECKING:
    from aimds.server.settings import ServerSettings

__all__ = [
    "EXIT_FLAGGED",
    "EXIT_OK",
    "EXIT_POLICY",
    "EXIT_USAGE",
    "cli_errors",
    "decision_exit_code",
    "fail",
    "print_decision",
    "print_json",
    "service_settings",
]

EXIT_OK = 0
EXIT_FLAGGED = 1
EXIT_USAGE = 2
EXIT_POLICY = 3

out = Console()
err = Console(stderr=True)

_VERDICT_STYLE = {
    Verdict.ALLOW: "green",
    Verdict.WARN: "yellow",
    Verdict.REDACT: "cyan",
    Verdict.REVIEW: "magenta",
    Verdict.BLOCK: "bold red",
}


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print ``message`` to stderr (no traceback) and exit with ``code``."""
    # soft_wrap: an error names file:line paths that must stay on one line to be clickable.
    err.print("[red]error:[/red] " + escape(message), highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn our exceptions into clear messages and the exit codes of ARCHITECTURE.md."""
    try:
        yield
    except PolicyError as exc:
        fail(str(exc), EXIT_POLICY)
    except (InputError, ConfigError) as exc:
        fail(str(exc), EXIT_USAGE)
    except AimdsError as exc:
        fail(str(exc), EXIT_USAGE)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def decision_exit_code(decision: Decision) -> int:
    return EXIT_OK if decision.allowed else EXIT_FLAGGED


def print_decision(decision: Decision, *, as_json: bool) -> None:
    if as_json:
        print_json(decision_to_dict(decision))
        return
    style = _VERDICT_STYLE[decision.verdict]
    out.print(
        f"[{style}]{decision.verdict.value.upper()}[/{style}]  risk={decision.risk.value}"
        f"  score={decision.score:.2f}  policy={decision.policy}"
        + (f"  action={decision.action.type}" if decision.action else ""),
        highlight=False,
    )
    if decision.findings:
        table = Table(show_header=True, header_style="bold")
        rules = [f.rule + (" \\[hard]" if f.hard else "") for f in decision.findings]
        # Rule ids are what a reader greps for: never cut them; the message wraps instead.
        table.add_column("rule", no_wrap=True, min_width=max(len(r) for r in rules))
        for col in ("category", "severity", "action", "message"):
            table.add_column(col)
        for f in decision.findings:
            table.add_row(
                f.rule + (" \\[hard]" if f.hard else ""),
                f.category,
                f.severity.value,
                f.action.value if f.action else "-",
                escape(f.message),
            )
        out.print(table)
    for status in decision.errors:
        out.print(f"[red]stage {status.stage} failed:[/red] {status.detail}", highlight=False)


def service_settings(
    data_dir: Path | None,
    database_url: str | None,
    redis_url: str | None = None,
    config: Path | None = None,
    *,
    create: bool = False,
) -> ServerSettings:
    """The service's settings for a command that works on its stores: its settings file,
    ``AIMDS_*`` variables, then these flags (exit 2 when no store is named). ``create``
    makes the data directory when it does not exist yet."""
    import os

    from aimds.server.settings import load_settings

    settings = load_settings(
        file=config,
        env=os.environ,
        overrides={"data_dir": data_dir, "database_url": database_url, "redis_url": redis_url},
    )
    if settings.data_dir is None and settings.database_url is None:
        fail("give --data-dir DIR (embedded service) or --database-url URL")
    if create and settings.data_dir is not None:
        from aimds._files import private_dir

        private_dir(settings.data_dir)  # keys and identities live here: 0700, as the service does
    return settings
