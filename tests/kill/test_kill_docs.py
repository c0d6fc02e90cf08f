"""The examples of docs/kill-switch.md run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "kill-switch.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_python_examples_run() -> None:
    namespace: dict[str, object] = {}
    for block in _blocks("python"):
        exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - our own docs


def test_shell_examples_run(tmp_path: Path) -> None:
    (script,) = _blocks("sh")
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "DIR": str(tmp_path), "PATH": bin_dir + os.pathsep + os.environ["PATH"]}
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert '"scope": "agent"' in done.stdout and "acme/researcher-1" in done.stdout
