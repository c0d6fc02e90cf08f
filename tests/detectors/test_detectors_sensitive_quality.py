"""Quality targets of the secrets and PII detectors on ``sensitive_dev.jsonl``.

Per-record precision and recall per family (secrets >= 0.98, PII >= 0.95), hard negatives
flagged <= 2%, and every type's recall reported in the assertion messages.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from aimds.detectors import pii, secrets
from aimds.policy import load_policy
from aimds.types import Services

SECRET_TYPES = frozenset(
    {
        "anthropic_key", "aws_access_key_id", "aws_secret_access_key", "azure_storage_key",
        "generic_high_entropy_api_key", "github_token", "gitlab_pat", "google_api_key",
        "huggingface_token", "jwt", "npm_token", "openai_key", "password_assignment",
        "private_key", "sendgrid", "slack_token", "slack_webhook", "stripe_key", "twilio",
    }
)  # fmt: skip


@pytest.fixture(scope="module")
def records(datasets_dir: Path) -> list[dict[str, Any]]:
    path = datasets_dir / "sensitive_dev.jsonl"
    if not path.exists():
        pytest.skip("sensitive_dev.jsonl missing")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _score(
    records: list[dict[str, Any]], scan: Any, family: frozenset[str] | None
) -> dict[str, Any]:
    tp = fp = fn = 0
    per, found = Counter[str](), Counter[str]()
    hn_total, hn_flagged = Counter[str](), Counter[str]()
    for r in records:
        gold = [s for s in r["spans"] if (s["type"] in SECRET_TYPES) == (family is not None)]
        hits = scan(r["text"])
        if hits and gold:
            tp += 1
        elif hits:
            fp += 1
        elif gold:
            fn += 1
        for g in gold:
            per[g["type"]] += 1
            found[g["type"]] += any(h.start < g["end"] and h.end > g["start"] for h in hits)
        if r["category"] == "hard_negative":
            for kind in {d["kind"] for d in r["decoys"]}:
                hn_total[kind] += 1
                hn_flagged[kind] += bool(hits)
    return {
        "precision": tp / max(tp + fp, 1),
        "recall": tp / max(tp + fn, 1),
        "per_type": {k: round(found[k] / per[k], 3) for k in sorted(per)},
        "hn_fpr": sum(hn_flagged.values()) / max(sum(hn_total.values()), 1),
        "hn_by_kind": {
            k: f"{hn_flagged[k]}/{hn_total[k]}" for k in sorted(hn_total) if hn_flagged[k]
        },
    }


def test_secrets_quality(records: list[dict[str, Any]]) -> None:
    det = secrets.build(load_policy("default"), Services())
    assert det is not None
    s = _score(records, det.scan, SECRET_TYPES)
    assert s["precision"] >= 0.98 and s["recall"] >= 0.98, s
    assert s["hn_fpr"] <= 0.02, s
    assert min(s["per_type"].values()) >= 0.9, s


def test_pii_quality(records: list[dict[str, Any]]) -> None:
    det = pii.build(load_policy("default"), Services())
    assert det is not None
    s = _score(records, det.scan, None)
    assert s["precision"] >= 0.95 and s["recall"] >= 0.95, s
    assert s["hn_fpr"] <= 0.02, s
    assert min(s["per_type"].values()) >= 0.9, s
