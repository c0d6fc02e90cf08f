"""docs/detectors.md: its example section is a valid policy and means what the page says."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from aimds.policy import load_policy

DOC = Path(__file__).resolve().parents[2] / "docs" / "detectors.md"


def test_the_documented_detectors_section_loads_over_the_default_pack() -> None:
    block = re.search(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block is not None
    doc = yaml.safe_load(block.group(1))
    doc.update({"schema_version": 1, "name": "docs-detectors", "extends": "default"})
    section = load_policy(doc).document.detectors
    assert section.cache.enabled and section.cache.max_entries == 1024
    assert section.thresholds["tool_result"].block == 0.9
    assert section.normalize.oversize_action.value == "block"


def test_the_use_and_mention_example_runs_as_written() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Quoted, not addressed: use and mention", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    assert block is not None
    exec(compile(block.group(1), str(DOC), "exec"), {})  # noqa: S102 - our own docs
