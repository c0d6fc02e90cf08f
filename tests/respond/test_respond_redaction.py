"""Redaction, the pseudonym vault and the respond stage."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aimds import Guard
from aimds.policy.sections.sensitive import RedactionMode
from aimds.respond.redaction import PlaceholderBook, RedactionSpan, merge_spans, redact
from aimds.respond.vault import Vault
from aimds.types import Subject, Verdict

KEY = b"k" * 32
VALUES = st.text(
    alphabet="ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789", min_size=10, max_size=24
)
FILLER = st.text(alphabet=" .,;:-\nabc", max_size=12)
NON_RESTORABLE = [
    RedactionMode.MASK,
    RedactionMode.PLACEHOLDER,
    RedactionMode.HASH,
    RedactionMode.PARTIAL,
]


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[RedactionSpan], list[str]]:
    values = draw(st.lists(VALUES, min_size=1, max_size=5))
    picks = draw(st.lists(st.sampled_from(values), min_size=1, max_size=8))
    text, spans = "", []
    for v in picks:
        text += draw(FILLER)
        spans.append(RedactionSpan(start=len(text), end=len(text) + len(v), label="SECRET"))
        text += v
    return text + draw(FILLER), spans, picks


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@settings(max_examples=200, deadline=None)
@given(documents(), st.sampled_from(NON_RESTORABLE))
def test_redaction_never_leaves_a_value(
    doc: tuple[str, list[RedactionSpan], list[str]], mode: RedactionMode
) -> None:
    text, spans, values = doc
    out = redact(text, spans, mode_for=lambda s: mode, book=PlaceholderBook(), key=KEY)
    for v in values:
        assert v not in out


@settings(max_examples=150, deadline=None)
@given(documents())
def test_placeholders_are_stable_within_a_decision(
    doc: tuple[str, list[RedactionSpan], list[str]],
) -> None:
    text, spans, values = doc
    book = PlaceholderBook()
    redact(text, spans, mode_for=lambda s: RedactionMode.PLACEHOLDER, book=book, key=KEY)
    for v in values:
        assert book.placeholder("SECRET", v) == book.placeholder("SECRET", v)
    assert len({book.placeholder("SECRET", v) for v in values}) == len(set(values))


@settings(max_examples=150, deadline=None)
@given(documents())
def test_pseudonyms_round_trip(doc: tuple[str, list[RedactionSpan], list[str]]) -> None:
    text, spans, values = doc
    session = Vault(max_sessions=4, max_entries=100, ttl_seconds=60, clock=_Clock()).session(
        "t", "s"
    )
    out = redact(
        text,
        spans,
        mode_for=lambda s: RedactionMode.PSEUDONYMIZE,
        book=PlaceholderBook(),
        key=KEY,
        vault=session,
    )
    for v in values:
        assert v not in out
    assert session.restore(out) == text


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 20)), max_size=10))
def test_merged_spans_are_disjoint_and_cover_the_input(raw: list[tuple[int, int]]) -> None:
    spans = [RedactionSpan(start=s, end=s + n, label="X") for s, n in raw]
    merged = merge_spans(spans, 60)
    for a, b in zip(merged, merged[1:], strict=False):
        assert a.end <= b.start
    covered = {i for m in merged for i in range(m.start, m.end)}
    assert covered == {i for s in spans for i in range(s.start, min(s.end, 60))}


def test_hash_is_keyed_and_partial_keeps_last_four() -> None:
    span = [RedactionSpan(start=0, end=16, label="CARD")]
    text = "4957598623434147"
    h1 = redact(text, span, mode_for=lambda s: RedactionMode.HASH, book=PlaceholderBook(), key=b"a")
    h2 = redact(text, span, mode_for=lambda s: RedactionMode.HASH, book=PlaceholderBook(), key=b"b")
    assert h1 != h2 and h1.startswith("<CARD:")
    assert (
        redact(
            text, span, mode_for=lambda s: RedactionMode.PARTIAL, book=PlaceholderBook(), key=KEY
        )
        == "*" * 12 + "4147"
    )


def test_vault_isolates_tenants_and_sessions_and_is_bounded() -> None:
    clock = _Clock()
    vault = Vault(max_sessions=2, max_entries=2, ttl_seconds=10, clock=clock)
    a = vault.session("t1", "s")
    b = vault.session("t2", "s")
    tok = a.pseudonym("EMAIL", "a@corp.io")
    assert b.restore(tok) == tok and a.restore(tok) == "a@corp.io"
    a.pseudonym("EMAIL", "b@corp.io")
    a.pseudonym("EMAIL", "c@corp.io")
    assert len(a) == 2 and a.restore(tok) == tok  # the oldest went first
    vault.session("t3", "s")
    assert vault.peek("t1", "s") is None  # least recently used session evicted
    clock.now = 100
    assert vault.peek("t2", "s") is None  # expired


def test_stage_redacts_text_and_args_and_restores() -> None:
    guard = Guard(
        {
            "name": "p",
            "extends": "default",
            "sensitive": {"redaction": {"modes": {"pii.email": "pseudonymize"}}},
        }
    )
    who = Subject(tenant="acme", session="s1")
    d = guard.check_completion("Mail nadia_walsh@gmail.com, card 4957 5986 2343 4147.", subject=who)
    assert d.verdict is Verdict.REDACT and d.text is not None
    assert "nadia_walsh@gmail.com" not in d.text and "4957" not in d.text
    assert "<CREDIT_CARD_1>" in d.text
    assert guard.restore(d.text, subject=who).startswith("Mail nadia_walsh@gmail.com")
    assert guard.restore(d.text, subject=Subject(tenant="other", session="s1")) == d.text
    r = guard.check_tool_result("fetch", "token=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 ok")
    assert r.verdict is Verdict.REDACT and r.text == "token=<GITHUB_TOKEN_1> ok"
    assert "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" not in str(r) + r.explain()


def test_allowed_findings_are_not_rewritten_and_spotlight() -> None:
    guard = Guard(
        {"name": "p", "extends": "default", "sensitive": {"spotlight": {"mode": "datamark"}}}
    )
    d = guard.check_prompt("my email is nadia_walsh@gmail.com")
    assert d.verdict is Verdict.ALLOW and d.text is None
    r = guard.check_tool_result("fetch", "hello big world")
    assert r.text == "hello^big^world"
