"""``aimds eval``: measure the detectors on a labelled JSONL corpus.

``--task detection`` (default): records carry a text, a 0/1 label and a category. Reports
TPR, FPR, precision, recall and F1 of the decision (a finding of the scored categories that
asks for warn or more, or score >= ``--threshold``), ROC-AUC and TPR at 1 % / 5 % FPR of the
score (the highest of the ``--score`` categories: injection, jailbreak and prompt_leak by
default), TPR per attack category, FPR per benign category, latency percentiles and the
worst false positives and negatives. Where the records carry them, tables per ``source``
(``--source-field``) and per ``category`` give each group's count, TPR on its attacks and
FPR on its benign records.

``--loso FILE`` adds the leave-one-source-out table that ``scripts/loso.py`` writes (a JSON
list of rows ``{source, attacks, tpr, fpr, benign_hard_fpr, ...}``, or its ``folds`` object);
without ``--jsonl`` only that table is shown. Missing keys show as ``n/a``.

``--task sensitive``: records carry ``spans`` with types (``sensitive_dev.jsonl``). Reports
record-level precision and recall of secret and of PII findings separately, and per-type
recall (a span counts as found when a finding of its family overlaps it).

Previews of texts are cut to 80 characters with secret and PII findings masked, and
printed escaped: a report never carries full texts or the sensitive values.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from aimds.cli.common import EXIT_OK, cli_errors, err, fail, out, print_json
from aimds.detect import DetectionResult, Detector, Kind, detector_for
from aimds.evaluation import (
    LOSO_COLUMNS,
    by_group,
    confusion,
    loso_table,
    percentile,
    roc_auc,
    roc_curve,
    tpr_at_fpr,
)
from aimds.types import Severity, Verdict

__all__ = ["register", "roc_figure", "safe_preview"]

_PREVIEW = 80
_WORST = 10
_PII_TYPES = frozenset(
    {
        "email",
        "phone",
        "us_ssn",
        "credit_card",
        "iban",
        "ipv4",
        "ipv6",
        "date_of_birth",
        "street_address",
    }
)
_MASKED = frozenset({"secret", "pii"})


def safe_preview(text: str, result: DetectionResult) -> str:
    """At most 80 characters of ``text`` with secret/PII finding spans masked and control
    characters replaced: safe to print in a report."""
    chars = list(text[: _PREVIEW * 2])
    for f in result.findings:
        if f.category in _MASKED and f.span is not None:
            for i in range(f.span[0], min(f.span[1], len(chars))):
                chars[i] = "*"
    flat = "".join(c if c.isprintable() else " " for c in chars)
    return flat[:_PREVIEW] + ("…" if len(text) > _PREVIEW else "")


def _records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        handle = path.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        fail(f"--jsonl: cannot read {path}: {exc.strerror}")
    rows: list[tuple[int, dict[str, Any]]] = []
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                fail(f"--jsonl: line {number} is not valid JSON")
            if not isinstance(record, dict):
                fail(f"--jsonl: line {number} is not a JSON object")
            rows.append((number, record))
    return rows


def _num(value: float) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else round(value, 4)


def _clean(data: Any) -> Any:
    if isinstance(data, float):
        return _num(data)
    if isinstance(data, dict):
        return {k: _clean(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_clean(v) for v in data]
    return data


def _detection_report(
    rows: list[tuple[int, dict[str, Any]]],
    detector: Detector,
    *,
    kind: Kind,
    text_field: str,
    label_field: str,
    category_field: str,
    source_field: str,
    score_categories: list[str],
    threshold: float | None,
) -> tuple[dict[str, Any], tuple[list[float], list[float]]]:
    labels: list[bool] = []
    sources: list[str | None] = []
    given_cats: list[str | None] = []
    scores: list[float] = []
    flags: list[bool] = []
    cats: list[str] = []
    latencies: list[float] = []
    cases: list[dict[str, Any]] = []
    for number, record in rows:
        text = record.get(text_field)
        label = record.get(label_field)
        if not isinstance(text, str) or label not in (0, 1, True, False):
            fail(f"--jsonl: line {number} lacks a string {text_field!r} or a 0/1 {label_field!r}")
        result = detector(text, kind)
        score = max((result.scores.get(c, 0.0) for c in score_categories), default=0.0)
        flag = score >= threshold if threshold is not None else _flagged(result, score_categories)
        labels.append(bool(label))
        scores.append(score)
        flags.append(flag)
        cats.append(str(record.get(category_field, "attack" if label else "benign")))
        sources.append(_group(record.get(source_field)))
        given_cats.append(_group(record.get(category_field)))
        latencies.append(result.latency_us)
        cases.append(
            {
                "id": record.get("id", number),
                "score": round(score, 4),
                "verdict": result.verdict.value,
                "rules": sorted({f.rule for f in result.findings}),
                "preview": safe_preview(text, result),
            }
        )
    overall = confusion(labels, flags)
    per_category: dict[str, dict[str, Any]] = {}
    grouped: dict[str, list[int]] = defaultdict(list)
    for i, cat in enumerate(cats):
        grouped[cat].append(i)
    for cat, idx in sorted(grouped.items()):
        attack = sum(labels[i] for i in idx) * 2 >= len(idx)
        hits = sum(flags[i] for i in idx)
        per_category[cat] = {
            "n": len(idx),
            "kind": "attack" if attack else "benign",
            "tpr" if attack else "fpr": hits / len(idx),
        }
    fps = sorted(
        (c for c, lab, fl in zip(cases, labels, flags, strict=True) if not lab and fl),
        key=lambda c: -c["score"],
    )
    fns = sorted(
        (c for c, lab, fl in zip(cases, labels, flags, strict=True) if lab and not fl),
        key=lambda c: c["score"],
    )
    tpr1, t1 = tpr_at_fpr(labels, scores, 0.01)
    tpr5, t5 = tpr_at_fpr(labels, scores, 0.05)
    fprs, tprs, _ = roc_curve(labels, scores)
    report = {
        "task": "detection",
        "policy": detector.policy,
        "kind": kind,
        "records": len(rows),
        "score": score_categories,
        "decision": f"score >= {threshold}"
        if threshold is not None
        else "a finding of the scored categories asks for warn or more",
        "overall": overall.as_dict(),
        "roc_auc": roc_auc(labels, scores),
        "tpr_at_fpr_1pct": {"tpr": tpr1, "threshold": t1},
        "tpr_at_fpr_5pct": {"tpr": tpr5, "threshold": t5},
        "latency_us": {"p50": percentile(latencies, 50), "p99": percentile(latencies, 99)},
        "categories": per_category,
        "per_source": _groups(sources, labels, flags),
        "per_category": _groups(given_cats, labels, flags),
        "worst_false_positives": fps[:_WORST],
        "worst_false_negatives": fns[:_WORST],
    }
    return report, (fprs, tprs)


def _group(value: Any) -> str | None:
    """A record's group name (source, category): strings and numbers, else none."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _groups(
    groups: list[str | None], labels: list[bool], flags: list[bool]
) -> dict[str, dict[str, float | int]]:
    return {g: rates.as_dict() for g, rates in by_group(groups, labels, flags).items()}


def _flagged(result: DetectionResult, categories: list[str]) -> bool:
    """Whether a finding of the scored categories asks for more than allow.

    Only those categories count: a PII finding in a WHOIS record is not an injection
    alarm, so it must not count as a false positive of the injection detector.
    """
    wanted = set(categories)
    return any(
        f.category in wanted
        and (f.action > Verdict.ALLOW if f.action is not None else f.severity >= Severity.MEDIUM)
        for f in result.findings
    )


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _sensitive_report(
    rows: list[tuple[int, dict[str, Any]]], detector: Detector, *, kind: Kind, text_field: str
) -> dict[str, Any]:
    truth: dict[str, list[bool]] = {"secret": [], "pii": [], "any": []}
    found: dict[str, list[bool]] = {"secret": [], "pii": [], "any": []}
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    latencies: list[float] = []
    for number, record in rows:
        text = record.get(text_field)
        spans = record.get("spans", [])
        if not isinstance(text, str) or not isinstance(spans, list):
            fail(f"--jsonl: line {number} lacks a string {text_field!r} or a 'spans' list")
        result = detector(text, kind)
        latencies.append(result.latency_us)
        families = {
            "pii" if str(s.get("type")) in _PII_TYPES else "secret"
            for s in spans
            if isinstance(s, dict)
        }
        hit = {f.category for f in result.findings if f.category in _MASKED}
        for family in ("secret", "pii"):
            truth[family].append(family in families)
            found[family].append(family in hit)
        truth["any"].append(bool(families))
        found["any"].append(bool(hit))
        for s in spans:
            if not isinstance(s, dict):
                continue
            family = "pii" if str(s.get("type")) in _PII_TYPES else "secret"
            span = (int(s.get("start", 0)), int(s.get("end", 0)))
            counts = per_type[str(s.get("type"))]
            counts[1] += 1
            if any(
                f.category == family and f.span is not None and _overlaps(f.span, span)
                for f in result.findings
            ):
                counts[0] += 1
    return {
        "task": "sensitive",
        "policy": detector.policy,
        "records": len(rows),
        "record_level": {k: confusion(truth[k], found[k]).as_dict() for k in truth},
        "per_type_recall": {
            t: {"found": c[0], "total": c[1], "recall": c[0] / c[1] if c[1] else math.nan}
            for t, c in sorted(per_type.items())
        },
        "latency_us": {"p50": percentile(latencies, 50), "p99": percentile(latencies, 99)},
    }


def _markdown(report: dict[str, Any]) -> str:
    lines = [f"# AIMDS evaluation ({report['task']})", ""]
    if report["task"] == "loso":
        return "\n".join(lines + _loso_lines(report["leave_one_source_out"]) + [""])
    lines.append(f"- policy: `{report['policy']}`, records: {report['records']}")
    if report["task"] == "detection":
        o = report["overall"]
        lines += [
            f"- decision: {report['decision']}; score: max of {', '.join(report['score'])}",
            "",
            "| TPR | FPR | precision | recall | F1 | ROC-AUC | TPR@1%FPR | TPR@5%FPR |",
            "|---|---|---|---|---|---|---|---|",
            "| "
            + " | ".join(
                _fmt(v)
                for v in (
                    o["tpr"],
                    o["fpr"],
                    o["precision"],
                    o["recall"],
                    o["f1"],
                    report["roc_auc"],
                    report["tpr_at_fpr_1pct"]["tpr"],
                    report["tpr_at_fpr_5pct"]["tpr"],
                )
            )
            + " |",
            "",
            "| category | n | kind | rate |",
            "|---|---|---|---|",
        ]
        for cat, row in report["categories"].items():
            rate = row.get("tpr", row.get("fpr"))
            name = "TPR" if "tpr" in row else "FPR"
            lines.append(f"| {cat} | {row['n']} | {row['kind']} | {name} {_fmt(rate)} |")
        for title, key in (("Per source", "per_source"), ("Per category", "per_category")):
            lines += _group_lines(title, report.get(key) or {})
        for title, key in (
            ("Worst false positives", "worst_false_positives"),
            ("Worst false negatives", "worst_false_negatives"),
        ):
            lines += [
                "",
                f"## {title}",
                "",
                "| id | score | rules | preview |",
                "|---|---|---|---|",
            ]
            for c in report[key]:
                preview = c["preview"].replace("|", "\\|")
                lines.append(f"| {c['id']} | {c['score']} | {', '.join(c['rules'])} | {preview} |")
    else:
        lines += ["", "| family | precision | recall | F1 |", "|---|---|---|---|"]
        for family, row in report["record_level"].items():
            lines.append(
                f"| {family} | {_fmt(row['precision'])} | {_fmt(row['recall'])} "
                f"| {_fmt(row['f1'])} |"
            )
        lines += ["", "| type | recall | found/total |", "|---|---|---|"]
        for t, row in report["per_type_recall"].items():
            lines.append(f"| {t} | {_fmt(row['recall'])} | {row['found']}/{row['total']} |")
    lat = report["latency_us"]
    lines += ["", f"Latency: p50 {_fmt(lat['p50'])} µs, p99 {_fmt(lat['p99'])} µs", ""]
    if report.get("leave_one_source_out"):
        lines += _loso_lines(report["leave_one_source_out"])[1:] + [""]
    return "\n".join(lines)


def _printable(value: Any) -> str:
    return "".join(c if c.isprintable() else " " for c in str(value))


def _cell(value: Any) -> str:
    """A markdown table cell: control characters dropped, ``|`` escaped."""
    return _printable(value).replace("|", "\\|")


def _group_lines(title: str, groups: dict[str, dict[str, Any]]) -> list[str]:
    if not groups:
        return []
    lines = ["", f"## {title}", "", "| group | n | attacks | TPR | benign | FPR |"]
    lines.append("|---|---|---|---|---|---|")
    for name, g in groups.items():
        lines.append(
            f"| {_cell(name)} | {g['n']} | {g['attacks']} | {_fmt(g['tpr'])} "
            f"| {g['benign']} | {_fmt(g['fpr'])} |"
        )
    return lines


def _loso_lines(loso: dict[str, Any]) -> list[str]:
    header = " | ".join(_LOSO_HEADERS[c] for c in LOSO_COLUMNS)
    lines = ["", "## Leave one source out", "", f"| held-out source | {header} |"]
    lines.append("|---" * (len(LOSO_COLUMNS) + 1) + "|")
    for row in loso["rows"]:
        cells = " | ".join(_fmt(row.get(c)) for c in LOSO_COLUMNS)
        lines.append(f"| {_cell(row['source'])} | {cells} |")
    pooled = loso.get("pooled")
    if pooled:
        cells = " | ".join(_fmt(pooled.get(c)) for c in LOSO_COLUMNS)
        lines.append(f"| **pooled** | {cells} |")
    return lines


_LOSO_HEADERS = {
    "attacks": "attacks",
    "tpr": "TPR",
    "benign": "benign",
    "fpr": "FPR",
    "benign_hard": "benign_hard",
    "benign_hard_fpr": "benign_hard FPR",
}


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _fpr_floor(fprs: list[float]) -> float:
    """The left edge of the log FPR axis: a decade below the smallest non-zero rate."""
    positive = [f for f in fprs if f > 0]
    return max(min(positive) / 10, 1e-5) if positive else 1e-3


def _plot(path: Path, fprs: list[float], tprs: list[float], auc: float, title: str) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig = roc_figure(fprs, tprs, auc, title)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return True


def roc_figure(fprs: list[float], tprs: list[float], auc: float, title: str) -> Any:
    """The ROC curve as a matplotlib figure (log FPR axis, titled); needs matplotlib."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 5))
    # A guard runs at low false-positive rates: a log axis shows 0.1 % to 10 %, where the
    # operating points are, instead of squeezing them against the left edge.
    floor = _fpr_floor(fprs)
    shown = [(max(f, floor), t) for f, t in zip(fprs, tprs, strict=True)]
    ax.plot([f for f, _ in shown], [t for _, t in shown],
            label=f"AUC {auc:.3f}" if not math.isnan(auc) else "ROC")
    ax.set_xscale("log")
    ax.set_xlim(floor, 1.0)
    ax.set_ylim(0.0, 1.01)
    ax.set_xlabel("false positive rate (log scale)")
    ax.set_ylabel("true positive rate")
    ax.set_title(title)
    ax.grid(True, which="both", linewidth=0.3)
    ax.legend(loc="lower right")
    return fig


def _roc_title(report: dict[str, Any]) -> str:
    corpus = report.get("corpus", "the corpus")
    policy = str(report.get("policy") or "the guard").split("+")[0]
    return (f"ROC: {policy} on {corpus} ({report.get('records', '?')} {report.get('kind', '')} "
            f"texts, scored {'+'.join(report.get('score') or [])})")


def _print_report(report: dict[str, Any]) -> None:
    if report["task"] == "loso":
        _print_loso(report["leave_one_source_out"])
        return
    table = Table(title=f"aimds eval ({report['task']})", header_style="bold")
    table.add_column("metric")
    table.add_column("value", justify="right")
    if report["task"] == "detection":
        for key, value in report["overall"].items():
            table.add_row(key, _fmt(value))
        table.add_row("roc_auc", _fmt(report["roc_auc"]))
        table.add_row("tpr@1%fpr", _fmt(report["tpr_at_fpr_1pct"]["tpr"]))
        table.add_row("tpr@5%fpr", _fmt(report["tpr_at_fpr_5pct"]["tpr"]))
        for cat, row in report["categories"].items():
            name = "tpr" if "tpr" in row else "fpr"
            table.add_row(f"{escape(cat)} {name} (n={row['n']})", _fmt(row[name]))
    else:
        for family, row in report["record_level"].items():
            table.add_row(f"{family} precision", _fmt(row["precision"]))
            table.add_row(f"{family} recall", _fmt(row["recall"]))
    table.add_row("latency p50 µs", _fmt(report["latency_us"]["p50"]))
    table.add_row("latency p99 µs", _fmt(report["latency_us"]["p99"]))
    out.print(table)
    for title, key in (("per source", "per_source"), ("per category", "per_category")):
        if report.get(key):
            _print_groups(title, report[key])
    if report.get("leave_one_source_out"):
        _print_loso(report["leave_one_source_out"])
    for key in ("worst_false_positives", "worst_false_negatives"):
        for c in report.get(key, [])[:5]:
            out.print(
                f"{key[6:]}: {escape(str(c['id']))} score={c['score']} {escape(c['preview'])}",
                highlight=False,
                markup=True,
            )


def _print_groups(title: str, groups: dict[str, dict[str, Any]]) -> None:
    table = Table(title=title, header_style="bold")
    table.add_column("group")
    for name in ("n", "attacks", "TPR", "benign", "FPR"):
        table.add_column(name, justify="right")
    for name, g in groups.items():
        table.add_row(
            escape(_printable(name)),
            str(g["n"]),
            str(g["attacks"]),
            _fmt(g["tpr"]),
            str(g["benign"]),
            _fmt(g["fpr"]),
        )
    out.print(table)


def _print_loso(loso: dict[str, Any]) -> None:
    table = Table(title="leave one source out", header_style="bold")
    table.add_column("held-out source", overflow="fold")
    for column in LOSO_COLUMNS:
        table.add_column(_LOSO_HEADERS[column], justify="right")
    for row in loso["rows"]:
        table.add_row(escape(_printable(row["source"])), *(_fmt(row.get(c)) for c in LOSO_COLUMNS))
    pooled = loso.get("pooled")
    if pooled:
        table.add_row("pooled", *(_fmt(pooled.get(c)) for c in LOSO_COLUMNS), style="bold")
    out.print(table)


def _read_loso(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except OSError as exc:
        fail(f"--loso: cannot read {path}: {exc.strerror}")
    except ValueError:
        fail(f"--loso: {path} is not valid JSON")
    try:
        rows, pooled = loso_table(data)
    except ValueError as exc:
        fail(f"--loso: {exc}")
    return {"rows": rows, "pooled": pooled}


def register(app: typer.Typer) -> None:
    """Add ``eval`` to ``app``."""

    @app.command("eval")
    def eval_cmd(
        jsonl: Annotated[
            Path | None, typer.Option("--jsonl", help="Labelled JSONL corpus.")
        ] = None,
        task: Annotated[
            str, typer.Option("--task", help="detection (label/category) or sensitive (spans).")
        ] = "detection",
        text_field: Annotated[str, typer.Option("--text-field")] = "text",
        label_field: Annotated[str, typer.Option("--label-field")] = "label",
        category_field: Annotated[str, typer.Option("--category-field")] = "category",
        source_field: Annotated[str, typer.Option("--source-field")] = "source",
        kind: Annotated[str, typer.Option("--kind", help="Event kind of every text.")] = "prompt",
        policy: Annotated[
            str | None, typer.Option("--policy", "-p", help="Pack name or policy file.")
        ] = None,
        score: Annotated[
            list[str] | None,
            typer.Option("--score", help="Category whose score counts (repeatable)."),
        ] = None,
        threshold: Annotated[
            float | None,
            typer.Option("--threshold", help="Flag when score >= this, not by verdict."),
        ] = None,
        limit: Annotated[
            int | None, typer.Option("--limit", help="Only the first N records.")
        ] = None,
        out_dir: Annotated[
            Path | None,
            typer.Option(
                "--out-dir",
                help="Write report.md, report.json and roc.png here (default: "
                "./aimds-eval/CORPUS_NAME).",
            ),
        ] = None,
        loso: Annotated[
            Path | None,
            typer.Option("--loso", help="Leave-one-source-out JSON (scripts/loso.py) to show."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    ) -> None:
        """Measure detection quality and latency on a labelled JSONL corpus."""
        if jsonl is None and loso is None:
            fail("give --jsonl (a labelled corpus), --loso (a leave-one-source-out table) or both")
        if task not in {"detection", "sensitive"}:
            fail(f"--task: expected detection or sensitive, not {task!r}")
        if kind not in {"prompt", "completion", "tool_result", "message"}:
            fail(f"--kind: expected prompt, completion, tool_result or message, not {kind!r}")
        chosen: Kind = kind  # type: ignore[assignment]
        if out_dir is None:
            out_dir = Path("aimds-eval") / (jsonl.stem if jsonl is not None else "loso")
        held_out = _read_loso(loso) if loso is not None else None
        if jsonl is None:
            report: dict[str, Any] = _clean({"task": "loso", "leave_one_source_out": held_out})
            _emit(report, None, out_dir=out_dir, as_json=as_json)
            raise typer.Exit(EXIT_OK)
        with cli_errors():
            detector = detector_for(policy)
            rows = _records(jsonl)
            if limit is not None:
                rows = rows[: max(limit, 0)]
            if not rows:
                fail("--jsonl: no records to evaluate")
            roc: tuple[list[float], list[float]] | None = None
            if task == "detection":
                report, roc = _detection_report(
                    rows,
                    detector,
                    kind=chosen,
                    text_field=text_field,
                    label_field=label_field,
                    category_field=category_field,
                    source_field=source_field,
                    score_categories=score or ["injection", "jailbreak", "prompt_leak"],
                    threshold=threshold,
                )
            else:
                report = _sensitive_report(rows, detector, kind=chosen, text_field=text_field)
            report["corpus"] = jsonl.name
            if held_out is not None:
                report["leave_one_source_out"] = held_out
            _emit(_clean(report), roc, out_dir=out_dir, as_json=as_json)
        raise typer.Exit(EXIT_OK)


def _emit(
    report: dict[str, Any],
    roc: tuple[list[float], list[float]] | None,
    *,
    out_dir: Path | None,
    as_json: bool,
) -> None:
    if out_dir is not None:
        _write(out_dir, report, roc)
        err.print(f"report written to {out_dir}/ (report.md, report.json"
                  + (", roc.png)" if roc is not None else ")"), highlight=False)
    if as_json:
        print_json(report)
    else:
        _print_report(report)


def _write(
    out_dir: Path, report: dict[str, Any], roc: tuple[list[float], list[float]] | None
) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "report.json").write_text(json.dumps(report, indent=2) + "\n")
        (out_dir / "report.md").write_text(_markdown(report))
    except OSError as exc:
        fail(f"--out-dir: cannot write to {out_dir}: {exc.strerror}")
    if roc is not None:
        auc = report.get("roc_auc")
        plotted = _plot(out_dir / "roc.png", roc[0], roc[1], auc if auc is not None else math.nan,
                        _roc_title(report))
        if not plotted:
            out.print("matplotlib is not installed: roc.png skipped (pip install 'aimds[eval]')")
