"""Rebuild the shipped attack seeds (sketches, never texts) from the shared training set.

    .venv/bin/python scripts/build_attack_seeds.py [--datasets DIR] [--out DIR]

Reads ``train.jsonl`` only (never dev or test). ``tensor_trust`` rows are left out: that
source has no licence, and nothing shipped may be derived from it. Each attack's folded
text (:mod:`aimds.text.views`) is cut into windows and sketched
(:mod:`aimds.learn.sketch`); then

* a window that resembles a benign training text (estimated similarity >= ``BENIGN_SIM``)
  is dropped: long indirect-injection samples carry benign documents (WHOIS records,
  web pages) whose windows hold no attack at all;
* a window that is a near-duplicate (>= ``DEDUP_SIM``) of a seed already kept is dropped.

Deterministic: rows in file order, seeds in that order, the same inputs give the same
bytes. Writes ``attack_seeds.bin`` and ``attack_seeds.sha256`` (checked when loaded) and
prints what it kept.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from aimds.learn.index import SketchIndex  # noqa: E402
from aimds.learn.seeds import decode_seeds, encode_seeds  # noqa: E402
from aimds.learn.sketch import window_sketches, words  # noqa: E402
from aimds.text.views import build_views  # noqa: E402

EXCLUDED_SOURCES = frozenset({"tensor_trust"})
BENIGN_SIM = 0.25
DEDUP_SIM = 0.8
MIN_SHINGLES = 4


def _windows(text: str) -> list[tuple[int, ...]]:
    return [s for s in window_sketches(words(build_views(text).folded)) if s]


def build(train: Path) -> tuple[list[str], list[tuple[int, ...]], dict[str, int]]:
    with train.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    benign = SketchIndex()
    for row in rows:
        if row["label"] == 0:
            for n, sk in enumerate(_windows(row["text"])):
                benign.add(f"{row['id']}#{n}", sk)
    kept = SketchIndex()
    ids: list[str] = []
    sketches: list[tuple[int, ...]] = []
    stats = {"attacks": 0, "excluded": 0, "short": 0, "benign_like": 0, "duplicate": 0}
    for row in rows:
        if row["label"] != 1:
            continue
        if row["source"] in EXCLUDED_SOURCES:
            stats["excluded"] += 1
            continue
        stats["attacks"] += 1
        for n, sk in enumerate(_windows(row["text"])):
            if len(sk) < MIN_SHINGLES:
                stats["short"] += 1
            elif benign.best(sk, BENIGN_SIM) is not None:
                stats["benign_like"] += 1
            elif kept.best(sk, DEDUP_SIM) is not None:
                stats["duplicate"] += 1
            else:
                seed_id = f"{row['id']}#{n}"
                kept.add(seed_id, sk)
                ids.append(seed_id)
                sketches.append(sk)
    stats["seeds"] = len(ids)
    return ids, sketches, stats


def datasets_default() -> Path:
    """``$AIMDS_DATASETS``, else ``shared/datasets`` beside the checkout or its parent."""
    env = os.environ.get("AIMDS_DATASETS")
    if env:
        return Path(env)
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "datasets").is_dir():
            return base / "shared" / "datasets"
    return ROOT.parent / "shared" / "datasets"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=datasets_default())
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "aimds" / "learn" / "data")
    args = parser.parse_args()
    train = args.datasets / "train.jsonl"
    if not train.is_file():
        parser.error(f"{train}: no training set there (give --datasets DIR)")
    ids, sketches, stats = build(train)
    data = encode_seeds(ids, sketches)
    assert decode_seeds(data).sketches == tuple(sketches)  # round trip before writing
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "attack_seeds.bin").write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    (args.out / "attack_seeds.sha256").write_text(f"{digest}  attack_seeds.bin\n", encoding="ascii")
    print(json.dumps({**stats, "bytes": len(data), "sha256": digest}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
