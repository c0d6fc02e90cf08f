"""Baselines: quiet for new agents and steady work, low findings for spikes, first use and
entropy once the agent has history; never ASA-B-* ids. And no secret in failure paths."""

from __future__ import annotations

from behavior_kit import Runner, act, build, rules_of

from aimds import Guard
from aimds.behavior.baselines import entropy_bits
from aimds.types import Severity

READ = act("fs:read", resources=("/app/a.py",))


def _steady(r: Runner, n: int) -> list[str]:
    fired = []
    for i in range(n):
        fired += rules_of(r.call("read", {"path": f"/app/{'x' * (i % 40)}.py"}, READ, dt=30))
    return fired


def test_new_agents_and_steady_work_are_quiet() -> None:
    r = Runner(build({"baselines": {"min_history": 20}}))
    assert _steady(r, 120) == []


def test_spike_against_own_history_is_a_low_finding() -> None:
    r = Runner(build({"baselines": {"min_history": 20}}))
    _steady(r, 120)  # one read every 30 s for an hour
    fired: list[str] = []
    for i in range(20):  # then 20 reads in 20 seconds
        found = r.call("read", {"path": f"/b/{'y' * i}"}, READ, dt=1)
        fired += rules_of(found)
        for f in found:
            assert f.severity is Severity.LOW and f.action is None
    assert "behavior.baseline.spike" in fired
    assert not any(rule.startswith("ASA-B-") for rule in fired)


def test_first_use_after_history() -> None:
    r = Runner(build({"baselines": {"min_history": 20}}))
    _steady(r, 30)
    found = r.call(
        "get", {"url": "https://new.example"}, act("net:http_get", resources=("new.example",))
    )
    assert rules_of(found) == ["behavior.baseline.new_action"]
    found = r.call(
        "get", {"url": "https://other.example"}, act("net:http_get", resources=("other.example",))
    )
    assert rules_of(found) == ["behavior.baseline.new_host"]
    assert (
        r.call(
            "get",
            {"url": "https://other.example/x"},
            act("net:http_get", resources=("other.example",)),
        )
        == []
    )


def test_entropy() -> None:
    assert entropy_bits({}) == 0.0
    assert entropy_bits({"a": 4}) == 0.0
    assert abs(entropy_bits({str(i): 1 for i in range(16)}) - 4.0) < 1e-9
    r = Runner(
        build({"baselines": {"min_history": 1, "entropy_min_events": 16, "first_use": False}})
    )
    fired: list[str] = []
    for i in range(16):
        fired += rules_of(r.call("t", {"i": "x" * i}, act(f"cat{i}:do"), dt=60))
    assert fired[-1:] == ["behavior.baseline.entropy"]


def test_backend_failure_messages_never_hold_the_url_password() -> None:
    canary = "S3cr3tCanaryPw9"
    policy = {
        "name": "p",
        "behavior": {"store": "redis", "redis_url": f"redis://:{canary}@127.0.0.1:1/0"},
    }
    with Guard(policy) as guard:
        decision = guard.check_prompt("hello")
    assert "backend.unavailable" in decision.rules
    assert canary not in repr(decision) and canary not in decision.explain()
