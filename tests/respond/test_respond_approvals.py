"""The approval queue and stage: one atomic transition, expiry defaults, library waits."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.errors import InputError
from aimds.guard import Guard
from aimds.respond.approvals import (
    ApprovalLimitError,
    ApprovalQueue,
    ApprovalRequest,
    ApprovalStatus,
    queue_of,
    webhook_message,
)
from aimds.types import (
    ActionInfo,
    Evaluation,
    Event,
    EventKind,
    Finding,
    Severity,
    Subject,
    Verdict,
)

CANARY = "pay the usual landlord canary-42"


class ReviewWire:
    """Stands in for the rules stage: ``wire`` needs review, anything else is allowed."""

    name = "rules"

    def __call__(self, ev: Evaluation) -> None:
        ev.action = ActionInfo(type="payment:transfer", risk=Severity.LOW)
        if ev.event.tool == "wire":
            ev.add(Finding(rule="t.wire", category="scope", severity=Severity.HIGH,
                           message="needs a human", action=Verdict.REVIEW))


def _guard(policy: Any = "default") -> Guard:
    guard = Guard(policy)
    stages = [s for s in guard.stages if s.name not in {"rules", "detectors"}]
    at = next(i for i, s in enumerate(stages) if s.name == "decide")
    stages.insert(at, ReviewWire())
    guard.stages = tuple(stages)
    return guard


def _event(tool: str = "wire") -> Event:
    return Event(kind=EventKind.TOOL_CALL, tool=tool, args={"token": CANARY},
                 subject=Subject(tenant="acme", agent="bot"))


def _request(rid: str, *, expires: float = 2e10, on_expiry: str = "deny") -> ApprovalRequest:
    return ApprovalRequest(
        id=rid, tenant="acme", agent="bot", requester="agent:bot", kind="tool_call", tool="wire",
        action=None, digest="0" * 64, rules=("t.wire",), risk="high", decision_id="d",
        policy="p", created=1.0, expires=expires, on_expiry=on_expiry,
    )


def test_review_creates_a_request_without_raw_arguments() -> None:
    guard = _guard()
    decision = guard.check(_event())
    assert decision.verdict is Verdict.REVIEW and decision.approval
    queue = queue_of(guard.services)
    assert queue is not None
    request = queue.get(decision.approval)
    assert request is not None and request.pending and request.rules == ("t.wire",)
    assert CANARY not in repr(request.as_dict())
    assert CANARY not in str(webhook_message(request, "https://example.test"))
    assert guard.check(_event("read")).approval is None


def test_wait_for_approval_returns_the_human_verdict() -> None:
    guard = _guard()
    queue = queue_of(guard.services)
    assert queue is not None

    def approver() -> None:
        for _ in range(100):
            pending = queue.query(status=ApprovalStatus.PENDING)
            if pending:
                queue.resolve(pending[0].id, approve=True, approver="human:ann", reason="ok")
                return
            time.sleep(0.02)

    t = threading.Thread(target=approver)
    t.start()
    started = time.monotonic()
    decision = guard.check(_event(), wait_for_approval=10)
    t.join()
    assert decision.verdict is Verdict.ALLOW and "approval.approved" in decision.rules
    assert time.monotonic() - started < 3


def test_acheck_waits_too_and_times_out_as_review() -> None:
    guard = _guard()
    decision = asyncio.run(guard.acheck(_event(), wait_for_approval=0.2))
    assert decision.verdict is Verdict.REVIEW  # nobody decided in time


def test_expiry_denies_by_default_and_approves_when_policy_says() -> None:
    now = [100.0]
    queue = ApprovalQueue(clock=lambda: now[0])
    queue.create(_request("apr_a", expires=110))
    queue.create(_request("apr_b", expires=110, on_expiry="approve"))
    now[0] = 111
    a, b = queue.get("apr_a"), queue.get("apr_b")
    assert a is not None and a.status is ApprovalStatus.EXPIRED and a.verdict is Verdict.BLOCK
    assert b is not None and b.verdict is Verdict.ALLOW
    with pytest.raises(InputError, match="already expired"):
        queue.resolve("apr_a", approve=True, approver="human", reason="late")


def test_requester_cannot_approve_and_tenant_is_enforced() -> None:
    queue = ApprovalQueue()
    queue.create(_request("apr_c"))
    with pytest.raises(InputError, match="requester"):
        queue.resolve("apr_c", approve=True, approver="agent:bot", reason="self")
    with pytest.raises(LookupError):
        queue.resolve("apr_c", approve=True, approver="human", reason="x", tenant="globex")
    assert queue.get("apr_c", tenant="globex") is None


def test_listeners_see_every_transition() -> None:
    queue = ApprovalQueue()
    seen: list[str] = []
    queue.add_listener(lambda r: seen.append(r.status.value))
    queue.create(_request("apr_d"))
    queue.resolve("apr_d", approve=False, approver="human", reason="no")
    assert seen == ["pending", "denied"]


def test_store_failure_fails_closed() -> None:
    guard = _guard()
    queue = queue_of(guard.services)
    assert queue is not None
    queue.db.close()
    decision = guard.check(_event())
    assert decision.verdict is Verdict.BLOCK and "backend.unavailable" in decision.rules


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.sampled_from(["ann", "bob", "agent:bot"])),
                min_size=1, max_size=6))
def test_first_decision_wins(moves: list[tuple[bool, str]]) -> None:
    queue = ApprovalQueue()
    queue.create(_request("apr_e"))
    outcome = None
    for approve, who in moves:
        try:
            done = queue.resolve("apr_e", approve=approve, approver=who, reason="r")
        except InputError:
            continue
        assert outcome is None, "a second decision was accepted"
        outcome = done.status
    final = queue.get("apr_e")
    assert final is not None
    assert final.status is (outcome or ApprovalStatus.PENDING)
    assert final.approver != "agent:bot"


def test_postgres_queue_round_trip(postgres_dsn: str) -> None:
    queue = ApprovalQueue(postgres_dsn)
    rid = "apr_" + "f" * 31 + str(int(time.time()) % 10)
    queue.db.execute("DELETE FROM aimds_approvals WHERE id = ?", (rid,))
    queue.create(_request(rid))
    done = queue.resolve(rid, approve=True, approver="human", reason="ok")
    got = queue.get(rid)
    assert got is not None and got.status is ApprovalStatus.APPROVED == done.status
    queue.db.execute("DELETE FROM aimds_approvals WHERE id = ?", (rid,))
    queue.close()


def test_pending_requests_per_agent_are_capped() -> None:
    """Issue 13: one agent created 114 pending approvals; past the policy's cap a review
    is blocked (``approval.limit``) and nothing more is queued."""
    guard = _guard({"extends": "default", "approvals": {"max_pending_per_agent": 3}})
    decisions = [guard.check(_event()) for _ in range(5)]
    assert [d.verdict for d in decisions] == [Verdict.REVIEW] * 3 + [Verdict.BLOCK] * 2
    assert "approval.limit" in decisions[-1].rules and decisions[-1].approval is None
    queue = queue_of(guard.services)
    assert queue is not None
    assert len(queue.query(tenant="acme", agent="bot", status=ApprovalStatus.PENDING)) == 3
    # another agent is not affected, and a decided request frees a place
    other = Event(kind=EventKind.TOOL_CALL, tool="wire", subject=Subject(tenant="acme",
                                                                          agent="bot-2"))
    assert guard.check(other).verdict is Verdict.REVIEW
    first = decisions[0].approval
    assert first is not None
    queue.resolve(first, approve=False, approver="human", reason="no")
    assert guard.check(_event()).verdict is Verdict.REVIEW


def test_the_queue_cap_applies_where_the_policy_sets_none() -> None:
    guard = _guard()
    assert [guard.check(_event()).verdict for _ in range(25)].count(Verdict.REVIEW) == 25
    queue = queue_of(guard.services)
    assert queue is not None
    queue.max_pending_per_agent = 25  # as the service sets it
    assert guard.check(_event()).verdict is Verdict.BLOCK


def test_postgres_cap_counts_only_that_agent(postgres_dsn: str) -> None:
    queue = ApprovalQueue(postgres_dsn, clock=lambda: 2.0)
    agent = "cap-" + str(time.time_ns())
    ids = [f"apr_{agent}_{i}" for i in range(3)]
    try:
        for rid in ids[:2]:
            queue.create(replace(_request(rid), agent=agent), max_pending=2)
        with pytest.raises(ApprovalLimitError):
            queue.create(replace(_request(ids[2]), agent=agent), max_pending=2)
    finally:
        for rid in ids:
            queue.db.execute("DELETE FROM aimds_approvals WHERE id = ?", (rid,))
        queue.close()
