"""scripts/generate_jailbreaks.py: deterministic, held-back families apart from the visible
ones, and the detector's recall on the held-back families does not fall back."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import generate_jailbreaks as gen  # noqa: E402

from aimds.detectors.framed_requests import FramedRequestDetector  # noqa: E402
from aimds.policy.sections.detectors import DetectorsSection  # noqa: E402
from aimds.text import build_views  # noqa: E402
from aimds.types import Event, EventKind, Subject  # noqa: E402


def test_same_output_every_run() -> None:
    assert gen.generate(10) == gen.generate(10)
    assert len({i.text for i in gen.generate()}) == len(gen.generate())


def test_held_back_families_use_their_own_frames_and_requests() -> None:
    assert not set(gen.VISIBLE) & set(gen.HELD_BACK)
    assert not set(gen._VISIBLE_OBJECTS) & set(gen._HELD_OBJECTS)
    assert not set(gen._VISIBLE_ACTS) & set(gen._HELD_ACTS)
    assert not set(gen._VISIBLE_ASK_OBJECT) & set(gen._HELD_ASK_OBJECT)


def test_the_detector_keeps_its_recall_on_held_back_families() -> None:
    detector = FramedRequestDetector(DetectorsSection())
    items = [i for i in gen.generate(20) if i.group == "held_back"]

    def flagged(text: str) -> bool:
        event = Event(kind=EventKind.PROMPT, subject=Subject(tenant="t"), text=text)
        return bool(detector.detect(event, build_views(text)))

    recall = sum(flagged(i.text) for i in items) / len(items)
    assert recall >= 0.8
