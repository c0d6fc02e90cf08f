"""Windows and the memory store against a naive model; data-flow tokenising and encodings;
no clear value in the store."""

from __future__ import annotations

import base64
import urllib.parse

from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.behavior.dataflow import Fingerprinter, outbound_tokens, significant_tokens
from aimds.behavior.memory import MemoryStore
from aimds.behavior.store import Count, First, Get, HashPutIf, Incr, Set, SetAdd, Window
from aimds.behavior.windows import Keys, SortedWindow

ops = st.lists(
    st.tuples(st.sampled_from("abcdefgh"), st.floats(0, 1000, allow_nan=False)), max_size=60
)


@settings(max_examples=200)
@given(ops=ops, horizon=st.floats(1, 500), cap=st.integers(1, 20), since=st.floats(0, 1000))
def test_sorted_window_matches_a_naive_model(
    ops: list[tuple[str, float]], horizon: float, cap: int, since: float
) -> None:
    win, model = SortedWindow(), {}
    for member, score in ops:
        win.add(member, score)
        model[member] = score
        win.trim(score - horizon)
        model = {m: s for m, s in model.items() if s >= score - horizon}
        win.cap(cap)
        model = dict(sorted(model.items(), key=lambda kv: (kv[1], kv[0]))[-cap:])
        assert len(win) == len(model)
    assert win.count_since(since) == sum(1 for s in model.values() if s >= since)
    assert win.first() == (min(model.values()) if model else None)


def test_memory_store_ttl_and_ops() -> None:
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    r = store.execute(
        [
            Window(key="w", member="x", score=10.0, horizon=5, ttl=30),
            Window(key="w", member="y", score=16.0, horizon=5, ttl=30),
            Count(key="w", since=0),
            First(key="w"),
            Incr(key="n", ttl=30),
            Set(key="p", value="s", ttl=10),
            HashPutIf(
                key="h", mapping={"f": "1.0"}, ttl=30, cond_key="p", cond_value="s", index_key="n"
            ),
            SetAdd(key="s", member="m"),
            SetAdd(key="s", member="m"),
        ]
    )
    assert r == [1, 1, 1, 16.0, 1, None, True, True, False]
    now[0] = 11.0  # 'p' expired, others live
    assert store.execute([Get(key="p"), Count(key="w", since=0)]) == [None, 1]
    assert store.execute(
        [HashPutIf(key="h", mapping={"g": "1"}, ttl=30, cond_key="p", cond_value="s")]
    ) == [False]
    now[0] = 100.0
    assert store.execute([Count(key="w", since=0), Get(key="n")]) == [0, None]


def test_keys_escape_separators() -> None:
    a = Keys.of("t", "a:s:b", "c")
    b = Keys.of("t", "a", "s:b/c")
    assert a.scoped("x") != b.scoped("x")
    assert Keys.of("t", "a", None).scoped("x") != Keys.of("t", "a", "a").scoped("x")


SECRET = st.text(
    alphabet="ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789_-", min_size=8, max_size=40
).filter(lambda s: any(c.isdigit() for c in s) and any(c.isalpha() for c in s))


@settings(max_examples=150)
@given(secret=SECRET, encoding=st.sampled_from(["plain", "b64", "b64url", "hex", "url"]))
def test_encoded_values_are_recovered(secret: str, encoding: str) -> None:
    carried = {
        "plain": f"token: {secret}",
        "b64": base64.b64encode(f"k={secret}".encode()).decode(),
        "b64url": base64.urlsafe_b64encode(secret.encode()).decode().rstrip("="),
        "hex": secret.encode().hex(),
        "url": urllib.parse.quote(f"x={secret}&y=1", safe=""),
    }[encoding]
    tokens = set(outbound_tokens({"a": {"nested": [carried]}}, ("base64", "url", "hex")))
    assert secret in tokens


def test_significant_tokens_skip_words_and_placeholders() -> None:
    text = (
        "aws_access_key_id = AKIAQX7RZ2KD5M3BHW4N\npassword=changeme123 url=${DB_URL} "
        "name=documentation id=your-key-here1 sha=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8tLk2fHd"
    )
    found = list(significant_tokens(text))
    assert "AKIAQX7RZ2KD5M3BHW4N" in found and "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8tLk2fHd" in found
    assert not {"documentation", "changeme123", "your-key-here1", "aws_access_key_id"} & set(found)


def test_fingerprints_are_keyed_and_not_the_value() -> None:
    a, b = Fingerprinter(b"k" * 32), Fingerprinter(b"j" * 32)
    assert a("AKIAQX7RZ2KD5M3BHW4N") == a(" AKIAQX7RZ2KD5M3BHW4N ")
    assert a("AKIAQX7RZ2KD5M3BHW4N") != b("AKIAQX7RZ2KD5M3BHW4N")
    assert "AKIA" not in a("AKIAQX7RZ2KD5M3BHW4N")


def test_no_clear_secret_anywhere_in_the_memory_store() -> None:
    from behavior_kit import Runner, act, build

    token = "sk_live_51HqW8eJk2LmN4oP6qR8sT0uV2wX4yZ6aB8c"
    store = MemoryStore()
    r = Runner(build({"fingerprint_key": "z" * 32}, store=store))
    r.call("cat", {"p": ".env"}, act("fs:read", "credential_access", "credential_store:env"))
    r.result("cat", f"STRIPE={token}")
    r.call("login", {"username": "admin", "password": token}, None)
    dump = repr(store._data)
    assert token not in dump and "admin" not in dump
