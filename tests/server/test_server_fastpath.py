"""The fast path for the judging endpoints answers exactly like the framework routes, and
credentials pin who an agent is: tenant, agent id and role come from the key, never the body."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aimds.server.auth import Authenticator, KeyStore, Role
from aimds.server.settings import ServerSettings
from aimds.types import Evaluation

_VOLATILE = {"id", "latency_us", "approval"}  # fresh per request


def _both(svc: Any, path: str, **kw: Any) -> tuple[Any, Any]:
    """The same request answered by the fast path and by the framework route."""
    fast = svc.client.post(path, **kw)
    saved, svc.app.fast_path = svc.app.fast_path, None
    try:
        slow = svc.client.post(path, **kw)
    finally:
        svc.app.fast_path = saved
    return fast, slow


def _same(fast: Any, slow: Any) -> None:
    assert fast.status_code == slow.status_code
    assert fast.headers["content-type"] == slow.headers["content-type"]
    a, b = fast.json(), slow.json()
    if isinstance(a, dict) and "verdict" in a:
        a = {k: v for k, v in a.items() if k not in _VOLATILE}
        b = {k: v for k, v in b.items() if k not in _VOLATILE}
    assert a == b


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/evaluate", {"tool": "read_file", "args": {"path": "/tmp/x"}}),
        ("/v1/evaluate", {"tool": "rm"}),
        ("/v1/detect", {"text": "hello there", "subject": {"session": "s1"}}),
        ("/v1/check", {"kind": "tool_call", "tool": "read_file", "meta": {"trace": "t1"}}),
    ],
)
def test_fast_path_answers_like_the_routes(service: Any, path: str, body: Any) -> None:
    fast, slow = _both(service, path, json=body, headers=service.h("agent"))
    assert fast.status_code == 200
    _same(fast, slow)


def test_fast_path_errors_match_the_routes(service: Any) -> None:
    h = service.h("agent")
    cases: list[dict[str, Any]] = [
        {"json": {"tool": "read_file", "subject": {"agent": "bot-2"}}, "headers": h},  # 403
        {"json": {"tool": "read_file", "subject": {"tenant": "globex"}}, "headers": h},  # 403
        {"json": {"tool": "read_file"}, "headers": service.h("approver")},  # 403 role
        {"json": {"tool": "read_file", "nope": 1}, "headers": h},  # 422 names the field
        {"json": {"tool": ""}, "headers": h},  # 422
        {"content": b"{broken", "headers": {**h, "Content-Type": "application/json"}},
        {"json": {"tool": "read_file"}, "headers": {"Authorization": "Bearer aimds_x_y"}},
        {"json": {"tool": "read_file"}},  # 401, no credentials
        {"json": {"tool": "read_file"}, "headers": {**h, "Content-Type": "text/plain"}},
    ]
    for kw in cases:
        fast, slow = _both(service, "/v1/evaluate", **kw)
        assert fast.status_code in {401, 403, 422}, (kw, fast.text)
        _same(fast, slow)
    r = service.client.post("/v1/evaluate", json={"tool": "read_file", "nope": 1}, headers=h)
    assert r.json()["detail"][0]["field"] == "body.nope"


def test_fast_path_refuses_big_bodies_and_counts_rate_limits(
    tmp_path: Path, service_factory: Any
) -> None:
    svc = service_factory(
        ServerSettings(data_dir=tmp_path, rate_limit_per_minute=2, max_body_bytes=2048)
    )
    h = svc.h("agent")
    big = svc.client.post("/v1/detect", json={"text": "a" * 5000}, headers=h)
    assert big.status_code == 413
    codes = [
        svc.client.post("/v1/evaluate", json={"tool": "read_file"}, headers=h) for _ in range(3)
    ]
    assert [c.status_code for c in codes] == [200, 200, 429]
    assert 1 <= int(codes[2].headers["retry-after"]) <= 60
    assert "rate limit" in codes[2].json()["error"]


def test_agent_key_pins_its_role_whatever_the_body_says(service: Any) -> None:
    state = service.app.state.aimds
    _, expert = state.keys.create(role="agent", tenant="acme", agent="bot-e")
    _, architect = state.keys.create(
        role="agent", tenant="acme", agent="bot-a", agent_role="architect"
    )
    body = {"tool": "read_file", "subject": {"role": "architect", "session": "s"}}
    for path, payload in (("/v1/evaluate", body),
                          ("/v1/check", {"kind": "prompt", "text": "hi", **body})):
        payload = {k: v for k, v in payload.items() if path != "/v1/check" or k != "tool"}
        for fast in (True, False):
            saved = service.app.fast_path
            service.app.fast_path = saved if fast else None
            try:
                r = service.client.post(path, json=payload,
                                        headers={"Authorization": f"Bearer {expert}"})
                assert r.status_code == 200 and r.json()["subject"]["role"] == "expert"
                assert r.json()["subject"]["agent"] == "bot-e"
                assert r.json()["subject"]["tenant"] == "acme"
                low = {**payload, "subject": {"role": "observer"}}
                r = service.client.post(path, json=low,
                                        headers={"Authorization": f"Bearer {architect}"})
                assert r.json()["subject"]["role"] == "architect"
            finally:
                service.app.fast_path = saved
    # an admin submitting on an agent's behalf names the role explicitly
    r = service.client.post("/v1/evaluate", json=body, headers=service.h("admin"))
    assert r.json()["subject"]["role"] == "architect"


def test_agent_role_is_only_for_agent_keys(service: Any) -> None:
    from aimds.errors import InputError

    keys = service.app.state.aimds.keys
    with pytest.raises(InputError, match="agent_role"):
        keys.create(role="approver", tenant="acme", agent_role="architect")
    with pytest.raises(InputError, match="agent_role"):
        keys.create(role="agent", tenant="acme", agent_role="../x")


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_key_cache_hits_without_the_store_and_forgets_on_revoke(tmp_path: Path) -> None:
    from aimds.respond.approvals import SqlDatabase

    clock = _Clock()
    db = SqlDatabase(f"sqlite:///{tmp_path / 'k.db'}")
    other = SqlDatabase(f"sqlite:///{tmp_path / 'k.db'}")  # another process, say the CLI
    keys = KeyStore(db, monotonic=clock)
    record, token = keys.create(role="agent", tenant="acme", agent="a1", agent_role="expert")
    auth = Authenticator(keys, monotonic=clock)
    assert auth.cached(token) is None  # nothing verified yet
    who = auth.verify(token)
    assert who is not None and who.role is Role.AGENT and who.agent_role == "expert"
    assert auth.cached(token) == who
    assert auth.cached(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    # revoked elsewhere: trusted until the cache entry ages out, then refused
    KeyStore(other).revoke(record.id)
    assert auth.verify(token) == who
    clock.now += 6
    assert auth.verify(token) is None and auth.cached(token) is None
    # revoked here: forgotten at once
    record2, token2 = keys.create(role="admin", tenant="acme")
    assert auth.verify(token2) is not None
    assert keys.revoke(record2.id)
    assert auth.cached(token2) is None and auth.verify(token2) is None
    db.close()
    other.close()


def test_old_key_tables_gain_the_agent_role_column(tmp_path: Path) -> None:
    from aimds.respond.approvals import SqlDatabase

    db = SqlDatabase(f"sqlite:///{tmp_path / 'old.db'}")
    db.execute(
        "CREATE TABLE aimds_keys (id TEXT PRIMARY KEY, hash TEXT NOT NULL, role TEXT NOT NULL, "
        "tenant TEXT NOT NULL, agent TEXT, name TEXT NOT NULL, created DOUBLE PRECISION NOT "
        "NULL, revoked INTEGER NOT NULL DEFAULT 0)"
    )
    keys = KeyStore(db)
    _, token = keys.create(role="agent", tenant="acme", agent_role="observer")
    who = keys.verify(token)
    assert who is not None and who.agent_role == "observer"
    KeyStore(db)  # a second start migrates nothing
    db.close()


class _Where:
    """A stage that records which thread judged each event."""

    name = "where"

    def __init__(self) -> None:
        self.threads: list[str] = []

    def __call__(self, ev: Evaluation) -> None:
        self.threads.append(threading.current_thread().name)


def test_small_requests_are_judged_on_the_loop_long_texts_in_the_pool(
    tmp_path: Path, service_factory: Any, review_guard: Any
) -> None:
    guard = review_guard()
    where = _Where()
    guard.stages = (*guard.stages, where)
    svc = service_factory(ServerSettings(data_dir=tmp_path, inline_max_bytes=1024), guard)
    h = svc.h("agent")
    assert svc.client.post("/v1/evaluate", json={"tool": "read_file"}, headers=h).status_code == 200
    assert svc.client.post("/v1/detect", json={"text": "x" * 2000}, headers=h).status_code == 200
    assert not where.threads[0].startswith("aimds-guard")
    assert where.threads[1].startswith("aimds-guard")


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["", "read_file", "rm", "wire_transfer", "prompt", "tool_call", "bot-2",
                     "acme", "globex", "architect", "x" * 300]),
)
_VALUES = st.recursive(_SCALARS, lambda inner: st.dictionaries(
    st.sampled_from(["tenant", "agent", "role", "session", "path", "k"]), inner, max_size=3
), max_leaves=6)
_BODIES = st.dictionaries(
    st.sampled_from(["tool", "args", "subject", "meta", "wait", "text", "kind", "nope"]),
    _VALUES, max_size=5,
)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/v1/evaluate", "/v1/detect", "/v1/check"]), body=_BODIES)
def test_any_body_gets_the_same_answer_either_way(service: Any, path: str, body: Any) -> None:
    body.pop("wait", None)  # a held review would only slow the comparison down
    fast, slow = _both(service, path, json=body, headers=service.h("agent"))
    assert fast.status_code < 500
    _same(fast, slow)
