"""Operator changes of who may act (kill, identities, trust, learning) map to OCSF
Identity & Access Management classes, not to an allowed evaluation."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

import aimds
from aimds.audit.ocsf import event_type, load_schema, record_to_ocsf
from aimds.types import Services, Subject

IAM = jsonschema.Draft202012Validator(load_schema("ocsf_iam_change"))
FINDING = jsonschema.Draft202012Validator(load_schema())
BOT = Subject(tenant="acme", agent="bot-1")


@pytest.mark.parametrize(
    ("type_", "data", "class_uid", "activity_id"),
    [
        ("kill", {"action": "kill", "scope": "agent", "by": "key-1", "reason": "r"}, 3001, 9),
        ("kill", {"action": "revive", "scope": "agent", "by": "key-1", "reason": "r"}, 3001, 2),
        ("identity.registered", {"key_id": "k1", "algorithm": "ed25519", "by": "cli"}, 3001, 1),
        ("identity.revoked", {"key_id": "k1", "algorithm": "ed25519", "by": "cli"}, 3001, 5),
        ("trust.reset", {"action": "reset_trust", "by": "key-1", "changed": True}, 3004, 3),
        ("learn.remember", {"entry": "e1", "by": "admin", "evicted": 0}, 3004, 1),
        ("learn.feedback", {"decision": "d1", "label": "attack"}, 3004, 1),
        ("learn.suggestion", {"suggestion": "s1", "status": "accepted"}, 3004, 3),
        ("learn.forget", {"entry": "e1", "by": "library"}, 3004, 4),
        ("learn.something_new", {"by": "library"}, 3004, 99),
    ],
)
def test_operator_changes_map_to_iam_classes(
    make_log: Any, type_: str, data: dict[str, Any], class_uid: int, activity_id: int
) -> None:
    log = make_log()
    assert log.append_event(type_, subject=BOT, data=data).ok
    [rec] = list(log.query())
    event = record_to_ocsf(rec.data(), seq=rec.seq)
    IAM.validate(event)
    assert event_type(rec.data()) == type_ != "evaluation.allowed"
    assert (event["class_uid"], event["activity_id"]) == (class_uid, activity_id)
    assert event["type_uid"] == class_uid * 100 + activity_id
    assert event["aimds"]["event_type"] == type_ and event["aimds"]["seq"] == rec.seq
    assert "finding_info" not in event  # not a detection finding
    if class_uid == 3001:
        assert event["user"]["uid"] == "acme/bot-1"
    else:
        assert event["entity"]["type"] and event["entity"]["name"] == "bot-1"
    if "by" in data:
        assert event["actor"]["user"]["name"] == data["by"]


def test_identity_changes_through_the_registry_are_iam_events(make_log: Any) -> None:
    log = make_log()
    guard = aimds.Guard(services=Services(extras={"audit": log}))
    identity = aimds.AgentIdentity.generate(agent="planner", tenant="acme")
    guard.identities.register(identity.public())
    assert guard.identities.revoke(identity.key_id, tenant="acme")
    guard.close()
    events = [record_to_ocsf(r.data()) for r in log.query()]
    changes = [e for e in events if e["class_uid"] == 3001]
    assert [e["activity_id"] for e in changes] == [1, 5]
    for event in changes:
        IAM.validate(event)
        assert event["user"]["credential_uid"] == identity.key_id


def test_unknown_types_still_map_to_valid_detection_findings(make_log: Any) -> None:
    log = make_log()
    assert log.append_event("checkpoint", data={}).ok
    [rec] = list(log.query())
    FINDING.validate(record_to_ocsf(rec.data()))


def test_iam_schema_requires_the_class_object() -> None:
    event = record_to_ocsf({"type": "kill", "id": "x", "ts": 1.0, "subject": {}, "data": {}})
    IAM.validate(event)
    del event["user"]
    with pytest.raises(jsonschema.ValidationError):
        IAM.validate(event)


@pytest.mark.parametrize(
    ("verdict", "etype", "action_id"),
    [("block", "evaluation.blocked", 2), ("warn", "evaluation.allowed", 1),
     ("", "evaluation.allowed", 1)],
)
def test_an_event_type_the_table_does_not_name_reads_by_its_verdict(
    make_log: Any, verdict: str, etype: str, action_id: int
) -> None:
    """``mcp.tools`` (a poisoned tool list) and any later event kind: a blocking one is
    never reported to a SIEM as allowed, and its rules name the analytic."""
    log = make_log()
    rules = ("mcp.tool_poisoning",) if verdict else ()
    assert log.append_event("mcp.tools", subject=BOT, data={"tool": "t"}, verdict=verdict,
                            rules=rules).ok
    [rec] = list(log.query())
    event = record_to_ocsf(rec.data(), seq=rec.seq)
    FINDING.validate(event)
    assert event_type(rec.data()) == event["aimds"]["event_type"] == etype
    assert event["action_id"] == action_id and event["is_alert"] is (action_id == 2)
    assert event["aimds"]["rules"] == list(rules)
    if rules:
        assert event["finding_info"]["analytic"]["uid"] == rules[0]
