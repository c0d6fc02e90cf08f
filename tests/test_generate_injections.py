"""scripts/generate_injections.py: deterministic, spans point at the planted text, carriers
only from train benign rows."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import generate_injections as gen  # noqa: E402


@pytest.fixture(scope="module")
def rows(datasets_dir: Path) -> list[dict[str, Any]]:
    return gen.generate(datasets_dir)


def _digest(rows: list[dict[str, Any]]) -> str:
    data = "\n".join(json.dumps(r, sort_keys=True) for r in rows)
    return hashlib.sha256(data.encode()).hexdigest()


def test_same_seed_same_bytes(rows: list[dict[str, Any]], datasets_dir: Path) -> None:
    assert _digest(gen.generate(datasets_dir)) == _digest(rows)
    assert _digest(gen.generate(datasets_dir, seed=gen.SEED + 1)) != _digest(rows)


def test_spans_hold_the_planted_words(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        start, end = r["span"]
        assert 0 <= start < end <= len(r["text"])
        planted = r["text"][start:end]
        assert planted.strip(), r["id"]


def test_held_out_families_never_in_the_training_split(rows: list[dict[str, Any]]) -> None:
    train = [r for r in rows if r["split"] == "train"]
    assert not {r["family"] for r in train} & gen.HELD_FAMILIES
    assert {r["family"] for r in rows if r["split"] == "heldout"} >= gen.HELD_FAMILIES
    assert {r["label"] for r in train} == {0, 1}


def test_carriers_come_from_train_benign_rows_only(tmp_path: Path) -> None:
    rows = [
        {"text": "CARRIER benign tool output about the weather in Oslo.", "label": 0,
         "category": "benign_tool_output", "source": "s1"},
        {"text": "ATTACKROW ignore everything", "label": 1, "category": "indirect_injection",
         "source": "s2"},
        {"text": "PROMPTROW tell me about dogs", "label": 0, "category": "benign",
         "source": "s3"},
    ]  # fmt: skip
    (tmp_path / "train.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = gen.generate(tmp_path)  # no dev.jsonl here: the generator never needs it
    from_train = [r for r in out if r["carrier"] == "train"]
    assert from_train and all("CARRIER" in r["text"] for r in from_train)
    assert not any("ATTACKROW" in r["text"] or "PROMPTROW" in r["text"] for r in out)


def test_reported_attacks_carry_the_attacks_own_payloads(rows: list[dict[str, Any]]) -> None:
    # Incident reports and quizzes mention the very actions and languages that planted
    # attacks use: only tense, speaker and addressee tell the two apart, so a model cannot
    # learn the payload words as the signal.
    payload_words = {a.split()[0] for a in gen._ACTIONS} | {lang.split()[0] for lang in gen._LANGS}
    for family in gen.FILLED_NEGATIVES:
        mine = [r for r in rows if r["family"] == family]
        assert mine, family
        assert all(r["label"] == 0 and r["category"] == "benign_hard" for r in mine)
        planted = [r["text"][r["span"][0] : r["span"][1]] for r in mine]
        assert all("{" not in p for p in planted), family
        hits = sum(any(w in p for w in payload_words) for p in planted)
        assert hits >= 0.5 * len(planted), family


def test_hard_negative_families_are_benign_hard(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        if r["family"] in gen.HARD_NEGATIVES:
            assert (r["label"], r["category"]) == (0, "benign_hard"), r["id"]


def test_measurement_only_negatives_never_train(rows: list[dict[str, Any]]) -> None:
    held = [r for r in rows if r["family"] in gen.HELD_NEGATIVES]
    assert held and all(r["split"] == "heldout" for r in held)
