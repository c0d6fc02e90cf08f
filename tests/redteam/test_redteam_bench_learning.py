"""benchmarks/bench_learning.py speaks the feedback contract and says clearly when it
cannot run (no ``Guard.feedback`` in this build)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import aimds
from aimds.redteam import families

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks import bench_learning  # noqa: E402


def test_without_feedback_it_exits_2_with_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bench_learning, "Guard", type("GuardWithoutFeedback", (), {}))
    assert bench_learning.main(["--quick"]) == 2
    assert "no feedback()" in capsys.readouterr().err
    assert bench_learning.run(quick=True) == []


def test_it_feeds_back_the_decisive_decision_of_k_variants_as_attacks() -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    class Recording(aimds.Guard):
        def feedback(self, decision_id: str, **kwargs: Any) -> None:  # type: ignore[override]
            calls.append((decision_id, kwargs))

    ids: list[str] = []
    guard = Recording("default", services=aimds.Services(new_id=lambda: f"d{len(ids)}"))
    guard.subscribe(lambda event, decision: ids.append(decision.id))
    family = next(families(goals=["exfiltration"], techniques=["email"], size=25, controls=2))
    bench_learning._teach(guard, family, 5)
    assert [c[1] for c in calls] == [{"label": "attack"}] * 5
    assert [c[0] for c in calls] == ids  # one event per email case: its own decision
    measure = bench_learning._measure(guard, family)
    assert 0.0 <= measure.recall <= 1.0 and measure.fpr in (0.0, 0.5, 1.0)
