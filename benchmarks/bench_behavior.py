"""Behaviour stage latency (memory and Redis, 200-event window) and replay throughput.

* ``behavior.memory``: one tool call through the stage alone, with the session's windows
  already holding 200 events (hand-built actions, as the rules stage would set them).
* ``behavior.memory.prompt``: a prompt in the same session (the light path: quarantine,
  counter, trust).
* ``behavior.memory.new_session``: a ``shell ls -la`` call in a new session of one agent per
  call (the shape of issue #2's guard benchmark: every call creates session keys, the agent's
  baselines keep growing, the store holds tens of thousands of sessions).
* ``behavior.redis``: the same against Redis on 127.0.0.1:6379/15 (skipped when absent);
  ``extra.round_trips_per_event`` counts store calls (each one ``EVALSHA``) per event.

``extra.cpu_us`` is process CPU time per call: steadier than wall time on a shared machine.
* ``replay.10k``: 10,000 trace events through the full default guard (all stages).
"""

from __future__ import annotations

import itertools
import json
import socket
import time
from typing import Any

from aimds.behavior.memory import MemoryStore
from aimds.behavior.stage import BehaviorStage, build_stage
from aimds.policy import load_policy
from aimds.trace.format import iter_trace
from aimds.trace.replay import fresh_guard, replay
from aimds.types import ActionInfo, Evaluation, Event, EventKind, Services, Severity, Subject
from benchmarks.harness import Result, measure

REDIS_URL = "redis://127.0.0.1:6379/15"
WINDOW = 200
WHO = Subject(tenant="bench", agent="agent-1", session="s1")
ACTIONS = [
    ActionInfo(type="fs:read", risk=Severity.LOW, resources=("/app/src/cart.py",)),
    ActionInfo(type="shell:exec", risk=Severity.LOW, tags=frozenset({"recon"})),
    ActionInfo(type="net:http_get", risk=Severity.LOW, resources=("pypi.org",)),
    ActionInfo(
        type="email:send",
        risk=Severity.MEDIUM,
        resources=("team@acme.example",),
        outbound=True,
        tags=frozenset({"outbound"}),
    ),
]


def _stage(store: Any = None, **behavior: Any) -> BehaviorStage:
    policy = load_policy({"name": "bench", "behavior": {"fingerprint_key": "b" * 32, **behavior}})
    stage = build_stage(policy, Services(store=store))
    assert stage is not None
    return stage


def _cpu(name: str, fn: Any, *, n: int, warmup: int, extra: dict[str, Any] | None = None) -> Result:
    """``measure`` plus the process CPU time per call in ``extra.cpu_us``."""
    start = time.process_time()
    result = measure(name, fn, n=n, warmup=warmup)
    cpu_us = (time.process_time() - start) / (n + warmup) * 1e6
    return Result(**{**result.as_dict(), "extra": {"cpu_us": round(cpu_us, 2), **(extra or {})}})


def _prompts(stage: BehaviorStage) -> Any:
    """Prompts in the session ``_driver`` filled, one a second after its tool calls."""
    clock = itertools.count(WINDOW)

    def one() -> None:
        ts = 1_767_225_600.0 + next(clock) * 1.0
        event = Event(kind=EventKind.PROMPT, subject=WHO, text="hello", ts=ts)
        stage(Evaluation(event=event, ts=ts))

    return one


def _new_sessions(stage: BehaviorStage) -> Any:
    """One recon-free shell call per new session of one agent, one event every millisecond."""
    counter = itertools.count()
    action = ActionInfo(type="shell:exec", risk=Severity.MEDIUM)

    def one() -> None:
        i = next(counter)
        who = Subject(tenant="bench", agent="a", session=f"s{i}")
        args = {"command": "ls -la"}
        ts = 1_767_225_600.0 + i * 0.001
        event = Event(kind=EventKind.TOOL_CALL, subject=who, tool="shell", args=args, ts=ts)
        ev = Evaluation(event=event, ts=ts, args=args)
        ev.action = action
        stage(ev)

    return one


def _driver(stage: BehaviorStage) -> Any:
    clock = itertools.count()

    def one() -> None:
        i = next(clock)
        action = ACTIONS[i % len(ACTIONS)]
        args = {"path": f"/app/src/{'abcdefg'[i % 7]}.py", "body": "status: green"}
        ts = 1_767_225_600.0 + i * 1.0  # one event a second: 200 events span the 5-minute window
        ev = Evaluation(
            event=Event(kind=EventKind.TOOL_CALL, subject=WHO, tool="t", args=args, ts=ts),
            ts=ts,
            args=args,
        )
        ev.action = action
        stage(ev)

    for _ in range(WINDOW):
        one()
    return one


class _CountingStore:
    """Counts round trips (``execute`` calls) of the store it wraps."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls = 0

    def execute(self, ops: Any) -> Any:
        self.calls += 1
        return self.inner.execute(ops)

    def close(self) -> None:
        self.inner.close()


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.3).close()
        return True
    except OSError:
        return False


def _replay_10k(n: int) -> Result:
    base = []
    with open("../shared/datasets/traces_dev.jsonl", encoding="utf-8") as fh:
        base = [json.loads(line) for line in fh if line.strip()]
    lines = []
    for i in range(n):
        row = dict(base[i % len(base)])
        row["session"] = f"{row['session']}-{i // len(base)}"
        lines.append(json.dumps(row))
    events = list(iter_trace(lines))
    with fresh_guard("default") as guard:
        start = time.perf_counter()
        cpu_start = time.process_time()
        for _ in replay(events, guard):
            pass
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
    return Result(
        name="replay.default_guard",
        n=n,
        p50_us=0.0,
        p99_us=0.0,
        mean_us=elapsed / n * 1e6,
        ops_per_s=n / elapsed,
        extra={
            "note": "full pipeline, all stages; p50/p99 not sampled",
            "cpu_events_per_s": round(n / cpu, 1),
        },
    )


def run(quick: bool) -> list[Result]:
    n = 2_000 if quick else 20_000
    results = [_cpu("behavior.memory", _driver(_stage(MemoryStore())), n=n, warmup=200)]
    prompt_stage = _stage(MemoryStore())
    _driver(prompt_stage)
    results.append(_cpu("behavior.memory.prompt", _prompts(prompt_stage), n=n, warmup=200))
    fresh = _new_sessions(_stage(MemoryStore()))
    results.append(_cpu("behavior.memory.new_session", fresh, n=n, warmup=200))
    if _redis_up():
        from aimds.behavior.redis_store import RedisStore

        store = _CountingStore(RedisStore(REDIS_URL, timeout=1.0, prefix="aimds-bench:"))
        stage = _stage(store)
        one = _driver(stage)
        before = store.calls
        rn = 500 if quick else 5_000
        result = _cpu("behavior.redis", one, n=rn, warmup=100)
        trips = (store.calls - before) / (rn + 100)
        results.append(
            Result(
                **{
                    **result.as_dict(),
                    "extra": {**result.extra, "round_trips_per_event": round(trips, 3)},
                }
            )
        )
        for key in store.inner._client.scan_iter("aimds-bench:*"):
            store.inner._client.delete(key)
        store.close()
    results.append(_replay_10k(2_000 if quick else 10_000))
    return results
