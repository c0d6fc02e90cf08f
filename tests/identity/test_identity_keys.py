"""Identities: construction, what leaves the agent, files, and the registry."""

from __future__ import annotations

import json
import stat

import pytest

import aimds
from aimds import AgentIdentity, InputError
from aimds.identity import MemoryRegistry, PublicIdentity

from .conftest import SECRET


def test_ed25519_public_part_holds_no_private_key() -> None:
    ident = AgentIdentity.generate(agent="planner", tenant="acme", role="expert")
    pub = ident.public()
    assert pub.algorithm == "ed25519" and pub.secret is None
    assert pub.public_key is not None and len(pub.public_key) == 32
    assert pub.key_id == ident.key_id and len(pub.key_id) == 16
    private = ident.private_dict()["private_key"]
    assert private not in json.dumps(pub.as_dict(include_secret=True))
    assert private not in repr(ident) and private not in repr(pub)


def test_hmac_key_id_derives_from_the_secret_alone() -> None:
    a = AgentIdentity.from_secret(agent="x", tenant="acme", secret=SECRET)
    b = AgentIdentity.from_secret(agent="x", tenant="acme", secret=SECRET.encode())
    other = AgentIdentity.from_secret(agent="x", tenant="acme", secret=SECRET + "!")
    assert a.key_id == b.key_id != other.key_id
    pub = a.public()
    assert pub.secret == SECRET.encode()
    assert "secret" not in pub.as_dict()  # only when asked for
    assert SECRET not in repr(pub)


def test_short_secrets_and_bad_names_are_refused_with_the_field() -> None:
    with pytest.raises(InputError, match="secret: use at least 16 bytes"):
        AgentIdentity.from_secret(agent="x", tenant="acme", secret="short")
    with pytest.raises(InputError, match="^agent:"):
        AgentIdentity.generate(agent="bad agent", tenant="acme")
    with pytest.raises(InputError, match="^tenant:"):
        AgentIdentity.generate(agent="a", tenant="")


def test_save_writes_0600_and_load_signs_alike(tmp_path) -> None:
    ident = AgentIdentity.generate(agent="planner", tenant="acme", role="expert")
    path = tmp_path / "planner.json"
    ident.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = AgentIdentity.load(path)
    assert again.key_id == ident.key_id and again.role == "expert"
    guard = aimds.Guard()
    guard.identities.register(ident.public())
    env = again.sign_message(to="executor", body="hello")
    who = aimds.Subject(tenant="acme", agent="executor")
    assert guard.check_message(env, subject=who).verdict is aimds.Verdict.ALLOW
    with pytest.raises(FileExistsError):
        ident.save(path)  # never overwrites a key file


def test_load_errors_name_the_file_not_the_contents(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("not json sk_live_CANARY")
    with pytest.raises(InputError, match="not a JSON identity file") as info:
        AgentIdentity.load(bad)
    assert "CANARY" not in str(info.value)


def test_public_identity_round_trips_and_checks_the_key_id() -> None:
    pub = AgentIdentity.generate(agent="a", tenant="acme").public()
    assert PublicIdentity.from_dict(pub.as_dict()) == pub
    forged = {**pub.as_dict(), "key_id": "0" * 16}
    with pytest.raises(InputError, match="key_id: does not match"):
        PublicIdentity.from_dict(forged)
    with pytest.raises(InputError, match="identity.extra: unknown field"):
        PublicIdentity.from_dict({**pub.as_dict(), "extra": 1})


def test_registry_register_get_list_revoke() -> None:
    reg = MemoryRegistry()
    a = AgentIdentity.generate(agent="a", tenant="acme").public()
    b = AgentIdentity.from_secret(agent="b", tenant="beta", secret=SECRET).public()
    reg.register(a)
    reg.register(b.as_dict(include_secret=True))
    assert reg.get(a.key_id, tenant="acme") == a
    assert reg.get(a.key_id, tenant="beta") is None  # keys are per tenant
    assert [r.agent for r in reg.list(tenant="beta")] == ["b"]
    assert {r.agent for r in reg.list()} == {"a", "b"}
    with pytest.raises(InputError, match="already registered"):
        reg.register(a)
    assert reg.revoke(a.key_id, tenant="acme") is True
    assert reg.revoke(a.key_id, tenant="acme") is False
    got = reg.get(a.key_id, tenant="acme")
    assert got is not None and got.revoked
    with pytest.raises(InputError, match="already registered"):
        reg.register(a)  # a revoked key id stays revoked


def test_registering_the_private_identity_is_refused() -> None:
    ident = AgentIdentity.generate(agent="a", tenant="acme")
    with pytest.raises(InputError, match=r"register identity.public\(\)"):
        aimds.Guard().identities.register(ident)  # type: ignore[arg-type]


def test_registry_changes_reach_the_audit_listener() -> None:
    seen: list[tuple[str, str, str]] = []
    reg = MemoryRegistry()
    reg.add_listener(lambda change, ident, by: seen.append((change, ident.agent, by)))
    pub = AgentIdentity.generate(agent="a", tenant="acme").public()
    reg.register(pub, by="key:admin1")
    reg.revoke(pub.key_id, tenant="acme", by="key:admin1")
    assert seen == [("registered", "a", "key:admin1"), ("revoked", "a", "key:admin1")]


def test_guards_sharing_services_share_the_registry() -> None:
    services = aimds.Services()
    g1, g2 = aimds.Guard(services=services), aimds.Guard(services=services)
    assert g1.identities is g2.identities
    assert aimds.Guard().identities is not g1.identities
