"""The switch itself: scopes, the library API, and holding when its store fails."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aimds
from aimds.errors import BackendError, InputError
from aimds.kill import KillRecord, KillSwitch
from aimds.kill.records import decode, encode
from aimds.types import EventKind

ACME_BOT = aimds.Subject(tenant="acme", agent="bot-1")


class FlakyStore:
    """An in-memory :class:`KillStore` that can be taken down (a real backend's failure is
    tested in test_kill_backends; this one checks the switch's own rules precisely)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], KillRecord] = {}
        self.down = False
        self.before_load: Any = None

    def _check(self) -> None:
        if self.down:
            raise BackendError("database error: OperationalError")

    def load(self) -> list[KillRecord]:
        self._check()
        rows = list(self.rows.values())
        if self.before_load is not None:
            self.before_load()
        return rows

    def put(self, record: KillRecord) -> None:
        self._check()
        self.rows[record.key] = record

    def delete(self, key: tuple[str, str]) -> KillRecord | None:
        self._check()
        return self.rows.pop(key, None)


def test_library_kill_blocks_every_kind_and_revive_restores() -> None:
    guard = aimds.Guard()
    checks = [
        lambda: guard.check_prompt("hello", subject=ACME_BOT),
        lambda: guard.check_completion("hi", subject=ACME_BOT),
        lambda: guard.check_tool_call("read_file", {"path": "/tmp/a.txt"}, subject=ACME_BOT),
        lambda: guard.check_tool_result("read_file", "text", subject=ACME_BOT),
        lambda: guard.check(aimds.Event(kind=EventKind.MESSAGE, subject=ACME_BOT, text="x")),
    ]
    before = [c().verdict for c in checks]
    outcome = guard.kill(tenant="acme", agent="bot-1", reason="rogue")
    assert outcome.record.scope == "agent" and outcome.stored is False  # no store: memory
    for check in checks:
        decision = check()
        assert decision.verdict is aimds.Verdict.BLOCK
        assert decision.rules[0] == "kill.active" and decision.findings[0].hard
    assert guard.revive(tenant="acme", agent="bot-1") is True
    assert [c().verdict for c in checks] == before
    assert guard.revive(tenant="acme", agent="bot-1") is False


def test_scopes_tenant_and_global() -> None:
    guard = aimds.Guard()
    other = aimds.Subject(tenant="globex", agent="bot-1")
    guard.kill(tenant="acme", reason="incident")
    assert guard.check_prompt("hi", subject=ACME_BOT).verdict is aimds.Verdict.BLOCK
    assert guard.check_prompt("hi", subject=other).verdict is aimds.Verdict.ALLOW
    guard.kill(all_tenants=True, reason="everyone stop")
    assert guard.check_prompt("hi", subject=other).verdict is aimds.Verdict.BLOCK
    assert guard.revive(all_tenants=True)
    assert guard.check_prompt("hi", subject=ACME_BOT).verdict is aimds.Verdict.BLOCK
    assert guard.check_prompt("hi", subject=other).verdict is aimds.Verdict.ALLOW


def test_every_guard_on_the_same_services_shares_the_switch() -> None:
    services = aimds.Services()
    first, second = (
        aimds.Guard("default", services=services),
        aimds.Guard("strict", services=services),
    )
    first.kill(tenant="acme", agent="bot-1", reason="x")
    assert second.check_prompt("hi", subject=ACME_BOT).verdict is aimds.Verdict.BLOCK


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tenant": "acme", "agent": "*"},
        {"tenant": "*"},
        {"tenant": "", "agent": "a"},
        {"tenant": "acme", "agent": "x" * 129},
        {"all_tenants": True, "tenant": "acme"},
        {},
    ],
)
def test_bad_scopes_raise_input_error_naming_the_argument(kwargs: Any) -> None:
    with pytest.raises(InputError) as err:
        KillSwitch().kill(reason="x", **kwargs)
    assert str(err.value).split(":")[0] in ("tenant", "agent", "all_tenants")


ids = st.sampled_from(["acme", "globex", "bot-1", "bot-2"])
ops = st.lists(
    st.tuples(
        st.sampled_from(["kill", "revive"]),
        st.sampled_from(["agent", "tenant", "global"]),
        ids,
        ids,
    ),
    max_size=25,
)


@given(ops, ids, ids)
@settings(max_examples=200, deadline=None)
def test_blocked_exactly_when_a_covering_kill_is_active(
    steps: list[tuple[str, str, str, str]], tenant: str, agent: str
) -> None:
    """Model check: the hot-path answer equals "some active kill covers the subject"."""
    switch = KillSwitch()
    active: set[tuple[str, str]] = set()
    for op, scope, t, a in steps:
        args: dict[str, Any] = (
            {"all_tenants": True}
            if scope == "global"
            else {"tenant": t}
            if scope == "tenant"
            else {"tenant": t, "agent": a}
        )
        key = ("*", "*") if scope == "global" else (t, "*") if scope == "tenant" else (t, a)
        if op == "kill":
            switch.kill(reason="r", **args)
            active.add(key)
        else:
            switch.revive(**args)
            active.discard(key)
    covered = bool(active & {("*", "*"), (tenant, "*"), (tenant, agent)})
    assert (switch.blocking(tenant, agent) is not None) is covered


def test_store_down_kill_holds_locally_and_is_written_when_it_returns() -> None:
    store = FlakyStore()
    switch = KillSwitch(store)
    store.down = True
    outcome = switch.kill(tenant="acme", agent="bot-1", reason="x")
    assert outcome.stored is False and switch.pending
    assert switch.blocking("acme", "bot-1") is not None
    assert switch.refresh() is False  # cannot read: nothing changes
    assert switch.blocking("acme", "bot-1") is not None
    store.down = False
    assert switch.refresh() is True
    assert ("acme", "bot-1") in store.rows and not switch.pending
    assert switch.blocking("acme", "bot-1") is not None


def test_an_unreadable_store_never_unkills() -> None:
    store = FlakyStore()
    other = KillSwitch(store)
    other.kill(tenant="acme", reason="incident")
    switch = KillSwitch(store)
    switch.refresh()
    assert switch.blocking("acme", "bot-7") is not None
    store.down = True
    for _ in range(3):
        assert switch.refresh() is False
    assert switch.blocking("acme", "bot-7") is not None


def test_revive_needs_the_store_and_the_kill_holds_when_it_fails() -> None:
    store = FlakyStore()
    switch = KillSwitch(store)
    switch.kill(tenant="acme", agent="bot-1", reason="x")
    store.down = True
    with pytest.raises(BackendError):
        switch.revive(tenant="acme", agent="bot-1")
    assert switch.blocking("acme", "bot-1") is not None


def test_a_stale_snapshot_neither_drops_a_new_kill_nor_undoes_a_revive() -> None:
    """A refresh whose read started before a local change must not overrule it."""
    store = FlakyStore()
    switch = KillSwitch(store)
    switch.kill(tenant="acme", agent="old", reason="x")

    def meanwhile() -> None:  # runs after the snapshot was read, before it is installed
        store.before_load = None
        switch.kill(tenant="acme", agent="new", reason="x")
        switch.revive(tenant="acme", agent="old")

    store.before_load = meanwhile
    # the snapshot (taken before ``meanwhile``) holds "old" and lacks "new"
    assert switch.refresh()
    assert switch.blocking("acme", "new") is not None
    assert switch.blocking("acme", "old") is None


def test_pubsub_kill_applies_at_once_but_a_revive_message_only_makes_it_look() -> None:
    store = FlakyStore()
    switch = KillSwitch(store)
    record = KillRecord(
        tenant="acme", agent="bot-1", reason="x", by="key:1", by_role="admin", ts=1.0
    )
    switch.apply("kill", record)
    assert switch.blocking("acme", "bot-1") is not None
    store.rows[record.key] = record
    switch.apply("revive", record)  # forged or stale: the store still holds the kill
    assert switch.blocking("acme", "bot-1") is not None
    switch.refresh()
    assert switch.blocking("acme", "bot-1") is not None


def test_the_follower_thread_reads_the_store_and_stops() -> None:
    store = FlakyStore()
    switch = KillSwitch(store)
    switch.start(poll_s=0.02)
    store.rows[("acme", "*")] = KillRecord(
        tenant="acme", agent="*", reason="x", by="cli:x", by_role="cli", ts=1.0
    )
    seen = threading.Event()
    for _ in range(200):
        if switch.blocking("acme", "bot-3") is not None:
            seen.set()
            break
        threading.Event().wait(0.01)
    switch.close()
    assert seen.is_set()


def test_records_round_trip_and_foreign_messages_are_refused() -> None:
    record = KillRecord(tenant="acme", agent="*", reason="r", by="key:1", by_role="admin", ts=2.5)
    assert decode(encode(record)) == record
    for raw in (
        "{}",
        "not json",
        '{"tenant": "*", "agent": "bot", "reason": "", "by": "", "by_role": "", "ts": 1}',
        '{"tenant": "a b", "agent": "*", "reason": "", "by": "", "by_role": "", "ts": 1}',
    ):
        assert decode(raw) is None


def test_a_kill_costs_no_trust_so_a_revive_restores_the_agent_fully() -> None:
    """Blocked events of a killed agent are the operator's doing, not the agent's: a long
    kill must not leave it untrusted (and so still stopped by its trust tier) after revive."""
    guard = aimds.Guard()
    before = guard.trust("bot-1", tenant="acme").score
    guard.kill(tenant="acme", agent="bot-1", reason="x")
    for _ in range(30):
        guard.check_prompt("hello", subject=ACME_BOT)
    guard.revive(tenant="acme", agent="bot-1")
    assert guard.trust("bot-1", tenant="acme").score >= before
    assert guard.check_prompt("hello", subject=ACME_BOT).verdict is aimds.Verdict.ALLOW


@pytest.mark.parametrize("kind", list(EventKind), ids=[k.value for k in EventKind])
def test_every_event_kind_there_is_is_stopped(kind: EventKind) -> None:
    """Whatever kinds the guard learns (memory events came later), a kill stops them all."""
    guard = aimds.Guard()
    guard.kill(tenant="acme", agent="bot-1", reason="x")
    tool = "read_file" if kind in (EventKind.TOOL_CALL, EventKind.TOOL_RESULT) else None
    event = aimds.Event(kind=kind, subject=ACME_BOT, text="a note", tool=tool)
    decision = guard.check(event)
    assert decision.verdict is aimds.Verdict.BLOCK and "kill.active" in decision.rules


def test_a_closed_switch_can_follow_its_store_again() -> None:
    store = FlakyStore()
    switch = KillSwitch(store)
    switch.start(poll_s=0.02)
    switch.close()
    switch.start(poll_s=0.02)
    try:
        store.rows[("acme", "*")] = KillRecord(
            tenant="acme", agent="*", reason="x", by="cli:x", by_role="cli", ts=1.0
        )
        deadline = time.monotonic() + 2
        while switch.blocking("acme", "bot-1") is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert switch.blocking("acme", "bot-1") is not None
    finally:
        switch.close()
