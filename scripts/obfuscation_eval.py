"""Are attacks caught in plain form still caught after one obfuscating transform?

For every attack of ``dev.jsonl`` that ``aimds.detect`` flags as written, apply each
transform of :data:`aimds.text.obfuscate.TRANSFORMS` once and count how many are still
flagged (``caught``) and how many still carry a finding of an attack category
(``content``: injection, jailbreak, prompt_leak; an ``obfuscation.*`` finding alone does
not count). The false-positive side: the same transforms on a deterministic sample of
benign dev rows, and the benign encoded hard negatives of
:func:`aimds.text.obfuscate.benign_encoded` as written.

    PYTHONPATH=src python scripts/obfuscation_eval.py [--dev PATH] [--benign N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import aimds
from aimds.detect import Kind
from aimds.text.obfuscate import TRANSFORMS, benign_encoded

_ATTACK = frozenset({"injection", "jailbreak", "prompt_leak"})
_DEFAULT_DEV = (
    Path(
        os.environ.get(
            "AIMDS_DATASETS", Path(__file__).resolve().parents[2] / "shared" / "datasets"
        )
    )
    / "dev.jsonl"
)


def _kind(row: dict[str, object]) -> Kind:
    data = row.get("category") in {"indirect_injection", "benign_tool_output"}
    return "tool_result" if data else "prompt"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=_DEFAULT_DEV)
    parser.add_argument("--benign", type=int, default=300, help="benign rows sampled")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.dev.read_text().splitlines() if line.strip()]
    attacks = [r for r in rows if r["label"] == 1]
    benign = [r for r in rows if r["label"] == 0]
    step = max(len(benign) // max(args.benign, 1), 1)
    benign = benign[::step][: args.benign]

    plain = [r for r in attacks if aimds.detect(r["text"], kind=_kind(r)).flagged]
    report: dict[str, dict[str, float]] = {}
    for name, transform in TRANSFORMS.items():
        caught = content = 0
        for r in plain:
            result = aimds.detect(transform(r["text"]), kind=_kind(r))
            caught += result.flagged
            content += any(f.category in _ATTACK for f in result.findings)
        fp = sum(aimds.detect(transform(r["text"]), kind=_kind(r)).flagged for r in benign)
        report[name] = {
            "caught": round(caught / len(plain), 3),
            "content": round(content / len(plain), 3),
            "benign_fpr": round(fp / len(benign), 3),
        }
    plain_fp = sum(aimds.detect(r["text"], kind=_kind(r)).flagged for r in benign)
    hard = benign_encoded()
    flagged_hard = [t for t in hard if aimds.detect(t).flagged]
    hard_tr = [t for t in hard if aimds.detect(t, kind="tool_result").flagged]
    summary = {
        "attacks": len(attacks),
        "plain_caught": len(plain),
        "benign_sample": len(benign),
        "benign_plain_fpr": round(plain_fp / len(benign), 3),
        "hard_negatives": len(hard),
        "hard_negative_fpr_prompt": round(len(flagged_hard) / len(hard), 3),
        "hard_negative_fpr_tool_result": round(len(hard_tr) / len(hard), 3),
        "min_caught": min(v["caught"] for v in report.values()),
    }
    if args.json:
        print(json.dumps({"summary": summary, "transforms": report}))
        return 0
    print(f"{'transform':<14} {'caught':>7} {'content':>8} {'benign FPR':>11}")
    for name, v in report.items():
        print(f"{name:<14} {v['caught']:>7.3f} {v['content']:>8.3f} {v['benign_fpr']:>11.3f}")
    for key, value in summary.items():
        print(f"{key}: {value}")
    for t in flagged_hard[:5]:
        print("hard negative flagged:", t[:100], file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
