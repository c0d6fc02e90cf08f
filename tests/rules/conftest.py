"""Shared by the rules tests: a tool call judged by the default pack as a fresh agent's first
call in its own session, so no trust, rate or sequence state carries between cases."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

import aimds
from aimds.types import Decision

_GUARD = aimds.Guard()
_AGENTS = itertools.count()


def _first_call(tool: str, args: dict[str, Any]) -> Decision:
    n = next(_AGENTS)
    who = aimds.Subject(tenant="t", agent=f"fresh-{n}", session=f"fresh-{n}")
    return _GUARD.check_tool_call(tool, args, subject=who)


@pytest.fixture()
def first_call() -> Callable[[str, dict[str, Any]], Decision]:
    """``first_call(tool, args)``: the default pack's decision on a fresh agent's call."""
    return _first_call
