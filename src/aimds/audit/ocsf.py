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

"Top finding" is the most severe finding of at least ``low`` severity. The full mapping is
in ``docs/ocsf.md``; ``schemas/ocsf_detection_finding.schema.json`` is the JSON Schema the
tests validate against.
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


def load_schema() -> dict[str, Any]:
    """The vendored JSON Schema of the events this module emits."""
    text = (
        resources.files("aimds.audit")
        .joinpath("schemas/ocsf_detection_finding.schema.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


def event_type(record: Mapping[str, Any]) -> str:
    """The AIMDS event type of a record (see the table above)."""
    kind = str(record.get("type", "decision"))
    if kind != "decision":
        return kind if kind in _TITLES else "evaluation.allowed"
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
    verdict = record.get("verdict", "block")
    if verdict in ("allow", "warn", "redact"):
        return 1, "Allowed", 1, "Allowed"
    return 2, "Denied", 2, "Blocked"


def record_to_ocsf(record: Mapping[str, Any], *, seq: int | None = None) -> dict[str, Any]:
    """One OCSF Detection Finding for an audit record (already masked)."""
    etype = event_type(record)
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
