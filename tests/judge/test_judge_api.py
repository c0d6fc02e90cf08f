"""The judge room's public names are curated: sorted, importable, and the protocol holds."""

from __future__ import annotations

from pathlib import Path

import aimds.judge as judge
from aimds.judge import Judge, PlaybackJudge, RecordingJudge, StubJudge
from aimds.judge.client import OpenAIJudge


def test_exports_are_sorted_and_importable() -> None:
    assert list(judge.__all__) == sorted(judge.__all__)
    for name in judge.__all__:
        assert getattr(judge, name) is not None


def test_every_judge_meets_the_protocol(tmp_path: Path) -> None:
    client = OpenAIJudge(base_url="http://127.0.0.1:9/v1", model="m")
    recorder = RecordingJudge(StubJudge("benign"), tmp_path / "answers.jsonl")
    try:
        for candidate in (client, StubJudge("benign"), PlaybackJudge({}), recorder):
            assert isinstance(candidate, Judge)
    finally:
        client.close()
        recorder.close()
