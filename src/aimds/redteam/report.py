"""Turn case results into the red-team report: rates per goal and technique, latency, and
examples, as plain data (``report.json``) and Markdown (``report.md``).

Rates follow the definitions of :mod:`aimds.redteam.runner`. Examples show the payload
before its technique disguised it (readable, no invisible characters), cut to 100
characters; generated payloads carry no real secrets.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aimds.evaluation import percentile
from aimds.redteam.runner import CaseResult

__all__ = ["DEFINITIONS", "markdown", "summarize"]

DEFINITIONS = {
    "stopped": "an event whose verdict is review or block",
    "attack_success": "the attack's decisive (last) event was not stopped: allow, warn or redact",
    "false_positive": "some event of a benign control was stopped",
    "asr": "successful attacks / attacks",
    "fpr": "false positives / controls",
}

_PREVIEW = 100


def _rate(hits: int, n: int) -> float | None:
    return hits / n if n else None


def _cell(results: Sequence[CaseResult]) -> dict[str, Any]:
    attacks = [r for r in results if r.case.label == "attack"]
    controls = [r for r in results if r.case.label == "benign"]
    succeeded = sum(r.succeeded for r in attacks)
    fps = sum(r.false_positive for r in controls)
    return {
        "attacks": len(attacks),
        "succeeded": succeeded,
        "asr": _rate(succeeded, len(attacks)),
        "controls": len(controls),
        "false_positives": fps,
        "fpr": _rate(fps, len(controls)),
    }


def _preview(text: str) -> str:
    flat = "".join(c if c.isprintable() else " " for c in text)
    return flat[:_PREVIEW] + ("…" if len(flat) > _PREVIEW else "")


def _example(r: CaseResult) -> dict[str, Any]:
    decisive = r.case.decisive
    return {
        "id": r.case.id,
        "goal": r.case.goal,
        "technique": r.case.technique,
        "kind": decisive.kind.value,
        "tool": decisive.tool,
        "verdicts": [v.value for v in r.verdicts],
        "rules": list(r.rules),
        "payload": _preview(r.case.payload),
    }


def _examples(results: Iterable[CaseResult]) -> list[dict[str, Any]]:
    """Two per technique, of different goals where there are."""
    by_technique: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        by_technique[r.case.technique].append(r)
    chosen = []
    for cases in by_technique.values():
        first = cases[0]
        other = next((r for r in cases if r.case.goal != first.case.goal), None)
        if other is None and len(cases) > 1:
            other = cases[1]
        chosen += [first] if other is None else [first, other]
    return [_example(r) for r in chosen]


def summarize(
    results: Sequence[CaseResult],
    *,
    policy: str,
    seed: int,
    count: int,
    goals: Sequence[str],
    techniques: Sequence[str],
    duration_s: float,
    fail_above: float | None = None,
) -> dict[str, Any]:
    """The report as JSON-ready data. ``failed`` is true when ASR > ``fail_above``."""
    by_goal: dict[str, list[CaseResult]] = defaultdict(list)
    by_technique: dict[str, list[CaseResult]] = defaultdict(list)
    by_pair: dict[tuple[str, str], list[CaseResult]] = defaultdict(list)
    for r in results:
        by_goal[r.case.goal].append(r)
        by_technique[r.case.technique].append(r)
        by_pair[r.case.goal, r.case.technique].append(r)
    totals = _cell(results)
    latencies = [lat for r in results for lat in r.latencies_us]
    attacks = [r for r in results if r.case.label == "attack"]
    asr = totals["asr"]
    return {
        "tool": "aimds redteam",
        "policy": policy,
        "seed": seed,
        "count": count,
        "goals": list(goals),
        "techniques": list(techniques),
        "definitions": DEFINITIONS,
        "totals": totals
        | {
            "events": len(latencies),
            "caught_early": sum(1 for r in attacks if r.succeeded and r.stopped_at is not None),
        },
        "per_goal": {g: _cell(by_goal[g]) for g in goals if g in by_goal},
        "per_technique": {t: _cell(by_technique[t]) for t in techniques if t in by_technique},
        "matrix": {
            g: {t: _cell(by_pair[g, t])["asr"] for t in techniques if (g, t) in by_pair}
            for g in goals
            if g in by_goal
        },
        "decisive_verdicts": {
            label: dict(
                sorted(
                    Counter(
                        r.decisive_verdict.value for r in results if r.case.label == label
                    ).items()
                )
            )
            for label in ("attack", "benign")
        },
        "latency_us": {
            "p50": _round(percentile(latencies, 50)),
            "p99": _round(percentile(latencies, 99)),
        },
        "duration_s": round(duration_s, 2),
        "fail_above": fail_above,
        "failed": fail_above is not None and asr is not None and asr > fail_above,
        "successful_attacks": _examples(r for r in attacks if r.succeeded),
        "false_positives": _examples(r for r in results if r.false_positive),
    }


def _round(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 1)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _md(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _rows(title: str, first: str, cells: Mapping[str, Mapping[str, Any]]) -> list[str]:
    lines = [
        f"## {title}",
        "",
        f"| {first} | attacks | succeeded | ASR | controls | false positives | FPR |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, c in cells.items():
        lines.append(
            f"| {name} | {c['attacks']} | {c['succeeded']} | {_pct(c['asr'])} | "
            f"{c['controls']} | {c['false_positives']} | {_pct(c['fpr'])} |"
        )
    return [*lines, ""]


def _example_rows(title: str, examples: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = [f"## {title}", ""]
    if not examples:
        return [*lines, "None.", ""]
    lines += ["| case | verdicts | rules | payload (before the technique) |", "|---|---|---|---|"]
    for e in examples:
        lines.append(
            f"| `{e['id']}` | {' → '.join(e['verdicts'])} | "
            f"{_md(', '.join(e['rules'])) or '-'} | {_md(e['payload'])} |"
        )
    return [*lines, ""]


def markdown(report: Mapping[str, Any], *, chart: str | None = "chart.svg") -> str:
    """``report`` as Markdown; ``chart`` is the file name of the SVG to show, if any."""
    t = report["totals"]
    lat = report["latency_us"]
    verdict = (
        f"**FAILED**: ASR {_pct(t['asr'])} is above --fail-above {report['fail_above']}"
        if report["failed"]
        else (
            f"passed: ASR {_pct(t['asr'])} is at most --fail-above {report['fail_above']}"
            if report["fail_above"] is not None
            else "no --fail-above threshold set"
        )
    )
    lines = [
        f"# AIMDS red-team report: policy `{report['policy']}`",
        "",
        f"- seed {report['seed']}, {report['count']} attacks and {report['count']} controls "
        f"per goal × technique; {t['attacks']} attacks, {t['controls']} controls, "
        f"{t['events']} events in {report['duration_s']} s",
        f"- **attack success rate {_pct(t['asr'])}** ({t['succeeded']}/{t['attacks']}), "
        f"**false-positive rate {_pct(t['fpr'])}** ({t['false_positives']}/{t['controls']})",
        f"- latency per event: p50 {lat['p50']} µs, p99 {lat['p99']} µs",
        f"- {verdict}",
        "",
        "An attack succeeds when its decisive (last) event gets allow, warn or redact; a "
        "control is a false positive when any of its events gets review or block.",
        "",
    ]
    if chart:
        lines += [f"![ASR and FPR per technique and goal]({chart})", ""]
    lines += _rows("By technique", "technique", report["per_technique"])
    lines += _rows("By goal", "goal", report["per_goal"])
    techniques = [t for t in report["techniques"] if t in report["per_technique"]]
    lines += [
        "## Attack success rate, goal × technique",
        "",
        "| goal | " + " | ".join(techniques) + " |",
        "|---|" + "---:|" * len(techniques),
    ]
    for goal, row in report["matrix"].items():
        cells = ["n/a" if row.get(t) is None else f"{row[t]:.0%}" for t in techniques]
        lines.append(f"| {goal} | " + " | ".join(cells) + " |")
    lines.append("")
    lines += _example_rows("Attacks that got through (examples)", report["successful_attacks"])
    lines += _example_rows("False positives (examples)", report["false_positives"])
    return "\n".join(lines)
