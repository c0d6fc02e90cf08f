"""The words around a candidate value: what its key, label or table column calls it.

``context_before`` returns, lowercased, the text just before ``start`` on the same line
plus, when the value sits in a table (CSV, Markdown, TSV), the header of its column, so
"| 07/17/1957 |" under a ``dob`` column reads like ``dob: 07/17/1957``.

Every look-up is bounded (``window`` characters back, table rows up to :data:`MAX_ROW`
characters, :data:`_MAX_UP` rows up), so a megabyte on one line with many candidates
costs linear time, not time per candidate proportional to the line.
"""

from __future__ import annotations

__all__ = ["MAX_ROW", "column_header", "context_before", "context_parts"]

_WINDOW = 48
_MAX_UP = 200
MAX_ROW = 4_096
"""Longer lines are prose or minified data, not table rows: no column header is looked up."""


def context_before(text: str, start: int, window: int = _WINDOW) -> str:
    header, near = context_parts(text, start, window)
    return f"{header} | {near}" if header else near


def context_parts(text: str, start: int, window: int = _WINDOW) -> tuple[str, str]:
    """``(column header or "", text before on the line)``, both lowercased."""
    lo = max(0, start - window)
    near = text[max(text.rfind("\n", lo, start) + 1, lo) : start]
    header = column_header(text, start) or ""
    return header.lower(), near.lower()


def _cells(line: str, delim: str) -> list[str]:
    cells: list[str] = []
    cur: list[str] = []
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delim and not quoted:
            cells.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    cells.append("".join(cur))
    return cells


def column_header(text: str, start: int) -> str | None:
    """The header cell above ``start`` when it sits in a delimited table, else ``None``.

    Cheap for prose: a line is only split into cells once a table above it is confirmed.
    """
    lo = max(0, start - MAX_ROW)
    line_start = text.rfind("\n", lo, start) + 1
    if line_start == 0:
        return None  # the first line (no header above), or a line too long for a table
    line_end = text.find("\n", start, start + MAX_ROW)
    if line_end < 0:
        if len(text) - start > MAX_ROW:
            return None
        line_end = len(text)
    line = text[line_start:line_end]
    delim = next((d for d in ("|", "\t", ",") if line.count(d) >= 2), None)
    if delim is None:
        return None
    top = line_start
    for _ in range(_MAX_UP):
        if top == 0:
            break
        lo = max(0, top - 1 - MAX_ROW)
        prev_start = text.rfind("\n", lo, top - 1) + 1
        if (prev_start == 0 and lo > 0) or text.count(delim, prev_start, top - 1) < 2:
            break
        top = prev_start
    if top == line_start:
        return None
    before = line[: start - line_start]
    column = before.count(delim) if '"' not in before else len(_cells(before, delim)) - 1
    header_end = text.find("\n", top)
    header = _cells(text[top:header_end], delim)
    return header[column].strip() if column < len(header) else None
