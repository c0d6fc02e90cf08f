"""``aimds scan``: run the content detectors on a text, a file, stdin or a JSONL corpus.

JSONL contract (ARCHITECTURE.md): one output line per input line,
``{"id", "verdict", "score", "categories", "findings"}`` where ``id`` is the input's ``id``
field or else the 1-based line number and ``categories`` maps each content category to its
0..1 score. A line that cannot be read gets ``"verdict": "error"`` and an ``error`` reason,
so output lines always pair with input lines.

Exit codes: a single text exits 1 when its verdict is review or block; a corpus exits 0
once every line was judged (verdicts are in the output) and 2 if some lines were unreadable.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from aimds.cli.common import (
    EXIT_FLAGGED,
    EXIT_OK,
    EXIT_USAGE,
    cli_errors,
    err,
    fail,
    out,
    print_json,
)
from aimds.detect import DetectionResult, Detector, Kind, detector_for
from aimds.serialize import finding_to_dict

__all__ = ["register", "result_line"]

_FLAG_AT = 0.5


def result_line(record_id: Any, result: DetectionResult) -> dict[str, Any]:
    """One JSONL output line for one judged text.

    ``categories`` lists the categories with findings, as in every other JSON surface;
    ``scores`` adds the 0..1 score of each content category.
    """
    return {
        "id": record_id,
        "verdict": result.verdict.value,
        "score": result.score,
        "categories": sorted({f.category for f in result.findings}),
        "findings": [finding_to_dict(f) for f in result.findings],
        "scores": dict(result.scores),
    }


def _read_single(text: str | None, file: Path | None) -> str:
    if text is not None and file is not None:
        fail("give either TEXT or --file, not both")
    if file is not None:
        try:
            return file.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            fail(f"--file: cannot read {file}: {exc.strerror}")
    if text == "-" or text is None:
        if text is None and sys.stdin.isatty():
            fail("nothing to scan: give TEXT, --file F, --jsonl F or '-' for stdin")
        return sys.stdin.read()
    return text


def _explain(result: DetectionResult) -> None:
    if not result.findings:
        out.print("  no layer fired", highlight=False)
    for f in result.findings:
        layer = f.details.get("layer", f.stage or "-") if f.details else f.stage or "-"
        extra = ", ".join(
            f"{k}={v}" for k, v in (f.details or {}).items() if k not in {"layer", "sentence"}
        )
        span = f" at {f.span[0]}..{f.span[1]}" if f.span else ""
        out.print(
            f"  [bold]{escape(str(layer))}[/bold] -> {escape(f.rule)} "
            f"({f.severity.value}, confidence {f.confidence:.2f}){span}: {escape(f.message)}"
            + (f" [dim]({escape(extra)})[/dim]" if extra else ""),
            highlight=False,
        )
        sentence = (f.details or {}).get("sentence")
        if isinstance(sentence, dict):
            _explain_sentence(sentence, f.evidence)


def _explain_sentence(sentence: dict[str, Any], evidence: str | None) -> None:
    """The piece that fired: where it sits, its (masked) words and the features that
    raised its score. The raw text is never printed: it may hold a secret."""
    span = sentence.get("span") or ["?", "?"]
    features = ", ".join(f"{k} +{v}" for k, v in sentence.get("features", ()))
    out.print(
        f"    [bold]piece[/bold] {escape(str(sentence.get('where', '?')))} at "
        f"{span[0]}..{span[1]} (1 of {sentence.get('pieces', '?')} pieces, "
        f"decision {sentence.get('decision', '?')}): {escape(evidence or '')}",
        highlight=False,
    )
    if features:
        out.print(f"    [bold]why[/bold] {escape(features)}", highlight=False)


def _print_single(result: DetectionResult, *, as_json: bool, explain: bool) -> None:
    if as_json:
        print_json(result_line(None, result) | {"latency_us": round(result.latency_us, 1)})
        return
    out.print(
        f"{result.verdict.value.upper()}  score={result.score:.2f}  policy={result.policy}",
        highlight=False,
    )
    scored = {k: v for k, v in result.scores.items() if v > 0}
    if scored:
        out.print(
            "  " + "  ".join(f"{k}={v:.2f}" for k, v in sorted(scored.items())),
            highlight=False,
        )
    if explain:
        _explain(result)
    else:
        for f in result.findings:
            out.print(
                f"  - {escape(f.rule)} ({f.category}, {f.severity.value}): {escape(f.message)}",
                highlight=False,
            )


def _lines(handle: IO[str]) -> Iterator[tuple[int, str]]:
    yield from enumerate(handle, start=1)


def _judge_line(
    detector: Detector, number: int, line: str, field: str, kind: Kind
) -> tuple[dict[str, Any], DetectionResult | None]:
    try:
        record = json.loads(line)
    except ValueError:
        return _error_line(number, "line is not valid JSON"), None
    if not isinstance(record, dict):
        return _error_line(number, "line is not a JSON object"), None
    record_id = record.get("id", number)
    text = record.get(field)
    if not isinstance(text, str):
        return _error_line(record_id, f"field {field!r} is missing or not a string"), None
    result = detector(text, kind)
    return result_line(record_id, result), result


def _error_line(record_id: Any, reason: str) -> dict[str, Any]:
    return {
        "id": record_id,
        "verdict": "error",
        "score": None,
        "categories": [],
        "findings": [],
        "scores": {},
        "error": reason,
    }


def _scan_jsonl(
    source: Path,
    output: Path | None,
    *,
    field: str,
    kind: Kind,
    detector: Detector,
    as_json: bool,
) -> int:
    try:
        handle = source.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        fail(f"--jsonl: cannot read {source}: {exc.strerror}")
    verdicts: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    total_chars = 0
    start = time.perf_counter()
    sink_cm = output.open("w", encoding="utf-8") if output is not None else nullcontext(sys.stdout)
    size = source.stat().st_size
    progress = _progress() if err.is_terminal else None
    with handle, sink_cm as sink, progress or nullcontext():
        task = progress.add_task("scanning", total=size) if progress else None
        for number, line in _lines(handle):
            if not line.strip():
                row, result = _error_line(number, "empty line"), None
            else:
                row, result = _judge_line(detector, number, line, field, kind)
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
            verdicts[row["verdict"]] += 1
            if result is not None:
                total_chars += len(line)
                for category, score in result.scores.items():
                    if score >= _FLAG_AT:
                        categories[category] += 1
            if progress is not None and task is not None:
                progress.update(task, advance=len(line.encode("utf-8")))
    elapsed = time.perf_counter() - start
    texts = sum(verdicts.values())
    summary = {
        "texts": texts,
        "verdicts": dict(verdicts),
        "categories": dict(categories),
        "seconds": round(elapsed, 3),
        "texts_per_s": round(texts / elapsed, 1) if elapsed > 0 else None,
        "chars_per_s": round(total_chars / elapsed, 1) if elapsed > 0 else None,
    }
    if as_json and output is not None:
        print_json(summary)
    else:
        _print_summary(summary)
    return EXIT_USAGE if verdicts.get("error") else EXIT_OK


def _progress() -> Any:
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


def _print_summary(summary: dict[str, Any]) -> None:
    table = Table(title="scan summary", show_header=True, header_style="bold")
    table.add_column("what")
    table.add_column("count", justify="right")
    for verdict, count in sorted(summary["verdicts"].items()):
        table.add_row(f"verdict {verdict}", str(count))
    for category, count in sorted(summary["categories"].items()):
        table.add_row(f"category {category} (score >= {_FLAG_AT})", str(count))
    table.add_row("texts", str(summary["texts"]))
    table.add_row("texts/s", f"{summary['texts_per_s'] or 0:,.0f}")
    err.print(table)


def register(app: typer.Typer) -> None:
    """Add ``scan`` to ``app``."""

    @app.command("scan")
    def scan(
        text: Annotated[
            str | None, typer.Argument(help="Text to scan; '-' reads standard input.")
        ] = None,
        file: Annotated[
            Path | None, typer.Option("--file", "-f", help="Scan the content of this file.")
        ] = None,
        jsonl: Annotated[
            Path | None, typer.Option("--jsonl", help="Scan every line of this JSONL file.")
        ] = None,
        field: Annotated[
            str, typer.Option("--field", help="JSONL field holding the text.")
        ] = "text",
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="Write JSONL results here (default stdout)."),
        ] = None,
        kind: Annotated[
            str,
            typer.Option(
                "--kind",
                help="Event kind: prompt, completion, tool_result, message, memory_write or "
                "memory_read.",
            ),
        ] = "prompt",
        policy: Annotated[
            str | None, typer.Option("--policy", "-p", help="Pack name or policy file.")
        ] = None,
        explain: Annotated[
            bool, typer.Option("--explain", help="Show which layer fired and why.")
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Scan text for injection, jailbreak, obfuscation, secrets, PII and prompt leaks."""
        if kind not in {
            "prompt", "completion", "tool_result", "message", "memory_write", "memory_read"
        }:
            fail(
                "--kind: expected prompt, completion, tool_result, message, memory_write or "
                f"memory_read, not {kind!r}"
            )
        chosen: Kind = kind  # type: ignore[assignment]
        with cli_errors():
            detector = detector_for(policy)
            if jsonl is not None:
                if text is not None or file is not None:
                    fail("give --jsonl alone, without TEXT or --file")
                raise typer.Exit(
                    _scan_jsonl(
                        jsonl,
                        output,
                        field=field,
                        kind=chosen,
                        detector=detector,
                        as_json=as_json,
                    )
                )
            if output is not None:
                fail("--output goes with --jsonl")
            result = detector(_read_single(text, file), chosen)
            _print_single(result, as_json=as_json, explain=explain)
            raise typer.Exit(EXIT_OK if result.verdict.permits else EXIT_FLAGGED)
