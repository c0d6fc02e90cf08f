"""Digest of every finding the content stages give each corpus text, for speed work that
must change no verdict: run it before and after a change and compare the two files.

For each text of ``train.jsonl``, ``dev.jsonl`` and the held-out ``tune`` halves (the
``holdout`` halves are for reporting only and are not read), as a message and as a tool
result: the verdict, the score and every finding (rule, severity, confidence, span,
details) go into a SHA-256, written as ``id<TAB>kind<TAB>digest`` lines. A second section
digests the sentence scorer's pieces and feature lists (byte for byte) and the text views
(normalized, clean, folded, decoded, marks, and the original span of every word of the
normalized and folded views).

    PYTHONPATH=src python scripts/findings_digest.py OUT.tsv [--limit N]   (re-runs itself
    with PYTHONHASHSEED=0)
    diff <(sort BEFORE.tsv) <(sort AFTER.tsv)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aimds.policy.sections.normalize import NormalizeSettings

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO.parent / "shared" / "datasets"
_WORD = re.compile(r"\S+")


def _texts(limit: int | None) -> Iterator[tuple[str, str]]:
    files = [DATASETS / "train.jsonl", DATASETS / "dev.jsonl"]
    files += sorted((REPO / "benchmarks" / "heldout").glob("injection_*/tune.jsonl"))
    for path in files:
        with path.open(encoding="utf-8") as fh:
            for k, line in enumerate(fh):
                if limit is not None and k >= limit:
                    break
                row = json.loads(line)
                yield f"{path.parent.name}/{path.stem}:{row.get('id', k)}", row["text"]


def _h(obj: object) -> str:
    return hashlib.sha256(repr(obj).encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _views_digest(text: str, settings: NormalizeSettings) -> str:
    from aimds.text import build_views

    v = build_views(text, settings)
    spans = []
    for name, view in (("normalized", v.normalized), ("folded", v.folded), ("clean", v.clean)):
        spans.append([v.to_original(name, m.start(), m.end()) for m in _WORD.finditer(view)])
    return _h(
        (v.normalized, v.clean, v.folded, v.decoded, dict(v.marks), dict(v.normal_marks), spans)
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--limit", type=int, default=None, help="texts per file (smoke runs)")
    args = ap.parse_args(argv)
    if os.environ.get("PYTHONHASHSEED") != "0":
        # feature lists hold word sets, whose order (and so the float sums over them)
        # follows the string hash: fix it so two runs can be compared
        os.execve(
            sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"}
        )

    from aimds import detect
    from aimds.detectors.sentences import document_features
    from aimds.policy import load_policy

    settings = load_policy("default").document.detectors.normalize

    with args.out.open("w", encoding="utf-8") as out:
        for key, text in _texts(args.limit):
            for kind in ("message", "tool_result"):
                r = detect(text, kind=kind)
                found = [
                    (
                        f.rule,
                        f.category,
                        f.severity,
                        f.confidence,
                        f.span,
                        f.action,
                        f.hard,
                        f.stage,
                        f.message,
                        sorted(f.details.items(), key=lambda kv: kv[0]),
                    )
                    for f in r.findings
                ]
                out.write(f"{key}\t{kind}\t{_h((r.verdict, r.score, found))}\n")
            pieces = [(p, feats) for p, feats in document_features(text)]
            out.write(f"{key}\tpieces\t{_h(pieces)}\n")
            out.write(f"{key}\tviews\t{_views_digest(text, settings)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
