"""Learning measured: does feeding confirmed attacks back teach the guard their family?

For each attack family of the red-team generators (one goal, one technique, one wording,
many surface variants: :func:`aimds.redteam.families`), and for k = 1, 5, 20:

1. a fresh guard of the policy checks k variants of the family and each decision is fed
   back with ``guard.feedback(decision.id, label="attack")`` (the attack memory keeps it);
2. the guard then checks 20 variants it has never seen (the same 20 for every k) and the
   family's benign controls (the same technique, harmless payloads).

Reported per k, over all families: recall on the unseen variants (the share stopped:
review or block, as in ``aimds redteam``) before feedback and after, the share of unseen
variants recalled by the memory (finding ``memory.similar``), and the false-positive rate
of the controls before and after (with the controls newly stopped after feedback).

Run: ``python -m benchmarks.bench_learning [--policy P] [--memory-on] [--quick]``. Exits 2
with a message when the guard has no ``feedback`` (the attack memory is not in this build)
or the policy keeps the memory off (``--memory-on`` turns it on over the policy).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from aimds.errors import AimdsError
from aimds.guard import Guard
from aimds.redteam import GOALS, Family, families
from aimds.redteam.runner import CaseResult, run_case
from benchmarks.harness import Result

RESULTS = Path(__file__).resolve().parent / "results"
TENANT = "bench-learning"
KS = (1, 5, 20)
TRAIN = 20  # variants 0..19 may be fed back; 20.. are never seen
TEST = 20
TECHNIQUES = (
    "plain",
    "roleplay",
    "payload_split",
    "homoglyph",
    "invisible",
    "email",
    "web_page",
    "json",
)
QUICK_TECHNIQUES = ("plain", "homoglyph", "email")


_MISSING = (
    "this build's Guard has no feedback(): the attack memory (issue 15, items 2-3) is not "
    "merged yet, nothing to measure"
)


class NoFeedback(Exception):
    """The guard cannot take feedback; the message says why."""


@dataclass(frozen=True, slots=True)
class Measure:
    recall: float
    memory_hits: float
    fpr: float
    stopped_controls: frozenset[str]
    latencies_us: tuple[float, ...]


def _memory_on(policy: str) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "name": "bench-learning",
        "version": "1",
        "extends": policy,
        "attack_memory": {"enabled": True},
    }


def _guard(policy: str, memory_on: bool) -> Guard:
    return Guard(_memory_on(policy) if memory_on else policy)


def _measure(guard: Guard, family: Family) -> Measure:
    unseen = [run_case(guard, c, tenant=TENANT) for c in family.attacks[TRAIN : TRAIN + TEST]]
    controls = [run_case(guard, c, tenant=TENANT) for c in family.controls]
    stopped = frozenset(r.case.id for r in controls if r.false_positive)
    results: list[CaseResult] = unseen + controls
    return Measure(
        recall=sum(not r.succeeded for r in unseen) / len(unseen),
        memory_hits=sum("memory.similar" in r.rules for r in unseen) / len(unseen),
        fpr=len(stopped) / len(controls),
        stopped_controls=stopped,
        latencies_us=tuple(lat for r in results for lat in r.latencies_us),
    )


def _teach(guard: Guard, family: Family, k: int) -> None:
    feedback = getattr(guard, "feedback", None)
    if feedback is None:
        raise NoFeedback(_MISSING)
    for case in family.attacks[:k]:
        decision_id = run_case(guard, case, tenant=TENANT).decision_ids[-1]
        try:
            feedback(decision_id, label="attack")
        except AimdsError as exc:
            raise NoFeedback(
                f"feedback failed ({type(exc).__name__}: {exc}); if the policy "
                "keeps the attack memory off, pass --memory-on"
            ) from None


def _pick(
    seed: int, techniques: Sequence[str], per_cell: int, size: int, controls: int
) -> list[Family]:
    """``per_cell`` wordings for each goal × technique, rotated so that not every cell
    starts with its first (often most explicit) wording."""
    chosen = []
    for gi, goal in enumerate(GOALS):
        for ti, technique in enumerate(techniques):
            cell = list(
                families(
                    seed=seed, goals=[goal], techniques=[technique], size=size, controls=controls
                )
            )
            chosen += [cell[(gi + ti + j) % len(cell)] for j in range(per_cell)]
    return chosen


def evaluate(
    policy: str, *, memory_on: bool, quick: bool, seed: int = 0, ks: Sequence[int] = KS
) -> dict[str, Any]:
    """The benchmark's numbers (raises :class:`NoFeedback`)."""
    techniques = QUICK_TECHNIQUES if quick else TECHNIQUES
    fams = _pick(seed, techniques, per_cell=1, size=TRAIN + TEST, controls=10 if quick else 20)
    rows: dict[int, list[tuple[Family, Measure, Measure]]] = {k: [] for k in ks}
    start = time.perf_counter()
    for family in fams:
        before = _measure(_guard(policy, memory_on), family)
        for k in ks:
            guard = _guard(policy, memory_on)
            _teach(guard, family, k)
            rows[k].append((family, before, _measure(guard, family)))
            guard.close()
    summary = []
    for k, triples in rows.items():
        n_controls = sum(len(f.controls) for f, _, _ in triples)
        new_fps = sum(len(after.stopped_controls - b.stopped_controls) for _, b, after in triples)
        lat = sorted(x for _, _, after in triples for x in after.latencies_us)
        summary.append(
            {
                "k": k,
                "families": len(triples),
                "recall_before": statistics.fmean(b.recall for _, b, _ in triples),
                "recall_after": statistics.fmean(a.recall for _, _, a in triples),
                "memory_hits_after": statistics.fmean(a.memory_hits for _, _, a in triples),
                "fpr_before": statistics.fmean(b.fpr for _, b, _ in triples),
                "fpr_after": statistics.fmean(a.fpr for _, _, a in triples),
                "new_false_positives": new_fps,
                "controls": n_controls,
                "p50_us": lat[len(lat) // 2],
                "p99_us": lat[min(len(lat) - 1, len(lat) * 99 // 100)],
            }
        )
    per_family = [
        {
            "family": f.name,
            "k": k,
            "recall_before": b.recall,
            "recall_after": a.recall,
            "memory_hits": a.memory_hits,
            "fpr_before": b.fpr,
            "fpr_after": a.fpr,
        }
        for k, triples in rows.items()
        for f, b, a in triples
    ]
    return {
        "policy": policy,
        "memory_on": memory_on,
        "seed": seed,
        "train_pool": TRAIN,
        "unseen": TEST,
        "techniques": list(techniques),
        "summary": summary,
        "per_family": per_family,
        "duration_s": round(time.perf_counter() - start, 1),
    }


def _print(report: dict[str, Any], console: Console) -> None:
    table = Table(
        title=f"learning from feedback: policy {report['policy']} "
        f"({report['summary'][0]['families']} families, {report['unseen']} "
        "unseen variants each)"
    )
    for col in (
        "k",
        "recall before",
        "recall after",
        "memory hits",
        "FPR before",
        "FPR after",
        "new FPs",
        "p50 µs",
        "p99 µs",
    ):
        table.add_column(col, justify="right")
    for row in report["summary"]:
        table.add_row(
            str(row["k"]),
            f"{row['recall_before']:.1%}",
            f"{row['recall_after']:.1%}",
            f"{row['memory_hits_after']:.1%}",
            f"{row['fpr_before']:.1%}",
            f"{row['fpr_after']:.1%}",
            f"{row['new_false_positives']}/{row['controls']}",
            f"{row['p50_us']:.0f}",
            f"{row['p99_us']:.0f}",
        )
    console.print(table)
    console.print(f"{report['duration_s']} s", highlight=False)


def run(quick: bool) -> list[Result]:
    """For ``python -m benchmarks.run``: one result per k (latency of the checks after
    feedback; the rates in ``extra``). Empty, with a note, when feedback is missing."""
    if not hasattr(Guard, "feedback"):
        print(f"bench_learning skipped: {_MISSING}", file=sys.stderr)
        return []
    try:
        report = evaluate("default", memory_on=True, quick=quick)
    except (NoFeedback, AimdsError) as exc:
        print(f"bench_learning skipped: {exc}", file=sys.stderr)
        return []
    return [
        Result(
            name=f"learning k={row['k']}",
            n=row["families"] * report["unseen"],
            p50_us=row["p50_us"],
            p99_us=row["p99_us"],
            mean_us=float("nan"),
            ops_per_s=float("nan"),
            extra={
                key: row[key]
                for key in (
                    "recall_before",
                    "recall_after",
                    "memory_hits_after",
                    "fpr_before",
                    "fpr_after",
                    "new_false_positives",
                )
            },
        )
        for row in report["summary"]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policy", default="default", help="pack name or policy file")
    parser.add_argument(
        "--memory-on",
        action="store_true",
        help="turn the attack memory on over the policy (attack_memory.enabled)",
    )
    parser.add_argument("--quick", action="store_true", help="3 techniques instead of 8")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    if not hasattr(Guard, "feedback"):
        console.print(f"[red]error:[/red] {_MISSING}", highlight=False)
        return 2
    try:
        report = evaluate(args.policy, memory_on=args.memory_on, quick=args.quick, seed=args.seed)
    except NoFeedback as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        return 2
    except AimdsError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        return 2
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_learning.json").write_text(json.dumps(report, indent=2) + "\n")
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
    else:
        _print(report, Console())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
