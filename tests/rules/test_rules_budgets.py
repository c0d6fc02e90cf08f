"""Budgets: sliding-window rates by event time, session caps, bounded memory, timeouts."""

from __future__ import annotations

from typing import Any

from aimds.policy import load_policy
from aimds.policy.sections.actions import BudgetsSection
from aimds.rules.budgets import Budgets, timeout_for
from aimds.types import Finding, Subject, Verdict

WHO = Subject(tenant="t", agent="a", session="s")


def charge(budgets: Budgets, ts: float, tool: str = "shell", who: Subject = WHO) -> list[str]:
    findings: list[Finding] = []
    budgets.charge(tool, who, ts, findings)
    return [f.rule for f in findings]


def rate(**kw: Any) -> Budgets:
    return Budgets(BudgetsSection.model_validate({"rates": [{"id": "budget.rate", **kw}]}))


def test_rate_trips_after_n_calls_per_minute_by_event_time() -> None:
    budgets = rate(limit=3, window_s=60)
    assert [charge(budgets, t) for t in (0, 1, 2)] == [[], [], []]
    assert charge(budgets, 3) == ["budget.rate"]
    # the window slides on the events' own timestamps, not the wall clock
    assert charge(budgets, 61.5) == []


def test_rate_keys_are_per_subject_and_tool() -> None:
    budgets = rate(limit=1, window_s=60)
    assert charge(budgets, 0) == []
    assert charge(budgets, 1, tool="read_file") == []
    assert charge(budgets, 1, who=Subject(tenant="t", agent="b", session="s")) == []
    assert charge(budgets, 2) == ["budget.rate"]


def test_rate_tool_globs_and_action() -> None:
    budgets = rate(limit=1, window_s=10, tools=["net_*"], action="review")
    assert charge(budgets, 0, tool="shell") == []
    assert charge(budgets, 1, tool="shell") == []
    findings: list[Finding] = []
    budgets.charge("net_get", WHO, 0, findings)
    budgets.charge("net_get", WHO, 1, findings)
    assert [f.action for f in findings] == [Verdict.REVIEW]
    assert findings[0].category == "budget" and findings[0].details["timeout_s"] == 300


def test_memory_is_bounded() -> None:
    budgets = Budgets(
        BudgetsSection.model_validate(
            {"rates": [{"id": "r", "limit": 5, "per": ["agent"]}], "max_keys": 10}
        )
    )
    for i in range(1000):
        charge(budgets, float(i), who=Subject(agent=f"agent-{i}"))
    assert len(budgets._windows) <= 10
    assert all(len(w) <= 5 for w in budgets._windows.values())


def test_session_caps() -> None:
    budgets = Budgets(
        BudgetsSection.model_validate({"session": {"max_calls": 2, "max_duration_s": 100}})
    )
    assert charge(budgets, 0) == []
    assert charge(budgets, 50) == []
    assert charge(budgets, 60) == ["budget.session_calls"]
    other = Subject(session="other")
    assert charge(budgets, 0, who=other) == []
    assert charge(budgets, 101, who=other) == ["budget.session_duration"]


def test_timeouts_per_tool_glob() -> None:
    pol = load_policy(
        {"name": "x", "budgets": {"timeout_s": 30, "timeouts": {"slow_*": 120, "quick": 1}}}
    )
    assert timeout_for(pol, "slow_job") == 120
    assert timeout_for(pol, "quick") == 1
    assert timeout_for(pol, "other") == 30
    assert timeout_for(load_policy({"name": "y"}), "any") is None


def test_guard_trips_budget_with_event_timestamps() -> None:
    import aimds
    from aimds.types import Event, EventKind

    guard = aimds.Guard(
        {
            "name": "b",
            "rules": [{"id": "allow.all", "action": "allow"}],
            "budgets": {"rates": [{"id": "budget.shell", "tools": ["shell"], "limit": 2}]},
        }
    )

    def call(ts: float) -> aimds.Decision:
        event = Event(
            kind=EventKind.TOOL_CALL, tool="shell", args={"command": "ls"}, ts=ts, subject=WHO
        )
        return guard.check(event)

    assert "budget.shell" not in call(1000).rules
    assert "budget.shell" not in call(1001).rules
    tripped = call(1002)
    assert "budget.shell" in tripped.rules and tripped.verdict is Verdict.BLOCK
    assert "budget.shell" not in call(1100).rules
