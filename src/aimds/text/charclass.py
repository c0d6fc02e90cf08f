"""Character-class presence checks at C speed, for the fast paths of the passes.

A regex over a character class costs a few nanoseconds per character in CPython; mapping the
text's UTF-8 bytes through a ``bytes.translate`` table and searching the result with
``bytes.find`` costs well under one. Every class here is ASCII, and every byte of a
multi-byte UTF-8 sequence is >= 0x80, so a non-ASCII character can never look like a member:
the mapped bytes answer "is there a run of N members" exactly for any text. Offsets into the
mapped bytes equal offsets into the text only when the text is ASCII.
"""

from __future__ import annotations

__all__ = ["IN", "OUT", "class_table", "mapped"]

IN = 0x31  # b"1"
OUT = 0x2E  # b"."


def class_table(members: str) -> bytes:
    """A ``bytes.translate`` table: each (ASCII) member -> ``b"1"``, any other byte -> ``b"."``."""
    wanted = {ord(c) for c in members}
    if any(cp > 0x7F for cp in wanted):
        raise ValueError("class_table members must be ASCII")
    return bytes(IN if b in wanted else OUT for b in range(256))


def mapped(text: str, table: bytes) -> bytes:
    """``text`` as UTF-8 (lone surrogates passed through) mapped through ``table``."""
    return text.encode("utf-8", "surrogatepass").translate(table)
