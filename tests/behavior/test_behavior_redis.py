"""The Redis backend against a real server: shared windows and quarantine across guards, and
the failure modes of a server that dies mid-run (a throwaway server, never the shared one)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from behavior_kit import Runner, act, build, rules_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aimds import Guard
from aimds.behavior.memory import MemoryStore
from aimds.behavior.redis_store import RedisStore
from aimds.behavior.store import (
    Count,
    Delete,
    First,
    Get,
    HashCounts,
    HashPutIf,
    Incr,
    Rate,
    Set,
    SetAdd,
    Trust,
    Window,
)
from aimds.types import EventKind, Services, Subject, Verdict

pytestmark = pytest.mark.redis
KEY = "r" * 32


def cred(kind: str) -> Any:
    return act("fs:read", "credential_access", f"credential_store:{kind}", resources=(kind,))


def _policy(url: str, **extra: Any) -> dict[str, Any]:
    return {"store": "redis", "redis_url": url, "fingerprint_key": KEY, **extra}


def test_store_ops_match_their_contract(redis_url: str, redis_client: Any) -> None:
    store = RedisStore(redis_url, timeout=1.0, prefix="aimds-test:")
    try:
        r = store.execute(
            [
                Window(key="w", member="a", score=100.0, horizon=10, ttl=60),
                Window(key="w", member="b", score=105.0, horizon=10, ttl=60),
                Window(key="w", member="a", score=112.0, horizon=10, ttl=60),  # moves a, drops none
                Window(key="w", member="c", score=116.0, horizon=10, ttl=60),  # drops b (105 < 106)
                Count(key="w", since=112.0),
                Incr(key="n", ttl=60),
                Incr(key="n", ttl=60),
                Set(key="p", value="s", ttl=60),
                HashPutIf(
                    key="h",
                    mapping={"x": "1.5"},
                    ttl=60,
                    cond_key="p",
                    cond_value="s",
                    index_key="n",
                ),
                HashPutIf(key="h", mapping={"y": "2"}, ttl=60, cond_key="p", cond_value="other"),
                Get(key="missing"),
                Trust(key="t", initial=500, half_life=100, now=1000, delta=-200, ttl=60),
                Trust(key="t", initial=500, half_life=100, now=1100, write=False),
            ]
        )
    finally:
        store.close()
    assert r[:5] == [1, 2, 2, 2, 2]
    assert r[5:7] == [1, 2]
    assert r[8:11] == [True, False, None]
    assert r[11] == 300.0 and r[12] == pytest.approx(400.0)
    assert redis_client.hgetall("aimds-test:h") == {b"x": b"1|1.5"}
    assert 0 < redis_client.pttl("aimds-test:w") <= 60_000


def test_two_guards_sharing_redis_see_one_window(redis_url: str, redis_client: Any) -> None:
    a, b = build(_policy(redis_url)), build(_policy(redis_url))
    ra, rb = Runner(a), Runner(b)
    assert ra.call("cat", {"p": "aws"}, cred("aws")) == []
    rb.now = ra.now
    assert rb.call("cat", {"p": "ssh"}, cred("ssh")) == []
    ra.now = rb.now
    assert rules_of(ra.call("cat", {"p": "kube"}, cred("kube"))) == ["ASA-B-005"]
    a.close()
    b.close()


def test_data_flow_crosses_processes(redis_url: str, redis_client: Any) -> None:
    token = "ghp_x7Kq2ZrV9mPwL3nT8bYc4HdF6jS1aE0uG5iO"
    a, b = Runner(build(_policy(redis_url))), Runner(build(_policy(redis_url)))
    a.call("read_file", {"path": ".env"}, cred("env"))
    a.result("read_file", f"TOKEN={token}")
    b.now = a.now
    out = act("net:http_post", "outbound", resources=("x.example",), outbound=True)
    assert rules_of(b.call("http_post", {"body": token}, out)) == ["ASA-B-002"]
    assert token.encode() not in b"".join(
        k + str(redis_client.dump(k)).encode() for k in redis_client.keys("*")
    )


def test_quarantine_set_by_one_guard_blocks_in_the_other(redis_url: str, redis_client: Any) -> None:
    policy = {"name": "q", "behavior": _policy(redis_url)}
    who = Subject(tenant="acme", agent="bot-7", session="s")
    with Guard(policy) as one, Guard(policy) as two:
        one.quarantine("bot-7", tenant="acme", reason="incident 42")
        decision = two.check_prompt("hello", subject=who)
        assert decision.verdict is Verdict.BLOCK
        assert "behavior.quarantine" in decision.rules
        assert two.behavior.quarantined("bot-7", tenant="acme") is not None
        assert two.release("bot-7", tenant="acme") is True
        assert "behavior.quarantine" not in two.check_prompt("hello", subject=who).rules
        assert one.release("bot-7", tenant="acme") is False


# -- a server that dies mid-run --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def own_redis() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not on PATH")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no", "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.02)
    yield f"redis://127.0.0.1:{port}/0", proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=5)


@pytest.mark.parametrize(("mode", "verdict"), [("closed", Verdict.BLOCK), ("open", Verdict.WARN)])
def test_server_killed_mid_run_gives_backend_unavailable(
    own_redis: tuple[str, subprocess.Popen[bytes]], mode: str, verdict: Verdict
) -> None:
    url, proc = own_redis
    stage = build(_policy(url, fail_mode=mode, timeout_ms=200, retry_after=0.5))
    r = Runner(stage)
    assert r.call("cat", {"p": "aws"}, cred("aws")) == []
    proc.kill()
    proc.wait(timeout=5)
    for _ in range(3):
        start = time.monotonic()
        found = r.call("cat", {"p": "ssh"}, cred("ssh"))
        assert time.monotonic() - start < 1.0
        assert rules_of(found) == ["backend.unavailable"]
        assert found[0].action is verdict
    assert stage.behavior.counts()["backend_unavailable"] == 3


def test_guard_with_dead_server_decides_by_fail_mode(
    own_redis: tuple[str, subprocess.Popen[bytes]],
) -> None:
    url, proc = own_redis
    proc.kill()
    proc.wait(timeout=5)
    with Guard({"name": "dead", "behavior": _policy(url, fail_mode="closed")}) as guard:
        start = time.monotonic()
        decision = guard.check_prompt("hello")
        assert time.monotonic() - start < 1.0
        assert decision.verdict is Verdict.BLOCK and "backend.unavailable" in decision.rules


# -- one command per event -------------------------------------------------------------------


def _calls(client: Any) -> dict[str, int]:
    stats = client.info("commandstats")
    return {name[len("cmdstat_") :]: int(v["calls"]) for name, v in stats.items()}


def test_each_event_is_one_script_call_even_after_a_script_flush(
    own_redis: tuple[str, subprocess.Popen[bytes]],
) -> None:
    import redis

    url, _ = own_redis
    client = redis.Redis.from_url(url)
    stage = build(_policy(url))
    r = Runner(stage)
    client.script_flush()  # as after a restart: the first call reloads the script
    before = _calls(client)
    for kind in ("aws", "ssh"):
        assert r.call("cat", {"p": kind}, cred(kind)) == []
    r.event(EventKind.PROMPT, text="hello")
    assert rules_of(r.call("cat", {"p": "kube"}, cred("kube"))) == ["ASA-B-005"]
    after = _calls(client)
    used = {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}
    # four events, the last with findings (a second, write-only batch), one NOSCRIPT reload;
    # commandstats also counts what the script ran, but no transaction was sent
    assert (used.get("evalsha"), used.get("eval")) == (5, 1)
    assert "multi" not in used and "exec" not in used
    stage.close()
    client.close()


# -- the Lua interpreter mirrors the memory store ---------------------------------------------

_KEYS = st.sampled_from(["w", "v", "n", "h", "s", "p", "t"])
_SCORES = st.floats(0, 1000, allow_nan=False).map(lambda x: round(x, 3))
_OPS = st.one_of(
    st.builds(
        lambda k, m, s: Window(key="w" + k, member=m, score=s, horizon=30, ttl=60, cap=6),
        _KEYS,
        st.sampled_from([None, None, "a", "b"]),
        _SCORES,
    ),
    st.builds(
        lambda k, s: Rate(key="w" + k, score=s, horizon=30, ttl=60, since=s - 10, cap=6),
        _KEYS,
        _SCORES,
    ),
    st.builds(lambda k, s: Count(key="w" + k, since=s), _KEYS, _SCORES),
    st.builds(lambda k: First(key="w" + k), _KEYS),
    st.builds(lambda k: Incr(key="n" + k, ttl=60), _KEYS),
    st.builds(lambda k, f: HashCounts(key="h" + k, field=f, ttl=60), _KEYS, st.sampled_from("xyz")),
    st.builds(lambda k, m: SetAdd(key="s" + k, member=m, ttl=60), _KEYS, st.sampled_from("ab")),
    st.builds(lambda k, v: Set(key="p" + k, value=v, ttl=60), _KEYS, st.sampled_from("s-")),
    st.builds(lambda k: Delete(key="p" + k), _KEYS),
    st.builds(lambda k: Get(key="p" + k), _KEYS),
    st.builds(
        lambda k, now, delta: Trust(
            key="t" + k, initial=500, half_life=100, now=now, delta=delta, ttl=60
        ),
        _KEYS,
        _SCORES,
        st.sampled_from([1.0, -25.0, -300.0, 0.0]),
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(st.lists(_OPS, min_size=1, max_size=8), min_size=1, max_size=6))
def test_redis_gives_the_memory_store_results(
    redis_url: str, redis_client: Any, batches: list[list[Any]]
) -> None:
    redis_client.flushdb()
    memory, store = MemoryStore(clock=lambda: 0.0), RedisStore(redis_url, timeout=1.0, prefix="m:")
    try:
        for ops in batches:
            assert store.execute(ops) == memory.execute(ops)
    finally:
        store.close()


# -- quarantine holds while the server is down (issue 13) --------------------------------------


@pytest.mark.parametrize("mode", ["open", "closed"])
def test_quarantine_holds_when_the_server_dies(
    own_redis: tuple[str, subprocess.Popen[bytes]], mode: str
) -> None:
    """A quarantined agent got ``warn`` (``backend.unavailable``, fail_mode open) once
    Redis was down; the quarantine must block whatever fail_mode says, and an agent that
    is not quarantined is decided by fail_mode as before."""
    url, proc = own_redis
    policy = {"name": "q", "behavior": _policy(url, fail_mode=mode, retry_after=0.2)}
    bad = Subject(tenant="acme", agent="bot-q", session="s")
    good = Subject(tenant="acme", agent="bot-ok", session="s")
    # ``other`` started before the quarantine and never sees this agent's events: its
    # mirror learns of the quarantine from the index its background refresh reads.
    other_store = RedisStore(url, timeout=0.2, refresh_s=0.1)
    with Guard(policy) as setter, Guard(policy, services=Services(store=other_store)) as other:
        setter.quarantine("bot-q", tenant="acme", reason="incident 7")
        time.sleep(0.5)
        # a guard started after the quarantine, that never saw this agent's events (its
        # mirror loads in the background when it connects)
        with Guard(policy) as late:
            mirror = late.behavior.store.quarantines  # type: ignore[attr-defined]
            deadline = time.monotonic() + 5
            while not len(mirror) and time.monotonic() < deadline:
                time.sleep(0.02)
            proc.kill()
            proc.wait(timeout=5)
            for guard in (setter, other, late):
                decision = guard.check_prompt("hello", subject=bad)
                assert decision.verdict is Verdict.BLOCK, (mode, decision.rules)
                assert "behavior.quarantine" in decision.rules
                assert "backend.unavailable" in decision.rules
            fallback = other.check_prompt("hello", subject=good)
            assert fallback.verdict is (Verdict.BLOCK if mode == "closed" else Verdict.WARN)
            assert "behavior.quarantine" not in fallback.rules
    other_store.close()


def test_a_release_is_mirrored_too(own_redis: tuple[str, subprocess.Popen[bytes]]) -> None:
    url, proc = own_redis
    policy = {"name": "q", "behavior": _policy(url, fail_mode="open")}
    who = Subject(tenant="acme", agent="bot-r", session="s")
    with Guard(policy) as guard:
        guard.quarantine("bot-r", tenant="acme")
        assert guard.check_prompt("hi", subject=who).verdict is Verdict.BLOCK
        assert guard.release("bot-r", tenant="acme") is True
        proc.kill()
        proc.wait(timeout=5)
        decision = guard.check_prompt("hi", subject=who)
        assert decision.verdict is Verdict.WARN and "behavior.quarantine" not in decision.rules


def test_the_default_pack_fails_closed_like_the_schema() -> None:
    """One documented default: the schema, the default pack and docs/behavior.md agree."""
    from pathlib import Path

    from aimds.policy import load_policy
    from aimds.policy.sections.behavior import BehaviorSection

    assert BehaviorSection().fail_mode == "closed"
    assert load_policy("default").document.behavior.fail_mode == "closed"
    docs = Path(__file__).parents[2] / "docs" / "behavior.md"
    assert "fail_mode: closed" in docs.read_text()


@pytest.mark.parametrize("via", ["env", "file"])
def test_data_flow_crosses_processes_with_the_key_from_the_environment(
    redis_url: str, redis_client: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any, via: str
) -> None:
    """Issue 13: the fingerprint key had to be written into policy text; from the
    environment (or a mounted secret file) every process gets the same one."""
    if via == "env":
        monkeypatch.setenv("AIMDS_FINGERPRINT_KEY", KEY)
    else:
        (tmp_path / "fp.key").write_text(KEY + "\n")
        monkeypatch.setenv("AIMDS_FINGERPRINT_KEY_FILE", str(tmp_path / "fp.key"))
    token = "ghp_y8Lq3ZrV9mPwL3nT8bYc4HdF6jS1aE0uG5iP"
    policy = {"store": "redis", "redis_url": redis_url}
    a, b = Runner(build(policy)), Runner(build(policy))
    a.call("read_file", {"path": ".env"}, cred("env"))
    a.result("read_file", f"TOKEN={token}")
    b.now = a.now
    out = act("net:http_post", "outbound", resources=("y.example",), outbound=True)
    assert rules_of(b.call("http_post", {"body": token}, out)) == ["ASA-B-002"]
