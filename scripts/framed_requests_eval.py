"""The framed-request jailbreak detector alone, per source: what it adds and what it costs.

    PYTHONPATH=src python scripts/framed_requests_eval.py [--datasets DIR]

The detector is not trained, so every source of ``train.jsonl`` + ``dev.jsonl`` is unseen
by it in the leave-one-source-out sense (its cue tables were written from the concepts of
issue 11 and the held-out ``tune`` half, not from these rows). For each source and
category it prints the share of prompt-kind rows it flags at the default pack's prompt
``warn`` level. Flagged benign rows are an upper bound on the false positives it adds to
the guard (some are flagged by the injection detector already). Counts only.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from aimds.detectors.framed_requests import FramedRequestDetector
from aimds.policy import load_policy
from aimds.text import build_views
from aimds.types import Event, EventKind, Subject

DATA_CATEGORIES = frozenset({"indirect_injection", "benign_tool_output"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=Path("../shared/datasets"))
    args = parser.parse_args()
    detector = FramedRequestDetector(load_policy("default").document.detectors)
    rows: Counter[tuple[str, str]] = Counter()
    hits: Counter[tuple[str, str]] = Counter()
    for name in ("train.jsonl", "dev.jsonl"):
        with (args.datasets / name).open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if row["category"] in DATA_CATEGORIES:
                    continue  # tool results: the detector reads prompts and messages only
                key = (row["source"], row["category"])
                rows[key] += 1
                text = row["text"]
                event = Event(kind=EventKind.PROMPT, subject=Subject(tenant="eval"), text=text)
                hits[key] += bool(detector.detect(event, build_views(text)))
    print("| source | category | rows | flagged |")
    print("|---|---|---|---|")
    for key in sorted(rows):
        print(f"| {key[0]} | {key[1]} | {rows[key]} | {hits[key] / rows[key]:.3f} |")
    benign = [k for k in rows if k[1].startswith("benign")]
    n = sum(rows[k] for k in benign)
    print(f"\nall benign prompt rows: {sum(hits[k] for k in benign)} of {n} flagged")


if __name__ == "__main__":
    main()
