"""ASI10 Rogue Agents: an agent that drifts from its purpose or is compromised keeps acting.

Controls working today: trust scoring (every violation costs trust; an ``untrusted`` tier
sends outbound actions to review: ``behavior.trust.tier``), operator quarantine
(``guard.quarantine``: every event blocked with ``behavior.quarantine``). The kill switch
(``guard.kill``: ``kill.active``) comes with the rings and kill-switch work; its tests are the
functions marked "kill switch contract" below.
"""

from __future__ import annotations

import aimds
from aimds.types import Verdict

from .conftest import who

README = {"path": "README.md"}


def test_a_quarantined_agent_is_stopped_and_its_peers_are_not(guard: aimds.Guard) -> None:
    guard.quarantine("rogue", tenant="acme", reason="incident 42")
    d = guard.check_tool_call("read_file", README, subject=who("rogue"))
    assert d.verdict is Verdict.BLOCK and "behavior.quarantine" in d.rules
    assert guard.check_tool_call("read_file", README, subject=who("steady")).allowed
    assert guard.release("rogue", tenant="acme")
    assert guard.check_tool_call("read_file", README, subject=who("rogue")).allowed


def test_an_agent_that_keeps_violating_loses_the_right_to_act_alone(guard: aimds.Guard) -> None:
    for _ in range(6):
        guard.check_tool_call("shell", {"command": "cat /etc/shadow"}, subject=who("drifter"))
    assert guard.trust("drifter", tenant="acme").tier == "untrusted"
    d = guard.check_tool_call(
        "http_request",
        {"url": "https://api.example.com/x", "method": "GET"},
        subject=who("drifter"),
    )
    assert d.verdict is Verdict.REVIEW and "behavior.trust.tier" in d.rules


def test_a_well_behaved_agent_keeps_its_trust(guard: aimds.Guard) -> None:
    for _ in range(6):
        guard.check_tool_call("read_file", README, subject=who("steady"))
    assert guard.trust("steady", tenant="acme").tier != "untrusted"
    d = guard.check_tool_call(
        "http_request",
        {"url": "https://api.example.com/x", "method": "GET"},
        subject=who("steady"),
    )
    assert d.verdict is Verdict.ALLOW


# -- kill switch contract (guard.kill / guard.revive, rule kill.active) ---------------------------


def test_kill_switch_contract_a_killed_agent_is_blocked_on_every_event() -> None:
    guard = aimds.Guard()
    guard.kill(tenant="acme", agent="rogue", reason="incident 42")
    for d in (
        guard.check_prompt("hello", subject=who("rogue")),
        guard.check_tool_call("read_file", README, subject=who("rogue")),
        guard.check_memory_write("k", "a note", subject=who("rogue"), provenance="user"),
    ):
        assert d.verdict is Verdict.BLOCK and "kill.active" in d.rules
    assert guard.check_tool_call("read_file", README, subject=who("steady")).allowed


def test_kill_switch_contract_a_revived_agent_acts_again() -> None:
    guard = aimds.Guard()
    guard.kill(tenant="acme", agent="rogue", reason="incident 42")
    guard.revive(tenant="acme", agent="rogue")
    assert guard.check_tool_call("read_file", README, subject=who("rogue")).allowed
