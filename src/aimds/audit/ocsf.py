"""Audit records as OCSF 1.3 security events (Detection Finding, class 2004).

Every event is a Detection Finding (category 2, Findings) with the ``security_control``
profile (``action_id``, ``disposition_id``) and our ``aimds`` profile object. The AIMDS
event type goes in ``finding_info.types`` and ``aimds.event_type``:

=============================  =======================  ==========  =====================
AIMDS event type               when                     activity    action / disposition
=============================  =======================  ==========  =====================
``evaluation.allowed``         verdict allow/warn/redact 1 Create   1 Allowed / 1 Allowed
``evaluation.blocked``         verdict block             1 Create   2 Denied / 2 Blocked
``behavior.pattern_detected``  top finding behavioural   1 Create   by verdict
``scope.violation``            top finding scope/action  1 Create   by verdict
``content.policy_violation``   top finding content       1 Create   by verdict
``approval.requested``         verdict review, or event  1 Create   2 Denied / 99 Other
``approval.resolved``          approval event            3 Close    by outcome
``quarantine``                 quarantine event          1 Create   2 Denied / 3 Quarantined
=============================  =======================  ==========  =====================

"Top finding" is the most severe finding of at least ``low`` severity.

Operator changes to who may act are not findings; they map to Identity & Access Management
classes (category 3) instead, with the operator (``data.by``) as ``actor`` and the agent as
the ``user`` or managed ``entity``:

========================  =====================  ====================================
AIMDS event type          OCSF class             activity
========================  =====================  ====================================
``kill``                  3001 Account Change    9 Lock (kill), 2 Enable (revive)
``identity.registered``   3001 Account Change    1 Create
``identity.revoked``      3001 Account Change    5 Disable
``trust.reset``           3004 Entity Management 3 Update (entity: the agent's trust)
``learn.remember``        3004 Entity Management 1 Create (entity: an attack memory entry)
``learn.feedback``        3004 Entity Management 1 Create (entity: a decision's feedback)
``learn.suggestion``      3004 Entity Management 3 Update (entity: an allow-list suggestion)
``learn.forget``          3004 Entity Management 4 Delete (entity: an attack memory entry)
other ``learn.*``         3004 Entity Management 99 Other
========================  =====================  ====================================

The full mapping is in ``docs/ocsf.md``; ``schemas/ocsf_detection_finding.schema.json`` and
``schemas/ocsf_iam_change.schema.json`` are the JSON Schemas the tests validate against.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

__all__ = [
    "BEHAVIOR_CATEGORIES",
    "CONTENT_CATEGORIES",
    "OCSF_VERSION",
    "SCOPE_CATEGORIES",
    "load_schema",
    "record_to_ocsf",
]

OCSF_VERSION = "1.3.0"
PRODUCT_VERSION = "0.1.0"

BEHAVIOR_CATEGORIES = frozenset(
    {"behavior", "behaviour", "sequence", "temporal", "trust", "rate", "anomaly"}
)
SCOPE_CATEGORIES = frozenset(
    {"scope", "role", "tool", "path", "network", "budget", "autonomy", "taxonomy", "action",
     "args", "rules"}
)
CONTENT_CATEGORIES = frozenset(
    {"injection", "jailbreak", "secret", "pii", "canary", "obfuscation", "sensitive",
     "toxicity", "content", "exfiltration"}
)

_SEVERITY_IDS = {"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
_SEVERITY_NAMES = {1: "Informational", 2: "Low", 3: "Medium", 4: "High", 5: "Critical"}
_RISK_LEVELS = {"info": (0, "Info"), "low": (1, "Low"), "medium": (2, "Medium"),
                "high": (3, "High"), "critical": (4, "Critical")}
_SEV_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
_TITLES = {
    "evaluation.allowed": "Evaluation allowed",
    "evaluation.blocked": "Evaluation blocked",
    "behavior.pattern_detected": "Behavioural pattern detected",
    "scope.violation": "Scope violation",
    "content.policy_violation": "Content policy violation",
    "approval.requested": "Approval requested",
    "approval.resolved": "Approval resolved",
    "quarantine": "Agent quarantined",
}


ACCOUNT_CHANGE = 3001
ENTITY_MANAGEMENT = 3004
_CLASS_NAMES = {ACCOUNT_CHANGE: "Account Change", ENTITY_MANAGEMENT: "Entity Management"}
_ACTIVITY_NAMES = {
    ACCOUNT_CHANGE: {1: "Create", 2: "Enable", 5: "Disable", 9: "Lock"},
    ENTITY_MANAGEMENT: {1: "Create", 3: "Update", 4: "Delete", 99: "Other"},
}
# AIMDS type -> (class, activity, title, managed entity type or None for an account)
_MANAGEMENT: dict[str, tuple[int, int, str, str | None]] = {
    "kill": (ACCOUNT_CHANGE, 9, "Agent killed", None),
    "identity.registered": (ACCOUNT_CHANGE, 1, "Agent identity registered", None),
    "identity.revoked": (ACCOUNT_CHANGE, 5, "Agent identity revoked", None),
    "trust.reset": (ENTITY_MANAGEMENT, 3, "Agent trust reset", "trust_score"),
    "learn.remember": (ENTITY_MANAGEMENT, 1, "Attack memory entry added", "attack_memory"),
    "learn.feedback": (ENTITY_MANAGEMENT, 1, "Decision feedback given", "feedback"),
    "learn.suggestion": (ENTITY_MANAGEMENT, 3, "Allow-list suggestion decided", "suggestion"),
    "learn.forget": (ENTITY_MANAGEMENT, 4, "Attack memory entry removed", "attack_memory"),
}
_LEARN_OTHER = (ENTITY_MANAGEMENT, 99, "Learning change", "learning")
_REVIVE = (ACCOUNT_CHANGE, 2, "Agent revived", None)


def load_schema(name: str = "ocsf_detection_finding") -> dict[str, Any]:
    """A vendored JSON Schema of the events this module emits: ``ocsf_detection_finding``
    (decisions, approvals, quarantines) or ``ocsf_iam_change`` (the classes of 3001 and
    3004 for operator changes)."""
    text = (
        resources.files("aimds.audit")
        .joinpath(f"schemas/{name}.schema.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


def event_type(record: Mapping[str, Any]) -> str:
    """The AIMDS event type of a record (see the table above)."""
    kind = str(record.get("type", "decision"))
    if kind != "decision":
        if kind in _TITLES or kind in _MANAGEMENT or kind.startswith("learn."):
            return kind
        # an event the table does not name (``mcp.tools`` on a poisoned tool list...) reads
        # by its own verdict: a blocking one must never reach a SIEM as "allowed"
        return "evaluation.blocked" if record.get("verdict") == "block" else "evaluation.allowed"
    verdict = record.get("verdict", "block")
    if verdict == "review":
        return "approval.requested"
    top: Mapping[str, Any] | None = None
    for f in record.get("findings", ()):
        rank = _SEV_RANK.get(str(f.get("severity")), 0)
        if rank >= 1 and (top is None or rank > _SEV_RANK.get(str(top.get("severity")), 0)):
            top = f
    if top is not None:
        category = str(top.get("category", ""))
        if category in BEHAVIOR_CATEGORIES:
            return "behavior.pattern_detected"
        if category in SCOPE_CATEGORIES:
            return "scope.violation"
        if category in CONTENT_CATEGORIES:
            return "content.policy_violation"
    return "evaluation.blocked" if verdict == "block" else "evaluation.allowed"


def _action(etype: str, record: Mapping[str, Any]) -> tuple[int, str, int, str]:
    """``(action_id, action, disposition_id, disposition)``."""
    if etype == "quarantine":
        return 2, "Denied", 3, "Quarantined"
    if etype == "approval.requested":
        return 2, "Denied", 99, "Pending approval"
    if etype == "approval.resolved":
        approved = str(record.get("data", {}).get("status", "")) in ("approved", "allow")
        return (1, "Allowed", 1, "Allowed") if approved else (2, "Denied", 2, "Blocked")
    # an event without a verdict of its own takes the one its type says
    verdict = record.get("verdict") or ("allow" if etype == "evaluation.allowed" else "block")
    if verdict in ("allow", "warn", "redact"):
        return 1, "Allowed", 1, "Allowed"
    return 2, "Denied", 2, "Blocked"


def _management(etype: str, record: Mapping[str, Any]) -> tuple[int, int, str, str | None] | None:
    """``(class_uid, activity_id, title, entity type)`` of an operator change, else ``None``."""
    if etype == "kill":
        data = record.get("data") or {}
        return _REVIVE if data.get("action") == "revive" else _MANAGEMENT[etype]
    found = _MANAGEMENT.get(etype)
    if found is None and etype.startswith("learn."):
        return _LEARN_OTHER
    return found


def _management_event(
    etype: str,
    mapping: tuple[int, int, str, str | None],
    record: Mapping[str, Any],
    seq: int | None,
) -> dict[str, Any]:
    """An IAM-category event (3001 Account Change, 3004 Entity Management) for an
    operator change; its ``actor`` is the operator, its ``user``/``entity`` the agent."""
    class_uid, activity_id, title, entity_type = mapping
    activity = _ACTIVITY_NAMES[class_uid][activity_id]
    subject = record.get("subject", {}) or {}
    data = record.get("data") or {}
    tenant = str(subject.get("tenant", ""))
    agent = str(subject.get("agent", ""))
    risk = str(data.get("risk", "medium" if class_uid == ACCOUNT_CHANGE else "low"))
    severity_id = _SEVERITY_IDS.get(risk, 1)
    ms = int(float(record.get("ts", 0.0)) * 1000)
    rules = [str(r) for r in record.get("rules", ()) or ()]
    event: dict[str, Any] = {
        "activity_id": activity_id,
        "activity_name": activity,
        "category_uid": 3,
        "category_name": "Identity & Access Management",
        "class_uid": class_uid,
        "class_name": _CLASS_NAMES[class_uid],
        "type_uid": class_uid * 100 + activity_id,
        "type_name": f"{_CLASS_NAMES[class_uid]}: {activity}",
        "time": ms,
        "severity_id": severity_id,
        "severity": _SEVERITY_NAMES[severity_id],
        "status_id": 1,
        "status": "Success",
        "message": f"{title}: {tenant}/{agent}" if agent else f"{title}: {tenant}",
        "metadata": {
            "version": OCSF_VERSION,
            "uid": str(record.get("id", "")),
            "log_name": "aimds.audit",
            "profiles": ["aimds"],
            "product": {"name": "AIMDS", "vendor_name": "AIMDS", "version": PRODUCT_VERSION},
        },
        "actor": {"user": {"name": str(data.get("by", "") or "")}, "app_name": "aimds"},
        "aimds": {
            "event_type": etype,
            "record_id": str(record.get("id", "")),
            "tenant": tenant,
            "verdict": str(record.get("verdict", "")),
            "rules": rules,
            "data": data,
        },
    }
    if entity_type is None:
        account = {"name": agent, "uid": f"{tenant}/{agent}", "type": "agent"}
        if data.get("key_id"):
            account["credential_uid"] = str(data["key_id"])
        event["user"] = account
    else:
        uid = next((str(data[k]) for k in ("entry", "suggestion", "decision") if data.get(k)), "")
        event["entity"] = {"name": agent or tenant, "type": entity_type, "uid": uid or agent}
    if seq is not None:
        event["aimds"]["seq"] = seq
    return event


def record_to_ocsf(record: Mapping[str, Any], *, seq: int | None = None) -> dict[str, Any]:
    """One OCSF event for an audit record (already masked): a Detection Finding, or for an
    operator change of who may act, an Account Change or Entity Management event."""
    etype = event_type(record)
    mapping = _management(etype, record)
    if mapping is not None:
        return _management_event(etype, mapping, record, seq)
    subject = record.get("subject", {}) or {}
    risk = str(record.get("risk", "info"))
    findings = list(record.get("findings", ()))
    if record.get("type", "decision") != "decision":
        risk = str(record.get("data", {}).get("risk", "medium" if etype == "quarantine" else "low"))
    severity_id = _SEVERITY_IDS.get(risk, 1)
    activity_id = 3 if etype == "approval.resolved" else 1
    action_id, action, disp_id, disp = _action(etype, record)
    ms = int(float(record.get("ts", 0.0)) * 1000)
    rules = list(dict.fromkeys(str(f.get("rule")) for f in findings))
    rules += [str(r) for r in record.get("rules", ()) if str(r) not in rules]  # an event's own
    title = _TITLES[etype]
    desc = ", ".join(rules) if rules else "no rule objected"
    risk_level_id, risk_level = _RISK_LEVELS.get(risk, (0, "Info"))
    event: dict[str, Any] = {
        "activity_id": activity_id,
        "activity_name": "Close" if activity_id == 3 else "Create",
        "category_uid": 2,
        "category_name": "Findings",
        "class_uid": 2004,
        "class_name": "Detection Finding",
        "type_uid": 200400 + activity_id,
        "type_name": f"Detection Finding: {'Close' if activity_id == 3 else 'Create'}",
        "time": ms,
        "severity_id": severity_id,
        "severity": _SEVERITY_NAMES[severity_id],
        "status_id": 4 if activity_id == 3 else 1,
        "status": "Resolved" if activity_id == 3 else "New",
        "action_id": action_id,
        "action": action,
        "disposition_id": disp_id,
        "disposition": disp,
        "is_alert": action_id == 2,
        "message": f"{title}: {desc}",
        "risk_level_id": risk_level_id,
        "risk_level": risk_level,
        "risk_score": int(round(float(record.get("score", 0.0)) * 100)),
        "metadata": {
            "version": OCSF_VERSION,
            "uid": str(record.get("id", "")),
            "log_name": "aimds.audit",
            "profiles": ["security_control", "aimds"],
            "product": {"name": "AIMDS", "vendor_name": "AIMDS", "version": PRODUCT_VERSION},
        },
        "finding_info": {
            "uid": str(record.get("id", "")) or "unknown",
            "title": title,
            "desc": desc,
            "types": [etype],
            "created_time": ms,
            "analytic": {
                "name": rules[0] if rules else "aimds.policy",
                "uid": rules[0] if rules else "aimds.policy",
                "type_id": 1,
                "type": "Rule",
            },
        },
        "actor": {
            "user": {"name": str(subject.get("agent", "")), "uid": str(subject.get("user") or "")},
            "session": {"uid": str(subject.get("session", ""))},
            "app_name": "aimds",
        },
        "aimds": {
            "event_type": etype,
            "record_id": str(record.get("id", "")),
            "tenant": str(subject.get("tenant", "")),
            "role": str(subject.get("role", "")),
            "verdict": str(record.get("verdict", "")),
            "policy": str(record.get("policy", "")),
            "kind": record.get("kind"),
            "rules": rules,
            "findings": [
                {"rule": f.get("rule"), "category": f.get("category"),
                 "severity": f.get("severity")}
                for f in findings
            ],
        },
    }
    if record.get("tool"):
        event["resources"] = [{"type": "tool", "name": str(record["tool"])}]
    if "input" in record:
        event["aimds"]["input_digest"] = record["input"].get("digest")
    if "data" in record:
        event["aimds"]["data"] = record["data"]
    if seq is not None:
        event["aimds"]["seq"] = seq
    return event
