"""scripts/generate_hardneg.py: deterministic, every family filled with its kind and label,
and every planted twin is its carrier plus one order for the assistant."""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import generate_hardneg as gen  # noqa: E402


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return gen.generate(n=12)


def test_same_seed_same_rows(rows: list[dict[str, Any]]) -> None:
    dump = [json.dumps(r, sort_keys=True) for r in rows]
    assert [json.dumps(r, sort_keys=True) for r in gen.generate(n=12)] == dump
    assert [json.dumps(r, sort_keys=True) for r in gen.generate(n=12, seed=gen.SEED + 1)] != dump


def test_every_family_is_filled_with_its_kind_and_label(rows: list[dict[str, Any]]) -> None:
    counts = collections.Counter(r["family"] for r in rows)
    assert set(counts) == {*gen.FAMILIES, "planted"}
    assert all(counts[f] == 12 for f in gen.FAMILIES) and counts["planted"] == 24
    for r in rows:
        assert r["label"] == ("attack" if r["family"] == "planted" else "benign")
        if r["family"] in gen.PROMPT_FAMILIES:
            assert r["kind"] == "prompt"
        elif r["family"] != "faq":
            assert r["kind"] == "tool_result"


def test_a_planted_twin_is_its_carrier_plus_one_order(rows: list[dict[str, Any]]) -> None:
    planted = [r for r in rows if r["family"] == "planted"]
    assert {r["base"] for r in planted} <= set(gen.FAMILIES) - gen.PROMPT_FAMILIES
    for r in planted:
        assert any(order.lower() in r["text"].lower() for order in gen.ORDERS)
