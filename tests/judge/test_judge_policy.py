"""The ``judge`` policy section: safe defaults, and located errors that never echo values."""

from __future__ import annotations

from pathlib import Path

import pytest

import aimds
from aimds.errors import PolicyError
from aimds.policy import load_policy
from aimds.policy.sections.judge import JudgeSection
from aimds.types import EventKind, Verdict

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_judge_section_names_file_line_and_key(path: Path) -> None:
    header = path.read_text().splitlines()[0]
    expected = header.removeprefix("# expect: ").replace("FILE", str(path), 1)
    with pytest.raises(PolicyError) as info:
        aimds.Guard(str(path))
    assert str(info.value) == expected


def test_a_key_pasted_instead_of_an_env_name_is_not_echoed() -> None:
    path = Path(__file__).parent / "broken" / "key_instead_of_env_name.yaml"
    with pytest.raises(PolicyError) as info:
        aimds.Guard(str(path))
    assert "sk-live" not in str(info.value)


def test_defaults_are_safe_and_off() -> None:
    section = JudgeSection()
    assert not section.enabled and not section.active
    assert section.mode == "doubt" and section.timeout_s == 3.0
    assert section.error_verdict is Verdict.REVIEW
    assert set(section.kinds) == set(EventKind)
    for pack in ("default", "strict", "permissive"):
        assert not load_policy(pack).document.judge.enabled


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:11434/v1", "https://api.openai.com/v1/", "http://vllm:8000/v1"]
)
def test_base_urls_accepted(url: str) -> None:
    section = JudgeSection(enabled=True, base_url=url, model="m")
    assert section.base_url == url.rstrip("/")


@pytest.mark.parametrize(
    "url", ["https://user:pw@api.example.com/v1", "api.openai.com/v1", "http://h/v1?x=1"]
)
def test_base_urls_refused(url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        JudgeSection(enabled=True, base_url=url, model="m")


def test_a_disabled_or_off_judge_needs_no_endpoint() -> None:
    JudgeSection(enabled=True, mode="off")
    JudgeSection(enabled=False, mode="always")


def test_the_section_changes_the_policy_fingerprint() -> None:
    a = load_policy({"name": "p", "judge": {"enabled": False}})
    b = load_policy({"name": "p", "judge": {"enabled": False, "timeout_s": 2}})
    assert a.digest != b.digest
