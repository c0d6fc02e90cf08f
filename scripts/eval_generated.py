"""How the shipped detector does on generated data it was never trained on.

    .venv/bin/python scripts/eval_generated.py [--datasets DIR]

Runs the detector (default pack, ``tool_result``) on the ``heldout`` split of
``scripts/generate_injections.py``: two whole instruction families and a quarter of the
templates of every other family, planted in train carriers and synthesised ones. Prints the
flag rate per family and position (attacks: TPR; hard negatives: FPR).
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate_injections  # noqa: E402
import loso  # noqa: E402
import train_injection_classifier as tic  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=Path, default=tic.datasets_default())
    args = parser.parse_args(argv)
    flag = loso.flagger(None)
    rows = [r for r in generate_injections.generate(args.datasets) if r["split"] == "heldout"]
    by: dict[tuple[int, str, str], list[bool]] = collections.defaultdict(list)
    for r in rows:
        f = flag(r["text"], "benign_tool_output")
        by[(r["label"], "family", r["family"])].append(f)
        by[(r["label"], "position", r["position"])].append(f)
        by[(r["label"], "all", "all")].append(f)
    for (label, axis, name), flags in sorted(by.items()):
        what = "TPR" if label else "FPR"
        print(f"{what} {axis:8s} {name:22s} {sum(flags) / len(flags):.3f}  (n={len(flags)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
