"""``@guard.tool(subject=..., wait_for_approval=...)`` and ``aimds.acting_as``: guarded
calls carry the right agent and session, and a review can wait for a human."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import aimds
from aimds import ActionBlocked, Services, Subject
from aimds.integrations.context import current_subject
from aimds.respond.approvals import ApprovalQueue, ApprovalStatus

POLICY: dict[str, Any] = {
    "name": "acting",
    "rules": [
        {"id": "review.send", "action": "review", "tools": ["send"]},
        {"id": "allow.all", "action": "allow"},
    ],
    "autonomy": {"level": "autonomous"},
}


def _seen(guard: aimds.Guard) -> list[Subject]:
    subjects: list[Subject] = []
    guard.subscribe(lambda event, decision: subjects.append(event.subject))
    return subjects


def test_calls_act_for_the_enclosing_subject_and_default_outside() -> None:
    guard = aimds.Guard(POLICY)
    seen = _seen(guard)

    @guard.tool("lookup")
    def lookup(q: str) -> str:
        return q

    with aimds.acting_as(agent="researcher-1", session="s1") as who:
        lookup("a")
        assert current_subject() is who
        with aimds.acting_as(who, agent="researcher-2"):
            lookup("b")
    lookup("c")
    assert [(s.agent, s.session) for s in seen] == [
        ("researcher-1", "s1"), ("researcher-1", "s1"),  # call and result
        ("researcher-2", "s1"), ("researcher-2", "s1"),
        ("anonymous", "default"), ("anonymous", "default"),
    ]
    assert current_subject() == aimds.Subject()  # outside any block: the anonymous default


def test_decorator_subject_wins_over_the_block() -> None:
    guard = aimds.Guard(POLICY)
    seen = _seen(guard)
    fixed = Subject(agent="cron", session="nightly")

    @guard.tool("lookup", subject=fixed)
    def lookup(q: str) -> str:
        return q

    with aimds.acting_as(agent="someone-else"):
        lookup("x")
    assert {s.agent for s in seen} == {"cron"}


def test_concurrent_tasks_keep_their_own_subject() -> None:
    guard = aimds.Guard(POLICY)
    seen = _seen(guard)

    @guard.tool("lookup")
    async def lookup(q: str) -> str:
        await asyncio.sleep(0.01)
        return q

    async def agent(name: str) -> None:
        with aimds.acting_as(agent=name):
            for _ in range(3):
                await lookup(name)

    async def main() -> None:
        await asyncio.gather(agent("a"), agent("b"))

    asyncio.run(main())
    assert sorted(s.agent for s in seen) == ["a"] * 6 + ["b"] * 6


def test_a_blocked_agent_loses_trust_alone() -> None:
    guard = aimds.Guard("default")

    @guard.tool("shell")
    def shell(command: str) -> str:
        return "ok"

    for _ in range(3):
        with aimds.acting_as(agent="attacker"), pytest.raises(ActionBlocked) as info:
            shell("rm -rf /")
    assert "block" in str(info.value) and "hard.rm_root" in str(info.value)
    assert info.value.decision.subject is not None
    assert info.value.decision.subject.agent == "attacker"
    with aimds.acting_as(agent="researcher"):
        shell("ls")
    assert guard.trust("attacker").score < guard.trust("researcher").score


def test_review_waits_for_a_human_and_runs_when_approved(tmp_path: Path) -> None:
    queue = ApprovalQueue(f"sqlite:///{tmp_path / 'a.db'}")
    guard = aimds.Guard(POLICY, services=Services(extras={"approvals": queue}))
    ran: list[str] = []

    @guard.tool("send", wait_for_approval=20)
    def send(to: str) -> str:
        ran.append(to)
        return "sent"

    def approver() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            pending = queue.query(status=ApprovalStatus.PENDING)
            if pending:
                queue.resolve(pending[0].id, approve=True, approver="test:bob", reason="ok")
                return
            time.sleep(0.05)

    thread = threading.Thread(target=approver)
    thread.start()
    assert send("ops@example.com") == "sent"
    thread.join()
    assert ran == ["ops@example.com"]
    queue.close()


def test_review_not_decided_in_time_raises_with_the_approval_id() -> None:
    guard = aimds.Guard(POLICY)

    @guard.tool("send", wait_for_approval=0.1)
    def send(to: str) -> str:
        raise AssertionError("must not run")

    with pytest.raises(ActionBlocked) as info:
        send("ops@example.com")
    assert info.value.decision.verdict.value == "review"
    assert info.value.decision.approval is not None
    assert "review.send" in str(info.value)


def test_negative_wait_is_refused() -> None:
    with pytest.raises(ValueError, match="wait_for_approval"):
        aimds.Guard(POLICY).tool("x", wait_for_approval=-1)
