"""Tool results through the guard: what cannot be redacted consistently is withheld."""

from __future__ import annotations

from typing import Any

import pytest

from aimds import Guard, Subject

pytestmark = pytest.mark.usefixtures("mcp_sdk")

TOKEN = "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"


def _screen(structured: Any, text: str = "see structured content") -> Any:
    import mcp_types as types

    from aimds.integrations.mcp.results import apply_decision, result_parts

    guard = Guard("default")
    result = types.CallToolResult(content=[types.TextContent(type="text", text=text)],
                                  structured_content=structured)
    parts = result_parts(result)
    decision = guard.check_tool_result("lookup", parts.text)
    return apply_decision(guard, decision, result, parts, subject=Subject(),
                          output_schema=None)


def test_nested_secret_is_redacted_in_place() -> None:
    out = _screen({"items": [{"name": "ci", "token": TOKEN}]}, text=f"token {TOKEN}")
    assert not out.is_error
    assert TOKEN not in str(out.structured_content) and TOKEN not in out.content[0].text
    assert out.structured_content["items"][0]["name"] == "ci"


def test_a_number_to_redact_withholds_the_result() -> None:
    out = _screen({"holder": "bob", "card": 4915112345678})
    assert out.is_error
    assert "not text" in out.content[0].text and "4915" not in out.content[0].text


def test_a_secret_deeper_than_the_redaction_walk_withholds_the_result() -> None:
    deep: Any = TOKEN
    for _ in range(9):
        deep = {"x": deep}
    out = _screen(deep)
    assert out.is_error and TOKEN not in str(out)


def test_redaction_that_breaks_the_output_schema_withholds_the_result() -> None:
    import mcp_types as types

    from aimds.integrations.mcp.results import apply_decision, result_parts

    guard = Guard("default")
    result = types.CallToolResult(content=[], structured_content={"token": TOKEN})
    parts = result_parts(result)
    decision = guard.check_tool_result("lookup", parts.text)
    schema = {"type": "object", "properties": {"token": {"type": "string",
                                                         "pattern": "^ghp_"}}}
    out = apply_decision(guard, decision, result, parts, subject=Subject(),
                         output_schema=schema)
    assert out.is_error and "output schema" in out.content[0].text
