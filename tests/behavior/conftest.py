"""Fixtures of the behaviour tests; the helpers live in ``behavior_kit``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from behavior_kit import Runner, build  # noqa: E402

from aimds.behavior.stage import BehaviorStage  # noqa: E402


@pytest.fixture()
def stage_for() -> Callable[..., BehaviorStage]:
    """``stage_for(behavior_dict, store=None)``: a stage on a fresh (or given) store."""
    return build


@pytest.fixture()
def runner() -> Runner:
    return Runner(build({"fingerprint_key": "k" * 32}))
