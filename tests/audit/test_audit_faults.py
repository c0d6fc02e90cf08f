"""Faults: a writer killed mid-write, a corrupted file, a locked database."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from aimds.audit import AuditLog, HmacSigner
from aimds.audit.sqlite import SqliteStore
from aimds.audit.verify import verify_store
from aimds.errors import BackendError

_WRITER = """
import sys
from aimds.audit import AuditLog, HmacSigner
from aimds.types import Evaluation, Event, EventKind, Verdict
log = AuditLog.open(sys.argv[1], batch_size=50, signer=HmacSigner(b"k" * 32),
                    checkpoint_every=100, digest_key=b"d" * 32)
i = 0
while True:
    ev = Evaluation(event=Event(kind=EventKind.PROMPT, text="x"), ts=float(i))
    ev.verdict = Verdict.ALLOW
    log.record(ev, decision_id=str(i), policy="p")
    i += 1
    if i == 500:
        print("ready", flush=True)
"""


@pytest.mark.slow
def test_sigkill_mid_write_leaves_a_verifiable_log(tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(db)], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"ready"
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    proc.stdout.close()
    store = SqliteStore(db)
    try:
        result = verify_store(store, signer=HmacSigner(b"k" * 32))
        assert result.ok, result.to_dict()
        assert result.checked >= 100
    finally:
        store.close()


def test_corrupted_file_gives_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "garbage.db"
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(BackendError, match="cannot be opened"):
        SqliteStore(db)


def test_hand_edited_json_is_named_modified(make_log: Any, kit: Any) -> None:
    log = make_log()
    kit.fill(log, 3)
    db = sqlite3.connect(log.store.url, isolation_level=None)
    db.execute("UPDATE audit_records SET body='{not json' WHERE seq=2")
    db.close()
    problem = log.verify().problem
    assert problem is not None and (problem.seq, problem.kind) == (2, "modified")


def test_locked_database_fails_the_sync_decision_clearly(tmp_path: Path, kit: Any) -> None:
    db = tmp_path / "locked.db"
    log = AuditLog(SqliteStore(db, timeout=0.05), durability="sync", digest_key=b"d" * 32)
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        result = log.record(kit.make_eval(), decision_id="a", policy="p")
        assert result.status.value == "failed" and "locked" in result.detail
        assert not log.healthy
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert log.record(kit.make_eval(1), decision_id="b", policy="p").ok
    log.close()


def _locked_guard(tmp_path: Path, durability: str) -> tuple[Any, sqlite3.Connection]:
    import aimds

    db = tmp_path / f"locked-{durability}.db"
    guard = aimds.Guard.from_policy({
        "extends": "default",
        "audit": {"enabled": True, "db": str(db), "durability": durability,
                  "on_failure": "block"},
    })
    guard.check_prompt("warm up")
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    return guard, blocker


@pytest.mark.parametrize("durability", ["async", "sync"])
def test_a_database_locked_elsewhere_blocks_decisions_within_a_second(
    tmp_path: Path, durability: str
) -> None:
    """Issue 13: decisions were allowed for ~30 s (async) or each stalled 30 s (sync)
    while another process held the audit database; with ``on_failure: block`` they must
    be blocked at once (the append gives up after the store's write timeout)."""
    guard, blocker = _locked_guard(tmp_path, durability)
    try:
        start = time.monotonic()
        verdicts = []
        while time.monotonic() - start < 3.0:
            t0 = time.monotonic()
            decision = guard.check_prompt("what is the weather today?")
            assert time.monotonic() - t0 < 2.0, "a decision stalled on the locked database"
            verdicts.append(decision.verdict.value)
            if decision.verdict.value == "block":
                assert "backend.unavailable" in decision.rules
                break
            time.sleep(0.02)
        assert verdicts[-1] == "block", verdicts
        assert time.monotonic() - start < 1.5
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        guard.close()


def test_new_database_files_are_private(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "new" / "audit.db")
    store.close()
    assert (tmp_path / "new" / "audit.db").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700


def test_an_unusable_directory_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file where the directory should be")
    with pytest.raises(BackendError, match="cannot be opened"):
        SqliteStore(tmp_path / "taken" / "audit.db")
