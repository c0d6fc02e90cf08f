"""``@guard.tool`` grown up: subjects, ``acting_as``, waiting for approval, async, reasons."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

import aimds
from aimds.errors import ActionBlocked, ConfigError
from aimds.respond.approvals import queue_of
from aimds.types import Decision, Event, EventKind, Subject, Verdict

REVIEWED: dict[str, Any] = {
    "name": "deco-review",
    "rules": [
        {"id": "review.deploy", "tools": ["deploy"], "action": "review"},
        {"id": "allow.rest", "action": "allow"},
    ],
    "autonomy": {"level": "autonomous"},
}


def _recorder(guard: aimds.Guard) -> list[tuple[Event, Decision]]:
    seen: list[tuple[Event, Decision]] = []
    guard.subscribe(lambda event, decision: seen.append((event, decision)))
    return seen


def test_explicit_subject_reaches_every_event() -> None:
    guard = aimds.Guard(REVIEWED)
    seen = _recorder(guard)
    who = Subject(tenant="acme", agent="researcher-1", session="s1")

    @guard.tool("lookup", subject=who)
    def lookup(q: str) -> str:
        return "ok " + q

    assert lookup("x") == "ok x"
    kinds = [(e.kind, e.subject) for e, _ in seen]
    assert kinds == [(EventKind.TOOL_CALL, who), (EventKind.TOOL_RESULT, who)]


def test_acting_as_sets_subject_per_block_and_nests() -> None:
    guard = aimds.Guard(REVIEWED)
    seen = _recorder(guard)

    @guard.tool("lookup")
    def lookup() -> str:
        return "ok"

    lookup()
    with aimds.acting_as(Subject(agent="a1", session="s1")):
        lookup()
        with aimds.acting_as(session="s2") as inner:
            assert inner == Subject(agent="a1", session="s2")
            lookup()
    lookup()
    calls = [e.subject for e, _ in seen if e.kind is EventKind.TOOL_CALL]
    assert [(s.agent, s.session) for s in calls] == [
        ("anonymous", "default"),
        ("a1", "s1"),
        ("a1", "s2"),
        ("anonymous", "default"),
    ]


def test_acting_as_is_per_task() -> None:
    guard = aimds.Guard(REVIEWED)
    seen = _recorder(guard)

    @guard.tool("lookup")
    async def lookup() -> str:
        await asyncio.sleep(0.01)
        return "ok"

    async def run_as(agent: str) -> None:
        with aimds.acting_as(agent=agent):
            await lookup()

    async def main() -> None:
        await asyncio.gather(run_as("a"), run_as("b"))

    asyncio.run(main())
    pairs = {(e.kind, e.subject.agent) for e, _ in seen}
    assert pairs == {
        (EventKind.TOOL_CALL, "a"),
        (EventKind.TOOL_RESULT, "a"),
        (EventKind.TOOL_CALL, "b"),
        (EventKind.TOOL_RESULT, "b"),
    }


def test_blocked_exception_names_verdict_rules_and_messages() -> None:
    guard = aimds.Guard("default")

    @guard.tool("shell")
    def shell(command: str) -> str:
        raise AssertionError("must not run")

    with pytest.raises(ActionBlocked) as info:
        shell("rm -rf /")
    err = info.value
    assert err.verdict is Verdict.BLOCK
    assert "hard.rm_root" in err.rules
    assert any(m.startswith("hard.rm_root: ") for m in err.messages)
    assert "hard.rm_root" in str(err) and "block" in str(err)


def _approve_when_pending(guard: aimds.Guard, approve: bool) -> threading.Thread:
    queue = queue_of(guard.services)
    assert queue is not None

    def worker() -> None:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pending = [r for r in queue.query() if r.pending]
            if pending:
                queue.resolve(pending[0].id, approve=approve, approver="alice", reason="test")
                return
            time.sleep(0.01)

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    return thread


def test_review_without_wait_raises_at_once() -> None:
    guard = aimds.Guard(REVIEWED)

    @guard.tool("deploy")
    def deploy() -> str:
        return "deployed"

    with pytest.raises(ActionBlocked) as info:
        deploy()
    assert info.value.verdict is Verdict.REVIEW
    assert info.value.decision.approval is not None
    assert "pending" in str(info.value)


@pytest.mark.parametrize("approve", [True, False])
def test_wait_for_approval_runs_only_when_approved(approve: bool) -> None:
    guard = aimds.Guard(REVIEWED)
    ran = threading.Event()

    @guard.tool("deploy", wait_for_approval=5)
    def deploy() -> str:
        ran.set()
        return "deployed"

    helper = _approve_when_pending(guard, approve)
    if approve:
        assert deploy() == "deployed"
    else:
        with pytest.raises(ActionBlocked) as info:
            deploy()
        assert info.value.verdict is Verdict.BLOCK
        assert "approval.denied" in info.value.rules
    helper.join(5)
    assert ran.is_set() is approve


def test_wait_for_approval_async_does_not_block_the_loop() -> None:
    guard = aimds.Guard(REVIEWED)
    ticks: list[float] = []

    @guard.tool("deploy", wait_for_approval=5)
    async def deploy() -> str:
        return "deployed"

    async def ticker() -> None:
        for _ in range(5):
            ticks.append(time.monotonic())
            await asyncio.sleep(0.02)

    async def main() -> str:
        helper = _approve_when_pending(guard, True)
        result, _ = await asyncio.gather(deploy(), ticker())
        helper.join(5)
        return result

    assert asyncio.run(main()) == "deployed"
    assert len(ticks) == 5


def test_wait_for_approval_times_out_as_review() -> None:
    guard = aimds.Guard(REVIEWED)

    @guard.tool("deploy", wait_for_approval=0.05)
    def deploy() -> str:
        raise AssertionError("must not run")

    with pytest.raises(ActionBlocked) as info:
        deploy()
    assert info.value.verdict is Verdict.REVIEW


def test_bad_wait_for_approval_is_a_config_error() -> None:
    guard = aimds.Guard(REVIEWED)
    with pytest.raises(ConfigError, match="wait_for_approval"):
        guard.tool("deploy", wait_for_approval=-1)


def test_async_result_is_redacted() -> None:
    guard = aimds.Guard(REVIEWED)
    token = "sk-proj-" + "abcDEF123456ghiJKL789mnoPQR012stuVWX345yz"

    @guard.tool("read_notes")
    async def read_notes() -> str:
        return f"the token is {token}"

    with aimds.acting_as(agent="reader"):
        out = asyncio.run(read_notes())
    assert token not in out
