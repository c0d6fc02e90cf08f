"""Property: any single-byte change to a signed envelope (as it travels, compact JSON)
fails verification: it no longer parses, or the guard does not accept it as signed."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aimds
from aimds import AgentIdentity, Subject

from .conftest import SECRET, TENANT

GUARD = aimds.Guard({"name": "p", "extends": "default", "messages": {"replay": False}})
SIGNERS = (
    AgentIdentity.generate(agent="planner", tenant=TENANT, role="expert"),
    AgentIdentity.from_secret(agent="hplanner", tenant=TENANT, secret=SECRET),
)
for _ident in SIGNERS:
    GUARD.identities.register(_ident.public())
CHAIN = SIGNERS[0].delegate(to="planner", scope={"channels": ["tasks", "ops"]})
RECIPIENT = Subject(tenant=TENANT, agent="executor")

# JSON has several spellings of control characters (\u001f, \u001F); bodies without them
# have exactly one compact spelling, so a changed byte is a changed value.
_BODY = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=200)


def _accepted(wire: bytes) -> bool:
    try:
        envelope = json.loads(wire.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return False
    if not isinstance(envelope, dict):
        return False
    return "identity.verified" in GUARD.check_message(envelope, subject=RECIPIENT).rules


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    signer=st.sampled_from(SIGNERS),
    body=_BODY,
    channel=st.sampled_from(["tasks", "ops"]),
    delegated=st.booleans(),
    data=st.data(),
)
def test_any_single_byte_change_fails_verification(
    signer: AgentIdentity, body: str, channel: str, delegated: bool, data: st.DataObject
) -> None:
    chain = CHAIN if delegated and signer is SIGNERS[0] else None
    envelope = signer.sign_message(to="executor", body=body, channel=channel, delegation=chain)
    wire = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert _accepted(wire)  # the untouched envelope verifies (replay checks are off here)
    index = data.draw(st.integers(0, len(wire) - 1), label="index")
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != wire[index]), label="byte")
    changed = wire[:index] + bytes([byte]) + wire[index + 1 :]
    assert not _accepted(changed)
