"""Broken policies fail with an exact ``file:line: key: problem`` message.

Each ``broken/*.yaml`` starts with ``# expect: <message>`` where ``FILE`` stands for the
fixture's path. Loading goes through the guard, so compile-step errors are covered too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aimds
from aimds.errors import PolicyError

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))
CANARY = "sk-canary-0b1c2d3e"


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_policy_names_file_line_and_key(path: Path) -> None:
    header = path.read_text().splitlines()[0]
    assert header.startswith("# expect: ")
    expected = header.removeprefix("# expect: ").replace("FILE", str(path), 1)
    with pytest.raises(PolicyError) as info:
        aimds.Guard(str(path))
    assert str(info.value) == expected


def test_there_are_enough_fixtures() -> None:
    assert len(BROKEN) >= 10


@pytest.mark.parametrize(
    "rule",
    [
        {"id": "r", "when": {"args.x": {"equals": CANARY, "bogus": 1}}},
        {"id": "r", "when": {"args.x": {"matches": "(?=" + CANARY + ")"}}},
        {"id": "r", "action": CANARY},
    ],
)
def test_policy_errors_never_echo_values(rule: dict[str, object]) -> None:
    with pytest.raises(PolicyError) as info:
        aimds.Guard({"name": "x", "rules": [rule]})
    assert CANARY not in str(info.value)


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"detectors": {"normalize": {"decoders": ["base64", "bogus"]}}},
         "<dict>:1: detectors.normalize.decoders[1]: Input should be"),
        ({"rules": {"not": "a list"}}, "<dict>:1: rules: Input should be a valid list"),
        ({"audit": {"batch_size": 0}}, "<dict>:1: audit.batch_size: Input should be greater"),
    ],
)
def test_dict_extending_a_pack_is_blamed_for_its_own_keys(
    override: dict[str, object], expected: str
) -> None:
    """The pack sets these sections too; the error must name the dict, not the pack's line."""
    with pytest.raises(PolicyError) as info:
        aimds.Guard({"name": "child", "extends": "default", **override})
    assert str(info.value).startswith(expected)
