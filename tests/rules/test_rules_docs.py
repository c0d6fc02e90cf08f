"""docs/actions.md: its examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

_DOC = Path(__file__).resolve().parents[2] / "docs" / "actions.md"
_BLOCKS = re.findall(r"```python\n(.*?)```", _DOC.read_text(encoding="utf-8"), re.DOTALL)


@pytest.mark.parametrize("code", _BLOCKS)
def test_the_examples_of_docs_actions_run(code: str) -> None:
    exec(compile(code, str(_DOC), "exec"), {})  # noqa: S102 - our own documentation


def test_docs_actions_has_examples() -> None:
    assert _BLOCKS
