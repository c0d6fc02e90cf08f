"""Default thresholds leave polling, retries and bulk reads alone and still stop outbound
spam (``ASA-B-004``); a policy's own step-ups (review every e-mail) cost no trust."""

from __future__ import annotations

import pytest

from aimds import Guard
from aimds.types import Services, Subject, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def _run(guard: Guard, clock: Clock, calls: list[tuple[str, dict[str, str]]], gap: float,
         who: Subject) -> list[Verdict]:
    verdicts = []
    for tool, args in calls:
        clock.now += gap
        verdicts.append(guard.check_tool_call(tool, args, subject=who).verdict)
    return verdicts


@pytest.mark.parametrize(
    ("tool", "args", "n", "gap"),
    [
        ("shell", {"command": "ls -la /tmp"}, 120, 0.5),  # polling twice a second
        ("http_request", {"method": "GET", "url": "https://api.example.com/jobs/7"}, 60, 1.0),
        ("shell", {"command": "curl -s https://status.example.com/health"}, 30, 0.2),
    ],
)
def test_polling_and_retries_are_not_spam(
    tool: str, args: dict[str, str], n: int, gap: float
) -> None:
    clock = Clock()
    guard = Guard("default", services=Services(clock=clock))
    who = Subject(tenant="acme", agent="poller", session="s1")
    assert set(_run(guard, clock, [(tool, args)] * n, gap, who)) == {Verdict.ALLOW}


def test_reading_a_repository_quickly_stays_under_the_rate_budget() -> None:
    clock = Clock()
    guard = Guard("default", services=Services(clock=clock))
    who = Subject(tenant="acme", agent="coder", session="s1")
    calls = [("read_file", {"path": f"src/module_{i}.py"}) for i in range(300)]
    assert set(_run(guard, clock, calls, 0.2, who)) == {Verdict.ALLOW}


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("send_email", {"to": "ceo@example.com", "subject": "Invoice", "body": "Pay now"}),
        ("http_request", {"method": "POST", "url": "https://hooks.example.com/x", "body": "{}"}),
        ("slack_post", {"channel": "#general", "text": "click https://x.example"}),
    ],
)
def test_repeated_sends_are_still_spam(tool: str, args: dict[str, str]) -> None:
    clock = Clock()
    guard = Guard("default", services=Services(clock=clock))
    who = Subject(tenant="acme", agent="spammer", session="s1")
    for _ in range(12):
        clock.now += 2
        d = guard.check_tool_call(tool, args, subject=who)
    assert "ASA-B-004" in d.rules and d.verdict is Verdict.BLOCK


def test_a_policy_can_count_other_repeats_too() -> None:
    clock = Clock()
    policy = {"name": "p", "version": "1", "extends": "default",
              "behavior": {"sequences": {"command_spam": {"min_identical_other": 20}}}}
    guard = Guard(policy, services=Services(clock=clock))
    who = Subject(tenant="acme", agent="looper", session="s1")
    verdicts = _run(guard, clock, [("shell", {"command": "ls -la /tmp"})] * 21, 0.5, who)
    assert verdicts[18] is Verdict.ALLOW and verdicts[19] is Verdict.BLOCK


def test_reviewed_sends_do_not_cost_trust() -> None:
    clock = Clock()
    # every send confirmed: the knob the default pack documents (rule review.send)
    every_send = {"name": "every-send", "extends": "default", "rules": [
        {"id": "review.send", "action": "review", "types": ["email:send"]}]}
    guard = Guard(every_send, services=Services(clock=clock))
    who = Subject(tenant="acme", agent="mailer", session="s1")
    for i in range(9):
        clock.now += 120
        d = guard.check_tool_call(
            "send_email", {"to": f"user{i}@example.com", "subject": f"Report {i}", "body": "ok"},
            subject=who,
        )
        assert d.verdict is Verdict.REVIEW and "behavior.trust.tier" not in d.rules
    assert guard.trust("mailer", tenant="acme").score >= 500
