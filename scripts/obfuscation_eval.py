"""Are attacks caught in plain form still caught after one obfuscating transform?

Two families of attacks, both from ``train.jsonl`` (never dev or the held-out sets):

- ``whole``: every attack row (a deterministic sample, stratified by category) that the
  content stages flag as written, the whole text hidden by each transform of
  :data:`aimds.text.obfuscate.TRANSFORMS`;
- ``planted``: a short attack (direct injection, prompt leak) planted as one paragraph of
  a benign tool output, caught as such, then with only that paragraph hidden (the way an
  indirect injection hides its key sentence inside ordinary data).

An attack counts as caught when the verdict is not ``allow`` *and* a finding of an attack
category (injection, jailbreak, prompt_leak) says why: an ``obfuscation.*`` finding alone
does not count. ``kept`` is the share of plain-caught attacks still caught after the
transform. The false-positive side: benign rows of ``train.jsonl`` as written, the same
rows under each transform (benign prose hidden in an encoding: reported, not a target),
and the benign encoded data of :func:`aimds.text.obfuscate.benign_encoded` (images, JWTs,
hashes, certificates, minified assets...), which must not be flagged at all.

    PYTHONPATH=src python scripts/obfuscation_eval.py [--attacks N] [--benign N] [--json]
        [--only base64,hex] [--losses FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

from aimds.detect import DetectionResult, Kind, detector_for
from aimds.text.obfuscate import TRANSFORMS, benign_encoded
from aimds.types import Verdict

_ATTACK = frozenset({"injection", "jailbreak", "prompt_leak"})
_SUSPECT = _ATTACK | {"obfuscation"}
_DATA = frozenset({"indirect_injection", "benign_tool_output"})
_DATASETS = Path(
    os.environ.get("AIMDS_DATASETS", Path(__file__).resolve().parents[2] / "shared" / "datasets")
)
_PLANTABLE = frozenset({"direct_injection", "prompt_leak"})
_MAX_PLANTED_CHARS = 300
_SEED = 11


def _kind(row: dict[str, Any]) -> Kind:
    return "tool_result" if row["category"] in _DATA else "prompt"


def _caught(result: DetectionResult) -> bool:
    return result.verdict is not Verdict.ALLOW and any(
        f.category in _ATTACK for f in result.findings
    )


def _flagged(result: DetectionResult) -> bool:
    """Flagged as an attack or for hiding: a JWT redacted as a credential is not."""
    return result.verdict is not Verdict.ALLOW and any(
        f.category in _SUSPECT for f in result.findings
    )


def _sample(rows: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """At most ``n`` rows, every k-th of each category in turn (deterministic)."""
    by_cat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_cat[r["category"]].append(r)
    out: list[dict[str, Any]] = []
    for cat in sorted(by_cat):
        group = by_cat[cat]
        share = max(n * len(group) // max(len(rows), 1), 1)
        step = max(len(group) // share, 1)
        out += group[::step][:share]
    return out


def planted(rows: list[dict[str, Any]], n: int) -> list[tuple[str, str, str]]:
    """``(id, template, sentence)``: a short attack planted as one paragraph between
    paragraphs of a benign tool output; ``template`` holds ``{}`` where it goes."""
    rng = random.Random(_SEED)
    carriers = [
        r["text"]
        for r in rows
        if r["label"] == 0 and r["category"] == "benign_tool_output" and "{" not in r["text"]
    ]
    attacks = [
        r
        for r in rows
        if r["label"] == 1
        and r["category"] in _PLANTABLE
        and len(r["text"]) <= _MAX_PLANTED_CHARS
        and "\n" not in r["text"].strip()
    ]
    rng.shuffle(attacks)
    out: list[tuple[str, str, str]] = []
    for r in attacks[:n]:
        carrier = rng.choice(carriers)[:1200]
        paras = carrier.split("\n")
        at = rng.randrange(1, len(paras) + 1)
        template = "\n".join([*paras[:at], "{}", *paras[at:]])
        out.append((r["id"], template, r["text"].strip()))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=_DATASETS / "train.jsonl")
    parser.add_argument("--attacks", type=int, default=240, help="whole attacks sampled")
    parser.add_argument("--planted", type=int, default=120, help="planted attacks made")
    parser.add_argument("--benign", type=int, default=300, help="benign rows sampled")
    parser.add_argument("--only", default="", help="comma-separated transforms")
    parser.add_argument("--losses", type=Path, help="write the lost attacks here (JSONL)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    detect = detector_for(None)
    rows = [json.loads(line) for line in args.data.read_text().split("\n") if line.strip()]
    names = [n for n in args.only.split(",") if n] or list(TRANSFORMS)

    whole = [r for r in _sample([r for r in rows if r["label"] == 1], args.attacks)]
    whole = [r for r in whole if _caught(detect(r["text"], _kind(r)))]
    plants = [
        p for p in planted(rows, args.planted) if _caught(detect(p[1].format(p[2]), "tool_result"))
    ]
    benign = _sample([r for r in rows if r["label"] == 0], args.benign)
    losses: list[dict[str, Any]] = []
    report: dict[str, dict[str, float]] = {}
    for name in names:
        transform = TRANSFORMS[name]
        kept_whole = 0
        for r in whole:
            ok = _caught(detect(transform(r["text"]), _kind(r)))
            kept_whole += ok
            if not ok:
                losses.append({"transform": name, "family": "whole", "id": r["id"]})
        kept_planted = 0
        for pid, template, sentence in plants:
            ok = _caught(detect(template.format(transform(sentence)), "tool_result"))
            kept_planted += ok
            if not ok:
                losses.append({"transform": name, "family": "planted", "id": pid})
        fp = sum(_flagged(detect(transform(r["text"]), _kind(r))) for r in benign)
        report[name] = {
            "whole": round(kept_whole / max(len(whole), 1), 3),
            "planted": round(kept_planted / max(len(plants), 1), 3),
            "benign_encoded_flagged": round(fp / max(len(benign), 1), 3),
        }
    plain_fp = sum(_flagged(detect(r["text"], _kind(r))) for r in benign)
    hard = benign_encoded()
    hard_flags = {
        kind: sum(_flagged(detect(t, kind)) for t in hard) for kind in ("prompt", "tool_result")
    }
    summary = {
        "whole_plain_caught": len(whole),
        "planted_plain_caught": len(plants),
        "benign_sample": len(benign),
        "benign_plain_flagged": round(plain_fp / max(len(benign), 1), 3),
        "benign_encoded_data": len(hard),
        "benign_encoded_data_flagged_prompt": round(hard_flags["prompt"] / len(hard), 3),
        "benign_encoded_data_flagged_tool_result": round(hard_flags["tool_result"] / len(hard), 3),
        "min_kept": min(min(v["whole"], v["planted"]) for v in report.values()),
    }
    if args.losses:
        args.losses.write_text("".join(json.dumps(x) + "\n" for x in losses))
    if args.json:
        print(json.dumps({"summary": summary, "transforms": report}))
        return 0
    print(f"{'transform':<22} {'whole':>6} {'planted':>8} {'benign encoded flagged':>23}")
    for name, v in report.items():
        print(
            f"{name:<22} {v['whole']:>6.3f} {v['planted']:>8.3f} "
            f"{v['benign_encoded_flagged']:>23.3f}"
        )
    for key, value in summary.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
