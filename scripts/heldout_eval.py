"""Measure the guard on the held-out sets in ``benchmarks/heldout`` (default pack).

    PYTHONPATH=src python scripts/heldout_eval.py [--half holdout|tune] [--injection-set S] [--json]

Actions (issue 12): dangerous calls stopped (review or block) and benign calls stopped, the
latter split into reviews the default pack asks for by design (unknown tool names, sends)
and the rest. Injection (issue 11): per slice, the share flagged (any verdict but allow),
as ``aimds scan`` reports it, and how many attacks caught in plain form are still caught
after their obfuscating transform. Counts only: no failure is printed (see the README).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import aimds
from aimds.types import Event, EventKind, Subject

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "benchmarks" / "heldout"
# Reviews the default pack asks for by design: the rule confirms a whole kind of action,
# whatever it carries (an unknown tool, an HTTP DELETE, a consequential endpoint, a push to a
# URL, something that runs later, a protection switched off, what cannot be read statically,
# another package source, a command run on another machine, a refund). Not here: rules that
# judge what a call carries out (review.risky_send, review.payload_elsewhere): a benign call
# stopped by them is misjudged.
BY_DESIGN = frozenset(
    {"defaults.unknown_tool", "review.remote_delete", "review.consequential_endpoint",
     "review.unnamed_remote", "review.persistence", "review.protection_off", "review.opaque",
     "review.db_opaque", "review.package_source", "review.remote_exec", "review.refund"}
)  # fmt: skip


def _check_by_design() -> None:
    """Every by-design rule is a review rule of the default pack (the set drifted before:
    it named ``review.send`` after the pack had dropped it)."""
    from aimds.policy.loader import load_policy

    document = load_policy("default").document
    reviews = {r.id for r in document.rules if r.action.value == "review"}
    if document.defaults.unknown_tool.value == "review":
        reviews.add("defaults.unknown_tool")
    missing = sorted(BY_DESIGN - reviews)
    if missing:
        raise SystemExit(f"heldout_eval: BY_DESIGN names no review rule of the pack: {missing}")


def _redteam() -> Any:
    path = ROOT / "scripts" / "redteam_actions.py"
    spec = importlib.util.spec_from_file_location("redteam", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["redteam"] = module
    spec.loader.exec_module(module)
    return module


def actions(half: str) -> dict[str, Any]:
    redteam = _redteam()
    report = redteam.evaluate(redteam.load(HELDOUT / "actions_v2" / f"{half}.jsonl"))
    benign = [o for o in report.outcomes if o.expect == "allow"]
    dangerous = [o for o in report.outcomes if o.expect == "stop"]
    stopped = [o for o in benign if o.stopped]
    design = [o for o in stopped if set(o.rules) and set(o.rules) <= BY_DESIGN]
    return {
        "dangerous": len(dangerous),
        "dangerous_stopped": sum(o.stopped for o in dangerous) / len(dangerous),
        "benign": len(benign),
        "benign_stopped": len(stopped) / len(benign),
        "benign_stopped_by_design": len(design) / len(benign),
        "benign_stopped_otherwise": (len(stopped) - len(design)) / len(benign),
    }


def injection(half: str, name: str = "injection_v1") -> dict[str, Any]:
    rows = [json.loads(line) for line in (HELDOUT / name / f"{half}.jsonl").open()]
    guard = aimds.Guard()
    flagged: dict[str, bool] = {}
    for n, row in enumerate(rows):
        # a fresh agent and session per text: no trust or window state carries over
        who = Subject(tenant="eval", agent=f"heldout-{n}", session=f"heldout-{n}")
        if row["kind"] == "tool_result":
            event = Event(kind=EventKind.TOOL_RESULT, subject=who, tool="fetch", text=row["text"])
        else:
            event = Event(kind=EventKind.PROMPT, subject=who, text=row["text"])
        flagged[row["id"]] = guard.check(event).verdict.value != "allow"
    slices: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for row in rows:
        slices[row["slice"]] += 1
        hits[row["slice"]] += flagged[row["id"]]
    plain = kept = 0
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        m = re.search(r"plain=([\w-]+)", row.get("note", ""))
        if row["slice"] == "obfuscated" and m and m.group(1) in by_id and flagged[m.group(1)]:
            plain += 1
            kept += flagged[row["id"]]
    attacks = [r for r in rows if r["label"] == "attack"]
    benign = [r for r in rows if r["label"] == "benign"]
    return {
        "attacks_flagged": sum(flagged[r["id"]] for r in attacks) / len(attacks),
        "benign_flagged": sum(flagged[r["id"]] for r in benign) / len(benign),
        "slices": {s: {"n": n, "flagged": hits[s] / n} for s, n in sorted(slices.items())},
        "obfuscated_kept": kept / plain if plain else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=("holdout", "tune"), default="holdout")
    parser.add_argument(
        "--injection-set", default="injection_v1", choices=("injection_v1", "injection_v2"),
        help="which independent content set to measure (v2 was written later, by another author)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    _check_by_design()
    result = {
        "half": args.half,
        "set": args.injection_set,
        "actions": actions(args.half),
        "injection": injection(args.half, args.injection_set),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    a, i = result["actions"], result["injection"]
    print(f"actions ({args.half}): dangerous stopped {a['dangerous_stopped']:.1%} of "
          f"{a['dangerous']}; benign stopped {a['benign_stopped']:.1%} of {a['benign']} "
          f"({a['benign_stopped_by_design']:.1%} by pack design, "
          f"{a['benign_stopped_otherwise']:.1%} otherwise)")
    print(f"injection ({args.half}): attacks flagged {i['attacks_flagged']:.1%}, "
          f"benign flagged {i['benign_flagged']:.1%}; obfuscated still caught "
          f"{i['obfuscated_kept']:.1%} of plain-caught")
    for name, s in i["slices"].items():
        print(f"  {name:14} {s['flagged']:6.1%} of {s['n']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
