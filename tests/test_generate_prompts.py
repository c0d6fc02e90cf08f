"""scripts/generate_prompts.py: deterministic, distinct rows, labels follow the family, and
the benign side never carries what makes the attack side an attack."""

from __future__ import annotations

import collections
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import generate_prompts as gen  # noqa: E402


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return gen.generate()


def _digest(rows: list[dict[str, Any]]) -> str:
    data = "\n".join(json.dumps(r, sort_keys=True) for r in rows)
    return hashlib.sha256(data.encode()).hexdigest()


def test_same_seed_same_bytes(rows: list[dict[str, Any]]) -> None:
    assert _digest(gen.generate()) == _digest(rows)
    assert _digest(gen.generate(seed=gen.SEED + 1)) != _digest(rows)


def test_rows_are_distinct_and_every_family_is_filled(rows: list[dict[str, Any]]) -> None:
    texts = [r["text"] for r in rows]
    assert len(set(texts)) == len(texts)
    counts = collections.Counter(r["family"] for r in rows)
    for family, n in gen.N_PER_FAMILY.items():
        assert counts[family] >= 0.9 * n, family


def test_labels_and_categories_follow_the_family(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        _, label, category = gen.FAMILIES[r["family"]]
        assert (r["label"], r["category"], r["source"]) == (label, category, gen.SOURCE)
    labels = {r["label"] for r in rows}
    assert labels == {0, 1}


def test_benign_role_play_never_drops_the_rules(rows: list[dict[str, Any]]) -> None:
    # The contrast the generator teaches: the same frames, and only attacks set the rules
    # aside or ask for harm.
    markers = [m.casefold() for m in (*gen._RULEBREAK, *gen._HARMFUL, *gen._PERSONAS)]
    for r in rows:
        if r["family"] in {"act_as", "creative"}:
            text = r["text"].casefold()
            assert not any(m in text for m in markers), r["text"]
    jailbreaks = [r["text"].casefold() for r in rows if r["family"] == "jailbreak_roleplay"]
    assert all(any(m in t for m in markers) for t in jailbreaks)
