"""Temporal rules: the three forms as incremental monitors, tier conditions, and errors that
point at the rule's file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from behavior_kit import Runner, act, build, rules_of, secret_finding

from aimds import Guard
from aimds.errors import PolicyError
from aimds.types import EventKind, Verdict

EMAIL = act("email:send", "outbound", resources=("x@y.example",), outbound=True)
PAY = act("payment:transfer", resources=("acct-1",))
POST = act("net:http_post", "outbound", resources=("h.example",), outbound=True)

RULES = [
    {
        "id": "no-mail-after-secret",
        "never": {"type": "email:send"},
        "after": {"finding": "secret"},
        "within": "10m",
        "action": "block",
    },
    {
        "id": "approve-payments",
        "require": {"event": "approval.granted"},
        "before": {"type": "payment:*"},
        "action": "review",
    },
    {
        "id": "post-rate",
        "at_most": 3,
        "of": {"type": "net:http_post"},
        "per": "1m",
        "action": "warn",
    },
]


@pytest.fixture()
def r() -> Runner:
    return Runner(build({"temporal": RULES, "baselines": {"enabled": False}}))


def test_never_after_within(r: Runner) -> None:
    assert r.call("send_email", {"to": "x"}, EMAIL) == []
    text = "key AKIAQX7RZ2KD5M3BHW4N"
    r.result("read_file", text, findings=[secret_finding(text, "AKIAQX7RZ2KD5M3BHW4N")])
    found = r.call("send_email", {"to": "x"}, EMAIL, dt=60)
    assert rules_of(found) == ["temporal.no-mail-after-secret"]
    assert found[0].action is Verdict.BLOCK
    assert r.call("send_email", {"to": "x"}, EMAIL, dt=601) == []  # outside 'within'


def test_require_before(r: Runner) -> None:
    found = r.call("pay", {"amount": 5}, PAY)
    assert rules_of(found) == ["temporal.approve-payments"] and found[0].action is Verdict.REVIEW
    r.event(EventKind.MESSAGE, text="ok", meta={"event": "approval.granted"})
    assert r.call("pay", {"amount": 5}, PAY) == []


def test_at_most_per_window(r: Runner) -> None:
    fired = [bool(r.call("post", {"i": i}, POST, dt=5)) for i in range(5)]
    assert fired == [False, False, False, True, True]
    assert r.call("post", {"i": 9}, POST, dt=120) == []  # the window slid past


def test_rules_conditioned_on_tier() -> None:
    rule = {
        "id": "no-post",
        "at_most": 0,
        "of": {"outbound": True},
        "per": "1h",
        "tiers": ["untrusted"],
    }
    r = Runner(build({"temporal": [rule], "trust": {"initial": 250}}))
    assert rules_of(r.call("post", {}, POST)) == ["temporal.no-post"]
    r2 = Runner(build({"temporal": [rule]}))
    assert r2.call("post", {}, POST) == []


@pytest.mark.parametrize(
    ("rule", "needle", "line"),
    [
        ({"id": "a", "never": {"type": "x:y"}}, "'after' is missing", 4),
        (
            {"id": "a", "never": {"type": "x:y"}, "after": {"type": "a:b"}, "at_most": 2},
            "one form",
            4,
        ),
        ({"id": "a", "at_most": 2, "of": {"type": "x:y"}}, "'per'", 4),
        (
            {"id": "a", "at_most": 2, "of": {"type": "x:y"}, "per": "1m", "within": "1m"},
            "'within'",
            9,
        ),
    ],
)
def test_malformed_rules_point_at_their_line(
    tmp_path: Path, rule: dict[str, object], needle: str, line: int
) -> None:
    import yaml

    path = tmp_path / "p.yaml"
    body = yaml.safe_dump({"behavior": {"temporal": [rule]}}, sort_keys=False)
    path.write_text("name: p\n" + body)
    with pytest.raises(PolicyError) as info:
        Guard(str(path))
    assert needle in str(info.value)
    assert info.value.file == str(path) and info.value.line == line


def test_schema_errors_have_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "name: p\nbehavior:\n  temporal:\n    - id: x\n      at_most: 2\n"
        "      of: {type: 'a:b'}\n      per: soon\n"
    )
    with pytest.raises(PolicyError) as info:
        Guard(str(path))
    assert info.value.line == 7 and "duration" in str(info.value)


def test_duplicate_rule_ids_are_rejected() -> None:
    rule = {"id": "d", "at_most": 1, "of": {"type": "a:b"}, "per": 5}
    with pytest.raises(PolicyError, match="duplicate temporal rule id"):
        build({"temporal": [rule, rule]})
