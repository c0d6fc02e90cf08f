"""Rule ids of the identity stage and the one way its findings are built.

``message.*`` ids named in ARCHITECTURE.md are fixed: ``signature_invalid``,
``unknown_sender`` (never registered, registered to another agent, or revoked),
``replay``, ``expired`` (the envelope is outside the freshness window, or the sender's key
has expired), ``channel_denied``. Added here: ``message.recipient_mismatch`` (the envelope
is for another agent or tenant than the subject), ``message.unsigned`` (a plain-text
message under a policy that asks for signatures), ``identity.verified`` and
``delegation.verified`` (informational: who signed, which chain and effective scope), and
``delegation.invalid``, ``delegation.widened``, ``delegation.out_of_scope``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aimds.types import Finding, Severity, Verdict

__all__ = [
    "CHANNEL_DENIED",
    "DELEGATION_INVALID",
    "DELEGATION_OUT_OF_SCOPE",
    "DELEGATION_VERIFIED",
    "DELEGATION_WIDENED",
    "EXPIRED",
    "RECIPIENT_MISMATCH",
    "REPLAY",
    "SIGNATURE_INVALID",
    "STAGE",
    "UNKNOWN_SENDER",
    "UNSIGNED",
    "VERIFIED",
    "finding",
]

STAGE = "identity"

SIGNATURE_INVALID = "message.signature_invalid"
UNKNOWN_SENDER = "message.unknown_sender"
REPLAY = "message.replay"
EXPIRED = "message.expired"
CHANNEL_DENIED = "message.channel_denied"
RECIPIENT_MISMATCH = "message.recipient_mismatch"
UNSIGNED = "message.unsigned"
VERIFIED = "identity.verified"
DELEGATION_INVALID = "delegation.invalid"
DELEGATION_WIDENED = "delegation.widened"
DELEGATION_OUT_OF_SCOPE = "delegation.out_of_scope"
DELEGATION_VERIFIED = "delegation.verified"

_SEVERITY = {
    SIGNATURE_INVALID: Severity.CRITICAL,
    UNKNOWN_SENDER: Severity.HIGH,
    REPLAY: Severity.HIGH,
    EXPIRED: Severity.MEDIUM,
    CHANNEL_DENIED: Severity.HIGH,
    RECIPIENT_MISMATCH: Severity.HIGH,
    UNSIGNED: Severity.LOW,
    VERIFIED: Severity.INFO,
    DELEGATION_INVALID: Severity.HIGH,
    DELEGATION_WIDENED: Severity.HIGH,
    DELEGATION_OUT_OF_SCOPE: Severity.HIGH,
    DELEGATION_VERIFIED: Severity.INFO,
}
# What no policy setting or approval may turn into a pass: forged, unknown, replayed,
# stale or widened credentials.
_HARD = frozenset(
    {
        SIGNATURE_INVALID,
        UNKNOWN_SENDER,
        REPLAY,
        EXPIRED,
        RECIPIENT_MISMATCH,
        DELEGATION_INVALID,
        DELEGATION_WIDENED,
    }
)


def finding(
    rule: str,
    message: str,
    *,
    action: Verdict = Verdict.BLOCK,
    details: Mapping[str, Any] | None = None,
) -> Finding:
    return Finding(
        rule=rule,
        category="delegation" if rule.startswith("delegation.") else "identity",
        severity=_SEVERITY[rule],
        message=message,
        action=action,
        hard=rule in _HARD,
        stage=STAGE,
        details=details or {},
    )
