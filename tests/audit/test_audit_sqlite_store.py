"""The SQLite store's append paths: one statement on a known head, the transaction otherwise.

A connection links a batch onto the heads it last committed and inserts it as one
statement; should another connection (thread or process) have appended meanwhile, the
primary key refuses the rows and the batch goes through ``BEGIN IMMEDIATE`` with the
heads read afresh. Either way every chain must stay one linear, verifiable sequence.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.audit import AuditLog, HmacSigner
from aimds.audit.records import Masker, PendingRecord, event_record
from aimds.audit.sqlite import SqliteStore
from aimds.audit.verify import verify_store
from aimds.types import Subject

KEY = b"k" * 32
_MASKER = Masker()


def _records(chains: list[str], tag: str) -> list[PendingRecord]:
    return [
        event_record("note", record_id=f"{tag}-{i}", subject=Subject(tenant=chain),
                     data={"i": i}, masker=_MASKER, ts=1_700_000_000.0 + i)
        for i, chain in enumerate(chains)
    ]


def _seqs(path: Path) -> dict[str, list[int]]:
    store = SqliteStore(path)
    try:
        return {chain: [r.seq for r in store.records(chain)] for chain in store.chains()}
    finally:
        store.close()


@settings(max_examples=40, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 1), st.lists(st.sampled_from("abc"), min_size=1, max_size=9)),
        min_size=1, max_size=12,
    ),
    max_rows=st.sampled_from([1, 2, 4]),
)
def test_interleaved_connections_keep_every_chain_linear(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[int, list[str]]], max_rows: int
) -> None:
    path = tmp_path_factory.mktemp("db") / "audit.db"
    stores = [SqliteStore(path), SqliteStore(path)]
    for store in stores:
        store._max_rows = max_rows  # small statements, so batches also take the chunked path
    written: dict[str, int] = {}
    try:
        for k, (who, chains) in enumerate(steps):
            stored = stores[who].append(_records(chains, f"s{k}"))
            assert [r.chain for r in stored] == chains
            for chain in chains:
                written[chain] = written.get(chain, 0) + 1
        result = verify_store(stores[0])
        assert result.ok, result.to_dict()
    finally:
        for store in stores:
            store.close()
    assert _seqs(path) == {chain: list(range(1, n + 1)) for chain, n in written.items()}


def test_a_batch_over_one_statement_is_written_whole(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "audit.db")
    try:
        store.append(_records(["a"], "first"))
        store._max_rows = 4
        stored = store.append(_records(["a"] * 10 + ["b"] * 3, "big"))
        assert [(r.chain, r.seq) for r in stored] == (
            [("a", s) for s in range(2, 12)] + [("b", s) for s in range(1, 4)]
        )
        assert verify_store(store).ok
    finally:
        store.close()


def test_appending_after_pruning_every_record_continues_from_the_anchor(
    tmp_path: Path, kit: Any
) -> None:
    path = tmp_path / "audit.db"
    log = AuditLog.open(str(path), signer=HmacSigner(KEY), digest_key=KEY, batch_size=1)
    kit.fill(log, 5, tenant="t")
    log.close()  # signs a final checkpoint at the head
    store = SqliteStore(path)
    [pruned] = store.prune(2_000_000_000.0)
    store.close()
    assert pruned.deleted == 5 and pruned.anchor_seq == 6
    # A new process (no remembered head) goes on from the anchor, not from genesis.
    store = SqliteStore(path)
    try:
        stored = store.append(_records(["t"] * 3, "new"))
        assert [r.seq for r in stored] == [6, 7, 8]
        result = verify_store(store, signer=HmacSigner(KEY))
        assert result.ok, result.to_dict()
    finally:
        store.close()


_WRITER = """
import sys
from aimds.audit import AuditLog, HmacSigner
from aimds.types import Evaluation, Event, EventKind, Subject, Verdict
path, worker, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
log = AuditLog.open(path, batch_size=5, signer=HmacSigner(b"k" * 32), checkpoint_every=20,
                    digest_key=b"d" * 32)
for i in range(n):
    tenant = "shared" if i % 2 else f"w{worker}"
    ev = Evaluation(event=Event(kind=EventKind.PROMPT, subject=Subject(tenant=tenant)), ts=1.0 + i)
    ev.verdict = Verdict.ALLOW
    log.record(ev, decision_id=f"{worker}-{i}", policy="p@1")
log.close()
"""


def test_concurrent_writer_processes_on_one_file_keep_each_chain_linear(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    SqliteStore(path).close()
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), str(w), "200"])
        for w in range(3)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    seqs = _seqs(path)
    assert seqs["shared"] == list(range(1, 301))
    for w in range(3):
        assert seqs[f"w{w}"] == list(range(1, 101))
    store = SqliteStore(path)
    try:
        result = verify_store(store, signer=HmacSigner(KEY))
        assert result.ok, result.to_dict()
    finally:
        store.close()


def test_statements_stay_few_whatever_the_batch_sizes(tmp_path: Path) -> None:
    """A prepared INSERT costs about 1.4 KB per row and the connection caches the ones it
    used: batches of every size must share a handful of power-of-two statements."""
    store = SqliteStore(tmp_path / "audit.db")
    sizes: set[int] = set()

    def seen(sql: str) -> None:
        if sql.startswith("INSERT INTO audit_records"):
            sizes.add(sql.count("),(") + 1)

    store._db.set_trace_callback(seen)
    try:
        for k, n in enumerate([1, 3, 700, 2048, 2049, 5000, 37, 1500, 2048]):
            store.append(_records(["a"] * n, f"b{k}"))
        assert verify_store(store).ok
    finally:
        store.close()
    assert sizes and all(size & (size - 1) == 0 and size <= 2048 for size in sizes)
    assert len(sizes) <= 12
