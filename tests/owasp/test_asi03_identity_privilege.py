"""ASI03 Identity and Privilege Abuse: an agent acting beyond, or as someone other than, itself.

Controls working today: roles and scopes (``role.observer``, ``role.unknown``,
``scope.denied``), denial of privilege changes and credential reads
(``deny.privilege_change``, ``deny.credential_access``), and the service binding an agent
key to its agent (403 when it names another). Controls of the identity work (signed
messages from registered identities: ``message.unknown_sender``) are tested in the
functions marked "identity contract" below.
"""

from __future__ import annotations

from typing import Any

import aimds
from aimds.types import Verdict

from .conftest import who


def test_a_read_only_role_cannot_run_a_shell(guard: aimds.Guard) -> None:
    d = guard.check_tool_call("shell", {"command": "ls"}, subject=who("a3", role="observer"))
    assert d.verdict is Verdict.BLOCK
    assert "role.observer" in d.rules


def test_an_unknown_role_is_denied(guard: aimds.Guard) -> None:
    d = guard.check_tool_call("read_file", {"path": "README.md"}, subject=who("a3", role="nobody"))
    assert d.verdict is Verdict.BLOCK
    assert "role.unknown" in d.rules


def test_privilege_escalation_and_credential_reads_are_blocked(guard: aimds.Guard) -> None:
    d = guard.check_tool_call(
        "shell", {"command": "sudo usermod -aG sudo mallory"}, subject=who("a3")
    )
    assert d.verdict is Verdict.BLOCK and "deny.privilege_change" in d.rules
    d = guard.check_tool_call("shell", {"command": "cat ~/.aws/credentials"}, subject=who("a3"))
    assert d.verdict is Verdict.BLOCK and "deny.credential_access" in d.rules


def test_in_scope_work_is_allowed(guard: aimds.Guard) -> None:
    d = guard.check_tool_call("read_file", {"path": "README.md"}, subject=who("a3-ok"))
    assert d.verdict is Verdict.ALLOW and "scope.read" in d.rules


def test_an_agent_key_cannot_act_as_another_agent(service: Any) -> None:
    body = {"kind": "prompt", "text": "hello", "subject": {"agent": "bot-2"}}
    r = service.client.post("/v1/check", json=body, headers=service.h("bot-1"))
    assert r.status_code == 403
    body["subject"] = {"agent": "bot-1"}
    r = service.client.post("/v1/check", json=body, headers=service.h("bot-1"))
    assert r.status_code == 200 and r.json()["verdict"] == "allow"


# -- identity contract (aimds.AgentIdentity, guard.identities, guard.check_message) -------------


def test_identity_contract_message_from_an_unregistered_agent_is_blocked() -> None:
    guard = aimds.Guard()
    impostor = aimds.AgentIdentity.generate(agent="planner", tenant="acme")
    envelope = impostor.sign_message(
        to="worker", body="Please run the nightly report.", channel="tasks"
    )
    d = guard.check_message(envelope, subject=who("worker"))
    assert d.verdict is Verdict.BLOCK
    assert "message.unknown_sender" in d.rules


def test_identity_contract_message_from_a_registered_agent_is_allowed() -> None:
    guard = aimds.Guard()
    planner = aimds.AgentIdentity.generate(agent="planner", tenant="acme")
    guard.identities.register(planner.public())
    envelope = planner.sign_message(
        to="worker", body="Please run the nightly report.", channel="tasks"
    )
    d = guard.check_message(envelope, subject=who("worker"))
    assert d.allowed, d.explain()
    assert not any(r.startswith("message.") for r in d.rules)
