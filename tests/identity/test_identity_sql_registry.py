"""The database-backed registry (SQLite and real PostgreSQL): shared between processes,
secrets sealed, revocations seen by other processes within the cache time."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import aimds
from aimds import AgentIdentity, BackendError, ConfigError, Subject, Verdict
from aimds.identity.registry import EXTRAS_KEY
from aimds.identity.sealing import Sealer, sealer_from
from aimds.identity.sql_registry import SqlIdentityRegistry
from aimds.respond.approvals import SqlDatabase

SECRET = "a-shared-secret-of-enough-length"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'aimds.db'}"
        return
    dsn = request.getfixturevalue("postgres_dsn")
    yield dsn
    db = SqlDatabase(dsn)
    try:
        db.execute("DELETE FROM aimds_identities WHERE tenant LIKE ?", ("t-%",))
    finally:
        db.close()


_OPEN: list[SqlDatabase] = []


@pytest.fixture(autouse=True)
def _close_databases() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def _registry(url: str, *, key: str = "k" * 32, cache_s: float = 5.0) -> SqlIdentityRegistry:
    db = SqlDatabase(url)
    _OPEN.append(db)
    return SqlIdentityRegistry(db, Sealer(key.encode(), source="env"), cache_s=cache_s)


def test_two_processes_share_identities_and_revocations(db_url: str) -> None:
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    a, b = _registry(db_url), _registry(db_url, cache_s=0.0)
    ed = AgentIdentity.generate(agent="planner", tenant=tenant, role="expert")
    hm = AgentIdentity.from_secret(agent="hplanner", tenant=tenant, secret=SECRET)
    a.register(ed.public(), by="key:admin")
    a.register(hm.public(), by="key:admin")
    assert b.lookup(tenant, ed.key_id) == ed.public()
    assert b.lookup(tenant, hm.key_id) == hm.public()  # the secret opens in the other process
    with pytest.raises(aimds.InputError, match="already registered"):
        b.register(ed.public())
    assert [r.agent for r in b.list(tenant=tenant)] == ["planner", "hplanner"]
    assert b.revoke(ed.key_id, tenant=tenant)
    found = b.lookup(tenant, ed.key_id)
    assert found is not None and found.revoked
    assert a.get(ed.key_id, tenant=tenant).revoked  # type: ignore[union-attr]


def test_secrets_are_sealed_and_bound_to_their_row(db_url: str) -> None:
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    reg = _registry(db_url)
    hm = AgentIdentity.from_secret(agent="hplanner", tenant=tenant, secret=SECRET)
    reg.register(hm.public())
    rows = reg.db.execute("SELECT secret FROM aimds_identities WHERE tenant = ?", (tenant,))
    assert SECRET not in str(rows) and str(rows[0][0]).startswith("v1.")
    with pytest.raises(BackendError, match="AIMDS_IDENTITY_KEY") as info:
        _registry(db_url, key="another-key-entirely-000").get(hm.key_id, tenant=tenant)
    assert SECRET not in str(info.value)


def test_a_registry_that_cannot_open_secrets_fails_closed(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    _registry(db_url).register(
        AgentIdentity.from_secret(agent="hplanner", tenant=tenant, secret=SECRET).public()
    )
    guard = aimds.Guard()
    guard.services.extras[EXTRAS_KEY] = _registry(db_url, key="another-key-entirely-000")
    signer = AgentIdentity.from_secret(agent="hplanner", tenant=tenant, secret=SECRET)
    d = guard.check_message(
        signer.sign_message(to="bot", body="hi"), subject=Subject(tenant=tenant, agent="bot")
    )
    assert d.verdict is Verdict.BLOCK and "backend.unavailable" in d.rules
    assert "identity registry" in caplog.text  # logged loudly...
    assert SECRET not in caplog.text and SECRET not in d.explain()  # ...without the secret


def test_hmac_needs_a_stable_key_on_a_persistent_database(tmp_path: Path) -> None:
    db = SqlDatabase(f"sqlite:///{tmp_path / 'x.db'}")
    _OPEN.append(db)
    reg = SqlIdentityRegistry(db, sealer_from(environ={}))
    with pytest.raises(ConfigError, match="AIMDS_IDENTITY_KEY"):
        reg.register(AgentIdentity.from_secret(agent="h", tenant="t", secret=SECRET).public())
    reg.register(AgentIdentity.generate(agent="e", tenant="t").public())  # ed25519 is fine


def test_the_identity_key_comes_from_env_file_or_data_dir(tmp_path: Path) -> None:
    assert sealer_from(environ={"AIMDS_IDENTITY_KEY": "x" * 16}).source == "env"
    key_file = tmp_path / "key"
    key_file.write_text("y" * 20)
    assert sealer_from(environ={"AIMDS_IDENTITY_KEY_FILE": str(key_file)}).source == "file"
    assert sealer_from(environ={}, data_dir_secret=lambda: b"z" * 32).source == "data_dir"
    with pytest.raises(ConfigError, match="at least 16"):
        sealer_from(environ={"AIMDS_IDENTITY_KEY": "short"})
    with pytest.raises(ConfigError, match="AIMDS_IDENTITY_KEY_FILE: cannot read"):
        sealer_from(environ={"AIMDS_IDENTITY_KEY_FILE": str(tmp_path / "missing")})
