"""ASI08 Cascading Failures: one agent's fault or compromise fans out through the system.

Controls: attack sequences over a session (``ASA-B-004``: the same send fanned out to many
recipients) with ``behavior.quarantine_on`` stopping the agent at the source
(``behavior.quarantine``) while its peers work on; budgets (``budget.rate``); a failed
state store or stage fails closed (``backend.unavailable``), never open.
"""

from __future__ import annotations

import aimds
from aimds.types import Verdict

from .conftest import who

QUARANTINE_ON_FANOUT = {
    "name": "asi08",
    "extends": "default",
    "behavior": {"quarantine_on": ["ASA-B-004"]},
}


def _spam(guard: aimds.Guard, agent: str, n: int) -> aimds.Decision:
    d = None
    for i in range(n):
        d = guard.check_tool_call(
            "send_email",
            {"to": f"user{i}@example.com", "subject": "Offer", "body": "Buy now"},
            subject=who(agent),
        )
    assert d is not None
    return d


def test_a_fanout_quarantines_the_agent_and_spares_its_peers() -> None:
    guard = aimds.Guard(QUARANTINE_ON_FANOUT)
    d = _spam(guard, "mailer", 12)
    assert d.verdict is Verdict.BLOCK
    assert {"ASA-B-004", "behavior.quarantine"} <= set(d.rules)
    after = guard.check_tool_call("read_file", {"path": "README.md"}, subject=who("mailer"))
    assert after.verdict is Verdict.BLOCK and "behavior.quarantine" in after.rules
    peer = guard.check_tool_call("read_file", {"path": "README.md"}, subject=who("reporter"))
    assert peer.verdict is Verdict.ALLOW


def test_a_dead_state_store_fails_closed() -> None:
    guard = aimds.Guard(
        {
            "name": "asi08-store-down",
            "extends": "default",
            "behavior": {"store": "redis", "redis_url": "redis://127.0.0.1:1/0", "timeout_ms": 50},
        }
    )
    d = guard.check_tool_call("read_file", {"path": "README.md"}, subject=who("a8"))
    assert d.verdict is Verdict.BLOCK and "backend.unavailable" in d.rules


def test_a_few_ordinary_sends_are_not_a_cascade() -> None:
    guard = aimds.Guard(QUARANTINE_ON_FANOUT)
    d = _spam(guard, "newsletter", 3)
    assert d.verdict is Verdict.ALLOW  # ordinary sends pass (review.risky_send: none here)
    assert "behavior.quarantine" not in d.rules and "ASA-B-004" not in d.rules
