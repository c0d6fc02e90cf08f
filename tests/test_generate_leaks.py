"""scripts/generate_leaks.py: deterministic, held-back objects and deliveries apart from the
visible ones, and the guard's recall on them (and its hard negatives) does not fall back."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import generate_leaks as gen  # noqa: E402

import aimds  # noqa: E402
from aimds.types import Subject  # noqa: E402


def test_same_output_every_run() -> None:
    rows = gen.generate()
    assert rows == gen.generate()
    assert len({r["text"] for r in rows}) == len(rows)


def test_held_back_families_use_their_own_objects_and_deliveries() -> None:
    assert not set(gen._OWN_VISIBLE) & set(gen._OWN_HELD)
    assert not set(gen._DELIVERY_VISIBLE) & set(gen._DELIVERY_HELD)


def _flag_rate(rows: list[dict[str, str]]) -> float:
    guard = aimds.Guard()
    flagged = 0
    for n, row in enumerate(rows):
        who = Subject(tenant="t", agent=f"leak-{n}", session=f"leak-{n}")
        flagged += guard.check_prompt(row["text"], subject=who).verdict.value != "allow"
    return flagged / len(rows)


def test_a_request_for_the_assistants_own_setup_is_caught_however_it_is_named() -> None:
    # before sig.own_setup_request: 40% where both the object and the delivery were unseen
    held = [r for r in gen.generate() if r["family"] == "own_held_delivery_held"]
    assert _flag_rate(held) >= 0.8


def test_the_same_deliveries_about_things_not_the_assistants_stay_mostly_allowed() -> None:
    # the classifier flags a few "print my bot's system prompt"; the signature adds none
    hard = [r for r in gen.generate() if r["group"] == "hard"]
    assert _flag_rate(hard) <= 0.15
