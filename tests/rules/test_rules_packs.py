"""The built-in packs' action rules as the rules stage applies them (no other stage)."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from aimds.policy import load_policy
from aimds.rules.stage import RulesStage, compile_classifier
from aimds.types import Evaluation, Event, EventKind, Subject


@cache
def stage(pack: str) -> RulesStage:
    pol = load_policy(pack)
    return RulesStage(pol, compile_classifier(pol))


def rules(pack: str, tool: str, args: dict[str, Any], role: str = "architect") -> list[str]:
    event = Event(kind=EventKind.TOOL_CALL, tool=tool, args=args, subject=Subject(role=role))
    ev = Evaluation(event=event, ts=1.0, args=args)
    stage(pack)(ev)
    return [f.rule for f in ev.findings]


@pytest.mark.parametrize("pack", ["default", "strict", "permissive"])
@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("shell", {"command": "bash -c 'rm -rf /'"}),
        ("shell", {"command": "sudo rm -rf /"}),
        ("shell", {"command": "echo $(rm -rf /)"}),
        ("bash", {"cmd": "rm -fr ~"}),
        ("shell", {"commands": ["cd /", "rm -rf --no-preserve-root /"]}),
        ("run_python", {"code": "import os\nos.system('rm -rf /')"}),
    ],
)
def test_rm_root_blocks_executed_wipes(pack: str, tool: str, args: dict[str, Any]) -> None:
    assert "hard.rm_root" in rules(pack, tool, args)


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("shell", {"command": "echo rm -rf /"}),
        ("shell", {"command": "echo 'do not run: rm -rf /'"}),
        ("shell", {"command": "rm -rf build/"}),
        ("write_file", {"path": "notes.md", "content": "rm -rf /"}),
    ],
)
def test_rm_root_ignores_commands_that_only_mention_it(tool: str, args: dict[str, Any]) -> None:
    assert "hard.rm_root" not in rules("default", tool, args)
