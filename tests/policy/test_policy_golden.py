"""Golden policy cases: ``golden/<name>/policy.yaml`` + ``cases.jsonl``, one test per line.

Each line is ``{description, event, expect: {verdict, rules}}``: the verdict must be equal
and every listed rule id must be among the decision's rules (Cedar-style reasons).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

import aimds
from aimds.rules.cases import Case, load_cases, run_case

GOLDEN = Path(__file__).parent / "golden"


def _cases() -> list[tuple[str, Case]]:
    out = []
    for folder in sorted(p for p in GOLDEN.iterdir() if p.is_dir()):
        for case in load_cases(folder / "cases.jsonl").cases:
            out.append((folder.name, case))
    return out


@cache
def _guard(name: str) -> aimds.Guard:
    return aimds.Guard.from_policy(GOLDEN / name / "policy.yaml")


@pytest.mark.parametrize(("name", "case"), _cases(), ids=lambda v: getattr(v, "name", v))
def test_golden_case(name: str, case: Case) -> None:
    result = run_case(_guard(name).check, case)
    assert result.passed, "\n".join(result.problems) + "\n" + result.decision.explain()
