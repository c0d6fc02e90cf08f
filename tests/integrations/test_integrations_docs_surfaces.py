"""Every Python example in docs/integrations.md (the sections listed here) runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"
TEXT = DOC.read_text(encoding="utf-8")
SECTIONS = {
    "Decorator: `@guard.tool`": None,
    "OpenAI-compatible proxy: `aimds proxy`": "openai",
    "LiteLLM Generic Guardrail API": "fastapi",
    "LangChain 1.x": "langchain.agents",
    "OpenAI Agents SDK": "agents",
}


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", TEXT, flags=re.S | re.M)
    assert match is not None, f"docs/integrations.md has no section {title!r}"
    return match.group(1)


CASES = [
    pytest.param(title, i, block, needs, id=f"{title.split(':')[0].split()[0].lower()}-{i}")
    for title, needs in SECTIONS.items()
    for i, block in enumerate(re.findall(r"```python\n(.*?)```", _section(title), flags=re.S))
]


def test_every_section_has_an_example() -> None:
    assert {c.values[0] for c in CASES} == set(SECTIONS)


@pytest.mark.parametrize(("title", "index", "source", "needs"), CASES)
def test_example_runs(
    title: str, index: int, source: str, needs: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    if needs is not None:
        pytest.importorskip(needs)
    exec(compile(source, f"docs/integrations.md#{title}", "exec"), {"__name__": "docs"})  # noqa: S102
    printed = capsys.readouterr().out.splitlines()
    # ``print(...)  # EXPECTED`` lines document their output; ``...`` stands for anything.
    expected = re.findall(r"^\s*print\(.*\)\s+# (.+)$", source, flags=re.M)
    assert expected, "each example prints its result and says what it prints"
    assert len(printed) == len(expected), printed
    for line, want in zip(printed, expected, strict=True):
        pattern = ".*".join(re.escape(part) for part in want.strip().split("..."))
        assert re.fullmatch(pattern, line.strip()), (line, want)
