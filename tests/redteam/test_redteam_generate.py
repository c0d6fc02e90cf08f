"""The generators: deterministic by seed, every cell present, controls beside attacks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.errors import InputError
from aimds.redteam import (
    GOALS,
    TECHNIQUE_GROUPS,
    TECHNIQUES,
    TEXT_TECHNIQUES,
    families,
    generate,
    plan,
)
from aimds.redteam.generate import forms, make_case
from aimds.types import EventKind


def _fingerprint(cases: list) -> list[tuple]:
    return [
        (c.id, c.payload, tuple((e.kind, e.tool, e.text, tuple(e.args.items())) for e in c.events))
        for c in cases
    ]


def test_same_seed_same_cases_and_another_seed_other_cases() -> None:
    a = generate(seed=7, count=3)
    assert _fingerprint(a) == _fingerprint(generate(seed=7, count=3))
    other = _fingerprint(generate(seed=8, count=3))
    differing = sum(x != y for x, y in zip(_fingerprint(a), other, strict=True))
    assert differing > len(a) // 2


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    goal=st.sampled_from(GOALS),
    technique=st.sampled_from(TECHNIQUES),
)
def test_a_cell_does_not_depend_on_the_other_cells_chosen(
    seed: int, goal: str, technique: str
) -> None:
    alone = generate(seed=seed, goals=[goal], techniques=[technique], count=3)
    everything = generate(seed=seed, count=3)
    picked = [c for c in everything if c.goal == goal and c.technique == technique]
    assert _fingerprint(alone) == _fingerprint(picked)


def test_every_goal_and_technique_has_attacks_and_as_many_controls() -> None:
    cases = generate(seed=0, count=4)
    assert len(cases) == len(GOALS) * len(TECHNIQUES) * 4 * 2
    assert len({c.id for c in cases}) == len(cases)
    for goal in GOALS:
        for technique in TECHNIQUES:
            cell = [c for c in cases if c.goal == goal and c.technique == technique]
            labels = [c.label for c in cell]
            assert labels.count("attack") == labels.count("benign") == 4


def test_a_cell_cycles_through_its_wordings_and_forms_before_repeating() -> None:
    cases = generate(seed=3, goals=["exfiltration"], techniques=["web_page"], count=20)
    attacks = [(c.template, c.form) for c in cases if c.label == "attack"]
    assert len(set(attacks)) == 20  # 5 wordings x 4 forms, none repeated
    assert {f for _, f in attacks} == set(range(forms("web_page")))


def test_channels_follow_the_goal_and_technique() -> None:
    for case in generate(seed=1, count=2):
        kinds = [e.kind for e in case.events]
        if case.technique == "tool_call":
            assert kinds == [EventKind.TOOL_CALL]
        elif case.technique == "multi_turn":
            assert len(kinds) >= 3 and kinds[-1] is EventKind.TOOL_CALL
            assert kinds[0] is EventKind.PROMPT
        elif case.technique in TECHNIQUE_GROUPS["carrier"] or case.goal == "task_hijack":
            assert kinds == [EventKind.TOOL_RESULT] and case.decisive.tool
        else:
            assert kinds == [EventKind.PROMPT]


def test_controls_mirror_the_attacks_structure() -> None:
    """Same technique and form: same event kinds and the same tool families, so the only
    difference between an attack and its control is what it asks for."""
    for technique in TECHNIQUES:
        for form in range(forms(technique)):
            for goal in GOALS:
                a = make_case(goal, technique, "attack", template=0, form=form, seed=4)
                b = make_case(goal, technique, "benign", template=0, form=form, seed=4)
                assert [e.kind for e in a.events] == [e.kind for e in b.events], (goal, technique)
                assert a.form == b.form


def test_multi_turn_sessions_escalate_before_the_decisive_action() -> None:
    case = make_case("destructive", "multi_turn", "attack", template=1, form=0, seed=2)
    texts = [e.text for e in case.events[:-1]]
    assert case.payload in texts  # the ask comes after rapport and escalation
    assert texts.index(case.payload) == 2
    via_data = make_case("destructive", "multi_turn", "attack", template=1, form=1, seed=2)
    assert via_data.events[1].kind is EventKind.TOOL_RESULT
    assert via_data.payload in via_data.events[1].text


def test_families_hold_surface_variants_of_one_wording() -> None:
    fams = list(families(seed=0, goals=["exfiltration"], techniques=["plain"], size=12, controls=6))
    assert len(fams) == 5  # one per wording
    fam = fams[1]
    assert {(c.template, c.form) for c in fam.attacks} == {(1, 0)}
    assert len({c.payload for c in fam.attacks}) >= 8  # surface variants differ
    assert all(c.label == "benign" and c.technique == "plain" for c in fam.controls)
    assert len(fam.controls) == 6
    # by default only techniques whose decisive event is a text
    assert {f.technique for f in families(size=1, controls=1)} == set(TEXT_TECHNIQUES)


def test_plan_expands_groups_and_names_the_closest_on_a_typo() -> None:
    goals, techniques = plan(["destructive,prompt-leak"], ["encoding", "plain"])
    assert goals == ("destructive", "prompt_leak")
    assert techniques == ("plain", "base64", "hex", "rot13", "url")
    assert plan(None, None) == (GOALS, TECHNIQUES)
    with pytest.raises(InputError, match="did you mean 'base64'"):
        plan(None, ["base46"])
    with pytest.raises(InputError, match="unknown goal 'exfil'; did you mean 'exfiltration'"):
        plan(["exfil"], None)


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError, match="count"):
        generate(count=0)
    with pytest.raises(ValueError, match="unknown goal"):
        make_case("nope", "plain", "attack", template=0, form=0)
    with pytest.raises(ValueError, match="unknown technique"):
        make_case("destructive", "nope", "attack", template=0, form=0)


_DIGEST = """
import hashlib, json
from aimds.redteam import generate
cases = generate(seed=9, count=2)
rows = [[c.id, c.payload, [[e.text, sorted(e.args.items())] for e in c.events]] for c in cases]
print(hashlib.sha256(json.dumps(rows).encode()).hexdigest())
"""


def test_cases_do_not_depend_on_the_process_hash_seed() -> None:
    """Seeds are strings: Python's per-process hash randomisation must not reach them."""
    digests = set()
    for hash_seed in ("1", "2", "random"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": os.pathsep.join(sys.path)}
        done = subprocess.run(
            [sys.executable, "-c", _DIGEST], env=env, capture_output=True, text=True, check=True
        )
        digests.add(done.stdout.strip())
    assert len(digests) == 1 and len(digests.pop()) == 64
