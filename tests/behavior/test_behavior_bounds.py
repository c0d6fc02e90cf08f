"""What bounds the behaviour state: a capped first-use host set (memory and Redis), and the
trust recovery half-life in both stores."""

from __future__ import annotations

from typing import Any

import pytest
from behavior_kit import Runner, act, build

from aimds.behavior.memory import MemoryStore
from aimds.behavior.redis_store import RedisStore
from aimds.behavior.store import SetAdd, Trust


def _fill(store: Any, n: int, cap: int) -> list[Any]:
    return store.execute([SetAdd(key="hosts", member=f"h{i}", ttl=60, cap=cap) for i in range(n)])


def test_memory_host_set_keeps_the_most_recent_cap_members() -> None:
    store = MemoryStore()
    assert all(_fill(store, 50, cap=10))
    entry = store._data["hosts"][0]
    assert len(entry) == 10 and list(entry) == [f"h{i}" for i in range(40, 50)]
    # seen again: the newest, so the next new host drops h41, not h40
    assert store.execute([SetAdd(key="hosts", member="h40", ttl=60, cap=10)]) == [False]
    store.execute([SetAdd(key="hosts", member="new", ttl=60, cap=10)])
    assert "h40" in store._data["hosts"][0] and "h41" not in store._data["hosts"][0]


def test_baseline_host_set_is_bounded_per_agent() -> None:
    stage = build({"baselines": {"max_hosts": 25}})
    r = Runner(stage)
    for i in range(300):
        host = f"h{i}.example"
        r.call("fetch", {"url": f"https://{host}/"}, act("net:http_get", resources=(host,)))
    sizes = [len(v[0]) for k, v in stage._store._data.items() if k.endswith("hosts")]
    assert sizes == [25]


@pytest.mark.redis
def test_redis_host_set_is_capped_and_trust_recovers(redis_url: str, redis_client: Any) -> None:
    store = RedisStore(redis_url, timeout=1.0, prefix="aimds-test-bounds:")
    try:
        added = _fill(store, 40, cap=10)
        again = store.execute([SetAdd(key="hosts", member="h39", ttl=60, cap=10)])
        r = store.execute(
            [
                Trust(key="t", initial=500, half_life=1e9, now=1000, delta=-300, ttl=60,
                      recovery_half_life=100),
                Trust(key="t", initial=500, half_life=1e9, now=1100, write=False,
                      recovery_half_life=100),
            ]
        )
    finally:
        store.close()
    assert all(added) and again == [False]
    assert redis_client.scard("aimds-test-bounds:hosts") == 10
    assert r[0] == 200.0 and r[1] == pytest.approx(350.0)
    redis_client.delete("aimds-test-bounds:hosts", "aimds-test-bounds:t")
