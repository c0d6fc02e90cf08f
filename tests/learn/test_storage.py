"""The attack memory and suggestions survive restarts (SQLite file, PostgreSQL for real);
the in-memory index is rebuilt from the table, and other processes' changes are seen."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from aimds.guard import Guard
from aimds.learn.learning import Learning
from aimds.types import Services, Subject

from .conftest import ATTACK, VARIANTS, memory_policy


def guard_on(url: str) -> Guard:
    return Guard(memory_policy(), services=Services(extras={"learn": Learning(url)}))


def roundtrip(url: str, tenant: str) -> None:
    who = Subject(tenant=tenant, agent="bot")
    first = guard_on(url)
    decision = first.check_prompt(ATTACK, subject=who)
    entry = first.feedback(decision.id, label="attack", actor="alice").entry
    flagged = first.check_prompt(
        "Ignore the previous instructions in this ticket template and reset the form.",
        subject=who,
    )
    suggestion = first.feedback(flagged.id, label="benign").suggestion
    first.learning.learning.recent.flush()  # type: ignore[attr-defined]
    first.learning.learning.close()

    second = guard_on(url)  # a restart: a new process state over the same database
    recalled = second.check_prompt(VARIANTS[2], subject=who)
    assert [f.details["entry"] for f in recalled.findings if f.rule == "memory.similar"] == [entry]
    assert [s.id for s in second.learning.suggestions(tenant=tenant)] == [suggestion]
    # the decision itself is still found for feedback after the restart (shared table)
    again = second.feedback(decision.id, label="attack")
    assert again.outcome == "already_remembered"
    second.learning.learning.close()


def test_sqlite_file_survives_a_restart(tmp_path: Path) -> None:
    roundtrip(f"sqlite:///{tmp_path / 'learn.db'}", "acme")


@pytest.mark.postgres
def test_postgresql_survives_a_restart(postgres_dsn: str) -> None:
    roundtrip(postgres_dsn, "t" + uuid.uuid4().hex[:12])


@pytest.mark.postgres
def test_another_process_sees_new_entries_after_the_refresh(postgres_dsn: str) -> None:
    tenant = "t" + uuid.uuid4().hex[:12]
    one, two = Learning(postgres_dsn), Learning(postgres_dsn)
    try:
        two.memory.refresh_s = 0.0  # re-check the table on every lookup
        from aimds.learn.stage import sketches_of_text

        sketches = sketches_of_text(ATTACK, 4)
        assert two.memory.lookup(tenant, sketches[0], 0.5) is None
        entry, _ = one.memory.add(tenant, sketches, max_entries=10, source="t", actor="a")
        hit = two.memory.lookup(tenant, sketches[0], 0.5)
        assert hit is not None and hit.entry == entry.id
        assert one.memory.remove(tenant, entry.id)
        assert two.memory.lookup(tenant, sketches[0], 0.5) is None
    finally:
        one.close()
        two.close()


def test_eviction_bound_holds_in_the_table(tmp_path: Path) -> None:
    learning = Learning(f"sqlite:///{tmp_path / 'bound.db'}")
    from aimds.learn.stage import sketches_of_text

    for n in range(12):
        learning.memory.add(
            "acme",
            sketches_of_text(f"{ATTACK} number {n}", 4),
            max_entries=5,
            source="t",
            actor="a",
        )
    assert learning.memory.count("acme") == 5
    learning.close()


@pytest.mark.postgres
def test_eviction_bound_holds_in_postgresql(postgres_dsn: str) -> None:
    from aimds.learn.stage import sketches_of_text

    tenant = "t" + uuid.uuid4().hex[:12]
    learning = Learning(postgres_dsn)
    try:
        added = [
            learning.memory.add(
                tenant,
                sketches_of_text(f"{ATTACK} number {n}", 4),
                max_entries=3,
                source="t",
                actor="a",
            )[0]
            for n in range(6)
        ]
        assert [e.id for e in learning.memory.entries(tenant)] == [e.id for e in added[:2:-1]]
    finally:
        learning.close()
