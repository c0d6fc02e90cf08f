"""The behaviour stage's cheap paths keep the meaning of the plain ones: member-less windows
against named ones, the fused rate op against its three parts, incremental expiry against a
model with bounded work per batch, and cached call indicators against fresh extraction."""

from __future__ import annotations

import itertools
from typing import Any

from behavior_kit import act, secret_finding
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.behavior.indicators import Extractor, extract
from aimds.behavior.memory import MemoryStore
from aimds.behavior.store import Count, First, Get, Incr, Rate, Set, Window
from aimds.behavior.windows import SortedWindow, Tally
from aimds.types import Evaluation, Event, EventKind, Subject

scores = st.lists(st.floats(0, 1000, allow_nan=False), max_size=80)


@settings(max_examples=200)
@given(
    scores=scores,
    horizon=st.floats(1, 500),
    cap=st.integers(1, 30),
    since=st.floats(0, 1000),
)
def test_tally_answers_as_a_window_of_unique_members(
    scores: list[float], horizon: float, cap: int, since: float
) -> None:
    tally, win = Tally(), SortedWindow()
    for n, score in enumerate(scores):
        assert tally.push(score, score - horizon, cap) == win.push(
            f"m{n}", score, score - horizon, cap
        )
        assert tally.first() == win.first()
        assert tally.count_since(since) == win.count_since(since)


@settings(max_examples=100, deadline=None)
@given(events=st.lists(st.tuples(st.floats(0, 100), st.booleans()), max_size=40))
def test_rate_is_window_count_and_first_in_one(events: list[tuple[float, bool]]) -> None:
    """Also member-less and named ops mixed on one key: member-less ones are unique members."""
    fused, parts = MemoryStore(clock=lambda: 0.0), MemoryStore(clock=lambda: 0.0)
    names = itertools.count()
    for score, named in events:
        if named:
            member = f"n{next(names) % 3}"
            op = Window(key="w", member=member, score=score, horizon=30, ttl=60, cap=8)
            assert fused.execute([op]) == parts.execute([op])
            continue
        (got,) = fused.execute(
            [Rate(key="w", score=score, horizon=30, ttl=60, since=score - 10, cap=8)]
        )
        want = parts.execute(
            [
                Window(key="w", member=None, score=score, horizon=30, ttl=60, cap=8),
                Count(key="w", since=score - 10),
                First(key="w"),
            ]
        )
        assert got == tuple(want)


def test_expiry_is_incremental_and_bounded() -> None:
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    store.execute([Incr(key=f"k{i}", ttl=10.0) for i in range(5_000)])
    store.execute([Set(key="q", value="kept")])  # no ttl: never reclaimed
    store.execute([Incr(key="live", ttl=1_000.0)])
    assert len(store) == 5_002
    now[0] = 11.0
    store.execute([Get(key="live")])
    assert 4_900 < len(store) < 5_002  # one batch reclaims a bounded number of keys, not all
    for _ in range(200):
        store.execute([Get(key="live")])
    assert len(store) == 2
    assert store.execute([Get(key="q"), Get(key="k1")]) == ["kept", None]


def test_refreshed_keys_survive_reclaiming_and_expired_keys_read_as_absent() -> None:
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    store.execute([Incr(key="a", ttl=10.0), Incr(key="b", ttl=10.0)])
    now[0] = 8.0
    store.execute([Incr(key="a", ttl=10.0)])  # a now lives until 18
    now[0] = 12.0
    for _ in range(3):
        store.execute([])
    assert store.execute([Get(key="b"), Incr(key="a", ttl=10.0)]) == [None, 3]
    now[0] = 30.0
    assert store.execute([Incr(key="a", ttl=10.0)]) == [1]  # expired: counts afresh


def _call(tool: str, args: dict[str, Any], action: Any, findings: Any = ()) -> Evaluation:
    event = Event(kind=EventKind.TOOL_CALL, subject=Subject(), tool=tool, args=args, ts=1.0)
    ev = Evaluation(event=event, ts=1.0, args=args)
    ev.action = action
    ev.findings.extend(findings)
    return ev


def test_cached_indicators_equal_fresh_ones() -> None:
    extractor = Extractor(size=4)
    post = act("net:http_post", "outbound", resources=("x.example",), outbound=True)
    calls = [
        ("shell", {"command": "ls -la"}, act("shell:exec", "recon")),
        ("shell", {"command": "ls -la"}, act("shell:exec")),  # same call, other classification
        ("http_post", {"body": "hello"}, post),
        ("read_file", {"path": "/a"}, act("fs:read", resources=("/a",))),
        ("read_file", {"path": "/a"}, None),
        ("tool", {"n": 1}, act("x:y")),  # not a string: never cached
    ]
    for _ in range(3):
        for tool, args, action in calls:
            ev = _call(tool, args, action)
            assert extractor(ev) == extract(ev)
    body = "token AKIAQX7RZ2KD5M3BHW4N"
    secret = secret_finding(body, "AKIAQX7RZ2KD5M3BHW4N", arg_path="body")
    extractor(_call("http_post", {"body": body}, post))
    ev = _call("http_post", {"body": body}, post, [secret])
    assert extractor(ev).outbound_secret and extractor(ev) == extract(ev)


def test_login_attempts_are_never_cached() -> None:
    extractor = Extractor()
    ev = _call("login", {"user": "admin", "password": "hunter2hunter2"}, None)
    assert extractor(ev).credential is not None
    assert "hunter2hunter2" not in repr(extractor._calls)
    assert not extractor._calls
