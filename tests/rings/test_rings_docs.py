"""The examples of docs/rings.md run as written, and its YAML is the example policy's."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "rings.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_python_example_runs() -> None:
    for block in _blocks("python"):
        exec(compile(block, str(DOC), "exec"), {})  # noqa: S102 - our own docs


def test_yaml_example_is_a_valid_section_and_matches_the_example_policy() -> None:
    import aimds

    (section,) = _blocks("yaml")
    doc = yaml.safe_load(section)
    aimds.Guard({"name": "t", "extends": "default", **doc})  # valid as written
    example = yaml.safe_load((REPO / "examples" / "rings.yaml").read_text())
    for key in ("default", "roles", "agents", "types"):
        assert doc["rings"][key] == example["rings"][key]


def test_the_ring_table_in_the_doc_names_every_type_where_the_code_puts_it() -> None:
    from aimds.rules.rings import TYPE_RINGS

    rows = {
        int(m.group(1)): m.group(2)
        for m in re.finditer(r"^\| (\d) \| [^|]+ \| (.+) \|$", DOC.read_text(), flags=re.M)
    }
    for type_id, ring in TYPE_RINGS.items():
        category = type_id.split(":")[0]
        assert f"`{type_id}`" in rows[ring] or f"`{category}:*`" in rows[ring], type_id
