"""Does a payload carry records about people? A send whose body is a table or a list of
objects with columns such as ``email``, ``phone`` or ``ssn`` exports personal data, whoever
the recipient; a mail that merely mentions an address does not.

Read by structure: a CSV or TSV header naming a personal column followed by at least one
row of the same width (a CSV is an export, whatever its length), or a JSON list of two or
more objects with such keys, at any depth (``{"rows": [...]}``) or as a string
field. Whatever the columns are called, two e-mail addresses in the cells of a table or in
two records make it a list of people too. Values are never kept or logged.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["carries_personal_records"]

_MAX_SCAN = 200_000  # longer bodies are read up to here: the header and first rows decide
_PERSONAL = re.compile(
    r"^(?:e[-_ ]?mail(?:[-_ ]?address)?|mail|phone(?:[-_ ]?number)?|mobile|tel|telephone|"
    r"ssn|social[-_ ]?security(?:[-_ ]?number)?|dob|date[-_ ]?of[-_ ]?birth|birth[-_ ]?date|"
    r"birthday|(?:home[-_ ]?|street[-_ ]?)?address|street|iban|account[-_ ]?number|"
    r"card(?:[-_ ]?number)?|credit[-_ ]?card|salary|passport(?:[-_ ]?number)?|"
    r"national[-_ ]?id|tax[-_ ]?id|nino|medical[-_ ]?record|diagnosis)$",
    re.I,
)
_DELIMITERS = (",", "\t", ";", "|")
_EMAIL = re.compile(r"^[^@\s,;|]+@[^@\s,;|]+\.[A-Za-z]{2,}$")


def carries_personal_records(text: str) -> bool:
    """True when ``text`` is (or holds) a table or JSON records with a personal column."""
    text = text[:_MAX_SCAN].strip()
    if not text:
        return False
    if text[0] in "[{":
        try:
            return _json_records(json.loads(text), depth=0)
        except (ValueError, RecursionError):
            pass  # not JSON after all: maybe a table
    return _table(text)


def _table(text: str) -> bool:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if len(lines) < 2:
        return False
    header = lines[0]
    for delimiter in _DELIMITERS:
        columns = [c.strip().strip("\"'").lower() for c in header.split(delimiter)]
        if len(columns) < 2:
            continue
        width = len(columns)
        rows = [line for line in lines[1:] if line.count(delimiter) + 1 == width]
        if rows and any(_PERSONAL.match(c) for c in columns):
            return True
        # whatever the header calls it (``mail_addr``, or no header at all), a column of
        # e-mail addresses in two rows or more is a list of people
        cells = (c.strip().strip("\"'") for line in lines[:50] for c in line.split(delimiter))
        if len(rows) >= 1 and sum(1 for c in cells if _EMAIL.match(c)) >= 2:
            return True
    return False


def _json_records(value: Any, *, depth: int) -> bool:
    if depth > 6:
        return False
    if isinstance(value, list):
        rows = [v for v in value[:200] if isinstance(v, dict)]
        if len(rows) >= 2 and (
            any(_personal_keys(r) for r in rows)
            or sum(1 for r in rows if any(_is_email(v) for v in list(r.values())[:100])) >= 2
        ):
            return True
        return any(_json_records(v, depth=depth + 1) for v in value[:200])
    if isinstance(value, dict):
        for inner in list(value.values())[:200]:
            if isinstance(inner, str):
                # a table or JSON sent as a string field ({"json": "id,name,email\n..."})
                if (inner[:1] in "[{" or "\n" in inner) and carries_personal_records(inner):
                    return True
            elif isinstance(inner, (list, dict)) and _json_records(inner, depth=depth + 1):
                return True
    return False


def _is_email(value: Any) -> bool:
    return isinstance(value, str) and _EMAIL.match(value.strip()) is not None


def _personal_keys(row: dict[Any, Any]) -> bool:
    return any(isinstance(k, str) and _PERSONAL.match(k.strip()) for k in list(row)[:100])
