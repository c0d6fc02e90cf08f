"""Hard-negative report for the injection held-out sets (issue 11), both sets and halves.

    PYTHONPATH=src python scripts/hardneg_eval.py [--half tune|holdout|both] [--json]
    PYTHONPATH=src python scripts/hardneg_eval.py --half tune --rules [--show]

Per set and half, the share flagged (any verdict but allow, as ``aimds scan`` sees it) for
all attacks, each attack slice, the hard negatives and the plain benign items; and the hard
negatives once more with secret-only flags set aside (``secret.jwt`` redacts tokens in the
tune hard negatives on purpose: that part is not an injection false positive).

``--rules`` counts which rule ids fire on the flagged benign items and ``--show`` prints
them with their findings; both refuse the holdout half, which is for aggregated reporting
only (benchmarks/heldout/README.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import aimds
from aimds.types import Decision, Event, EventKind, Subject

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "benchmarks" / "heldout"
SETS = ("injection_v1", "injection_v2")
ATTACK_SLICES = ("direct", "jailbreak", "prompt_leak", "indirect", "obfuscated")


def _decide(guard: aimds.Guard, n: int, row: dict[str, Any]) -> Decision:
    # a fresh agent and session per text, as scripts/heldout_eval.py does
    who = Subject(tenant="eval", agent=f"heldout-{n}", session=f"heldout-{n}")
    if row["kind"] == "tool_result":
        event = Event(kind=EventKind.TOOL_RESULT, subject=who, tool="fetch", text=row["text"])
    else:
        event = Event(kind=EventKind.PROMPT, subject=who, text=row["text"])
    return guard.check(event)


def _secret_only(decision: Decision) -> bool:
    return bool(decision.findings) and all(f.rule.startswith("secret.") for f in decision.findings)


def measure(name: str, half: str, rules: bool = False, show: bool = False) -> dict[str, Any]:
    rows = [json.loads(line) for line in (HELDOUT / name / f"{half}.jsonl").open()]
    guard = aimds.Guard()
    n_by: Counter[str] = Counter()
    hit_by: Counter[str] = Counter()
    secret_only = 0
    fired: Counter[str] = Counter()
    for n, row in enumerate(rows):
        decision = _decide(guard, n, row)
        flagged = decision.verdict.value != "allow"
        group = row["slice"] if row["slice"] != "benign_data" and row["slice"] != "benign_prompt" \
            else "benign"
        for key in (group, "attacks" if row["label"] == "attack" else "all_benign"):
            n_by[key] += 1
            hit_by[key] += flagged
        if row["slice"] == "hard_negative" and flagged and _secret_only(decision):
            secret_only += 1
        if row["label"] == "benign" and flagged and (rules or show):
            for rule in {f.rule for f in decision.findings}:
                fired[f"{group}:{rule}"] += 1
            if show:
                found = [(f.rule, f.severity.value, round(f.confidence, 2))
                         for f in decision.findings]
                print(f"--- {name} {row['id']} {row['kind']} {decision.verdict.value} {found}")
                print(row["text"][:600])
    out: dict[str, Any] = {k: {"n": n_by[k], "flagged": hit_by[k] / n_by[k]} for k in sorted(n_by)}
    hn = n_by["hard_negative"]
    no_secret = (hit_by["hard_negative"] - secret_only) / hn
    out["hard_negative_no_secret"] = {"n": hn, "flagged": no_secret}
    if rules:
        out["rules"] = dict(fired.most_common())
    return out


ORDER = ("attacks", *ATTACK_SLICES, "hard_negative", "hard_negative_no_secret", "benign")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=("tune", "holdout", "both"), default="both")
    parser.add_argument("--rules", action="store_true", help="rule ids on flagged benign (tune)")
    parser.add_argument("--show", action="store_true", help="print flagged benign items (tune)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    halves = ("tune", "holdout") if args.half == "both" else (args.half,)
    if (args.rules or args.show) and "holdout" in halves:
        parser.error("--rules/--show read individual items: tune half only")
    result = {f"{s}/{h}": measure(s, h, args.rules, args.show) for s in SETS for h in halves}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{'slice':24}" + "".join(f"{k:>22}" for k in result))
    for key in ORDER:
        cells = "".join(
            f"{r[key]['flagged']:>15.1%} of {r[key]['n']:>3}" for r in result.values()
        )
        print(f"{key:24}{cells}")
    for k, r in result.items():
        if "rules" in r:
            print(k, json.dumps(r["rules"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
