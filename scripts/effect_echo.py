"""How often ``injection.effect`` fires when a reply echoes a tool result: an upper bound.

Every ``dev.jsonl`` row of the chosen categories is checked as a tool result (default pack,
one fresh session each); the rows the detectors flag as injection are then followed by a
completion that repeats the whole result word for word, the worst case for value repetition.
On benign rows every ``injection.effect`` is a false alarm caused by the detector's false
positive plus the sentence picking; on attack rows it shows how often a planted instruction
held a value the effect checks can follow. Prints one line per category.

    python scripts/effect_echo.py [--datasets ../shared/datasets]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import aimds

CATEGORIES = ("benign_tool_output", "benign_hard", "benign", "indirect_injection")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=Path("../shared/datasets"))
    args = parser.parse_args(argv)
    rows = [
        json.loads(line)
        for line in (args.datasets / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    total, flagged, effects = Counter[str](), Counter[str](), Counter[str]()
    with aimds.Guard() as guard:
        for n, row in enumerate(rows):
            cat = row["category"]
            if cat not in CATEGORIES:
                continue
            who = aimds.Subject(tenant="echo", agent=f"a{n}", session=f"s{n}")
            total[cat] += 1
            result = guard.check_tool_result("fetch", row["text"], subject=who)
            if not any(f.category == "injection" for f in result.findings):
                continue
            flagged[cat] += 1
            reply = guard.check_completion(row["text"], subject=who)
            effects[cat] += any(f.rule == "injection.effect" for f in reply.findings)
    for cat in CATEGORIES:
        n = total[cat]
        print(
            f"{cat:20s} rows={n:5d} flagged={flagged[cat]:4d} "
            f"effect_on_echo={effects[cat]:4d} ({effects[cat] / n if n else 0:.4f} of rows)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
