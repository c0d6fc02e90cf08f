"""The compiled hot path (setup.py, mypyc) decides exactly as its Python source does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from aimds.build import compiled_modules

SCRIPT = Path(__file__).with_name("parity_events.py")


def _run(*flags: str) -> tuple[list[dict[str, Any]], list[str]]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *flags], capture_output=True, text=True, timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines: list[dict[str, Any]] = [json.loads(line) for line in done.stdout.splitlines()]
    trailer = lines.pop()
    return lines, [str(name) for name in trailer["compiled"]]


def test_compiled_and_pure_python_give_identical_decisions() -> None:
    if not compiled_modules():
        pytest.skip("pure-Python install (AIMDS_COMPILE=0 or no compiler): nothing to compare")
    compiled, loaded_native = _run()
    pure, loaded_pure = _run("--pure")
    assert set(compiled_modules()) <= set(loaded_native)  # the compiled run used them
    assert loaded_pure == []  # the pure run loaded every aimds module from source
    assert len(compiled) == len(pure) > 20
    for i, (a, b) in enumerate(zip(compiled, pure, strict=True)):
        assert a == b, f"event {i} decided differently compiled vs pure"
    verdicts = {d["verdict"] for d in compiled}
    assert {"allow", "block"} <= verdicts  # the script exercises both outcomes
