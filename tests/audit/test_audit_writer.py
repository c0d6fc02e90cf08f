"""The writer queue: lock-free async appends, group commits, flush markers, closing."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from aimds.audit import AuditLog
from aimds.audit.records import PendingRecord


@pytest.mark.parametrize("durability", ["async", "sync"])
def test_concurrent_producers_lose_nothing_and_keep_chains_linear(
    make_log: Any, kit: Any, durability: str
) -> None:
    log = make_log(durability=durability, batch_size=64)
    per_thread, threads = 150, 4
    results: list[Any] = []

    def produce(t: int) -> None:
        for i in range(per_thread):
            ev = kit.make_eval(i, tenant=f"t{(t + i) % 3}")
            results.append(log.record(ev, decision_id=f"{t}-{i}", policy="p"))

    workers = [threading.Thread(target=produce, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert all(r.ok for r in results)
    expected = "committed" if durability == "sync" else "queued"
    assert {r.status.value for r in results} == {expected}
    assert log.flush(10)
    assert log.store.count() == per_thread * threads
    result = log.verify()
    assert result.ok and result.checked == per_thread * threads
    ids = {r.data()["id"] for r in log.query()}
    assert len(ids) == per_thread * threads


def test_async_records_wait_for_a_batch_or_the_interval(make_log: Any, kit: Any) -> None:
    """No commit per record: a few records sit in the queue until flush (or the interval)."""
    log = make_log(batch_size=1000, flush_interval_s=30)
    for i in range(5):
        log.record(kit.make_eval(i), decision_id=str(i), policy="p")
    assert log.store.count() == 0 and log.stats()["queued"] == 5
    assert log.flush(10)
    assert log.store.count() == 5 and log.stats()["queued"] == 0


def test_a_full_batch_wakes_the_writer_before_the_interval(make_log: Any, kit: Any) -> None:
    log = make_log(batch_size=10, flush_interval_s=30)
    for i in range(10):
        log.record(kit.make_eval(i), decision_id=str(i), policy="p")
    done = threading.Event()

    def wait_for_rows() -> None:
        while log.store.count() < 10:
            if done.wait(0.01):
                return
        done.set()

    waiter = threading.Thread(target=wait_for_rows)
    waiter.start()
    assert done.wait(5), "the full batch was not committed before the flush interval"
    waiter.join()


def test_records_after_close_are_dropped_and_counted(make_log: Any, kit: Any) -> None:
    log = make_log()
    log.close()
    result = log.record(kit.make_eval(), decision_id="late", policy="p")
    assert result.status.value == "dropped"
    assert log.stats()["dropped"] == {"closed": 1}


def test_flush_after_a_failed_batch_returns_and_counts_it(kit: Any) -> None:
    class Broken:
        url = "broken://"

        def append(self, records: Any, **options: Any) -> Any:
            raise RuntimeError("disk on fire")

        def checkpoints(self, chain: str) -> list[Any]:
            return []

        def close(self) -> None:
            return None

    log = AuditLog(Broken(), digest_key=b"d" * 32)  # type: ignore[arg-type]
    try:
        rec = PendingRecord(chain="c", ts=0.0, type="decision", decision_id="x", agent="a",
                            verdict="allow", rules="", body="{}")
        assert log.writer is not None
        log.writer.submit(rec)
        assert log.flush(15)  # after the retries (about 1.3 s) the batch is given up
        assert log.stats()["dropped"] == {"backend_error": 1}
        assert not log.healthy
    finally:
        log.close()
