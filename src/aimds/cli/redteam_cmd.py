"""``aimds redteam``: run the built-in attack generators through a policy and measure it.

Prints the attack success rate (ASR) per technique and per goal with the false-positive
rate (FPR) of the benign controls that went through the same techniques, writes
``report.md``, ``report.json`` and ``chart.svg`` to ``--output`` and exits 1 when the ASR
is above ``--fail-above`` (so a CI job fails), 2 on a usage error, 3 on a policy error.
Definitions: :mod:`aimds.redteam.runner`; guide: docs/redteam.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from aimds.cli.common import EXIT_FLAGGED, EXIT_OK, cli_errors, err, fail, out, print_json
from aimds.errors import InputError
from aimds.guard import Guard
from aimds.redteam.campaign import campaign
from aimds.redteam.cases import GOALS, TECHNIQUE_GROUPS, TECHNIQUES, resolve
from aimds.redteam.chart import chart_svg
from aimds.redteam.report import markdown

__all__ = ["register"]

_DEFAULT_OUTPUT = Path("aimds-redteam")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _table(title: str, first: str, cells: dict[str, dict[str, Any]]) -> Table:
    table = Table(title=title, header_style="bold")
    table.add_column(first)
    for name in ("attacks", "ASR", "controls", "FPR"):
        table.add_column(name, justify="right")
    for name, c in cells.items():
        asr = c["asr"]
        style = "red" if asr is not None and asr >= 0.5 else "yellow" if asr else "green"
        table.add_row(
            name,
            str(c["attacks"]),
            f"[{style}]{_pct(asr)}[/{style}]",
            str(c["controls"]),
            _pct(c["fpr"]),
        )
    return table


def _print(report: dict[str, Any]) -> None:
    out.print(_table("By technique", "technique", report["per_technique"]))
    out.print(_table("By goal", "goal", report["per_goal"]))
    t = report["totals"]
    lat = report["latency_us"]
    out.print(
        f"policy {report['policy']}: ASR [bold]{_pct(t['asr'])}[/bold] "
        f"({t['succeeded']}/{t['attacks']} attacks got through), FPR [bold]{_pct(t['fpr'])}"
        f"[/bold] ({t['false_positives']}/{t['controls']} controls stopped); latency p50 "
        f"{lat['p50']} µs, p99 {lat['p99']} µs; {report['duration_s']} s",
        highlight=False,
    )
    if report["fail_above"] is not None:
        if report["failed"]:
            out.print(f"[bold red]FAILED[/bold red]: ASR above --fail-above {report['fail_above']}")
        else:
            out.print(f"[green]passed[/green]: ASR at most --fail-above {report['fail_above']}")


def _prepare(directory: Path) -> None:
    """Create the output directory before the run, so a bad ``--output`` fails at once."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"--output: cannot write to {directory}: {exc.strerror}")


def _write(directory: Path, report: dict[str, Any]) -> None:
    try:
        (directory / "report.json").write_text(json.dumps(report, indent=2) + "\n")
        (directory / "report.md").write_text(markdown(report), encoding="utf-8")
        (directory / "chart.svg").write_text(chart_svg(report), encoding="utf-8")
    except OSError as exc:
        fail(f"--output: cannot write to {directory}: {exc.strerror}")


def register(app: typer.Typer) -> None:
    """Add ``redteam`` to ``app``."""

    @app.command("redteam")
    def redteam_cmd(
        policy: Annotated[
            str,
            typer.Option(
                "--policy", "-p", help="Pack name (default, strict, permissive) or policy file."
            ),
        ] = "default",
        goals: Annotated[
            list[str] | None,
            typer.Option(
                "--goals", help="Goals to run, comma-separated or repeated (default: all)."
            ),
        ] = None,
        techniques: Annotated[
            list[str] | None,
            typer.Option(
                "--techniques",
                help="Techniques or groups (direct, encoding, "
                "unicode, carrier, session, tool), comma-separated or repeated "
                "(default: all).",
            ),
        ] = None,
        seed: Annotated[int, typer.Option("--seed", help="Seed of the generators.")] = 0,
        count: Annotated[
            int,
            typer.Option("--count", help="Attacks (and as many controls) per goal × technique."),
        ] = 10,
        output: Annotated[
            Path,
            typer.Option(
                "--output", "-o", help="Directory for report.md, report.json and chart.svg."
            ),
        ] = _DEFAULT_OUTPUT,
        fail_above: Annotated[
            float | None,
            typer.Option(
                "--fail-above",
                help="Exit 1 when the attack success rate is above this rate (0..1).",
            ),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    ) -> None:
        """Attack a policy with generated attacks and benign controls; report ASR and FPR."""
        if not 1 <= count <= 1000:
            fail(f"--count: expected 1..1000, got {count}")
        if fail_above is not None and not 0.0 <= fail_above <= 1.0:
            fail(f"--fail-above: expected a rate between 0 and 1, got {fail_above}")
        try:
            chosen_goals = resolve(goals, GOALS, what="goal")
        except InputError as exc:
            fail(f"--goals: {exc}")
        try:
            chosen_techniques = resolve(
                techniques, TECHNIQUES, what="technique", groups=TECHNIQUE_GROUPS
            )
        except InputError as exc:
            fail(f"--techniques: {exc}")
        with cli_errors():
            guard = Guard(policy)
        _prepare(output)
        progress = Progress(
            TextColumn("red team"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        )
        with cli_errors(), guard, progress:
            task = progress.add_task("cases", total=None)
            report = campaign(
                guard,
                seed=seed,
                goals=chosen_goals,
                techniques=chosen_techniques,
                count=count,
                fail_above=fail_above,
                on_start=lambda n: progress.update(task, total=n),
                on_case=lambda _: progress.advance(task),
            )
        _write(output, report)
        if as_json:
            print_json(report)
        else:
            _print(report)
            err.print(
                f"report written to {output}/ (report.md, report.json, chart.svg)", highlight=False
            )
        raise typer.Exit(EXIT_FLAGGED if report["failed"] else EXIT_OK)
