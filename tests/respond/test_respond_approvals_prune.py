"""Decided approval requests are pruned after the retention period and beyond a count;
pending ones are never deleted (they expire first)."""

from __future__ import annotations

import pytest

from aimds.respond.approvals import ApprovalQueue, ApprovalRequest, ApprovalStatus


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _request(rid: str, now: float, ttl: float = 900.0) -> ApprovalRequest:
    return ApprovalRequest(
        id=rid, tenant="acme", agent="bot", requester="agent:bot", kind="tool_call", tool="wire",
        action=None, digest="0" * 64, rules=("t.wire",), risk="high", decision_id="d",
        policy="p", created=now, expires=now + ttl, on_expiry="deny",
    )


def _count(queue: ApprovalQueue) -> int:
    return int(queue.db.execute("SELECT COUNT(*) FROM aimds_approvals")[0][0])


def test_decided_requests_go_after_the_retention_period() -> None:
    clock = Clock()
    queue = ApprovalQueue(clock=clock, retain_decided_s=3600)
    for i in range(20):
        queue.create(_request(f"r{i}", clock.now))
        queue.resolve(f"r{i}", approve=i % 2 == 0, approver="alice", reason="")
    queue.create(_request("waiting", clock.now, ttl=10 * 3600))
    clock.now += 3600 + 61
    queue.create(_request("new", clock.now))  # a transition prunes (at most once a minute)
    left = {r.id: r.status for r in queue.query(limit=1000)}
    assert left == {"waiting": ApprovalStatus.PENDING, "new": ApprovalStatus.PENDING}


def test_expired_requests_are_pruned_too_and_the_count_is_capped() -> None:
    clock = Clock()
    queue = ApprovalQueue(clock=clock, retain_decided_s=1e9, max_decided=5)
    for i in range(12):
        queue.create(_request(f"r{i}", clock.now, ttl=30))
        clock.now += 1
    clock.now += 60
    assert queue.prune() >= 7
    rows = queue.query(limit=1000)
    assert len(rows) == 5 and all(r.status is ApprovalStatus.EXPIRED for r in rows)


@pytest.mark.parametrize("steps", [200])
def test_steady_load_keeps_the_table_bounded(steps: int) -> None:
    clock = Clock()
    queue = ApprovalQueue(clock=clock, retain_decided_s=300)
    for i in range(steps):
        queue.create(_request(f"r{i}", clock.now, ttl=60))
        if i % 3:
            queue.resolve(f"r{i}", approve=True, approver="alice", reason="")
        clock.now += 10
    # 300 s of retention + 60 s of pending at 10 s a request, plus one prune interval
    assert _count(queue) <= (300 + 60 + 60) // 10 + 2
